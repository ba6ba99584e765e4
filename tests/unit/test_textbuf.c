/* runtime/textbuf.c: what the span printer formats with writes the bytes
 * printf and json_string (print_json.c) write for the same values. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output_impl.h"
#include "textbuf.h"
#include "unit.h"

/* tb's bytes (NUL-terminated copy in out) */
static const char *text(struct textbuf *tb, char *out, size_t size)
{
	size_t n = tb->len < size - 1 ? tb->len : size - 1;

	memcpy(out, tb->data, n);
	out[n] = 0;
	tb_reset(tb);
	return out;
}

static void test_numbers(void)
{
	static const int64_t iv[] = { 0, 1, -1, 9, 10, -10, 99, 100,
				      INT64_MAX, INT64_MIN, -123456789 };
	static const uint64_t uv[] = { 0, 7, 10, 1000000, UINT64_MAX,
				       UINT64_MAX / 10 };
	static const double dv[] = { 0, -0.0, 0.25, 1e300, -1e-300, 123456789,
				     1.0 / 3 };
	struct textbuf tb = { 0 };
	char got[128], want[128];

	for (size_t i = 0; i < sizeof(iv) / sizeof(*iv); i++) {
		tb_i64(&tb, iv[i]);
		snprintf(want, sizeof(want), "%" PRId64, iv[i]);
		CU_ASSERT_STRING_EQUAL(text(&tb, got, sizeof(got)), want);
	}
	for (size_t i = 0; i < sizeof(uv) / sizeof(*uv); i++) {
		tb_u64(&tb, uv[i]);
		snprintf(want, sizeof(want), "%" PRIu64, uv[i]);
		CU_ASSERT_STRING_EQUAL(text(&tb, got, sizeof(got)), want);
	}
	for (size_t i = 0; i < sizeof(dv) / sizeof(*dv); i++) {
		tb_double(&tb, dv[i]);
		snprintf(want, sizeof(want), "%g", dv[i]);
		CU_ASSERT_STRING_EQUAL(text(&tb, got, sizeof(got)), want);
	}
	tb_hex(&tb, (const uint8_t *)"\x00\x0f\xa0\xff", 4);
	CU_ASSERT_STRING_EQUAL(text(&tb, got, sizeof(got)), "000fa0ff");
	/* %.*s stops at a NUL */
	tb_putsn(&tb, "ab\0cd", 5);
	tb_putc(&tb, '|');
	tb_puts(&tb, "xyz");
	CU_ASSERT_STRING_EQUAL(text(&tb, got, sizeof(got)), "ab|xyz");
	tb_free(&tb);
}

/* every byte value, and a string long enough to grow the buffer */
static void test_json(void)
{
	struct textbuf tb = { 0 };
	char s[256 + 5000], *want = NULL;
	size_t wlen = 0;
	FILE *m = open_memstream(&want, &wlen);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	for (int i = 0; i < 256; i++)
		s[i] = (char)i;
	memset(s + 256, 'x', 5000);
	json_string(m, s, sizeof(s));
	fclose(m);
	tb_put(&tb, "[", 1);
	tb_json(&tb, s, sizeof(s));
	CU_ASSERT_FALSE(tb.oom);
	CU_ASSERT_EQUAL_FATAL(tb.len, wlen + 1);
	CU_ASSERT_EQUAL(memcmp(tb.data + 1, want, wlen), 0);
	free(want);
	tb_free(&tb);
}

/* one fwrite of what was formatted, the buffer emptied for the next */
static void test_write(void)
{
	struct textbuf tb = { 0 };
	char out[64] = "";
	FILE *f = fmemopen(out, sizeof(out), "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	tb_puts(&tb, "span a\n");
	CU_ASSERT_EQUAL(tb_write(&tb, f), 0);
	CU_ASSERT_EQUAL(tb.len, 0);
	tb_puts(&tb, "span b\n");
	CU_ASSERT_EQUAL(tb_write(&tb, f), 0);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(out, "span a\nspan b\n");
	tb_free(&tb);
}

UNIT_MAIN("textbuf", UNIT_TEST(test_numbers), UNIT_TEST(test_json),
	  UNIT_TEST(test_write))
