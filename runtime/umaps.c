/* Mappings of traced processes that outlive them (umaps.h): a watcher
 * thread per process, stopped by the kernel at the process's exit
 * (PTRACE_EVENT_EXIT, before exit_mm), copies /proc/PID/maps into a small
 * table under a umaps_lock. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "umaps.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <elf.h>
#include <poll.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "priv_io.h"

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
	bool at_entry;
	int ready[2]; /* the thread writes 0 or -errno once it traces pid */
};

/* The stop at the entry point (umaps_watch with at_entry): the watcher
 * writes one byte to to_caller ('E' stopped there, 'N' it will not be),
 * the caller one to to_watcher to let the process go. */
enum entry_state { ENTRY_NONE, ENTRY_EXEC, ENTRY_ARMED };
static struct {
	enum entry_state state;
	bool follow; /* the first entry handled: stop at each later exec's */
	uint64_t addr;
	long word; /* the instruction bytes under the breakpoint */
	int to_caller[2], to_watcher[2];
} entry = { .to_caller = { -1, -1 }, .to_watcher = { -1, -1 } };

static char *umaps_read_all(const char *path, size_t *len)
{
	FILE *f = priv_fopen(path);
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
	n = priv_readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	text = umaps_read_all(path, &len);
	priv_keep(pid); /* its files, for stacks printed after the exit */
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

/* Tells the caller of umaps_entry_wait, once. */
static void entry_tell(char c)
{
	if (entry.state != ENTRY_NONE && write(entry.to_caller[1], &c, 1) < 0)
		c = 0; /* the caller reads EOF only if it is gone */
	entry.state = ENTRY_NONE;
}

/* The executable's entry point, from the process's auxiliary vector. */
static uint64_t entry_point(pid_t pid)
{
	char path[64];
	Elf64_auxv_t av;
	uint64_t addr = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/auxv", (int)pid);
	fd = priv_open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	while (read(fd, &av, sizeof(av)) == sizeof(av) &&
	       av.a_type != AT_NULL)
		if (av.a_type == AT_ENTRY) {
			addr = av.a_un.a_val;
			break;
		}
	close(fd);
	return addr;
}

/* Stopped by its exec: a breakpoint on the entry point (an int3 already
 * there, a uprobe's, is not ours: no stop then). */
static void entry_arm(pid_t pid)
{
	entry.addr = entry_point(pid);
	errno = 0;
	entry.word = entry.addr ? ptrace(PTRACE_PEEKTEXT, pid,
					 (void *)entry.addr, NULL)
				: 0;
	if (!entry.addr || errno || (entry.word & 0xff) == 0xcc ||
	    ptrace(PTRACE_POKETEXT, pid, (void *)entry.addr,
		   (void *)((entry.word & ~0xffL) | 0xcc))) {
		entry_tell('N');
		return;
	}
	entry.state = ENTRY_ARMED;
}

/* A SIGTRAP while armed: ours when the process is just past the int3;
 * then the instruction is back, the caller told, and its answer awaited
 * before the process goes on. */
static bool entry_hit(pid_t pid)
{
	struct user_regs_struct regs;
	char c;

	if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) ||
	    regs.rip != entry.addr + 1)
		return false;
	ptrace(PTRACE_POKETEXT, pid, (void *)entry.addr, (void *)entry.word);
	regs.rip = entry.addr;
	if (ptrace(PTRACE_SETREGS, pid, NULL, &regs)) {
		entry_tell('N');
		return true;
	}
	entry_tell('E');
	while (read(entry.to_watcher[0], &c, 1) < 0 && errno == EINTR)
		;
	return true;
}

static void (*exit_hook)(int pid);

void umaps_on_exit(void (*fn)(int pid))
{
	exit_hook = fn;
}

/* Handles one ptrace stop; false once the watch is over. */
static bool umaps_on_stop(pid_t pid, int status)
{
	int event = status >> 8, sig = status & 0x7f;

	if (event == PTRACE_EVENT_EXIT) {
		entry_tell('N');
		umaps_keep(pid);
		if (exit_hook)
			exit_hook(pid);
		ptrace(PTRACE_DETACH, pid, 0, 0);
		return false;
	}
	/* a later exec (a shell or a pyenv shim exec'ing the program): its
	 * entry point too, the process known to be another image there */
	if (event == PTRACE_EVENT_EXEC &&
	    __atomic_load_n(&entry.follow, __ATOMIC_ACQUIRE) &&
	    entry.state == ENTRY_NONE)
		entry.state = ENTRY_EXEC;
	if (event == PTRACE_EVENT_EXEC && entry.state == ENTRY_EXEC)
		entry_arm(pid);
	else if (!event && sig == SIGTRAP && entry.state == ENTRY_ARMED &&
		 entry_hit(pid))
		sig = 0;
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

	err = ptrace(PTRACE_SEIZE, pid, 0,
		     PTRACE_O_TRACEEXIT |
			     (w->at_entry ? PTRACE_O_TRACEEXEC : 0))
		      ? -errno
		      : 0;
	if (w->at_entry)
		entry.state = err ? ENTRY_NONE : ENTRY_EXEC;
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
	entry_tell('N');
	return NULL;
}

int umaps_watch(pid_t pid, bool at_entry)
{
	struct umaps_arg *w = calloc(1, sizeof(*w));
	pthread_attr_t attr;
	pthread_t t;
	int err = 0;

	if (!w || pipe2(w->ready, O_CLOEXEC)) {
		free(w);
		return -ENOMEM;
	}
	if (at_entry && (pipe2(entry.to_caller, O_CLOEXEC) ||
			 pipe2(entry.to_watcher, O_CLOEXEC)))
		at_entry = false;
	w->pid = pid;
	w->at_entry = at_entry;
	entry.follow = at_entry;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, umaps_thread, w))
		err = -EAGAIN;
	else if (read(w->ready[0], &err, sizeof(err)) != sizeof(err))
		err = -EIO;
	pthread_attr_destroy(&attr);
	if (err && at_entry) {
		close(entry.to_caller[0]);
		entry.to_caller[0] = -1;
		entry.follow = false;
	}
	close(w->ready[0]);
	close(w->ready[1]);
	free(w); /* the thread is done with it once it has written */
	return err;
}

/* The test suite's reproduction of a process that exits while its
 * stack is symbolized (tests/runtime/priv.sh exit_before_maps): with
 * ETRACE_TEST_UMAPS_WAIT_EXIT set, a live pid with no kept copy is
 * waited for (up to 30 s), said so on stderr, until it has exited, and
 * only then is its maps file opened: what a slow reader sees. */
static void test_wait_exit(int pid)
{
	struct timespec ms = {0, 1000000};
	char path[64], exe[PATH_MAX];

	if (!getenv("ETRACE_TEST_UMAPS_WAIT_EXIT"))
		return;
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	if (priv_readlink(path, exe, sizeof(exe)) <= 0)
		return;
	fprintf(stderr, "umaps: waiting for %d to exit\n", pid);
	for (int i = 0; i < 30000 && priv_readlink(path, exe, sizeof(exe)) > 0;
	     i++)
		nanosleep(&ms, NULL);
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
	test_wait_exit(pid);
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	return priv_fopen(path);
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

bool umaps_entry_wait(void)
{
	char c = 'N';

	if (entry.to_caller[0] < 0)
		return false;
	while (read(entry.to_caller[0], &c, 1) < 0 && errno == EINTR)
		;
	return c == 'E';
}

int umaps_entry_fd(void)
{
	return __atomic_load_n(&entry.follow, __ATOMIC_ACQUIRE)
		   ? entry.to_caller[0]
		   : -1;
}

void umaps_entry_release(void)
{
	if (!__atomic_exchange_n(&entry.follow, false, __ATOMIC_ACQ_REL))
		return;
	/* a stop at an entry now or later: it goes on */
	umaps_entry_resume();
}

void umaps_entry_resume(void)
{
	if (entry.to_watcher[1] >= 0 && write(entry.to_watcher[1], "g", 1) < 0)
		return;
}
