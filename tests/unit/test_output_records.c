/* Output module, structs and unions read by value: print() values, map
 * values, map keys and tuple fields in text and JSON, as bpftrace 0.17
 * prints them ("{ .m = 2, .n = 3 }" as a value, "{.m=2,.n=3}" in a key,
 * "{ "m": 2, "n": 3 }" in JSON; the expected texts are what bpftrace
 * printed for the same bytes), nested structs and arrays, unions,
 * anonymous members, bitfields (their bits: bpftrace 0.17 prints the
 * whole int that holds them, DIFFERENCES.md), print()'s divisor. */
#include "test_output_util.h"

/* struct Foo { int m; int n; } */
static struct type *foo_type(void)
{
	struct type *t = type_record(ta, "struct Foo", false);

	type_record_add(ta, t, "m", type_int(4, true), 0, 0, 0);
	type_record_add(ta, t, "n", type_int(4, true), 4, 0, 0);
	t->size = 8;
	return t;
}

/* struct S { int8_t a; uint8_t b; short c; unsigned short d; char s[4];
 *            void *p; } */
static struct type *mixed_type(void)
{
	struct type *t = type_record(ta, "struct S", false);

	type_record_add(ta, t, "a", type_int(1, true), 0, 0, 0);
	type_record_add(ta, t, "b", type_int(1, false), 1, 0, 0);
	type_record_add(ta, t, "c", type_int(2, true), 2, 0, 0);
	type_record_add(ta, t, "d", type_int(2, false), 4, 0, 0);
	type_record_add(ta, t, "s", t_str(4), 6, 0, 0);
	type_record_add(ta, t, "p", type_ptr(ta, type_none(), AS_USER), 16,
			0, 0);
	t->size = 24;
	return t;
}

static const uint8_t mixed_bytes[24] = {
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 'a', 'b', 'c', 'd', 0, 0,
	0, 0, 0, 0, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

static void print_val(struct tout *o, struct type *t, const void *p)
{
	struct trec r;

	r_init(&r, ACT_PRINT_VALUE, NULL);
	r_arg(&r, t, p, t->size);
	r_emit(o, &r);
}

static void test_print_struct(void)
{
	int32_t foo[2] = { 2, 3 };
	struct tout o;

	t_reset();
	t_open(&o, OUT_TEXT);
	print_val(&o, foo_type(), foo);
	/* ints by their sign and size, pointers signed, strings to NUL */
	print_val(&o, mixed_type(), mixed_bytes);
	print_val(&o, t_tuple2(type_s64(), foo_type()),
		  (int64_t[]){ 1, 0x300000002ll });
	t_check_str(&o, "{ .m = 2, .n = 3 }\n"
		    "{ .a = -16, .b = 241, .c = -3086, .d = 62964, "
		    ".s = abcd, .p = -16 }\n"
		    "(1, { .m = 2, .n = 3 })\n");
	t_reset();
	t_open(&o, OUT_JSON);
	print_val(&o, foo_type(), foo);
	print_val(&o, t_tuple2(type_s64(), foo_type()),
		  (int64_t[]){ 0, 0x300000002ll });
	t_check_str(&o, "{\"type\": \"value\", \"data\": "
		    "{ \"m\": 2, \"n\": 3 }}\n"
		    "{\"type\": \"value\", \"data\": "
		    "[0,{ \"m\": 2, \"n\": 3 }]}\n");
}

/* struct N { struct { int m[1]; } y; struct { int n; } a;
 *            struct Foo f[2]; union U { int i; char c[4]; } u; } */
static struct type *nested_type(void)
{
	struct type *y = type_record(ta, "struct (anonymous)", false);
	struct type *a = type_record(ta, "struct (anonymous)", false);
	struct type *u = type_record(ta, "union U", true);
	struct type *t = type_record(ta, "struct N", false);

	type_record_add(ta, y, "m", type_array(ta, type_int(4, true), 1), 0,
			0, 0);
	y->size = 4;
	type_record_add(ta, a, "n", type_int(4, true), 0, 0, 0);
	a->size = 4;
	type_record_add(ta, u, "i", type_int(4, true), 0, 0, 0);
	type_record_add(ta, u, "c", t_str(4), 0, 0, 0);
	u->size = 4;
	type_record_add(ta, t, "y", y, 0, 0, 0);
	type_record_add(ta, t, "a", a, 4, 0, 0);
	type_record_add(ta, t, "f", type_array(ta, foo_type(), 2), 8, 0, 0);
	type_record_add(ta, t, "u", u, 24, 0, 0);
	t->size = 28;
	return t;
}

static void test_nested(void)
{
	int32_t v[7] = { 2, 3, 4, 5, 6, 7, 0x44434241 };
	struct tmap *m, *k;
	struct tout o;

	t_reset();
	m = t_map("@v", NULL, nested_type());
	k = t_map("@k", nested_type(), type_s64());
	t_add_bytes(m, NULL, v, sizeof(v));
	t_add_int(k, (uint8_t *)v, 1);
	t_open(&o, OUT_TEXT);
	output__print_all_maps(o.o);
	t_check_str(&o, "\n\n@k[{.y={.m=[2]},.a={.n=3},.f=[{.m=4,.n=5},"
		    "{.m=6,.n=7}],.u={.i=1145258561,.c=ABCD}}]: 1\n"
		    "@v: { .y = { .m = [2] }, .a = { .n = 3 }, "
		    ".f = [{ .m = 4, .n = 5 },{ .m = 6, .n = 7 }], "
		    ".u = { .i = 1145258561, .c = ABCD } }\n");
	t_open(&o, OUT_JSON);
	output__print_all_maps(o.o);
	t_check_str(&o, "\n\n{\"type\": \"map\", \"data\": {\"@k\": "
		    "{\"{.y={.m=[2]},.a={.n=3},.f=[{.m=4,.n=5},{.m=6,.n=7}],"
		    ".u={.i=1145258561,.c=ABCD}}\": 1}}}\n"
		    "{\"type\": \"map\", \"data\": {\"@v\": { \"y\": "
		    "{ \"m\": [2] }, \"a\": { \"n\": 3 }, \"f\": "
		    "[{ \"m\": 4, \"n\": 5 },{ \"m\": 6, \"n\": 7 }], "
		    "\"u\": { \"i\": 1145258561, \"c\": \"ABCD\" } }}}\n");
}

/* In keys, bpftrace 0.17 reads the integers of a struct or an array at
 * their size and signed (a uint8 of 241 is -15), and pointers in hex;
 * a tuple key's own integers are 64 bits. */
static void test_key_ints(void)
{
	struct type *u8a, *tk;
	struct tmap *s, *a, *t;
	uint8_t *tkey;
	struct tout o;

	t_reset();
	u8a = type_array(ta, type_int(1, false), 4);
	tk = t_tuple2(mixed_type(), type_s64());
	s = t_map("@s", mixed_type(), type_s64());
	a = t_map("@a", u8a, type_s64());
	t = t_map("@t", tk, type_s64());
	t_add_int(s, mixed_bytes, 1);
	t_add_int(a, (const uint8_t *)"\xf0\xf1\x02\x03", 2);
	tkey = arena_calloc(ta, tk->size, 1);
	memcpy(tkey, mixed_bytes, 24);
	memcpy(tkey + tk->fields[1].offset, &(int64_t){ 42 }, 8);
	t_add_int(t, tkey, 3);
	t_open(&o, OUT_TEXT);
	output__print_all_maps(o.o);
	t_check_str(&o, "\n\n@a[[-16,-15,2,3]]: 2\n"
		    "@s[{.a=-16,.b=-15,.c=-3086,.d=-2572,.s=abcd,"
		    ".p=0xfffffffffffffff0}]: 1\n"
		    "@t[{.a=-16,.b=-15,.c=-3086,.d=-2572,.s=abcd,"
		    ".p=0xfffffffffffffff0}, 42]: 3\n");
}

/* struct B { unsigned int a:4, b:8; struct { short x; }; unsigned char c;
 *            union { int i; char ch; }; } with anonymous members */
static struct type *bits_type(void)
{
	struct type *in = type_record(ta, "struct (anonymous)", false);
	struct type *un = type_record(ta, "union (anonymous)", true);
	struct type *t = type_record(ta, "struct B", false);

	type_record_add(ta, in, "x", type_int(2, true), 0, 0, 0);
	in->size = 2;
	type_record_add(ta, un, "i", type_int(4, true), 0, 0, 0);
	type_record_add(ta, un, "ch", type_int(1, true), 0, 0, 0);
	un->size = 4;
	type_record_add(ta, t, "a", type_int(4, false), 0, 0, 4);
	type_record_add(ta, t, "b", type_int(4, false), 0, 4, 8);
	type_record_add(ta, t, NULL, in, 4, 0, 0);
	type_record_add(ta, t, "c", type_int(1, false), 6, 0, 0);
	type_record_add(ta, t, NULL, un, 8, 0, 0);
	t->size = 12;
	return t;
}

static void test_bits_and_anonymous(void)
{
	/* a = 0x1, b = 0x24 in 0x44434241; x = -2; c = 'C'; i = 7 */
	const uint8_t v[12] = { 0x41, 0x42, 0x43, 0x44, 0xfe, 0xff, 'C', 0,
				7, 0, 0, 0 };
	struct tmap *k;
	struct tout o;

	t_reset();
	k = t_map("@k", bits_type(), type_s64());
	t_add_int(k, v, 5);
	t_open(&o, OUT_TEXT);
	print_val(&o, bits_type(), v);
	output__print_all_maps(o.o);
	t_check_str(&o, "{ .a = 1, .b = 36, .x = -2, .c = 67, .i = 7, "
		    ".ch = 7 }\n\n\n"
		    "@k[{.a=1,.b=36,.x=-2,.c=67,.i=7,.ch=7}]: 5\n");
}

/* print(@m, 0, div) divides the integers inside structs, tuples and
 * arrays too, as bpftrace 0.17 does; strings stay */
static void test_print_div(void)
{
	int32_t foo[2] = { 2, 7 };
	uint8_t tup[16] = { 10, 0, 0, 0, 0, 0, 0, 0, 'a', 'b' };
	int16_t a[2] = { -9, 9 };
	struct type *tt, *arr;
	struct tmap *f, *t, *r;
	struct tout o;

	t_reset();
	tt = t_tuple2(type_s64(), t_str(4));
	arr = type_array(ta, type_int(2, true), 2);
	f = t_map("@f", NULL, foo_type());
	t = t_map("@t", NULL, tt);
	r = t_map("@r", NULL, arr);
	t_add_bytes(f, NULL, foo, sizeof(foo));
	t_add_bytes(t, NULL, tup, tt->size);
	t_add_bytes(r, NULL, a, sizeof(a));
	t_open(&o, OUT_TEXT);
	output__print_map(o.o, &f->m, 0, 2);
	output__print_map(o.o, &t->m, 0, 2);
	output__print_map(o.o, &r->m, 0, 2);
	t_check_str(&o, "@f: { .m = 1, .n = 3 }\n@t: (5, ab)\n@r: [-4,4]\n");
	t_open(&o, OUT_JSON);
	output__print_map(o.o, &f->m, 0, 2);
	output__print_map(o.o, &t->m, 0, 2);
	t_check_str(&o, "{\"type\": \"map\", \"data\": {\"@f\": "
		    "{ \"m\": 1, \"n\": 3 }}}\n"
		    "{\"type\": \"map\", \"data\": {\"@t\": [5,\"ab\"]}}\n");
}

UNIT_MAIN("output_records", UNIT_TEST(test_print_struct),
	  UNIT_TEST(test_print_div),
	  UNIT_TEST(test_nested), UNIT_TEST(test_key_ints),
	  UNIT_TEST(test_bits_and_anonymous))
