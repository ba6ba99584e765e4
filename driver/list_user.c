/* etrace -l for user-space probes (uprobe:, uretprobe:, usdt:), as
 * bpftrace 0.17 lists them: the functions or USDT probes of a binary
 * named by path, by library or command name, or by a wildcard over
 * paths (uprobe:/usr/lib/x86_64-linux-gnu/libc.so*:mall*); with -p PID
 * the process's executable (uprobes) or every object it maps (USDT),
 * seen through /proc/PID/root when it lives in another mount namespace.
 * Lines are sorted by "FILE:name" and unique, as bpftrace's sets. With
 * -v a uprobe's parameters follow it, one per line, from the binary's
 * debug info (compiler/dwarf_reader.h), as bpftrace 0.17 prints them.
 * A statement probe (uprobe:BIN@FILE:LINE) lists where it attaches. */
#define _GNU_SOURCE
#include "list_impl.h"

#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demangle.h"
#include "dwarf_reader.h"
#include "elf_syms.h"
#include "probe_impl.h"
#include "usdt_notes.h"

/* "FILE:name" lines, sorted and unique before they are printed. */
struct lines {
	char **v;
	size_t n, cap;
};

/* One line, "FILE:name" and what follows it (-lv's parameters, each
 * after a newline: the order and the unicity stay those of the names). */
static int lines_add(struct lines *ls, const char *file, const char *name,
		     const char *more)
{
	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? 2 * ls->cap : 256;
		char **v = realloc(ls->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ls->v = v;
		ls->cap = cap;
	}
	if (asprintf(&ls->v[ls->n], "%s:%s%s", file, name, more) < 0)
		return -ENOMEM;
	ls->n++;
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lines_print(struct lines *ls, const char *kind, FILE *out)
{
	qsort(ls->v, ls->n, sizeof(*ls->v), cmp_line);
	for (size_t i = 0; i < ls->n; i++)
		if (!i || strcmp(ls->v[i], ls->v[i - 1]))
			fprintf(out, "%s:%s\n", kind, ls->v[i]);
}

static void lines_free(struct lines *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		free(ls->v[i]);
	free(ls->v);
}

/* What one -l user pattern asks for. */
struct ulist {
	struct compile_ctx *ctx;
	enum probe_kind kind;
	struct loc loc;        /* of the pattern, for errors */
	const char *file;      /* path, name or glob; NULL: by -p PID */
	const char *func;      /* function pattern (uprobes) */
	const char *provider;  /* provider pattern (USDT) */
	const char *probe;     /* probe name pattern (USDT) */
	bool verbose;          /* -lv: parameters of uprobes */
	struct lines out;
};

static bool usdt(const struct ulist *u)
{
	return u->kind == PK_USDT;
}

/* As bpftrace 0.17 matches functions: by the symbol's name, or by its
 * demangled form (printing the symbol); ".part.N" pieces, which cannot
 * be traced, never. */
static bool function_matches(const char *pattern, const char *name)
{
	char *d;
	bool m;

	if (strstr(name, ".part."))
		return false;
	if (!fnmatch(pattern, name, 0))
		return true;
	if (!demangle_is_mangled(name) || !(d = demangle(name, DEMANGLE_FULL)))
		return false;
	m = !fnmatch(pattern, d, 0);
	free(d);
	return m;
}

struct params_text {
	struct arena *arena;
	const char *text;
};

static void param_line(const char *name, const char *type, void *arg)
{
	struct params_text *p = arg;

	p->text = arena_printf(p->arena, "%s\n    %s%s%s", p->text, type,
			       name ? " " : "", name ? name : "");
}

/* -lv: "\n    TYPE NAME" per parameter of func, "" without debug info
 * (uretprobes have no args: nothing) */
static const char *params_text(struct ulist *u, struct dwarf_file *df,
			       const char *func)
{
	struct params_text p = { u->ctx->arena, "" };

	if (df)
		dwarf_func_params(u->ctx, df, func, param_line, &p);
	return p.text;
}

/* -lv: the debug info of file, or NULL after one warning per file */
static struct dwarf_file *params_source(struct ulist *u, const char *file)
{
	struct dwarf_file *df;

	if (!u->verbose || u->kind != PK_UPROBE)
		return NULL;
	df = dwarf_open(u->ctx, file);
	if (!df)
		diag_warning(&u->ctx->diags, u->loc, "No DWARF found for "
			     "\"%s\", cannot show parameter info", file);
	return df;
}

/* uprobe:FILE:cpp:PATTERN (bpftrace 0.26): C++ functions matched by
 * their demangled name, listed as cpp:"NAME" (quoted: usable as an
 * attach point as printed); NULL when name is not one. */
static const char *cpp_match(struct ulist *u, const char *name)
{
	const char *shown = NULL;
	char *d;

	if (!demangle_is_mangled(name) || strstr(name, ".part.") ||
	    !(d = demangle(name, DEMANGLE_FULL)))
		return NULL;
	if (!fnmatch(u->func + 4, d, 0))
		shown = arena_printf(u->ctx->arena, "cpp:\"%s\"", d);
	free(d);
	return shown;
}

static int add_functions(struct ulist *u, const char *file)
{
	struct elf_syms *es = elf_syms__open(file);
	bool cpp = !strncmp(u->func, "cpp:", 4);
	struct dwarf_file *df;
	int err = 0;

	if (!es)
		return -errno;
	df = params_source(u, file);
	for (size_t i = 0; i < elf_syms__count(es) && !err; i++) {
		const char *name = elf_syms__at(es, i)->name;
		const char *shown = cpp ? cpp_match(u, name) : name;

		if (cpp ? shown != NULL : function_matches(u->func, name))
			err = lines_add(&u->out, file, shown,
					params_text(u, df, name));
	}
	elf_syms__close(es);
	return err;
}

static int add_usdt(struct ulist *u, const char *file)
{
	struct usdt_notes *un = usdt_notes__open(file);
	char name[512];
	int err = 0;

	if (!un)
		return -errno;
	for (size_t i = 0; i < un->count && !err; i++) {
		const struct usdt_probe *p = &un->probes[i];

		if (fnmatch(u->provider, p->provider, 0) ||
		    fnmatch(u->probe, p->name, 0))
			continue;
		snprintf(name, sizeof(name), "%s:%s", p->provider, p->name);
		err = lines_add(&u->out, file, name, "");
	}
	usdt_notes__free(un);
	return err;
}

static int add_file(struct ulist *u, const char *file)
{
	return usdt(u) ? add_usdt(u, file) : add_functions(u, file);
}

/* A file of the list that cannot be read: the compiler's words. */
static int file_error(struct ulist *u, const char *file, int err)
{
	const char *kind = probe_kind_name(u->kind);

	if (err == -ENOEXEC)
		diag_error(&u->ctx->diags, u->loc,
			   "%s target file '%s' is not an ELF file", kind,
			   file);
	else
		diag_error(&u->ctx->diags, u->loc,
			   "Cannot read the %s of %s: %s", usdt(u) ?
			   "USDT notes" : "symbols", file, strerror(-err));
	return -EINVAL;
}

static bool is_elf_file(const char *path)
{
	unsigned char magic[4];
	struct stat st;
	FILE *f;
	bool ok;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return false;
	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fread(magic, 1, 4, f) == 4 && !memcmp(magic, "\177ELF", 4);
	fclose(f);
	return ok;
}

/* A wildcard over paths: every ELF file it matches, in glob's order;
 * none is the error of a missing file, as in bpftrace. */
static int add_glob(struct ulist *u)
{
	int err = 0, n = 0;
	glob_t g;

	if (glob(u->file, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && !err; i++) {
			if (!is_elf_file(g.gl_pathv[i]))
				continue;
			n++;
			err = add_file(u, g.gl_pathv[i]);
			if (err && err != -ENOMEM) {
				/* one of many: the others still list */
				diag_warning(&u->ctx->diags, u->loc,
					     "Could not list the %s of %s: %s",
					     usdt(u) ? "USDT probes" :
						       "functions",
					     g.gl_pathv[i], strerror(-err));
				err = 0;
			}
		}
		globfree(&g);
	}
	if (!n && !err) {
		diag_error(&u->ctx->diags, u->loc,
			   "%s target file '%s' does not exist",
			   probe_kind_name(u->kind), u->file);
		return -ENOENT;
	}
	return err;
}

/* A file by path, library or command name, as programs name it. */
static int add_named(struct ulist *u)
{
	struct attach_point ap = { .kind = u->kind, .target = u->file,
				   .loc = u->loc };
	int err;

	if (probe_resolve_binary(u->ctx, &ap))
		return -ENOENT;
	err = add_file(u, ap.target);
	return err && err != -ENOMEM ? file_error(u, ap.target, err) : err;
}

/* The executable of -p PID, as this process reaches it. */
static const char *pid_exe(struct ulist *u)
{
	char link[64], path[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", u->ctx->opts.target_pid);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return NULL;
	path[n] = '\0';
	return probe_find_binary(u->ctx, arena_strdup(u->ctx->arena, path));
}

/* USDT probes of every file -p PID maps (bcc's and bpftrace's way);
 * files that are no ELF objects, or gone, are passed over. */
static int add_pid_modules(struct ulist *u)
{
	char line[4096], file[4096];
	const char *f;
	int err = 0;
	FILE *maps;

	snprintf(line, sizeof(line), "/proc/%d/maps", u->ctx->opts.target_pid);
	maps = fopen(line, "re");
	if (!maps)
		return 0;
	while (!err && fgets(line, sizeof(line), maps)) {
		if (sscanf(line, "%*s %*s %*s %*s %*s %4095s", file) != 1 ||
		    file[0] != '/')
			continue;
		f = probe_find_binary(u->ctx, file);
		if (f && is_elf_file(f))
			err = add_usdt(u, f) == -ENOMEM ? -ENOMEM : 0;
	}
	fclose(maps);
	return err;
}

/* -p PID and no file: its executable, or for USDT all it maps. */
static int add_pid(struct ulist *u)
{
	const char *exe;
	int err;

	if (usdt(u))
		return add_pid_modules(u);
	exe = pid_exe(u);
	if (!exe) {
		diag_error(&u->ctx->diags, u->loc, "Cannot find the executable "
			   "of process %d", u->ctx->opts.target_pid);
		return -ENOENT;
	}
	err = add_file(u, exe);
	return err && err != -ENOMEM ? file_error(u, exe, err) : err;
}

static const char *or_all(struct ulist *u, const char *s, size_t n)
{
	return n ? arena_strndup(u->ctx->arena, s, n) : "*";
}

/* rest is the pattern after "uprobe:" or "usdt:": FILE:FUNC for
 * uprobes, FILE[:PROVIDER]:PROBE for USDT; FILE alone lists all its
 * probes. With -p, a FILE of "" or "*" is the process's, and a lone
 * word without '/' the function (probe) pattern, as bpftrace reads it. */
static void parse_rest(struct ulist *u, const char *rest, bool pid)
{
	const char *c1 = strchr(rest, ':'), *c2 = c1 ? strchr(c1 + 1, ':') :
					       NULL;
	bool word = !c1 && pid && !strchr(rest, '/');

	u->func = u->provider = u->probe = "*";
	u->file = word ? "" : or_all(u, rest, c1 ? c1 - rest : strlen(rest));
	if (word)
		u->func = u->probe = or_all(u, rest, strlen(rest));
	else if (c1 && !usdt(u))
		u->func = or_all(u, c1 + 1, strlen(c1 + 1));
	else if (c1 && !c2)
		u->probe = or_all(u, c1 + 1, strlen(c1 + 1));
	else if (c2) {
		u->provider = or_all(u, c1 + 1, c2 - c1 - 1);
		u->probe = or_all(u, c2 + 1, strlen(c2 + 1));
	}
	if (pid && (!*u->file || !strcmp(u->file, "*")))
		u->file = NULL;
}

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* A statement probe's pattern, BIN@FILE:LINE[:COL] or
 * BIN:FILE:LINE[:COL], as the compiler reads it (probe_uprobe.c)? */
static bool statement_pattern(const char *rest)
{
	const char *c1 = strchr(rest, ':'), *c2, *c3;

	if (!c1 || probe_has_wildcard(rest))
		return false;
	c2 = strchr(c1 + 1, ':');
	if (memchr(rest, '@', c1 - rest))
		return all_digits(c1 + 1,
				  c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1));
	if (!c2 || (c2 - c1 - 1 == 3 && !strncmp(c1 + 1, "cpp", 3)))
		return false;
	c3 = strchr(c2 + 1, ':');
	return all_digits(c2 + 1, c3 ? (size_t)(c3 - c2 - 1) : strlen(c2 + 1));
}

/* -l of a statement probe: where it attaches, one line per function or
 * inlined copy with code for the line, as FUNC+OFFSET. */
static int list_statement(struct compile_ctx *ctx, const char *rest,
			  struct loc loc, FILE *out)
{
	const char *raw = arena_printf(ctx->arena, "uprobe:%s", rest);
	struct attach_point *ap = attach_point_parse(ctx, raw, loc);

	if (!ap || !ap->src_file || probe_resolve_uprobe(ctx, ap) < 0)
		return -EINVAL;
	for (; ap; ap = ap->more)
		fprintf(out, "uprobe:%s:%s+%llu\n", ap->target, ap->func,
			(unsigned long long)ap->offset);
	return 0;
}

int list_user(struct compile_ctx *ctx, enum probe_kind kind,
	      const char *rest, struct loc loc, bool verbose, FILE *out)
{
	struct ulist u = { .ctx = ctx, .kind = kind, .loc = loc,
			   .verbose = verbose };
	int err;

	if (kind == PK_UPROBE && statement_pattern(rest))
		return list_statement(ctx, rest, loc, out);
	parse_rest(&u, rest, ctx->opts.target_pid > 0);
	if (!u.file)
		err = add_pid(&u);
	else if (probe_has_wildcard(u.file))
		err = add_glob(&u);
	else
		err = add_named(&u);
	if (err == -ENOMEM)
		diag_error(&ctx->diags, loc, "out of memory");
	if (!err)
		lines_print(&u.out, probe_kind_name(kind), out);
	lines_free(&u.out);
	return err;
}
