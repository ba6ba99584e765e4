/* Unit tests of the protocol parsers of bpf-helpers/proto_*.c, compiled
 * for the host: golden answers on messages as real clients and servers
 * write them (curl, nginx, nghttp, redis-cli, psql, MariaDB; the runtime
 * tests, tests/runtime/proto*.sh, run the parsers on the real ones),
 * then the same bytes cut at every length (a truncated window answers
 * "not found" or the same answer, never a different one) and bytes
 * made wrong. */
#include <stdint.h>
#include <stdio.h>

#include "unit.h"

#include "../../bpf-helpers/hist.c"
#include "../../bpf-helpers/proto_db.c"
#include "../../bpf-helpers/proto_detect.c"
#include "../../bpf-helpers/proto_http.c"
#include "../../bpf-helpers/str.c"

#define U(s) ((const unsigned char *)(s))
#define N(s) (sizeof(s) - 1)

/* curl 7.88 and nginx 1.22, as they went over a socket */
static const char curl_get[] =
    "GET /index.html?user=ann&x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
    "User-Agent: curl/7.88.1\r\nAccept: */*\r\n"
    "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n"
    "\r\n";
static const char nginx_404[] =
    "HTTP/1.1 404 Not Found\r\nServer: nginx/1.22.1\r\n"
    "Date: Mon, 07 Dec 2026 07:40:00 GMT\r\nContent-Type: text/html\r\n"
    "Content-Length: 153\r\nConnection: keep-alive\r\n\r\n<html>";
static const char post[] =
    "POST http://example.com/api/v1/items#frag HTTP/1.1\r\n"
    "content-length:  42 \r\nHOST: example.com\r\n\r\n{\"a\":1}";
static const char ws_upgrade_req[] =
    "GET /chat HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";

static char out[64];

static long long method(const char *s, size_t n)
{
	return et_http_method(U(s), n, out, sizeof(out));
}

static long long header(const char *s, size_t n, const char *name, size_t size)
{
	snprintf(out, sizeof(out), "%s", name);
	return et_http_header(U(s), n, out, size);
}

static void test_http_request(void)
{
	CU_ASSERT_EQUAL(et_http_request(U(curl_get), N(curl_get)), 1);
	CU_ASSERT_EQUAL(method(curl_get, N(curl_get)), 3);
	CU_ASSERT_STRING_EQUAL(out, "GET");
	CU_ASSERT_EQUAL(et_http_path(U(curl_get), N(curl_get), out, 64), 11);
	CU_ASSERT_STRING_EQUAL(out, "/index.html");
	CU_ASSERT_EQUAL(et_http_status(U(curl_get), N(curl_get)), -1);
	CU_ASSERT_EQUAL(et_http_request(U(post), N(post)), 3);
	CU_ASSERT_EQUAL(et_http_path(U(post), N(post), out, 64), 13);
	CU_ASSERT_STRING_EQUAL(out, "/api/v1/items");
	/* a path longer than out keeps what fits */
	CU_ASSERT_EQUAL(et_http_path(U(curl_get), N(curl_get), out, 5), 4);
	CU_ASSERT_STRING_EQUAL(out, "/ind");
	/* every method */
	for (int m = 0; m < ET_HTTP_METHODS; m++) {
		char req[64];
		int n = snprintf(req, sizeof(req), "%s / HTTP/1.0\r\n\r\n",
				 et_http_method_name(m));

		CU_ASSERT_EQUAL(et_http_request(U(req), n), m + 1);
	}
	CU_ASSERT_EQUAL(et_http_request(U("OPTIONS * HTTP/1.1\r\n"), 20), 7);
	CU_ASSERT_EQUAL(et_http_path(U("OPTIONS * HTTP/1.1\r\n"), 20, out, 64),
			-1);
	CU_ASSERT_STRING_EQUAL(out, "");
}

/* the query, raw and redacted, and where there is none or it is cut */
static void test_http_query(void)
{
	static const char q[] = "GET /s?q=a%20b&empty=&flag&x=1=2#f HTTP/1.1\r\n";

	CU_ASSERT_EQUAL(et_http_query(U(curl_get), N(curl_get), out, 64, 0),
			12);
	CU_ASSERT_STRING_EQUAL(out, "user=ann&x=1");
	CU_ASSERT_EQUAL(et_http_query(U(curl_get), N(curl_get), out, 64, 1),
			10);
	CU_ASSERT_STRING_EQUAL(out, "user=?&x=?");
	CU_ASSERT_EQUAL(et_http_query(U(q), N(q), out, 64, 0), 25);
	CU_ASSERT_STRING_EQUAL(out, "q=a%20b&empty=&flag&x=1=2");
	CU_ASSERT_EQUAL(et_http_query(U(q), N(q), out, 64, 1), 20);
	CU_ASSERT_STRING_EQUAL(out, "q=?&empty=?&flag&x=?");
	/* no query; a response; the window ends inside the query */
	CU_ASSERT_EQUAL(et_http_query(U(post), N(post), out, 64, 1), -1);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_EQUAL(et_http_query(U(nginx_404), N(nginx_404), out, 64, 0),
			-1);
	CU_ASSERT_EQUAL(et_http_query(U(q), 12, out, 64, 0), -1);
	CU_ASSERT_STRING_EQUAL(out, "");
	/* longer than out: what fits */
	CU_ASSERT_EQUAL(et_http_query(U(curl_get), N(curl_get), out, 5, 0), 4);
	CU_ASSERT_STRING_EQUAL(out, "user");
}

static void test_http_malformed(void)
{
	static const char *const bad[] = {
	    "get / HTTP/1.1\r\n",
	    "GET  / HTTP/1.1\r\n",
	    "GETX / HTTP/1.1\r\n",
	    "GET\t/ HTTP/1.1\r\n",
	    "\x16\x03\x01\x02\x00",
	    "HTTP/2 200\r\n",
	    "HTTP/1.1 20x OK\r\n",
	    "HTTP/1.1 099 X\r\n",
	    "HTTP/1.2 200 OK\r\n",
	    "HTTP/1.1 2000 OK\r\n",
	    "",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = strlen(bad[i]);

		CU_ASSERT_EQUAL(et_http_request(U(bad[i]), n), 0);
		CU_ASSERT_EQUAL(et_http_status(U(bad[i]), n), -1);
		CU_ASSERT_EQUAL(et_proto_detect(U(bad[i]), n, out, 64) >= 0 &&
				    !strcmp(out, "http"),
				0);
	}
}

static void test_http_response(void)
{
	CU_ASSERT_EQUAL(et_http_status(U(nginx_404), N(nginx_404)), 404);
	CU_ASSERT_EQUAL(et_http_request(U(nginx_404), N(nginx_404)), 0);
	CU_ASSERT_EQUAL(et_http_status(U("HTTP/1.0 200\r\n"), 14), 200);
	CU_ASSERT_EQUAL(et_http_status(U("HTTP/1.1 204"), 12), 204);
	CU_ASSERT_EQUAL(et_http_content_length(U(nginx_404), N(nginx_404)),
			153);
	CU_ASSERT_EQUAL(et_http_content_length(U(post), N(post)), 42);
	CU_ASSERT_EQUAL(et_http_content_length(U(curl_get), N(curl_get)), -1);
}

static void test_http_headers(void)
{
	CU_ASSERT_EQUAL(header(curl_get, N(curl_get), "Host", 64), 14);
	CU_ASSERT_STRING_EQUAL(out, "127.0.0.1:8080");
	CU_ASSERT_EQUAL(header(curl_get, N(curl_get), "traceparent", 64), 55);
	CU_ASSERT_STRING_EQUAL(
	    out, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
	CU_ASSERT_EQUAL(header(post, N(post), "host", 64), 11);
	CU_ASSERT_STRING_EQUAL(out, "example.com");
	CU_ASSERT_EQUAL(header(post, N(post), "Content-Length", 64), 2);
	CU_ASSERT_STRING_EQUAL(out, "42");
	CU_ASSERT_EQUAL(header(nginx_404, N(nginx_404), "connection", 64), 10);
	CU_ASSERT_STRING_EQUAL(out, "keep-alive");
	/* absent; a prefix of a name; in the body; not a message */
	CU_ASSERT_EQUAL(header(curl_get, N(curl_get), "cookie", 64), -1);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_EQUAL(header(curl_get, N(curl_get), "hos", 64), -1);
	CU_ASSERT_EQUAL(header(curl_get, N(curl_get), "Accept", 64), 3);
	CU_ASSERT_EQUAL(
	    header("HTTP/1.1 200 OK\r\n\r\nHost: x\r\n", 28, "host", 64), -1);
	CU_ASSERT_EQUAL(header("Host: x\r\n", 9, "host", 64), -1);
	/* longer than the result: what fits */
	CU_ASSERT_EQUAL(header(curl_get, N(curl_get), "host", 5), 4);
	CU_ASSERT_STRING_EQUAL(out, "127.");
}

/* cut at every length: a parser answers as on the whole message or "not
 * found", never something else */
static void test_http_truncated(void)
{
	const char *msgs[] = {curl_get, nginx_404, post, ws_upgrade_req};

	for (size_t m = 0; m < 4; m++) {
		size_t full = strlen(msgs[m]);
		long long req = et_http_request(U(msgs[m]), full);
		long long st = et_http_status(U(msgs[m]), full);
		long long cl = et_http_content_length(U(msgs[m]), full);
		char path[64], host[64];
		long long pl = et_http_path(U(msgs[m]), full, path, 64);
		long long hl = header(msgs[m], full, "host", 64);

		memcpy(host, out, sizeof(host));
		for (size_t n = 0; n < full; n++) {
			long long r = et_http_request(U(msgs[m]), n);

			CU_ASSERT(r == 0 || r == req);
			r = et_http_status(U(msgs[m]), n);
			CU_ASSERT(r == -1 || r == st);
			r = et_http_content_length(U(msgs[m]), n);
			CU_ASSERT(r == -1 || r == cl);
			r = et_http_path(U(msgs[m]), n, out, 64);
			/* a path cut by the window is a prefix of it */
			CU_ASSERT(r == -1 ||
				  (r <= pl && !strncmp(out, path, r)));
			r = header(msgs[m], n, "host", 64);
			CU_ASSERT(r == -1 || (r == hl && !strcmp(out, host)));
		}
	}
}

/* pipelining: three requests in one write (a client of the runtime
 * test's), three responses in one read, as nginx 1.22 and Python's
 * http.server (HTTP/1.1) answer them */
static const char pipe_reqs[] =
    "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
    "POST /b?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
    "HEAD /c HTTP/1.1\r\nHost: x\r\n\r\n";
static const char pipe_resps[] =
    "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Length: 2\r\n"
    "Connection: keep-alive\r\n\r\nhi"
    "HTTP/1.1 404 Not Found\r\nContent-Length:  0 \r\n\r\n"
    "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n"
    "HTTP/1.1 100 Continue\r\n\r\n"
    "HTTP/1.1 204 No Content\r\n\r\n"
    "HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11.2\r\n\r\nrest";

static void test_http_next(void)
{
	const size_t want_req[] = {28, 55, 29};
	const long long want_resp[] = {86, 47, 48, 25, 27, -1};
	size_t at = 0, k;
	char path[64];

	for (k = 0; k < 3; k++) {
		long long n = et_http_next(U(pipe_reqs + at), N(pipe_reqs) - at);

		CU_ASSERT_EQUAL(n, (long long)want_req[k]);
		CU_ASSERT(et_http_request(U(pipe_reqs + at), n) != 0);
		if (n < 0)
			return;
		at += (size_t)n;
	}
	CU_ASSERT_EQUAL(at, N(pipe_reqs));
	CU_ASSERT_EQUAL(et_http_path(U(pipe_reqs + 28), N(pipe_reqs) - 28,
				     path, 64),
			2);
	CU_ASSERT_STRING_EQUAL(path, "/b");
	for (at = 0, k = 0; k < 6; k++) {
		long long n =
		    et_http_next(U(pipe_resps + at), N(pipe_resps) - at);

		CU_ASSERT_EQUAL(n, want_resp[k]);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	CU_ASSERT_EQUAL(k, 5);
	CU_ASSERT_EQUAL(et_http_status(U(pipe_resps + at), N(pipe_resps) - at),
			200);
	/* cut before the head's end: none; after it, the same answer
	 * (the length comes from the head, the body need not be there) */
	for (size_t n = 0; n < 28; n++)
		CU_ASSERT_EQUAL(et_http_next(U(pipe_reqs), n), -1);
	CU_ASSERT_EQUAL(et_http_next(U(pipe_resps), 84), 86);
	for (size_t n = 0; n < 84; n++)
		CU_ASSERT_EQUAL(et_http_next(U(pipe_resps), n), -1);
	/* malformed: not a message, a length not a number, chunked, a
	 * head longer than the window, a bare LF line end */
	CU_ASSERT_EQUAL(et_http_next(U("hello\r\n\r\n"), 9), -1);
	CU_ASSERT_EQUAL(
	    et_http_next(U("HTTP/1.1 200 OK\r\nContent-Length: x1\r\n\r\n"), 39),
	    -1);
	CU_ASSERT_EQUAL(
	    et_http_next(U("POST / HTTP/1.1\r\nContent-Length: 12345678901234567890\r\n\r\n"),
			 57),
	    -1);
	CU_ASSERT_EQUAL(
	    et_http_next(U("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			   "2\r\nhi\r\n0\r\n\r\n"),
			 59),
	    -1);
	CU_ASSERT_EQUAL(et_http_next(U("GET / HTTP/1.1\n\n"), 16), -1);
	{
		static char big[ET_PROTO_WINDOW + 64];

		memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
		memset(big + 19, 'a', sizeof(big) - 19);
		memcpy(big + sizeof(big) - 4, "\r\n\r\n", 4);
		CU_ASSERT_EQUAL(et_http_next(U(big), sizeof(big)), -1);
	}
}

static void test_h2(void)
{
	/* nghttp's first write: the preface, SETTINGS (2 settings), then
	 * HEADERS on stream 1 (END_STREAM|END_HEADERS) */
	static const unsigned char c[] =
	    "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
	    "\x00\x00\x0c\x04\x00\x00\x00\x00\x00"
	    "\x00\x03\x00\x00\x00\x64\x00\x04\x00\x00\xff\xff"
	    "\x00\x00\x05\x01\x05\x00\x00\x00\x01"
	    "\x82\x86\x84\x41\x8a";
	/* RST_STREAM on stream 3, GOAWAY */
	static const unsigned char rst[] =
	    "\x00\x00\x04\x03\x00\x00\x00\x00\x03\x00\x00\x00\x08"
	    "\x00\x00\x08\x07\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00"
	    "\x00";
	size_t n = sizeof(c) - 1;

	CU_ASSERT_EQUAL(et_h2_preface(c, n), 1);
	CU_ASSERT_EQUAL(et_h2_preface(c, 23), 0);
	CU_ASSERT_EQUAL(et_h2_frame(c, n, -1, ET_H2_TYPE), 4);
	CU_ASSERT_EQUAL(et_h2_frame(c, n, -1, ET_H2_LEN), 12);
	CU_ASSERT_EQUAL(et_h2_frame(c, n, 1, ET_H2_STREAM), 1);
	CU_ASSERT_EQUAL(et_h2_frame(c, n, 1, ET_H2_FLAGS), 5);
	CU_ASSERT_EQUAL(et_h2_frame(c, n, 1, ET_H2_LEN), 5);
	CU_ASSERT_EQUAL(et_h2_frame(c, n, 0, ET_H2_TYPE), -1);
	/* the HEADERS frame's header cut off */
	CU_ASSERT_EQUAL(et_h2_frame(c, 24 + 9 + 12 + 8, 1, ET_H2_STREAM), -1);
	CU_ASSERT_EQUAL(et_h2_frame(rst, sizeof(rst) - 1, 3, ET_H2_STREAM), 3);
	CU_ASSERT_EQUAL(et_h2_frame(rst, sizeof(rst) - 1, 7, ET_H2_LEN), 8);
	CU_ASSERT_EQUAL(et_h2_frame(rst, 8, -1, ET_H2_TYPE), -1);
	CU_ASSERT_EQUAL(et_proto_detect(c, n, out, 64), 5);
	CU_ASSERT_STRING_EQUAL(out, "http2");
	/* the server's first frame, SETTINGS */
	CU_ASSERT_EQUAL(et_proto_detect(c + 24, 9 + 12, out, 64), 5);
	CU_ASSERT_EQUAL(et_proto_detect(rst, 13, out, 64), -1);
}

static void test_websocket(void)
{
	/* RFC 6455 5.7: a masked "Hello", an unmasked one; a close frame
	 * with code 1000, masked (37 fa 21 3d); a 256-byte binary frame;
	 * a ping */
	static const unsigned char hello_m[] =
	    "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
	static const unsigned char hello[] = "\x01\x03Hel";
	static const unsigned char close_m[] =
	    "\x88\x82\x37\xfa\x21\x3d\x34\x12";
	static const unsigned char bin[] = "\x82\x7e\x01\x00";
	static const unsigned char bad[] = "\x81\x7e\x00\x10"; /* 16 as 126 */

	CU_ASSERT_EQUAL(et_ws_frame(hello_m, 11, ET_WS_OPCODE), 1);
	CU_ASSERT_EQUAL(et_ws_frame(hello_m, 11, ET_WS_LEN), 5);
	CU_ASSERT_EQUAL(et_ws_frame(hello_m, 11, ET_WS_CLOSE), -1);
	CU_ASSERT_EQUAL(et_ws_frame(hello, 5, ET_WS_LEN), 3);
	CU_ASSERT_EQUAL(et_ws_frame(close_m, 8, ET_WS_OPCODE), 8);
	CU_ASSERT_EQUAL(et_ws_frame(close_m, 8, ET_WS_CLOSE), 1000);
	CU_ASSERT_EQUAL(et_ws_frame(close_m, 7, ET_WS_CLOSE), -1);
	CU_ASSERT_EQUAL(et_ws_frame(U("\x88\x02\x03\xe9"), 4, ET_WS_CLOSE),
			1001);
	CU_ASSERT_EQUAL(et_ws_frame(hello_m, 11, ET_WS_HDR), 6);
	CU_ASSERT_EQUAL(et_ws_frame(hello, 5, ET_WS_HDR), 2);
	CU_ASSERT_EQUAL(et_ws_frame(bin, 4, ET_WS_HDR), 4);
	CU_ASSERT_EQUAL(et_ws_frame(bin, 3, ET_WS_HDR), -1);
	CU_ASSERT_EQUAL(et_ws_frame(U("\x82\xff\0\0\0\0\0\x01\0\0\1\2\3\4"),
				    14, ET_WS_HDR),
			14);
	CU_ASSERT_EQUAL(et_ws_frame(bin, 4, ET_WS_LEN), 256);
	CU_ASSERT_EQUAL(et_ws_frame(bin, 3, ET_WS_LEN), -1);
	CU_ASSERT_EQUAL(et_ws_frame(bad, 4, ET_WS_LEN), -1);
	CU_ASSERT_EQUAL(et_ws_frame(U("\x89\x00"), 2, ET_WS_OPCODE), 9);
	CU_ASSERT_EQUAL(et_ws_frame(U("\x09\x00"), 2, ET_WS_OPCODE), -1);
	CU_ASSERT_EQUAL(et_ws_frame(U("\x83\x00"), 2, ET_WS_OPCODE), -1);
	CU_ASSERT_EQUAL(et_ws_frame(U("\xc1\x00"), 2, ET_WS_OPCODE), 1);
	CU_ASSERT_EQUAL(et_ws_frame(U("\xa1\x00"), 2, ET_WS_OPCODE), -1);
	CU_ASSERT_EQUAL(et_ws_frame(U("\x81"), 1, ET_WS_OPCODE), -1);
	CU_ASSERT_EQUAL(
	    et_proto_detect(U(ws_upgrade_req), N(ws_upgrade_req), out, 64), 9);
	CU_ASSERT_STRING_EQUAL(out, "websocket");
	CU_ASSERT_EQUAL(et_proto_detect(U(curl_get), N(curl_get), out, 64), 4);
	CU_ASSERT_STRING_EQUAL(out, "http");
}

static long long resp_type(const char *s, size_t n)
{
	return et_resp_type(U(s), n, out, sizeof(out));
}

static void test_redis(void)
{
	/* redis-cli 7.0: "set k v" and "get k" */
	static const char set[] = "*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n";
	static const char cl[] = "*2\r\n$6\r\nCLIENT\r\n$4\r\nINFO\r\n";

	CU_ASSERT_EQUAL(et_resp_command(U(set), N(set), out, 64), 3);
	CU_ASSERT_STRING_EQUAL(out, "SET");
	CU_ASSERT_EQUAL(et_resp_command(U(cl), N(cl), out, 64), 6);
	CU_ASSERT_STRING_EQUAL(out, "CLIENT");
	for (size_t n = 0; n < 12; n++)
		CU_ASSERT_EQUAL(et_resp_command(U(set), n, out, 64), -1);
	CU_ASSERT_EQUAL(et_resp_command(U(set), 12, out, 64), 3);
	CU_ASSERT_EQUAL(et_resp_command(U("*0\r\n"), 4, out, 64), -1);
	CU_ASSERT_EQUAL(et_resp_command(U("*1\r\n$3\r\nGETX\r\n"), 14, out, 64),
			-1);
	CU_ASSERT_EQUAL(et_resp_command(U("*x\r\n$3\r\nGET\r\n"), 13, out, 64),
			-1);
	CU_ASSERT_EQUAL(resp_type("+OK\r\n", 5), 6);
	CU_ASSERT_STRING_EQUAL(out, "string");
	CU_ASSERT_EQUAL(resp_type("-ERR unknown command 'x'\r\n", 26), 5);
	CU_ASSERT_STRING_EQUAL(out, "error");
	CU_ASSERT_EQUAL(resp_type(":-12\r\n", 6), 7);
	CU_ASSERT_STRING_EQUAL(out, "integer");
	CU_ASSERT_EQUAL(resp_type(":1000\r\n", 7), 7);
	CU_ASSERT_EQUAL(resp_type("$1\r\nv\r\n", 7), 4);
	CU_ASSERT_STRING_EQUAL(out, "bulk");
	CU_ASSERT_EQUAL(resp_type("$-1\r\n", 5), 4);
	CU_ASSERT_STRING_EQUAL(out, "null");
	CU_ASSERT_EQUAL(resp_type("*-1\r\n", 5), 4);
	CU_ASSERT_EQUAL(resp_type("*2\r\n$1\r\na\r\n", 11), 5);
	CU_ASSERT_STRING_EQUAL(out, "array");
	CU_ASSERT_EQUAL(resp_type("_\r\n", 3), 4);
	CU_ASSERT_EQUAL(resp_type("#t\r\n", 4), 7);
	CU_ASSERT_EQUAL(resp_type("%1\r\n", 4), 3);
	CU_ASSERT_STRING_EQUAL(out, "map");
	CU_ASSERT_EQUAL(resp_type("$-2\r\n", 5), -1);
	CU_ASSERT_EQUAL(resp_type("$1", 2), -1);
	CU_ASSERT_EQUAL(resp_type(":\r\n", 3), -1);
	CU_ASSERT_EQUAL(resp_type("+O\x01K\r\n", 6), -1);
	CU_ASSERT_EQUAL(resp_type("GET / HTTP", 10), -1);
	CU_ASSERT_EQUAL(resp_type("", 0), -1);
	CU_ASSERT_EQUAL(et_proto_detect(U(set), N(set), out, 64), 5);
	CU_ASSERT_STRING_EQUAL(out, "redis");
}

/* psql 15: a startup message, "select 1" as a simple query, and the
 * server's answers; libpq's extended query (Parse Bind Describe Execute
 * Sync) */
static const unsigned char pg_startup[] =
    "\x00\x00\x00\x23\x00\x03\x00\x00user\0postgres\0database\0db\0\0";
static const unsigned char pg_q[] = "Q\x00\x00\x00\x0dselect 1\0";
static const unsigned char pg_ok[] =
    "T\x00\x00\x00\x1f\x00\x01?column?\0\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00"
    "D\x00\x00\x00\x0b\x00\x01\x00\x00\x00\x01"
    "1"
    "C\x00\x00\x00\x0dSELECT 1\0"
    "Z\x00\x00\x00\x05I";
static const unsigned char pg_err[] =
    "E\x00\x00\x00\x63SERROR\0VERROR\0C42P01\0"
    "Mrelation \"nope\" does not exist\0Fparse_relation.c\0L1392\0"
    "RparserOpenTable\0\0"
    "Z\x00\x00\x00\x05I";
static const unsigned char pg_ext[] =
    "P\x00\x00\x00\x1a\0select $1::int\0\x00\x01\x00\x00\x00\x17"
    "B\x00\x00\x00\x0c\0\0\x00\x00\x00\x00\x00\x00"
    "S\x00\x00\x00\x04";

static void test_pgsql(void)
{
	CU_ASSERT_EQUAL(et_pg_type(pg_startup, sizeof(pg_startup) - 1), 0);
	CU_ASSERT_EQUAL(et_pg_type(pg_q, sizeof(pg_q) - 1), 'Q');
	CU_ASSERT_EQUAL(et_pg_type(pg_ok, sizeof(pg_ok) - 1), 'T');
	CU_ASSERT_EQUAL(et_pg_type(U("\x00\x00\x00\x08\x04\xd2\x16\x2f"), 8),
			0);
	CU_ASSERT_EQUAL(et_pg_type(U("Q\x00\x00\x00"), 4), -1);
	CU_ASSERT_EQUAL(et_pg_type(U("x\x00\x00\x00\x05"), 5), -1);
	CU_ASSERT_EQUAL(et_pg_query(pg_q, sizeof(pg_q) - 1, out, 64), 8);
	CU_ASSERT_STRING_EQUAL(out, "select 1");
	CU_ASSERT_EQUAL(et_pg_query(pg_q, 9, out, 64), 4);
	CU_ASSERT_STRING_EQUAL(out, "sele");
	CU_ASSERT_EQUAL(et_pg_query(pg_ext, sizeof(pg_ext) - 1, out, 64), 14);
	CU_ASSERT_STRING_EQUAL(out, "select $1::int");
	CU_ASSERT_EQUAL(et_pg_type(pg_ext, sizeof(pg_ext) - 1), 'P');
	CU_ASSERT_EQUAL(et_pg_query(pg_ok, sizeof(pg_ok) - 1, out, 64), -1);
	CU_ASSERT_EQUAL(et_pg_result(pg_ok, sizeof(pg_ok) - 1, out, 64, 'C'),
			8);
	CU_ASSERT_STRING_EQUAL(out, "SELECT 1");
	CU_ASSERT_EQUAL(et_pg_result(pg_ok, sizeof(pg_ok) - 1, out, 64, 'E'),
			-1);
	CU_ASSERT_EQUAL(et_pg_result(pg_err, sizeof(pg_err) - 1, out, 64, 'E'),
			5);
	CU_ASSERT_STRING_EQUAL(out, "42P01");
	CU_ASSERT_EQUAL(et_pg_result(pg_err, sizeof(pg_err) - 1, out, 64, 'C'),
			-1);
	/* the error alone, its ReadyForQuery sent after */
	CU_ASSERT_EQUAL(et_pg_result(pg_err, sizeof(pg_err) - 7, out, 64, 'E'),
			5);
	CU_ASSERT_STRING_EQUAL(out, "42P01");
	CU_ASSERT_EQUAL(et_pg_result(pg_err, sizeof(pg_err) - 8, out, 64, 'E'),
			-1);
	/* the tail of a long response: only its last bytes */
	CU_ASSERT_EQUAL(
	    et_pg_result(pg_ok + 40, sizeof(pg_ok) - 41, out, 64, 'C'), 8);
	/* not ended by ReadyForQuery: the response goes on */
	CU_ASSERT_EQUAL(et_pg_result(pg_ok, sizeof(pg_ok) - 7, out, 64, 'C'),
			-1);
	CU_ASSERT_EQUAL(
	    et_proto_detect(pg_startup, sizeof(pg_startup) - 1, out, 64), 10);
	CU_ASSERT_STRING_EQUAL(out, "postgresql");
	CU_ASSERT_EQUAL(et_proto_detect(pg_q, sizeof(pg_q) - 1, out, 64), 10);
	CU_ASSERT_EQUAL(et_proto_detect(pg_q, sizeof(pg_q) - 2, out, 64), -1);
}

/* the MariaDB 10.11 client and server: COM_QUERY "select 1", its
 * result's column count, an OK, an ERR 1146, the greeting */
static const unsigned char my_q[] = "\x09\x00\x00\x00\x03select 1";
static const unsigned char my_exec[] =
    "\x0b\x00\x00\x00\x17\x01\x00\x00\x00\x00\x01\x00\x00\x00\x00";
static const unsigned char my_cols[] = "\x01\x00\x00\x01\x01";
static const unsigned char my_ok[] =
    "\x07\x00\x00\x01\x00\x01\x00\x02\x00\x00\x00";
static const unsigned char my_err[] =
    "\x1f\x00\x00\x01\xff\x7a\x04#42S02Table 'db.x' doesn't exist";
static const unsigned char my_hello[] =
    "\x36\x00\x00\x00\x0a"
    "5.5.5-10.11.6-MariaDB-0+deb12u1\0"
    "\x03\x00\x00\x00"
    "abcdefgh\0\xfe\xf7\x2d\x02\x00\xff\x81\x15";

static void test_mysql(void)
{
	CU_ASSERT_EQUAL(et_mysql_command(my_q, sizeof(my_q) - 1), 3);
	CU_ASSERT_EQUAL(et_mysql_query(my_q, sizeof(my_q) - 1, out, 64), 8);
	CU_ASSERT_STRING_EQUAL(out, "select 1");
	CU_ASSERT_EQUAL(et_mysql_command(my_q, sizeof(my_q) - 2), -1);
	CU_ASSERT_EQUAL(et_mysql_command(my_exec, sizeof(my_exec) - 1), 0x17);
	CU_ASSERT_EQUAL(et_mysql_query(my_exec, sizeof(my_exec) - 1, out, 64),
			-1);
	CU_ASSERT_EQUAL(et_mysql_command(my_ok, sizeof(my_ok) - 1), -1);
	CU_ASSERT_EQUAL(et_mysql_command(U("\x01\x00\x00\x00\x40"), 5), -1);
	CU_ASSERT_EQUAL(et_mysql_reply(my_cols, sizeof(my_cols) - 1, out, 64),
			9);
	CU_ASSERT_STRING_EQUAL(out, "resultset");
	CU_ASSERT_EQUAL(et_mysql_reply(my_ok, sizeof(my_ok) - 1, out, 64), 2);
	CU_ASSERT_STRING_EQUAL(out, "ok");
	CU_ASSERT_EQUAL(et_mysql_reply(my_err, sizeof(my_err) - 1, out, 64), 5);
	CU_ASSERT_STRING_EQUAL(out, "error");
	CU_ASSERT_EQUAL(et_mysql_errno(my_err, sizeof(my_err) - 1), 1146);
	CU_ASSERT_EQUAL(et_mysql_errno(my_ok, sizeof(my_ok) - 1), -1);
	CU_ASSERT_EQUAL(et_mysql_errno(my_err, 6), -1);
	CU_ASSERT_EQUAL(
	    et_mysql_reply(U("\x05\x00\x00\x05\xfe\x00\x00\x02\x00"), 9, out,
			   64),
	    3);
	CU_ASSERT_STRING_EQUAL(out, "eof");
	CU_ASSERT_EQUAL(et_mysql_reply(my_hello, sizeof(my_hello) - 1, out, 64),
			9);
	CU_ASSERT_STRING_EQUAL(out, "handshake");
	CU_ASSERT_EQUAL(et_mysql_reply(my_hello, 3, out, 64), -1);
	CU_ASSERT_EQUAL(
	    et_proto_detect(my_hello, sizeof(my_hello) - 1, out, 64), 5);
	CU_ASSERT_STRING_EQUAL(out, "mysql");
	CU_ASSERT_EQUAL(et_proto_detect(my_q, sizeof(my_q) - 1, out, 64), 5);
	CU_ASSERT_EQUAL(et_proto_detect(my_q, sizeof(my_q) - 2, out, 64), -1);
}

static void test_detect(void)
{
	static const unsigned char hello[] =
	    "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";

	CU_ASSERT_EQUAL(et_proto_detect(hello, 11, out, 64), 3);
	CU_ASSERT_STRING_EQUAL(out, "tls");
	CU_ASSERT_EQUAL(et_proto_detect(hello, 4, out, 64), -1);
	CU_ASSERT_EQUAL(et_proto_detect(U(nginx_404), N(nginx_404), out, 64),
			4);
	CU_ASSERT_EQUAL(
	    et_proto_detect(U("SSH-2.0-OpenSSH_9.2\r\n"), 21, out, 64), -1);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_EQUAL(et_proto_detect(U("\0\0\0\0\0\0\0\0\0\0"), 10, out, 64),
			-1);
	/* random bytes: nothing that needs structure is found often */
	{
		unsigned seed = 3, found = 0;
		unsigned char r[64];

		for (int i = 0; i < 100000; i++) {
			for (size_t k = 0; k < sizeof(r); k++)
				r[k] = rand_r(&seed);
			found += et_proto_detect(r, sizeof(r), out, 64) >= 0;
		}
		/* a TLS record header is 3 bytes of structure: ~1/3M
		 * (22, 3, 0..4); the rest need more */
		CU_ASSERT(found < 5);
	}
}

/* curl's ClientHello (OpenSSL 3), its first 64 bytes */
static const unsigned char cap_tls_curl[] =
	    "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\xff\xb5\x55\x59\x8f"
	    "\x6f\x3a\xeb\x8e\x93\x49\x15\xc8\x80\xa5\x40\xbb\x50\x1e\xe3\x65"
	    "\xd3\xf0\xe7\x46\xc3\xac\x12\xe2\x84\x8a\x15\x20\xea\xb9\x11\x6e"
	    "\x1d\xab\xc9\x9b\xe6\x80\xaa\x3f\xcb\x06\xaf\xdf\x86\x62\x97\xe8";
/* python3-grpcio's client: the preface and its SETTINGS */
static const unsigned char cap_grpc[] =
	    "\x50\x52\x49\x20\x2a\x20\x48\x54\x54\x50\x2f\x32\x2e\x30\x0d\x0a"
	    "\x0d\x0a\x53\x4d\x0d\x0a\x0d\x0a\x00\x00\x24\x04\x00\x00\x00\x00"
	    "\x00\x00\x02\x00\x00\x00\x00\x00\x03\x00\x00\x00\x00\x00\x04\x00"
	    "\x3f\xff\xff\x00\x05\x00\x3f\xff\xff\x00\x06\x00\x00\x20\x00\xfe"
	    "\x03\x00\x00\x00\x01\x00\x00\x04\x08\x00\x00\x00\x00\x00\x00\x3f"
	    "\x00\x00";
/* psql: SSLRequest, then (after the server's 'N') its startup message */
static const unsigned char cap_psql[] =
	    "\x00\x00\x00\x08\x04\xd2\x16\x2f\x00\x00\x00\x3f\x00\x03\x00\x00"
	    "\x75\x73\x65\x72\x00\x70\x6f\x73\x74\x67\x72\x65\x73\x00\x64\x61"
	    "\x74\x61\x62\x61\x73\x65\x00\x70\x6f\x73\x74\x67\x72\x65\x73\x00"
	    "\x61\x70\x70\x6c\x69\x63\x61\x74\x69\x6f\x6e\x5f\x6e\x61\x6d\x65"
	    "\x00\x70\x73\x71\x6c\x00\x00";
/* redis-cli get k */
static const unsigned char cap_redis_cli[] =
	    "\x2a\x32\x0d\x0a\x24\x33\x0d\x0a\x67\x65\x74\x0d\x0a\x24\x31\x0d"
	    "\x0a\x6b\x0d\x0a";
/* python3-websockets' upgrade request and the answer of its server */
static const char cap_ws[] =
    "GET /x HTTP/1.1\r\nHost: 127.0.0.1:34389\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: F7/4wa77WmQKuN13EANZaQ==\r\n"
    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: "
    "permessage-deflate; client_max_window_bits\r\n"
    "User-Agent: Python/3.11 websockets/10.4\r\n\r\n";
static const char cap_ws_101[] =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Accept: "
    "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

static const char *detect(const void *p, size_t n)
{
	return et_proto_detect(p, n, out, 64) >= 0 ? out : "-";
}

/* the first bytes real clients send (captured here), whole, cut after
 * each prefix, and changed into look-alikes */
static void test_detect_captured(void)
{
	unsigned char b[128];

	CU_ASSERT_STRING_EQUAL(detect(cap_tls_curl, sizeof(cap_tls_curl) - 1),
			       "tls");
	/* OpenSSL reads a record's 5-byte header alone first */
	CU_ASSERT_STRING_EQUAL(detect(cap_tls_curl, 5), "tls");
	CU_ASSERT_STRING_EQUAL(detect(cap_tls_curl, 6), "tls");
	CU_ASSERT_STRING_EQUAL(detect(cap_tls_curl, 4), "-");
	/* a ServerHello (2) too; a Finished (20), a record length of 0 or
	 * past 2^14 + 2048, a handshake longer than its record: not */
	memcpy(b, cap_tls_curl, 64);
	b[5] = 2;
	CU_ASSERT_STRING_EQUAL(detect(b, 64), "tls");
	b[5] = 20;
	CU_ASSERT_STRING_EQUAL(detect(b, 64), "-");
	memcpy(b, cap_tls_curl, 64);
	b[3] = 0x48; /* 0x4800: 18432 */
	b[4] = 0x01;
	CU_ASSERT_STRING_EQUAL(detect(b, 64), "-");
	b[3] = 0;
	b[4] = 0;
	CU_ASSERT_STRING_EQUAL(detect(b, 5), "-");
	memcpy(b, cap_tls_curl, 64);
	b[7] = 0x03; /* handshake 0x3fc + 4 > record 0x200 */
	CU_ASSERT_STRING_EQUAL(detect(b, 64), "-");
	memcpy(b, cap_tls_curl, 64);
	b[1] = 2; /* SSL 2.0's version */
	CU_ASSERT_STRING_EQUAL(detect(b, 64), "-");
	b[1] = 3;
	b[0] = 23; /* application data: a connection seen from its middle */
	CU_ASSERT_STRING_EQUAL(detect(b, 64), "-");

	CU_ASSERT_STRING_EQUAL(detect(cap_grpc, sizeof(cap_grpc) - 1), "http2");
	CU_ASSERT_STRING_EQUAL(detect(cap_grpc, 24), "http2");
	CU_ASSERT_STRING_EQUAL(detect(cap_grpc, 23), "-");
	/* the server's SETTINGS alone (it may write before it reads) */
	CU_ASSERT_STRING_EQUAL(detect(cap_grpc + 24, 9 + 36), "http2");
	CU_ASSERT_STRING_EQUAL(detect(cap_grpc + 24, 8), "-");
	memcpy(b, cap_grpc, 82);
	b[10] = '3'; /* "HTTP/3.0" */
	CU_ASSERT_STRING_EQUAL(detect(b, 82), "-");

	CU_ASSERT_STRING_EQUAL(detect(cap_psql, 8), "postgresql");
	CU_ASSERT_STRING_EQUAL(detect(cap_psql + 8, sizeof(cap_psql) - 9),
			       "postgresql");
	CU_ASSERT_STRING_EQUAL(detect(cap_psql, 7), "-");
	memcpy(b, cap_psql, 8);
	b[7] = 0x31; /* neither SSLRequest's code nor GSSENCRequest's */
	CU_ASSERT_STRING_EQUAL(detect(b, 8), "-");
	memcpy(b, cap_psql + 8, 63);
	b[6] = 2; /* protocol 2.0 */
	CU_ASSERT_STRING_EQUAL(detect(b, 63), "-");

	CU_ASSERT_STRING_EQUAL(detect(cap_redis_cli, sizeof(cap_redis_cli) - 1),
			       "redis");
	CU_ASSERT_STRING_EQUAL(detect(cap_redis_cli, 8), "redis");
	CU_ASSERT_STRING_EQUAL(detect(cap_redis_cli, 7), "-");
	CU_ASSERT_STRING_EQUAL(detect("*2\r\n+OK\r\n", 9), "-");
	CU_ASSERT_STRING_EQUAL(detect("*0\r\n", 4), "-");

	CU_ASSERT_STRING_EQUAL(detect(cap_ws, N(cap_ws)), "websocket");
	CU_ASSERT_STRING_EQUAL(detect(cap_ws_101, N(cap_ws_101)), "websocket");
	/* cut before the Upgrade header's value: a plain request */
	CU_ASSERT_STRING_EQUAL(detect(cap_ws, 50), "http");
	CU_ASSERT_STRING_EQUAL(detect(cap_ws, 3), "-");
	CU_ASSERT_STRING_EQUAL(
	    detect("GET / HTTP/1.1\r\nUpgrade: h2c\r\n\r\n", 33), "http");
	CU_ASSERT_STRING_EQUAL(
	    detect("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n",
		   51),
	    "http");
	CU_ASSERT_STRING_EQUAL(detect("HTTP/1.1 200 OK\r\nX-Upgrade: "
				      "websocket\r\n\r\n",
				      41),
			       "http");
}

/* the window: a parser reads no byte past ET_PROTO_WINDOW, whatever n */
static void test_window(void)
{
	static unsigned char big[ET_PROTO_WINDOW + 64];
	const char *head = "GET /a HTTP/1.1\r\n";
	size_t i = strlen(head);

	memset(big, 'x', sizeof(big));
	memcpy(big, head, i);
	for (; i + 1 < ET_PROTO_WINDOW + 20; i += 10)
		memcpy(big + i, "X-Pad: 1\r\n", 10);
	memcpy(big + ET_PROTO_WINDOW + 20, "Host: h\r\n\r\n", 11);
	CU_ASSERT_EQUAL(header((const char *)big, sizeof(big), "host", 64), -1);
	CU_ASSERT_EQUAL(header((const char *)big, sizeof(big), "x-pad", 64), 1);
	CU_ASSERT_EQUAL(et_http_request(big, sizeof(big)), 1);
}

UNIT_MAIN("proto", UNIT_TEST(test_http_request), UNIT_TEST(test_http_query),
	  UNIT_TEST(test_http_malformed),
	  UNIT_TEST(test_http_response), UNIT_TEST(test_http_headers),
	  UNIT_TEST(test_http_truncated), UNIT_TEST(test_http_next),
	  UNIT_TEST(test_h2),
	  UNIT_TEST(test_websocket), UNIT_TEST(test_redis),
	  UNIT_TEST(test_pgsql), UNIT_TEST(test_mysql),
	  UNIT_TEST(test_detect),
	  UNIT_TEST(test_detect_captured),
	  UNIT_TEST(test_window))
