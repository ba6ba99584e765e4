/* Fast detach of tracepoint probes and uprobe_multi links. A tracepoint
 * is a perf event; when
 * its last reference goes the kernel unregisters it and waits for RCU
 * grace periods under a global mutex: ~45 ms per tracepoint, one after
 * the other (2.4 s for sys_enter_get*, bpftrace 0.17 takes 3 s). Detaching
 * the program (closing the BPF link) waits too, but such waits overlap
 * when done from several threads. So tracepoint links are kept here with
 * a second reference to their perf event: at the end the links are
 * destroyed in parallel (the programs are detached in ~15 ms whatever
 * their number), the perf events, disabled and without program, are
 * released by a short-lived helper process once etrace's own work is
 * done. Nothing BPF stays attached; the process exits at once. A
 * uprobe_multi link waits for its grace periods when destroyed, and so
 * is destroyed with the tracepoint links, in parallel. */
#define _GNU_SOURCE
#include "attach.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <linux/perf_event.h>

#define MAX_THREADS 64

/* Appends tp, or destroys what it holds. */
static int keep(struct attach_env *env, struct attach_tp tp,
		const char *what)
{
	struct attach_tp *a;
	size_t cap;

	if (env->ntps == env->cap_tps) {
		cap = env->cap_tps ? env->cap_tps * 2 : 16;
		a = realloc(env->tps, cap * sizeof(*a));
		if (!a) {
			bpf_link__destroy(tp.link);
			if (tp.link_fd >= 0)
				close(tp.link_fd);
			if (tp.perf_fd >= 0)
				close(tp.perf_fd);
			return attach_fail(env, -ENOMEM, "Cannot attach %s: "
					   "out of memory", what);
		}
		env->tps = a;
		env->cap_tps = cap;
	}
	env->tps[env->ntps++] = tp;
	return 0;
}

int attach_keep_tracepoint(struct attach_env *env, struct bpf_link *link,
			   int perf_fd, const char *what)
{
	int err = errno;

	if (!link) {
		close(perf_fd);
		errno = err;
		return attach_keep(env, NULL, what);
	}
	return keep(env, (struct attach_tp){ link, -1, perf_fd }, what);
}

int attach_keep_link_fd(struct attach_env *env, int fd, const char *what)
{
	if (fd < 0) {
		errno = -fd;
		return attach_keep(env, NULL, what);
	}
	return keep(env, (struct attach_tp){ NULL, fd, -1 }, what);
}

struct slice {
	struct attach_tp *tps;
	size_t n, step;
};

static void *destroy_slice(void *arg)
{
	struct slice *s = arg;

	for (size_t i = 0; i < s->n; i += s->step) {
		bpf_link__destroy(s->tps[i].link);
		s->tps[i].link = NULL;
		if (s->tps[i].link_fd >= 0)
			close(s->tps[i].link_fd);
		s->tps[i].link_fd = -1;
	}
	return NULL;
}

void attach_detach_tracepoints(struct attach_env *env)
{
	struct slice s[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	bool started[MAX_THREADS] = { false };
	size_t nt = env->ntps < MAX_THREADS ? env->ntps : MAX_THREADS;

	for (size_t t = 0; t < nt; t++) {
		s[t] = (struct slice){ env->tps + t, env->ntps - t, nt };
		started[t] = nt > 1 &&
			     pthread_create(&th[t], NULL, destroy_slice,
					    &s[t]) == 0;
		if (!started[t])
			destroy_slice(&s[t]);
	}
	for (size_t t = 0; t < nt; t++)
		if (started[t])
			pthread_join(th[t], NULL);
	for (size_t i = 0; i < env->ntps; i++)
		if (env->tps[i].perf_fd >= 0)
			ioctl(env->tps[i].perf_fd, PERF_EVENT_IOC_DISABLE, 0);
}

static bool kept(const struct attach_env *env, int fd, int wait_fd)
{
	if (fd == wait_fd)
		return true;
	for (size_t i = 0; i < env->ntps; i++)
		if (env->tps[i].perf_fd == fd && fd >= 0)
			return true;
	return false;
}

/* In the helper: every other descriptor goes first (so that programs
 * and maps are freed now); once etrace closed its references (EOF on
 * wait_fd) the perf events, slowly: the last reference pays. */
static void release_in_helper(const struct attach_env *env, int wait_fd)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int fd, dfd = d ? dirfd(d) : -1;
	char c;

	while (d && (e = readdir(d))) {
		fd = atoi(e->d_name);
		/* 0-2 too: a reader of etrace's output waits for EOF */
		if (e->d_name[0] != '.' && fd != dfd &&
		    !kept(env, fd, wait_fd))
			close(fd);
	}
	if (d)
		closedir(d);
	while (read(wait_fd, &c, 1) != 0 && errno == EINTR)
		;
	for (size_t i = 0; i < env->ntps; i++)
		if (env->tps[i].perf_fd >= 0)
			close(env->tps[i].perf_fd);
}

static bool any_perf_fd(const struct attach_env *env)
{
	for (size_t i = 0; i < env->ntps; i++)
		if (env->tps[i].perf_fd >= 0)
			return true;
	return false;
}

/* A grandchild (so that nobody has to reap it) releases the events;
 * etrace then closes its references and *done_fd. */
static void hand_over(const struct attach_env *env, int *done_fd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return;
	pid = fork();
	if (pid == 0) {
		if (fork() == 0)
			release_in_helper(env, p[0]);
		_exit(0);
	}
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return;
	}
	waitpid(pid, NULL, 0);
	*done_fd = p[1];
}

void attach_release_tracepoints(struct attach_env *env)
{
	int done_fd = -1;

	if (!env->ntps)
		return;
	attach_detach_tracepoints(env);
	/* when the helper cannot be made, this process waits instead */
	if (any_perf_fd(env))
		hand_over(env, &done_fd);
	for (size_t i = 0; i < env->ntps; i++)
		if (env->tps[i].perf_fd >= 0)
			close(env->tps[i].perf_fd);
	if (done_fd >= 0)
		close(done_fd);
	free(env->tps);
	env->tps = NULL;
	env->ntps = env->cap_tps = 0;
}
