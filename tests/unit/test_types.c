/* Unit tests of compiler/types.c (names as bpftrace 0.17 prints them,
 * equality, field lookup, tuple layout) and of typereg_resolve in
 * compiler/typereg.c (type names as written in casts). */
#include "compile.h"
#include "typereg.h"
#include "unit.h"

static struct compile_ctx ctx;

static void setup(void)
{
	struct compile_opts o = { .btf_path = "" };

	CU_ASSERT_FATAL(compile_ctx_init(&ctx, "t.et", "(struct foo *)0", 15,
					 &o) == 0);
}

#define NAME(t) type_name(ctx.arena, (t))

static void test_scalar_names(void)
{
	setup();
	CU_ASSERT_PTR_EQUAL(type_int(4, true), type_int(4, true));
	CU_ASSERT_PTR_NOT_EQUAL(type_int(4, true), type_int(4, false));
	CU_ASSERT_STRING_EQUAL(NAME(type_s64()), "int64");
	CU_ASSERT_STRING_EQUAL(NAME(type_int(1, true)), "int8");
	CU_ASSERT_STRING_EQUAL(NAME(type_u64()), "unsigned int64");
	CU_ASSERT_STRING_EQUAL(NAME(type_int(2, false)), "unsigned int16");
	CU_ASSERT_STRING_EQUAL(NAME(type_none()), "none");
	CU_ASSERT_STRING_EQUAL(NAME(type_string(ctx.arena, 16)), "string[16]");
	CU_ASSERT_STRING_EQUAL(NAME(type_buf(ctx.arena, 3)), "buffer[3]");
	CU_ASSERT_STRING_EQUAL(NAME(type_stack(ctx.arena, true, STACK_PERF,
					       10)), "kstack");
	CU_ASSERT_STRING_EQUAL(NAME(type_stack(ctx.arena, false, STACK_RAW,
					       10)), "ustack");
	CU_ASSERT_STRING_EQUAL(NAME(type_simple(ctx.arena, T_COUNT, 8)),
			       "count");
	CU_ASSERT_STRING_EQUAL(NAME(type_simple(ctx.arena, T_HIST, 8)), "hist");
	CU_ASSERT_STRING_EQUAL(NAME(type_simple(ctx.arena, T_LHIST, 8)),
			       "lhist");
	CU_ASSERT_STRING_EQUAL(NAME(type_simple(ctx.arena, T_INET, 24)),
			       "inet");
	CU_ASSERT_STRING_EQUAL(NAME(type_simple(ctx.arena, T_MACADDR, 6)),
			       "mac_address");
	CU_ASSERT_STRING_EQUAL(NAME(type_simple(ctx.arena, T_TIMESTAMP, 16)),
			       "timestamp");
	compile_ctx_fini(&ctx);
}

static void test_composite_names(void)
{
	struct type *rec, *el[2];

	setup();
	rec = type_record(ctx.arena, "struct task_struct", false);
	CU_ASSERT_STRING_EQUAL(NAME(type_ptr(ctx.arena, rec, AS_KERNEL)),
			       "struct task_struct *");
	CU_ASSERT_STRING_EQUAL(NAME(type_ptr(ctx.arena,
			       type_ptr(ctx.arena, type_u64(), AS_NONE),
			       AS_NONE)), "unsigned int64 * *");
	CU_ASSERT_STRING_EQUAL(NAME(type_ptr(ctx.arena, NULL, AS_NONE)),
			       "none *");
	CU_ASSERT_STRING_EQUAL(NAME(type_array(ctx.arena, type_u64(), 4)),
			       "unsigned int64[4]");
	el[0] = type_s64();
	el[1] = type_string(ctx.arena, 3);
	CU_ASSERT_STRING_EQUAL(NAME(type_tuple(ctx.arena, el, 2)),
			       "(int64,string[3])");
	CU_ASSERT_STRING_EQUAL(NAME(type_record(ctx.arena, NULL, true)),
			       "union (anonymous)");
	compile_ctx_fini(&ctx);
}

static void test_equal(void)
{
	struct type *a[2], *b[2], *ta, *tb;

	setup();
	CU_ASSERT(type_equal(type_string(ctx.arena, 8),
			     type_string(ctx.arena, 8)));
	CU_ASSERT_FALSE(type_equal(type_string(ctx.arena, 8),
				   type_string(ctx.arena, 16)));
	CU_ASSERT(type_compatible(type_string(ctx.arena, 8),
				  type_string(ctx.arena, 16)));
	CU_ASSERT_FALSE(type_equal(type_s64(), type_u64()));
	CU_ASSERT_FALSE(type_compatible(type_s64(), type_string(ctx.arena, 8)));
	a[0] = b[0] = type_s64();
	a[1] = type_string(ctx.arena, 4);
	b[1] = type_string(ctx.arena, 9);
	ta = type_tuple(ctx.arena, a, 2);
	tb = type_tuple(ctx.arena, b, 2);
	CU_ASSERT_FALSE(type_equal(ta, tb));
	CU_ASSERT(type_compatible(ta, tb));
	CU_ASSERT(type_equal(type_ptr(ctx.arena, type_s64(), AS_NONE),
			     type_ptr(ctx.arena, type_s64(), AS_KERNEL)));
	CU_ASSERT_FALSE(type_equal(type_ptr(ctx.arena, type_s64(), AS_NONE),
				   type_ptr(ctx.arena, type_u64(), AS_NONE)));
	CU_ASSERT(type_is_aggregation(type_simple(ctx.arena, T_STATS, 8)));
	CU_ASSERT_FALSE(type_is_aggregation(type_s64()));
	CU_ASSERT_FALSE(type_is_storable(type_none()));
	CU_ASSERT_FALSE(type_is_storable(type_simple(ctx.arena, T_COUNT, 8)));
	CU_ASSERT(type_is_storable(ta));
	CU_ASSERT(type_is_int(type_u64()));
	compile_ctx_fini(&ctx);
}

/* struct outer { int a; union { int b; struct { short c; short d; }; };
 * } laid out by hand. */
static void test_field_through_anonymous(void)
{
	struct type *outer, *u, *s;
	const struct field *f;
	uint32_t off = 99;

	setup();
	s = type_record(ctx.arena, NULL, false);
	type_record_add(ctx.arena, s, "c", type_int(2, true), 0, 0, 0);
	type_record_add(ctx.arena, s, "d", type_int(2, true), 2, 0, 0);
	s->size = 4;
	u = type_record(ctx.arena, NULL, true);
	type_record_add(ctx.arena, u, "b", type_int(4, true), 0, 0, 0);
	type_record_add(ctx.arena, u, NULL, s, 0, 0, 0);
	u->size = 4;
	outer = type_record(ctx.arena, "struct outer", false);
	type_record_add(ctx.arena, outer, "a", type_int(4, true), 0, 0, 0);
	type_record_add(ctx.arena, outer, NULL, u, 4, 0, 0);
	for (int i = 0; i < 20; i++) /* grows the field array */
		type_record_add(ctx.arena, outer,
				arena_printf(ctx.arena, "x%d", i), type_u64(),
				8 + 8 * i, 0, 0);
	outer->size = 168;
	f = type_field(outer, "d", &off);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(off, 6);
	f = type_field(outer, "b", &off);
	CU_ASSERT_EQUAL(off, 4);
	f = type_field(outer, "x19", &off);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(off, 160);
	CU_ASSERT_PTR_NULL(type_field(outer, "nope", &off));
	CU_ASSERT_PTR_NULL(type_field(type_s64(), "a", &off));
	compile_ctx_fini(&ctx);
}

static void test_tuple_layout(void)
{
	struct type *el[3], *t;

	setup();
	el[0] = type_int(1, false);
	el[1] = type_s64();
	el[2] = type_string(ctx.arena, 3);
	t = type_tuple(ctx.arena, el, 3);
	CU_ASSERT_EQUAL(t->nfields, 3);
	CU_ASSERT_EQUAL(t->fields[1].offset, 8);
	CU_ASSERT_EQUAL(t->fields[2].offset, 16);
	CU_ASSERT_EQUAL(t->size, 24);
	compile_ctx_fini(&ctx);
}

static struct type *resolve(const char *name, int depth, int arr)
{
	struct node *ts = ast_typespec(ctx.arena, (struct loc){ 1, 13 }, name,
				       depth, arr);

	return typereg_resolve(&ctx, ts);
}

static void test_resolve(void)
{
	struct type *rec;

	setup();
	CU_ASSERT_PTR_EQUAL(resolve("uint32", 0, 0), type_int(4, false));
	CU_ASSERT_PTR_EQUAL(resolve("int8", 0, 0), type_int(1, true));
	CU_ASSERT_PTR_EQUAL(resolve("unsigned long", 0, 0), type_u64());
	CU_ASSERT_PTR_EQUAL(resolve("char", 0, 0), type_int(1, true));
	CU_ASSERT_PTR_EQUAL(resolve("unsigned short int", 0, 0),
			    type_int(2, false));
	CU_ASSERT_PTR_EQUAL(resolve("long long", 0, 0), type_s64());
	CU_ASSERT_STRING_EQUAL(NAME(resolve("void", 1, 0)), "none *");
	CU_ASSERT_STRING_EQUAL(NAME(resolve("int32", 2, 0)), "int32 * *");
	CU_ASSERT_STRING_EQUAL(NAME(resolve("uint8", 0, 4)),
			       "unsigned int8[4]");
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 0);
	rec = type_record(ctx.arena, "struct foo", false);
	rec->size = 8;
	typereg_add_record(&ctx, rec);
	typereg_add_typedef(&ctx, "foo_t", rec);
	CU_ASSERT_PTR_EQUAL(resolve("struct foo", 1, 0)->elem, rec);
	CU_ASSERT_PTR_EQUAL(resolve("foo_t", 0, 0), rec);
	CU_ASSERT_PTR_NULL(resolve("struct bar", 1, 0));
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 1);
	CU_ASSERT_STRING_EQUAL(ctx.diags.head->msg,
			       "Unknown struct/union: 'struct bar'");
	CU_ASSERT_PTR_NULL(resolve("void", 0, 0));
	CU_ASSERT_PTR_NULL(resolve("uint33", 0, 0));
	CU_ASSERT_PTR_NULL(resolve("long short", 0, 0));
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 4);
	compile_ctx_fini(&ctx);
}

static void test_registry(void)
{
	int64_t v = 0;

	setup();
	CU_ASSERT_PTR_NULL(typereg_record(&ctx, "struct nothing"));
	CU_ASSERT_FALSE(typereg_enum_value(&ctx, "X", &v));
	typereg_add_enum_value(&ctx, "X", -3, "");
	CU_ASSERT(typereg_enum_value(&ctx, "X", &v));
	CU_ASSERT_EQUAL(v, -3);
	for (int i = 0; i < 1000; i++)
		typereg_add_enum_value(&ctx, arena_printf(ctx.arena, "E%d", i),
				       i, "");
	CU_ASSERT(typereg_enum_value(&ctx, "E777", &v));
	CU_ASSERT_EQUAL(v, 777);
	compile_ctx_fini(&ctx);
}

/* Records (a=1, b="x"): tuples with named fields, equal by name in any
 * order, compared with == in a common type. */
static void test_named_tuples(void)
{
	struct type *a[2], *b[2], *ra, *rb, *c;
	const char *na[2] = { "a", "b" }, *nb[2] = { "b", "a" };
	const struct field *f;
	uint32_t off = 99;

	setup();
	a[0] = type_int(1, false);
	a[1] = type_string(ctx.arena, 4);
	b[0] = type_string(ctx.arena, 9);
	b[1] = type_s64();
	ra = type_named_tuple(ctx.arena, a, na, 2);
	rb = type_named_tuple(ctx.arena, b, nb, 2);
	CU_ASSERT(type_is_named_tuple(ra));
	CU_ASSERT_FALSE(type_is_named_tuple(type_tuple(ctx.arena, a, 2)));
	CU_ASSERT_STRING_EQUAL(NAME(ra),
			       "record { .a = unsigned int8, .b = string[4] }");
	f = type_field(rb, "a", &off);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(off, 16); /* after string[9], 8-aligned */
	CU_ASSERT_PTR_NULL(type_field(rb, "c", &off));
	CU_ASSERT(type_compatible(ra, rb) == false); /* uint8 vs int64 */
	CU_ASSERT_FALSE(type_compatible(ra, type_tuple(ctx.arena, a, 2)));
	c = type_tuple_common(ctx.arena, ra, rb);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(NAME(c),
			       "record { .a = unsigned int64, .b = string[9] }");
	CU_ASSERT_PTR_NULL(type_tuple_common(ctx.arena, ra,
					     type_tuple(ctx.arena, a, 2)));
	compile_ctx_fini(&ctx);
}

UNIT_MAIN("types", UNIT_TEST(test_scalar_names),
	  UNIT_TEST(test_named_tuples),
	  UNIT_TEST(test_composite_names), UNIT_TEST(test_equal),
	  UNIT_TEST(test_field_through_anonymous),
	  UNIT_TEST(test_tuple_layout), UNIT_TEST(test_resolve),
	  UNIT_TEST(test_registry))
