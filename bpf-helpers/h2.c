/* The HTTP/2 frame walker of h2_feed(conn, dir, buf, len) (runtime/abi.h
 * "HTTP/2"; compiler/codegen/cg_proto.c calls it). Per (process,
 * connection, direction) it keeps where the next frame header is across
 * reads and writes, a header cut by the buffer's end, and how much of the
 * current payload is still to send or to pass over; it sends the payloads
 * user space decodes (HPACK needs every header block of a direction, in
 * order, once) as ring buffer records, and no other payload byte.
 *
 * A buffer that starts with the client preface (re)starts the connection,
 * both directions, frame-aligned; a connection never started is not
 * walked (-1). The layouts repeat runtime/abi.h's et_h2_* (this file is
 * built without the runtime's headers); _Static_asserts keep the sizes
 * equal. maps: {state map, per-CPU record, ring buffer, action id}. */
#include "helpers.h"

typedef unsigned int et_u32;
typedef unsigned char et_u8;

#define H2_CAP 4096
#define H2_STEPS 128
#define H2_REC_HDR 80
#define H2_SMALL 64 /* bytes sent of a GOAWAY (and of odd SETTINGS) */

enum { K_FRAME, K_START, K_LOST };
enum {
	T_DATA = 0,
	T_HEADERS = 1,
	T_RST_STREAM = 3,
	T_SETTINGS = 4,
	T_GOAWAY = 7,
	T_CONTINUATION = 9,
};

struct key {
	et_u32 tgid, dir;
	et_u64 conn;
};

struct state {
	et_u64 skip, ship, after, seq;
	et_u32 ship_off, frame_len, stream;
	et_u8 type, flags, nhdr, pad;
	et_u8 hdr[24];
};
_Static_assert(sizeof(struct state) == 72, "et_h2_state layout");

struct rec {
	et_u64 action_id, conn, ns, seq;
	et_u32 tgid, tid;
	et_u32 stream, frame_len;
	et_u32 off, n;
	et_u8 dir, type, flags, kind;
	et_u32 pad;
	char comm[16];
	et_u8 bytes[H2_CAP];
};
_Static_assert(__builtin_offsetof(struct rec, bytes) == H2_REC_HDR,
	       "et_h2_rec layout");

static void *(*const map_lookup)(void *map, const void *key) = (void *)1;
static long (*const map_update)(void *map, const void *key, const void *value,
				et_u64 flags) = (void *)2;
static long (*const map_delete)(void *map, const void *key) = (void *)3;
static et_u64 (*const ktime)(void) = (void *)5;
static et_u64 (*const pid_tgid)(void) = (void *)14;
static long (*const get_comm)(void *buf, et_u32 size) = (void *)16;
static long (*const ringbuf_output)(void *rb, void *data, et_u64 size,
				    et_u64 flags) = (void *)130;
static long (*const read_user)(void *dst, et_u32 size,
			       const void *src) = (void *)112;

static const char preface[24] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/* One record: n (<= H2_CAP) payload bytes at src (none: src 0). 0, or
 * -1 when the bytes could not be read or the ring buffer was full (the
 * record's seq is used up either way: user space sees the gap). */
static __attribute__((always_inline)) int emit(void **maps, const struct key *k,
					       struct state *st, et_u8 kind,
					       et_u64 src, et_u64 n)
{
	et_u32 z = 0;
	struct rec *r = map_lookup(maps[1], &z);
	et_u64 pt = pid_tgid();

	st->seq++;
	if (!r)
		return -1;
	r->action_id = (et_u64)maps[3];
	r->conn = k->conn;
	r->ns = ktime();
	r->seq = st->seq;
	r->tgid = pt >> 32;
	r->tid = (et_u32)pt;
	r->stream = st->stream;
	r->frame_len = st->frame_len;
	r->off = st->ship_off;
	r->dir = (et_u8)k->dir;
	r->type = st->type;
	r->flags = st->flags;
	r->kind = kind;
	r->pad = 0;
	get_comm(r->comm, sizeof(r->comm));
	if (n > H2_CAP)
		n = H2_CAP;
	r->n = (et_u32)n;
	if (n && read_user(r->bytes, (et_u32)n, (const void *)src))
		return -1;
	/* no wake-up: user space reads every 20 ms (runtime/run.c), one
	 * wake-up per record would cost more than the record */
	return ringbuf_output(maps[2], r, H2_REC_HDR + n, 1) ? -1 : 0;
}

static int is_preface(const char *p)
{
	for (int i = 0; i < 24; i++)
		if (p[i] != preface[i])
			return 0;
	return 1;
}

/* A frame header was read whole: what its payload becomes. */
static void frame(void **maps, const struct key *k, struct state *st)
{
	const et_u8 *h = st->hdr;
	et_u64 len = (et_u64)h[0] << 16 | (et_u64)h[1] << 8 | h[2];

	st->frame_len = (et_u32)len;
	st->type = h[3];
	st->flags = h[4];
	st->stream = ((et_u32)h[5] << 24 | (et_u32)h[6] << 16 |
		      (et_u32)h[7] << 8 | h[8]) &
		     0x7fffffff;
	st->ship_off = 0;
	st->ship = st->after = st->skip = 0;
	switch (st->type) {
	case T_HEADERS:
	case T_CONTINUATION:
	case T_RST_STREAM:
	case T_SETTINGS:
		st->ship = len;
		break;
	case T_GOAWAY:
		st->ship = len < H2_SMALL ? len : H2_SMALL;
		st->after = len - st->ship;
		break;
	case T_DATA:
		if (st->flags & 1) /* END_STREAM */
			emit(maps, k, st, K_FRAME, 0, 0);
		st->skip = len;
		return;
	default:
		st->skip = len;
		return;
	}
	/* an empty payload (an empty HEADERS, a SETTINGS ack): its record
	 * now */
	if (!len)
		emit(maps, k, st, K_FRAME, 0, 0);
}

/* Forgets the connection in both directions (the walk lost its place):
 * its next preface starts it again. */
static void lose(void **maps, struct key *k, struct state *st)
{
	et_u32 dir = k->dir;

	st->ship_off = st->frame_len = st->stream = 0;
	st->type = st->flags = 0;
	emit(maps, k, st, K_LOST, 0, 0);
	k->dir = 0;
	map_delete(maps[0], k);
	k->dir = 1;
	map_delete(maps[0], k);
	k->dir = dir;
}

/* dir: bit 0 the direction; with H2_VEC, buf is an array of iovecs
 * (dir >> 8 of them) that hold the len bytes in turn (recvmsg, writev). */
#define H2_VEC 2

static long (*const bpf_loop)(et_u32 n, void *fn, void *ctx,
			      et_u64 flags) = (void *)181;

/* The walk, one step a bpf_loop iteration (the verifier checks one step,
 * not H2_STEPS of them). Its variables live after the record in the
 * per-CPU map (H2_WALK bytes), where the verifier does not track their
 * values: on the stack, each iteration's would be a new state to it. The
 * connection's state is looked up again at each step. */
struct wv {
	et_u64 buf, off, seg, seg_len, left, vi, vn;
	et_s64 frames;
	et_u64 done;
};
#define H2_WALK 72
_Static_assert(sizeof(struct wv) == H2_WALK, "ET_H2_WALK");

struct walk {
	void **maps;
	struct key k;
};

static struct wv *walk_vars(void **maps)
{
	et_u32 z = 0;
	char *v = map_lookup(maps[1], &z);

	return v ? (struct wv *)(v + sizeof(struct rec)) : 0;
}

static long step(et_u32 i, void *ctx)
{
	struct walk *wk = ctx;
	struct wv *w = walk_vars(wk->maps);
	struct state *st = map_lookup(wk->maps[0], &wk->k);
	et_u64 n, rest, iov[2], have;

	(void)i;
	if (!w)
		return 1;
	if (!st) {
		w->done = 1;
		return 1;
	}
	if (w->off >= w->seg_len) {
		/* the next iovec */
		if (!w->left || w->vi >= w->vn) {
			w->done = 1;
			return 1;
		}
		if (read_user(iov, sizeof(iov),
			      (const void *)(w->buf + 16 * w->vi))) {
			lose(wk->maps, &wk->k, st);
			w->done = 1;
			return 1;
		}
		w->vi++;
		w->seg = iov[0];
		w->seg_len = iov[1] < w->left ? iov[1] : w->left;
		w->left -= w->seg_len;
		w->off = 0;
		return 0;
	}
	rest = w->seg_len - w->off;
	if (st->skip) {
		n = st->skip < rest ? st->skip : rest;
		st->skip -= n;
		w->off += n;
		return 0;
	}
	if (st->ship) {
		n = st->ship < rest ? st->ship : rest;
		if (n > H2_CAP)
			n = H2_CAP;
		/* a record the ring buffer refused still used its number:
		 * user space sees the gap, and forgets the connection (and
		 * deletes its state here); the walk goes on meanwhile */
		emit(wk->maps, &wk->k, st, K_FRAME, w->seg + w->off, n);
		st->ship -= n;
		st->ship_off += (et_u32)n;
		w->off += n;
		if (!st->ship) {
			st->skip = st->after;
			st->after = 0;
		}
		return 0;
	}
	/* a frame header: the rest of one cut short, or a new one */
	have = st->nhdr;
	if (have > 8)
		have = 0;
	n = 9 - have;
	if (n > rest)
		n = rest;
	if (read_user(st->hdr + have, (et_u32)n,
		      (const void *)(w->seg + w->off))) {
		lose(wk->maps, &wk->k, st);
		w->done = 1;
		return 1;
	}
	w->off += n;
	if (have + n < 9) {
		st->nhdr = (et_u8)(have + n);
		return 0;
	}
	st->nhdr = 0;
	w->frames++;
	frame(wk->maps, &wk->k, st);
	return 0;
}

ET_HELPER et_s64 et_h2_feed(void **maps, et_u64 conn, et_u64 dir, et_u64 buf,
			    et_s64 len)
{
	struct walk wk = {
	    maps, {(et_u32)(pid_tgid() >> 32), (et_u32)(dir & 1), conn}};
	struct wv *w = walk_vars(maps);
	struct state *st;
	char pf[24];
	et_u64 iov[2];

	if (len <= 0 || !w)
		return -1;
	if (!buf) {
		/* len bytes that went by unseen (sendfile): a payload's
		 * that is passed over, else the place is lost */
		st = map_lookup(maps[0], &wk.k);
		if (!st)
			return -1;
		if (st->skip >= (et_u64)len && !st->nhdr) {
			st->skip -= (et_u64)len;
			return 0;
		}
		lose(maps, &wk.k, st);
		return 0;
	}
	w->buf = buf;
	w->seg = buf;
	w->seg_len = (et_u64)len;
	w->off = w->vi = w->done = 0;
	w->frames = 0;
	w->vn = (dir & H2_VEC) ? dir >> 8 : 0;
	if (w->vn) {
		/* the first iovec */
		if (read_user(iov, sizeof(iov), (const void *)buf))
			return -1;
		w->seg = iov[0];
		w->seg_len = iov[1] < (et_u64)len ? iov[1] : (et_u64)len;
		w->vi = 1;
	}
	w->left = (et_u64)len - w->seg_len; /* after this segment */
	if (w->seg_len >= 24 && !read_user(pf, 24, (const void *)w->seg) &&
	    is_preface(pf)) {
		struct state z = {0};

		wk.k.dir = 1 - wk.k.dir;
		map_update(maps[0], &wk.k, &z, 0);
		wk.k.dir = 1 - wk.k.dir;
		map_update(maps[0], &wk.k, &z, 0);
		st = map_lookup(maps[0], &wk.k);
		if (!st)
			return -1;
		emit(maps, &wk.k, st, K_START, 0, 0);
		w->off = 24;
	} else if (!map_lookup(maps[0], &wk.k)) {
		return -1;
	}
	bpf_loop(H2_STEPS, step, &wk, 0);
	w = walk_vars(maps);
	if (!w)
		return -1;
	if (!w->done) {
		/* H2_STEPS steps, and bytes left */
		st = map_lookup(maps[0], &wk.k);
		if (st && (w->off < w->seg_len || (w->left && w->vi < w->vn)))
			lose(maps, &wk.k, st);
	}
	return w->frames;
}
