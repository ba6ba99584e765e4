/* runtime/redact.c: a corpus of true positives (each class replaced)
 * and false positives (left alone: numbers that fail the Luhn check,
 * version strings, words that look like keys), SQL literals and RESP
 * commands, the mark redact() puts before a string, and the class
 * names of config redact. */
#include <stdio.h>
#include <string.h>

#include "redact.h"
#include "unit.h"

struct row {
	uint32_t mask;
	const char *in, *out;
};

static void check_rows(const struct row *r, size_t n)
{
	char out[512];

	for (size_t i = 0; i < n; i++) {
		redact_apply(r[i].mask, r[i].in, strlen(r[i].in), out,
			     sizeof(out));
		if (strcmp(out, r[i].out))
			fprintf(stderr, "\n  [%s] -> [%s], want [%s]\n",
				r[i].in, out, r[i].out);
		CU_ASSERT_STRING_EQUAL(out, r[i].out);
	}
}

#define ROWS(r) check_rows(r, sizeof(r) / sizeof(r[0]))

static void test_true_positives(void)
{
	static const struct row r[] = {
	    {RX_EMAIL, "mail alice@example.com now", "mail <email> now"},
	    {RX_EMAIL, "to:j.doe+tag@mail.example.co.uk;", "to:<email>;"},
	    {RX_EMAIL, "<bob_1@x-y.org>", "<<email>>"},
	    /* Visa, Mastercard, Amex test numbers; spaces and dashes */
	    {RX_CARD, "card 4111111111111111 ok", "card <card> ok"},
	    {RX_CARD, "5500-0000-0000-0004", "<card>"},
	    {RX_CARD, "amex 3782 822463 10005.", "amex <card>."},
	    {RX_CARD, "n=4012888888881881", "n=<card>"},
	    {RX_SSN, "ssn 123-45-6789", "ssn <ssn>"},
	    {RX_SSN, "(078-05-1120)", "(<ssn>)"},
	    {RX_IPV4, "from 10.0.0.1:5432", "from <ipv4>:5432"},
	    {RX_IPV4, "ip=192.168.100.255,", "ip=<ipv4>,"},
	    {RX_IPV4, "0.0.0.0", "<ipv4>"},
	    {RX_JWT,
	     "Authorization: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0."
	     "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk end",
	     "Authorization: <jwt> end"},
	    {RX_SECRET, "user=bob&password=hunter2&x=1",
	     "user=bob&password=<secret>&x=1"},
	    {RX_SECRET, "{\"api_key\": \"abc123\", \"n\": 1}",
	     "{\"api_key\": <secret>, \"n\": 1}"},
	    {RX_SECRET, "DB_PASSWORD=s3cr3t", "DB_PASSWORD=<secret>"},
	    {RX_SECRET, "Authorization: Bearer abcdefghijkl.mnop",
	     "Authorization: Bearer <secret>"},
	    {RX_SECRET, "key AKIAIOSFODNN7EXAMPLE used", "key <secret> used"},
	    {RX_SECRET, "ghp_0123456789abcdefghijABCDEFGHIJ012345", "<secret>"},
	    {RX_PII,
	     "alice@example.com paid with 4111 1111 1111 1111 from "
	     "10.1.2.3",
	     "<email> paid with <card> from <ipv4>"},
	};
	ROWS(r);
}

static void test_false_positives(void)
{
	static const struct row r[] = {
	    /* Luhn fails; too short; inside a longer run or a word */
	    {RX_CARD, "4111111111111112", "4111111111111112"},
	    {RX_CARD, "id 411111111111", "id 411111111111"},
	    {RX_CARD, "x41111111111111111111", "x41111111111111111111"},
	    {RX_CARD, "order 12345678901234567890123",
	     "order 12345678901234567890123"},
	    {RX_CARD, "ts 1700000000.123456789", "ts 1700000000.123456789"},
	    /* SSN: invalid area, group or serial; a phone-like shape */
	    {RX_SSN, "000-12-3456 666-12-3456 912-12-3456",
	     "000-12-3456 666-12-3456 912-12-3456"},
	    {RX_SSN, "123-00-4567 123-45-0000", "123-00-4567 123-45-0000"},
	    {RX_SSN, "555-123-4567", "555-123-4567"},
	    {RX_SSN, "a123-45-6789", "a123-45-6789"},
	    /* IPv4: a part above 255, five parts, leading zeros, version */
	    {RX_IPV4, "256.1.1.1", "256.1.1.1"},
	    {RX_IPV4, "1.2.3.4.5", "1.2.3.4.5"},
	    {RX_IPV4, "01.2.3.4", "01.2.3.4"},
	    {RX_IPV4, "v1.2.3.4", "v1.2.3.4"},
	    {RX_IPV4, "1.2.3", "1.2.3"},
	    /* email: no dot in the domain, a one-letter TLD, no local part */
	    {RX_EMAIL, "user@localhost", "user@localhost"},
	    {RX_EMAIL, "a@b.c", "a@b.c"},
	    {RX_EMAIL, "@example.com", "@example.com"},
	    {RX_EMAIL, "git@github", "git@github"},
	    /* JWT: not eyJ, too short, two parts */
	    {RX_JWT, "eyJhbGciOiJIUzI1NiJ9.eyJz", "eyJhbGciOiJIUzI1NiJ9.eyJz"},
	    {RX_JWT, "abc.def.ghi", "abc.def.ghi"},
	    {RX_JWT, "eyJ.eyJ.x", "eyJ.eyJ.x"},
	    /* secrets: a key without a value, a word that contains none */
	    {RX_SECRET, "password reset requested", "password reset requested"},
	    {RX_SECRET, "tokens=5", "tokens=5"},
	    {RX_SECRET, "Bearer x", "Bearer x"},
	    {RX_SECRET, "AKIA12", "AKIA12"},
	    /* classes not asked for */
	    {RX_EMAIL, "4111111111111111 10.0.0.1",
	     "4111111111111111 10.0.0.1"},
	    {0, "alice@example.com", "alice@example.com"},
	};
	ROWS(r);
}

static void test_sql(void)
{
	static const struct row r[] = {
	    {RX_SQL, "SELECT * FROM users WHERE name = 'bob' AND id = 42",
	     "SELECT * FROM users WHERE name = ? AND id = ?"},
	    {RX_SQL, "INSERT INTO t1 (a, b2) VALUES ('it''s', -3.5e10)",
	     "INSERT INTO t1 (a, b2) VALUES (?, -?)"},
	    {RX_SQL, "select x from t where y in (1, 2, 0x1F) limit 10",
	     "select x from t where y in (?, ?, ?) limit ?"},
	    {RX_SQL, "SELECT $1, $2::int, E'a\\'b', X'ff'",
	     "SELECT $1, $2::int, ?, ?"},
	    {RX_SQL, "SELECT $$dollar 'q'$$, $tag$x$tag$ FROM tab_2",
	     "SELECT ?, ? FROM tab_2"},
	    {RX_SQL, "UPDATE t SET v = \"mysql string\" WHERE k = 'a\\'b'",
	     "UPDATE t SET v = ? WHERE k = ?"},
	    {RX_SQL, "SELECT 1 -- it's 7\nFROM t /* don't 9 */ WHERE a=.5",
	     "SELECT ? -- it's 7\nFROM t /* don't 9 */ WHERE a=?"},
	    /* cut inside a literal: the rest is the literal */
	    {RX_SQL, "SELECT * FROM t WHERE s = 'secret val",
	     "SELECT * FROM t WHERE s = ?"},
	    {RX_SQL, "SELECT col1, t2.c3 FROM s1.t2",
	     "SELECT col1, t2.c3 FROM s1.t2"},
	};
	ROWS(r);
}

#define SET3 "*3\r\n$3\r\nset\r\n$4\r\nuser\r\n$5\r\nalice\r\n"

static void test_resp(void)
{
	static const struct row r[] = {
	    {RX_RESP, SET3, "SET ? ?"},
	    {RX_RESP_TEXT, SET3, "SET user alice"},
	    {RX_RESP, "*1\r\n$4\r\nPING\r\n", "PING"},
	    /* a pipeline: every command the bytes hold */
	    {RX_RESP, SET3 "*2\r\n$3\r\nGET\r\n$4\r\nuser\r\n",
	     "SET ? ?; GET ?"},
	    /* cut: the arguments the header counts */
	    {RX_RESP, "*4\r\n$4\r\nHSET\r\n$1\r\nh", "HSET ? ? ?"},
	    {RX_RESP_TEXT, "*3\r\n$4\r\nHSET\r\n$5\r\nab", "HSET ab... ..."},
	    /* inline commands (redis-cli's telnet form) */
	    {RX_RESP, "set k v\r\n", "SET ? ?"},
	    {RX_RESP_TEXT, "*2\r\n$3\r\nGET\r\n$3\r\na\nb\r\n", "GET a\\x0ab"},
	    /* not RESP: as it is */
	    {RX_RESP, "+OK\r\n", "+OK\r\n"},
	    {RX_RESP | RX_EMAIL, "*2\r\n$3\r\nGET\r\n$13\r\nbob@gmail.com\r\n",
	     "GET ?"},
	    {RX_RESP_TEXT | RX_EMAIL,
	     "*2\r\n$3\r\nGET\r\n$13\r\nbob@gmail.com\r\n", "GET <email>"},
	};
	ROWS(r);
}

static void test_luhn(void)
{
	CU_ASSERT(redact_luhn("79927398713", 11));
	CU_ASSERT(!redact_luhn("79927398710", 11));
	CU_ASSERT(redact_luhn("4111 1111 1111 1111", 19));
	CU_ASSERT(!redact_luhn("", 0));
}

static void test_mark(void)
{
	char s[64], *out = NULL;
	size_t n = 0;
	uint32_t m = 0;

	/* redact(s): classes 0, all the personal-data ones */
	memcpy(s, "\x1f\x80\x80mail bob@example.com from 10.0.0.1", 38);
	CU_ASSERT(redact_marked(s, 38, &m));
	CU_ASSERT_EQUAL(m, 0);
	CU_ASSERT_EQUAL(redact_string(0, s, 38, &out, &n), 1);
	CU_ASSERT_STRING_EQUAL(out, "mail <email> from <ipv4>");
	free(out);
	/* the config's classes apply besides a mark's */
	memcpy(s, "\x1f\xc0\x80x = 'bob@example.com'", 24);
	CU_ASSERT_EQUAL(redact_string(RX_EMAIL, s, 24, &out, &n), 1);
	CU_ASSERT_STRING_EQUAL(out, "x = ?");
	free(out);
	CU_ASSERT_EQUAL(redact_string(RX_EMAIL, s + 3, 21, &out, &n), 1);
	CU_ASSERT_STRING_EQUAL(out, "x = '<email>'");
	free(out);
	/* redact(s, "sql"): 0x40 in the first byte */
	memcpy(s, "\x1f\xc0\x80where a = 'x'", 16);
	CU_ASSERT(redact_marked(s, 16, &m));
	CU_ASSERT_EQUAL(m, RX_SQL);
	CU_ASSERT_EQUAL(redact_string(0, s, 16, &out, &n), 1);
	CU_ASSERT_STRING_EQUAL(out, "where a = ?");
	CU_ASSERT_EQUAL(n, 11);
	free(out);
	/* resp_text: 0x100, the second byte */
	memcpy(s, "\x1f\x80\x82*1\r\n$4\r\nping\r\n", 17);
	CU_ASSERT(redact_marked(s, 17, &m));
	CU_ASSERT_EQUAL(m, RX_RESP_TEXT);
	/* no mark, no config: unchanged */
	CU_ASSERT_EQUAL(redact_string(0, "bob@example.com", 15, &out, &n), 0);
	CU_ASSERT(!redact_marked("\x1f", 1, &m));
	CU_ASSERT(!redact_marked("\x1f\x01\x80", 3, &m));
	/* the config alone */
	CU_ASSERT_EQUAL(redact_string(RX_SSN, "id 123-45-6789", 14, &out, &n),
			1);
	CU_ASSERT_STRING_EQUAL(out, "id <ssn>");
	free(out);
}

static void test_names(void)
{
	uint32_t m = 0;
	const char *bad = NULL;
	size_t badlen = 0;
	char buf[128];

	CU_ASSERT_EQUAL(
	    redact_parse("email, card,ssn,ipv4,jwt,secret", &m, &bad, &badlen),
	    0);
	CU_ASSERT_EQUAL(m, RX_PII);
	CU_ASSERT_EQUAL(redact_parse("pii,sql", &m, &bad, &badlen), 0);
	CU_ASSERT_EQUAL(m, RX_PII | RX_SQL);
	CU_ASSERT_EQUAL(redact_parse("", &m, &bad, &badlen), 0);
	CU_ASSERT_EQUAL(m, 0);
	CU_ASSERT_EQUAL(redact_parse("email,phone", &m, &bad, &badlen), -1);
	CU_ASSERT_EQUAL(badlen, 5);
	CU_ASSERT_NSTRING_EQUAL(bad, "phone", 5);
	CU_ASSERT_STRING_EQUAL(
	    redact_names(RX_EMAIL | RX_SQL | RX_RESP_TEXT, buf, sizeof(buf)),
	    "email,sql,resp_text");
	CU_ASSERT_STRING_EQUAL(redact_names(0, buf, sizeof(buf)), "");
}

/* a long string: every byte passes through each pass once */
static void test_long(void)
{
	static char in[8192], out[9000];
	size_t n;

	for (size_t i = 0; i < sizeof(in) - 1; i++)
		in[i] = "a1.@ '-"[i % 7];
	n = redact_apply(RX_ALL & ~RX_RESP_TEXT & ~RX_RESP, in, sizeof(in) - 1,
			 out, sizeof(out));
	CU_ASSERT(n > 0 && n < sizeof(out));
}

UNIT_MAIN("redact", UNIT_TEST(test_true_positives),
	  UNIT_TEST(test_false_positives), UNIT_TEST(test_sql),
	  UNIT_TEST(test_resp), UNIT_TEST(test_luhn), UNIT_TEST(test_mark),
	  UNIT_TEST(test_names), UNIT_TEST(test_long))
