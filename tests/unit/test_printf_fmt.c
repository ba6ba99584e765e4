/* Unit tests for printf_fmt: parsing formats into segments and checking
 * argument types and counts with bpftrace's messages. */
#include "unit.h"

#include "compile.h"
#include "printf_check.h"

static struct compile_ctx ctx;

static void setup(void)
{
	static const struct compile_opts opts = { .btf_path = "" };

	compile_ctx_fini(&ctx);
	compile_ctx_init(&ctx, "t.et", "x", 1, &opts);
}

static void parse(const char *s, struct fmt *f)
{
	if (!ctx.arena)
		setup();
	diags_init(&ctx.diags, ctx.arena, &ctx.src);
	printf_fmt_parse(ctx.arena, s, strlen(s), f);
}

static void test_plain_text(void)
{
	struct fmt f;

	parse("hello\n", &f);
	CU_ASSERT_EQUAL(f.nsegs, 1);
	CU_ASSERT_EQUAL(f.nspecs, 0);
	CU_ASSERT_FALSE(f.segs[0].is_spec);
	CU_ASSERT_EQUAL(f.segs[0].len, 6);
	CU_ASSERT_NSTRING_EQUAL(f.segs[0].text, "hello\n", 6);
}

static void test_percent_literal(void)
{
	struct fmt f;

	parse("100%% done %d", &f);
	CU_ASSERT_EQUAL(f.nspecs, 1);
	CU_ASSERT_EQUAL(f.nsegs, 2);
	CU_ASSERT_EQUAL(f.segs[0].len, 10);
	CU_ASSERT_NSTRING_EQUAL(f.segs[0].text, "100% done ", 10);
	CU_ASSERT_EQUAL(f.segs[1].conv, 'd');
}

static void test_flags_width_precision(void)
{
	struct fmt f;

	parse("%-8s|%08.3lld|%#x|%+i", &f);
	CU_ASSERT_EQUAL(f.nspecs, 4);
	CU_ASSERT_TRUE(f.segs[0].is_spec);
	CU_ASSERT_EQUAL(f.segs[0].flags, FMT_LEFT);
	CU_ASSERT_EQUAL(f.segs[0].width, 8);
	CU_ASSERT_EQUAL(f.segs[0].precision, -1);
	CU_ASSERT_EQUAL(f.segs[0].cls, FMT_STR);
	CU_ASSERT_EQUAL(f.segs[0].len, 4);
	CU_ASSERT_EQUAL(f.segs[2].flags, FMT_ZERO);
	CU_ASSERT_EQUAL(f.segs[2].width, 8);
	CU_ASSERT_EQUAL(f.segs[2].precision, 3);
	CU_ASSERT_EQUAL(f.segs[2].length, FMT_LEN_LL);
	CU_ASSERT_STRING_EQUAL(f.segs[2].name, "%lld");
	CU_ASSERT_EQUAL(f.segs[4].flags, FMT_ALT);
	CU_ASSERT_EQUAL(f.segs[6].flags, FMT_PLUS);
	CU_ASSERT_EQUAL(f.segs[6].conv, 'i');
}

static void test_lengths(void)
{
	static const struct { const char *s; enum fmt_length l; } t[] = {
		{ "%hhu", FMT_LEN_HH }, { "%hd", FMT_LEN_H },
		{ "%lx", FMT_LEN_L }, { "%llX", FMT_LEN_LL },
		{ "%jd", FMT_LEN_J }, { "%zu", FMT_LEN_Z },
		{ "%to", FMT_LEN_T }, { "%p", FMT_LEN_NONE },
	};
	struct fmt f;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		parse(t[i].s, &f);
		CU_ASSERT_EQUAL(f.nspecs, 1);
		CU_ASSERT_EQUAL(f.segs[0].length, t[i].l);
		CU_ASSERT_EQUAL(f.segs[0].cls, FMT_INT);
		CU_ASSERT_STRING_EQUAL(f.segs[0].name, t[i].s);
	}
}

/* Like bpftrace: what is not a specifier prints as written. */
static void test_unknown_is_text(void)
{
	static const char *const t[] = { "%f", "%y", "%ls", "%lc", "%*d",
					 "%", "abc%", "%Lu", "%hhs",
					 "100% sure", "50% done" };
	struct fmt f;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		parse(t[i], &f);
		CU_ASSERT_EQUAL(f.nspecs, 0);
		CU_ASSERT_EQUAL(f.nsegs, 1);
		CU_ASSERT_EQUAL(f.segs[0].len, strlen(t[i]));
	}
}

static void test_buffer_specs(void)
{
	struct fmt f;

	parse("%r %rx %rh", &f);
	CU_ASSERT_EQUAL(f.nspecs, 3);
	CU_ASSERT_EQUAL(f.segs[0].cls, FMT_BUF);
	CU_ASSERT_EQUAL(f.segs[0].buf_mode, 0);
	CU_ASSERT_EQUAL(f.segs[2].buf_mode, 'x');
	CU_ASSERT_STRING_EQUAL(f.segs[2].name, "%rx");
	CU_ASSERT_EQUAL(f.segs[4].buf_mode, 'h');
}

static void test_class_of(void)
{
	enum fmt_class c;

	setup();
	CU_ASSERT_TRUE(printf_fmt_class_of(type_u64(), &c));
	CU_ASSERT_EQUAL(c, FMT_INT);
	CU_ASSERT_TRUE(printf_fmt_class_of(
		type_ptr(ctx.arena, type_int(1, true), AS_KERNEL), &c));
	CU_ASSERT_EQUAL(c, FMT_INT);
	CU_ASSERT_TRUE(printf_fmt_class_of(type_string(ctx.arena, 16), &c));
	CU_ASSERT_EQUAL(c, FMT_STR);
	CU_ASSERT_TRUE(printf_fmt_class_of(
		type_simple(ctx.arena, T_KSYM, 8), &c));
	CU_ASSERT_EQUAL(c, FMT_STR);
	CU_ASSERT_TRUE(printf_fmt_class_of(
		type_stack(ctx.arena, true, STACK_PERF, 127), &c));
	CU_ASSERT_EQUAL(c, FMT_STR);
	CU_ASSERT_TRUE(printf_fmt_class_of(type_buf(ctx.arena, 8), &c));
	CU_ASSERT_EQUAL(c, FMT_BUF);
	CU_ASSERT_FALSE(printf_fmt_class_of(
		type_simple(ctx.arena, T_COUNT, 8), &c));
	CU_ASSERT_FALSE(printf_fmt_class_of(NULL, &c));
}

/* A list of expressions of the given types, located at 10, 20, ... */
static struct node *args_of(struct type **types, int n)
{
	struct node *head = NULL, **tail = &head;

	for (int i = 0; i < n; i++) {
		struct node *a = ast_int(ctx.arena,
					 (struct loc){ 10 * (i + 1),
						       10 * (i + 1) + 2 },
					 0, false);
		a->type = types[i];
		*tail = a;
		tail = &a->next;
	}
	return head;
}

static const char *check(const char *fmt, struct type **types, int n)
{
	struct fmt f;

	parse(fmt, &f);
	if (printf_fmt_check(&ctx, "printf", &f, args_of(types, n),
			     (struct loc){ 0, 5 }))
		return NULL;
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx.diags.head);
	return ctx.diags.head->msg;
}

static void test_check_ok(void)
{
	struct type *t[3];

	setup();
	t[0] = type_u64();
	t[1] = type_string(ctx.arena, 16);
	t[2] = type_simple(ctx.arena, T_USERNAME, 8);
	CU_ASSERT_PTR_NULL(check("%d %s %s\n", t, 3));
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 0);
}

static void test_check_count(void)
{
	struct type *t[2] = { type_u64(), type_u64() };
	const char *m;

	m = check("%d\n", t, 2);
	CU_ASSERT_STRING_EQUAL(m,
		"printf: Too many arguments for format string (2 supplied, 1 expected)");
	CU_ASSERT_EQUAL(ctx.diags.head->loc.begin, 0);
	m = check("%d %s\n", t, 1);
	CU_ASSERT_STRING_EQUAL(m,
		"printf: Not enough arguments for format string (1 supplied, 2 expected)");
	m = check("%%d\n", t, 1);
	CU_ASSERT_STRING_EQUAL(m,
		"printf: Too many arguments for format string (1 supplied, 0 expected)");
}

static void test_check_types(void)
{
	struct type *t[2];
	const char *m;

	setup();
	t[0] = type_string(ctx.arena, 8);
	m = check("%ld\n", t, 1);
	CU_ASSERT_STRING_EQUAL(m,
		"printf: %ld specifier expects a value of type integer (string supplied)");
	/* the error points at the argument */
	CU_ASSERT_EQUAL(ctx.diags.head->loc.begin, 10);
	t[0] = type_u64();
	m = check("%-5.3s", t, 1);
	CU_ASSERT_STRING_EQUAL(m,
		"printf: %s specifier expects a value of type string (integer supplied)");
	t[0] = type_string(ctx.arena, 8);
	m = check("%rx", t, 1);
	CU_ASSERT_STRING_EQUAL(m,
		"printf: %rx specifier expects a value of type buffer (string supplied)");
	t[0] = type_simple(ctx.arena, T_COUNT, 8);
	m = check("%d", t, 1);
	CU_ASSERT_STRING_EQUAL(m,
		"printf: %d specifier expects a value of type integer (count supplied)");
	t[0] = type_u64();
	t[1] = type_tuple(ctx.arena, t, 1);
	m = check("%d %s", t, 2);
	CU_ASSERT_STRING_EQUAL(m,
		"printf: %s specifier expects a value of type string (tuple supplied)");
	CU_ASSERT_EQUAL(ctx.diags.head->loc.begin, 20);
}

UNIT_MAIN("printf_fmt",
	  UNIT_TEST(test_plain_text),
	  UNIT_TEST(test_percent_literal),
	  UNIT_TEST(test_flags_width_precision),
	  UNIT_TEST(test_lengths),
	  UNIT_TEST(test_unknown_is_text),
	  UNIT_TEST(test_buffer_specs),
	  UNIT_TEST(test_class_of),
	  UNIT_TEST(test_check_ok),
	  UNIT_TEST(test_check_count),
	  UNIT_TEST(test_check_types))
