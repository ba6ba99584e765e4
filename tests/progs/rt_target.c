/* rt_target: the traced program of the runtime lifecycle tests
 * (tests/runtime/lifecycle.sh). Each action makes a known number of
 * system calls:
 *   rt_target getppid N     N getppid() calls, then exit 0
 *   rt_target sleep MS      sleep MS milliseconds, then exit 0
 *   rt_target exit CODE     exit with CODE at once
 *   rt_target print TEXT    write TEXT and a newline to stdout
 *   rt_target work N        call rt_work(i) for i in 0..N-1 (a function
 *                           for uprobes: returns i * 2 after sleeping
 *                           i milliseconds) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

__attribute__((noinline, used)) long rt_work(long i)
{
	sleep_ms(i);
	return i * 2;
}

int main(int argc, char **argv)
{
	long n;

	if (argc != 3) {
		fprintf(stderr, "usage: rt_target getppid|sleep|exit|print|"
			"work ARG\n");
		return 2;
	}
	n = strtol(argv[2], NULL, 0);
	if (!strcmp(argv[1], "getppid")) {
		for (long i = 0; i < n; i++)
			getppid();
	} else if (!strcmp(argv[1], "sleep")) {
		sleep_ms(n);
	} else if (!strcmp(argv[1], "exit")) {
		return (int)n;
	} else if (!strcmp(argv[1], "work")) {
		for (long i = 0; i < n; i++)
			rt_work(i);
	} else if (!strcmp(argv[1], "print")) {
		printf("%s\n", argv[2]);
	} else {
		fprintf(stderr, "rt_target: unknown action '%s'\n", argv[1]);
		return 2;
	}
	return 0;
}
