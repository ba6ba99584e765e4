/* The -c command: forked before the probes are attached (its pid goes
 * into et_state and limits uprobes), held on a pipe until etrace is
 * ready, then exec'ed. A second, close-on-exec pipe tells the parent
 * whether exec worked. When etrace ends first, the child is terminated.
 * With an at_entry hook, the child's watcher (umaps.h) stops it at its
 * entry point, where the hook runs before the child goes on. */
#define _GNU_SOURCE
#include "run_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "priv.h"
#include "umaps.h"

/* Is file (as exec would find it through PATH) an executable? */
static bool find_command(const char *file)
{
	const char *path = getenv("PATH"), *p, *e;
	char buf[4096];
	struct stat st;

	if (strchr(file, '/'))
		return stat(file, &st) == 0 && S_ISREG(st.st_mode) &&
		       access(file, X_OK) == 0;
	for (p = path ? path : "/usr/bin:/bin"; *p; p = *e ? e + 1 : e) {
		e = strchrnul(p, ':');
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(e - p), p, file);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(buf, X_OK) == 0)
			return true;
	}
	return false;
}

static void child_main(int go, int report, char **argv)
{
	sigset_t none;
	char c;
	int err;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* EOF instead of the go byte: etrace ended before starting us */
	if (read(go, &c, 1) != 1)
		_exit(0);
	close(go);
	execvp(argv[0], argv);
	err = errno;
	if (write(report, &err, sizeof(err)) < 0)
		_exit(127);
	_exit(127);
}

/* The command's words split as bpftrace splits them (cli_split_cmd:
 * at spaces, quotes kept): etrace -c behaves as bpftrace -c. */
int run_child_spawn(struct child *c, const char *cmd)
{
	char **argv = cli_split_cmd(cmd);
	int go[2], rep[2];

	if (!argv) {
		run_error("cannot run the command of -c: '%s'", cmd);
		return -EINVAL;
	}
	if (!find_command(argv[0])) {
		run_error("cannot run '%s' (-c): no such executable", argv[0]);
		free(argv);
		return -ENOENT;
	}
	if (pipe2(go, O_CLOEXEC) || pipe2(rep, O_CLOEXEC)) {
		run_error("cannot start the -c command: %s", strerror(errno));
		free(argv);
		return -errno;
	}
	c->pid = fork();
	if (c->pid == 0) {
		close(go[1]);
		close(rep[0]);
		child_main(go[0], rep[1], argv);
	}
	free(argv);
	close(go[0]);
	close(rep[1]);
	c->go_fd = go[1];
	c->exec_fd = rep[0];
	if (c->pid < 0) {
		run_error("cannot start the -c command: %s", strerror(errno));
		c->pid = 0;
		return -errno;
	}
	c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (c->pidfd < 0) {
		run_error("cannot watch the -c command: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

int run_child_release(struct child *c)
{
	int err = 0;
	ssize_t n;

	if (write(c->go_fd, "g", 1) != 1)
		err = errno;
	close(c->go_fd);
	c->go_fd = -1;
	do
		n = read(c->exec_fd, &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(c->exec_fd);
	c->exec_fd = -1;
	if (n > 0 || err) {
		run_error("cannot run the -c command: %s", strerror(err));
		return -err;
	}
	if (c->at_entry) {
		/* stopped there ('E'): the watcher waits for the word */
		if (umaps_entry_wait()) {
			c->at_entry(c->pid, c->at_entry_arg);
			umaps_entry_resume();
		}
	}
	return 0;
}

/* Waits up to ms for the child to end. */
static bool wait_child(struct child *c, int ms)
{
	struct pollfd p = { .fd = c->pidfd, .events = POLLIN };

	return c->pidfd < 0 || poll(&p, 1, ms) > 0;
}

void run_child_reap(struct child *c)
{
	if (c->go_fd >= 0)
		close(c->go_fd);
	if (c->exec_fd >= 0)
		close(c->exec_fd);
	if (c->pid > 0 && !c->reaped) {
		if (!wait_child(c, 0)) {
			priv_kill(c->pid, SIGTERM);
			if (!wait_child(c, 1000))
				priv_kill(c->pid, SIGKILL);
		}
		waitpid(c->pid, NULL, 0);
		c->reaped = true;
	}
	if (c->pidfd >= 0)
		close(c->pidfd);
	c->pidfd = -1;
}
