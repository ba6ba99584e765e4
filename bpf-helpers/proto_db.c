/* Database wire protocols (proto.h): Redis RESP, PostgreSQL (frontend and
 * backend messages, protocol 3.0) and MySQL/MariaDB (client commands,
 * server replies). */
#include "proto_util.h"

/* copies len bytes at i (no more than fit), stopping at a NUL */
ET_INLINE et_s64 copy_at(const unsigned char *p, et_u64 n, et_u64 i, et_s64 len,
			 char *out, et_u64 outsize, int upper)
{
	return et_copy(p, n, i, len, upper ? ET_COPY_UPPER : ET_COPY_NUL, out,
		       outsize);
}

ET_PROTO_FN et_s64 et_resp_command(const unsigned char *p, et_u64 n, char *out,
				   et_u64 outsize)
{
	et_s64 len, i;

	n = et_clamp(n);
	i = et_resp_array(p, n, &len);
	/* the name whole, and its CR LF: a cut name is not a command */
	if (i < 0 || len < 1 || len > 64 || et_at(p, n, i + len) != '\r')
		return et_none(out);
	return copy_at(p, n, i, len, out, outsize, 1);
}

ET_PROTO_FN et_s64 et_resp_type(const unsigned char *p, et_u64 n, char *out,
				et_u64 outsize)
{
	et_u64 i = 1;
	et_s64 v;
	int c;

	n = et_clamp(n);
	c = et_at(p, n, 0);
	switch (c) {
	case '$':
	case '*':
		v = et_crlf_number(p, n, &i, 1);
		if (v == -1)
			break;
		if (v == -2)
			return et_put(out, outsize, "null");
		return et_put(out, outsize, c == '$' ? "bulk" : "array");
	case ':':
		v = et_crlf_number(p, n, &i, 1);
		if (v == -1 && et_at(p, n, 1) == '-') {
			i = 2; /* a negative integer */
			v = et_crlf_number(p, n, &i, 0);
		}
		if (v == -1)
			break;
		return et_put(out, outsize, "integer");
	case '+':
	case '-': {
		/* a line of printable bytes, ended in the window or not */
		for (et_u64 k = 1; k < ET_PROTO_WINDOW && k < n; k++) {
			int d = p[k];

			if (d == '\r')
				break;
			if (d < ' ' && d != '\t')
				return et_none(out);
		}
		return et_put(out, outsize, c == '+' ? "string" : "error");
	}
	case '_':
		if (et_at(p, n, 1) != '\r' || et_at(p, n, 2) != '\n')
			break;
		return et_put(out, outsize, "null");
	case '#':
		c = et_at(p, n, 1);
		if ((c != 't' && c != 'f') || et_at(p, n, 2) != '\r')
			break;
		return et_put(out, outsize, "boolean");
	case ',':
		return et_put(out, outsize, "double");
	case '(':
		return et_put(out, outsize, "bignum");
	case '%':
	case '~':
	case '>':
	case '!':
	case '=':
		if (et_crlf_number(p, n, &i, 0) < 0)
			break;
		return et_put(out, outsize,
			      c == '%'	 ? "map"
			      : c == '~' ? "set"
			      : c == '>' ? "push"
			      : c == '!' ? "bulk_error"
					 : "verbatim");
	}
	return et_none(out);
}

/* frontend and backend message types of protocol 3.0 */
ET_INLINE int pg_known(int t)
{
	switch (t) {
	case 'B':
	case 'C':
	case 'D':
	case 'E':
	case 'F':
	case 'H':
	case 'P':
	case 'Q':
	case 'S':
	case 'X':
	case 'c':
	case 'd':
	case 'f':
	case 'p':
	case '1':
	case '2':
	case '3':
	case 'A':
	case 'G':
	case 'I':
	case 'K':
	case 'N':
	case 'R':
	case 'T':
	case 'V':
	case 'W':
	case 'Z':
	case 'n':
	case 's':
	case 't':
	case 'v':
		return 1;
	}
	return 0;
}

ET_PROTO_FN et_s64 et_pg_type(const unsigned char *p, et_u64 n)
{
	et_s64 len;
	int t;

	n = et_clamp(n);
	if (et_pg_startup(p, n))
		return 0;
	t = et_at(p, n, 0);
	len = et_be32(p, n, 1);
	if (!pg_known(t) || len < 4 || len > (1 << 30))
		return -1;
	return t;
}

ET_PROTO_FN et_s64 et_pg_query(const unsigned char *p, et_u64 n, char *out,
			       et_u64 outsize)
{
	et_u64 i = 5;
	et_s64 len;
	int t;

	n = et_clamp(n);
	t = et_at(p, n, 0);
	len = et_be32(p, n, 1);
	if ((t != 'Q' && t != 'P') || len < 5 || len > (1 << 30))
		return et_none(out);
	if (t == 'P') {
		/* the statement's name first */
		et_u64 k = 0;

		for (; k < 64; k++) {
			int c = et_at(p, n, i + k);

			if (c <= 0)
				break;
		}
		if (et_at(p, n, i + k) != 0)
			return et_none(out);
		i += k + 1;
	}
	return copy_at(p, n, i, len, out, outsize, 0);
}

/* the backward search for the message before ReadyForQuery, and the
 * forward one for an ErrorResponse's SQLSTATE: bpf_loop callbacks (a
 * loop the verifier walks would be walked again from each place the
 * message could start) */
struct pg_scan {
	const unsigned char *p;
	et_u64 n;
	et_s64 z, at, found;
	int want;
};

static long pg_back_step(et_u64 k, struct pg_scan *s)
{
	et_s64 i = s->z - 5 - (et_s64)k;

	if (i < 0)
		return 1;
	if (et_at(s->p, s->n, i) == s->want &&
	    et_be32(s->p, s->n, i + 1) == s->z - i - 1) {
		s->found = i;
		return 1;
	}
	return 0;
}

/* fields "Xvalue\0", the list ended by a NUL: the type of each follows
 * a NUL */
static long pg_field_step(et_u64 k, struct pg_scan *s)
{
	et_s64 i = s->at + (et_s64)k;
	int c = et_at(s->p, s->n, i);

	if (i >= s->z - 1 || c < 0)
		return 1;
	if (k && et_at(s->p, s->n, i - 1) != 0)
		return 0; /* inside a value */
	if (c == 0)
		return 1; /* the end of the list */
	if (c == 'C') {
		s->found = i + 1;
		return 1;
	}
	return 0;
}

ET_PROTO_FN et_s64 et_pg_result(const unsigned char *p, et_u64 n, char *out,
				et_u64 outsize, et_u64 want)
{
	struct pg_scan s;

	n = et_clamp(n);
	if (n < 6)
		return et_none(out);
	s.p = p;
	s.n = n;
	s.found = -1;
	s.want = (int)want;
	if (et_at(p, n, 0) == (int)want && et_be32(p, n, 1) + 1 == (et_s64)n &&
	    et_at(p, n, n - 1) == 0) {
		/* the message alone (postgres sends an error at once, its
		 * ReadyForQuery after) */
		s.z = (et_s64)n;
		s.found = 0;
	} else {
		s.z = (et_s64)n - 6;
		if (et_at(p, n, s.z) != 'Z' || et_be32(p, n, s.z + 1) != 5 ||
		    et_at(p, n, s.z - 1) != 0)
			return et_none(out);
		/* the message just before it: type want, its length
		 * reaching z */
		ET_LOOP(ET_PROTO_WINDOW, pg_back_step, &s);
	}
	if (s.found < 0)
		return et_none(out);
	if (want == 'C')
		return copy_at(p, n, s.found + 5, s.z - s.found - 6, out,
			       outsize, 0);
	s.at = s.found + 5;
	s.found = -1;
	ET_LOOP(ET_PROTO_WINDOW, pg_field_step, &s);
	if (s.found < 0)
		return et_none(out);
	return copy_at(p, n, s.found, 5, out, outsize, 0);
}

ET_PROTO_FN et_s64 et_mysql_command(const unsigned char *p, et_u64 n)
{
	et_s64 len;
	int c;

	n = et_clamp(n);
	len = et_mysql_len(p, n);
	c = et_at(p, n, 4);
	/* sequence 0; commands run from COM_SLEEP to COM_RESET_CONNECTION
	 * (0x1f); a packet no longer than what was written */
	if (len < 1 || et_at(p, n, 3) != 0 || c < 0 || c > 0x1f)
		return -1;
	if (n < ET_PROTO_WINDOW && len + 4 > (et_s64)n)
		return -1;
	return c;
}

ET_PROTO_FN et_s64 et_mysql_query(const unsigned char *p, et_u64 n, char *out,
				  et_u64 outsize)
{
	et_s64 c = et_mysql_command(p, n);

	if (c != 3 && c != 0x16)
		return et_none(out);
	return copy_at(p, et_clamp(n), 5, et_mysql_len(p, et_clamp(n)) - 1, out,
		       outsize, 0);
}

ET_PROTO_FN et_s64 et_mysql_reply(const unsigned char *p, et_u64 n, char *out,
				  et_u64 outsize)
{
	et_s64 len;
	int h;

	n = et_clamp(n);
	len = et_mysql_len(p, n);
	h = et_at(p, n, 4);
	if (len < 1 || h < 0)
		return et_none(out);
	if (et_at(p, n, 3) == 0)
		return et_mysql_greeting(p, n)
			   ? et_put(out, outsize, "handshake")
			   : et_none(out);
	if (h == 0x00 && len >= 7)
		return et_put(out, outsize, "ok");
	if (h == 0xff && len >= 3)
		return et_put(out, outsize, "error");
	if (h == 0xfe && len < 9)
		return et_put(out, outsize, "eof");
	if (h == 0xfe)
		return et_put(out, outsize,
			      "ok"); /* OK as EOF (deprecate EOF) */
	if (h == 0xfb)
		return et_put(out, outsize, "local_infile");
	if (h >= 1 && h <= 0xfa && len <= 9)
		return et_put(out, outsize, "resultset");
	return et_none(out);
}

ET_PROTO_FN et_s64 et_mysql_errno(const unsigned char *p, et_u64 n)
{
	et_s64 len;

	n = et_clamp(n);
	len = et_mysql_len(p, n);
	if (len < 3 || et_at(p, n, 3) == 0 || et_at(p, n, 4) != 0xff ||
	    et_at(p, n, 6) < 0)
		return -1;
	return et_at(p, n, 5) | et_at(p, n, 6) << 8;
}
