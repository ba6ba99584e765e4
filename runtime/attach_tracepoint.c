/* tracepoint:CAT:NAME and rawtracepoint:NAME. A wildcard tracepoint is
 * one program per match (its attach_target); a raw tracepoint is named
 * by the attach point itself. */
#include "attach.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>

static const char *tracepoint_unavailable(void)
{
	return attach_tracefs() ? NULL :
	       "tracepoints are not available: tracefs is not mounted at "
	       "/sys/kernel/tracing and cannot be mounted";
}

static const char *tracepoint_unloadable(void)
{
	static int state; /* 0 unknown, 1 works, 2 not */

	if (!state)
		state = attach_prog_type_ok(BPF_PROG_TYPE_TRACEPOINT) ? 1 : 2;
	return state == 1 ? NULL :
	       "tracepoints are not available: the kernel cannot load "
	       "tracepoint programs";
}

/* The perf event of tracepoint cat:name on CPU 0 (a tracepoint program
 * runs on every CPU), as libbpf opens it; -errno. */
static int tracepoint_open(const char *cat, const char *name)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = PERF_TYPE_TRACEPOINT,
		.sample_period = 1,
		.wakeup_events = 1,
	};
	const char *tracefs = attach_tracefs();
	char path[600];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/events/%s/%s/id",
		 tracefs ? tracefs : "/sys/kernel/tracing", cat, name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ok = fscanf(f, "%llu", (unsigned long long *)&attr.config) == 1;
	fclose(f);
	return ok ? attach_perf_open(&attr, -1, 0) : -EINVAL;
}

/* Opening a tracepoint's perf event costs ~0.3 ms (the kernel registers
 * the event under its event_mutex) and needs no program: those of a
 * script are opened on a thread while the script is compiled, and the
 * attach takes them (attach.h). */
static struct preopen {
	char *cat, *name;
	int fd; /* -errno until opened, or when opening failed */
} *pre;
static int npre;
static pthread_t pre_thread;
static bool pre_running;

static void *preopen_main(void *arg)
{
	for (int i = 0; i < npre; i++)
		pre[i].fd = tracepoint_open(pre[i].cat, pre[i].name);
	return arg;
}

/* The events no probe took (the run failed before attaching them): each
 * costs ~40 ms to close, one after the other, so the fast detach's helper
 * process closes them (attach_detach.c). */
static void preopen_free(void)
{
	struct attach_env env = { 0 };

	env.tps = calloc(npre ? npre : 1, sizeof(*env.tps));
	for (int i = 0; i < npre; i++) {
		if (pre[i].fd >= 0 && env.tps)
			env.tps[env.ntps++] = (struct attach_tp){ NULL, -1,
								  pre[i].fd };
		else if (pre[i].fd >= 0)
			close(pre[i].fd);
		free(pre[i].cat);
	}
	env.cap_tps = env.ntps;
	if (env.ntps)
		attach_release_tracepoints(&env);
	free(env.tps);
	free(pre);
	pre = NULL;
	npre = 0;
}

void attach_preopen_tracepoints(const char *const *names, int n)
{
	const char *colon;

	if (pre || n <= 0 || !(pre = calloc(n, sizeof(*pre))))
		return;
	for (int i = 0; i < n; i++) {
		colon = strchr(names[i], ':');
		if (!colon || !(pre[npre].cat = strdup(names[i])))
			continue;
		pre[npre].cat[colon - names[i]] = '\0';
		pre[npre].name = pre[npre].cat + (colon - names[i]) + 1;
		pre[npre++].fd = -ENOENT;
	}
	pre_running = npre && !pthread_create(&pre_thread, NULL, preopen_main,
					      NULL);
	if (!pre_running)
		preopen_free();
}

void attach_preopen_join(void)
{
	if (pre_running)
		pthread_join(pre_thread, NULL);
	pre_running = false;
}

void attach_preopen_release(void)
{
	attach_preopen_join();
	preopen_free();
}

/* The pre-opened event of cat:name (taken: the caller owns it), or a
 * new one. */
static int tracepoint_take(const char *cat, const char *name)
{
	int fd;

	attach_preopen_join();
	for (int i = 0; i < npre; i++) {
		if (pre[i].fd < 0 || strcmp(pre[i].cat, cat) ||
		    strcmp(pre[i].name, name))
			continue;
		fd = pre[i].fd;
		pre[i].fd = -ENOENT;
		return fd;
	}
	return tracepoint_open(cat, name);
}

/* The link owns pfd; a duplicate stays for the fast detach. */
static int tracepoint_link(struct attach_env *env, struct bpf_program *prog,
			   const char *cat, const char *name,
			   const char *what)
{
	int pfd = tracepoint_take(cat, name), keep, keep_errno;
	struct bpf_link *link;

	if (pfd < 0)
		return attach_fail(env, pfd, "Cannot attach %s: %s", what,
				   strerror(-pfd));
	keep = fcntl(pfd, F_DUPFD_CLOEXEC, 0);
	if (keep < 0) {
		close(pfd);
		return attach_fail(env, -errno, "Cannot attach %s: %s", what,
				   strerror(errno));
	}
	link = bpf_program__attach_perf_event(prog, pfd);
	if (!link) {
		keep_errno = errno;
		close(pfd);
		errno = keep_errno;
	}
	return attach_keep_tracepoint(env, link, keep, what);
}

static int tracepoint_attach(struct attach_env *env,
			     const struct et_probe *ep,
			     struct bpf_program *prog, struct bpf_program *ret)
{
	char cat[256], what[600];
	const char *name;

	if (ep->attach_target) {
		name = strchr(ep->attach_target, ':');
		if (!name || name - ep->attach_target >= (long)sizeof(cat))
			return attach_fail(env, -EINVAL, "Invalid tracepoint "
					   "target '%s'", ep->attach_target);
		snprintf(cat, sizeof(cat), "%.*s",
			 (int)(name - ep->attach_target), ep->attach_target);
		name++;
	} else {
		snprintf(cat, sizeof(cat), "%s", ep->target);
		name = ep->func;
	}
	snprintf(what, sizeof(what), "tracepoint:%s:%s", cat, name);
	return tracepoint_link(env, prog, cat, name, what);
}

const struct attach_provider attach_TRACEPOINT = {
	.kind = PK_TRACEPOINT,
	.unavailable = tracepoint_unavailable,
	.unloadable = tracepoint_unloadable,
	.attach = tracepoint_attach,
};

static const char *rawtracepoint_unloadable(void)
{
	static int state;

	if (!state)
		state = attach_prog_type_ok(BPF_PROG_TYPE_RAW_TRACEPOINT) ?
			1 : 2;
	return state == 1 ? NULL :
	       "raw tracepoints are not available: the kernel cannot load "
	       "raw tracepoint programs";
}

static int rawtracepoint_attach(struct attach_env *env,
				const struct et_probe *ep,
				struct bpf_program *prog,
				struct bpf_program *ret)
{
	const char *name = ep->attach_target ? ep->attach_target :
			   ep->func;
	char what[300];

	snprintf(what, sizeof(what), "rawtracepoint:%s", name);
	return attach_keep(env, bpf_program__attach_raw_tracepoint(prog, name),
		    what);
}

const struct attach_provider attach_RAWTRACEPOINT = {
	.kind = PK_RAWTRACEPOINT,
	.unloadable = rawtracepoint_unloadable,
	.attach = rawtracepoint_attach,
};
