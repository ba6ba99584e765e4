/* runtime/span.c without BPF: an ACT_SPAN record as the BPF side lays it
 * out (runtime/abi.h struct et_span_rec, then the attributes) decoded
 * into the struct et_span a sink receives, and printed as the text line
 * and the NDJSON record. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "abi.h"
#include "program.h"
#include "span.h"
#include "unit.h"

static struct et_type t_s64 = { .kind = T_INT, .size = 8, .is_signed = true };
static struct et_type t_u64 = { .kind = T_INT, .size = 8 };
static struct et_type t_str = { .kind = T_STRING, .size = 16 };

#define OFF sizeof(struct et_span_rec)

static struct et_arg args[] = {
	{ &t_s64, OFF, 8 },
	{ &t_str, OFF + 8, 16 },
	{ &t_u64, OFF + 24, 8 },
};

static struct et_action act = {
	.id = 0,
	.kind = ACT_SPAN,
	.fmt_str = "name req\nmap et_span0_i\ntimeout 1000\nattr n\nattr "
		   "method\nattr unset\nevent sent\n",
	.args = args,
	.nargs = 3,
	.rec_size = OFF + 32,
	.map_id = -1,
};

static struct et_program prog = { .actions = &act, .nactions = 1 };

/* A record: ids, times, attributes n = -5 and method = "GET" (unset's
 * bit clear), one event and two dropped. */
static void record(uint8_t *buf)
{
	struct et_span_rec h = {
		.start_ns = 1000,
		.end_ns = 4000,
		.trace_hi = 0x0af7651916cd43ddULL,
		.trace_lo = 0x8448eb211c80319cULL,
		.span_id = 0x0102030405060708ULL,
		.parent_id = 0xb7ad6b7169203331ULL,
		.attr_set = 3,
		.pid = 42,
		.tid = 43,
		.nevents = 1,
		.dropped_events = 2,
		.kind = ET_SPAN_SERVER,
		.status = ET_STATUS_ERROR,
		.flags = 1,
		.remote = 1,
		.comm = "srv",
	};
	int64_t n = -5;

	h.events[0].ns = 2500;
	h.events[0].idx = 0;
	memset(buf, 0, OFF + 32);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + OFF, &n, 8);
	memcpy(buf + OFF + 8, "GET", 3);
	memcpy(buf + OFF + 24, "\x07\0\0\0\0\0\0\0", 8);
}

static struct et_span got;
static struct et_attr got_attrs[4];
static char got_method[16];
static char got_event[16];
static int calls;

static int capture(void *ctx, const struct et_span *s)
{
	got = *s;
	calls++;
	memcpy(got_attrs, s->attrs, s->nattrs * sizeof(*s->attrs));
	if (s->nattrs > 1)
		snprintf(got_method, sizeof(got_method), "%.*s",
			 (int)s->attrs[1].str.len, s->attrs[1].str.s);
	if (s->nevents)
		snprintf(got_event, sizeof(got_event), "%s",
			 s->events[0].name);
	return 0;
}

static void test_decode(void)
{
	static const uint8_t trace[16] = { 0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd,
					   0x43, 0xdd, 0x84, 0x48, 0xeb, 0x21,
					   0x1c, 0x80, 0x31, 0x9c };
	static const uint8_t parent[8] = { 0xb7, 0xad, 0x6b, 0x71,
					   0x69, 0x20, 0x33, 0x31 };
	uint8_t buf[OFF + 32];
	struct span_rt *rt = span_rt__new(&prog, stdout, false, false);
	struct et_span_stats st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_EQUAL(span_rt__ndefs(rt), 1);
	CU_ASSERT_EQUAL(span_rt__add_sink(rt, capture, NULL), 0);
	record(buf);
	CU_ASSERT_EQUAL(span_rt__record(rt, &act, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(calls, 1);
	CU_ASSERT_STRING_EQUAL(got.name, "req");
	CU_ASSERT(!memcmp(got.trace_id, trace, 16));
	CU_ASSERT(!memcmp(got.span_id, "\1\2\3\4\5\6\7\10", 8));
	CU_ASSERT(!memcmp(got.parent_span_id, parent, 8));
	CU_ASSERT(got.remote_parent);
	CU_ASSERT_EQUAL(got.trace_flags, 1);
	CU_ASSERT_EQUAL(got.kind, ET_SPAN_SERVER);
	CU_ASSERT_EQUAL(got.status, ET_STATUS_ERROR);
	CU_ASSERT_EQUAL(got.end_unix_ns - got.start_unix_ns, 3000);
	CU_ASSERT_EQUAL(got.pid, 42);
	CU_ASSERT_EQUAL(got.tid, 43);
	/* the unset attribute is left out */
	CU_ASSERT_EQUAL_FATAL(got.nattrs, 2);
	CU_ASSERT_STRING_EQUAL(got_attrs[0].key, "n");
	CU_ASSERT_EQUAL(got_attrs[0].kind, ET_ATTR_INT);
	CU_ASSERT_EQUAL(got_attrs[0].i, -5);
	CU_ASSERT_EQUAL(got_attrs[1].kind, ET_ATTR_STR);
	CU_ASSERT_STRING_EQUAL(got_method, "GET");
	CU_ASSERT_EQUAL(got.nevents, 1);
	CU_ASSERT_STRING_EQUAL(got_event, "sent");
	CU_ASSERT_EQUAL(got.dropped_events, 2);
	/* a short record is refused, no sink called */
	CU_ASSERT_EQUAL(span_rt__record(rt, &act, buf, OFF), -EINVAL);
	CU_ASSERT_EQUAL(calls, 1);
	span_rt__stats(rt, &st);
	CU_ASSERT_EQUAL(st.completed, 1);
	span_rt__free(rt);
}

/* The printer's text line and JSON record (the wall clock masked). */
static void print(bool json, char *out, size_t size)
{
	uint8_t buf[OFF + 32];
	FILE *f = fmemopen(out, size, "w");
	struct span_rt *rt = span_rt__new(&prog, f, json, true);

	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	record(buf);
	CU_ASSERT_EQUAL(span_rt__record(rt, &act, buf, sizeof(buf)), 0);
	fclose(f);
	span_rt__free(rt);
}

static void test_print(void)
{
	char out[2048], *p;

	print(false, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out,
			       "span req trace=0af7651916cd43dd8448eb211c80319c "
			       "id=0102030405060708 parent=b7ad6b7169203331 "
			       "remote duration_ns=3000 pid=42 tid=43 comm=srv "
			       "kind=server status=error n=-5 method=\"GET\" "
			       "event=sent@+1500ns dropped_events=2\n");
	print(true, out, sizeof(out));
	/* the times are the wall clock's: masked */
	for (p = out; (p = strstr(p, "unix_ns\": ")); )
		for (p += 10; *p >= '0' && *p <= '9'; p++)
			*p = 'T';
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
		"{\"type\": \"span\", \"data\": {\"name\": \"req\", \"trace_id\": "
		"\"0af7651916cd43dd8448eb211c80319c\", \"span_id\": "
		"\"0102030405060708\", \"parent_span_id\": \"b7ad6b7169203331\", "
		"\"remote_parent\": true, \"kind\": \"server\", \"status\": "
		"\"error\", \"start_unix_ns\": T"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
		"\"duration_ns\": 3000, \"pid\": 42, \"tid\": 43, \"comm\": "
		"\"srv\", \"attrs\": {\"n\": -5, \"method\": \"GET\"}, "
		"\"events\": [{\"name\": \"sent\", \"time_unix_ns\": T"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "], \"dropped_events\": 2}}\n"));
}

/* inet attributes (ntop(): { int64 af; u8 addr[16]; }) become the text
 * inet_ntop gives, "" for another family; IPv4 is written without it:
 * every byte value compared. */
static struct et_type t_inet = { .kind = T_INET, .size = 24 };
static struct et_arg inet_args[] = {
	{ &t_inet, OFF, 24 },
	{ &t_inet, OFF + 24, 24 },
};
static struct et_action inet_act = {
	.id = 0,
	.kind = ACT_SPAN,
	.fmt_str = "name c\nattr peer\nattr local\n",
	.args = inet_args,
	.nargs = 2,
	.rec_size = OFF + 48,
	.map_id = -1,
};
static char inet_text[2][64];

static int capture_inet(void *ctx, const struct et_span *s)
{
	(void)ctx;
	for (size_t i = 0; i < 2; i++)
		snprintf(inet_text[i], sizeof(inet_text[i]), "%.*s",
			 i < s->nattrs ? (int)s->attrs[i].str.len : 0,
			 i < s->nattrs ? s->attrs[i].str.s : "");
	return 0;
}

static void test_inet(void)
{
	struct et_program p = { .actions = &inet_act, .nactions = 1 };
	struct span_rt *rt = span_rt__new(&p, stdout, false, false);
	uint8_t buf[OFF + 48];
	struct et_span_rec h = { .attr_set = 3 };
	char want[2][INET6_ADDRSTRLEN];

	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_EQUAL(span_rt__add_sink(rt, capture_inet, NULL), 0);
	for (unsigned v = 0; v < 256; v++) {
		int64_t af4 = AF_INET, af6 = v % 2 ? AF_INET6 : 0;
		uint8_t a4[4] = { (uint8_t)v, (uint8_t)(255 - v),
				  (uint8_t)(v * 7), (uint8_t)(v / 3) };
		uint8_t a6[16] = { 0 };

		a6[15] = (uint8_t)v;
		a6[0] = v > 128 ? 0xfe : 0;
		memset(buf, 0, sizeof(buf));
		memcpy(buf, &h, sizeof(h));
		memcpy(buf + OFF, &af4, 8);
		memcpy(buf + OFF + 8, a4, 4);
		memcpy(buf + OFF + 24, &af6, 8);
		memcpy(buf + OFF + 32, a6, 16);
		CU_ASSERT_EQUAL_FATAL(
		    span_rt__record(rt, &inet_act, buf, sizeof(buf)), 0);
		inet_ntop(AF_INET, a4, want[0], sizeof(want[0]));
		want[1][0] = 0;
		if (af6)
			inet_ntop(AF_INET6, a6, want[1], sizeof(want[1]));
		CU_ASSERT_STRING_EQUAL(inet_text[0], want[0]);
		CU_ASSERT_STRING_EQUAL(inet_text[1], want[1]);
	}
	span_rt__free(rt);
}

/* Event attributes (event.NAME = expr): event probe 1 ("b") sets k and
 * s, probe 0 ("a") none; slots of 32 bytes after the header, each its
 * set mask first. Three events: a, b with both, b with k only. */
static struct et_arg eargs[] = {
	{ &t_s64, 8, 8 },
	{ &t_str, 16, 16 },
};

static struct et_action eact = {
	.id = 0,
	.kind = ACT_SPAN,
	.fmt_str = "name q\nmap et_span0_i\ntimeout 0\nevent a\nevent b\n"
		   "evslot 232 32\neattr 1 k\neattr 1 s\n",
	.args = eargs,
	.nargs = 2,
	.rec_size = OFF + 8 * 32,
	.map_id = -1,
};

static void event_record(uint8_t *buf)
{
	struct et_span_rec h = {
		.start_ns = 1000,
		.end_ns = 9000,
		.trace_hi = 1,
		.span_id = 2,
		.nevents = 3,
		.comm = "c",
	};
	uint64_t both = 3, one = 1;
	int64_t k1 = -7, k2 = 9;

	h.events[0] = (typeof(h.events[0])){ 1100, 0 };
	h.events[1] = (typeof(h.events[0])){ 1200, 1 };
	h.events[2] = (typeof(h.events[0])){ 1300, 1 };
	memset(buf, 0xee, OFF + 8 * 32); /* unset bytes: never read */
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + OFF, &one, 8); /* slot 0: event a (its probe has no
				       attributes: the mask is not read) */
	memcpy(buf + OFF + 32, &both, 8);
	memcpy(buf + OFF + 32 + 8, &k1, 8);
	memcpy(buf + OFF + 32 + 16, "GET /x\0", 7);
	memcpy(buf + OFF + 64, &one, 8);
	memcpy(buf + OFF + 64 + 8, &k2, 8);
}

static struct et_attr ev_attrs[3][2];
static size_t ev_nattrs[3];
static char ev_str[16];

static int capture_events(void *ctx, const struct et_span *s)
{
	(void)ctx;
	CU_ASSERT_EQUAL_FATAL(s->nevents, 3);
	for (int i = 0; i < 3; i++) {
		ev_nattrs[i] = s->events[i].nattrs;
		memcpy(ev_attrs[i], s->events[i].attrs,
		       ev_nattrs[i] * sizeof(struct et_attr));
	}
	if (ev_nattrs[1] == 2)
		snprintf(ev_str, sizeof(ev_str), "%.*s",
			 (int)ev_attrs[1][1].str.len, ev_attrs[1][1].str.s);
	return 0;
}

static void test_event_attrs(void)
{
	static uint8_t buf[OFF + 8 * 32];
	struct et_program p = { .actions = &eact, .nactions = 1 };
	struct span_rt *rt = span_rt__new(&p, stdout, false, false);
	char out[1024];
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_EQUAL(span_rt__add_sink(rt, capture_events, NULL), 0);
	event_record(buf);
	CU_ASSERT_EQUAL(span_rt__record(rt, &eact, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(ev_nattrs[0], 0);
	CU_ASSERT_EQUAL_FATAL(ev_nattrs[1], 2);
	CU_ASSERT_STRING_EQUAL(ev_attrs[1][0].key, "k");
	CU_ASSERT_EQUAL(ev_attrs[1][0].kind, ET_ATTR_INT);
	CU_ASSERT_EQUAL(ev_attrs[1][0].i, -7);
	CU_ASSERT_STRING_EQUAL(ev_attrs[1][1].key, "s");
	CU_ASSERT_EQUAL(ev_attrs[1][1].kind, ET_ATTR_STR);
	CU_ASSERT_STRING_EQUAL(ev_str, "GET /x");
	CU_ASSERT_EQUAL_FATAL(ev_nattrs[2], 1); /* s's bit clear */
	CU_ASSERT_EQUAL(ev_attrs[2][0].i, 9);
	span_rt__free(rt); /* the keys were its */

	f = fmemopen(out, sizeof(out), "w");
	rt = span_rt__new(&p, f, false, true);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_EQUAL(span_rt__record(rt, &eact, buf, sizeof(buf)), 0);
	fclose(f);
	span_rt__free(rt);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, " comm=c event=a@+100ns "
		"event=b@+200ns[k=-7,s=\"GET /x\"] event=b@+300ns[k=9]\n"));
	f = fmemopen(out, sizeof(out), "w");
	rt = span_rt__new(&p, f, true, true);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_EQUAL(span_rt__record(rt, &eact, buf, sizeof(buf)), 0);
	fclose(f);
	span_rt__free(rt);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"attrs\": {}}, {\"name\": \"b\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
		", \"attrs\": {\"k\": -7, \"s\": \"GET /x\"}}, {\"name\": \"b\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, ", \"attrs\": {\"k\": 9}}], "
					   "\"dropped_events\": 0}}\n"));
	/* a record too short for the slots: refused */
	rt = span_rt__new(&p, stdout, false, false);
	CU_ASSERT_EQUAL(span_rt__record(rt, &eact, buf, OFF + 32), -EINVAL);
	span_rt__free(rt);
}

/* A description that does not match the action: refused. */
static void test_bad_description(void)
{
	struct et_action bad = act;
	struct et_program p = { .actions = &bad, .nactions = 1 };

	bad.fmt_str = "name req\nattr n\n"; /* one name, three args */
	CU_ASSERT_PTR_NULL(span_rt__new(&p, stdout, false, true));
	bad.fmt_str = "attr n\nattr m\nattr k\n"; /* no name */
	CU_ASSERT_PTR_NULL(span_rt__new(&p, stdout, false, true));
	/* three args: two attributes and an event attribute too many */
	bad.fmt_str = "name req\nattr n\nattr m\nattr k\neattr 0 x\n";
	CU_ASSERT_PTR_NULL(span_rt__new(&p, stdout, false, true));
}

UNIT_MAIN("span", UNIT_TEST(test_decode), UNIT_TEST(test_print),
	  UNIT_TEST(test_inet), UNIT_TEST(test_event_attrs),
	  UNIT_TEST(test_bad_description))
