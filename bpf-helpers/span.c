/* Span blocks on the BPF side (compiler/codegen/cg_span.c calls these):
 * an instance opened at a begin probe (its ids, its parent: the span on
 * top of the thread's stack of open spans, or the remote parent a
 * traceparent() gave), events added to an open instance, and at the end
 * probe the instance sent as one ring buffer record and forgotten. The
 * record layout repeats runtime/abi.h's struct et_span_rec (this file is
 * built without the runtime's headers); _Static_asserts keep them equal
 * in size. maps: {instance map, thread stacks, counters, ring buffer,
 * per-CPU scratch}. */
#include "helpers.h"

typedef unsigned int et_u32;
typedef unsigned char et_u8;

#define SPAN_EVENTS 8
#define SPAN_DEPTH 8
#define SPAN_REC_SIZE 232 /* sizeof(struct et_span_rec) */
/* the counters (abi.h ET_SPAN_*) */
enum { C_OVERFLOW, C_UNMATCHED, C_DROPPED_EVENTS, C_LOST, C_REBEGUN };

struct rec {
	et_u64 action_id;
	et_u64 start_ns, end_ns;
	et_u64 trace_hi, trace_lo;
	et_u64 span_id, parent_id;
	et_u64 attr_set;
	et_u32 pid, tid;
	et_u32 nevents, dropped_events;
	et_u8 kind, status, flags, remote;
	et_u32 gkey; /* abi.h pad: the goroutine's stack key, 0: the thread's */
	char comm[16];
	struct {
		et_u64 ns, idx;
	} events[SPAN_EVENTS];
};
_Static_assert(sizeof(struct rec) == SPAN_REC_SIZE, "et_span_rec layout");

struct tstack {
	et_u64 depth;
	struct {
		et_u64 span_id, trace_hi, trace_lo, start_ns;
	} e[SPAN_DEPTH];
};

static void *(*const map_lookup)(void *map, const void *key) = (void *)1;
static long (*const map_update)(void *map, const void *key, const void *value,
				et_u64 flags) = (void *)2;
static long (*const map_delete)(void *map, const void *key) = (void *)3;
static et_u64 (*const ktime)(void) = (void *)5;
static et_u32 (*const prandom)(void) = (void *)7;
static et_u64 (*const pid_tgid)(void) = (void *)14;
static long (*const get_comm)(void *buf, et_u32 size) = (void *)16;
static long (*const ringbuf_output)(void *rb, void *data, et_u64 size,
				    et_u64 flags) = (void *)130;
static et_u64 (*const ringbuf_query)(void *rb, et_u64 flags) = (void *)134;
static long (*const read_user)(void *dst, et_u32 size,
			       const void *src) = (void *)112;

static et_u64 rand64(void)
{
	et_u64 v = ((et_u64)prandom() << 32) | prandom();

	return v ? v : 1;
}

static void count(void *cnt, et_u32 k)
{
	et_u64 *c = map_lookup(cnt, &k);

	if (c)
		__sync_fetch_and_add(c, 1);
}

/* The thread's stack without the spans open longer than timeout (their
 * end never came: the sweep in user space forgets them too). */
static void drop_stale(struct tstack *ts, et_u64 now, et_u64 timeout)
{
	/* constant indexes only: the verifier bounds no loaded index */
	if (ts->depth > SPAN_DEPTH)
		ts->depth = 0;
	for (int i = SPAN_DEPTH - 1; i >= 0; i--)
		if (ts->depth == (et_u64)i + 1 &&
		    now - ts->e[i].start_ns > timeout)
			ts->depth = i;
}

/* The key of the stack of open spans that r's begin pushed onto: its
 * thread's (tid), or in Go code its goroutine's (goroutines share and
 * change threads): the top bit, the pid, r->gkey (goid + 1). */
static et_u64 stack_key(const struct rec *r)
{
	if (!r->gkey)
		return r->tid;
	return (1ULL << 63) | ((et_u64)r->pid << 32) | r->gkey;
}

/* r: the instance built by the begin probe (the scratch record, its
 * attributes set); key: its key; gkey: 0, or in Go code the goroutine
 * (its goid's low 31 bits + 1). Opens it, or counts why not. */
ET_HELPER void et_span_begin(void **maps, struct rec *r, void *key,
			     et_u64 timeout, et_u64 gkey)
{
	et_u64 now = ktime(), id = pid_tgid(), sk;
	et_u32 tid = (et_u32)id;
	struct tstack *ts;
	long err;

	r->start_ns = now;
	r->end_ns = 0;
	r->span_id = rand64();
	r->pid = (et_u32)(id >> 32);
	r->tid = tid;
	r->gkey = (et_u32)gkey;
	sk = stack_key(r);
	ts = map_lookup(maps[1], &sk);
	get_comm(r->comm, sizeof(r->comm));
	if (ts)
		drop_stale(ts, now, timeout);
	/* a server span is a request from elsewhere: its parent is remote
	 * (traceparent, thread_parent) or none, never what its thread has
	 * open (an event loop's other requests) */
	if (!r->remote) {
		et_u64 d = ts && r->kind != 2 /* ET_SPAN_SERVER */ ? ts->depth
								 : 0;

		if (d > 0 && d <= SPAN_DEPTH) {
			for (int i = 0; i < SPAN_DEPTH; i++) {
				if (d != (et_u64)i + 1)
					continue;
				r->trace_hi = ts->e[i].trace_hi;
				r->trace_lo = ts->e[i].trace_lo;
				r->parent_id = ts->e[i].span_id;
			}
		} else {
			r->trace_hi = rand64();
			r->trace_lo = rand64();
			r->parent_id = 0;
		}
	}
	err = map_update(maps[0], key, r, 1 /* BPF_NOEXIST */);
	if (err) {
		count(maps[2],
		      err == -17 /* EEXIST */ ? C_REBEGUN : C_OVERFLOW);
		return;
	}
	if (!ts) {
		/* a zeroed stack from the per-CPU scratch (maps[4]): on the
		 * BPF stack it would leave the probe 264 bytes fewer */
		et_u32 zk = 0;
		et_u64 *z = map_lookup(maps[4], &zk);

		if (!z)
			return;
		for (int i = 0; i < (int)(sizeof(*ts) / 8); i++)
			((volatile et_u64 *)z)[i] = 0;
		map_update(maps[1], &sk, z, 0);
		ts = map_lookup(maps[1], &sk);
		if (!ts)
			return;
	}
	for (int i = 0; i < SPAN_DEPTH; i++) {
		if (ts->depth != (et_u64)i)
			continue;
		ts->e[i].span_id = r->span_id;
		ts->e[i].trace_hi = r->trace_hi;
		ts->e[i].trace_lo = r->trace_lo;
		ts->e[i].start_ns = now;
		ts->depth = i + 1;
		break;
	}
}

/* The flags of a span record's output: as the program's other records
 * (compiler/codegen/cg_action.c submit_flags), user space is woken only
 * when the ring buffer holds more than an eighth of its size, else it
 * finds the record at its next look (run.c's RINGBUF_POLL_MS); the
 * default (0) woke etrace for nearly every span, which cost more than
 * the span itself. BPF_RB_AVAIL_DATA 0, BPF_RB_RING_SIZE 1;
 * BPF_RB_NO_WAKEUP 1, BPF_RB_FORCE_WAKEUP 2. */
static et_u64 wake_flags(void *rb, et_u64 size)
{
	return ringbuf_query(rb, 0) + size > ringbuf_query(rb, 1) / 8 ? 2 : 1;
}

/* The end of instance r (a value of the instance map, under key): sent
 * (size bytes: the header and the attributes), taken off its thread's
 * stack, deleted. */
ET_HELPER void et_span_end(void **maps, struct rec *r, void *key, et_u64 size)
{
	et_u64 sk = stack_key(r);
	struct tstack *ts;
	et_u64 id = r->span_id, d;
	int at = -1;

	r->end_ns = ktime();
	if (ringbuf_output(maps[3], r, size, wake_flags(maps[3], size)))
		count(maps[2], C_LOST);
	ts = map_lookup(maps[1], &sk);
	if (ts) {
		d = ts->depth;
		if (d > SPAN_DEPTH)
			d = SPAN_DEPTH;
		for (int i = 0; i < SPAN_DEPTH; i++)
			if ((et_u64)i < d && ts->e[i].span_id == id)
				at = i;
		if (at >= 0) {
			for (int i = 0; i < SPAN_DEPTH - 1; i++)
				if (i >= at && (et_u64)i + 1 < d)
					ts->e[i] = ts->e[i + 1];
			ts->depth = d - 1;
		}
	}
	map_delete(maps[0], key);
}

/* An event probe's event idx on the open instance r: the event's slot
 * (0 .. SPAN_EVENTS - 1), where its attributes go, or SPAN_EVENTS when
 * the instance has all its events (counted). */
ET_HELPER et_u64 et_span_event_at(void **maps, struct rec *r, et_u64 idx)
{
	et_u32 n = r->nevents;

	if (n >= SPAN_EVENTS) {
		r->dropped_events++;
		count(maps[2], C_DROPPED_EVENTS);
		return SPAN_EVENTS;
	}
	r->events[n].ns = ktime();
	r->events[n].idx = idx;
	r->nevents = n + 1;
	return n;
}

/* An event probe's event idx on the instance under key. */
ET_HELPER void et_span_event(void **maps, void *key, et_u64 idx)
{
	struct rec *r = map_lookup(maps[0], key);

	if (!r) {
		count(maps[2], C_UNMATCHED);
		return;
	}
	et_span_event_at(maps, r, idx);
}

/* The 32 hex digits of a trace id and a NUL in dst. */
ET_HELPER void et_span_hex(char *dst, et_u64 hi, et_u64 lo)
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 16; i++) {
		dst[15 - i] = digits[hi & 15];
		dst[31 - i] = digits[lo & 15];
		hi >>= 4;
		lo >>= 4;
	}
	dst[32] = 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* n hex digits at s as a number in *v: 0, or -1 for a non-digit. */
static int hexnum(const char *s, int n, et_u64 *v)
{
	et_u64 x = 0;

	for (int i = 0; i < 16; i++) {
		int h;

		if (i >= n)
			break;
		h = hexval(s[i]);
		if (h < 0)
			return -1;
		x = x << 4 | (et_u64)h;
	}
	*v = x;
	return 0;
}

#define TP_LEN 55 /* 00-<32 hex>-<16 hex>-<2 hex> */
#define TP_SCAN 512

static long (*const loop)(et_u32 n, void *fn, void *ctx,
			  et_u64 flags) = (void *)181;

struct tp_scan {
	const char *buf;
	et_s64 at;
};

/* bpf_loop's step: is "traceparent:" (any case; or '=') at i? */
static long tp_at(et_u32 i, void *ctx)
{
	static const char name[] = "traceparent";
	struct tp_scan *s = ctx;
	const char *p;

	if (i >= TP_SCAN)
		return 1;
	p = s->buf + i;
	for (int j = 0; j < 11; j++)
		if ((p[j] | 0x20) != name[j])
			return 0;
	if (p[11] != ':' && p[11] != '=')
		return 0;
	s->at = i + 12 + (p[12] == ' ');
	return 1;
}

/* traceparent(buf, len): the first W3C traceparent value in the len
 * bytes (at most TP_SCAN, read into scratch, which holds 1024 + 64
 * bytes) at the user address buf: "00-TRACE-PARENT-FLAGS", after the
 * header name "traceparent" (any case) and ':' or '=', or at the start
 * of the buffer. Sets r's trace id, parent and flags as a remote
 * parent; 1 when found, else 0. */
ET_HELPER et_s64 et_traceparent(struct rec *r, char *scratch, const char *buf,
				et_u64 len)
{
	struct tp_scan s = {scratch, -1};
	et_u64 hi, lo, parent, flags;
	const char *v;

	if (len > TP_SCAN)
		len = TP_SCAN;
	if (len < TP_LEN || read_user(scratch, (et_u32)len & 1023, buf))
		return 0;
	/* the bytes past len are an earlier call's: the scan stops where
	 * a name and its ':' end inside len, and a value must end inside
	 * it (not a scan of all TP_SCAN places over a zeroed scratch, a
	 * few hundred steps for a request of 100 bytes) */
	if (scratch[0] == '0' && scratch[1] == '0' && scratch[2] == '-')
		s.at = 0;
	else
		loop((et_u32)len - 11, tp_at, &s, 0);
	if (s.at < 0 || s.at > TP_SCAN + 13 || (et_u64)s.at + TP_LEN > len)
		return 0;
	v = scratch + s.at;
	if (v[0] != '0' || v[1] != '0' || v[2] != '-' || v[35] != '-' ||
	    v[52] != '-' || hexnum(v + 3, 16, &hi) || hexnum(v + 19, 16, &lo) ||
	    hexnum(v + 36, 16, &parent) || hexnum(v + 53, 2, &flags) ||
	    (!hi && !lo) || !parent)
		return 0;
	r->trace_hi = hi;
	r->trace_lo = lo;
	r->parent_id = parent;
	r->flags = (et_u8)flags;
	r->remote = 1;
	return 1;
}

/* thread_parent(tid): r the child of the span on top of thread tid's
 * stack of open spans (any process's thread; not a goroutine's), as a
 * remote parent; stale ones (open longer than timeout) do not count.
 * 1 when there is one, else 0. On the probe's own thread r is that
 * span's child anyway (et_span_begin): only the answer. */
ET_HELPER et_s64 et_span_thread_parent(void **maps, struct rec *r, et_u64 tid,
				       et_u64 timeout)
{
	struct tstack *ts = map_lookup(maps[1], &tid);
	et_u64 now = ktime(), d;

	if (!ts)
		return 0;
	d = ts->depth;
	for (int i = 0; i < SPAN_DEPTH; i++) {
		if (d != (et_u64)i + 1 || now - ts->e[i].start_ns > timeout)
			continue;
		/* the probe's own thread: its child anyway, not remote */
		if (tid == (et_u32)pid_tgid())
			return 1;
		r->trace_hi = ts->e[i].trace_hi;
		r->trace_lo = ts->e[i].trace_lo;
		r->parent_id = ts->e[i].span_id;
		r->flags = 1; /* sampled */
		r->remote = 1;
		return 1;
	}
	return 0;
}
