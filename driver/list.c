/* etrace -l [PATTERN]: the probes one can write, one per line, matched
 * with fnmatch: BEGIN/END, software and hardware events, iterators,
 * tracepoints (tracefs events/), kernel functions for kprobe (the
 * compiler's kernel function index, ksyms.h) and the stdlib recipes (as
 * stdlib:NAME); uprobe:, uretprobe: and usdt: patterns, and -p PID, list
 * binaries' and processes' probes (list_user.c). A pattern that cannot
 * name a probe fails as bpftrace 0.17's does, at its place in the
 * pattern (named "stdin"): an invalid character, an unknown probe type,
 * a wildcard type matching none, a tracepoint without CATEGORY:NAME, a
 * binary that does not exist. */
#define _GNU_SOURCE
#include "driver.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "ksyms.h"
#include "probe.h"
#include "list_impl.h"
#include "probe_impl.h"
#include "recipes.h"
#include "rt_discover.h"

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
	bool verbose;   /* -lv: a uprobe's parameters */
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

/* A byte no attach point holds (outside double quotes): bpftrace's
 * "invalid character" error. */
static int check_chars(struct compile_ctx *ctx, const char *pat)
{
	bool quoted = false;

	for (const char *p = pat; *p; p++) {
		unsigned char c = *p;
		struct loc at = { p - pat, p - pat + 1 };

		if (c == '"')
			quoted = !quoted;
		if (c >= 0x20 && c != 0x7f && (quoted || c != '\\'))
			continue;
		if (c < 0x20 || c == 0x7f)
			diag_error(&ctx->diags, at,
				   "invalid character '\\x%02x'", c);
		else
			diag_error(&ctx->diags, at,
				   "invalid character '%c'", c);
		return -EINVAL;
	}
	return 0;
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

/* The kinds -l lists from the kernel and the binary, for a wildcard in
 * the kind ("*ware:*"): as bpftrace 0.17, no return probes and no
 * timers; "stdlib" for the recipes. */
static const char *const kernel_kinds[] = {
	"hardware", "iter", "kprobe", "software", "stdlib", "tracepoint",
};
static const enum probe_kind user_kinds[] = { PK_UPROBE, PK_USDT };

static void list_kernel(struct lister *l, struct compile_ctx *ctx)
{
	list_static(l);
	if (compile_tracefs(ctx))
		list_tracepoints(l, compile_tracefs(ctx));
	list_kprobes(l, ctx);
	list_recipes(l);
}

/* KIND:REST with a wildcard in KIND: user kinds when -p is given or
 * REST names a path, else the kernel's (by the whole pattern). */
static int list_any_kind(struct compile_ctx *ctx, struct lister *l,
			 const char *kind, const char *rest)
{
	struct loc all = { 0, ctx->src.len };
	size_t n = strcspn(rest, ":");
	int matched = 0, err = 0;

	if (ctx->opts.target_pid > 0 || memchr(rest, '/', n)) {
		for (size_t i = 0; i < ARRAY_SIZE(user_kinds) && !err; i++) {
			if (fnmatch(kind, probe_kind_name(user_kinds[i]), 0))
				continue;
			matched++;
			err = list_user(ctx, user_kinds[i], rest, all,
					l->verbose, l->out);
		}
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(kernel_kinds); i++)
			matched += !fnmatch(kind, kernel_kinds[i], 0);
		if (matched)
			list_kernel(l, ctx);
	}
	if (!matched)
		diag_error(&ctx->diags, (struct loc){ 0, strlen(kind) },
			   "No probe type matched for %s", kind);
	return matched && !err ? 0 : -EINVAL;
}

/* A tracepoint pattern is CATEGORY:NAME, or one word with a wildcard
 * over both ("tracepoint:*sched*"), as bpftrace reads it. */
static int check_tracepoint(struct compile_ctx *ctx, const char *rest)
{
	const char *c = strchr(rest, ':');
	int nparts = !*rest ? 0 : c ? 2 + !!strchr(c + 1, ':') : 1;

	if (nparts == 2 || (nparts == 1 && has_glob(rest)))
		return 0;
	diag_error(&ctx->diags, (struct loc){ 0, ctx->src.len },
		   "tracepoint probe type requires 2 arguments, found %d",
		   nparts);
	return -EINVAL;
}

/* The pattern of -l, after its characters were checked. */
static int list_pattern(struct compile_ctx *ctx, struct lister *l,
			const char *pat)
{
	const char *colon = strchr(pat, ':');
	char *kind;
	enum probe_kind k;
	int err;

	/* managed runtimes' processes (rt_discover.h) */
	if (!strncmp(pat, "runtime:", 8)) {
		if (rt_discover_list(pat + 8, ctx->opts.target_pid, l->out) < 0) {
			diag_error(&ctx->diags, (struct loc){ 0, 8 },
				   "cannot read /proc");
			return -EIO;
		}
		return 0;
	}
	if (!colon || !strncmp(pat, "stdlib:", 7)) {
		list_kernel(l, ctx);
		return 0;
	}
	kind = strndup(pat, colon - pat);
	if (!kind)
		return -ENOMEM;
	k = probe_kind_find(kind);
	if (has_glob(kind)) {
		err = list_any_kind(ctx, l, kind, colon + 1);
	} else if (k == PK_UPROBE || k == PK_URETPROBE || k == PK_USDT) {
		err = list_user(ctx, k, colon + 1,
				(struct loc){ 0, ctx->src.len }, l->verbose,
				l->out);
	} else if (k == PK_COUNT) {
		diag_error(&ctx->diags, (struct loc){ 0, colon - pat },
			   "Invalid probe type '%s'", kind);
		err = -EINVAL;
	} else {
		err = k == PK_TRACEPOINT ? check_tracepoint(ctx, colon + 1) : 0;
		if (!err)
			list_kernel(l, ctx);
	}
	free(kind);
	return err;
}

/* With -p PID and no kind: the process's user probes (its executable's
 * functions, the USDT probes of all it maps), as bpftrace lists them. */
static int list_pid(struct compile_ctx *ctx, struct lister *l,
		    const char *word)
{
	struct loc all = { 0, ctx->src.len };
	int err = list_user(ctx, PK_UPROBE, word, all, l->verbose, l->out);

	return err ? err : list_user(ctx, PK_USDT, word, all, l->verbose,
				     l->out);
}

int et_list(const struct cli *cli)
{
	const char *text = cli->list_pattern ? cli->list_pattern : "";
	struct compile_opts opts = { 0 };
	struct compile_ctx ctx;
	struct lister l = { .out = stdout, .verbose = cli->verbose > 0 };
	int rc;

	rc = et_env_opts(&opts);
	if (rc)
		return rc;
	opts.target_pid = (int)cli->pid;
	if (compile_ctx_init(&ctx, "stdin", text, strlen(text), &opts)) {
		fprintf(stderr, "etrace: out of memory\n");
		return 1;
	}
	l.pattern = make_pattern(cli->list_pattern);
	rc = check_chars(&ctx, text);
	if (!rc && !l.pattern)
		rc = -ENOMEM;
	else if (!rc && cli->pid && !strchr(text, ':'))
		rc = list_pid(&ctx, &l, *text ? text : "*");
	else if (!rc)
		rc = list_pattern(&ctx, &l, l.pattern);
	if (rc == -ENOMEM && !diag_has_errors(&ctx.diags))
		fprintf(stderr, "etrace: out of memory\n");
	diags_print(&ctx.diags, stderr);
	compile_ctx_fini(&ctx);
	free((char *)l.pattern);
	return rc ? 1 : 0;
}
