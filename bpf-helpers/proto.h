/* Protocol parsers for BPF programs (bpf-helpers/proto_*.c): HTTP/1.x,
 * the HTTP/2 frame layer, WebSocket frames, Redis RESP, the PostgreSQL
 * and MySQL wire protocols, and protocol detection on a connection's
 * first bytes. Built for BPF and, unchanged, for the host's unit tests.
 *
 * Each parser reads the window p[0..n) of a buffer some probe saw (a
 * read()/write() buffer, SSL_read()'s...), at most ET_PROTO_WINDOW
 * bytes: the code generator (compiler/codegen/cg_proto.c) copies them
 * into a per-CPU map value of that size, so n is clamped to it here and
 * every access is checked against both, which is all the verifier needs
 * to see (loops are bounded by the constant). No parser reads past n:
 * a window cut short (truncated input) answers "not found" (-1 or an
 * empty string), never a guess.
 *
 * Functions with a string result write it NUL-terminated into out
 * (outsize bytes, outsize >= 1) and return its length, or -1 (out then
 * holds the empty string). */
#ifndef ETRACE_BPF_PROTO_H
#define ETRACE_BPF_PROTO_H

#include "helpers.h"

#include "proto_abi.h"

/* Not inlined into the program: each parser is a BPF subprogram with
 * its own stack frame (inlined, the frames of several calls add up past
 * the 512 bytes of the probe's), verified at each call with the window's
 * bounds known. */
#ifdef __bpf__
#define ET_PROTO_FN static __attribute__((used, noinline))
#else
#define ET_PROTO_FN ET_HELPER
#endif

/* HTTP/1.x: the method's index in "GET HEAD POST PUT DELETE CONNECT
 * OPTIONS TRACE PATCH" + 1 when p starts a request line ("GET /x "),
 * else 0. */
ET_PROTO_FN et_s64 et_http_request(const unsigned char *p, et_u64 n);
/* The status of a response ("HTTP/1.1 404 ..."), or -1. */
ET_PROTO_FN et_s64 et_http_status(const unsigned char *p, et_u64 n);
/* The method of a request. */
ET_PROTO_FN et_s64 et_http_method(const unsigned char *p, et_u64 n, char *out,
				  et_u64 outsize);
/* The path of a request's target, without its query ("?...") or
 * fragment; an absolute-form target ("http://host/x") gives "/x". */
ET_PROTO_FN et_s64 et_http_path(const unsigned char *p, et_u64 n, char *out,
				et_u64 outsize);
/* The query of a request's target (after its first '?', up to a blank
 * or '#'); redact non-zero: each value replaced by '?' ("a=1&b=x" ->
 * "a=?&b=?"). -1 (out "") when there is none or the window cut it. */
ET_PROTO_FN et_s64 et_http_query(const unsigned char *p, et_u64 n, char *out,
				 et_u64 outsize, et_s64 redact);
/* The value of a header of a request or response (leading and trailing
 * blanks dropped). io holds the header's name (ASCII, any case, at most
 * 31 characters, NUL-terminated) on entry and the value on return: a
 * BPF call takes five arguments. Headers after the window are not
 * found. */
ET_PROTO_FN et_s64 et_http_header(const unsigned char *p, et_u64 n, char *io,
				  et_u64 iosize);
/* Content-Length as a number, or -1 (absent, not a number, cut off). */
ET_PROTO_FN et_s64 et_http_content_length(const unsigned char *p, et_u64 n);

/* The length of the HTTP/1.x message p starts (its head and its body,
 * by Content-Length): where the next one of a pipelined request or
 * response starts; -1 when it cannot be told from the window (the head
 * goes past it, a chunked body, a response without a length that runs
 * until the connection closes). A 1xx, 204 or 304 response and a
 * request without a length have no body. A response to HEAD has a
 * length and no body: the caller knows it, this parser does not. */
ET_PROTO_FN et_s64 et_http_next(const unsigned char *p, et_u64 n);

/* HTTP/2: 1 when p starts with the client connection preface. */
ET_PROTO_FN et_s64 et_h2_preface(const unsigned char *p, et_u64 n);
/* A field (ET_H2_*) of the first frame whose type is type (any: -1),
 * frames walked from the start of p (after the preface, if there),
 * or -1 when none has its 9-byte header in the window. */
ET_PROTO_FN et_s64 et_h2_frame(const unsigned char *p, et_u64 n, et_s64 type,
			       et_u64 field);

/* WebSocket: a field (ET_WS_*) of the frame p starts: its opcode, its
 * payload length, its header's length (masking key included), or the
 * status code of a close frame (unmasked); -1
 * when p starts no valid frame (or no close frame with a code). */
ET_PROTO_FN et_s64 et_ws_frame(const unsigned char *p, et_u64 n, et_u64 field);

/* Redis: the command name (upper case) of a RESP array of bulk strings
 * ("*2\r\n$3\r\nGET\r\n..."). */
ET_PROTO_FN et_s64 et_resp_command(const unsigned char *p, et_u64 n, char *out,
				   et_u64 outsize);
/* The type of the RESP value p starts: "string" (+), "error" (-),
 * "integer" (:), "bulk" ($), "null" ($-1, *-1, _), "array" (*), and
 * RESP3's "double", "boolean", "map", "set", "push", "bignum",
 * "verbatim", "bulk_error"; -1 when p starts no RESP value. */
ET_PROTO_FN et_s64 et_resp_type(const unsigned char *p, et_u64 n, char *out,
				et_u64 outsize);

/* PostgreSQL: the type byte of the message p starts (checked against
 * the protocol's types and a sane length), 0 for a startup, SSL or
 * GSSAPI request (which have none), or -1. */
ET_PROTO_FN et_s64 et_pg_type(const unsigned char *p, et_u64 n);
/* The query text of a simple query ('Q') or a Parse ('P') message. */
ET_PROTO_FN et_s64 et_pg_query(const unsigned char *p, et_u64 n, char *out,
			       et_u64 outsize);
/* The last window of a server's response, p ending where the response
 * ends: the tag of the CommandComplete ('C', "SELECT 3") just before
 * the final ReadyForQuery, with want 'C'; the SQLSTATE ("42P01") of the
 * ErrorResponse just before it, with want 'E'; or of that message when
 * it is all p holds (postgres sends an error at once). */
ET_PROTO_FN et_s64 et_pg_result(const unsigned char *p, et_u64 n, char *out,
				et_u64 outsize, et_u64 want);

/* MySQL/MariaDB: the command byte of a client packet (sequence 0), or
 * -1. */
ET_PROTO_FN et_s64 et_mysql_command(const unsigned char *p, et_u64 n);
/* The statement of COM_QUERY or COM_STMT_PREPARE. */
ET_PROTO_FN et_s64 et_mysql_query(const unsigned char *p, et_u64 n, char *out,
				  et_u64 outsize);
/* The kind of a server packet: "ok", "error", "eof", "resultset" (a
 * column count), "local_infile", "handshake" (the greeting). */
ET_PROTO_FN et_s64 et_mysql_reply(const unsigned char *p, et_u64 n, char *out,
				  et_u64 outsize);
/* The error code of an ERR packet, or -1. */
ET_PROTO_FN et_s64 et_mysql_errno(const unsigned char *p, et_u64 n);

/* The protocol of a connection from its first bytes, either direction:
 * "http", "http2", "websocket" (an HTTP upgrade request), "tls",
 * "redis", "postgresql", "mysql"; -1 (empty) when none fits. */
ET_PROTO_FN et_s64 et_proto_detect(const unsigned char *p, et_u64 n, char *out,
				   et_u64 outsize);

#endif
