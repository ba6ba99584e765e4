/* The program tests/runtime/spans.sh traces: functions whose calls the
 * span blocks of the test match (uprobe at entry, uretprobe at return),
 * in patterns the test knows in advance.
 *   span_target nest N        N x outer(i) { inner(i) }
 *   span_target threads T N   T threads, each N x outer()
 *   span_target open N        N x opened(i), never closed
 *   span_target events N K    N x outer() with K note() calls inside
 *   span_target recurse D     rec(D) calls itself down to 0
 *   span_target header FILE   handle(text, length) once, the text of FILE
 *   span_target getppid N     N getppid() system calls (tests/bench/spans.sh)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

volatile long sink;

NOINLINE void inner(int i)
{
	sink += i;
	__asm__ volatile("" ::: "memory");
}
NOINLINE void note(int k)
{
	sink += k;
	__asm__ volatile("" ::: "memory");
}
NOINLINE void opened(int i)
{
	sink += i;
	__asm__ volatile("" ::: "memory");
}

NOINLINE void outer(int i, int notes)
{
	inner(i);
	for (int k = 0; k < notes; k++)
		note(k);
	__asm__ volatile("" ::: "memory");
}

NOINLINE int rec(int d)
{
	int r = d ? rec(d - 1) + 1 : 0;

	__asm__ volatile("" ::: "memory");
	return r;
}

NOINLINE long handle(const char *req, long len)
{
	sink += len + req[0];
	__asm__ volatile("" ::: "memory");
	return len;
}

static int per_thread;

static void *worker(void *arg)
{
	for (int i = 0; i < per_thread; i++)
		outer(i, 0);
	return arg;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 1;

	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "nest")) {
		for (int i = 0; i < n; i++)
			outer(i, 0);
	} else if (!strcmp(argv[1], "threads") && argc > 3) {
		pthread_t t[64];

		per_thread = atoi(argv[3]);
		for (int i = 0; i < n && i < 64; i++)
			pthread_create(&t[i], NULL, worker, NULL);
		for (int i = 0; i < n && i < 64; i++)
			pthread_join(t[i], NULL);
	} else if (!strcmp(argv[1], "open")) {
		for (int i = 0; i < n; i++)
			opened(i);
	} else if (!strcmp(argv[1], "events") && argc > 3) {
		for (int i = 0; i < n; i++)
			outer(i, atoi(argv[3]));
	} else if (!strcmp(argv[1], "getppid")) {
		for (int i = 0; i < n; i++)
			syscall(SYS_getppid);
	} else if (!strcmp(argv[1], "recurse")) {
		rec(n);
	} else if (!strcmp(argv[1], "header") && argc > 2) {
		static char text[4096];
		FILE *f = fopen(argv[2], "r");
		size_t len = f ? fread(text, 1, sizeof(text) - 1, f) : 0;

		if (!f)
			return 2;
		fclose(f);
		handle(text, (long)len);
	} else {
		return 2;
	}
	return 0;
}
