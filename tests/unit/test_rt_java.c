/* Unit tests for Java frames in stacks: the tagged frame encodings of
 * compiled and interpreted frames (rt_frames.h), HotSpot's UNSIGNED5
 * numbers (rt_java_u5) against HotSpot's writer done over here, and the
 * compressed line number table (rt_java_line) written as
 * CompressedLineNumberWriteStream writes it. */
#include "unit.h"

#include "abi.h"
#include "rt_frames.h"
#include "rt_java.h"

static void test_encoding(void)
{
	uint64_t pc = 0x7f8d2f4006f3ULL, m = 0x7f8d10001238ULL, f;

	f = ET_RTF_JAVA_PC(pc);
	CU_ASSERT(ET_RTF_IS(f));
	CU_ASSERT_EQUAL(ET_RTF_KIND(f), ET_RTF_JAVA);
	CU_ASSERT((f & ET_RTF_ENTRY) != 0);
	CU_ASSERT_EQUAL(f & ET_RTF_JAVA_PCMASK, pc); /* odd pcs too */
	f = ET_RTF_MAKE(ET_RTF_JAVA, m, 17, 0);
	CU_ASSERT_EQUAL(ET_RTF_KIND(f), ET_RTF_JAVA);
	CU_ASSERT((f & ET_RTF_ENTRY) == 0);
	CU_ASSERT_EQUAL(ET_RTF_PTR(f), m);
	CU_ASSERT_EQUAL(ET_RTF_IDX(f), 17);
	f = ET_RTF_MAKE(ET_RTF_JAVA_JIT, m, 3, 1);
	CU_ASSERT_EQUAL(ET_RTF_KIND(f), ET_RTF_JAVA_JIT);
	CU_ASSERT_EQUAL(ET_RTF_PTR(f), m);
}

/* HotSpot's UNSIGNED5 writer (L 192, H 64, at most 5 bytes) */
static size_t u5_write(uint32_t v, uint8_t *b)
{
	size_t i = 0;

	for (;;) {
		if (v < 192 || i == 4) {
			b[i++] = (uint8_t)v;
			return i;
		}
		v -= 192;
		b[i++] = (uint8_t)(192 + v % 64);
		v >>= 6;
	}
}

static void test_u5(void)
{
	static const uint32_t vals[] = {
	    0, 191, 192, 255, 1000, 12345, 1u << 20, 123456789, 0xfffffffeu};
	uint8_t b[64];

	for (size_t k = 0; k < sizeof(vals) / sizeof(vals[0]); k++) {
		size_t n = u5_write(vals[k], b), i = 0;

		CU_ASSERT_EQUAL(rt_java_u5(b, n, &i), vals[k]);
		CU_ASSERT_EQUAL(i, n);
	}
	/* two in a row */
	{
		size_t n = u5_write(300, b), i = 0;

		n += u5_write(7, b + n);
		CU_ASSERT_EQUAL(rt_java_u5(b, n, &i), 300);
		CU_ASSERT_EQUAL(rt_java_u5(b, n, &i), 7);
		CU_ASSERT_EQUAL(i, n);
	}
}

/* CompressedLineNumberWriteStream::write_pair */
static size_t lnt_pair(uint8_t *b, int *pb, int *pl, int bci, int line)
{
	int db = bci - *pb, dl = line - *pl;
	size_t n = 0;

	*pb = bci;
	*pl = line;
	if (db >= 0 && db <= 31 && dl >= 0 && dl <= 7) {
		b[0] = (uint8_t)(db << 3 | dl);
		return 1;
	}
	b[n++] = 0xff;
	n += u5_write(((uint32_t)db << 1) ^ (uint32_t)(db >> 31), b + n);
	n += u5_write(((uint32_t)dl << 1) ^ (uint32_t)(dl >> 31), b + n);
	return n;
}

static void test_lines(void)
{
	uint8_t t[64];
	int pb = 0, pl = 0;
	size_t n = 0;

	n += lnt_pair(t + n, &pb, &pl, 0, 10);	  /* long form */
	n += lnt_pair(t + n, &pb, &pl, 4, 11);	  /* short */
	n += lnt_pair(t + n, &pb, &pl, 9, 13);	  /* short */
	n += lnt_pair(t + n, &pb, &pl, 400, 9);	  /* long, line back */
	n += lnt_pair(t + n, &pb, &pl, 405, 300); /* long, far line */
	t[n++] = 0;
	CU_ASSERT_EQUAL(rt_java_line(t, n, 0), 10);
	CU_ASSERT_EQUAL(rt_java_line(t, n, 3), 10);
	CU_ASSERT_EQUAL(rt_java_line(t, n, 4), 11);
	CU_ASSERT_EQUAL(rt_java_line(t, n, 8), 11);
	CU_ASSERT_EQUAL(rt_java_line(t, n, 9), 13);
	CU_ASSERT_EQUAL(rt_java_line(t, n, 399), 13);
	CU_ASSERT_EQUAL(rt_java_line(t, n, 400), 9);
	CU_ASSERT_EQUAL(rt_java_line(t, n, 404), 9);
	CU_ASSERT_EQUAL(rt_java_line(t, n, 405), 300);
	CU_ASSERT_EQUAL(rt_java_line(t, n, 9000), 300);
	/* no table */
	t[0] = 0;
	CU_ASSERT_EQUAL(rt_java_line(t, 1, 0), -1);
}

UNIT_MAIN("rt_java", UNIT_TEST(test_encoding), UNIT_TEST(test_u5),
	  UNIT_TEST(test_lines))
