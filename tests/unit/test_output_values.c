/* Output module, values with a user-space layout of their own (program.h)
 * and bpftrace 0.17's printing rules for them: buf() as {u64 length,
 * bytes} in printf, print(), map keys, values and tuples; usym() as
 * {address, tgid} symbolized in that process; strftime() with "%f" and
 * the boot time; keyless count() maps that print "@: 0" when empty; the
 * "\n\n" before the maps on its own stream (-o FILE). */
#include "test_output_util.h"

#include <inttypes.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* {u64 length, bytes} with room for size bytes; garbage after len */
static uint8_t *buf_val(const char *bytes, uint64_t len, uint32_t size)
{
	uint8_t *v = arena_calloc(ta, 8 + size, 1);

	memset(v + 8, 'Z', size);
	memcpy(v, &len, 8);
	memcpy(v + 8, bytes, len < size ? len : size);
	return v;
}

static void print_rec(struct tout *o, struct type *t, const void *p,
		      uint32_t size)
{
	struct trec r;

	r_init(&r, ACT_PRINT_VALUE, NULL);
	r_arg(&r, t, p, size);
	r_emit(o, &r);
}

static void test_buf_values(void)
{
	struct type *b2, *b5, *tt, *b2t, *elems[2];
	struct tmap *m, *tm;
	uint8_t tup[32] = { 0 };
	int64_t seven = 7;
	struct tout o;
	struct trec r;

	t_reset();
	b2 = type_buf(ta, 2);
	b5 = type_buf(ta, 5);
	m = t_map("@b", b2, b5);
	m->m.key_size = 10;
	m->m.value_size = 13;
	t_put(m, buf_val("ab", 2, 2), buf_val("abc\0" "1", 5, 5));
	t_put(m, buf_val("x\n", 2, 2), buf_val("abcde", 3, 5));
	b2t = type_buf(ta, 2);
	elems[0] = b2t;
	elems[1] = type_s64();
	tt = type_tuple(ta, elems, 2);
	/* the tuple holds the whole {length, bytes} of its buf */
	CU_ASSERT_EQUAL(tt->fields[1].offset, 16);
	CU_ASSERT_EQUAL(tt->size, 24);
	tm = t_map("@t", NULL, tt);
	memcpy(tup, buf_val("ab", 2, 2), 10);
	memcpy(tup + 16, &seven, 8);
	t_add_bytes(tm, NULL, tup, 24);
	t_open(&o, OUT_TEXT);
	print_rec(&o, b5, buf_val("hi\x01", 3, 5), 13);
	r_init(&r, ACT_PRINTF, "%r|%rx|%rh|%r\n");
	r_arg(&r, b5, buf_val("ab\xff", 3, 5), 13);
	r_arg(&r, b5, buf_val("ab", 2, 5), 13);
	r_arg(&r, b5, buf_val("ab", 2, 5), 13);
	/* a length beyond the type's size prints the size */
	r_arg(&r, b2, buf_val("abcdef", 9, 2), 10);
	r_emit(&o, &r);
	output__print_all_maps(o.o);
	t_check_str(&o, "hi\\x01\nab\\xff|\\x61\\x62|61 62|ab\n\n\n"
		    "@b[ab]: abc\\x001\n@b[x\\x0a]: abc\n@t: (ab, 7)\n");
}

/* a function of this program, to find by its address */
__attribute__((noinline)) int usym_target(int x)
{
	return x * 3 + 1;
}

static void test_usym_values(void)
{
	struct type *us;
	uint64_t v[2] = { (uintptr_t)usym_target + 3, (uint64_t)getpid() };
	uint64_t gone[2] = { 0x1234, 0 }, none[2] = { 0, 0 };
	struct tmap *m;
	struct tout o;
	struct trec r;

	t_reset();
	us = type_simple(ta, T_USYM, 8);
	m = t_map("@u", us, t_agg(T_COUNT));
	m->m.key_size = 16;
	t_add_int(m, (uint8_t *)v, 5);
	t_open(&o, OUT_TEXT);
	r_init(&r, ACT_PRINTF, "%s|%s|%s|%-13s|\n");
	r_arg(&r, us, v, 16);
	r_arg(&r, us, gone, 16);
	r_arg(&r, us, none, 16);
	r_arg(&r, us, v, 16);
	r_emit(&o, &r);
	print_rec(&o, us, v, 16);
	output__print_all_maps(o.o);
	t_check_str(&o, "usym_target|0x1234|0|usym_target  |\n"
		    "usym_target\n\n\n@u[usym_target]: 5\n");
}

static void test_strftime(void)
{
	struct et_action acts[3] = {
		{ .kind = ACT_PRINTF },
		{ .id = 1, .kind = ACT_STRFTIME, .fmt_str = "%H:%M:%S.%f %Y" },
		{ .id = 2, .kind = ACT_STRFTIME, .fmt_str =
		  "%Y-%m-%d %Y-%m-%d %Y-%m-%d %Y-%m-%d %Y-%m-%d %Y-%m-%d" },
	};
	struct type *ts;
	uint64_t v1[2] = { 1, 2000 }, v2[2] = { 2, 0 }, v0[2] = { 0, 0 };
	int64_t sec = 0, nsec = -1;
	char *tz = getenv("TZ");
	struct tout o;

	/* the boot time is close to /proc/stat's btime */
	CU_ASSERT_EQUAL(output_read_boottime(&sec, &nsec), 0);
	CU_ASSERT(nsec >= 0 && nsec < 1000000000);
	CU_ASSERT(sec > 1000000000 && sec < time(NULL));
	t_reset();
	ts = type_simple(ta, T_TIMESTAMP, 16);
	tprog.actions = acts;
	tprog.nactions = 3;
	setenv("TZ", "UTC", 1);
	tzset();
	t_open(&o, OUT_TEXT);
	/* boot at 2001-09-09 01:46:40.999999 UTC, 2 us later */
	o.o->btime_read = true;
	o.o->btime = 1000000000;
	o.o->btime_nsec = 999999000;
	print_rec(&o, ts, v1, 16);
	print_rec(&o, ts, v2, 16); /* 60 chars and more: "(?)" */
	print_rec(&o, ts, v0, 16); /* not a strftime action */
	t_check_str(&o, "01:46:41.000001 2001\n(?)\n(?)\n");
	if (tz)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	tzset();
}

/* `@ = count()` is an array in bpftrace 0.17: empty, it prints "@: 0";
 * other empty maps print a blank line (text) or nothing (JSON) */
static void test_empty_count(void)
{
	struct tmap *c, *s, *k;
	struct tout o;

	t_reset();
	c = t_map("@c", NULL, t_agg(T_COUNT));
	s = t_map("@s", NULL, t_agg(T_SUM));
	k = t_map("@k", type_s64(), t_agg(T_COUNT));
	t_open(&o, OUT_TEXT);
	output__print_map(o.o, &c->m, 0, 0);
	output__print_map(o.o, &s->m, 0, 0);
	output__print_map(o.o, &k->m, 0, 0);
	t_add_int(c, NULL, 4);
	output__print_map(o.o, &c->m, 0, 0);
	t_check_str(&o, "@c: 0\n\n\n@c: 4\n");
	c->n = 0;
	t_open(&o, OUT_JSON);
	output__print_map(o.o, &c->m, 0, 0);
	output__print_map(o.o, &s->m, 0, 0);
	t_check_str(&o, "{\"type\": \"map\", \"data\": {\"@c\": 0}}\n");
}

/* -o FILE: the blank lines before the maps go elsewhere (stdout) */
static void test_separator(void)
{
	char *sep = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&sep, &len);
	struct tout o;

	t_reset();
	t_add_int(t_map("@a", NULL, type_s64()), NULL, 1);
	t_open(&o, OUT_TEXT);
	output__set_separator(o.o, f);
	output__print_all_maps(o.o);
	t_check_str(&o, "@a: 1\n");
	fclose(f);
	CU_ASSERT_STRING_EQUAL(sep, "\n\n");
	free(sep);
}

/* a forked child resolves while it lives (same executable, same
 * layout), in hex once it is gone although its maps were read */
static void test_usym_gone(void)
{
	uint64_t v[2] = { (uintptr_t)usym_target, 0 };
	char buf[256];
	int fds[2], status;
	pid_t pid;
	struct usyms *u = usyms__new();

	CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (!pid) {
		close(fds[1]);
		_exit(read(fds[0], buf, 1) < 0);
	}
	close(fds[0]);
	v[1] = pid;
	CU_ASSERT_EQUAL(usyms__resolve(u, pid, v[0], false, buf, sizeof(buf),
				       NULL), 0);
	CU_ASSERT_STRING_EQUAL(buf, "usym_target");
	close(fds[1]);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT_EQUAL(usyms__resolve(u, pid, v[0], false, buf, sizeof(buf),
				       NULL), -ENOENT);
	snprintf(buf + 128, 64, "0x%" PRIx64, v[0]);
	CU_ASSERT_STRING_EQUAL(buf, buf + 128);
	usyms__free(u);
}

UNIT_MAIN("output_values",
	  UNIT_TEST(test_usym_gone),
	  UNIT_TEST(test_buf_values),
	  UNIT_TEST(test_usym_values),
	  UNIT_TEST(test_strftime),
	  UNIT_TEST(test_empty_count),
	  UNIT_TEST(test_separator))
