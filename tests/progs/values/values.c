/* Target of the struct, array, buf() and macaddr() runtime tests
 * (tests/runtime/values.sh): hands structs, arrays and strings of known
 * contents, by pointer, to functions the cases trace, once each, in this
 * order: et_foo, et_mix, et_bits, et_named, et_arrays, et_ptrs. Built
 * -O0 -g
 * (tests/runtime/values.cmake); noinline/used keep each a symbol. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KEEP __attribute__((noinline, used))

struct Foo {
	int m;
	int n;
};

/* the layout the cases declare in their preambles */
struct Mix {
	int a;
	char b[10];
	uint8_t c[4];
	int d[4];
	uint16_t e[4];
	uint64_t f[2];
	char mac[6];
	uint8_t umac[6];
	const char *p;
};

struct Bits {
	unsigned int a : 4, b : 8, c : 3, d : 1, e : 16;
};

struct Named {
	int n;
	char name[];
};

struct Arr {
	int x[4];
};

/* foo and same hold the same values at different addresses */
KEEP int et_foo(struct Foo *foo, struct Foo *same, struct Foo *other)
{
	return foo->m + same->m + other->m;
}

KEEP int et_mix(struct Mix *mix)
{
	return mix->a;
}

KEEP int et_bits(struct Bits *b)
{
	return b->a;
}

KEEP int et_named(struct Named *named)
{
	return named->n;
}

KEEP int et_arrays(struct Arr *a, struct Arr *b)
{
	return a->x[0] + b->x[0];
}

/* a pointer to a pointer to a struct: '.' reads through both */
KEEP int et_ptrs(struct Foo **pp)
{
	return (*pp)->n;
}

static void call_foo(void)
{
	struct Foo foo = { 2, 3 }, same = { 2, 3 }, other = { 2, 4 };

	et_foo(&foo, &same, &other);
}

static void call_mix(void)
{
	/* written, so that its page is there for any tracer to read */
	char *bytes = strdup("\x09\x08\x07\x06");
	struct Mix mix = {
		.a = 123,
		.b = "hello",
		.c = { 1, 2, 0xf3, 0xf4 },
		.d = { 5, 6, 7, 8 },
		.e = { 9, 10, 11, 0xfffe },
		.f = { 13, 14 },
		.mac = { 0x05, 0x04, 0x03, 0x02, 0x01, 0x02 },
		.umac = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff },
		.p = bytes,
	};

	et_mix(&mix);
	free(bytes);
}

static void call_named(void)
{
	struct Named *named = malloc(sizeof(*named) + 8);

	if (!named)
		return;
	named->n = 7;
	strcpy(named->name, "flexi");
	et_named(named);
	free(named);
}

int main(void)
{
	struct Bits bits = { .a = 1, .b = 2, .c = 5, .d = 0, .e = 65535 };
	/* the same first element, then zero bytes, then a difference */
	struct Arr a = { { 1, 2, 3, 4 } }, b = { { 1, 9, 9, 9 } };

	call_foo();
	call_mix();
	et_bits(&bits);
	call_named();
	et_arrays(&a, &b);
	{
		struct Foo f = { 5, 6 }, *p = &f;

		et_ptrs(&p);
	}
	return 0;
}
