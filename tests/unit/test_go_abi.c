/* Go's calling conventions (compiler/go_abi.h) and the decoding of Go
 * functions' code (compiler/codegen/cg_go.c): where arguments go with
 * ABIInternal (Go >= 1.17) and with the stack ABI of older Go, which no
 * toolchain here builds; the RET instructions and the end of the stack
 * check, found by LLVM's disassembler in hand-assembled code. */
#include <stdint.h>

#include "cg_probe.h"
#include "go_abi.h"
#include "unit.h"

static const struct go_val INT = {.nint = 1, .size = 8, .align = 8};
static const struct go_val I32 = {.nint = 1, .size = 4, .align = 4};
static const struct go_val BYTE = {.nint = 1, .size = 1, .align = 1};
static const struct go_val STR = {.nint = 2, .size = 16, .align = 8};
static const struct go_val SLICE = {.nint = 3, .size = 24, .align = 8};
static const struct go_val F64 = {.nfloat = 1, .size = 8, .align = 8};
static const struct go_val ARR2 = {
    .nint = 2, .stack_only = true, .size = 16, .align = 8};

#define R(i) ((uint32_t)(i)*8)
#define S(off) ((uint32_t)(GO_STACK_AREA + (off)))

/* ABIInternal: one register per word, in order */
static void test_regabi_words(void)
{
	struct go_val v[] = {INT, STR, SLICE, I32};
	uint32_t off[4];

	CU_ASSERT_EQUAL(go_abi_place(v, 4, GO_NREGS, off), 0);
	CU_ASSERT_EQUAL(off[0], R(0));
	CU_ASSERT_EQUAL(off[1], R(1));
	CU_ASSERT_EQUAL(off[2], R(3));
	CU_ASSERT_EQUAL(off[3], R(6));
}

/* a value that does not fit the registers left goes to the stack whole;
 * the ones after it still take registers */
static void test_regabi_overflow(void)
{
	struct go_val v[] = {SLICE, SLICE, STR, STR, INT, I32, I32};
	uint32_t off[7];

	CU_ASSERT_EQUAL(go_abi_place(v, 7, GO_NREGS, off), 24);
	CU_ASSERT_EQUAL(off[0], R(0));
	CU_ASSERT_EQUAL(off[1], R(3));
	CU_ASSERT_EQUAL(off[2], R(6));
	CU_ASSERT_EQUAL(off[3], S(0)); /* 1 register left: stack */
	CU_ASSERT_EQUAL(off[4], R(8)); /* takes the last register */
	CU_ASSERT_EQUAL(off[5], S(16));
	CU_ASSERT_EQUAL(off[6], S(20)); /* packed at its alignment */
}

/* floats take X registers (unreadable), arrays of 2+ the stack */
static void test_regabi_float_array(void)
{
	struct go_val v[] = {F64, INT, ARR2, INT};
	uint32_t off[4];

	CU_ASSERT_EQUAL(go_abi_place(v, 4, GO_NREGS, off), 16);
	CU_ASSERT_EQUAL(off[0], GO_IN_FLOAT);
	CU_ASSERT_EQUAL(off[1], R(0));
	CU_ASSERT_EQUAL(off[2], S(0));
	CU_ASSERT_EQUAL(off[3], R(1));
}

/* Go < 1.17 (ABI0): everything on the stack, each value at its
 * alignment, floats too */
static void test_stack_abi(void)
{
	struct go_val v[] = {BYTE, I32, STR, F64, BYTE, INT};
	uint32_t off[6];

	CU_ASSERT_EQUAL(go_abi_place(v, 6, 0, off), 48);
	CU_ASSERT_EQUAL(off[0], S(0));
	CU_ASSERT_EQUAL(off[1], S(4));
	CU_ASSERT_EQUAL(off[2], S(8));
	CU_ASSERT_EQUAL(off[3], S(24));
	CU_ASSERT_EQUAL(off[4], S(32));
	CU_ASSERT_EQUAL(off[5], S(40));
}

/* RETs by instruction, not by byte: 0xc3 inside an immediate and a
 * ModRM byte is no RET; "ret $8" is one */
static void test_find_rets(void)
{
	static const unsigned char code[] = {
	    0xb8, 0xc3, 0x00, 0x00, 0x00, /* 0: mov $0xc3, %eax */
	    0x48, 0x89, 0xc3,		  /* 5: mov %rax, %rbx */
	    0x74, 0x01,			  /* 8: je 11 */
	    0xc3,			  /* 10: ret */
	    0xc2, 0x08, 0x00,		  /* 11: ret $8 */
	    0xcc, 0xcc,			  /* 14: int3 padding */
	};
	uint64_t *r = NULL;
	const char *why = NULL;

	CU_ASSERT_EQUAL_FATAL(cg_go_find_rets(code, sizeof(code), &r, &why), 2);
	CU_ASSERT_EQUAL(r[0], 10);
	CU_ASSERT_EQUAL(r[1], 11);
	free(r);
	/* no RET at all */
	CU_ASSERT_EQUAL(cg_go_find_rets(code, 10, &r, &why), 0);
	free(r);
}

/* Go's prologue: cmp %rsp against g's stack guard, jbe to the block
 * that calls morestack and jumps back to the start; the entry probe
 * goes right after the jbe. A function without one: 0. */
static void test_entry_offset(void)
{
	static const unsigned char code[] = {
	    0x49, 0x3b, 0x66, 0x10,	  /* 0: cmp 0x10(%r14), %rsp */
	    0x76, 0x04,			  /* 4: jbe 10 */
	    0x48, 0x89, 0xc8,		  /* 6: mov %rcx, %rax */
	    0xc3,			  /* 9: ret */
	    0xe8, 0x00, 0x00, 0x00, 0x00, /* 10: call morestack */
	    0xeb, 0xef,			  /* 15: jmp 0 */
	};
	static const unsigned char leaf[] = {0x48, 0x01, 0xd8, 0xc3};

	CU_ASSERT_EQUAL(cg_go_entry_offset(code, sizeof(code)), 6);
	CU_ASSERT_EQUAL(cg_go_entry_offset(leaf, sizeof(leaf)), 0);
	/* the jump back missing: no stack check known */
	CU_ASSERT_EQUAL(cg_go_entry_offset(code, 15), 0);
}

UNIT_MAIN("go_abi", UNIT_TEST(test_regabi_words),
	  UNIT_TEST(test_regabi_overflow), UNIT_TEST(test_regabi_float_array),
	  UNIT_TEST(test_stack_abi), UNIT_TEST(test_find_rets),
	  UNIT_TEST(test_entry_offset))
