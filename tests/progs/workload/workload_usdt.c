/* The workload's USDT probes (<sys/sdt.h>), for the differential suite's
 * USDT cases: actions "usdt N" and "usdt-loop MS" (workload.c's table).
 *   etw:args     one value, V = 0xf7f6f5f4f3f2f1f0, as constants of
 *                8, -8, 4, -4, 2 and -2 bytes (bpftrace 0.17 reads six
 *                arguments at most)
 *   etw:more     V as constants of 1 and -1 bytes, from a register, from
 *                memory (8 bytes, and its low 4 signed)
 *   etw:index    V from memory at a base and an index register
 *   etw:loop     (i, i * i) for i in 0..N-1
 *   etw:dup      (i), and etw2:dup (i + 100): one name, two providers
 *   etw:tick     (7, 8): usdt-loop's, once a millisecond */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/sdt.h>
#include <time.h>

#include "workload.h"

#define V 0xf7f6f5f4f3f2f1f0ULL

/* base + index * 8 + 8: slot[idx + 1]; written as assembler text, the
 * note says 8@8(%reg,%reg,8) whatever the compiler's choices */
static void index_probe(const uint64_t *slot, long idx)
{
	/* clang-format off */
	__asm__ __volatile__(STAP_PROBE_ASM(etw, index, -8@8(%[b],%[i],8))
			     : : [b] "r"(slot), [i] "r"(idx) : "memory");
	/* clang-format on */
}

static void args_probe(void)
{
	static uint64_t slots[3] = { 1, V, 2 };
	volatile union {
		uint64_t u64;
		int32_t s32;
	} mem = { .u64 = V };
	uint64_t reg = V;

	__asm__ __volatile__("" : "+r"(reg));
	DTRACE_PROBE6(etw, args, (uint64_t)V, (int64_t)V, (uint32_t)V,
		      (int32_t)V, (uint16_t)V, (int16_t)V);
	DTRACE_PROBE5(etw, more, (uint8_t)V, (int8_t)V, reg, mem.u64, mem.s32);
	index_probe(slots, 0);
}

/* usdt N: etw:args, etw:more and etw:index once, etw:loop, etw:dup and
 * etw2:dup N times */
int workload_usdt(char **argv)
{
	long long n;

	if (workload_num(argv[0], &n))
		return -EINVAL;
	args_probe();
	for (long long i = 0; i < n; i++) {
		DTRACE_PROBE2(etw, loop, i, i * i);
		DTRACE_PROBE1(etw, dup, i);
		DTRACE_PROBE1(etw2, dup, i + 100);
	}
	return 0;
}

/* usdt-loop MS: etw:tick(7, 8) once a millisecond for MS milliseconds,
 * for a tracer with -p to find */
int workload_usdt_loop(char **argv)
{
	struct timespec ts = { 0, 1000000 };
	long long ms;

	if (workload_num(argv[0], &ms))
		return -EINVAL;
	for (long long i = 0; i < ms; i++) {
		DTRACE_PROBE2(etw, tick, 7, 8);
		nanosleep(&ts, NULL);
	}
	return 0;
}
