/* A USDT target whose probe is inlined at three places: three notes of
 * dup:hit, each passing its arguments differently (a register, another
 * register, constants), so that each needs its own uprobe and program.
 * Usage: usdt_inline [N]: prints nothing; fires dup:hit with (N, 7),
 * (3 * N, N) and (5, 9). */
#include <stdlib.h>
#include <sys/sdt.h>

static inline __attribute__((always_inline)) void hit(long x, int y)
{
	DTRACE_PROBE2(dup, hit, x, y);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1;

	hit(n, 7);
	hit(n * 3, (int)n);
	hit(5, 9);
	return 0;
}
