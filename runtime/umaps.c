/* Mappings of traced processes that outlive them (umaps.h): a watcher
 * thread per process, stopped by the kernel at the process's exit
 * (PTRACE_EVENT_EXIT, before exit_mm), copies /proc/PID/maps into a small
 * table under a umaps_lock. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "umaps.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#define UMAPS_MAX 16

struct umaps_copy {
	int pid;
	char *text;
	size_t len;
	char *exe;
};

static pthread_mutex_t umaps_lock = PTHREAD_MUTEX_INITIALIZER;
static struct umaps_copy umaps_kept[UMAPS_MAX];
static unsigned umaps_next;

struct umaps_arg {
	pid_t pid;
	int ready[2]; /* the thread writes 0 or -errno once it traces pid */
};

static char *umaps_read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			char *b = realloc(buf, cap ? 2 * cap : 16384);

			if (!b)
				break;
			buf = b;
			cap = cap ? 2 * cap : 16384;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*len = n;
	return buf;
}

static void umaps_keep(pid_t pid)
{
	char path[64], exe[4096];
	ssize_t n;
	size_t len = 0;
	char *text;
	unsigned i;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	text = umaps_read_all(path, &len);
	if (!text)
		return;
	pthread_mutex_lock(&umaps_lock);
	for (i = 0; i < UMAPS_MAX && umaps_kept[i].pid != pid; i++)
		;
	if (i == UMAPS_MAX)
		i = umaps_next++ % UMAPS_MAX;
	free(umaps_kept[i].text);
	free(umaps_kept[i].exe);
	umaps_kept[i] = (struct umaps_copy){ .pid = pid, .text = text,
					     .len = len, .exe = strdup(exe) };
	pthread_mutex_unlock(&umaps_lock);
}

/* Handles one ptrace stop; false once the watch is over. */
static bool umaps_on_stop(pid_t pid, int status)
{
	int event = status >> 8, sig = status & 0x7f;

	if (event == PTRACE_EVENT_EXIT) {
		umaps_keep(pid);
		ptrace(PTRACE_DETACH, pid, 0, 0);
		return false;
	}
	if (event == PTRACE_EVENT_STOP) /* group-stop: stay stopped */
		return ptrace(PTRACE_LISTEN, pid, 0, 0) == 0 || errno != ESRCH;
	/* a signal on its way to the process: deliver it unchanged */
	return ptrace(PTRACE_CONT, pid, 0,
		      (void *)(intptr_t)(event ? 0 : sig)) == 0 ||
	       errno != ESRCH;
}

static void *umaps_thread(void *arg)
{
	struct umaps_arg *w = arg;
	pid_t pid = w->pid;
	siginfo_t si;
	int err;

	err = ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACEEXIT) ? -errno : 0;
	/* w belongs to the caller again once written */
	if (write(w->ready[1], &err, sizeof(err)) < 0 || err)
		return NULL;
	for (;;) {
		memset(&si, 0, sizeof(si));
		/* WNOWAIT: an exit stays for the parent (run_child.c) */
		if (waitid(P_PID, pid, &si, WSTOPPED | WEXITED | WNOWAIT |
			   __WALL) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (si.si_code != CLD_TRAPPED ||
		    !umaps_on_stop(pid, si.si_status))
			break;
	}
	return NULL;
}

int umaps_watch(pid_t pid)
{
	struct umaps_arg *w = calloc(1, sizeof(*w));
	pthread_attr_t attr;
	pthread_t t;
	int err = 0;

	if (!w || pipe2(w->ready, O_CLOEXEC)) {
		free(w);
		return -ENOMEM;
	}
	w->pid = pid;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, umaps_thread, w))
		err = -EAGAIN;
	else if (read(w->ready[0], &err, sizeof(err)) != sizeof(err))
		err = -EIO;
	pthread_attr_destroy(&attr);
	close(w->ready[0]);
	close(w->ready[1]);
	free(w); /* the thread is done with it once it has written */
	return err;
}

FILE *umaps_open(int pid)
{
	char path[64];
	FILE *f = NULL;

	pthread_mutex_lock(&umaps_lock);
	for (unsigned i = 0; i < UMAPS_MAX && !f; i++)
		if (umaps_kept[i].pid == pid && umaps_kept[i].text)
			f = fmemopen(umaps_kept[i].text, umaps_kept[i].len,
				     "r");
	pthread_mutex_unlock(&umaps_lock);
	if (f)
		return f;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	return fopen(path, "re");
}

bool umaps_exe(int pid, char *buf, size_t size)
{
	bool found = false;

	pthread_mutex_lock(&umaps_lock);
	for (unsigned i = 0; i < UMAPS_MAX && !found; i++) {
		const struct umaps_copy *k = &umaps_kept[i];

		if (k->pid == pid && k->exe && *k->exe) {
			snprintf(buf, size, "%s", k->exe);
			found = true;
		}
	}
	pthread_mutex_unlock(&umaps_lock);
	return found;
}
