/* A C target for the uprobe tests: known functions with known behaviour.
 * Built PIE and non-PIE, at -O0 and -O2, and stripped (progs.cmake).
 * noinline/used keep every function a symbol of its own at -O2.
 * Usage: uprobe_c [ITERATIONS [SLEEP_MS]] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define KEEP __attribute__((noinline, used))

/* a data symbol for uaddr() */
__attribute__((used)) volatile int et_counter = 42;

KEEP int et_add(int a, int b)
{
	return a + b;
}

KEEP long et_fib(int n)
{
	return n < 2 ? n : et_fib(n - 1) + et_fib(n - 2);
}

KEEP void et_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

KEEP static int et_local_helper(int x)
{
	return x * 3;
}

KEEP int et_handle_request(int id)
{
	return et_local_helper(id) + 1;
}

KEEP int et_handle_response(int id)
{
	return et_local_helper(id) - 1;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	int ms = argc > 2 ? atoi(argv[2]) : 0;
	long sum = 0;

	for (int i = 0; i < n; i++) {
		sum += et_add(i, 1) + et_fib(5);
		sum += et_handle_request(i) + et_handle_response(i);
		if (ms)
			et_sleep_ms(ms);
	}
	printf("%ld\n", sum);
	return 0;
}
