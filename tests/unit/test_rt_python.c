/* Unit tests for CPython frames in stacks: the tagged frame encoding
 * (rt_frames.h), the merge of runtime frames into a native stack
 * (rt_frames_merge, without a Python process: no eval loop frame is
 * known) and the 3.11 location table reader (rt_python_line) on a
 * table python3.11 compiled. */
#include "unit.h"

#include "abi.h"
#include "rt_frames.h"
#include "rt_python.h"

static void test_encoding(void)
{
	uint64_t code = 0x7f1234567890ULL, f;

	f = ET_RTF_MAKE(ET_RTF_PYTHON, code, 42, 1);
	CU_ASSERT(ET_RTF_IS(f));
	CU_ASSERT_EQUAL(ET_RTF_KIND(f), ET_RTF_PYTHON);
	CU_ASSERT_EQUAL(ET_RTF_PTR(f), code);
	CU_ASSERT_EQUAL(ET_RTF_IDX(f), 42);
	CU_ASSERT((f & ET_RTF_ENTRY) != 0);
	f = ET_RTF_MAKE(ET_RTF_PYTHON, code, ET_RTF_IDX_NONE, 0);
	CU_ASSERT_EQUAL(ET_RTF_IDX(f), ET_RTF_IDX_NONE);
	CU_ASSERT((f & ET_RTF_ENTRY) == 0);
	/* nothing else is one: user and kernel addresses, the marks */
	CU_ASSERT(!ET_RTF_IS(0x7fffffffffffULL));
	CU_ASSERT(!ET_RTF_IS(0xffffffff81000000ULL));
	CU_ASSERT(!ET_RTF_IS(ET_UW_MARK_TRUNC));
	CU_ASSERT(!ET_RTF_IS(ET_UW_MARK_FP));
	CU_ASSERT(!ET_RTF_IS(0));
}

static void test_merge(void)
{
	uint64_t p1 = ET_RTF_MAKE(ET_RTF_PYTHON, 0x1000, 1, 0),
		 p2 = ET_RTF_MAKE(ET_RTF_PYTHON, 0x2000, 2, 1);
	uint64_t in[] = {0x401000, 0x402000, ET_UW_MARK_TRUNC, p1, p2};
	uint64_t native[] = {0x401000, 0x402000}, out[8];
	int n;

	/* no eval frame known (pid 0 has no interpreter here): the Python
	 * frames follow the native ones, before the mark */
	n = rt_frames_merge(0, in, 5, out, 8);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(out[0], 0x401000);
	CU_ASSERT_EQUAL(out[1], 0x402000);
	CU_ASSERT_EQUAL(out[2], p1);
	CU_ASSERT_EQUAL(out[3], p2);
	CU_ASSERT_EQUAL(out[4], ET_UW_MARK_TRUNC);
	/* a limit keeps the innermost frames */
	n = rt_frames_merge(0, in, 5, out, 3);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(out[2], p1);
	/* native only: unchanged, cut at the limit */
	n = rt_frames_merge(0, native, 2, out, 1);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(out[0], 0x401000);
}

/* def f(a):            # 1
 *     x = a + 1        # 2
 *                      # 3
 *     y = [i for i in range(x)]
 *     if x > 3:        # 5
 *         return (x +  # 6
 *                 y[0])
 *     return 0         # 8
 * f.__code__.co_linetable and, per code unit, co_positions()'s line */
static const uint8_t lt[] = {
    128, 0,   216, 8,	9,   136, 65,  137, 5,	 128, 65, 224, 8,   29,
    208, 8,   29,  149, 69,  152, 33,  145, 72,	 148, 72, 208, 8,   29,
    209, 8,   29,  212, 8,   29,  128, 65,  216, 7,   8,  136, 49,  130,
    117, 128, 117, 216, 16,  17,  216, 16,  17,	 144, 33, 148, 4,   241,
    3,	 1,   17,  21,	240, 0,	  1,   9,   22,	 224, 11, 12,  136, 49};
static const int lines[] = {1, 2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
			    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5,
			    5, 5, 5, 6, 7, 7, 7, 7, 7, 7, 7, 6, 6, 6, 8, 8};

static void test_lines(void)
{
	for (unsigned i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		CU_ASSERT_EQUAL(rt_python_line(lt, sizeof(lt), 1, i), lines[i]);
	/* past the table; no table */
	CU_ASSERT_EQUAL(rt_python_line(lt, sizeof(lt), 1, 50), -1);
	CU_ASSERT_EQUAL(rt_python_line(NULL, 0, 1, 0), -1);
}

UNIT_MAIN("rt_python", UNIT_TEST(test_encoding), UNIT_TEST(test_merge),
	  UNIT_TEST(test_lines))
