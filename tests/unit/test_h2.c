/* runtime/h2.c without BPF: ACT_H2 records as bpf-helpers/h2.c sends
 * them (runtime/abi.h struct et_h2_rec), with header blocks encoded by
 * libnghttp2's deflater (one per direction, so that later blocks use the
 * dynamic table), made into spans; a record lost (a gap in the numbers),
 * a block HPACK refuses and a short record. */
#include <stdio.h>
#include <string.h>

#include <nghttp2/nghttp2.h>

#include "abi.h"
#include "h2.h"
#include "program.h"
#include "span.h"
#include "unit.h"

enum { DATA = 0, HEADERS = 1, RST = 3, CONT = 9 };
enum { END_STREAM = 1, END_HEADERS = 4 };

/* The spans the sink saw: their names, kinds, status and attributes as
 * "key=value" text. */
#define MAXS 8
static struct {
	char name[64];
	enum et_span_kind kind;
	enum et_span_status status;
	uint8_t trace[16], parent[8], id[8];
	bool remote;
	char attrs[512];
} got[MAXS];
static int ngot;

static int capture(void *ctx, const struct et_span *s)
{
	size_t o = 0;

	(void)ctx;
	if (ngot == MAXS)
		return 0;
	snprintf(got[ngot].name, sizeof(got[ngot].name), "%s", s->name);
	got[ngot].kind = s->kind;
	got[ngot].status = s->status;
	got[ngot].remote = s->remote_parent;
	memcpy(got[ngot].trace, s->trace_id, 16);
	memcpy(got[ngot].parent, s->parent_span_id, 8);
	memcpy(got[ngot].id, s->span_id, 8);
	for (size_t i = 0; i < s->nattrs; i++) {
		const struct et_attr *a = &s->attrs[i];
		char *p = got[ngot].attrs + o;
		size_t left = sizeof(got[ngot].attrs) - o;

		if (a->kind == ET_ATTR_STR)
			o += snprintf(p, left, "%s=%.*s ", a->key,
				      (int)a->str.len, a->str.s);
		else
			o += snprintf(p, left, "%s=%lld ", a->key,
				      (long long)a->i);
	}
	ngot++;
	return 0;
}

static struct et_program prog;
static struct span_rt *spans;
static struct h2_rt *rt;
static nghttp2_hd_deflater *defl[2];
static uint64_t seq[2];

static void setup(void)
{
	ngot = 0;
	spans = span_rt__new(&prog, stdout, false, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(spans);
	CU_ASSERT_EQUAL(span_rt__add_sink(spans, capture, NULL), 0);
	rt = h2_rt__new(spans, stdout, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	for (int d = 0; d < 2; d++) {
		CU_ASSERT_EQUAL(nghttp2_hd_deflate_new(&defl[d], 4096), 0);
		seq[d] = 0;
	}
}

static void teardown(void)
{
	for (int d = 0; d < 2; d++)
		nghttp2_hd_deflate_del(defl[d]);
	h2_rt__free(rt);
	span_rt__free(spans);
}

/* One record: n bytes at offset off of a frame of frame_len. */
static int rec(int kind, int dir, int type, int flags, uint32_t stream,
	       uint32_t frame_len, uint32_t off, const void *p, uint32_t n)
{
	static uint8_t buf[ET_H2_REC_HDR + ET_H2_CAP];
	struct et_h2_rec r = {0};

	r.conn = 7;
	r.ns = 1000000 + 1000 * (seq[0] + seq[1]);
	r.seq = ++seq[dir];
	r.tgid = 42;
	r.tid = 43;
	r.stream = stream;
	r.frame_len = frame_len;
	r.off = off;
	r.n = n;
	r.dir = (uint8_t)dir;
	r.type = (uint8_t)type;
	r.flags = (uint8_t)flags;
	r.kind = (uint8_t)kind;
	memcpy(r.comm, "srv", 4);
	memcpy(buf, &r, ET_H2_REC_HDR);
	if (n)
		memcpy(buf + ET_H2_REC_HDR, p, n);
	return h2_rt__record(rt, buf, ET_H2_REC_HDR + n);
}

static void start(int dir)
{
	seq[0] = seq[1] = 0;
	CU_ASSERT_EQUAL(rec(ET_H2_K_START, dir, 0, 0, 0, 0, 0, NULL, 0), 0);
}

#define NV(n, v)                                                               \
	{                                                                      \
		(uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, sizeof(v) - 1,  \
		    NGHTTP2_NV_FLAG_NONE                                       \
	}

/* A header block of dir, encoded with its deflater. */
static size_t block(int dir, const nghttp2_nv *nv, size_t n, uint8_t *out)
{
	ssize_t k =
	    nghttp2_hd_deflate_hd(defl[dir], out, 1024, (nghttp2_nv *)nv, n);

	CU_ASSERT(k > 0);
	return k > 0 ? (size_t)k : 0;
}

/* A block in one HEADERS frame, in one record. */
static void headers(int dir, uint32_t stream, int flags, const nghttp2_nv *nv,
		    size_t n)
{
	uint8_t b[1024];
	size_t len = block(dir, nv, n, b);

	CU_ASSERT_EQUAL(rec(ET_H2_K_FRAME, dir, HEADERS, flags | END_HEADERS,
			    stream, (uint32_t)len, 0, b, (uint32_t)len),
			0);
}

static const nghttp2_nv grpc_req[] = {
    NV(":method", "POST"),
    NV(":scheme", "http"),
    NV(":path", "/pkg.Svc/Do"),
    NV(":authority", "h:1"),
    NV("content-type", "application/grpc"),
    NV("traceparent",
       "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
};
static const nghttp2_nv grpc_resp[] = {
    NV(":status", "200"),
    NV("content-type", "application/grpc"),
};

/* A server's gRPC call: the request's block in a HEADERS frame sent in
 * two pieces and a CONTINUATION; the response, its data, its trailers
 * (END_STREAM); then a second call whose blocks use the dynamic table. */
static void test_grpc_server(void)
{
	static const uint8_t trace[16] = {0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3,
					  0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d,
					  0x0e, 0x0e, 0x47, 0x36};
	const nghttp2_nv trailers[] = {NV("grpc-status", "13"),
				       NV("grpc-message", "it broke")};
	const nghttp2_nv ok[] = {NV("grpc-status", "0")};
	uint8_t b[1024];
	size_t len, half;
	struct h2_stats st;

	setup();
	start(0);
	len = block(0, grpc_req, 6, b);
	half = len / 2;
	/* HEADERS with the first half, in two records; CONTINUATION */
	CU_ASSERT_EQUAL(
	    rec(ET_H2_K_FRAME, 0, HEADERS, 0, 1, (uint32_t)half, 0, b, 3), 0);
	CU_ASSERT_EQUAL(rec(ET_H2_K_FRAME, 0, HEADERS, 0, 1, (uint32_t)half, 3,
			    b + 3, (uint32_t)half - 3),
			0);
	CU_ASSERT_EQUAL(ngot, 0);
	CU_ASSERT_EQUAL(rec(ET_H2_K_FRAME, 0, CONT, END_HEADERS, 1,
			    (uint32_t)(len - half), 0, b + half,
			    (uint32_t)(len - half)),
			0);
	/* the request's data ends its side: not the stream */
	CU_ASSERT_EQUAL(
	    rec(ET_H2_K_FRAME, 0, DATA, END_STREAM, 1, 5, 0, NULL, 0), 0);
	headers(1, 1, 0, grpc_resp, 2);
	CU_ASSERT_EQUAL(ngot, 0);
	headers(1, 1, END_STREAM, trailers, 2);
	CU_ASSERT_EQUAL_FATAL(ngot, 1);
	CU_ASSERT_STRING_EQUAL(got[0].name, "pkg.Svc/Do");
	CU_ASSERT_EQUAL(got[0].kind, ET_SPAN_SERVER);
	CU_ASSERT_EQUAL(got[0].status, ET_STATUS_ERROR);
	CU_ASSERT(got[0].remote);
	CU_ASSERT(!memcmp(got[0].trace, trace, 16));
	CU_ASSERT(
	    !memcmp(got[0].parent, "\x00\xf0\x67\xaa\x0b\xa9\x02\xb7", 8));
	CU_ASSERT_STRING_EQUAL(
	    got[0].attrs,
	    "rpc.system=grpc rpc.service=pkg.Svc rpc.method=Do "
	    "rpc.grpc.status_code=13 grpc.message=it broke server.address=h:1 "
	    "network.protocol.name=http network.protocol.version=2 "
	    "http2.stream_id=1 ");
	/* the second call: indexed headers from the dynamic tables */
	headers(0, 3, 0, grpc_req, 5);
	headers(1, 3, 0, grpc_resp, 2);
	headers(1, 3, END_STREAM, ok, 1);
	CU_ASSERT_EQUAL_FATAL(ngot, 2);
	CU_ASSERT_STRING_EQUAL(got[1].name, "pkg.Svc/Do");
	CU_ASSERT_EQUAL(got[1].status, ET_STATUS_UNSET);
	CU_ASSERT(!got[1].remote);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(got[1].attrs, "rpc.grpc.status_code=0 server.address=h:1"));
	h2_rt__stats(rt, &st);
	CU_ASSERT_EQUAL(st.blocks, 6);
	CU_ASSERT_EQUAL(st.streams, 2);
	CU_ASSERT_EQUAL(st.open, 0);
	teardown();
}

/* A client's HTTP/2 GET: its query left out of url.path, a 404 is an
 * error, the response's DATA ends the stream. */
static void test_http_client(void)
{
	const nghttp2_nv req[] = {NV(":method", "GET"), NV(":scheme", "https"),
				  NV(":path", "/x/y?user=secret"),
				  NV(":authority", "example")};
	const nghttp2_nv resp[] = {NV(":status", "404")};

	setup();
	start(1);
	headers(1, 1, END_STREAM, req, 4);
	headers(0, 1, 0, resp, 1);
	CU_ASSERT_EQUAL(ngot, 0);
	CU_ASSERT_EQUAL(
	    rec(ET_H2_K_FRAME, 0, DATA, END_STREAM, 1, 9, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(ngot, 1);
	CU_ASSERT_STRING_EQUAL(got[0].name, "GET");
	CU_ASSERT_EQUAL(got[0].kind, ET_SPAN_CLIENT);
	CU_ASSERT_EQUAL(got[0].status, ET_STATUS_ERROR);
	CU_ASSERT_STRING_EQUAL(got[0].attrs,
			       "http.request.method=GET url.path=/x/y "
			       "http.response.status_code=404 "
			       "server.address=example "
			       "network.protocol.name=http "
			       "network.protocol.version=2 http2.stream_id=1 ");
	teardown();
}

/* A record missing (seq gap): the connection is passed over, no span
 * made up from what follows, until its next preface. A stream reset. */
static void test_lost(void)
{
	const nghttp2_nv resp[] = {NV(":status", "200")};
	struct h2_stats st;

	setup();
	start(0);
	headers(0, 1, END_STREAM, grpc_req, 6);
	seq[1]++; /* a record of the responses lost */
	headers(1, 1, END_STREAM, resp, 1);
	CU_ASSERT_EQUAL(ngot, 0);
	h2_rt__stats(rt, &st);
	CU_ASSERT_EQUAL(st.lost, 1);
	CU_ASSERT_EQUAL(st.open, 0);
	/* a new preface: fresh tables on both sides */
	nghttp2_hd_deflate_del(defl[0]);
	nghttp2_hd_deflate_del(defl[1]);
	nghttp2_hd_deflate_new(&defl[0], 4096);
	nghttp2_hd_deflate_new(&defl[1], 4096);
	start(0);
	headers(0, 1, 0, grpc_req, 6);
	CU_ASSERT_EQUAL(rec(ET_H2_K_FRAME, 1, RST, 0, 1, 4, 0, "\0\0\0\x08", 4),
			0);
	CU_ASSERT_EQUAL_FATAL(ngot, 1);
	CU_ASSERT_EQUAL(got[0].status, ET_STATUS_ERROR);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(got[0].attrs, "http2.rst_stream_error=8"));
	teardown();
}

/* A block HPACK refuses (an index past both tables), a record shorter
 * than its header or than its bytes. */
static void test_malformed(void)
{
	static const uint8_t bad[] = {0xff, 0xff, 0xff, 0x7f};
	uint8_t shortrec[ET_H2_REC_HDR - 1] = {0};
	struct h2_stats st;

	setup();
	start(0);
	CU_ASSERT_EQUAL(
	    rec(ET_H2_K_FRAME, 0, HEADERS, END_HEADERS, 1, 4, 0, bad, 4), 0);
	h2_rt__stats(rt, &st);
	CU_ASSERT_EQUAL(st.hpack_err, 1);
	CU_ASSERT_EQUAL(st.blocks, 0);
	CU_ASSERT_EQUAL(h2_rt__record(rt, shortrec, sizeof(shortrec)), -EINVAL);
	{
		uint8_t b[ET_H2_REC_HDR + 4] = {0};
		struct et_h2_rec r = {0};

		r.n = 8; /* more than follow */
		memcpy(b, &r, ET_H2_REC_HDR);
		CU_ASSERT_EQUAL(h2_rt__record(rt, b, sizeof(b)), -EINVAL);
	}
	CU_ASSERT_EQUAL(ngot, 0);
	teardown();
}

UNIT_MAIN("h2", UNIT_TEST(test_grpc_server), UNIT_TEST(test_http_client),
	  UNIT_TEST(test_lost), UNIT_TEST(test_malformed))
