/* A USDT target for the argument operand forms of SystemTap notes: one
 * value, V = 0xf7f6f5f4f3f2f1f0, passed at each size and sign as a
 * constant ($-16), in a register (%al), in memory at a base register
 * and a displacement (-8(%rsp)), and at a base and an index register
 * times a scale (8(%rdx,%rcx,8)) or an index alone ((,%rcx,8)). The
 * memory forms with an index come from STAP_PROBE_ASM, so that they do
 * not depend on what the compiler chooses.
 * Usage: usdt_args [N]: fires every probe N times (default 1), in this
 * order: args:const_*, args:reg_*, args:mem_*, args:index_*,
 * args:nobase_64; the others' names end in u64 64 u32 32 u16 16 u8 8. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/sdt.h>

#define V 0xf7f6f5f4f3f2f1f0ULL

/* A register operand: the value forced into %rax and its parts. */
#define PROBE_REG(reg, type, name)                                             \
	do {                                                                   \
		register type r_ asm(#reg) = (type)V;                          \
		__asm__ __volatile__("" : "+r"(r_));                           \
		DTRACE_PROBE1(args, name, r_);                                 \
	} while (0)

/* base + index * 8 + 8 addresses slot[i + 1], which holds V (the
 * operand is assembler text that clang-format would space out) */
/* clang-format off */
#define PROBE_INDEX(size, name)                                        \
	__asm__ __volatile__(STAP_PROBE_ASM(args, name,                \
					    size@8(%[b],%[i],8))     \
			     : : [b] "r"(slot), [i] "r"(idx) : "memory")
/* clang-format on */

static void const_probes(void)
{
	DTRACE_PROBE1(args, const_u64, (uint64_t)V);
	DTRACE_PROBE1(args, const_64, (int64_t)V);
	DTRACE_PROBE1(args, const_u32, (uint32_t)V);
	DTRACE_PROBE1(args, const_32, (int32_t)V);
	DTRACE_PROBE1(args, const_u16, (uint16_t)V);
	DTRACE_PROBE1(args, const_16, (int16_t)V);
	DTRACE_PROBE1(args, const_u8, (uint8_t)V);
	DTRACE_PROBE1(args, const_8, (int8_t)V);
}

static void reg_probes(void)
{
	PROBE_REG(rax, uint64_t, reg_u64);
	PROBE_REG(rax, int64_t, reg_64);
	PROBE_REG(eax, uint32_t, reg_u32);
	PROBE_REG(eax, int32_t, reg_32);
	PROBE_REG(ax, uint16_t, reg_u16);
	PROBE_REG(ax, int16_t, reg_16);
	PROBE_REG(al, uint8_t, reg_u8);
	PROBE_REG(al, int8_t, reg_8);
}

/* A volatile local: the compiler passes it as a memory operand. */
static void mem_probes(void)
{
	volatile union {
		uint64_t u64;
		int64_t s64;
		uint32_t u32;
		int32_t s32;
		uint16_t u16;
		int16_t s16;
		uint8_t u8;
		int8_t s8;
	} m = {.u64 = V};

	DTRACE_PROBE1(args, mem_u64, m.u64);
	DTRACE_PROBE1(args, mem_64, m.s64);
	DTRACE_PROBE1(args, mem_u32, m.u32);
	DTRACE_PROBE1(args, mem_32, m.s32);
	DTRACE_PROBE1(args, mem_u16, m.u16);
	DTRACE_PROBE1(args, mem_16, m.s16);
	DTRACE_PROBE1(args, mem_u8, m.u8);
	DTRACE_PROBE1(args, mem_8, m.s8);
}

static void index_probes(const uint64_t *slot, long idx)
{
	PROBE_INDEX(8, index_u64);
	PROBE_INDEX(-8, index_64);
	PROBE_INDEX(4, index_u32);
	PROBE_INDEX(-4, index_32);
	PROBE_INDEX(2, index_u16);
	PROBE_INDEX(-2, index_16);
	PROBE_INDEX(1, index_u8);
	PROBE_INDEX(-1, index_8);
}

/* No base register: the index holds the address divided by 8. */
static void nobase_probe(const uint64_t *p)
{
	uintptr_t q = (uintptr_t)p / 8;

	/* clang-format off */
	__asm__ __volatile__(STAP_PROBE_ASM(args, nobase_64,
					    -8@(,%[q],8))
			     : : [q] "r"(q) : "memory");
	/* clang-format on */
}

int main(int argc, char **argv)
{
	static uint64_t slots[4] = {1, 2, V, 3};
	int n = argc > 1 ? atoi(argv[1]) : 1;

	for (int i = 0; i < n; i++) {
		const_probes();
		reg_probes();
		mem_probes();
		index_probes(slots, 1);
		nobase_probe(&slots[2]);
	}
	return 0;
}
