/* run_cmd.c: system()'s command, run through /bin/sh -c with its
 * standard output read back (run_cmd.h), as popen would, but while
 * watching the run's signalfd: a SIGINT or SIGTERM that comes while the
 * command runs ends the wait at once (the command gets SIGTERM, then
 * SIGKILL if it lingers), so that a slow command never keeps etrace
 * from ending; a SIGUSR1 is counted for the caller to answer after. The command runs with the signal mask etrace started
 * with (etrace blocks the signals it reads from its signalfd). */
#define _GNU_SOURCE
#include "run_cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* How long a command has to end after SIGTERM before SIGKILL. */
#define KILL_GRACE_MS 200

static int spawn(const char *cmd, const sigset_t *mask, int out, pid_t *pid)
{
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int err;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_adddup2(&fa, out, STDOUT_FILENO);
	posix_spawnattr_setsigmask(&at, mask);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	err = posix_spawn(pid, "/bin/sh", &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return -err;
}

/* Appends what fd has to *buf; 0 at its end, 1 for more, -errno. */
static int take(int fd, char **buf, size_t *len, size_t *cap)
{
	char *nb;
	ssize_t n;

	if (*len == *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		nb = realloc(*buf, *cap);
		if (!nb)
			return -ENOMEM;
		*buf = nb;
	}
	n = read(fd, *buf + *len, *cap - *len);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	*len += (size_t)n;
	return n > 0;
}

/* Ends the command: SIGTERM, and SIGKILL when it has not ended soon. */
static void stop(pid_t pid)
{
	kill(pid, SIGTERM);
	for (int i = 0; i < KILL_GRACE_MS / 10; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		nanosleep(&(struct timespec){ 0, 10 * 1000000 }, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* The signal sigfd holds: 1 for SIGUSR1 (counted in *usr1, the wait
 * goes on), 0 for nothing, -EINTR for any other (SIGINT, SIGTERM). */
static int signal_in(int sigfd, unsigned *usr1)
{
	struct signalfd_siginfo si;

	if (read(sigfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if (si.ssi_signo != SIGUSR1)
		return -EINTR;
	(*usr1)++;
	return 1;
}

/* Reads the command's output until its end or a signal on sigfd. */
static int collect(int in, int sigfd, unsigned *usr1, char **text,
		   size_t *len)
{
	struct pollfd p[2] = { { .fd = in, .events = POLLIN },
			       { .fd = sigfd, .events = POLLIN } };
	size_t cap = 0;
	int rc = 1;

	while (rc > 0) {
		if (poll(p, sigfd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			return -errno;
		if (sigfd >= 0 && (p[1].revents & POLLIN) &&
		    signal_in(sigfd, usr1) < 0)
			return -EINTR;
		if (p[0].revents)
			rc = take(in, text, len, &cap);
	}
	return rc;
}

int run_cmd(const char *cmd, int sigfd, const sigset_t *mask,
	    unsigned *usr1, char **text, size_t *len)
{
	int fds[2], err;
	pid_t pid;

	*text = NULL;
	*len = 0;
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	err = spawn(cmd, mask, fds[1], &pid);
	close(fds[1]);
	if (err) {
		close(fds[0]);
		return err;
	}
	err = collect(fds[0], sigfd, usr1, text, len);
	close(fds[0]);
	if (err == -EINTR)
		stop(pid);
	else
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	return err;
}
