/* Output module, text map dumps: map contents built by hand (as the BPF
 * side would leave them, per-CPU values split over two CPUs) must print
 * exactly what bpftrace 0.17 printed for the same program
 * (tests/data/output/NAME.bt -> NAME.txt). */
#include "test_output_util.h"

static uint8_t *k_is(struct type *tt, int64_t i, const char *s)
{
	uint8_t *k = arena_calloc(ta, tt->size, 1);

	memcpy(k + tt->fields[0].offset, &i, 8);
	memcpy(k + tt->fields[1].offset, s, strlen(s));
	return k;
}

static uint8_t *k_si(struct type *tt, const char *s, int64_t i)
{
	uint8_t *k = arena_calloc(ta, tt->size, 1);

	memcpy(k + tt->fields[0].offset, s, strlen(s));
	memcpy(k + tt->fields[1].offset, &i, 8);
	return k;
}

static void test_basic(void)
{
	struct tmap *a, *h, *l, *s, *v, *mn, *t, *str;
	struct type *tk;
	struct tout o;

	t_reset();
	a = t_map("@a", type_s64(), t_agg(T_COUNT));
	h = t_map("@h", NULL, t_agg(T_HIST));
	l = t_map("@l", NULL, t_lhist(0, 10, 2));
	s = t_map("@s", NULL, t_agg(T_STATS));
	v = t_map("@v", NULL, t_agg(T_AVG));
	mn = t_map("@mn", NULL, t_agg(T_MIN));
	tk = t_tuple2(type_s64(), t_str(8));
	t = t_map("@t", tk, type_s64());
	str = t_map("@str", NULL, t_str(16));
	t_add_int(a, t_ikey(2), 2);
	t_add_int(a, t_ikey(1), 1);
	t_add_bucket(h, NULL, 4, 1);
	t_add_bucket(h, NULL, 11, 1);
	t_add_bucket(l, NULL, 2, 1);
	t_add_stats(s, NULL, 5, 1);
	t_add_stats(v, NULL, 4, 1);
	t_add_minmax(mn, NULL, 3);
	t_add_int(t, k_is(tk, 1, "x"), 7);
	t_add_bytes(str, NULL, "abc", 4);
	t_open(&o, OUT_TEXT);
	output__attached(o.o, 1);
	CU_ASSERT_EQUAL(output__print_all_maps(o.o), 0);
	t_check(&o, "basic");
}

static void test_hist0(void)
{
	struct tmap *h;
	struct tout o;

	t_reset();
	h = t_map("@h", NULL, t_agg(T_HIST));
	t_add_bucket(h, NULL, 3, 2);
	t_add_bucket(h, NULL, 0, 1);
	t_add_bucket(h, NULL, 4, 1);
	t_add_bucket(h, NULL, 1, 1);
	t_add_bucket(h, NULL, 2, 1);
	t_open(&o, OUT_TEXT);
	output__attached(o.o, 1);
	output__print_all_maps(o.o);
	t_check(&o, "hist0");
}

static void test_histbig(void)
{
	struct tmap *h;
	struct tout o;

	t_reset();
	h = t_map("@h", NULL, t_agg(T_HIST));
	t_add_bucket(h, NULL, 12, 1);
	t_add_bucket(h, NULL, 22, 1);
	t_add_bucket(h, NULL, 33, 3);
	t_open(&o, OUT_TEXT);
	output__attached(o.o, 1);
	output__print_all_maps(o.o);
	t_check(&o, "histbig");
}

static void test_lhist(void)
{
	struct tmap *l, *k, *m, *n;
	struct tout o;

	t_reset();
	l = t_map("@l", NULL, t_lhist(0, 100, 10));
	k = t_map("@k", type_s64(), t_lhist(0, 10000, 1000));
	m = t_map("@m", NULL, t_lhist(0, 1048576, 2048));
	n = t_map("@n", NULL, t_lhist(1024, 4096, 1024));
	t_add_bucket(l, NULL, 0, 1);
	t_add_bucket(l, NULL, 6, 1);
	t_add_bucket(l, NULL, 10, 1);
	t_add_bucket(l, NULL, 11, 2);
	t_add_bucket(k, t_ikey(2), 3, 2);
	t_add_bucket(k, t_ikey(1), 1, 1);
	t_add_bucket(m, NULL, 2, 1);
	t_add_bucket(m, NULL, 513, 1);
	t_add_bucket(n, NULL, 0, 1);
	t_add_bucket(n, NULL, 4, 1);
	t_open(&o, OUT_TEXT);
	output__attached(o.o, 1);
	output__print_all_maps(o.o);
	t_check(&o, "lhist");
}

static void test_sorting(void)
{
	struct tmap *a, *b, *c, *d, *k, *t, *u;
	struct type *tk = t_tuple2(t_str(8), type_s64()), *e3[3], *tt, *tu;
	struct type *ti;
	uint8_t buf[64] = { 0 };
	int64_t x;
	struct tout o;

	t_reset();
	tk = t_tuple2(t_str(8), type_s64());
	e3[0] = type_s64();
	e3[1] = t_str(8);
	e3[2] = type_s64();
	tt = type_tuple(ta, e3, 3);
	ti = t_tuple2(type_s64(), t_str(4));
	tu = t_tuple2(type_s64(), ti);
	a = t_map("@a", t_str(16), type_s64());
	b = t_map("@b", t_str(16), t_str(8));
	c = t_map("@c", type_s64(), t_str(8));
	d = t_map("@d", type_s64(), type_s64());
	k = t_map("@k", tk, type_s64());
	t = t_map("@t", NULL, tt);
	u = t_map("@u", t_tuple2(type_s64(), type_s64()), tu);
	t_add_int(a, t_skey("zeta", 16), 5);
	t_add_int(a, t_skey("alpha", 16), 4);
	t_add_int(a, t_skey("mid", 16), 1);
	t_add_bytes(b, t_skey("x", 16), "foo", 4);
	t_add_bytes(b, t_skey("a", 16), "bar", 4);
	t_add_bytes(c, t_ikey(-5), "n", 2);
	t_add_bytes(c, t_ikey(3), "p", 2);
	t_add_bytes(c, t_ikey(-1), "m", 2);
	t_add_int(d, t_ikey(-3), 1);
	t_add_int(d, t_ikey(5), -7);
	t_add_int(d, t_ikey(1), 100);
	t_add_int(k, k_si(tk, "a", 2), 1);
	t_add_int(k, k_si(tk, "b", 1), 3);
	t_add_int(k, k_si(tk, "a", 1), 2);
	x = 1;
	memcpy(buf + tt->fields[0].offset, &x, 8);
	memcpy(buf + tt->fields[1].offset, "abc", 3);
	x = -2;
	memcpy(buf + tt->fields[2].offset, &x, 8);
	t_add_bytes(t, NULL, buf, tt->size);
	memset(buf, 0, sizeof(buf));
	x = 3;
	memcpy(buf, &x, 8);
	x = 4;
	memcpy(buf + tu->fields[1].offset, &x, 8);
	memcpy(buf + tu->fields[1].offset + ti->fields[1].offset, "x", 1);
	t_add_bytes(u, t_tkey(u->info.key, t_ikey(1), t_ikey(2)), buf,
		    tu->size);
	t_open(&o, OUT_TEXT);
	output__attached(o.o, 1);
	output__print_all_maps(o.o);
	t_check(&o, "sorting");
}

static void test_aggs(void)
{
	struct tmap *mn, *mx, *n, *s, *sum, *v;
	struct tout o;

	t_reset();
	s = t_map("@s", type_s64(), t_agg(T_STATS));
	v = t_map("@v", type_s64(), t_agg(T_AVG));
	n = t_map("@n", NULL, t_agg(T_AVG));
	mn = t_map("@mn", type_s64(), t_agg(T_MIN));
	mx = t_map("@mx", type_s64(), t_agg(T_MAX));
	sum = t_map("@sum", type_s64(), t_agg(T_SUM));
	t_add_stats(s, t_ikey(1), 7, 2);
	t_add_stats(s, t_ikey(2), 100, 1);
	t_add_stats(v, t_ikey(2), 15, 2);
	t_add_stats(v, t_ikey(1), 7, 2);
	t_add_stats(n, NULL, -5, 2);
	t_add_minmax(mn, t_ikey(1), -3);
	t_add_minmax(mn, t_ikey(2), 100);
	t_add_minmax(mx, t_ikey(3), 5000000000LL);
	t_add_minmax(mx, t_ikey(1), 10);
	t_add_int(sum, t_ikey(2), 7);
	t_add_int(sum, t_ikey(1), -5);
	t_open(&o, OUT_TEXT);
	output__attached(o.o, 1);
	output__print_all_maps(o.o);
	t_check(&o, "aggs");
}

static void emit_printf(struct tout *o, const char *fmt)
{
	struct trec r;

	r_init(&r, ACT_PRINTF, fmt);
	r_emit(o, &r);
}

static void test_empty(void)
{
	struct tmap *a, *b, *c, *d, *e, *z, *zh, *zs;
	struct tout o;

	t_reset();
	a = t_map("@a", type_s64(), type_s64());
	b = t_map("@b", type_s64(), t_agg(T_HIST));
	c = t_map("@c", type_s64(), t_agg(T_STATS));
	d = t_map("@d", type_s64(), t_agg(T_COUNT));
	e = t_map("@e", type_s64(), t_agg(T_AVG));
	z = t_map("@z", type_s64(), t_agg(T_COUNT));
	zh = t_map("@zh", NULL, t_agg(T_HIST));
	zs = t_map("@zs", type_s64(), t_agg(T_STATS));
	t_add_int(z, t_ikey(1), 0);
	t_add_bucket(zh, NULL, 3, 0);
	t_add_stats(zs, t_ikey(1), 0, 0);
	t_open(&o, OUT_TEXT);
	output__attached(o.o, 1);
	emit_printf(&o, "--\n");
	output__print_map(o.o, &a->m, 0, 0);
	output__print_map(o.o, &b->m, 0, 0);
	output__print_map(o.o, &c->m, 0, 0);
	output__print_map(o.o, &e->m, 0, 0);
	emit_printf(&o, "--\n");
	(void)d;
	output__print_all_maps(o.o);
	t_check(&o, "empty");
}

static void print_rec(struct tout *o, struct tmap *m, uint64_t top,
		      uint64_t div)
{
	struct et_action a = { .kind = ACT_PRINT_MAP, .map_id = m->m.id };
	struct et_rec_print_map r = { .top = top, .div = div };

	CU_ASSERT_EQUAL(output__record(o->o, &a, &r, sizeof(r)), 0);
}

static void print_val(struct tout *o, struct type *t, const void *p)
{
	struct et_arg arg = { .type = type_to_et(ta, t), .offset = 8,
			       .size = t->size };
	struct et_action a = { .kind = ACT_PRINT_VALUE, .args = &arg,
			       .nargs = 1 };
	uint8_t rec[64] = { 0 };

	memcpy(rec + 8, p, t->size);
	CU_ASSERT_EQUAL(output__record(o->o, &a, rec, 8 + t->size), 0);
}

static void test_print(void)
{
	struct tmap *a, *h, *v;
	struct type *tp = t_tuple2(type_s64(), t_str(2));
	uint8_t tb[16] = { 1, 0, 0, 0, 0, 0, 0, 0, 'a' };
	int64_t i5 = 5, im3 = -3;
	int8_t im1 = -1;
	struct tout o;

	t_reset();
	tp = t_tuple2(type_s64(), t_str(2));
	a = t_map("@a", type_s64(), type_s64());
	h = t_map("@h", type_s64(), t_agg(T_HIST));
	v = t_map("@v", NULL, t_agg(T_AVG));
	for (int i = 4; i >= 1; i--)
		t_add_int(a, t_ikey(i), i * 10);
	t_add_bucket(h, t_ikey(1), 2, 1);
	t_add_bucket(h, t_ikey(2), 8, 2);
	t_add_bucket(h, t_ikey(3), 5, 3);
	t_add_stats(v, NULL, 10, 1);
	t_open(&o, OUT_TEXT);
	output__attached(o.o, 1);
	print_rec(&o, a, 2, 0);
	print_rec(&o, a, 0, 10);
	print_rec(&o, a, 2, 3);
	print_rec(&o, a, 0, 0);
	output__print_map(o.o, &h->m, 2, 0);
	output__print_map(o.o, &h->m, 0, 2);
	print_rec(&o, v, 0, 3);
	print_val(&o, type_s64(), &i5);
	print_val(&o, t_str(4), "str");
	print_val(&o, tp, tb);
	print_val(&o, type_s64(), &im3);
	print_val(&o, type_int(1, true), &im1);
	output__print_all_maps(o.o);
	t_check(&o, "print");
}

/* print(): top and div apply to avg() but not to stats() */
static void test_print_stats(void)
{
	struct tmap *v, *s;
	struct tout o;

	t_reset();
	v = t_map("@v", type_s64(), t_agg(T_AVG));
	s = t_map("@s", type_s64(), t_agg(T_STATS));
	for (int i = 1; i <= 3; i++) {
		t_add_stats(v, t_ikey(i), 10 * i, 1);
		t_add_stats(s, t_ikey(i), 2 * i + 1, 1);
	}
	t_open(&o, OUT_TEXT);
	output__attached(o.o, 1);
	print_rec(&o, v, 2, 3);
	print_rec(&o, s, 1, 2);
	output__print_all_maps(o.o);
	t_check(&o, "printstats");
}

/* anonymous map, unsigned and full-length string keys, print() variants */
static void test_misc(void)
{
	struct tmap *an, *u, *st, *neg, *mn, *lz, *hh;
	struct type *tk;
	struct tout o;
	struct trec r;

	t_reset();
	tk = t_tuple2(type_s64(), t_str(2));
	an = t_map("@", type_s64(), t_agg(T_COUNT));
	u = t_map("@u", type_u64(), type_s64());
	st = t_map("@s", t_str(16), t_str(16));
	neg = t_map("@neg", tk, type_s64());
	mn = t_map("@mn", type_s64(), t_agg(T_MIN));
	lz = t_map("@lz", NULL, t_lhist(0, 10, 1));
	hh = t_map("@hh", NULL, t_agg(T_HIST));
	t_add_int(an, t_ikey(1), 2);
	t_add_int(an, t_ikey(2), 1);
	t_add_int(u, t_ikey(4000000000LL), 1);
	t_add_int(u, t_ikey(7), 2);
	t_add_bytes(st, t_skey("0123456789abcdef", 16), "full", 5);
	t_add_bytes(st, t_skey("x", 16), "0123456789abcdef", 16);
	t_add_int(neg, k_is(tk, -1, "a"), -100);
	t_add_int(neg, k_is(tk, -2, "b"), 100);
	t_add_minmax(mn, t_ikey(1), 7);
	t_add_minmax(mn, t_ikey(2), -9);
	t_add_bucket(lz, NULL, 6, 0);
	t_add_bucket(hh, NULL, 2, 1);
	t_open(&o, OUT_TEXT);
	output__attached(o.o, 1);
	print_rec(&o, hh, 0, 0);
	print_rec(&o, lz, 0, 0);
	print_rec(&o, mn, 1, 0);
	print_rec(&o, neg, 0, 7);
	r_init(&r, ACT_PRINTF, "%s|%d|%u\n");
	r_str(&r, "a", 2);
	r_int(&r, 8, true, -100);
	r_int(&r, 8, true, 100);
	r_emit(&o, &r);
	output__print_all_maps(o.o);
	t_check(&o, "misc");
}

/* hist and stats ties keep bpftrace's order: the key bytes */
static void test_ties(void)
{
	struct tmap *h, *s, *v;
	static const int64_t keys[3] = { 1, 256, 2 };
	static const char *const names[3] = { "b", "a", "ab" };
	struct tout o;

	t_reset();
	h = t_map("@h", type_s64(), t_agg(T_HIST));
	s = t_map("@s", type_s64(), t_agg(T_STATS));
	v = t_map("@v", t_str(4), t_agg(T_AVG));
	for (int i = 0; i < 3; i++) {
		t_add_bucket(h, t_ikey(keys[i]), 2, 1);
		t_add_stats(s, t_ikey(keys[i]), 1, 1);
		t_add_stats(v, t_skey(names[i], 4), 3, 1);
	}
	t_open(&o, OUT_TEXT);
	output__attached(o.o, 1);
	output__print_all_maps(o.o);
	t_check(&o, "ties");
}

/* Garbage in the maps (random keys, values, bucket numbers, strings
 * without NUL) prints something and never reads out of bounds (ASan). */
static void test_garbage(void)
{
	struct type *vals[8], *keys[3];
	struct tout o;

	srand(42);
	for (int round = 0; round < 20; round++) {
		t_reset();
		vals[0] = t_agg(T_COUNT);
		vals[1] = t_agg(T_HIST);
		vals[2] = t_lhist(-10, 100, 7);
		vals[3] = t_agg(T_STATS);
		vals[4] = t_agg(T_MAX);
		vals[5] = t_str(5);
		vals[6] = t_tuple2(t_str(3), type_int(2, true));
		vals[7] = type_array(ta, type_int(4, true), 3);
		keys[0] = NULL;
		keys[1] = t_str(4);
		keys[2] = t_tuple2(type_s64(), t_str(3));
		for (int v = 0; v < 8; v++) {
			struct tmap *m = t_map(arena_printf(ta, "@m%d", v),
					       keys[(v + round) % 3], vals[v]);

			for (int e = 0; e < 6; e++) {
				uint8_t *k = t_key(m, NULL, 0), *val = t_val(m);

				for (uint32_t i = 0; i < m->m.key_size; i++)
					k[i] = rand() % 4 ? rand() : 0;
				if (m->m.bucketed && rand() % 2)
					k[m->m.key_size - 8] = rand() % 70;
				for (uint32_t i = 0; i < 2 * ((m->m.value_size
						+ 7) & ~7u); i++)
					val[i] = rand();
				t_put(m, k, val);
			}
		}
		t_open(&o, round % 2 ? OUT_JSON : OUT_TEXT);
		CU_ASSERT_EQUAL(output__print_all_maps(o.o), 0);
		fclose(o.f);
		output__free(o.o);
		CU_ASSERT(o.len > 0);
		free(o.buf);
	}
}

UNIT_MAIN("output",
	  UNIT_TEST(test_garbage),
	  UNIT_TEST(test_ties),
	  UNIT_TEST(test_misc),
	  UNIT_TEST(test_print_stats),
	  UNIT_TEST(test_basic),
	  UNIT_TEST(test_hist0),
	  UNIT_TEST(test_histbig),
	  UNIT_TEST(test_lhist),
	  UNIT_TEST(test_sorting),
	  UNIT_TEST(test_aggs),
	  UNIT_TEST(test_empty),
	  UNIT_TEST(test_print))
