// Many distinct user stacks, walked by frame pointers (built -O2
// -fno-omit-frame-pointer) for tests/runtime/unwind.sh:
//   fp_paths BITS REPEAT [PATHS]
// calls getppid() from leaf through each of the 2^BITS paths of l0/r0 ..
// l12/r12 (level k takes r when bit k of the path is set; levels BITS
// and up are skipped), REPEAT times each: 2^BITS distinct stacks (BITS
// at most 13), each REPEAT times; with PATHS, only the first PATHS paths.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define F __attribute__((noipa))

volatile unsigned long fp_sink;
static unsigned bits;

F void leaf(void)
{
	fp_sink += (unsigned long)getppid();
}

// LEVEL(k, n): l<k> and r<k>, each calling the level n's function the
// path's bit n picks (leaf past the last level), and working after it
// (no tail call)
#define LEVEL(k, n)                                                            \
	F void r##n(unsigned p);                                               \
	F void l##n(unsigned p);                                               \
	F void l##k(unsigned p)                                                \
	{                                                                      \
		if (n >= bits)                                                 \
			leaf();                                                \
		else if (p >> n & 1)                                           \
			r##n(p);                                               \
		else                                                           \
			l##n(p);                                               \
		fp_sink += 1;                                                  \
	}                                                                      \
	F void r##k(unsigned p)                                                \
	{                                                                      \
		if (n >= bits)                                                 \
			leaf();                                                \
		else if (p >> n & 1)                                           \
			r##n(p);                                               \
		else                                                           \
			l##n(p);                                               \
		fp_sink += 2;                                                  \
	}

LEVEL(0, 1)
LEVEL(1, 2)
LEVEL(2, 3)
LEVEL(3, 4)
LEVEL(4, 5)
LEVEL(5, 6)
LEVEL(6, 7)
LEVEL(7, 8)
LEVEL(8, 9)
LEVEL(9, 10)
LEVEL(10, 11)
LEVEL(11, 12)
LEVEL(12, 13)

F void l13(unsigned p)
{
	(void)p;
	leaf();
	fp_sink += 1;
}

F void r13(unsigned p)
{
	(void)p;
	leaf();
	fp_sink += 2;
}

int main(int argc, char **argv)
{
	unsigned reps, paths;

	if (argc != 3 && argc != 4)
		return 2;
	bits = (unsigned)atoi(argv[1]);
	reps = (unsigned)atoi(argv[2]);
	if (bits < 1 || bits > 13)
		return 2;
	paths = argc == 4 ? (unsigned)atoi(argv[3]) : 1u << bits;
	if (paths > 1u << bits)
		return 2;
	for (unsigned r = 0; r < reps; r++)
		for (unsigned p = 0; p < paths; p++)
			if (p & 1)
				r0(p);
			else
				l0(p);
	return 0;
}
