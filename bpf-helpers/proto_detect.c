/* Protocol detection on the first bytes a connection carries, in either
 * direction (proto.h). Each test asks for structure, not one magic
 * byte: a length field that agrees with what follows, a known type, a
 * line ending where it must; what fits none is unknown, never a guess. */
#include "proto_util.h"

/* "Upgrade: websocket" in a request's head, any case */
ET_INLINE int ws_upgrade(const unsigned char *p, et_u64 n)
{
	const char *v = "websocket";
	et_s64 i = et_header_at(p, n, "upgrade", 7);
	et_u64 k = 0;

	if (i < 0)
		return 0;
	while (k < 9 && et_lower(et_at(p, n, i + k)) == v[k])
		k++;
	return k == 9;
}

/* A TLS handshake record that starts a connection: type 22, version
 * 3.0 to 3.4 (TLS 1.3 says 3.1 or 3.3 there), a length of 4 bytes to
 * 2^14 + 2048 (a plaintext record's limit plus expansion); when more
 * than the record's 5-byte header is there (OpenSSL reads that alone
 * first), the handshake it carries is a ClientHello or a ServerHello
 * whose own length fits in the record. */
ET_INLINE int tls_hello(const unsigned char *p, et_u64 n)
{
	et_s64 rec = et_be32(p, n, 1) & 0xffff, hs;
	int t = et_at(p, n, 5);

	if (et_at(p, n, 0) != 22 || et_at(p, n, 1) != 3 ||
	    et_at(p, n, 2) > 4 || et_at(p, n, 4) < 0 || rec < 4 ||
	    rec > 16384 + 2048)
		return 0;
	if (t < 0)
		return 1;
	if (t != 1 && t != 2)
		return 0;
	hs = et_be32(p, n, 5) & 0xffffff;
	return et_be32(p, n, 5) < 0 || hs + 4 <= rec;
}

/* A response that accepts a WebSocket upgrade: "HTTP/1.1 101" and
 * "Upgrade: websocket" (a connection first seen at its handshake's
 * answer, as a client that sent its request before tracing began) */
ET_INLINE int ws_accept(const unsigned char *p, et_u64 n)
{
	return et_http_resp_status(p, n) == 101 && ws_upgrade(p, n);
}

/* a PostgreSQL simple query: 'Q', its length reaching a final NUL */
ET_INLINE int pg_query_msg(const unsigned char *p, et_u64 n)
{
	et_s64 len = et_be32(p, n, 1);

	return et_at(p, n, 0) == 'Q' && len > 5 && (et_u64)len + 1 == n &&
	       et_at(p, n, len) == 0;
}

/* a MySQL COM_QUERY, whole: sequence 0, its length what was written */
ET_INLINE int mysql_query_msg(const unsigned char *p, et_u64 n)
{
	et_s64 len = et_mysql_len(p, n);

	return len > 1 && (et_u64)len + 4 == n && et_at(p, n, 3) == 0 &&
	       et_at(p, n, 4) == 3;
}

/* HTTP/2's server side starts with a SETTINGS frame on stream 0 (its
 * length a multiple of 6, no flags but ACK) */
ET_INLINE int h2_settings(const unsigned char *p, et_u64 n)
{
	et_s64 len = et_be32(p, n, 0) >> 8;

	return len >= 0 && len % 6 == 0 && len <= 60 && et_at(p, n, 3) == 4 &&
	       (et_at(p, n, 4) & ~1) == 0 && et_be32(p, n, 5) == 0;
}

ET_PROTO_FN et_s64 et_proto_detect(const unsigned char *p, et_u64 n, char *out,
				   et_u64 outsize)
{
	n = et_clamp(n);
	if (et_http_req_method(p, n))
		return et_put(out, outsize,
			      ws_upgrade(p, n) ? "websocket" : "http");
	if (ws_accept(p, n))
		return et_put(out, outsize, "websocket");
	if (et_http_resp_status(p, n) >= 0)
		return et_put(out, outsize, "http");
	if (et_h2_is_preface(p, n) || h2_settings(p, n))
		return et_put(out, outsize, "http2");
	if (tls_hello(p, n))
		return et_put(out, outsize, "tls");
	{
		et_s64 len;

		if (et_resp_array(p, n, &len) >= 0)
			return et_put(out, outsize, "redis");
	}
	if (et_pg_startup(p, n) || pg_query_msg(p, n))
		return et_put(out, outsize, "postgresql");
	if (et_mysql_greeting(p, n) || mysql_query_msg(p, n))
		return et_put(out, outsize, "mysql");
	return et_none(out);
}
