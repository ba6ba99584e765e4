/* The ustack unwinding tests' program (tests/runtime/unwind.sh), built
 * -O2 -fomit-frame-pointer: main -> handle -> leaf and main -> d1 -> d2
 * -> d3 -> leaf (d3 allocas: its CFA is rbp-based), N times each.
 *   unwind_chain N [FIFO]: with FIFO, waits for a byte from it first (so
 *   that a test attaches to the process before the calls). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#define NOINL __attribute__((noinline))
volatile int sink;
NOINL int leaf(int x) { sink += x; return sink * 3; }
NOINL int handle(int x) { volatile char b[40]; b[x & 31] = 1; int r = leaf(x + b[3]); sink ^= r; return r + 1; }
NOINL int d3(int x) { char *v = __builtin_alloca(x + 16); v[x] = 1; int r = leaf(x + v[0]); sink ^= r; return r + v[x]; }
NOINL int d2(int x) { int r = d3(x + 1); sink ^= r; return r + 1; }
NOINL int d1(int x) { int r = d2(x + 1); sink ^= r; return r + 2; }
int main(int argc, char **argv) {
	int n = argc > 1 ? atoi(argv[1]) : 1; char c;
	if (argc > 2) { int fd = open(argv[2], O_RDONLY); if (fd < 0 || read(fd, &c, 1) < 0) return 1; }
	for (int i = 0; i < n; i++) { handle(i); d1(i); }
	return 0;
}
