/* The guest workload of tests/vm: each action makes a known number of
 * calls of a kernel function (vfs_read, vfs_write, block requests) with
 * known arguments, results and durations, so a case can assert exact
 * counts. Built statically: its start-up reads no file (static glibc
 * makes one readlink of /proc/self/exe).
 * Usage: work ACTION ARGS... [ACTION ARGS...]; prints nothing on success
 * (its stdout is the tracer's stdout under -c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_SIZE (1 << 20)
#define BLOCK 4096

static char buf[MAX_SIZE] __attribute__((aligned(BLOCK)));

struct action {
	const char *name;
	int nargs;
	const char *usage;
	int (*run)(char **argv);
};

static int parse_num(const char *s, long long min, long long max,
		     long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0' || *out < min || *out > max) {
		fprintf(stderr, "work: bad number '%s' (%lld..%lld)\n", s,
			min, max);
		return -EINVAL;
	}
	return 0;
}

static int open_file(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		fprintf(stderr, "work: %s: %s\n", path, strerror(errno));
	return fd;
}

static int fail(const char *what)
{
	int err = errno;

	fprintf(stderr, "work: %s: %s\n", what, strerror(err));
	return -err;
}

/* read PATH SIZE N: opens PATH once, then N read()s of SIZE bytes (a
 * short file gives short reads, then 0s); the results are not checked */
static int do_read(char **argv)
{
	long long size, n;
	int fd;

	if (parse_num(argv[1], 0, MAX_SIZE, &size) ||
	    parse_num(argv[2], 0, 1 << 20, &n))
		return -EINVAL;
	fd = open_file(argv[0], O_RDONLY);
	if (fd < 0)
		return -errno;
	for (long long i = 0; i < n; i++)
		if (read(fd, buf, size) < 0)
			break;
	close(fd);
	return 0;
}

/* badread N: N read()s of 1 byte from /dev/null opened write-only: each
 * reaches vfs_read, which fails with -EBADF */
static int do_badread(char **argv)
{
	long long n;
	int fd;

	if (parse_num(argv[0], 0, 1 << 20, &n))
		return -EINVAL;
	fd = open_file("/dev/null", O_WRONLY);
	if (fd < 0)
		return -errno;
	for (long long i = 0; i < n; i++)
		if (read(fd, buf, 1) >= 0) {
			close(fd);
			fprintf(stderr, "work: badread: read succeeded\n");
			return -EINVAL;
		}
	close(fd);
	return 0;
}

/* write SIZE N: N write()s of SIZE bytes to /dev/null */
static int do_write(char **argv)
{
	long long size, n;
	int fd;

	if (parse_num(argv[0], 0, MAX_SIZE, &size) ||
	    parse_num(argv[1], 0, 1 << 20, &n))
		return -EINVAL;
	fd = open_file("/dev/null", O_WRONLY);
	if (fd < 0)
		return -errno;
	for (long long i = 0; i < n; i++)
		if (write(fd, buf, size) < 0)
			break;
	close(fd);
	return 0;
}

/* timer MS N: N read()s of a timerfd armed MS ms before each: every read
 * blocks at least MS ms inside vfs_read and returns 8 */
static int do_timer(char **argv)
{
	struct itimerspec its = { 0 };
	long long ms, n;
	uint64_t ticks;
	int fd;

	if (parse_num(argv[0], 1, 10000, &ms) ||
	    parse_num(argv[1], 0, 1000, &n))
		return -EINVAL;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (fd < 0)
		return fail("timerfd_create");
	its.it_value.tv_sec = ms / 1000;
	its.it_value.tv_nsec = (ms % 1000) * 1000000;
	for (long long i = 0; i < n; i++) {
		if (timerfd_settime(fd, 0, &its, NULL) ||
		    read(fd, &ticks, sizeof(ticks)) != sizeof(ticks)) {
			close(fd);
			return fail("timerfd");
		}
	}
	close(fd);
	return 0;
}

/* dread DEV N: N O_DIRECT reads of one 4 KiB block each, at offsets 0,
 * 4096, ...: one block request each on an otherwise idle disk */
static int do_dread(char **argv)
{
	long long n;
	int fd;

	if (parse_num(argv[1], 0, 1 << 16, &n))
		return -EINVAL;
	fd = open_file(argv[0], O_RDONLY | O_DIRECT);
	if (fd < 0)
		return -errno;
	for (long long i = 0; i < n; i++)
		if (pread(fd, buf, BLOCK, i * BLOCK) != BLOCK) {
			close(fd);
			return fail("dread");
		}
	close(fd);
	return 0;
}

/* mknod DIR N: N times, a character device node made in DIR (one
 * CAP_MKNOD check each) and unlinked */
static int do_mknod(char **argv)
{
	char path[4096];
	long long n;

	if (parse_num(argv[1], 0, 1 << 16, &n))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/work-node", argv[0]);
	for (long long i = 0; i < n; i++) {
		if (mknod(path, S_IFCHR | 0600, makedev(1, 3)))
			return fail(path);
		if (unlink(path))
			return fail(path);
	}
	return 0;
}

/* sleep-ms MS: one nanosleep of MS milliseconds */
static int do_sleep_ms(char **argv)
{
	struct timespec ts;
	long long ms;

	if (parse_num(argv[0], 0, 60000, &ms))
		return -EINVAL;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}

#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif

/* sockets FILE N: N times, a Unix datagram socket made and closed; FILE
 * gets each one's cookie (SO_COOKIE), a line each */
static int do_sockets(char **argv)
{
	unsigned long long cookie;
	socklen_t len = sizeof(cookie);
	long long n;
	FILE *f;
	int s;

	if (parse_num(argv[1], 0, 1 << 16, &n))
		return -EINVAL;
	f = fopen(argv[0], "w");
	if (!f)
		return fail(argv[0]);
	for (long long i = 0; i < n; i++) {
		s = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (s < 0 ||
		    getsockopt(s, SOL_SOCKET, SO_COOKIE, &cookie, &len))
			return fail("socket");
		fprintf(f, "%llu\n", cookie);
		close(s);
	}
	return fclose(f) ? fail(argv[0]) : 0;
}

static const struct action actions[] = {
	{ "read", 3, "PATH SIZE N", do_read },
	{ "badread", 1, "N", do_badread },
	{ "write", 2, "SIZE N", do_write },
	{ "timer", 2, "MS N", do_timer },
	{ "dread", 2, "DEV N", do_dread },
	{ "mknod", 2, "DIR N", do_mknod },
	{ "sleep-ms", 1, "MS", do_sleep_ms },
	{ "sockets", 2, "FILE N", do_sockets },
};

#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

static void usage(void)
{
	fprintf(stderr, "usage: work ACTION ARGS... [ACTION ARGS...]\n");
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
