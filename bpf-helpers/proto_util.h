/* Byte access and the small recognizers the protocol parsers share
 * (proto_http.c, proto_db.c, proto_detect.c): static inline, so that
 * each file has its own copy and none calls across files (the helpers
 * are static: see helpers.h). Every read goes through et_at, which
 * answers -1 past the window n or past ET_PROTO_WINDOW. */
#ifndef ETRACE_BPF_PROTO_UTIL_H
#define ETRACE_BPF_PROTO_UTIL_H

#include "proto.h"

/* always: a BPF call takes at most five arguments, and a call kept
 * where clang chose not to inline would cost a verification per call */
#define ET_INLINE static inline __attribute__((always_inline))

/* A scan of up to nr bytes, callback per index until it returns 1: in
 * BPF bpf_loop(), whose callback the verifier checks once instead of
 * once per byte and branch (a plain loop over the window with a
 * nested match runs into the verifier's 1M instruction budget). */
#ifdef __bpf__
static long (*const et_bpf_loop)(unsigned nr, void *fn, void *ctx,
				 et_u64 flags) = (void *)181;
#define ET_LOOP(nr, fn, ctx) et_bpf_loop(nr, fn, ctx, 0)
#else
#define ET_LOOP(nr, fn, ctx)                                                   \
	do {                                                                   \
		for (et_u64 i_ = 0; i_ < (nr); i_++)                           \
			if (fn(i_, ctx))                                       \
				break;                                         \
	} while (0)
#endif

ET_INLINE et_u64 et_clamp(et_u64 n)
{
	return n < ET_PROTO_WINDOW ? n : ET_PROTO_WINDOW;
}

ET_INLINE int et_at(const unsigned char *p, et_u64 n, et_u64 i)
{
	et_u64 d;

	/* i opaque: else clang reads p[v + k] through p + v, computed
	 * once, and the verifier sees an offset its check did not bound */
	__asm__ volatile("" : "+r"(i));
	/* i < n as the sign of i - n (both are below 2^63), opaque too: a
	 * compare of i with n would narrow n's range on each side, and
	 * states that differ only in what they know of n are never pruned
	 * by the verifier (each read would double them) */
	d = i - n;
	__asm__ volatile("" : "+r"(d));
	if (!(d >> 63) || i >= ET_PROTO_WINDOW)
		return -1;
	return p[i];
}

ET_INLINE int et_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

ET_INLINE int et_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* the 4 bytes at i, big endian (-1 when cut off) */
ET_INLINE et_s64 et_be32(const unsigned char *p, et_u64 n, et_u64 i)
{
	et_s64 v = 0;

	for (int k = 0; k < 4; k++) {
		int c = et_at(p, n, i + k);

		if (c < 0)
			return -1;
		v = v << 8 | c;
	}
	return v;
}

/* out = "" and -1: a string result not found */
ET_INLINE et_s64 et_none(char *out)
{
	out[0] = 0;
	return -1;
}

/* copies a static name into out (outsize >= 1), returns its length */
ET_INLINE et_s64 et_put(char *out, et_u64 outsize, const char *s)
{
	et_u64 i = 0;

	for (; i + 1 < outsize && s[i]; i++)
		out[i] = s[i];
	out[i] = 0;
	return (et_s64)i;
}

/* HTTP/1.x request methods, in et_http_request's order */
#define ET_HTTP_METHODS 9
ET_INLINE const char *et_http_method_name(int i)
{
	switch (i) {
	case 0:
		return "GET";
	case 1:
		return "HEAD";
	case 2:
		return "POST";
	case 3:
		return "PUT";
	case 4:
		return "DELETE";
	case 5:
		return "CONNECT";
	case 6:
		return "OPTIONS";
	case 7:
		return "TRACE";
	default:
		return "PATCH";
	}
}

/* The method index + 1 when p starts "METHOD target" (the target's first
 * byte visible and not a blank), else 0. */
ET_INLINE et_s64 et_http_req_method(const unsigned char *p, et_u64 n)
{
	for (int m = 0; m < ET_HTTP_METHODS; m++) {
		const char *s = et_http_method_name(m);
		et_u64 k = 0;
		int c;

		while (s[k] && et_at(p, n, k) == s[k])
			k++;
		if (s[k] || et_at(p, n, k) != ' ')
			continue;
		c = et_at(p, n, k + 1);
		return c > ' ' && c < 0x7f ? m + 1 : 0;
	}
	return 0;
}

/* "HTTP/1.x DDD" then a blank, CR or the window's end: DDD, else -1 */
ET_INLINE et_s64 et_http_resp_status(const unsigned char *p, et_u64 n)
{
	const char *v = "HTTP/1.";
	et_s64 s = 0;
	int c;

	for (int k = 0; k < 7; k++)
		if (et_at(p, n, k) != v[k])
			return -1;
	c = et_at(p, n, 7);
	if ((c != '0' && c != '1') || et_at(p, n, 8) != ' ')
		return -1;
	for (int k = 9; k < 12; k++) {
		c = et_at(p, n, k);
		if (!et_digit(c))
			return -1;
		s = s * 10 + c - '0';
	}
	c = et_at(p, n, 12);
	if (c >= 0 && c != ' ' && c != '\r' && c != '\n')
		return -1;
	return s >= 100 && s <= 599 ? s : -1;
}

/* Copies of bytes from the window into a result, one bpf_loop callback
 * for all (a copy the verifier walks byte by byte, from a start it does
 * not know, ends at as many places, each a state for what follows) */
enum {
	ET_COPY_NUL,   /* up to max bytes or a NUL */
	ET_COPY_UPPER, /* the same, in upper case */
	ET_COPY_PATH,  /* up to a blank, '?', '#' or a control byte */
	ET_COPY_LINE,  /* up to CR or LF, without trailing blanks; the
			  window ending first: -1 */
};

struct et_copy {
	const unsigned char *p;
	char *out;
	et_u64 n, from, outsize;
	et_s64 max, len, last;
	int mode, cut;
};

static long et_copy_step(et_u64 k, struct et_copy *s)
{
	int c = et_at(s->p, s->n, s->from + k);

	if (k >= ET_PROTO_WINDOW - 1 || k + 1 >= s->outsize)
		return 1;
	if (s->mode == ET_COPY_LINE) {
		if (c < 0) {
			s->cut = 1;
			return 1;
		}
		if (c == '\r' || c == '\n')
			return 1;
	} else if (s->mode == ET_COPY_PATH) {
		if (c <= ' ' || c == '?' || c == '#' || c == 0x7f)
			return 1;
	} else if (c <= 0 || (et_s64)k >= s->max) {
		return 1;
	}
	if (s->mode == ET_COPY_UPPER && c >= 'a' && c <= 'z')
		c -= 32;
	s->out[k] = (char)c;
	s->len = (et_s64)k + 1;
	if (c != ' ' && c != '\t')
		s->last = s->len;
	return 0;
}

/* the copy from p[from] into out (outsize >= 1, at most
 * ET_PROTO_WINDOW): its length, or -1 (out "") */
ET_INLINE et_s64 et_copy(const unsigned char *p, et_u64 n, et_u64 from,
			 et_s64 max, int mode, char *out, et_u64 outsize)
{
	struct et_copy s;

	s.p = p;
	s.out = out;
	s.n = n;
	s.from = from;
	s.outsize = outsize;
	s.max = max;
	s.len = 0;
	s.last = 0;
	s.mode = mode;
	s.cut = 0;
	ET_LOOP(ET_PROTO_WINDOW, et_copy_step, &s);
	if (s.cut)
		return et_none(out);
	if (mode == ET_COPY_LINE && s.len + 1 < (et_s64)outsize)
		s.len = s.last; /* whole: without its trailing blanks */
	out[s.len & (ET_PROTO_WINDOW - 1)] = 0;
	return s.len;
}

/* The search for a header's value in a message's head: its state, in
 * the caller's frame */
struct et_hdr_scan {
	const unsigned char *p;
	et_u64 n, len, k;
	et_s64 found;
	int line_start, matching, blanks;
	char name[32]; /* lower case */
};

static long et_hdr_step(et_u64 i, struct et_hdr_scan *s)
{
	int c;

	if (i >= s->n || i >= ET_PROTO_WINDOW)
		return 1;
	c = s->p[i];
	if (s->blanks) {
		/* after the ':', the value's first byte */
		if (c == ' ' || c == '\t')
			return 0;
		s->found = (et_s64)i;
		return 1;
	}
	if (s->line_start) {
		if (c == '\r' || c == '\n')
			return 1; /* the blank line: the end of the head */
		s->k = 0;
		s->matching = 1;
		s->line_start = 0;
	}
	if (s->matching) {
		if (s->k >= s->len || s->k >= 31) {
			if (c == ':') {
				s->blanks = 1;
				return 0;
			}
			s->matching = 0;
		} else if (et_lower(c) == s->name[s->k]) {
			s->k++;
		} else {
			s->matching = 0;
		}
	}
	if (c == '\n')
		s->line_start = 1;
	return 0;
}

/* The offset of the value of header name (len bytes, any case, at most
 * 31), after the blanks that lead it, in the head of a message, or -1
 * (also when the window ends before the value); the first line is the request
 * or status line, a blank line ends the head */
ET_INLINE et_s64 et_header_at(const unsigned char *p, et_u64 n,
			      const char *name, et_u64 len)
{
	struct et_hdr_scan s;

	s.p = p;
	s.n = n;
	s.len = len;
	s.k = 0;
	s.found = -1;
	s.line_start = 0;
	s.matching = 0;
	s.blanks = 0;
	for (int k = 0; k < 32; k++)
		s.name[k] = k < (int)len ? (char)et_lower(name[k]) : 0;
	ET_LOOP(ET_PROTO_WINDOW, et_hdr_step, &s);
	return s.found;
}

/* the HTTP/2 client connection preface, 24 bytes */
ET_INLINE int et_h2_is_preface(const unsigned char *p, et_u64 n)
{
	const char *s = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

	for (int k = 0; k < 24; k++)
		if (et_at(p, n, k) != s[k])
			return 0;
	return 1;
}

/* A decimal number starting at *i and ended by CR LF: the number (and
 * *i just past the LF), or -1. neg: "-1" allowed (returns -2). */
ET_INLINE et_s64 et_crlf_number(const unsigned char *p, et_u64 n, et_u64 *i,
				int neg)
{
	et_s64 v = 0;
	int digits = 0, minus = 0, c;

	if (neg && et_at(p, n, *i) == '-') {
		minus = 1;
		(*i)++;
	}
	for (int k = 0; k < 10; k++) {
		c = et_at(p, n, *i);
		if (!et_digit(c))
			break;
		v = v * 10 + c - '0';
		digits++;
		(*i)++;
	}
	if (!digits || et_at(p, n, *i) != '\r' || et_at(p, n, *i + 1) != '\n')
		return -1;
	*i += 2;
	if (minus)
		return v == 1 ? -2 : -1;
	return v;
}

/* A RESP array of bulk strings: "*N\r\n$L\r\n" with N >= 1; the offset
 * of the first bulk string's bytes (and its length in *len), or -1. */
ET_INLINE et_s64 et_resp_array(const unsigned char *p, et_u64 n, et_s64 *len)
{
	et_u64 i = 1;
	et_s64 v;

	if (et_at(p, n, 0) != '*')
		return -1;
	v = et_crlf_number(p, n, &i, 0);
	if (v < 1 || et_at(p, n, i) != '$')
		return -1;
	i++;
	*len = et_crlf_number(p, n, &i, 0);
	return *len < 0 ? -1 : (et_s64)i;
}

/* PostgreSQL's untyped first messages: a startup message (protocol 3.0),
 * an SSLRequest or a GSSENCRequest, whole in 8+ bytes */
ET_INLINE int et_pg_startup(const unsigned char *p, et_u64 n)
{
	et_s64 len = et_be32(p, n, 0), code = et_be32(p, n, 4);

	if (len == 8 && (code == 80877103 || code == 80877104))
		return 1;
	return code == 196608 && len >= 8 && len <= 10000;
}

/* The MySQL packet header: the payload length (>= 1), -1 when the four
 * bytes are not there */
ET_INLINE et_s64 et_mysql_len(const unsigned char *p, et_u64 n)
{
	int a = et_at(p, n, 0), b = et_at(p, n, 1), c = et_at(p, n, 2);

	if (a < 0 || b < 0 || c < 0 || et_at(p, n, 3) < 0)
		return -1;
	return a | b << 8 | c << 16;
}

/* The server greeting: sequence 0, protocol 10, a version "N.N..." */
ET_INLINE int et_mysql_greeting(const unsigned char *p, et_u64 n)
{
	et_s64 len = et_mysql_len(p, n);

	return len >= 20 && len < 1024 && et_at(p, n, 3) == 0 &&
	       et_at(p, n, 4) == 10 && et_digit(et_at(p, n, 5)) &&
	       (et_at(p, n, 6) == '.' || et_digit(et_at(p, n, 6)));
}

#endif
