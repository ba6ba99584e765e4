/* Unit tests of the BPF-side C helpers (bpf-helpers/), compiled for the
 * host: their results against libc and against the bucket numbers
 * bpftrace 0.17 prints (the runtime smoke test runs them in BPF). */
#include <stdint.h>
#include <stdio.h>

#include "unit.h"

#include "../../bpf-helpers/gate.c"
#include "../../bpf-helpers/hist.c"
#include "../../bpf-helpers/str.c"

static int sign(long long v)
{
	return (v > 0) - (v < 0);
}

/* strings over a 3-letter alphabet, so that prefixes are often shared */
static void random_str(char *buf, size_t size, unsigned *seed)
{
	size_t len = rand_r(seed) % size;

	for (size_t i = 0; i < len; i++)
		buf[i] = "abc"[rand_r(seed) % 3];
	memset(buf + len, 0, size - len);
}

static void test_strncmp_libc(void)
{
	unsigned seed = 1;
	char a[9], b[9];

	for (int i = 0; i < 20000; i++) {
		size_t n = rand_r(&seed) % 10;

		random_str(a, sizeof(a), &seed);
		random_str(b, sizeof(b), &seed);
		CU_ASSERT_EQUAL(sign(et_strncmp(a, b, n)),
				sign(strncmp(a, b, n)));
	}
}

static void test_strncmp_bounds(void)
{
	/* full buffers without a NUL: only n bytes may be read */
	char a[4] = {'a', 'b', 'c', 'd'}, b[4] = {'a', 'b', 'c', 'e'};

	CU_ASSERT_EQUAL(et_strncmp(a, b, 3), 0);
	CU_ASSERT(et_strncmp(a, b, 4) < 0);
	CU_ASSERT(et_strncmp("\xff", "a", 2) > 0); /* unsigned bytes */
	CU_ASSERT_EQUAL(et_strncmp("ab\0x", "ab\0y", 4), 0);
	CU_ASSERT_EQUAL(et_strncmp("x", "y", 0), 0);
}

static void test_strcontains_strstr(void)
{
	unsigned seed = 2;
	char h[12], n[5];

	for (int i = 0; i < 20000; i++) {
		random_str(h, sizeof(h), &seed);
		random_str(n, sizeof(n), &seed);
		CU_ASSERT_EQUAL(et_strcontains(h, sizeof(h), n, sizeof(n)),
				strstr(h, n) != NULL);
	}
}

static void test_strcontains_bounds(void)
{
	char full[3] = {'a', 'b', 'c'}, needle[2] = {'b', 'c'};

	CU_ASSERT_EQUAL(et_strcontains(full, 3, needle, 2), 1);
	CU_ASSERT_EQUAL(et_strcontains(full, 2, needle, 2), 0);
	CU_ASSERT_EQUAL(et_strcontains(full, 3, "cd", 3), 0);
	CU_ASSERT_EQUAL(et_strcontains("", 1, "", 1), 1);
	CU_ASSERT_EQUAL(et_strcontains(full, 0, "", 0), 1);
	CU_ASSERT_EQUAL(et_strcontains(full, 0, "a", 2), 0);
	/* text after the hay's NUL is not part of it */
	CU_ASSERT_EQUAL(et_strcontains("ab\0cd", 6, "cd", 3), 0);
	CU_ASSERT_EQUAL(et_strcontains("abcd", 5, "d\0x", 4), 1);
}

/* et_strstr agrees with strstr(3), et_strlen with strlen(3) */
static void test_strstr_strlen(void)
{
	unsigned seed = 3;
	char h[12], n[5];
	const char *at;

	for (int i = 0; i < 20000; i++) {
		random_str(h, sizeof(h), &seed);
		random_str(n, sizeof(n), &seed);
		at = strstr(h, n);
		CU_ASSERT_EQUAL(et_strstr(h, sizeof(h), n, sizeof(n)),
				at ? at - h : -1);
		CU_ASSERT_EQUAL(et_strlen(h, sizeof(h)), (et_s64)strlen(h));
	}
	/* full buffers: the size bounds them */
	CU_ASSERT_EQUAL(et_strlen("abc", 2), 2);
	CU_ASSERT_EQUAL(et_strstr("abc", 2, "c", 2), -1);
	CU_ASSERT_EQUAL(et_strstr("abc", 3, "bc", 2), 1);
	CU_ASSERT_EQUAL(et_strstr("ab\0cd", 6, "cd", 3), -1);
	CU_ASSERT_EQUAL(et_strstr("", 1, "", 1), 0);
}

static void test_memcmp(void)
{
	CU_ASSERT_EQUAL(et_memcmp("abc", "abd", 3), 'c' - 'd');
	CU_ASSERT_EQUAL(et_memcmp("abc", "abd", 2), 0);
	CU_ASSERT_EQUAL(et_memcmp("a\0x", "a\0y", 3), 'x' - 'y');
	CU_ASSERT(et_memcmp("\xff", "\x01", 1) > 0);
	CU_ASSERT_EQUAL(et_memcmp("x", "y", 0), 0);
}

static void test_log2_bucket(void)
{
	/* the labels bpftrace prints: (..., 0) [0] [1] [2, 4) [4, 8) ... */
	CU_ASSERT_EQUAL(et_log2_bucket(-5), 0);
	CU_ASSERT_EQUAL(et_log2_bucket(INT64_MIN), 0);
	CU_ASSERT_EQUAL(et_log2_bucket(0), 1);
	CU_ASSERT_EQUAL(et_log2_bucket(1), 2);
	CU_ASSERT_EQUAL(et_log2_bucket(2), 3);
	CU_ASSERT_EQUAL(et_log2_bucket(3), 3);
	CU_ASSERT_EQUAL(et_log2_bucket(4), 4);
	CU_ASSERT_EQUAL(et_log2_bucket(INT64_MAX), 64);
	for (int k = 0; k < 63; k++) {
		CU_ASSERT_EQUAL(et_log2_bucket(1LL << k), k + 2);
		CU_ASSERT_EQUAL(et_log2_bucket((long long)((2ULL << k) - 1)),
				k + 2);
	}
}

static void test_linear_bucket(void)
{
	/* lhist(v, 0, 10, 5): (..., 0) [0, 5) [5, 10) [10, ...) */
	CU_ASSERT_EQUAL(et_linear_bucket(-1, 0, 10, 5), 0);
	CU_ASSERT_EQUAL(et_linear_bucket(0, 0, 10, 5), 1);
	CU_ASSERT_EQUAL(et_linear_bucket(4, 0, 10, 5), 1);
	CU_ASSERT_EQUAL(et_linear_bucket(5, 0, 10, 5), 2);
	CU_ASSERT_EQUAL(et_linear_bucket(9, 0, 10, 5), 2);
	CU_ASSERT_EQUAL(et_linear_bucket(10, 0, 10, 5), 3);
	CU_ASSERT_EQUAL(et_linear_bucket(1000, 0, 10, 5), 3);
	/* negative ranges: unsigned division of v - min must still hold */
	CU_ASSERT_EQUAL(et_linear_bucket(-11, -10, 10, 5), 0);
	CU_ASSERT_EQUAL(et_linear_bucket(-10, -10, 10, 5), 1);
	CU_ASSERT_EQUAL(et_linear_bucket(-6, -10, 10, 5), 1);
	CU_ASSERT_EQUAL(et_linear_bucket(-5, -10, 10, 5), 2);
	CU_ASSERT_EQUAL(et_linear_bucket(9, -10, 10, 5), 4);
	CU_ASSERT_EQUAL(et_linear_bucket(10, -10, 10, 5), 5);
	CU_ASSERT_EQUAL(et_linear_bucket(INT64_MIN, -10, 10, 5), 0);
	CU_ASSERT_EQUAL(et_linear_bucket(INT64_MAX, -10, 10, 5), 5);
}

/* et_memneq against memcmp: every byte counts, NULs and bytes after them
 * included */
static void test_memneq_memcmp(void)
{
	unsigned seed = 7;
	char a[12], b[12];

	for (int i = 0; i < 5000; i++) {
		size_t n = rand_r(&seed) % sizeof(a);

		for (size_t k = 0; k < sizeof(a); k++) {
			a[k] = "\0a"[rand_r(&seed) % 2];
			b[k] = rand_r(&seed) % 4 ? a[k] : "\0b"[rand_r(&seed) % 2];
		}
		CU_ASSERT_EQUAL(et_memneq(a, b, n), memcmp(a, b, n) != 0);
	}
	CU_ASSERT_EQUAL(et_memneq("\1\0\0\0\2", "\1\0\0\0\3", 5), 1);
	CU_ASSERT_EQUAL(et_memneq("\1\0\0\0\2", "\1\0\0\0\3", 4), 0);
	CU_ASSERT_EQUAL(et_memneq("\xff", "\x7f", 1), 1);
	CU_ASSERT_EQUAL(et_memneq("x", "y", 0), 0);
}

/* The rate gate (GCRA) passes a burst, then one event per interval:
 * over T ns of events every 20 us, burst + T / interval of them, never
 * more. No limit (interval 0) passes all. */
static void test_gate_rate(void)
{
	/* 1000 events/s: one per ms, a burst of 1000 */
	et_u64 cfg[3] = { 1000000, 999 * 1000000ull, 0 }, st[2] = { 0, 0 };
	et_u64 t0 = 5000000000ull, pass = 0, none[3] = { 0, 0, 0 };

	for (et_u64 t = 0; t < 2000000000ull; t += 20000)
		pass += !et_gate_rate(cfg, st, t0 + t);
	CU_ASSERT(pass <= 1000 + 2000);
	CU_ASSERT(pass >= 1000 + 2000 - 1);
	/* a quiet second refills the burst whole, no more */
	pass = 0;
	for (et_u64 t = 0; t < 2000; t++)
		pass += !et_gate_rate(cfg, st, t0 + 4000000000ull + t);
	CU_ASSERT_EQUAL(pass, 1000);
	st[0] = 0;
	for (int i = 0; i < 100; i++)
		CU_ASSERT_EQUAL(et_gate_rate(none, st, t0), 0);
}

/* The divisor: events 0, D, 2D... pass; 0 and 1 pass all */
static void test_gate_shed(void)
{
	et_u64 cfg[3] = { 0, 0, 7 }, st[2] = { 0, 0 }, pass = 0;

	for (int i = 0; i < 100000; i++)
		pass += !et_gate_shed(cfg, st);
	CU_ASSERT_EQUAL(pass, (100000 + 6) / 7);
	CU_ASSERT_EQUAL(st[1], 100000);
	for (int d = 0; d < 2; d++) {
		cfg[2] = (et_u64)d;
		for (int i = 0; i < 10; i++)
			CU_ASSERT_EQUAL(et_gate_shed(cfg, st), 0);
	}
}

UNIT_MAIN("bpf_helpers", UNIT_TEST(test_strncmp_libc),
	  UNIT_TEST(test_gate_rate), UNIT_TEST(test_gate_shed),
	  UNIT_TEST(test_memneq_memcmp),
	  UNIT_TEST(test_strncmp_bounds), UNIT_TEST(test_strcontains_strstr),
	  UNIT_TEST(test_strcontains_bounds), UNIT_TEST(test_strstr_strlen),
	  UNIT_TEST(test_memcmp), UNIT_TEST(test_log2_bucket),
	  UNIT_TEST(test_linear_bucket))
