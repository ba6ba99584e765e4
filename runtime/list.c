/* etrace -l [PATTERN]: the probes one can write, one per line, matched
 * with fnmatch: BEGIN/END, software and hardware events, iterators,
 * tracepoints (tracefs events/), kernel functions for kprobe (the
 * compiler's kernel function index, ksyms.h) and the stdlib
 * recipes (as stdlib:NAME). Uprobe/USDT listing of a binary comes later. */
#define _GNU_SOURCE
#include "driver.h"

#include <dirent.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "ksyms.h"
#include "probe.h"
#include "recipes.h"

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
	if (asprintf(&out, "%s%s", pp->name, colon) < 0)
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

int et_list(const struct cli *cli)
{
	struct compile_opts opts = { 0 };
	struct compile_ctx ctx;
	struct lister l = { .out = stdout };
	char *pat;
	int rc;

	if (wants_binary(cli->list_pattern)) {
		fprintf(stderr, "etrace: listing the uprobes and USDT probes "
			"of a binary is not implemented yet\n");
		return 1;
	}
	rc = et_env_opts(&opts);
	if (rc)
		return rc;
	pat = make_pattern(cli->list_pattern);
	if (!pat || compile_ctx_init(&ctx, "etrace", "", 0, &opts)) {
		free(pat);
		fprintf(stderr, "etrace: out of memory\n");
		return 1;
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
