/* printf records written straight into a FILE (printf_write, the path of
 * every text-mode printf): the same text as printf_exec's string, strings
 * that fill their field without a NUL, and no heap allocation per record
 * for integers and strings (malloc is counted by interposing it, except
 * under a sanitizer, which owns malloc). */
#include "test_output_util.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define NO_MALLOC_COUNT 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define NO_MALLOC_COUNT 1
#endif

#ifndef NO_MALLOC_COUNT
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
static long n_allocs;

void *malloc(size_t n)
{
	n_allocs++;
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	n_allocs++;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	n_allocs++;
	return __libc_realloc(p, n);
}
#endif

/* printf_write's text for r, checked against printf_exec's. */
static char *written(struct output *o, struct trec *r)
{
	char *w = NULL, *e = NULL;
	size_t wl = 0, el = 0;
	FILE *f = open_memstream(&w, &wl);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(printf_write(o, &r->a, r->buf, r->off, f), 0);
	fclose(f);
	CU_ASSERT_EQUAL(printf_exec(o, &r->a, r->buf, r->off, &e, &el), 0);
	CU_ASSERT_EQUAL(wl, el);
	CU_ASSERT_STRING_EQUAL(w, e);
	free(e);
	return w;
}

static void check(struct output *o, struct trec *r, const char *want)
{
	char *got = written(o, r);

	if (strcmp(got, want))
		fprintf(stderr, "\nwant [%s] got [%s]\n", want, got);
	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

static void test_same_text(void)
{
	struct tout t;
	struct trec r;
	uint64_t addr = 0xffffffff81001010ULL;

	t_reset();
	t_open(&t, OUT_TEXT);
	/* a comm that fills its 4 bytes: no NUL in the record */
	r_init(&r, ACT_PRINTF, "%s|%6s|%-6s|%.2s|%8.3s|%s\n");
	for (int i = 0; i < 5; i++)
		r_str(&r, "abcd", 4);
	r_str(&r, "", 4);
	check(t.o, &r, "abcd|  abcd|abcd  |ab|     abc|\n");
	r_init(&r, ACT_PRINTF, "%d %s %x%%\n");
	r_int(&r, 4, true, -7);
	r_str(&r, "comm", 16);
	r_int(&r, 8, false, 255);
	check(t.o, &r, "-7 comm ff%\n");
	/* a symbol: decoded with an arena, with and without a width */
	r_init(&r, ACT_PRINTF, "[%s] [%-24s]\n");
	r_arg(&r, &(struct type){ .kind = T_KSYM, .size = 8 }, &addr, 8);
	r_arg(&r, &(struct type){ .kind = T_KSYM, .size = 8 }, &addr, 8);
	check(t.o, &r, "[do_one_initcall] [do_one_initcall         ]\n");
	fclose(t.f);
	output__free(t.o);
	free(t.buf);
	arena__free(ta);
	ta = NULL;
}

static void test_no_alloc(void)
{
#ifndef NO_MALLOC_COUNT
	static char buf[1 << 16];
	struct tout t;
	struct trec r;
	FILE *f = fopen("/dev/null", "w");
	long before;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	setvbuf(f, buf, _IOFBF, sizeof(buf));
	t_reset();
	t_open(&t, OUT_TEXT);
	r_init(&r, ACT_PRINTF, "%d %s %-5d|%8s|%lx\n");
	r_int(&r, 4, true, 1234);
	r_str(&r, "etbench_load", 16);
	r_int(&r, 8, true, 42);
	r_str(&r, "bash", 16);
	r_int(&r, 8, false, 0xdeadbeef);
	CU_ASSERT_EQUAL(printf_write(t.o, &r.a, r.buf, r.off, f), 0);
	before = n_allocs;
	for (int i = 0; i < 10000; i++)
		printf_write(t.o, &r.a, r.buf, r.off, f);
	CU_ASSERT_EQUAL(n_allocs - before, 0);
	/* the count works: a memory stream allocates */
	free(written(t.o, &r));
	CU_ASSERT(n_allocs - before > 0);
	fclose(f);
	fclose(t.f);
	output__free(t.o);
	free(t.buf);
	arena__free(ta);
	ta = NULL;
#endif
}

UNIT_MAIN("printf_write",
	  UNIT_TEST(test_same_text),
	  UNIT_TEST(test_no_alloc))
