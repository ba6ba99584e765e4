/* redact.c: the redaction of strings in user space (redact.h). One pass
 * over the text per group of classes: the RESP decoding first (it makes
 * the text the others read), then SQL literals, then the personal-data
 * classes, each of which replaces a match with a tag ("<email>"). The
 * matchers look at word boundaries so that a digit run inside a longer
 * one, or an address inside a version string, is not taken. */
#define _GNU_SOURCE /* memmem */
#include "redact.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const class_names[] = {
    "email", "card", "ssn", "ipv4", "jwt", "secret", "sql", "resp", "resp_text",
};
#define NCLASSES (sizeof(class_names) / sizeof(class_names[0]))

int redact_parse(const char *list, uint32_t *mask, const char **bad,
		 size_t *badlen)
{
	const char *p = list;

	*mask = 0;
	while (*p) {
		const char *w;
		size_t n;
		unsigned i;

		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		w = p;
		while (*p && *p != ',' && *p != ' ' && *p != '\t')
			p++;
		n = (size_t)(p - w);
		if (!n)
			continue;
		if (n == 3 && !strncmp(w, "pii", 3)) {
			*mask |= RX_PII;
			continue;
		}
		for (i = 0; i < NCLASSES; i++)
			if (strlen(class_names[i]) == n &&
			    !strncmp(class_names[i], w, n))
				break;
		if (i == NCLASSES) {
			*bad = w;
			*badlen = n;
			return -1;
		}
		*mask |= 1u << i;
	}
	return 0;
}

const char *redact_names(uint32_t mask, char *buf, size_t size)
{
	size_t n = 0;

	if (size)
		buf[0] = 0;
	for (unsigned i = 0; i < NCLASSES && size; i++) {
		if (!(mask >> i & 1))
			continue;
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s",
				      n ? "," : "", class_names[i]);
		if (n >= size)
			break;
	}
	return buf;
}

bool redact_marked(const char *s, size_t len, uint32_t *mask)
{
	const unsigned char *u = (const unsigned char *)s;

	if (len < REDACT_MARK_LEN || u[0] != REDACT_MARK || !(u[1] & 0x80) ||
	    !(u[2] & 0x80))
		return false;
	*mask = (u[1] & 0x7fu) | (u[2] & 0x7fu) << 7;
	return true;
}

/* ---- an output buffer that grows ---- */

struct out {
	char *p;
	size_t n, cap;
	bool oom;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->oom)
		return;
	if (o->n + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 64;
		char *p;

		while (cap < o->n + n + 1)
			cap *= 2;
		p = realloc(o->p, cap);
		if (!p) {
			o->oom = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->n, s, n);
	o->n += n;
	o->p[o->n] = 0;
}

static inline void putc_(struct out *o, char c)
{
	if (o->n + 2 <= o->cap) {
		o->p[o->n++] = c;
		o->p[o->n] = 0;
		return;
	}
	put(o, &c, 1);
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* ---- RESP: "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n" -> "SET ? ?" ---- */

/* A number ended by CR LF at s[*i..len): the number, or -1 (*i past the
 * CR LF, or at len when cut). */
static long resp_number(const char *s, size_t len, size_t *i)
{
	long v = 0;
	bool neg = false, any = false;

	if (*i < len && s[*i] == '-') {
		neg = true;
		(*i)++;
	}
	while (*i < len && isdigit((unsigned char)s[*i]) && v < 1000000000) {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		any = true;
	}
	if (!any)
		return -2;
	if (*i + 1 < len && s[*i] == '\r' && s[*i + 1] == '\n')
		*i += 2;
	else if (*i + 1 < len || (*i < len && s[*i] != '\r'))
		return -2;
	else
		*i = len;
	return neg ? -1 : v;
}

/* One argument of a command: its bytes, control characters as \xNN */
static void resp_arg_text(struct out *o, const char *s, size_t n)
{
	char esc[5];

	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];

		if (c < ' ' || c == 0x7f || c == '\\') {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			puts_(o, esc);
		} else {
			putc_(o, (char)c);
		}
	}
}

/* One command at s[*i..): its name uppercased, then its arguments (or a
 * ? each). false when s[*i] starts no command. */
static bool resp_command(struct out *o, const char *s, size_t len, size_t *i,
			 bool keep)
{
	size_t j = *i + 1;
	long argc, a;

	if (*i >= len)
		return false;
	if (s[*i] != '*') {
		/* an inline command: words up to CR LF */
		size_t e = *i, w = 0;

		if (!isalpha((unsigned char)s[*i]))
			return false;
		while (e < len && s[e] != '\r' && s[e] != '\n') {
			size_t b;

			while (e < len && s[e] == ' ')
				e++;
			b = e;
			while (e < len && s[e] != ' ' && s[e] != '\r' &&
			       s[e] != '\n')
				e++;
			if (e == b)
				break;
			if (w)
				putc_(o, ' ');
			if (!w)
				for (size_t k = b; k < e; k++)
					putc_(o, (char)toupper(
						     (unsigned char)s[k]));
			else if (keep)
				resp_arg_text(o, s + b, e - b);
			else
				putc_(o, '?');
			w++;
		}
		while (e < len && (s[e] == '\r' || s[e] == '\n'))
			e++;
		*i = e;
		return true;
	}
	argc = resp_number(s, len, &j);
	if (argc < 1)
		return false;
	for (a = 0; a < argc; a++) {
		long n;
		size_t have;

		if (j >= len) {
			/* cut: the arguments the header counts */
			if (!a)
				return false;
			for (; a < argc && !keep; a++)
				puts_(o, " ?");
			if (keep)
				puts_(o, " ...");
			break;
		}
		if (s[j] != '$') {
			if (!a)
				return false;
			break;
		}
		j++;
		n = resp_number(s, len, &j);
		if (n < -1)
			return a > 0;
		if (n < 0)
			n = 0;
		have = j + (size_t)n <= len ? (size_t)n : len - j;
		if (a)
			putc_(o, ' ');
		if (!a)
			for (size_t k = j; k < j + have; k++)
				putc_(o, (char)toupper((unsigned char)s[k]));
		else if (keep)
			resp_arg_text(o, s + j, have);
		else
			putc_(o, '?');
		if (keep && have < (size_t)n)
			puts_(o, "...");
		j = j + (size_t)n + 2 <= len ? j + (size_t)n + 2 : len;
	}
	*i = j;
	return true;
}

/* Each command of s (a pipeline holds several), "; " between them; the
 * text as it is when it starts no command. */
static void resp_text(struct out *o, const char *s, size_t len, bool keep)
{
	size_t i = 0;
	int n = 0;

	while (i < len) {
		size_t at = o->n, from = i;

		if (n)
			puts_(o, "; ");
		if (!resp_command(o, s, len, &i, keep) || i == from) {
			o->n = at;
			if (o->p)
				o->p[at] = 0;
			break;
		}
		n++;
	}
	if (!n)
		put(o, s, len);
}

/* ---- SQL literals ---- */

static bool ident_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* the end of a quoted literal starting at s[i] (the quote): past its
 * closing quote, or len when cut; '' (and \x in single quotes, as MySQL
 * reads them) stay inside */
static size_t sql_quoted_end(const char *s, size_t len, size_t i)
{
	char q = s[i];

	for (i++; i < len; i++) {
		if (s[i] == '\\' && q == '\'') {
			i++;
			continue;
		}
		if (s[i] == q) {
			if (i + 1 < len && s[i + 1] == q) {
				i++;
				continue;
			}
			return i + 1;
		}
	}
	return len;
}

/* $tag$ ... $tag$ (PostgreSQL): the end, or 0 when s[i] starts none */
static size_t sql_dollar_end(const char *s, size_t len, size_t i)
{
	size_t t = i + 1, tl;

	while (t < len && (isalnum((unsigned char)s[t]) || s[t] == '_'))
		t++;
	if (t >= len || s[t] != '$' || isdigit((unsigned char)s[i + 1]))
		return 0;
	tl = t + 1 - i; /* the tag with both $ */
	for (size_t k = t + 1; k + tl <= len; k++)
		if (!memcmp(s + k, s + i, tl))
			return k + tl;
	return len;
}

static size_t sql_number_end(const char *s, size_t len, size_t i)
{
	if (s[i] == '0' && i + 1 < len &&
	    (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		i += 2;
		while (i < len && isxdigit((unsigned char)s[i]))
			i++;
		return i;
	}
	while (i < len && (isdigit((unsigned char)s[i]) || s[i] == '.'))
		i++;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t k = i + 1;

		if (k < len && (s[k] == '+' || s[k] == '-'))
			k++;
		if (k < len && isdigit((unsigned char)s[k])) {
			i = k;
			while (i < len && isdigit((unsigned char)s[i]))
				i++;
		}
	}
	return i;
}

static void sql_redact(struct out *o, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		bool after_ident = i && ident_char((unsigned char)s[i - 1]);
		size_t e;

		if (c == '-' && i + 1 < len && s[i + 1] == '-') {
			/* a comment to the end of the line, kept */
			e = i;
			while (e < len && s[e] != '\n')
				e++;
			put(o, s + i, e - i);
			i = e;
		} else if (c == '/' && i + 1 < len && s[i + 1] == '*') {
			const char *z = memmem(s + i + 2, len - i - 2, "*/", 2);

			e = z ? (size_t)(z - s) + 2 : len;
			put(o, s + i, e - i);
			i = e;
		} else if (c == '\'' || c == '"') {
			putc_(o, '?');
			i = sql_quoted_end(s, len, i);
		} else if (c && !after_ident && strchr("EeXxBbNn", c) &&
			   i + 1 < len && s[i + 1] == '\'') {
			/* E'..', X'..', B'..', N'..' */
			putc_(o, '?');
			i = sql_quoted_end(s, len, i + 1);
		} else if (c == '$' && !after_ident &&
			   (e = sql_dollar_end(s, len, i))) {
			putc_(o, '?');
			i = e;
		} else if (isdigit(c) && !after_ident) {
			putc_(o, '?');
			i = sql_number_end(s, len, i);
		} else if (c == '.' && !after_ident && i + 1 < len &&
			   isdigit((unsigned char)s[i + 1])) {
			putc_(o, '?');
			i = sql_number_end(s, len, i);
		} else {
			putc_(o, (char)c);
			i++;
		}
	}
}

/* ---- personal data ---- */

static bool word_char(unsigned char c)
{
	return isalnum(c) || c == '_';
}

/* local@domain.tld: the match around the '@' at s[at] */
static bool match_email(const char *s, size_t len, size_t at, size_t *b,
			size_t *e)
{
	size_t l = at, r = at + 1, dot = 0, tld;

	while (l > 0 &&
	       (isalnum((unsigned char)s[l - 1]) || strchr("._%+-", s[l - 1])))
		l--;
	while (l < at && s[l] == '.')
		l++;
	if (l == at)
		return false;
	while (r < len &&
	       (isalnum((unsigned char)s[r]) || s[r] == '-' || s[r] == '.')) {
		if (s[r] == '.')
			dot = r;
		r++;
	}
	while (r > at + 1 && s[r - 1] == '.')
		r--;
	if (!dot || dot <= at + 1 || dot >= r - 1)
		return false;
	for (tld = dot + 1; tld < r; tld++)
		if (!isalpha((unsigned char)s[tld]))
			return false;
	if (r - dot - 1 < 2)
		return false;
	*b = l;
	*e = r;
	return true;
}

/* an address whose local part starts at s[i] (or before it: the bytes
 * before are out already) */
static bool try_email(const char *s, size_t len, size_t i, size_t *e)
{
	size_t k = i, b;

	while (k < len &&
	       (isalnum((unsigned char)s[k]) || strchr("._%+-", s[k])))
		k++;
	return k < len && s[k] == '@' && match_email(s, len, k, &b, e) &&
	       b <= i;
}

bool redact_luhn(const char *s, size_t len)
{
	int sum = 0, k = 0;

	for (size_t i = len; i-- > 0;) {
		int d;

		if (!isdigit((unsigned char)s[i]))
			continue;
		d = s[i] - '0';
		if (k++ & 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return k && sum % 10 == 0;
}

/* 13 to 19 digits, single spaces or dashes between groups, that pass
 * the Luhn check, not inside a longer run of digits or a word */
static bool match_card(const char *s, size_t len, size_t i, size_t *e)
{
	size_t k = i, last = i;
	int digits = 0;

	if (i && (word_char((unsigned char)s[i - 1]) || s[i - 1] == '.' ||
		  s[i - 1] == '-'))
		return false;
	while (k < len && digits < 19) {
		if (isdigit((unsigned char)s[k])) {
			digits++;
			last = ++k;
		} else if ((s[k] == ' ' || s[k] == '-') && k + 1 < len &&
			   isdigit((unsigned char)s[k + 1]) &&
			   isdigit((unsigned char)s[k - 1])) {
			k++;
		} else {
			break;
		}
	}
	if (digits < 13 ||
	    (last < len && (word_char((unsigned char)s[last]) ||
			    (s[last] == '.' && last + 1 < len &&
			     isdigit((unsigned char)s[last + 1])))))
		return false;
	if (!redact_luhn(s + i, last - i))
		return false;
	*e = last;
	return true;
}

static bool digits_at(const char *s, size_t len, size_t i, int n)
{
	for (int k = 0; k < n; k++)
		if (i + k >= len || !isdigit((unsigned char)s[i + k]))
			return false;
	return true;
}

/* AAA-GG-SSSS: area not 000, 666 or 9xx, group not 00, serial not 0000 */
static bool match_ssn(const char *s, size_t len, size_t i, size_t *e)
{
	if ((i && (word_char((unsigned char)s[i - 1]) || s[i - 1] == '-')) ||
	    !digits_at(s, len, i, 3) || i + 3 >= len || s[i + 3] != '-' ||
	    !digits_at(s, len, i + 4, 2) || i + 6 >= len || s[i + 6] != '-' ||
	    !digits_at(s, len, i + 7, 4))
		return false;
	if (i + 11 < len &&
	    (word_char((unsigned char)s[i + 11]) || s[i + 11] == '-'))
		return false;
	if (!memcmp(s + i, "000", 3) || !memcmp(s + i, "666", 3) ||
	    s[i] == '9' || !memcmp(s + i + 4, "00", 2) ||
	    !memcmp(s + i + 7, "0000", 4))
		return false;
	*e = i + 11;
	return true;
}

/* a.b.c.d, each 0-255 without leading zeros, not part of a longer dotted
 * run of numbers */
static bool match_ipv4(const char *s, size_t len, size_t i, size_t *e)
{
	size_t k = i;

	if (i && (word_char((unsigned char)s[i - 1]) || s[i - 1] == '.'))
		return false;
	for (int part = 0; part < 4; part++) {
		size_t b = k;
		int v = 0;

		if (part) {
			if (k >= len || s[k] != '.')
				return false;
			b = ++k;
		}
		while (k < len && isdigit((unsigned char)s[k]) && k - b < 4)
			v = v * 10 + (s[k++] - '0');
		if (k == b || k - b > 3 || v > 255 ||
		    (s[b] == '0' && k - b > 1))
			return false;
	}
	if (k < len &&
	    (word_char((unsigned char)s[k]) ||
	     (s[k] == '.' && k + 1 < len && isdigit((unsigned char)s[k + 1]))))
		return false;
	*e = k;
	return true;
}

static bool b64url(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_';
}

/* header.payload.signature, the header base64url of '{"' (eyJ) */
static bool match_jwt(const char *s, size_t len, size_t i, size_t *e)
{
	size_t k = i, seg[3] = {0};

	if ((i && b64url((unsigned char)s[i - 1])) || len - i < 3 ||
	    memcmp(s + i, "eyJ", 3))
		return false;
	for (int n = 0; n < 3; n++) {
		size_t b = k;

		while (k < len && b64url((unsigned char)s[k]))
			k++;
		seg[n] = k - b;
		if (n < 2) {
			if (k >= len || s[k] != '.')
				return false;
			k++;
		}
	}
	if (seg[0] < 10 || seg[1] < 4)
		return false;
	*e = k;
	return true;
}

static const char *const secret_keys[] = {
    "password",	  "passwd",	 "pwd",		  "secret",	"token",
    "api_key",	  "apikey",	 "api-key",	  "access_key", "access_token",
    "auth_token", "private_key", "client_secret", "session_id", "sessionid",
};

/* the end of a secret's value starting at s[i]: a quoted string, or up
 * to a blank, '&', ',', ';' or a closing bracket */
static size_t secret_value_end(const char *s, size_t len, size_t i)
{
	if (i < len && (s[i] == '"' || s[i] == '\'')) {
		const char *z = memchr(s + i + 1, s[i], len - i - 1);

		return z ? (size_t)(z - s) + 1 : len;
	}
	while (i < len && !strchr(" \t\r\n&,;})]\"'", s[i]))
		i++;
	return i;
}

static bool key_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-';
}

/* At the '=' or ':' s[i]: whether the name before it (a quote and
 * blanks between allowed: "api_key": ) is a secret's key, whole or as
 * the end of a longer name after '_', '-' or '.' (DB_PASSWORD=). */
static bool secret_key_before(const char *s, size_t i)
{
	size_t e = i, b;

	while (e > 0 && s[e - 1] == ' ')
		e--;
	if (e > 0 && (s[e - 1] == '"' || s[e - 1] == '\''))
		e--;
	b = e;
	while (b > 0 && key_char((unsigned char)s[b - 1]))
		b--;
	for (size_t k = 0; k < sizeof(secret_keys) / sizeof(*secret_keys);
	     k++) {
		size_t n = strlen(secret_keys[k]);

		if (e - b < n || strncasecmp(s + e - n, secret_keys[k], n))
			continue;
		if (e - n == b || strchr("_-.", s[e - n - 1]))
			return true;
	}
	return false;
}

/* KEY=value, KEY: value, "KEY":"value" at the delimiter s[i] (the key
 * any case); *b and *e bound the value alone */
static bool match_secret_kv(const char *s, size_t len, size_t i, size_t *b,
			    size_t *e)
{
	size_t j = i + 1;

	while (j < len && s[j] == ' ')
		j++;
	if (j >= len || strchr("&,;\r\n", s[j]) || !secret_key_before(s, i))
		return false;
	*b = j;
	*e = secret_value_end(s, len, j);
	return *e > *b;
}

/* "Bearer TOKEN", "Basic CREDS" at a word's start: the token's bounds */
static bool match_secret_auth(const char *s, size_t len, size_t i, size_t *b,
			      size_t *e)
{
	size_t j;

	if (len - i > 7 && !strncasecmp(s + i, "bearer ", 7))
		j = i + 7;
	else if (len - i > 6 && !strncasecmp(s + i, "basic ", 6))
		j = i + 6;
	else
		return false;
	*b = j;
	*e = secret_value_end(s, len, j);
	return *e >= *b + 8;
}

/* tokens of a known shape: AWS access key ids, GitHub, Slack, Stripe */
static bool match_secret_token(const char *s, size_t len, size_t i, size_t *e)
{
	static const struct {
		const char *prefix;
		int min;
	} shapes[] = {
	    {"AKIA", 16},	 {"ASIA", 16},	   {"ghp_", 30},
	    {"gho_", 30},	 {"ghs_", 30},	   {"ghu_", 30},
	    {"github_pat_", 30}, {"xoxb-", 10},	   {"xoxp-", 10},
	    {"sk_live_", 16},	 {"rk_live_", 16}, {"sk_test_", 16},
	};
	size_t k;

	if (i && word_char((unsigned char)s[i - 1]))
		return false;
	for (size_t m = 0; m < sizeof(shapes) / sizeof(*shapes); m++) {
		size_t n = strlen(shapes[m].prefix);

		if (len - i < n || memcmp(s + i, shapes[m].prefix, n))
			continue;
		k = i + n;
		while (k < len && (isalnum((unsigned char)s[k]) ||
				   s[k] == '_' || s[k] == '-'))
			k++;
		if ((int)(k - i - n) < shapes[m].min)
			continue;
		*e = k;
		return true;
	}
	return false;
}

static void pii_redact(struct out *o, uint32_t mask, const char *s, size_t len)
{
	size_t i = 0, b, e;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		bool start = !i || !word_char((unsigned char)s[i - 1]);

		if ((mask & RX_SECRET) && (c == '=' || c == ':') &&
		    match_secret_kv(s, len, i, &b, &e)) {
			put(o, s + i, b - i);
			puts_(o, "<secret>");
			i = e;
		} else if (!word_char(c) || !start) {
			putc_(o, (char)c);
			i++;
		} else if ((mask & RX_SECRET) && (c == 'B' || c == 'b') &&
			   match_secret_auth(s, len, i, &b, &e)) {
			put(o, s + i, b - i);
			puts_(o, "<secret>");
			i = e;
		} else if ((mask & RX_SECRET) && strchr("AagxsrS", c) &&
			   match_secret_token(s, len, i, &e)) {
			puts_(o, "<secret>");
			i = e;
		} else if ((mask & RX_JWT) && c == 'e' &&
			   match_jwt(s, len, i, &e)) {
			puts_(o, "<jwt>");
			i = e;
		} else if ((mask & RX_EMAIL) && isalnum(c) &&
			   try_email(s, len, i, &e)) {
			puts_(o, "<email>");
			i = e;
		} else if ((mask & RX_SSN) && isdigit(c) &&
			   match_ssn(s, len, i, &e)) {
			puts_(o, "<ssn>");
			i = e;
		} else if ((mask & RX_CARD) && isdigit(c) &&
			   match_card(s, len, i, &e)) {
			puts_(o, "<card>");
			i = e;
		} else if ((mask & RX_IPV4) && isdigit(c) &&
			   match_ipv4(s, len, i, &e)) {
			puts_(o, "<ipv4>");
			i = e;
		} else {
			/* the rest of the word: no match starts inside */
			size_t k = i + 1;

			while (k < len && word_char((unsigned char)s[k]))
				k++;
			put(o, s + i, k - i);
			i = k;
		}
	}
}

/* One pass of a group of classes from the text in *cur (freed) to a new
 * one. */
static bool pass(uint32_t mask, struct out *cur, int which)
{
	struct out o = {0};

	if (which == 0)
		resp_text(&o, cur->p, cur->n, !(mask & RX_RESP));
	else if (which == 1)
		sql_redact(&o, cur->p, cur->n);
	else
		pii_redact(&o, mask, cur->p, cur->n);
	if (o.oom) {
		free(o.p);
		return false;
	}
	if (!o.p)
		put(&o, "", 0);
	free(cur->p);
	*cur = o;
	return !o.oom;
}

static int apply(uint32_t mask, const char *s, size_t len, struct out *o)
{
	*o = (struct out){0};
	put(o, s, len);
	if ((mask & (RX_RESP | RX_RESP_TEXT)) && !pass(mask, o, 0))
		goto oom;
	if ((mask & RX_SQL) && !pass(mask, o, 1))
		goto oom;
	if ((mask & RX_PII) && !pass(mask, o, 2))
		goto oom;
	if (o->oom)
		goto oom;
	return 0;
oom:
	free(o->p);
	*o = (struct out){0};
	return -1;
}

size_t redact_apply(uint32_t mask, const char *s, size_t len, char *out,
		    size_t out_size)
{
	struct out o;
	size_t n;

	if (!out_size)
		return 0;
	if (apply(mask, s, len, &o)) {
		out[0] = 0;
		return 0;
	}
	n = o.n < out_size - 1 ? o.n : out_size - 1;
	memcpy(out, o.p, n);
	out[n] = 0;
	free(o.p);
	return n;
}

int redact_string(uint32_t global, const char *s, size_t len, char **out,
		  size_t *out_len)
{
	uint32_t mask = 0;
	struct out o;

	if (redact_marked(s, len, &mask)) {
		s += REDACT_MARK_LEN;
		len -= REDACT_MARK_LEN;
		if (!mask)
			mask = RX_PII;
	} else if (!global) {
		return 0;
	}
	if (apply(mask | global, s, len, &o))
		return -1;
	*out = o.p;
	*out_len = o.n;
	return 1;
}
