/* Output module, printf and symbols: printf records formatted with C
 * semantics as bpftrace 0.17 does (tests/data/output/printf.txt), buf
 * escapes, kernel symbols and stacks from a kallsyms fixture, usernames
 * from a passwd fixture. */
#include "test_output_util.h"

#include <time.h>
#include <unistd.h>

static void pf_ints(struct tout *o, const char *fmt, int n, int bytes,
		    bool sign, const int64_t *v)
{
	struct trec r;

	r_init(&r, ACT_PRINTF, fmt);
	for (int i = 0; i < n; i++)
		r_int(&r, bytes, sign, v[i]);
	r_emit(o, &r);
}

/* buf(): {u64 length, bytes} in 8 + type->size bytes (program.h); the
 * bytes past the length are garbage that must not print */
static void pf_buf(struct trec *r, const char *bytes, uint8_t len)
{
	uint8_t v[8 + 64];
	uint64_t n = len;

	memset(v, 'Z', sizeof(v));
	memcpy(v, &n, 8);
	memcpy(v + 8, bytes, len);
	r_arg(r, type_buf(ta, len + 2), v, 8 + len + 2);
}

static void printf_part1(struct tout *o)
{
	static const int64_t m5[5] = { -5, -5, -5, -5, -5 };
	static const int64_t i42[6] = { 42, 42, 42, 7, 7, 7 };
	static const int64_t m1[12] = { -1, -1, -1, -1, -1, -1, -1, -1, -1,
					-1, -1, -1 };
	static const int64_t big[2] = { 5000000000LL, -5000000000LL };
	static const int64_t m1_3[3] = { -1, -1, -1 };
	struct trec r;

	r_init(&r, ACT_PRINTF, "%d|%u|%x|%X|%o|%c|%s|%p\n");
	for (int i = 0; i < 5; i++)
		r_int(&r, 8, true, m5[i]);
	r_int(&r, 8, true, 65);
	r_str(&r, "str", 4);
	r_int(&r, 8, true, 4096);
	r_emit(o, &r);
	pf_ints(o, "%5d|%-5d|%05d|%.3d|%8.3d|%-8.3d|\n", 6, 8, true, i42);
	pf_ints(o, "%ld|%lu|%lx|%lld|%llu|%hhd|%hd|%hhu|%hu|%jd|%zd|%td\n",
		12, 8, true, m1);
	r_init(&r, ACT_PRINTF, "%s|%10s|%-10s|%.2s|%10.2s|\n");
	for (int i = 0; i < 5; i++)
		r_str(&r, "hello", 6);
	r_emit(o, &r);
	pf_ints(o, "%d %d\n", 2, 8, true, big);
	pf_ints(o, "%x %u %d\n", 3, 4, true, m1_3);
}

static void printf_part2(struct tout *o)
{
	static const int64_t chars[3] = { 104, 105, 10 };
	static const int64_t ptrs[2] = { 0, -1 };
	struct trec r;

	r_init(&r, ACT_PRINTF, "%d %u %x\n");
	r_int(&r, 1, false, 255);
	r_int(&r, 1, true, -1);
	r_int(&r, 2, true, -2);
	r_emit(o, &r);
	r_init(&r, ACT_PRINTF, "%ld %ld %lx %lu\n");
	r_int(&r, 4, true, -1);
	r_int(&r, 1, true, -1);
	r_int(&r, 2, true, -1);
	r_int(&r, 8, true, -1);
	r_emit(o, &r);
	pf_ints(o, "%c%c%c\n", 3, 8, true, chars);
	pf_ints(o, "%p %p\n", 2, 8, true, ptrs);
	r_init(&r, ACT_PRINTF, "%d|%lx|%hhx|%05x|%-6o|\n");
	r_int(&r, 4, false, 4294967295LL);
	r_int(&r, 8, true, 255);
	r_int(&r, 8, true, 511);
	r_int(&r, 8, true, 255);
	r_int(&r, 8, true, 8);
	r_emit(o, &r);
	r_init(&r, ACT_PRINTF, "%r|%rx|%rh\n");
	pf_buf(&r, "ab\x01\xff", 4);
	pf_buf(&r, "ab\x01", 3);
	pf_buf(&r, "ab", 2);
	r_emit(o, &r);
	r_init(&r, ACT_PRINTF, "%s|%s|\n");
	r_str(&r, "0123456789abcdef", 16);
	r_str(&r, "", 16);
	r_emit(o, &r);
}

static void test_printf(void)
{
	struct tout o;

	t_reset();
	t_open(&o, OUT_TEXT);
	output__attached(o.o, 1);
	printf_part1(&o);
	printf_part2(&o);
	output__print_all_maps(o.o);
	t_check(&o, "printf");
}

/* The integer and string specifiers printf_exec writes itself, without
 * fprintf (flags '-' and '0', widths, lengths; %s padded): each is what
 * snprintf prints of the value C's conversion to the length's type
 * gives, over a grid of flags, widths, lengths and values. */
static void test_printf_fast(void)
{
	static const char *const flags[] = { "", "-", "0", "-0", "0-" };
	static const char *const widths[] = { "", "1", "3", "12", "45" };
	static const char *const lens[] = { "", "hh", "h", "l", "ll", "z" };
	static const char convs[] = "diuxX";
	static const int64_t vals[] = {
		0, 1, -1, 42, -42, 127, 128, 255, 256, -129, 32767, -32769,
		65535, INT32_MAX, INT32_MIN, UINT32_MAX, 5000000000LL,
		-5000000000LL, INT64_MAX, INT64_MIN,
	};
	struct tout o;
	char fmt[32], want[128];
	struct trec r;

	t_reset();
	t_open(&o, OUT_TEXT);
	for (size_t f = 0; f < sizeof(flags) / sizeof(*flags); f++)
	for (size_t w = 0; w < sizeof(widths) / sizeof(*widths); w++)
	for (size_t l = 0; l < sizeof(lens) / sizeof(*lens); l++)
	for (size_t c = 0; convs[c]; c++)
	for (size_t v = 0; v < sizeof(vals) / sizeof(*vals); v++) {
		char *got = NULL;
		size_t len = 0;
		bool ll = lens[l][0] == 'l' || lens[l][0] == 'z';

		snprintf(fmt, sizeof(fmt), "%%%s%s%s%c", flags[f], widths[w],
			 lens[l], convs[c]);
		r_init(&r, ACT_PRINTF, fmt);
		r_int(&r, 8, true, vals[v]);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		if (ll)
			snprintf(want, sizeof(want), fmt, (long long)vals[v]);
		else
			snprintf(want, sizeof(want), fmt,
				 (int)(uint32_t)vals[v]);
#pragma GCC diagnostic pop
		CU_ASSERT_EQUAL_FATAL(printf_exec(o.o, &r.a, r.buf, r.off,
						  &got, &len), 0);
		if (strcmp(got, want))
			fprintf(stderr, "%s of %lld: '%s', not '%s'\n", fmt,
				(long long)vals[v], got, want);
		CU_ASSERT_STRING_EQUAL(got, want);
		free(got);
	}
	for (size_t f = 0; f < 2; f++)
	for (size_t w = 0; w < sizeof(widths) / sizeof(*widths); w++) {
		char *got = NULL;
		size_t len = 0;

		snprintf(fmt, sizeof(fmt), "%%%s%ss", flags[f], widths[w]);
		r_init(&r, ACT_PRINTF, fmt);
		r_str(&r, "hello", 6);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(want, sizeof(want), fmt, "hello");
#pragma GCC diagnostic pop
		CU_ASSERT_EQUAL_FATAL(printf_exec(o.o, &r.a, r.buf, r.off,
						  &got, &len), 0);
		CU_ASSERT_STRING_EQUAL(got, want);
		free(got);
	}
	output__free(o.o);
	fclose(o.f);
	free(o.buf);
}

/* A stack map as the fixture: id 7 holds four frames. */
static int stack_fn(void *ctx, const struct et_type *t, uint64_t id,
		    uint64_t *ips, int max)
{
	static const uint64_t frames[] = {
		0xffffffff81002010ULL, 0xffffffff81002150ULL,
		0xffffffffc0001010ULL, 0xffffffff80000000ULL,
	};
	int n = 0;

	if (id != 7)
		return -ENOENT;
	for (; n < 4 && n < max; n++)
		ips[n] = frames[n];
	return n;
}

#define FRAMES(ind) \
	"\n" ind "__x64_sys_bpf+16\n" ind "__x64_sys_bpf+336\n" \
	ind "helper_fn+16\n" ind "0xffffffff80000000\n"
#define IND8 "        "
#define IND4 "    "

static void test_symbols(void)
{
	struct type *ks, *ksym;
	struct type *user;
	struct tmap *s, *k, *y, *u;
	uint64_t id = 7, addr = 0xffffffff81003005ULL, zero = 0;
	struct tout o;
	struct trec r;

	t_reset();
	ks = type_stack(ta, true, STACK_BPFTRACE, 127);
	ksym = type_simple(ta, T_KSYM, 8);
	user = type_simple(ta, T_USERNAME, 8);
	s = t_map("@s", NULL, ks);
	k = t_map("@k", ks, t_agg(T_COUNT));
	y = t_map("@y", type_s64(), ksym);
	u = t_map("@u", NULL, user);
	t_add_bytes(s, NULL, &id, 8);
	t_add_int(k, (uint8_t *)&id, 3);
	t_add_bytes(y, t_ikey(1), &addr, 8);
	t_add_bytes(y, t_ikey(2), &zero, 8);
	id = 1000;
	t_add_bytes(u, NULL, &id, 8);
	id = 7;
	t_open(&o, OUT_TEXT);
	output__set_stacks(o.o, stack_fn, NULL);
	r_init(&r, ACT_PRINTF, "%s|%s|%s\n");
	r_arg(&r, ks, &id, 8);
	r_arg(&r, ksym, &addr, 8);
	r_arg(&r, user, &zero, 8);
	r_emit(&o, &r);
	output__print_all_maps(o.o);
	t_check_str(&o, FRAMES(IND8) "|do_syscall_64|root\n\n\n"
		    "@k[" FRAMES(IND4) "]: 3\n"
		    "@s: " FRAMES(IND8) "\n"
		    "@u: alice\n"
		    "@y[1]: do_syscall_64\n@y[2]: 0\n");
	t_open(&o, OUT_JSON);
	output__set_stacks(o.o, stack_fn, NULL);
	output__print_map(o.o, &k->m, 0, 0);
	output__print_map(o.o, &s->m, 0, 0);
	t_check_str(&o, "{\"type\": \"map\", \"data\": {\"@k\": {\"\\n"
		    IND4 "__x64_sys_bpf+16\\n" IND4 "__x64_sys_bpf+336\\n"
		    IND4 "helper_fn+16\\n" IND4 "0xffffffff80000000\\n\": "
		    "3}}}\n"
		    "{\"type\": \"map\", \"data\": {\"@s\": \"\\n"
		    IND8 "__x64_sys_bpf+16\\n" IND8 "__x64_sys_bpf+336\\n"
		    IND8 "helper_fn+16\\n" IND8 "0xffffffff80000000\\n\"}}\n");
}

static void test_ksyms_parse(void)
{
	static const char text[] =
		"ffffffff81000000 T a\n0000000000000000 T zero\n"
		"ffffffff81000100 d data\nffffffff81000200 t b [mod]\n"
		"garbage line\n";
	struct kallsyms *k = ksyms__parse(text, sizeof(text) - 1);
	uint64_t off = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(ksyms__count(k), 2);
	CU_ASSERT_STRING_EQUAL(ksyms__resolve(k, 0xffffffff81000150, &off),
			       "a");
	CU_ASSERT_EQUAL(off, 0x150);
	CU_ASSERT_STRING_EQUAL(ksyms__resolve(k, 0xffffffff81000200, &off),
			       "b");
	CU_ASSERT_EQUAL(off, 0);
	CU_ASSERT_PTR_NULL(ksyms__resolve(k, 0xffffffff80000000, &off));
	ksyms__free(k);
	errno = 0;
	CU_ASSERT_PTR_NULL(ksyms__parse("0000000000000000 T x\n", 21));
	CU_ASSERT_EQUAL(errno, ENODATA);
	CU_ASSERT_PTR_NULL(ksyms__load("/nonexistent/kallsyms"));
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

/* values user space finishes: ntop, macaddr, strerror, strftime */
static void test_values(void)
{
	uint8_t inet4[24] = { 2, 0, 0, 0, 0, 0, 0, 0, 127, 0, 0, 1 };
	uint8_t inet6[24] = { 10 };
	uint8_t mac[6] = { 0x00, 0x1b, 0xa0, 0xff, 0x0a, 0x5 };
	uint64_t err = ENOENT, ts[2] = { 0, 0 };
	struct et_action acts[1] = {
		{ .kind = ACT_STRFTIME, .fmt_str = "%Y" },
	};
	struct tout o;
	char want[256], year[16];
	int64_t sec, nsec;
	time_t t;
	struct tm tm;

	t_reset();
	inet6[8 + 15] = 1;
	tprog.actions = acts;
	tprog.nactions = 1;
	t_open(&o, OUT_TEXT);
	print_val(&o, type_simple(ta, T_INET, 24), inet4);
	print_val(&o, type_simple(ta, T_INET, 24), inet6);
	print_val(&o, type_simple(ta, T_MACADDR, 6), mac);
	print_val(&o, type_simple(ta, T_STRERROR, 8), &err);
	print_val(&o, type_simple(ta, T_TIMESTAMP, 16), ts);
	CU_ASSERT_EQUAL(output_read_boottime(&sec, &nsec), 0);
	t = (time_t)sec;
	CU_ASSERT(t > 0);
	localtime_r(&t, &tm);
	strftime(year, sizeof(year), "%Y", &tm);
	snprintf(want, sizeof(want),
		 "127.0.0.1\n::1\n00:1B:A0:FF:0A:05\n%s\n%s\n",
		 strerror(ENOENT), year);
	t_check_str(&o, want);
}

static uint64_t user_frames[2];

static int ustack_fn(void *ctx, const struct et_type *t, uint64_t id,
		     uint64_t *ips, int max)
{
	CU_ASSERT_EQUAL(id >> 32, (uint64_t)getpid());
	ips[0] = user_frames[0];
	ips[1] = user_frames[1];
	return 2;
}

/* ustack frames of this very process, through /proc/self/maps and the
 * test binary's symbols; unknown addresses print in hex */
static void test_usyms(void)
{
	struct type *us, *usp;
	uint64_t id = (uint64_t)getpid() << 32 | 7;
	char want[1024], buf[256], path[512] = "";
	const char *module = NULL;
	struct usyms *u = usyms__new();
	struct tout o;
	struct trec r;

	CU_ASSERT_EQUAL(usyms__resolve(u, getpid(),
				       (uintptr_t)test_ksyms_parse + 2, true,
				       buf, sizeof(buf), &module), 0);
	CU_ASSERT_STRING_EQUAL(buf, "test_ksyms_parse+2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(module);
	snprintf(path, sizeof(path), "%s", module);
	CU_ASSERT_EQUAL(usyms__resolve(u, getpid(), 0x10, true, buf,
				       sizeof(buf), &module), -ENOENT);
	CU_ASSERT_STRING_EQUAL(buf, "0x10");
	usyms__free(u);
	t_reset();
	us = type_stack(ta, false, STACK_BPFTRACE, 2);
	usp = type_stack(ta, false, STACK_PERF, 2);
	user_frames[0] = (uintptr_t)test_ksyms_parse;
	user_frames[1] = 0x10;
	t_open(&o, OUT_TEXT);
	output__set_stacks(o.o, ustack_fn, NULL);
	r_init(&r, ACT_PRINTF, "%s%s");
	r_arg(&r, us, &id, 8);
	r_arg(&r, usp, &id, 8);
	r_emit(&o, &r);
	snprintf(want, sizeof(want), "\n        test_ksyms_parse+0\n"
		 "        0x10\n\n\t%lx test_ksyms_parse+0 (%s)\n"
		 "\t10 0x10 ([unknown])\n", (unsigned long)user_frames[0],
		 path);
	t_check_str(&o, want);
}

/* Records cut short or full of garbage print what they can, or fail with
 * -EINVAL, and never read out of bounds (ASan). */
static void test_bad_records(void)
{
	struct et_action pm = { .kind = ACT_PRINT_MAP, .map_id = 5 };
	struct et_action join = { .kind = ACT_JOIN };
	struct tout o;
	struct trec r;
	uint8_t junk[64] = { 0 }; /* overwritten with rand() below */

	t_reset();
	t_open(&o, OUT_TEXT);
	srand(7);
	for (int i = 0; i < 200; i++) {
		r_init(&r, ACT_PRINTF, "%s|%d|%lx|%-5s|%c|%rx\n");
		r_str(&r, "abc", 8);
		r_int(&r, 4, true, 1);
		r_int(&r, 8, false, 2);
		r_arg(&r, type_stack(ta, true, STACK_PERF, 3), junk, 8);
		r_int(&r, 1, false, 3);
		r_arg(&r, type_buf(ta, 4), junk, 12);
		for (uint32_t b = 8; b < r.off; b++)
			r.buf[b] = rand();
		CU_ASSERT_EQUAL(output__record(o.o, &r.a, r.buf,
					       rand() % (r.off + 1)), 0);
	}
	CU_ASSERT_EQUAL(output__record(o.o, &pm, junk, sizeof(junk)),
			-EINVAL);
	CU_ASSERT_EQUAL(output__record(o.o, &join, junk, 8), -EINVAL);
	fclose(o.f);
	output__free(o.o);
	CU_ASSERT(o.len > 200);
	free(o.buf);
}

UNIT_MAIN("output_printf",
	  UNIT_TEST(test_bad_records),
	  UNIT_TEST(test_usyms),
	  UNIT_TEST(test_values),
	  UNIT_TEST(test_printf),
	  UNIT_TEST(test_printf_fast),
	  UNIT_TEST(test_symbols),
	  UNIT_TEST(test_ksyms_parse))
