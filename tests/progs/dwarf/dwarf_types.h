/* Types of the DWARF test program (dwarf_prog.c), shared with the unit
 * test that checks the reader's layouts against the compiler's
 * (tests/unit/test_dwarf.c). */
#ifndef ETRACE_DWARF_TYPES_H
#define ETRACE_DWARF_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef unsigned int u32_t;
enum color { RED, GREEN = 5, BLUE };

struct inner {
	short s;
	unsigned char flags;
};

struct point {
	int x;
	int y;
};

/* 24 bytes: passed on the stack by value */
struct big {
	long a, b, c;
};

/* a double and an int: one SSE and one integer register */
struct mixed {
	double d;
	int i;
};

typedef struct {
	long id;
	const char *name;
} record_t;

union val {
	int i;
	char c[4];
};

struct item {
	int value;
	unsigned bits : 3;
	unsigned more : 5;
	char name[8];
	struct inner in;
	struct item *next;
	int (*cb)(int);
	union {
		long l;
		void *p;
	};
	record_t rec;
	uint64_t arr[2];
	int grid[2][3];
	double weight;
};

struct opaque;

#endif
