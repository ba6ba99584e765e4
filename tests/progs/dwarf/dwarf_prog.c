/* The DWARF test program: functions whose parameters cover what the
 * reader types (compiler/dwarf*.c) and where the x86-64 calling
 * convention puts them: integers of every size, pointers to structs,
 * unions, typedefs and opaque types, structs passed by value in
 * registers and on the stack, doubles, a seventh and eighth argument, a
 * struct returned in memory. Built with -g at -O0 and -O2, without -g,
 * and with its debug info in a separate file (progs.cmake).
 * Usage: dwarf_prog [ITERATIONS] — calls each function ITERATIONS times
 * (default 1) with known values, the i-th call adding i to integers. */
#include <stdlib.h>

#include "dwarf_types.h"

#define KEEP __attribute__((noinline, used, noipa))

KEEP int f_ints(char c, unsigned char uc, short s, unsigned short us, long l,
		unsigned long ul)
{
	return c + uc + s + us + (int)l + (int)ul;
}

KEEP int f_ptrs(const char *str, void *v, int **pp, struct item *n,
		const struct point *pt, struct opaque *op)
{
	return str[0] + (op != NULL);
}

KEEP int f_misc(enum color col, u32_t u, record_t *r, union val *uv,
		size_t sz, _Bool b)
{
	return col + (int)u + b;
}

KEEP int f_byval(struct point p, double d, float f, int x)
{
	return p.x + x + (int)d + (int)f;
}

KEEP long f_stack(int a, int b, int c, int d, int e, int f, int g, long h)
{
	return a + b + c + d + e + f + g + h;
}

KEEP long f_after_big(struct big bg, int after)
{
	return bg.a + bg.c + after;
}

KEEP int f_after_mixed(struct mixed m, int after)
{
	return m.i + after;
}

KEEP struct big f_retbig(int seed, struct point *pt)
{
	struct big bg = { seed, seed + 1, pt->y };

	return bg;
}

KEEP int f_const(const volatile int cv, const int *const cp,
		 int *restrict rp)
{
	return cv + *cp + *rp;
}

KEEP record_t *f_retptr(record_t *r, int id)
{
	r->id = id;
	return r;
}

KEEP int f_cb(int x)
{
	return x;
}

KEEP int f_varargs(int n, ...)
{
	return n;
}

KEEP void f_noargs(void)
{
}

static void call_all(long i)
{
	struct item n2 = { .value = 2 };
	struct item n1 = {
		.value = 1 + i, .bits = 5, .more = 17, .name = "first",
		.in = { -3, 200 }, .next = &n2, .cb = f_cb, .l = 77,
		.rec = { 9, "rec" }, .arr = { 11, 22 },
		.grid = { { 1, 2, 3 }, { 4, 5, 6 } }, .weight = 0.5,
	};
	struct point pt = { 3, 4 + i };
	struct big bg = { 100 + i, 200, 300 };
	struct mixed m = { 1.5, 7 };
	record_t r = { 42, "answer" };
	union val uv = { .i = 0x41424344 };
	int x = 5, y = 6, *px = &x;

	f_ints(-1, 250, -300, 60000, -5000000000L + i, 6000000000UL);
	f_ptrs("hello", &x, &px, &n1, &pt, (struct opaque *)&x);
	f_misc(GREEN, 7, &r, &uv, 99, 1);
	f_byval(pt, 1.5, 2.5f, 8 + i);
	f_stack(1, 2, 3, 4, 5, 6, 7 + i, 8000000000L);
	f_after_big(bg, 9);
	f_after_mixed(m, 10);
	f_retbig(11, &pt);
	f_const(12, &x, &y);
	f_retptr(&r, 50 + (int)i);
	f_varargs(3, 1, 2, 3);
	f_noargs();
	n1.cb(40 + (int)i);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1;

	for (long i = 0; i < n; i++)
		call_all(i);
	return 0;
}
