/* The statement-probe test program (uprobe:BIN@dwarf_stmt.c:LINE):
 * lines the tests find by their marker comments (M:name), with code that
 * runs a known number of times. Built with -g at -O0 and -O2
 * (progs.cmake).
 * Usage: dwarf_stmt [N] — calls step(i) and other(i) for i in 0..N-1
 * (default 9); step's branch runs for the i divisible by 3. */
#include <stdlib.h>

#define KEEP __attribute__((noinline, used, noipa))

KEEP int side(int v)
{
	return v + 100;
}

/* inlined into step and other: two copies of its line */
static inline __attribute__((always_inline)) int twice(int v)
{
	return side(v * 2); /* M:twice */
}

KEEP int step(int i)
{
	int r = i + 1;

	r = twice(r);
	if (i % 3 == 0)
		r += side(i); /* M:third */
	return r;
}

KEEP int other(int i)
{
	return twice(i) + 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 9;
	int sum = 0;

	for (long i = 0; i < n; i++) {
		sum += step((int)i);
		sum += other((int)i);
	}
	return sum == 42;
}
