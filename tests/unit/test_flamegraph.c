/* Folded stacks and the SVG flame graph (runtime/flamegraph.c,
 * runtime/print_folded.c): maps keyed by stacks built by hand print as
 * folded lines (-f folded), other maps are left out; folded lines merge,
 * sort and round-trip; the SVG holds every frame, sized by count, with
 * names escaped. (tests/runtime/flame.sh parses real SVGs as XML.) */
#include "test_output_util.h"

#include "flamegraph.h"

/* id 7: four kernel frames, leaf first (kallsyms fixture) */
static int stack_fn(void *ctx, const struct et_type *t, uint64_t id,
		    uint64_t *ips, int max)
{
	static const uint64_t frames[] = {
	    0xffffffff81002010ULL,
	    0xffffffff81002150ULL,
	    0xffffffffc0001010ULL,
	    0xffffffff80000000ULL,
	};
	int n = 0;

	(void)ctx;
	(void)t;
	if (id != 7)
		return -ENOENT;
	for (; n < 4 && n < max; n++)
		ips[n] = frames[n];
	return n;
}

#define KFRAMES                                                                \
	"0xffffffff80000000_[k];helper_fn_[k];__x64_sys_bpf_[k];"              \
	"__x64_sys_bpf_[k]"

static void test_folded_map(void)
{
	struct type *ks, *tk;
	struct tmap *k, *n, *h;
	uint64_t id = 7;
	struct tout o;

	t_reset();
	ks = type_stack(ta, true, STACK_PERF, 127);
	tk = t_tuple2(t_str(16), ks);
	k = t_map("@k", tk, t_agg(T_COUNT));
	n = t_map("@n", type_s64(), t_agg(T_COUNT));
	h = t_map("@h", ks, t_agg(T_HIST));
	t_add_int(k, t_tkey(tk, t_skey("zsh", 16), (uint8_t *)&id), 5);
	t_add_int(k, t_tkey(tk, t_skey("ba;sh", 16), (uint8_t *)&id), 3);
	t_add_int(n, t_ikey(1), 1);
	t_add_bucket(h, (uint8_t *)&id, 3, 1);
	t_open(&o, OUT_FOLDED);
	output__set_stacks(o.o, stack_fn, NULL);
	output__attached(o.o, 1); /* on stderr */
	CU_ASSERT_EQUAL(output__print_all_maps(o.o), 0);
	/* comm first, the kernel frames outermost first, ';' replaced;
	 * @h (no counts) and @n (no stack) left out */
	t_check_str(&o, "ba:sh;" KFRAMES " 3\nzsh;" KFRAMES " 5\n");

	/* print(@k, 1, 2): top and div apply */
	t_open(&o, OUT_FOLDED);
	output__set_stacks(o.o, stack_fn, NULL);
	output__print_map(o.o, &k->m, 1, 2);
	t_check_str(&o, "zsh;" KFRAMES " 2\n");
}

static void test_collect(void)
{
	struct flamegraph *fg = flamegraph__new();
	struct type *ks;
	struct tmap *a, *b;
	uint64_t id = 7;
	struct tout o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	t_reset();
	ks = type_stack(ta, true, STACK_BPFTRACE, 127);
	a = t_map("@a", ks, t_agg(T_SUM));
	b = t_map("@b", ks, t_agg(T_COUNT));
	t_add_int(a, (uint8_t *)&id, 40);
	t_add_int(b, (uint8_t *)&id, 2);
	t_open(&o, OUT_TEXT);
	output__set_stacks(o.o, stack_fn, NULL);
	/* two maps: each under its name */
	CU_ASSERT_EQUAL(output__collect_stacks(o.o, fg), 2);
	CU_ASSERT_EQUAL(flamegraph__total(fg), 42);
	f = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(flamegraph__write_folded(fg, f), 0);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf, "@a;" KFRAMES " 40\n@b;" KFRAMES " 2\n");
	free(buf);
	flamegraph__free(fg);
	t_check_str(&o, ""); /* nothing printed */
	(void)a;
	(void)b;
}

static char *fg_folded(struct flamegraph *fg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_EQUAL(flamegraph__write_folded(fg, f), 0);
	fclose(f);
	return buf;
}

static void test_folded_lines(void)
{
	struct flamegraph *fg = flamegraph__new();
	char *s;

	CU_ASSERT_EQUAL(flamegraph__add_folded(fg, "main;b;c 2\n"), 0);
	CU_ASSERT_EQUAL(flamegraph__add_folded(fg, "main;a 1"), 0);
	CU_ASSERT_EQUAL(flamegraph__add_folded(fg, "main;b;c 3"), 0);
	CU_ASSERT_EQUAL(flamegraph__add_folded(fg, "main;b 4\r\n"), 0);
	CU_ASSERT_EQUAL(flamegraph__add_folded(fg, "sp ace;x y 1"), 0);
	CU_ASSERT_EQUAL(flamegraph__add_folded(fg, "nocount"), -EINVAL);
	CU_ASSERT_EQUAL(flamegraph__add_folded(fg, "a -1"), -EINVAL);
	CU_ASSERT_EQUAL(flamegraph__add_folded(fg, "a 1x"), -EINVAL);
	CU_ASSERT_EQUAL(flamegraph__add_folded(fg, " 3"), -EINVAL);
	CU_ASSERT_EQUAL(flamegraph__total(fg), 11);
	s = fg_folded(fg);
	CU_ASSERT_STRING_EQUAL(s, "main;a 1\nmain;b 4\nmain;b;c 5\n"
				  "sp ace;x y 1\n");
	free(s);
	flamegraph__free(fg);
}

static size_t count_of(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_svg(void)
{
	struct flamegraph *fg = flamegraph__new();
	const char *frames[] = {"app", "vector<int>&", "do_sys_open_[k]"};
	enum fg_kind kinds[] = {FG_OTHER, FG_USER, FG_KERNEL};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_EQUAL(flamegraph__add(fg, frames, kinds, 3, 30), 0);
	CU_ASSERT_EQUAL(flamegraph__add(fg, frames, kinds, 1, 10), 0);
	CU_ASSERT_EQUAL(flamegraph__write_svg(fg, f, "T & <t>"), 0);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "<?xml version=\"1.0\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, ">T &amp; &lt;t&gt;</text>"));
	/* all, app, vector, do_sys_open: four frames */
	CU_ASSERT_EQUAL(count_of(buf, "<g class=\"f\""), 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "<title>all (40 samples, "
					   "100.00%)</title>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "<title>vector&lt;int&gt;&amp; "
					   "(30 samples, 75.00%)</title>"));
	/* 1180 px for 40 samples: 30 are 885 px */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "width=\"885.0\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "width=\"1180.0\""));
	/* kernel frames orange: no blue, green at most 155 */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "<title>do_sys_open_[k]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "function search()"));
	CU_ASSERT_PTR_NULL(strstr(buf, "]]>\n<script"));
	CU_ASSERT_EQUAL(count_of(buf, "]]>"), 1);
	free(buf);
	flamegraph__free(fg);
}

/* names that are no UTF-8 text (a comm may hold any byte) */
static void test_svg_bytes(void)
{
	struct flamegraph *fg = flamegraph__new();
	/* a control character, a cut sequence, a surrogate, a byte
	 * that starts no sequence; and two well-formed ones */
	const char *frames[] = {"a\xff\x01"
				"b",
				"\xc3\xa9t\xc3",
				"\xe2\x82\xac",
				"\xed\xa0\x80",
				"\xf0\x9f\x94\xa5",
				"\xf8\x88\x80"};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_EQUAL(flamegraph__add(fg, frames, NULL, 6, 1), 0);
	CU_ASSERT_EQUAL(sizeof(frames) / sizeof(frames[0]), 6);
	CU_ASSERT_EQUAL(flamegraph__write_svg(fg, f, NULL), 0);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "<title>a??b (1 sample"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "<title>\xc3\xa9t? (1 sample"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "<title>\xe2\x82\xac (1 sample"));
	/* a surrogate's bytes: each a '?' */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "<title>??? (1 sample"));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(buf, "<title>\xf0\x9f\x94\xa5 (1 sample"));
	/* the surrogate and the 0xf8 sequence: both "???" */
	CU_ASSERT_EQUAL(count_of(buf, "<title>??? (1 sample"), 2);
	free(buf);
	flamegraph__free(fg);
}

UNIT_MAIN("flamegraph", UNIT_TEST(test_folded_map), UNIT_TEST(test_collect),
	  UNIT_TEST(test_folded_lines), UNIT_TEST(test_svg),
	  UNIT_TEST(test_svg_bytes))
