/* HTTP/1.x, the HTTP/2 frame layer and WebSocket frames (proto.h).
 * HTTP/2 header blocks (HPACK) are not decoded here: they need the
 * connection's dynamic table, which lives in user space. */
#include "proto_util.h"

ET_PROTO_FN et_s64 et_http_request(const unsigned char *p, et_u64 n)
{
	return et_http_req_method(p, et_clamp(n));
}

ET_PROTO_FN et_s64 et_http_status(const unsigned char *p, et_u64 n)
{
	return et_http_resp_status(p, et_clamp(n));
}

ET_PROTO_FN et_s64 et_http_method(const unsigned char *p, et_u64 n, char *out,
				  et_u64 outsize)
{
	et_s64 m = et_http_req_method(p, et_clamp(n));

	if (!m)
		return et_none(out);
	return et_put(out, outsize, et_http_method_name(m - 1));
}

/* where a request's path starts: a scan over the request line (one
 * bpf_loop callback, not a loop the verifier walks per byte and per
 * number of slashes) */
struct path_scan {
	const unsigned char *p;
	et_u64 n;
	et_s64 start; /* -1: none; -2: an authority without a path */
	int phase;    /* 0: the method, 1: the target's first byte, 2: an
			 absolute-form target */
	int slashes;
};

static long path_step(et_u64 i, struct path_scan *s)
{
	int c;

	if (i >= s->n || i >= ET_PROTO_WINDOW)
		return 1;
	c = s->p[i];
	if (s->phase == 0) {
		s->phase = c == ' ';
		return 0;
	}
	if (s->phase == 1 && c == '/') {
		s->start = (et_s64)i;
		return 1;
	}
	s->phase = 2;
	/* "scheme://authority/path": from the third '/' */
	if (c <= ' ' || c == '?' || c == '#') {
		if (s->slashes == 2)
			s->start = -2;
		return 1;
	}
	if (c == '/' && ++s->slashes == 3) {
		s->start = (et_s64)i;
		return 1;
	}
	return 0;
}

ET_PROTO_FN et_s64 et_http_path(const unsigned char *p, et_u64 n, char *out,
				et_u64 outsize)
{
	struct path_scan s;

	n = et_clamp(n);
	if (!et_http_req_method(p, n))
		return et_none(out);
	s.p = p;
	s.n = n;
	s.start = -1;
	s.phase = 0;
	s.slashes = 0;
	ET_LOOP(ET_PROTO_WINDOW, path_step, &s);
	if (s.start == -2)
		return et_put(out, outsize, "/");
	if (s.start < 0)
		return et_none(out); /* "*", an authority, cut off */
	return et_copy(p, n, s.start, 0, ET_COPY_PATH, out, outsize);
}

/* a request target's query, after its first '?' up to a blank, '#' or
 * a control byte; redacted: each value ("a=1&b" -> "a=?&b") as '?'.
 * The output's length is kept in bytes: a counter the verifier knew
 * exactly would make each callback iteration a state of its own. */
struct query_scan {
	const unsigned char *p;
	char *out;
	et_u64 n, outsize;
	unsigned char len[2];
	int phase; /* 0: the method, 1: the target, 2: a name, 3: a value */
	int redact, cut;
};

static et_u64 query_len(const struct query_scan *s)
{
	return (s->len[0] | (et_u64)s->len[1] << 8) & (ET_PROTO_WINDOW - 1);
}

static void query_put(struct query_scan *s, int c)
{
	et_u64 l = query_len(s);

	s->out[l] = (char)c;
	l++;
	s->len[0] = (unsigned char)l;
	s->len[1] = (unsigned char)(l >> 8);
}

static long query_step(et_u64 i, struct query_scan *s)
{
	int c = et_at(s->p, s->n, i);

	if (c < 0 || i >= ET_PROTO_WINDOW) {
		s->cut = s->phase >= 2; /* the window ended inside it */
		return 1;
	}
	if (s->phase == 0) {
		s->phase = c == ' ';
		return 0;
	}
	if (c <= ' ' || c == '#' || c == 0x7f)
		return 1;
	if (s->phase == 1) {
		if (c == '?')
			s->phase = 2;
		return 0;
	}
	if (s->redact && s->phase == 3 && c != '&')
		return 0;
	if (query_len(s) + 1 >= s->outsize ||
	    query_len(s) + 2 >= ET_PROTO_WINDOW)
		return 1;
	if (s->redact && c == '=') {
		if (query_len(s) + 2 >= s->outsize)
			return 1;
		query_put(s, '=');
		query_put(s, '?');
		s->phase = 3;
		return 0;
	}
	s->phase = 2;
	query_put(s, c);
	return 0;
}

ET_PROTO_FN et_s64 et_http_query(const unsigned char *p, et_u64 n, char *out,
				 et_u64 outsize, et_s64 redact)
{
	struct query_scan s;

	n = et_clamp(n);
	if (!et_http_req_method(p, n))
		return et_none(out);
	s.p = p;
	s.out = out;
	s.n = n;
	s.outsize = outsize;
	s.len[0] = 0;
	s.len[1] = 0;
	s.phase = 0;
	s.redact = redact != 0;
	s.cut = 0;
	ET_LOOP(ET_PROTO_WINDOW, query_step, &s);
	if (s.cut || s.phase < 2)
		return et_none(out); /* no query, or one cut off */
	out[query_len(&s)] = 0;
	return (et_s64)query_len(&s);
}

ET_PROTO_FN et_s64 et_http_header(const unsigned char *p, et_u64 n, char *io,
				  et_u64 iosize)
{
	char name[32];
	et_u64 len = 0;
	et_s64 v;

	n = et_clamp(n);
	for (; len < 31 && len < iosize && io[len]; len++)
		name[len] = io[len];
	name[len] = 0;
	if (!len ||
	    (!et_http_req_method(p, n) && et_http_resp_status(p, n) < 0))
		return et_none(io);
	v = et_header_at(p, n, name, len);
	if (v < 0)
		return et_none(io);
	/* a value cut by the window would be wrong (a traceparent, a
	 * length): none */
	return et_copy(p, n, v, 0, ET_COPY_LINE, io, iosize);
}

/* the number at v (a Content-Length's value), or -1 (not one, cut
 * off) */
ET_INLINE et_s64 cl_at(const unsigned char *p, et_u64 n, et_s64 v)
{
	et_s64 len = 0;
	int digits = 0;

	if (v < 0)
		return -1;
	for (int k = 0; k < 18; k++, v++) {
		int c = et_at(p, n, v);

		if (!et_digit(c))
			break;
		len = len * 10 + c - '0';
		digits++;
	}
	/* trailing blanks (a few: bounded for the verifier) */
	for (int k = 0;
	     k < 4 && (et_at(p, n, v) == ' ' || et_at(p, n, v) == '\t'); k++)
		v++;
	if (!digits || et_at(p, n, v) != '\r')
		return -1;
	return len;
}

ET_PROTO_FN et_s64 et_http_content_length(const unsigned char *p, et_u64 n)
{
	n = et_clamp(n);
	if (!et_http_req_method(p, n) && et_http_resp_status(p, n) < 0)
		return -1;
	return cl_at(p, n, et_header_at(p, n, "content-length", 14));
}

/* Where a message's head ends (just past its blank line), for
 * http_next: one bpf_loop callback whose state is how much of
 * "\r\n\r\n" it has matched (the verifier checks a callback until its
 * states repeat: a counter of many values, such as a header name's
 * match, would make it check the window's bytes many times over) */
struct head_end {
	const unsigned char *p;
	et_u64 n;
	et_s64 end;
	unsigned char m;
};

static long head_end_step(et_u64 i, struct head_end *s)
{
	int c;

	if (i >= s->n || i >= ET_PROTO_WINDOW)
		return 1;
	c = s->p[i];
	/* m a constant on each path (0 nothing, 1 "\r", 2 "\r\n", 3
	 * "\r\n\r"): one state per value */
	if (c == '\r') {
		if (s->m == 2)
			s->m = 3;
		else
			s->m = 1;
	} else if (c == '\n' && s->m == 3) {
		s->end = (et_s64)i + 1;
		return 1;
	} else if (c == '\n' && s->m == 1) {
		s->m = 2;
	} else {
		s->m = 0;
	}
	return 0;
}

ET_PROTO_FN et_s64 et_http_next(const unsigned char *p, et_u64 n)
{
	struct head_end h;
	et_s64 st, v, cl;

	n = et_clamp(n);
	st = et_http_resp_status(p, n);
	if (!et_http_req_method(p, n) && st < 0)
		return -1;
	h.p = p;
	h.n = n;
	h.end = -1;
	h.m = 0;
	ET_LOOP(ET_PROTO_WINDOW, head_end_step, &h);
	if (h.end < 0)
		return -1; /* the head goes past the window */
	/* responses without a body */
	if ((st >= 100 && st <= 199) || st == 204 || st == 304)
		return h.end;
	v = et_header_at(p, n, "content-length", 14);
	if (v < 0)
		/* a request without a length has no body (one in chunks:
		 * what follows its head is no request line, nothing is
		 * found there); a response without one (chunked, or until
		 * the connection closes) cannot be measured */
		return st < 0 ? h.end : -1;
	cl = cl_at(p, n, v);
	return cl < 0 ? -1 : h.end + cl;
}

ET_PROTO_FN et_s64 et_h2_preface(const unsigned char *p, et_u64 n)
{
	return et_h2_is_preface(p, et_clamp(n));
}

ET_PROTO_FN et_s64 et_h2_frame(const unsigned char *p, et_u64 n, et_s64 type,
			       et_u64 field)
{
	et_u64 i;

	n = et_clamp(n);
	i = et_h2_is_preface(p, n) ? 24 : 0;
	for (int f = 0; f < 16; f++) {
		et_s64 len = et_be32(p, n, i) >> 8, id;
		int t = et_at(p, n, i + 3), flags = et_at(p, n, i + 4);

		id = et_be32(p, n, i + 5);
		if (len < 0 || id < 0)
			return -1; /* no whole frame header here */
		if (type < 0 || t == type) {
			switch (field) {
			case ET_H2_LEN:
				return len;
			case ET_H2_TYPE:
				return t;
			case ET_H2_FLAGS:
				return flags;
			default:
				return id & 0x7fffffff;
			}
		}
		i += 9 + len;
	}
	return -1;
}

/* opcodes: continuation, text, binary, close, ping, pong */
ET_INLINE int ws_opcode_ok(int op)
{
	return op <= 2 || (op >= 8 && op <= 10);
}

ET_PROTO_FN et_s64 et_ws_frame(const unsigned char *p, et_u64 n, et_u64 field)
{
	int b0, b1, op, masked;
	et_s64 len;
	et_u64 i = 2;

	n = et_clamp(n);
	b0 = et_at(p, n, 0);
	b1 = et_at(p, n, 1);
	if (b1 < 0)
		return -1;
	op = b0 & 15;
	/* RSV2 and RSV3 unused (RSV1: permessage-deflate) */
	if ((b0 & 0x30) || !ws_opcode_ok(op))
		return -1;
	masked = b1 >> 7;
	len = b1 & 127;
	if (op >= 8 && (!(b0 & 0x80) || len > 125))
		return -1; /* control frames are whole and short */
	if (len == 126) {
		len = et_at(p, n, 2) << 8 | et_at(p, n, 3);
		if (et_at(p, n, 3) < 0 || len < 126)
			return -1;
		i = 4;
	} else if (len == 127) {
		et_s64 hi = et_be32(p, n, 2), lo = et_be32(p, n, 6);

		if (hi < 0 || lo < 0 || hi >> 31 || (!hi && lo < 65536))
			return -1;
		len = hi << 32 | lo;
		i = 10;
	}
	if (field == ET_WS_OPCODE)
		return op;
	if (field == ET_WS_LEN)
		return len;
	if (field == ET_WS_HDR)
		return (et_s64)i + (masked ? 4 : 0);
	if (op != 8 || len < 2)
		return -1;
	{
		int m0 = masked ? et_at(p, n, i) : 0;
		int m1 = masked ? et_at(p, n, i + 1) : 0;
		et_u64 d = i + (masked ? 4 : 0);
		int c0 = et_at(p, n, d), c1 = et_at(p, n, d + 1);

		if (m0 < 0 || m1 < 0 || c0 < 0 || c1 < 0)
			return -1;
		return (c0 ^ m0) << 8 | (c1 ^ m1);
	}
}
