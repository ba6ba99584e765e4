/* etrace -l [PATTERN]: the probes one can write, one per line, matched
 * with fnmatch: BEGIN/END, software and hardware events, iterators,
 * tracepoints (tracefs events/), kernel functions for kprobe (the
 * compiler's kernel function index, ksyms.h) and the stdlib
 * recipes (as stdlib:NAME); with uprobe:BIN[:PATTERN] or usdt:BIN[:...]
 * the functions or USDT probes of that binary (-p PID: a library name is
 * found in its mappings), sorted by name as bpftrace 0.17 lists them. */
#define _GNU_SOURCE
#include "driver.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "elf_syms.h"
#include "ksyms.h"
#include "probe.h"
#include "probe_impl.h"
#include "recipes.h"
#include "usdt_notes.h"

static const char *const special[] = { "BEGIN", "END" };

/* As bpftrace 0.17 lists them; aliases are accepted in programs. */
static const char *const software[] = {
	"alignment-faults", "bpf-output", "context-switches", "cpu-clock",
	"cpu-migrations", "dummy", "emulation-faults", "major-faults",
	"minor-faults", "page-faults", "task-clock",
};
static const char *const hardware[] = {
	"backend-stalls", "branch-instructions", "branch-misses",
	"bus-cycles", "cache-misses", "cache-references", "cpu-cycles",
	"frontend-stalls", "instructions", "ref-cycles",
};
static const char *const iters[] = { "task", "task_file", "task_vma" };

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct lister {
	const char *pattern;
	FILE *out;
	long printed;
};

static void emit(struct lister *l, const char *kind, const char *a,
		 const char *b)
{
	char name[512];

	if (b)
		snprintf(name, sizeof(name), "%s:%s:%s", kind, a, b);
	else if (a)
		snprintf(name, sizeof(name), "%s:%s", kind, a);
	else
		snprintf(name, sizeof(name), "%s", kind);
	if (fnmatch(l->pattern, name, 0) == 0) {
		fprintf(l->out, "%s\n", name);
		l->printed++;
	}
}

static void list_static(struct lister *l)
{
	for (size_t i = 0; i < ARRAY_SIZE(special); i++)
		emit(l, special[i], NULL, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(software); i++)
		emit(l, "software", software[i], NULL);
	for (size_t i = 0; i < ARRAY_SIZE(hardware); i++)
		emit(l, "hardware", hardware[i], NULL);
	for (size_t i = 0; i < ARRAY_SIZE(iters); i++)
		emit(l, "iter", iters[i], NULL);
}

static int only_dirs(const struct dirent *d)
{
	return d->d_type == DT_DIR && d->d_name[0] != '.';
}

static void list_category(struct lister *l, const char *events,
			  const char *cat)
{
	struct dirent **names;
	char path[4096 + 256 + 2]; /* events dir + a d_name */
	int n;

	snprintf(path, sizeof(path), "%s/%s", events, cat);
	n = scandir(path, &names, only_dirs, alphasort);
	for (int i = 0; i < n; i++) {
		emit(l, "tracepoint", cat, names[i]->d_name);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

static void list_tracepoints(struct lister *l, const char *tracefs)
{
	struct dirent **cats;
	char events[4096];
	int n;

	snprintf(events, sizeof(events), "%s/events", tracefs);
	n = scandir(events, &cats, only_dirs, alphasort);
	for (int i = 0; i < n; i++) {
		list_category(l, events, cats[i]->d_name);
		free(cats[i]);
	}
	if (n >= 0)
		free(cats);
}

static int emit_kprobe(const char *name, void *arg)
{
	emit(arg, "kprobe", name, NULL);
	return 0;
}

/* The kernel function index of the compiler (ksyms.h): tracefs
 * available_filter_functions, else /proc/kallsyms. */
static void list_kprobes(struct lister *l, struct compile_ctx *ctx)
{
	struct ksym_index *idx = compile_kfuncs(ctx);

	if (idx)
		ksym_index_match(idx, "*", emit_kprobe, l);
}

static void list_recipes(struct lister *l)
{
	for (int i = 0; i < et_nrecipes; i++)
		emit(l, "stdlib", et_recipes[i].name, NULL);
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Canonical pattern: the provider alias spelled out ("t:..." is
 * "tracepoint:..."); a plain word matches as a substring. */
static char *make_pattern(const char *pat)
{
	const struct probe_provider *pp;
	const char *colon;
	char kind[64], *out;

	if (!pat || !*pat)
		return strdup("*");
	colon = strchr(pat, ':');
	if (!colon) {
		if (has_glob(pat))
			return strdup(pat);
		if (asprintf(&out, "*%s*", pat) < 0)
			return NULL;
		return out;
	}
	snprintf(kind, sizeof(kind), "%.*s", (int)(colon - pat), pat);
	pp = probe_provider_find(kind);
	if (!pp || has_glob(kind))
		return strdup(pat);
	if (asprintf(&out, "%s%s", probe_kind_name(pp->kind), colon) < 0)
		return NULL;
	return out;
}

static bool wants_binary(const char *pat)
{
	static const char *const kinds[] = { "uprobe:", "uretprobe:",
		"usdt:", "u:", "ur:", "U:" };

	for (size_t i = 0; pat && i < ARRAY_SIZE(kinds); i++)
		if (!strncmp(pat, kinds[i], strlen(kinds[i])))
			return true;
	return false;
}

/* Names of one binary, sorted and unique before they are printed. */
struct names {
	char **v;
	size_t n, cap;
};

static int names_add(struct names *ns, const char *name)
{
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? 2 * ns->cap : 256;
		char **v = realloc(ns->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ns->v = v;
		ns->cap = cap;
	}
	ns->v[ns->n] = strdup(name);
	return ns->v[ns->n++] ? 0 : -ENOMEM;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_emit(struct lister *l, struct names *ns, const char *kind,
		       const char *bin)
{
	qsort(ns->v, ns->n, sizeof(*ns->v), cmp_name);
	for (size_t i = 0; i < ns->n; i++) {
		if (!i || strcmp(ns->v[i], ns->v[i - 1]))
			emit(l, kind, bin, ns->v[i]);
	}
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
}

static int list_functions(struct names *ns, const char *bin)
{
	struct elf_syms *es = elf_syms__open(bin);
	int err = 0;

	if (!es)
		return -errno;
	for (size_t i = 0; i < elf_syms__count(es) && !err; i++)
		err = names_add(ns, elf_syms__at(es, i)->name);
	elf_syms__close(es);
	return err;
}

static int list_usdt(struct names *ns, const char *bin)
{
	struct usdt_notes *un = usdt_notes__open(bin);
	char name[512];
	int err = 0;

	if (!un)
		return -errno;
	for (size_t i = 0; i < un->count && !err; i++) {
		snprintf(name, sizeof(name), "%s:%s", un->probes[i].provider,
			 un->probes[i].name);
		err = names_add(ns, name);
	}
	usdt_notes__free(un);
	return err;
}

/* pat is "KIND:BIN[:REST]" with KIND canonical: the pattern names print
 * against, with BIN resolved; a missing REST matches everything, and
 * usdt's one-part REST matches the probe name of any provider. */
static char *binary_pattern(const char *pat, const char *kind,
			    const char *bin, bool usdt)
{
	const char *rest = strchr(pat + strlen(kind) + 1, ':');
	char *out;
	int n;

	if (!rest)
		n = asprintf(&out, "%s:%s:*", kind, bin);
	else if (usdt && !strchr(rest + 1, ':'))
		n = asprintf(&out, "%s:%s:*:%s", kind, bin, rest + 1);
	else
		n = asprintf(&out, "%s:%s%s", kind, bin, rest);
	return n < 0 ? NULL : out;
}

static int list_binary(struct compile_ctx *ctx, const char *pat)
{
	const char *kind = strncmp(pat, "usdt:", 5) ? (strncmp(pat,
			   "uretprobe:", 10) ? "uprobe" : "uretprobe") : "usdt";
	const char *target = pat + strlen(kind) + 1;
	char name[4096];
	struct names ns = { 0 };
	struct lister l = { .out = stdout };
	const char *bin;
	int err;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(target, ":"),
		 target);
	bin = probe_find_binary(ctx, name);
	if (!bin) {
		fprintf(stderr, "etrace: %s target '%s' not found\n", kind,
			name);
		return 1;
	}
	err = strcmp(kind, "usdt") ? list_functions(&ns, bin) :
				     list_usdt(&ns, bin);
	l.pattern = binary_pattern(pat, kind, bin, !strcmp(kind, "usdt"));
	if (err || !l.pattern) {
		fprintf(stderr, "etrace: cannot list the %s probes of %s: %s\n",
			kind, bin, err == -ENOEXEC ? "not an ELF file" :
			strerror(err ? -err : ENOMEM));
		l.pattern = NULL;
	} else {
		names_emit(&l, &ns, kind, bin);
		ns.v = NULL;
		ns.n = 0;
	}
	for (size_t i = 0; i < ns.n; i++)
		free(ns.v[i]);
	free(ns.v);
	free((char *)l.pattern);
	return err ? 1 : 0;
}

int et_list(const struct cli *cli)
{
	struct compile_opts opts = { 0 };
	struct compile_ctx ctx;
	struct lister l = { .out = stdout };
	char *pat;
	int rc;

	rc = et_env_opts(&opts);
	if (rc)
		return rc;
	opts.target_pid = (int)cli->pid;
	pat = make_pattern(cli->list_pattern);
	if (!pat || compile_ctx_init(&ctx, "etrace", "", 0, &opts)) {
		free(pat);
		fprintf(stderr, "etrace: out of memory\n");
		return 1;
	}
	if (wants_binary(pat)) {
		rc = list_binary(&ctx, pat);
		compile_ctx_fini(&ctx);
		free(pat);
		return rc;
	}
	l.pattern = pat;
	list_static(&l);
	if (compile_tracefs(&ctx))
		list_tracepoints(&l, compile_tracefs(&ctx));
	list_kprobes(&l, &ctx);
	list_recipes(&l);
	compile_ctx_fini(&ctx);
	free(pat);
	return 0;
}
