/* h2.c: HTTP/2 streams from h2_feed()'s records (h2.h).
 *
 * The BPF walker (bpf-helpers/h2.c) sends, per (process, connection,
 * direction), numbered records in wire order: pieces of the payloads of
 * HEADERS, CONTINUATION, SETTINGS, RST_STREAM and GOAWAY frames, and an
 * empty record for a DATA frame that ends its stream. Here a frame's
 * pieces are put together, HEADERS and CONTINUATION payloads (padding
 * and priority taken off) make a header block, and at END_HEADERS the
 * block goes through the direction's inflater (nghttp2_hd_inflate_hd2):
 * HPACK's dynamic table is per direction, so every block must pass
 * through it in order, once. A gap in the numbers (the ring buffer was
 * full) leaves the inflater's table unknown: the connection is passed
 * over until its next preface (counted as lost).
 *
 * A block with :method opens a stream, on the side that carried it (a
 * received request: the process is the server); the other direction's
 * blocks are the response's headers (:status) and trailers
 * (grpc-status); the stream ends with END_STREAM in the response's
 * direction or with RST_STREAM, and becomes a span. */
#define _GNU_SOURCE
#include "h2.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <bpf/bpf.h>
#include <nghttp2/nghttp2.h>

#include "abi.h"
#include "span.h"

#define NBUCKETS 1024
#define VAL_MAX 256 /* bytes kept of a header's value */
#define BLOCK_MAX (256 * 1024)
#define RED_BUCKETS 40

enum {
	F_END_STREAM = 0x1,
	F_END_HEADERS = 0x4,
	F_PADDED = 0x8,
	F_PRIORITY = 0x20
};
enum {
	T_DATA = 0,
	T_HEADERS = 1,
	T_RST_STREAM = 3,
	T_SETTINGS = 4,
	T_GOAWAY = 7,
	T_CONTINUATION = 9
};

/* The headers a span takes, by index. */
enum {
	H_METHOD,
	H_PATH,
	H_AUTHORITY,
	H_STATUS,
	H_CTYPE,
	H_GRPC_STATUS,
	H_GRPC_MESSAGE,
	H_TRACEPARENT,
	H_COUNT
};
static const char *const hnames[H_COUNT] = {
    ":method",	    ":path",	   ":authority",   ":status",
    "content-type", "grpc-status", "grpc-message", "traceparent",
};

struct stream {
	struct stream *next;
	uint32_t id;
	int req_dir; /* the direction of the request: 0 the process
			received it (server), 1 it sent it (client) */
	uint64_t start_ns, end_ns;
	uint32_t tid;
	char comm[17];
	char *h[H_COUNT];
	uint32_t rst; /* RST_STREAM's error code + 1, 0: none */
};

struct dir {
	nghttp2_hd_inflater *inf;
	uint64_t seq;
	bool broken;	/* passed over until the next preface */
	uint8_t *frame; /* the current frame's payload so far */
	size_t flen, fcap;
	uint8_t *block; /* the header block so far */
	size_t blen, bcap;
	bool in_block;
	uint32_t bstream;
	uint8_t bflags; /* the HEADERS frame's flags */
	uint64_t bns;
};

struct conn {
	struct conn *next;
	uint32_t tgid;
	uint64_t id;
	struct dir d[2];
	struct stream *streams;
};

/* One row of the RED table: side, name, status. */
struct red {
	struct red *next;
	int server;
	char *name, *status;
	uint64_t count, errors;
	uint64_t hist[RED_BUCKETS]; /* log2 of the duration in us */
};

struct h2_rt {
	struct span_rt *spans;
	FILE *out;
	bool json;
	int64_t wall_off;
	struct conn *b[NBUCKETS];
	struct red *red, **red_tail;
	int state_fd; /* ET_H2_STATE_MAP, or -1 */
	struct h2_stats st;
};

struct h2_rt *h2_rt__new(struct span_rt *spans, FILE *out, bool json)
{
	struct h2_rt *rt = calloc(1, sizeof(*rt));

	if (!rt)
		return NULL;
	rt->spans = spans;
	rt->out = out;
	rt->json = json;
	rt->wall_off = spans ? span_rt__wall_offset(spans) : 0;
	rt->red_tail = &rt->red;
	rt->state_fd = -1;
	return rt;
}

static void stream_free(struct stream *s)
{
	for (int i = 0; i < H_COUNT; i++)
		free(s->h[i]);
	free(s);
}

static void dir_reset(struct dir *d, bool broken)
{
	if (d->inf)
		nghttp2_hd_inflate_del(d->inf);
	d->inf = NULL;
	d->seq = 0;
	d->flen = d->blen = 0;
	d->in_block = false;
	d->broken = broken;
}

static void conn_streams_free(struct conn *c)
{
	while (c->streams) {
		struct stream *s = c->streams;

		c->streams = s->next;
		stream_free(s);
	}
}

void h2_rt__free(struct h2_rt *rt)
{
	if (!rt)
		return;
	for (int i = 0; i < NBUCKETS; i++)
		while (rt->b[i]) {
			struct conn *c = rt->b[i];

			rt->b[i] = c->next;
			conn_streams_free(c);
			for (int k = 0; k < 2; k++) {
				dir_reset(&c->d[k], false);
				free(c->d[k].frame);
				free(c->d[k].block);
			}
			free(c);
		}
	while (rt->red) {
		struct red *r = rt->red;

		rt->red = r->next;
		free(r->name);
		free(r->status);
		free(r);
	}
	free(rt);
}

static struct conn *conn_get(struct h2_rt *rt, uint32_t tgid, uint64_t id,
			     bool create)
{
	unsigned h =
	    (unsigned)((id * 0x9e3779b97f4a7c15ULL ^ tgid) >> 54) % NBUCKETS;
	struct conn *c;

	for (c = rt->b[h]; c; c = c->next)
		if (c->tgid == tgid && c->id == id)
			return c;
	if (!create)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->tgid = tgid;
	c->id = id;
	c->next = rt->b[h];
	rt->b[h] = c;
	return c;
}

static struct stream *stream_find(struct conn *c, uint32_t id, bool unlink)
{
	for (struct stream **p = &c->streams; *p; p = &(*p)->next)
		if ((*p)->id == id) {
			struct stream *s = *p;

			if (unlink)
				*p = s->next;
			return s;
		}
	return NULL;
}

static int append(uint8_t **buf, size_t *len, size_t *cap, const void *p,
		  size_t n)
{
	if (*len + n > BLOCK_MAX)
		return -E2BIG;
	if (*len + n > *cap) {
		size_t c = *cap ? *cap : 512;
		uint8_t *nb;

		while (c < *len + n)
			c *= 2;
		nb = realloc(*buf, c);
		if (!nb)
			return -ENOMEM;
		*buf = nb;
		*cap = c;
	}
	memcpy(*buf + *len, p, n);
	*len += n;
	return 0;
}

/* ---- spans ---- */

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
				      : -1;
}

static bool unhex(uint8_t *out, const char *s, size_t n)
{
	bool zero = true;

	for (size_t i = 0; i < n; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
		zero = zero && !out[i];
	}
	return !zero;
}

/* W3C traceparent "00-<32 hex>-<16 hex>-<2 hex>" */
static bool traceparent(const char *v, uint8_t trace[16], uint8_t parent[8],
			uint8_t *flags)
{
	if (!v || strlen(v) < 55 || v[0] != '0' || v[1] != '0' || v[2] != '-' ||
	    v[35] != '-' || v[52] != '-')
		return false;
	if (!unhex(trace, v + 3, 16) || !unhex(parent, v + 36, 8))
		return false;
	if (hexval(v[53]) < 0 || hexval(v[54]) < 0)
		return false;
	*flags = (uint8_t)(hexval(v[53]) << 4 | hexval(v[54]));
	return true;
}

/* Span and trace ids: splitmix64 seeded once from getrandom (a system
 * call per id cost more than the rest of a span). */
static uint64_t next_rand(void)
{
	static uint64_t s;
	uint64_t z;

	if (!s && getrandom(&s, sizeof(s), 0) != sizeof(s))
		s = (uint64_t)random() << 32 ^ (uint64_t)random();
	z = (s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void random_id(uint8_t *p, size_t n)
{
	bool zero = true;

	while (zero) {
		for (size_t i = 0; i < n; i += 8) {
			uint64_t v = next_rand();

			memcpy(p + i, &v, n - i < 8 ? n - i : 8);
		}
		for (size_t i = 0; i < n; i++)
			zero = zero && !p[i];
	}
}

static bool is_grpc(const struct stream *s)
{
	return s->h[H_CTYPE] && !strncmp(s->h[H_CTYPE], "application/grpc", 16);
}

/* OpenTelemetry: a server's gRPC error is one of these codes, a client's
 * any code but OK. */
static bool grpc_error(int server, long code)
{
	return server ? code == 2 || code == 4 || code == 12 || code == 13 ||
			    code == 14 || code == 15
		      : code != 0;
}

static void red_add(struct h2_rt *rt, int server, const char *name,
		    const char *status, bool err, uint64_t us)
{
	struct red *r;
	int b = 0;

	for (r = rt->red; r; r = r->next)
		if (r->server == server && !strcmp(r->name, name) &&
		    !strcmp(r->status, status))
			break;
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return;
		r->server = server;
		r->name = strdup(name);
		r->status = strdup(status);
		if (!r->name || !r->status) {
			free(r->name);
			free(r->status);
			free(r);
			return;
		}
		/* rows in the order they were first seen */
		*rt->red_tail = r;
		rt->red_tail = &r->next;
	}
	r->count++;
	r->errors += err;
	while (us && b < RED_BUCKETS - 1) {
		us >>= 1;
		b++;
	}
	r->hist[b]++;
}

static void attr_str(struct et_attr *a, size_t *n, const char *k, const char *v)
{
	if (!v)
		return;
	a[*n].key = k;
	a[*n].kind = ET_ATTR_STR;
	a[*n].str.s = v;
	a[(*n)++].str.len = strlen(v);
}

static void attr_int(struct et_attr *a, size_t *n, const char *k, int64_t v)
{
	a[*n].key = k;
	a[*n].kind = ET_ATTR_INT;
	a[(*n)++].i = v;
}

/* The stream ended (at ns): its span, its row in the RED table. */
static void finish(struct h2_rt *rt, struct conn *c, struct stream *s,
		   uint64_t ns)
{
	struct et_span sp = {0};
	struct et_attr at[16];
	size_t n = 0;
	int server = s->req_dir == 0;
	bool grpc = is_grpc(s), err = false;
	const char *path = s->h[H_PATH] ? s->h[H_PATH] : "";
	char *svc = NULL, *q, name[VAL_MAX + 16], status[32] = "-";
	const char *meth = NULL;
	uint8_t flags = 1;
	long code = -1;

	sp.kind = server ? ET_SPAN_SERVER : ET_SPAN_CLIENT;
	if (traceparent(s->h[H_TRACEPARENT], sp.trace_id, sp.parent_span_id,
			&flags)) {
		/* a client's traceparent is the one it sent: its own id */
		if (!server) {
			memcpy(sp.span_id, sp.parent_span_id, 8);
			memset(sp.parent_span_id, 0, 8);
		} else {
			sp.remote_parent = true;
			random_id(sp.span_id, 8);
		}
		sp.trace_flags = flags;
	} else {
		random_id(sp.trace_id, 16);
		random_id(sp.span_id, 8);
		sp.trace_flags = 1;
	}
	if (grpc) {
		/* :path is /package.Service/Method */
		svc = strdup(path[0] == '/' ? path + 1 : path);
		if (svc && (q = strchr(svc, '/'))) {
			*q = 0;
			meth = q + 1;
		}
		snprintf(name, sizeof(name), "%s",
			 path[0] == '/' ? path + 1 : path);
		attr_str(at, &n, "rpc.system", "grpc");
		attr_str(at, &n, "rpc.service", svc);
		attr_str(at, &n, "rpc.method", meth);
		if (s->h[H_GRPC_STATUS]) {
			code = strtol(s->h[H_GRPC_STATUS], NULL, 10);
			attr_int(at, &n, "rpc.grpc.status_code", code);
			err = grpc_error(server, code);
			snprintf(status, sizeof(status), "%ld", code);
		} else {
			err = true; /* no trailers: reset or cut */
		}
		attr_str(at, &n, "grpc.message", s->h[H_GRPC_MESSAGE]);
	} else {
		snprintf(name, sizeof(name), "%s",
			 s->h[H_METHOD] ? s->h[H_METHOD] : "HTTP");
		attr_str(at, &n, "http.request.method", s->h[H_METHOD]);
		if (s->h[H_PATH]) {
			q = strchr(s->h[H_PATH], '?');
			if (q)
				*q = 0; /* the query may carry personal data */
		}
		attr_str(at, &n, "url.path", s->h[H_PATH]);
		if (s->h[H_STATUS]) {
			code = strtol(s->h[H_STATUS], NULL, 10);
			attr_int(at, &n, "http.response.status_code", code);
			err = code >= 500 || (!server && code >= 400);
			snprintf(status, sizeof(status), "%ld", code);
		} else {
			err = true;
		}
	}
	attr_str(at, &n, "server.address", s->h[H_AUTHORITY]);
	attr_str(at, &n, "network.protocol.name", "http");
	attr_str(at, &n, "network.protocol.version", "2");
	attr_int(at, &n, "http2.stream_id", s->id);
	if (s->rst) {
		attr_int(at, &n, "http2.rst_stream_error", s->rst - 1);
		if (s->rst - 1)
			err = true;
		if (!strcmp(status, "-"))
			snprintf(status, sizeof(status), "rst");
	}
	sp.name = name;
	sp.status = err ? ET_STATUS_ERROR : ET_STATUS_UNSET;
	sp.start_unix_ns = s->start_ns + rt->wall_off;
	sp.end_unix_ns = ns + rt->wall_off;
	sp.pid = c->tgid;
	sp.tid = s->tid;
	sp.comm = s->comm;
	sp.attrs = at;
	sp.nattrs = n;
	rt->st.streams++;
	if (rt->spans)
		span_rt__deliver(rt->spans, &sp);
	red_add(rt, server, name, status, err,
		ns > s->start_ns ? (ns - s->start_ns) / 1000 : 0);
	free(svc);
}

void h2_rt__set_state_map(struct h2_rt *rt, int fd)
{
	rt->state_fd = fd;
}

/* A connection passed over: BPF stops walking it (its next preface
 * starts it again), so that its records no longer fill the ring buffer. */
static void forget(struct h2_rt *rt, uint32_t tgid, uint64_t conn)
{
	struct et_h2_key k = {tgid, 0, conn};

	if (rt->state_fd < 0)
		return;
	bpf_map_delete_elem(rt->state_fd, &k);
	k.dir = 1;
	bpf_map_delete_elem(rt->state_fd, &k);
}

/* ---- header blocks ---- */

static void keep(struct stream *s, const nghttp2_nv *nv)
{
	for (int i = 0; i < H_COUNT; i++) {
		size_t n = nv->valuelen < VAL_MAX ? nv->valuelen : VAL_MAX;

		if (nv->namelen != strlen(hnames[i]) ||
		    memcmp(nv->name, hnames[i], nv->namelen))
			continue;
		free(s->h[i]);
		s->h[i] = strndup((const char *)nv->value, n);
		return;
	}
}

/* A whole block of direction dir on stream id: decoded; the stream it
 * opens, or continues. */
static int block(struct h2_rt *rt, struct conn *c, int dir,
		 const struct et_h2_rec *r)
{
	struct dir *d = &c->d[dir];
	uint8_t *in = d->block;
	size_t left = d->blen;
	struct stream tmp = {0}, *s;
	bool end;

	if (!d->inf && nghttp2_hd_inflate_new(&d->inf))
		return -ENOMEM;
	for (;;) {
		nghttp2_nv nv;
		int fl = 0;
		ssize_t k =
		    nghttp2_hd_inflate_hd2(d->inf, &nv, &fl, in, left, 1);

		if (k < 0) {
			rt->st.hpack_err++;
			dir_reset(d, true);
			forget(rt, c->tgid, c->id);
			conn_streams_free(c);
			return 0;
		}
		in += k;
		left -= (size_t)k;
		if (fl & NGHTTP2_HD_INFLATE_EMIT)
			keep(&tmp, &nv);
		if (fl & NGHTTP2_HD_INFLATE_FINAL) {
			nghttp2_hd_inflate_end_headers(d->inf);
			break;
		}
		if (!(fl & NGHTTP2_HD_INFLATE_EMIT) && !left)
			break;
	}
	rt->st.blocks++;
	end = d->bflags & F_END_STREAM;
	s = stream_find(c, d->bstream, false);
	if (tmp.h[H_METHOD] && !s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			goto out;
		*s = tmp;
		memset(&tmp, 0, sizeof(tmp));
		s->id = d->bstream;
		s->req_dir = dir;
		s->start_ns = d->bns;
		s->tid = r->tid;
		memcpy(s->comm, r->comm, 16);
		s->next = c->streams;
		c->streams = s;
		return 0;
	}
	if (!s || dir == s->req_dir)
		goto out; /* a request's trailers, or a stream we missed */
	for (int i = 0; i < H_COUNT; i++)
		if (tmp.h[i]) {
			free(s->h[i]);
			s->h[i] = tmp.h[i];
			tmp.h[i] = NULL;
		}
	if (end) {
		stream_find(c, s->id, true);
		finish(rt, c, s, r->ns);
		stream_free(s);
	}
out:
	for (int i = 0; i < H_COUNT; i++)
		free(tmp.h[i]);
	return 0;
}

/* A frame's whole payload p[0..n) of type r->type. */
static int frame(struct h2_rt *rt, struct conn *c, int dir,
		 const struct et_h2_rec *r, const uint8_t *p, size_t n)
{
	struct dir *d = &c->d[dir];
	struct stream *s;
	size_t pad = 0;
	int err;

	switch (r->type) {
	case T_HEADERS:
		if (r->flags & F_PADDED) {
			if (!n)
				return 0;
			pad = p[0];
			p++;
			n--;
		}
		if (r->flags & F_PRIORITY) {
			if (n < 5)
				return 0;
			p += 5;
			n -= 5;
		}
		if (pad > n)
			return 0;
		n -= pad;
		d->blen = 0;
		d->in_block = true;
		d->bstream = r->stream;
		d->bflags = r->flags;
		d->bns = r->ns;
		/* fall through */
	case T_CONTINUATION:
		if (!d->in_block || r->stream != d->bstream)
			return 0;
		err = append(&d->block, &d->blen, &d->bcap, p, n);
		if (err) {
			d->in_block = false;
			return 0;
		}
		if (r->flags & F_END_HEADERS) {
			d->in_block = false;
			return block(rt, c, dir, r);
		}
		return 0;
	case T_DATA:
		s = stream_find(c, r->stream, false);
		if (s && dir != s->req_dir && (r->flags & F_END_STREAM)) {
			stream_find(c, s->id, true);
			finish(rt, c, s, r->ns);
			stream_free(s);
		}
		return 0;
	case T_RST_STREAM:
		s = stream_find(c, r->stream, true);
		if (s) {
			s->rst = 1 + (n >= 4 ? (uint32_t)p[0] << 24 |
						   (uint32_t)p[1] << 16 |
						   (uint32_t)p[2] << 8 | p[3]
					     : 0);
			finish(rt, c, s, r->ns);
			stream_free(s);
		}
		return 0;
	case T_SETTINGS:
		/* SETTINGS_HEADER_TABLE_SIZE bounds the table of the
		 * blocks the sender receives: the other direction's */
		if (r->flags & 1)
			return 0; /* ACK */
		for (size_t i = 0; i + 6 <= n; i += 6) {
			uint32_t v = (uint32_t)p[i + 2] << 24 |
				     (uint32_t)p[i + 3] << 16 |
				     (uint32_t)p[i + 4] << 8 | p[i + 5];
			struct dir *o = &c->d[1 - dir];

			if ((p[i] << 8 | p[i + 1]) != 1)
				continue;
			if (!o->inf && nghttp2_hd_inflate_new(&o->inf))
				return -ENOMEM;
			nghttp2_hd_inflate_change_table_size(o->inf, v);
		}
		return 0;
	default:
		return 0;
	}
}

int h2_rt__record(struct h2_rt *rt, const void *data, size_t size)
{
	struct et_h2_rec r;
	const uint8_t *bytes = (const uint8_t *)data + ET_H2_REC_HDR;
	struct conn *c;
	struct dir *d;
	int dir;

	if (size < ET_H2_REC_HDR)
		return -EINVAL;
	memcpy(&r, data, ET_H2_REC_HDR);
	if (r.n > ET_H2_CAP || ET_H2_REC_HDR + (size_t)r.n > size)
		return -EINVAL;
	dir = r.dir & 1;
	c = conn_get(rt, r.tgid, r.conn, r.kind == ET_H2_K_START);
	if (!c) {
		/* its start was lost (or memory ran out) */
		if (r.kind != ET_H2_K_LOST) {
			rt->st.lost++;
			forget(rt, r.tgid, r.conn);
		}
		return 0;
	}
	d = &c->d[dir];
	if (r.kind == ET_H2_K_START) {
		conn_streams_free(c);
		dir_reset(&c->d[0], false);
		dir_reset(&c->d[1], false);
		d->seq = r.seq;
		return 0;
	}
	if (r.kind == ET_H2_K_LOST) {
		rt->st.walk_lost++;
		conn_streams_free(c);
		dir_reset(&c->d[0], true);
		dir_reset(&c->d[1], true);
		return 0;
	}
	if (d->broken)
		return 0;
	if (r.seq != d->seq + 1) {
		rt->st.lost++;
		conn_streams_free(c);
		dir_reset(&c->d[0], true);
		dir_reset(&c->d[1], true);
		forget(rt, r.tgid, r.conn);
		return 0;
	}
	d->seq = r.seq;
	if (r.type == T_DATA) /* an empty record: the end of a stream */
		return frame(rt, c, dir, &r, NULL, 0);
	/* the pieces of one frame come in order, from offset 0 */
	if (r.off == 0)
		d->flen = 0;
	if (r.off != d->flen)
		return 0;
	if (r.n && append(&d->frame, &d->flen, &d->fcap, bytes, r.n))
		return 0;
	if (r.off + r.n < r.frame_len &&
	    !(r.type == T_GOAWAY && r.off + r.n >= 64))
		return 0; /* more to come */
	return frame(rt, c, dir, &r, d->frame, d->flen);
}

void h2_rt__stats(const struct h2_rt *rt, struct h2_stats *st)
{
	*st = rt->st;
	st->open = 0;
	for (int i = 0; i < NBUCKETS; i++)
		for (struct conn *c = rt->b[i]; c; c = c->next)
			for (struct stream *s = c->streams; s; s = s->next)
				st->open++;
}

/* The bucket under which half (p = 50) or 99% of the counts lie: its
 * upper bound in us. */
static uint64_t pct(const struct red *r, int p)
{
	uint64_t want = (r->count * (uint64_t)p + 99) / 100, seen = 0;

	for (int b = 0; b < RED_BUCKETS; b++) {
		seen += r->hist[b];
		if (seen >= want && seen)
			return b ? 1ULL << b : 1;
	}
	return 0;
}

void h2_rt__report(struct h2_rt *rt)
{
	struct h2_stats st;

	if (!rt)
		return;
	h2_rt__stats(rt, &st);
	if (rt->red && !rt->json)
		fprintf(rt->out, "\n%-6s %-48s %6s %8s %8s %10s %10s\n", "SIDE",
			"REQUEST", "STATUS", "COUNT", "ERRORS",
			"P50(us)<=", "P99(us)<=");
	for (struct red *r = rt->red; r; r = r->next) {
		if (rt->json) {
			fprintf(rt->out,
				"{\"type\": \"h2_red\", \"data\": {\"side\": "
				"\"%s\", \"request\": \"",
				r->server ? "server" : "client");
			for (const char *q = r->name; *q; q++)
				if (*q == '"' || *q == '\\')
					fprintf(rt->out, "\\%c", *q);
				else if ((unsigned char)*q < 0x20)
					fprintf(rt->out, "\\u%04x", *q);
				else
					fputc(*q, rt->out);
			fprintf(rt->out,
				"\", \"status\": \"%s\", \"count\": %" PRIu64
				", \"errors\": %" PRIu64
				", \"p50_us\": %" PRIu64
				", \"p99_us\": %" PRIu64 "}}\n",
				r->status, r->count, r->errors, pct(r, 50),
				pct(r, 99));
			continue;
		}
		fprintf(rt->out,
			"%-6s %-48s %6s %8" PRIu64 " %8" PRIu64 " %10" PRIu64
			" %10" PRIu64 "\n",
			r->server ? "server" : "client", r->name, r->status,
			r->count, r->errors, pct(r, 50), pct(r, 99));
	}
	if (st.lost)
		fprintf(stderr,
			"etrace: %llu HTTP/2 records lost (the ring "
			"buffer was full): their connections were passed "
			"over\n",
			st.lost);
	if (st.walk_lost)
		fprintf(stderr,
			"etrace: %llu HTTP/2 connections lost their "
			"frame boundaries (more than %d frames in one read or "
			"write, or an unreadable buffer)\n",
			st.walk_lost, ET_H2_STEPS);
	if (st.hpack_err)
		fprintf(stderr,
			"etrace: %llu HTTP/2 header blocks could not "
			"be decoded (HPACK)\n",
			st.hpack_err);
	if (st.open)
		fprintf(stderr,
			"etrace: %llu HTTP/2 streams still open at "
			"exit\n",
			st.open);
}

_Static_assert(offsetof(struct et_h2_rec, bytes) == ET_H2_REC_HDR,
	       "ET_H2_REC_HDR");
