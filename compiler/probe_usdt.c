/* usdt:FILE:[PROVIDER:]NAME: a static user probe, found in the
 * .note.stapsdt of FILE (usdt_notes.h), as bpftrace 0.17 reads the forms:
 *   - an empty PROVIDER (usdt:FILE::NAME) is a left-out one: any
 *     provider's NAME, which must then be one probe unless a wildcard
 *     asks for several;
 *   - with -p PID, FILE may be left out (usdt::PROVIDER:NAME, usdt:NAME):
 *     every file the process maps is searched, and the probe must be one
 *     (the same without a wildcard when FILE is given: it must be one the
 *     process maps);
 *   - a wildcard in FILE matches the files -p PID maps, or without -p
 *     the ELF files glob(3) finds.
 * Resolving leaves one attach point per file (the first is ap, the others
 * chained on ap->more for the probe pass to add), each with its file in
 * target; its probes are ap->matches ("provider:name", wildcard set) but
 * for a FILE:PROVIDER:NAME without wildcard. */
#include "probe_impl.h"

#include <fnmatch.h>
#include <glob.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "usdt_notes.h"

/* One probe found: a file and a provider:name in it (each once). */
struct usdt_hit {
	const char *file;
	const char *provider;
	const char *name;
};

struct usdt_search {
	struct compile_ctx *ctx;
	struct attach_point *ap;
	const char *pattern; /* the files to search, NULL: all of -p's */
	bool several;	     /* files from -p's maps or a glob */
	struct usdt_hit *hits;
	int nhits, cap;
};

static bool has_pid(struct compile_ctx *ctx)
{
	return ctx->opts.target_pid > 0;
}

/* usdt:[FILE:][PROVIDER:]NAME; FILE left out only with -p */
static int usdt_parse(struct compile_ctx *ctx, struct attach_point *ap,
		      char **parts, int nparts)
{
	if (!(nparts == 1 && has_pid(ctx)) &&
	    probe_nargs(ctx, ap, nparts, 2, 3) < 0)
		return -EINVAL;
	ap->target = nparts > 1 ? parts[0] : "";
	if (nparts == 3 && *parts[1])
		ap->ns = parts[1];
	ap->func = parts[nparts - 1];
	if (!*ap->target && !has_pid(ctx)) {
		diag_error(&ctx->diags, ap->loc,
			   "usdt probe must have a target binary, or -p PID "
			   "to search the files the process maps");
		return -EINVAL;
	}
	if (!*ap->func) {
		diag_error(
		    &ctx->diags, ap->loc,
		    "usdt probe must have a target function or wildcard");
		return -EINVAL;
	}
	ap->wildcard = probe_has_wildcard(ap->target) ||
		       probe_has_wildcard(ap->ns) ||
		       probe_has_wildcard(ap->func);
	return 0;
}

static const char *usdt_spec(struct compile_ctx *ctx,
			     const struct attach_point *ap)
{
	return ap->ns ? arena_printf(ctx->arena, "%s:%s", ap->ns, ap->func) :
			ap->func;
}

/* No wildcard in the provider or the name. */
static bool exact(const struct attach_point *ap)
{
	return !probe_has_wildcard(ap->ns) && !probe_has_wildcard(ap->func);
}

/* In a probe with other attach points, or under config missing_probes =
 * warn or ignore, a missing probe is the probe pass's to report (a
 * warning while another exists). */
static bool usdt_missing_ok(struct compile_ctx *ctx, struct attach_point *ap)
{
	struct node *p = probe_of_ap(ctx, ap);

	if ((!p || !p->u.probe.attach || !p->u.probe.attach->next) &&
	    ctx->opts.missing_probes != MP_WARN &&
	    ctx->opts.missing_probes != MP_IGNORE)
		return false;
	ap->exists = false;
	return true;
}

static int add_hit(struct usdt_search *s, const char *file,
		   const struct usdt_probe *p)
{
	struct usdt_hit *h = s->hits;

	for (int i = 0; i < s->nhits; i++)
		if (h[i].file == file && !strcmp(h[i].provider, p->provider) &&
		    !strcmp(h[i].name, p->name))
			return 0; /* a probe at several places: one hit */
	if (s->nhits == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		h = arena_calloc(s->ctx->arena, s->cap, sizeof(*h));
		if (s->nhits)
			memcpy(h, s->hits, s->nhits * sizeof(*h));
		s->hits = h;
	}
	h[s->nhits++] = (struct usdt_hit){
	    .file = file,
	    .provider = arena_strdup(s->ctx->arena, p->provider),
	    .name = arena_strdup(s->ctx->arena, p->name),
	};
	return 0;
}

/* The probes of file that ap names. -errno when its notes cannot be
 * read (errno's meaning: usdt_notes__open). */
static int search_file(struct usdt_search *s, const char *file)
{
	const struct attach_point *ap = s->ap;
	bool wild = !exact(ap);
	struct usdt_notes *un = usdt_notes__open(file);
	const struct usdt_probe *p;

	if (!un)
		return -errno;
	for (p = usdt_notes__find(un, ap->ns, ap->func, wild, 0); p;
	     p = usdt_notes__find(un, ap->ns, ap->func, wild,
				  p - un->probes + 1))
		add_hit(s, file, p);
	usdt_notes__free(un);
	return 0;
}

/* A file -p PID maps: searched when it matches the pattern (files that
 * are no ELF objects, or gone, are passed over). */
static int search_mapped(struct compile_ctx *ctx, const char *path,
			 const char *mapped, void *arg)
{
	struct usdt_search *s = arg;

	(void)ctx;
	for (int i = 0; i < s->nhits; i++)
		if (!strcmp(s->hits[i].file, path))
			return 0; /* mapped again further on */
	if (!s->pattern || !fnmatch(s->pattern, mapped, 0))
		search_file(s, path);
	return 0;
}

/* A relative pattern with a directory, as an absolute one (the maps
 * hold absolute paths): "./app*" is "CWD/app*". */
static const char *absolute_pattern(struct compile_ctx *ctx,
				    const char *pattern)
{
	char cwd[4096];

	if (!*pattern || *pattern == '/' || !strchr(pattern, '/') ||
	    !getcwd(cwd, sizeof(cwd)))
		return *pattern ? pattern : NULL;
	if (!strncmp(pattern, "./", 2))
		pattern += 2;
	return arena_printf(ctx->arena, "%s/%s", cwd, pattern);
}

static int search_pid(struct usdt_search *s)
{
	int err;

	s->several = true;
	s->pattern = absolute_pattern(s->ctx, s->ap->target);
	err = probe_pid_files(s->ctx, search_mapped, s);
	if (err)
		diag_error(&s->ctx->diags, s->ap->loc,
			   "Cannot read the mappings of process %d: %s",
			   s->ctx->opts.target_pid, strerror(-err));
	return err;
}

/* The ELF files a wildcard in FILE matches, in glob(3)'s order. */
static int search_glob(struct usdt_search *s)
{
	const char *pattern = s->ap->target;
	glob_t g;
	size_t found = 0, files = 0;

	s->several = true;
	if (glob(pattern, 0, NULL, &g) == 0) {
		files = g.gl_pathc;
		for (size_t i = 0; i < g.gl_pathc; i++)
			if (!search_file(
				s, arena_strdup(s->ctx->arena, g.gl_pathv[i])))
				found++;
		globfree(&g);
	}
	if (found)
		return 0;
	diag_error(&s->ctx->diags, s->ap->loc,
		   files ? "No ELF file matches '%s'"
			 : "usdt target file '%s' does not exist",
		   pattern);
	return -ENOENT;
}

struct mapped_check {
	struct stat st;
	bool found;
};

static int is_this_file(struct compile_ctx *ctx, const char *path,
			const char *mapped, void *arg)
{
	struct mapped_check *mc = arg;
	struct stat st;

	(void)ctx;
	(void)mapped;
	mc->found = stat(path, &st) == 0 && st.st_ino == mc->st.st_ino &&
		    st.st_dev == mc->st.st_dev;
	return mc->found;
}

/* With -p, a file named without wildcard must be one the process maps:
 * its probes fire in no other process. */
static int check_mapped(struct usdt_search *s, const char *file)
{
	struct mapped_check mc = { .found = false };

	if (!has_pid(s->ctx) || stat(file, &mc.st) ||
	    probe_pid_files(s->ctx, is_this_file, &mc) || mc.found)
		return 0;
	diag_error(&s->ctx->diags, s->ap->loc,
		   "usdt target file '%s' is not mapped by process %d", file,
		   s->ctx->opts.target_pid);
	return -ENOENT;
}

/* FILE as written: a path, a command or a library name. */
static int search_named(struct usdt_search *s)
{
	struct attach_point *ap = s->ap;
	int err = probe_resolve_binary(s->ctx, ap);

	if (err || (err = check_mapped(s, ap->target)))
		return err;
	err = search_file(s, ap->target);
	if (err == -ENOEXEC)
		diag_error(&s->ctx->diags, ap->loc,
			   "usdt target file '%s' is not an ELF file",
			   ap->target);
	else if (err)
		diag_error(&s->ctx->diags, ap->loc,
			   "Cannot read the USDT probes of %s: %s", ap->target,
			   strerror(-err));
	return err;
}

/* Where the probes were looked for, for messages. */
static const char *searched(struct usdt_search *s)
{
	struct compile_ctx *ctx = s->ctx;
	const char *t = s->ap->target;

	if (!s->several)
		return t;
	if (!has_pid(ctx))
		return arena_printf(ctx->arena, "the files matching '%s'", t);
	if (!*t)
		return arena_printf(ctx->arena, "the files process %d maps",
				    ctx->opts.target_pid);
	return arena_printf(ctx->arena,
			    "the files process %d maps that match '%s'",
			    ctx->opts.target_pid, t);
}

static int none_found(struct usdt_search *s)
{
	struct attach_point *ap = s->ap;

	if (usdt_missing_ok(s->ctx, ap))
		return 0;
	diag_error(&s->ctx->diags, ap->loc,
		   exact(ap) ? "No USDT probe '%s' in %s"
			     : "No USDT probe matches '%s' in %s",
		   usdt_spec(s->ctx, ap), searched(s));
	return -EINVAL;
}

/* Without a wildcard, a left-out provider or file must leave one probe
 * (bpftrace 0.17: "namespace ... not specified, matched 2 probes"). */
static int check_unique(struct usdt_search *s)
{
	const struct usdt_hit *a = &s->hits[0], *b = &s->hits[1];
	struct attach_point *ap = s->ap;

	if (s->nhits < 2 || !exact(ap) || probe_has_wildcard(ap->target))
		return 0;
	if (a->file == b->file)
		diag_error(&s->ctx->diags, ap->loc,
			   "USDT probe name '%s' is ambiguous in %s: providers "
			   "'%s' and '%s' have it; write usdt:%s:PROVIDER:%s",
			   ap->func, a->file, a->provider, b->provider, a->file,
			   ap->func);
	else
		diag_error(&s->ctx->diags, ap->loc,
			   "USDT probe '%s:%s' is in more than one of %s: %s "
			   "and %s; name the file: usdt:%s:%s:%s",
			   a->provider, a->name, searched(s), a->file, b->file,
			   a->file, a->provider, a->name);
	return -EINVAL;
}

/* The attach point of the hits of one file: ap itself for the first. */
static struct attach_point *file_ap(struct usdt_search *s,
				    struct attach_point *prev, const char *file)
{
	struct compile_ctx *ctx = s->ctx;
	struct attach_point *ap = s->ap, *n = ap;

	if (prev) {
		n = arena_alloc(ctx->arena, sizeof(*n));
		*n = *ap;
		n->matches = NULL;
		n->nmatches = 0;
		n->more = NULL;
		prev->more = n;
	}
	n->target = file;
	if (s->several) /* the probe builtin names the file found */
		n->raw = arena_printf(ctx->arena, "usdt:%s:%s%s%s", file,
				      ap->ns ? ap->ns : "", ap->ns ? ":" : "",
				      ap->func);
	return n;
}

/* One attach point per file, its probes as matches (the probe builtin
 * then names each probe in full, as bpftrace's does); a plain
 * FILE:PROVIDER:NAME stays as it is. */
static void make_aps(struct usdt_search *s)
{
	struct attach_point *ap = s->ap, *cur = NULL;
	bool as_matches = s->several || ap->wildcard || !ap->ns;
	const char *file = NULL;

	for (int i = 0; i < s->nhits; i++) {
		const struct usdt_hit *h = &s->hits[i];

		if (h->file != file) {
			cur = file_ap(s, cur, h->file);
			file = h->file;
		}
		if (!as_matches)
			continue;
		cur->wildcard = true;
		probe_add_match(
		    s->ctx, cur,
		    arena_printf(s->ctx->arena, "%s:%s", h->provider, h->name));
	}
}

int probe_resolve_usdt(struct compile_ctx *ctx, struct attach_point *ap)
{
	struct usdt_search s = { .ctx = ctx, .ap = ap };
	int err;

	if (has_pid(ctx) && (!*ap->target || probe_has_wildcard(ap->target)))
		err = search_pid(&s);
	else if (probe_has_wildcard(ap->target))
		err = search_glob(&s);
	else
		err = search_named(&s);
	if (err)
		return err;
	if (!s.nhits)
		return none_found(&s);
	if ((err = check_unique(&s)))
		return err;
	make_aps(&s);
	return 0;
}

/* Attached as a uprobe at the note: libbpf's usdt/ section, or
 * uprobe.s/ for a sleepable program (libbpf has no sleepable usdt);
 * the runtime finds the note (etrace's metadata, not the section). */
static const char *usdt_section(struct compile_ctx *ctx,
				const struct attach_point *ap, const char *t,
				bool sleepable)
{
	const char *prefix = sleepable ? "uprobe.s" : "usdt";

	if (t) /* "provider:name" */
		return arena_printf(ctx->arena, "%s/%s:%s", prefix,
				    ap->target, t);
	return arena_printf(ctx->arena, "%s/%s:%s:%s", prefix, ap->target,
			    ap->ns ? ap->ns : "", ap->func);
}

const struct probe_provider probe_USDT = {
	.kind = PK_USDT,
	.flags = PF_ARGN | PF_FUNC | PF_KERNEL_CTX | PF_USER | PF_SLEEPABLE |
		 PF_BINARY,
	.as = AS_USER,
	.max_args = 12,
	.parse = usdt_parse,
	.resolve = probe_resolve_usdt,
	.section = usdt_section,
	.match_name = probe_user_match_name,
};
