/* Output module, -f json: the NDJSON records of bpftrace 0.17 for maps,
 * histograms, stats, print() values and printf, against
 * tests/data/output/json*.txt. */
#include "test_output_util.h"

static void print_val(struct tout *o, struct type *t, const void *p)
{
	struct et_arg arg = { .type = type_to_et(ta, t), .offset = 8,
			       .size = t->size };
	struct et_action a = { .kind = ACT_PRINT_VALUE, .args = &arg,
			       .nargs = 1 };
	uint8_t rec[128] = { 0 };

	memcpy(rec + 8, p, t->size);
	CU_ASSERT_EQUAL(output__record(o->o, &a, rec, 8 + t->size), 0);
}

static uint8_t *k_is(struct type *tt, int64_t i, const char *s)
{
	uint8_t *k = arena_calloc(ta, tt->size, 1);

	memcpy(k + tt->fields[0].offset, &i, 8);
	memcpy(k + tt->fields[1].offset, s, strlen(s));
	return k;
}

static void json1_maps(struct tmap **a)
{
	struct type *tk = t_tuple2(type_s64(), t_str(8));
	struct type *tt = t_tuple2(type_s64(), t_str(2));
	struct tmap *h, *hk, *l, *s, *v, *mn, *t, *str, *e, *sk, *x, *st;
	struct tmap *vk, *tm;
	uint8_t tb[16] = { 1, 0, 0, 0, 0, 0, 0, 0, 'b' };

	*a = t_map("@a", type_s64(), t_agg(T_COUNT));
	h = t_map("@h", NULL, t_agg(T_HIST));
	l = t_map("@l", NULL, t_lhist(0, 10, 2));
	s = t_map("@s", NULL, t_agg(T_STATS));
	v = t_map("@v", NULL, t_agg(T_AVG));
	mn = t_map("@mn", NULL, t_agg(T_MIN));
	t = t_map("@t", tk, type_s64());
	str = t_map("@str", NULL, t_str(16));
	tm = t_map("@tt", NULL, tt);
	hk = t_map("@hk", tk, t_agg(T_HIST));
	sk = t_map("@sk", t_str(8), t_agg(T_STATS));
	e = t_map("@e", type_s64(), type_s64());
	x = t_map("@x", type_s64(), type_s64());
	st = t_map("@st", t_str(8), t_str(8));
	vk = t_map("@vk", type_s64(), t_agg(T_AVG));
	t_add_int(*a, t_ikey(1), 1);
	t_add_int(*a, t_ikey(2), 2);
	t_add_bucket(h, NULL, 4, 1);
	t_add_bucket(h, NULL, 11, 1);
	t_add_bucket(l, NULL, 2, 1);
	t_add_stats(s, NULL, 5, 1);
	t_add_stats(v, NULL, 4, 1);
	t_add_minmax(mn, NULL, 3);
	t_add_int(t, k_is(tk, 1, "x"), 7);
	t_add_bytes(str, NULL, "abc", 4);
	t_add_bytes(tm, NULL, tb, tt->size);
	t_add_bucket(hk, k_is(tk, 2, "b"), 1, 2);
	t_add_bucket(hk, k_is(tk, 1, "a"), 3, 1);
	t_add_stats(sk, t_skey("x", 8), 3, 1);
	t_add_int(x, t_ikey(-1), 5);
	t_add_int(x, t_ikey(3), -2);
	t_add_bytes(st, t_skey("a\"b", 8), "q\"\\\x01z", 6);
	t_add_stats(vk, t_ikey(1), 5, 1);
	t_add_stats(vk, t_ikey(2), 1, 1);
	(void)e;
}

static void test_json1(void)
{
	struct tmap *a;
	struct tout o;
	struct trec r;
	struct type *tp;
	uint8_t tb[16] = { 1, 0, 0, 0, 0, 0, 0, 0, 'x' };
	int64_t five = 5;
	char sq[8] = "s\"q";

	t_reset();
	json1_maps(&a);
	tp = t_tuple2(type_s64(), t_str(2));
	t_open(&o, OUT_JSON);
	output__attached(o.o, 1);
	r_init(&r, ACT_PRINTF, "a\"b\\c\t%d\n");
	r_int(&r, 8, true, 5);
	r_emit(&o, &r);
	print_val(&o, type_s64(), &five);
	print_val(&o, tp, tb);
	print_val(&o, t_str(8), sq);
	output__print_map(o.o, &a->m, 0, 0);
	output__print_map(o.o, &a->m, 1, 2);
	output__print_all_maps(o.o);
	t_check(&o, "json1");
}

static void test_json2(void)
{
	struct tmap *h, *l;
	struct tout o;

	t_reset();
	l = t_map("@l", NULL, t_lhist(0, 100, 10));
	h = t_map("@h", NULL, t_agg(T_HIST));
	t_add_bucket(l, NULL, 0, 1);
	t_add_bucket(l, NULL, 11, 1);
	t_add_bucket(h, NULL, 0, 1);
	t_add_bucket(h, NULL, 1, 1);
	t_add_bucket(h, NULL, 2, 1);
	t_add_bucket(h, NULL, 12, 1);
	t_open(&o, OUT_JSON);
	output__attached(o.o, 1);
	output__print_all_maps(o.o);
	t_check(&o, "json2");
}

/* join(): hdr, u64 n, then ET_JOIN_MAX strings (program.h) */
static void emit_join(struct tout *o, const char *delim, uint64_t n)
{
	static uint8_t rec[16 + ET_JOIN_MAX * ET_JOIN_ARG_SIZE];
	struct et_action a = { .kind = ACT_JOIN, .fmt_str = delim };

	memset(rec, 0, sizeof(rec));
	memcpy(rec + 8, &n, 8);
	strcpy((char *)rec + 16, "ls");
	strcpy((char *)rec + 16 + ET_JOIN_ARG_SIZE, "-l");
	strcpy((char *)rec + 16 + 3 * ET_JOIN_ARG_SIZE, "after-empty");
	CU_ASSERT_EQUAL(output__record(o->o, &a, rec, sizeof(rec)), 0);
}

/* time, join, lost events and attach messages in both formats */
static void test_messages(void)
{
	struct tout o;
	struct trec r;

	t_reset();
	t_open(&o, OUT_JSON);
	r_init(&r, ACT_TIME, "x\n");
	r_emit(&o, &r);
	emit_join(&o, ",", 4);
	output__lost(o.o, 7);
	output__attached(o.o, 2);
	output__message(o.o, "syscall", "hi\n", 3);
	output__message(o.o, "cat", "\b\f\x7f\xc3\xa9", 5);
	t_check_str(&o, "{\"type\": \"time\", \"data\": \"x\\n\"}\n"
		    "{\"type\": \"join\", \"data\": \"ls,-l\"}\n"
		    "{\"type\": \"lost_events\", \"data\": {\"events\": 7}}\n"
		    "{\"type\": \"attached_probes\", \"data\": "
		    "{\"probes\": 2}}\n"
		    "{\"type\": \"syscall\", \"data\": \"hi\\n\"}\n"
		    "{\"type\": \"cat\", \"data\": "
		    "\"\\u0008\\u000c\x7f\xc3\xa9\"}\n");
	t_open(&o, OUT_TEXT);
	r_init(&r, ACT_TIME, "x\n");
	r_emit(&o, &r);
	emit_join(&o, " ", 1);
	emit_join(&o, " ", 2);
	output__lost(o.o, 7);
	output__attached(o.o, 2);
	output__message(o.o, "syscall", "hi\n", 3);
	t_check_str(&o, "x\nls\nls -l\nLost 7 events\n"
		    "Attaching 2 probes...\nhi\n");
}

UNIT_MAIN("output_json",
	  UNIT_TEST(test_json1),
	  UNIT_TEST(test_json2),
	  UNIT_TEST(test_messages))
