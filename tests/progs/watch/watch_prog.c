/* The watchpoint test program (tests/runtime/watchpoint.sh): writes to
 * memory it passes to functions, from the main thread or another one,
 * at addresses it prints. noipa: each function is called as written.
 * The writes are never a function's first instruction: that one runs
 * (single-stepped by the uprobe) before the process stops, so no
 * watchpoint armed at the entry can see it.
 * Usage: watch_prog ACTION [N]
 *   func N      N calls of wl_bump(0, p), each writing *p once, 2 ms
 *               apart, then prints the value
 *   many N      one call of wl_bump_one(p) on N new ints each
 *   addr N      N writes to an int at 0x10000000 (mmap'ed), 2 ms apart
 *   thread N    "func N" in a second thread; prints both thread ids
 *   unwatch MS  one call of wl_bump, MS ms, four more writes
 *   loop        calls wl_bump every 10 ms until killed */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define KEEP __attribute__((noinline, used, noipa))

KEEP void wl_bump(int skip, int *counter)
{
	if (!skip)
		(*counter)++;
}

KEEP void wl_bump_one(int *p)
{
	if (p)
		(*p)++;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts))
		;
}

static void *bump_n(void *arg)
{
	long n = (long)arg;
	volatile int *c = calloc(1, sizeof(*c));

	for (long i = 0; i < n && c; i++) {
		wl_bump(0, (int *)c);
		sleep_ms(2);
	}
	printf("value %d\n", c ? *c : -1);
	return NULL;
}

static int addr_writes(long n)
{
	volatile int *p = mmap((void *)0x10000000, 4096,
			       PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS |
				       MAP_FIXED_NOREPLACE,
			       -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (long i = 0; i < n; i++) {
		*p = (int)i;
		sleep_ms(2);
	}
	return 0;
}

static int in_thread(long n)
{
	pthread_t t;

	printf("main %d\n", gettid());
	fflush(stdout);
	if (pthread_create(&t, NULL, bump_n, (void *)n))
		return 1;
	return pthread_join(t, NULL);
}

static int unwatch(long ms)
{
	volatile int *c = calloc(1, sizeof(*c));

	if (!c)
		return 1;
	wl_bump(0, (int *)c);
	sleep_ms(ms);
	for (int i = 0; i < 4; i++)
		(*c)++;
	printf("value %d\n", *c);
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 1;
	int x = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "func"))
		return bump_n((void *)n), 0;
	if (!strcmp(argv[1], "many"))
		for (long i = 0; i < n; i++)
			wl_bump_one(calloc(1, sizeof(int)));
	else if (!strcmp(argv[1], "addr"))
		return addr_writes(n);
	else if (!strcmp(argv[1], "thread"))
		return in_thread(n);
	else if (!strcmp(argv[1], "unwatch"))
		return unwatch(n);
	else if (!strcmp(argv[1], "loop"))
		for (;;) {
			wl_bump(0, &x);
			sleep_ms(10);
		}
	return 0;
}
