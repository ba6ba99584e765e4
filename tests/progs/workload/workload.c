/* Deterministic syscall workload for the differential suite (tests/compat):
 * each action makes a known number of syscalls with known arguments, so a
 * tracing program sees exactly the same events under etrace and bpftrace;
 * some call functions of known parameters instead, for uprobes and
 * watchpoints (workload_user.c).
 * Usage: workload ACTION ARGS... [ACTION ARGS...]; prints nothing on
 * success (its stdout is the tracer's stdout under -c). USDT probes fire
 * in the actions of workload_usdt.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "workload.h"

#define MAX_WRITE (1 << 20)

struct action {
	const char *name;
	int nargs;
	const char *usage;
	int (*run)(char **argv);
};

static char wbuf[MAX_WRITE];

static int parse_num(const char *s, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0') {
		fprintf(stderr, "workload: bad number '%s'\n", s);
		return -EINVAL;
	}
	return 0;
}

int workload_num(const char *s, long long *out)
{
	return parse_num(s, out);
}

static int open_dev(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		fprintf(stderr, "workload: %s: %s\n", path, strerror(errno));
	return fd;
}

/* getppid N: N getppid syscalls (direct, never cached by libc) */
static int do_getppid(char **argv)
{
	long long n;

	if (parse_num(argv[0], &n))
		return -EINVAL;
	for (long long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}

/* openat PATH N: N openat(AT_FDCWD, PATH, O_RDONLY), each closed if opened */
static int do_openat(char **argv)
{
	long long n;

	if (parse_num(argv[1], &n))
		return -EINVAL;
	for (long long i = 0; i < n; i++) {
		int fd = openat(AT_FDCWD, argv[0], O_RDONLY);

		if (fd >= 0)
			close(fd);
	}
	return 0;
}

/* write-n: N writes of SIZE bytes of 'a'..'z' to /dev/null */
static int write_n(long long size, long long n)
{
	int fd;

	if (size < 0 || size > MAX_WRITE) {
		fprintf(stderr, "workload: write size %lld out of range\n",
			size);
		return -EINVAL;
	}
	fd = open_dev("/dev/null", O_WRONLY);
	if (fd < 0)
		return -errno;
	for (long long i = 0; i < n; i++)
		if (write(fd, wbuf, size) < 0)
			break;
	close(fd);
	return 0;
}

/* write SIZE N */
static int do_write(char **argv)
{
	long long size, n;

	if (parse_num(argv[0], &size) || parse_num(argv[1], &n))
		return -EINVAL;
	return write_n(size, n);
}

/* write-seq START STEP N: writes of START, START+STEP, ... bytes */
static int do_write_seq(char **argv)
{
	long long start, step, n;

	if (parse_num(argv[0], &start) || parse_num(argv[1], &step) ||
	    parse_num(argv[2], &n))
		return -EINVAL;
	for (long long i = 0; i < n; i++)
		if (write_n(start + i * step, 1))
			return -EINVAL;
	return 0;
}

/* write-str STRING N: N writes of STRING (without NUL) to /dev/null */
static int do_write_str(char **argv)
{
	long long n;
	size_t len = strlen(argv[0]);
	int fd;

	if (parse_num(argv[1], &n))
		return -EINVAL;
	fd = open_dev("/dev/null", O_WRONLY);
	if (fd < 0)
		return -errno;
	for (long long i = 0; i < n; i++)
		if (write(fd, argv[0], len) < 0)
			break;
	close(fd);
	return 0;
}

/* read SIZE N: N reads of SIZE bytes from /dev/zero */
static int do_read(char **argv)
{
	long long size, n;
	int fd;

	if (parse_num(argv[0], &size) || parse_num(argv[1], &n))
		return -EINVAL;
	if (size < 0 || size > MAX_WRITE)
		return -EINVAL;
	fd = open_dev("/dev/zero", O_RDONLY);
	if (fd < 0)
		return -errno;
	for (long long i = 0; i < n; i++)
		if (read(fd, wbuf, size) < 0)
			break;
	close(fd);
	return 0;
}

/* lseek OFFSET N: N lseek(fd, OFFSET, SEEK_SET) on /dev/null (OFFSET may
 * be negative: the syscall fails, the tracepoint still sees it) */
static int do_lseek(char **argv)
{
	long long off, n;
	int fd;

	if (parse_num(argv[0], &off) || parse_num(argv[1], &n))
		return -EINVAL;
	fd = open_dev("/dev/null", O_RDONLY);
	if (fd < 0)
		return -errno;
	for (long long i = 0; i < n; i++)
		lseek(fd, (off_t)off, SEEK_SET);
	close(fd);
	return 0;
}

/* sleep-ms MS: one nanosleep of MS milliseconds */
static int do_sleep_ms(char **argv)
{
	long long ms;
	struct timespec ts;

	if (parse_num(argv[0], &ms) || ms < 0)
		return -EINVAL;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}

static const struct action actions[] = {
	{ "getppid", 1, "N", do_getppid },
	{ "openat", 2, "PATH N", do_openat },
	{ "write", 2, "SIZE N", do_write },
	{ "write-seq", 3, "START STEP N", do_write_seq },
	{ "write-str", 2, "STRING N", do_write_str },
	{ "read", 2, "SIZE N", do_read },
	{ "lseek", 2, "OFFSET N", do_lseek },
	{ "sleep-ms", 1, "MS", do_sleep_ms },
	{ "dwarf", 1, "N", wl_dwarf },
	{ "watch", 1, "N", wl_watch },
	{ "watch-unwatch", 1, "MS", wl_watch_unwatch },
	{ "watch-multi", 0, "", wl_watch_multi },
	{ "usdt", 1, "N", workload_usdt },
	{ "usdt-loop", 1, "MS", workload_usdt_loop },
};

#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

static void usage(void)
{
	fprintf(stderr, "usage: workload ACTION ARGS... [ACTION ARGS...]\n");
	for (size_t i = 0; i < NACTIONS; i++)
		fprintf(stderr, "  %s %s\n", actions[i].name, actions[i].usage);
}

static const struct action *find_action(const char *name)
{
	for (size_t i = 0; i < NACTIONS; i++)
		if (strcmp(actions[i].name, name) == 0)
			return &actions[i];
	return NULL;
}

int main(int argc, char **argv)
{
	int i = 1;

	if (argc < 2) {
		usage();
		return 2;
	}
	for (size_t k = 0; k < sizeof(wbuf); k++)
		wbuf[k] = 'a' + k % 26;
	while (i < argc) {
		const struct action *a = find_action(argv[i]);

		if (!a || i + a->nargs > argc - 1) {
			usage();
			return 2;
		}
		if (a->run(&argv[i + 1]))
			return 1;
		i += 1 + a->nargs;
	}
	return 0;
}
