/* The workload of tests/runtime/loadmgmt.sh: a known number of system
 * calls, pinned to one CPU (the first this process may use), so that
 * per-CPU counts are exact.
 *   loadmgmt_target calls N         N getppid(), getpgid(0), getsid(0)
 *   loadmgmt_target spin STOP COUNT getpid() until the file STOP exists,
 *                                   its count written to COUNT every 2^16
 * Each prints "made N" (the calls of one kind) at its end. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void pin(void)
{
	cpu_set_t s, one;

	if (sched_getaffinity(0, sizeof(s), &s))
		return;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &s))
			continue;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		sched_setaffinity(0, sizeof(one), &one);
		return;
	}
}

static void put_count(const char *path, unsigned long n)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%lu\n", n);
	fclose(f);
	rename(tmp, path);
}

int main(int argc, char **argv)
{
	unsigned long n = 0;

	if (argc == 3 && !strcmp(argv[1], "calls")) {
		unsigned long want = strtoul(argv[2], NULL, 10);

		pin();
		for (; n < want; n++) {
			syscall(SYS_getppid);
			syscall(SYS_getpgid, 0);
			syscall(SYS_getsid, 0);
		}
	} else if (argc == 4 && !strcmp(argv[1], "spin")) {
		for (;; n++) {
			syscall(SYS_getpid);
			if (n % 65536)
				continue;
			put_count(argv[3], n);
			if (!access(argv[2], F_OK))
				break;
		}
	} else {
		fprintf(stderr, "usage: loadmgmt_target calls N | spin STOP "
				"COUNT\n");
		return 2;
	}
	printf("made %lu\n", n);
	return 0;
}
