// A C program with known call chains for the stack tests
// (tests/runtime/stacks.sh): every function is noipa (not inlined, not
// cloned) and does work after its call (no sibling calls), so the chain
// gdb shows is the chain a stack walker must find.
//   stk_c SCENARIO ACTION [FILE]
// SCENARIO: deep (main, 24 named functions, leaf), rec (recursion 12
// deep), qsort (4 functions, qsort, the comparator, 4 more), signal (4
// functions, kill(2) of itself, the SIGUSR1 handler, 3 more).
// ACTION: once (leaf calls getppid() once, the program exits), spin
// (leaf prints "ready" and spins until killed). With FILE, the program
// first parks (prints "parked", sleeps) until FILE exists, at most 60 s
// (then exits 3: a test that failed leaves no process behind).
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define F __attribute__((noipa))

volatile unsigned long stk_sink;
static int spin;

F void stk_leaf(void)
{
	volatile char pad[64];

	pad[0] = (char)stk_sink;
	if (spin) {
		printf("ready\n");
		fflush(stdout);
		for (;;)
			stk_sink += pad[0] + 1;
	}
	stk_sink += (unsigned long)getppid() + pad[0];
}

// STEP(name, next): a function calling next and using its result
#define STEP(name, next)                                                       \
	F int name(int n)                                                      \
	{                                                                      \
		int r = next(n + 1);                                           \
		stk_sink += r;                                                 \
		return r + 1;                                                  \
	}

F int stk_d_end(int n)
{
	stk_leaf();
	return n;
}
STEP(stk_d24, stk_d_end)
STEP(stk_d23, stk_d24)
STEP(stk_d22, stk_d23)
STEP(stk_d21, stk_d22)
STEP(stk_d20, stk_d21)
STEP(stk_d19, stk_d20)
STEP(stk_d18, stk_d19)
STEP(stk_d17, stk_d18)
STEP(stk_d16, stk_d17)
STEP(stk_d15, stk_d16)
STEP(stk_d14, stk_d15)
STEP(stk_d13, stk_d14)
STEP(stk_d12, stk_d13)
STEP(stk_d11, stk_d12)
STEP(stk_d10, stk_d11)
STEP(stk_d09, stk_d10)
STEP(stk_d08, stk_d09)
STEP(stk_d07, stk_d08)
STEP(stk_d06, stk_d07)
STEP(stk_d05, stk_d06)
STEP(stk_d04, stk_d05)
STEP(stk_d03, stk_d04)
STEP(stk_d02, stk_d03)
STEP(stk_d01, stk_d02)

F int stk_rec(int n)
{
	int r;

	if (n == 0) {
		stk_leaf();
		return 0;
	}
	r = stk_rec(n - 1);
	stk_sink += r;
	return r + 1;
}
F int stk_r01(int n)
{
	int r = stk_rec(12);
	stk_sink += r;
	return r + n;
}

// qsort of two elements calls the comparator exactly once
F int stk_q_end(int n)
{
	stk_leaf();
	return n;
}
STEP(stk_q08, stk_q_end)
STEP(stk_q07, stk_q08)
STEP(stk_q06, stk_q07)
STEP(stk_q05, stk_q06)
F int stk_cmp(const void *a, const void *b)
{
	int r = stk_q05(*(const int *)a);
	stk_sink += r;
	return *(const int *)a - *(const int *)b;
}
F int stk_q_sort(int n)
{
	int v[2] = {n + 1, n};

	qsort(v, 2, sizeof v[0], stk_cmp);
	stk_sink += v[0];
	return v[1];
}
STEP(stk_q04, stk_q_sort)
STEP(stk_q03, stk_q04)
STEP(stk_q02, stk_q03)
STEP(stk_q01, stk_q02)

// the handler of SIGUSR1, which the program sends itself with kill(2)
F int stk_g_end(int n)
{
	stk_leaf();
	return n;
}
STEP(stk_g07, stk_g_end)
STEP(stk_g06, stk_g07)
STEP(stk_g05, stk_g06)
F void stk_handler(int sig)
{
	stk_sink += stk_g05(sig);
}
F int stk_g_kill(int n)
{
	kill(getpid(), SIGUSR1);
	stk_sink += n;
	return n + 1;
}
STEP(stk_g04, stk_g_kill)
STEP(stk_g03, stk_g04)
STEP(stk_g02, stk_g03)
STEP(stk_g01, stk_g02)

int main(int argc, char **argv)
{
	struct sigaction sa;
	int r, i;

	if (argc != 3 && argc != 4) {
		fprintf(stderr,
			"usage: %s deep|rec|qsort|signal once|spin [FILE]\n",
			argv[0]);
		return 2;
	}
	spin = strcmp(argv[2], "spin") == 0;
	if (argc == 4) {
		printf("parked\n");
		fflush(stdout);
		for (i = 0; access(argv[3], F_OK) != 0; i++) {
			if (i == 6000)
				return 3;
			usleep(10000);
		}
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = stk_handler;
	sigaction(SIGUSR1, &sa, NULL);
	if (strcmp(argv[1], "deep") == 0)
		r = stk_d01(0);
	else if (strcmp(argv[1], "rec") == 0)
		r = stk_r01(0);
	else if (strcmp(argv[1], "qsort") == 0)
		r = stk_q01(0);
	else if (strcmp(argv[1], "signal") == 0)
		r = stk_g01(0);
	else
		return 2;
	stk_sink += r;
	printf("done\n");
	return 0;
}
