/* The workload's user functions, for the differential suite's uprobes
 * and watchpoints (tests/compat): functions whose parameters bpftrace
 * 0.17 types from DWARF (ints, chars, pointers to named structs with
 * arrays and nested structs: nothing it aborts on, such as void* or
 * unions), and functions that write through a pointer argument for
 * watchpoint:func+argN, never in their first instruction (the uprobe
 * that arms the watchpoint lets that one run). noipa: called as written
 * at any -O, never cloned or inlined. Actions (workload.c's table):
 *   dwarf N          N calls of wl_shape_visit with known values
 *   watch N          N calls of wl_watch_bump, 1 ms apart
 *   watch-unwatch MS one wl_watch_bump, MS ms, four more writes
 *   watch-multi      one call of each wl_wmulti_N (N 0..2) */
#include <stdlib.h>
#include <time.h>

#include "workload.h"

#define KEEP __attribute__((noinline, used, noipa))

struct wl_pos {
	int x;
	int y;
};

struct wl_shape {
	int id;
	char name[16];
	struct wl_pos pos;
	int sides[4];
	struct wl_shape *next;
	long area;
	unsigned char flags;
};

KEEP long wl_shape_visit(struct wl_shape *s, int scale, char tag, long bias,
			 unsigned short level, struct wl_pos *origin)
{
	return s->area * scale + bias + level + tag + origin->x;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts))
		;
}

int wl_dwarf(char **argv)
{
	struct wl_shape tail = { .id = 2, .name = "tail", .area = 9 };
	struct wl_shape s = {
		.id = 1, .name = "square", .pos = { 3, -4 },
		.sides = { 5, 6, 7, 8 }, .next = &tail, .area = 25,
		.flags = 0x81,
	};
	struct wl_pos origin = { -1, 100 };
	long n = atol(argv[0]);

	for (long i = 0; i < n; i++) {
		s.area = 25 + i;
		origin.y = 100 + (int)i;
		wl_shape_visit(&s, (int)i + 2, (char)('a' + i), -7000000000L - i,
			       (unsigned short)(65000 + i), &origin);
	}
	return 0;
}

KEEP void wl_watch_bump(int skip, int *counter)
{
	if (!skip)
		(*counter)++;
}

int wl_watch(char **argv)
{
	volatile int *c = calloc(1, sizeof(*c));
	long n = atol(argv[0]);

	for (long i = 0; i < n && c; i++) {
		wl_watch_bump(0, (int *)c);
		sleep_ms(1);
	}
	/* not freed: free() writes into it, a watchpoint would see that */
	return 0;
}

int wl_watch_unwatch(char **argv)
{
	volatile int *c = calloc(1, sizeof(*c));

	if (!c)
		return 1;
	wl_watch_bump(0, (int *)c);
	sleep_ms(atol(argv[0]));
	for (int i = 0; i < 4; i++)
		(*c)++;
	return 0;
}

KEEP void wl_wmulti_0(int *p)
{
	if (p)
		(*p)++;
}

KEEP void wl_wmulti_1(int *p)
{
	if (p)
		(*p)++;
}

KEEP void wl_wmulti_2(int *p)
{
	if (p)
		(*p)++;
}

int wl_watch_multi(char **argv)
{
	int *p = calloc(3, sizeof(*p));

	(void)argv;
	if (!p)
		return 1;
	wl_wmulti_0(&p[0]);
	wl_wmulti_1(&p[1]);
	wl_wmulti_2(&p[2]);
	return 0;
}
