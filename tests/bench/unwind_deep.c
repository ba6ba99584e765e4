/* The unwind benchmark's program (unwind-cost.sh): waits for a byte on
 * FIFO, then calls target() N times at a stack depth of DEPTH frames
 * and prints the nanoseconds the calls took.
 *   unwind_deep FIFO N DEPTH
 *   unwind_deep --hold LIB... : dlopen()s the libraries and sleeps (a
 *   process whose mappings etrace -p loads tables for) */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile long sink;

__attribute__((noinline)) long target(long x)
{
	sink += x;
	return sink;
}

__attribute__((noinline)) long down(int depth, long n)
{
	volatile char pad[24];
	long r = 0;

	pad[depth & 15] = 1;
	if (depth > 1)
		return down(depth - 1, n) + pad[3];
	for (long i = 0; i < n; i++)
		r += target(i);
	return r;
}

int main(int argc, char **argv)
{
	struct timespec a, b;
	char c;
	int fd;

	if (argc > 1 && !strcmp(argv[1], "--hold")) {
		for (int i = 2; i < argc; i++)
			if (!dlopen(argv[i], RTLD_LAZY | RTLD_GLOBAL))
				fprintf(stderr, "%s\n", dlerror());
		sleep(600);
		return 0;
	}
	if (argc != 4)
		return 2;
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || read(fd, &c, 1) < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	down(atoi(argv[3]) - 3, atol(argv[2])); /* main, down..., target */
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%ld\n",
	       (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec));
	return 0;
}
