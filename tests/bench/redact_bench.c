/* The cost per string of runtime/redact.c (issue #17's redaction): each
 * string of a small corpus (a SQL query, a RESP command, a log line with
 * personal data, one without) redacted N times with the classes a DB
 * recipe and config redact = "pii" use, and the cost of a string that
 * neither a mark nor the config touches (the check alone). Prints ns per
 * string. Not a ctest test (speed targets never live in timed tests).
 *   redact_bench [N]     (tests/bench/redact.sh runs it) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "redact.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static const struct {
	const char *what;
	uint32_t global, mark; /* mark: 0 none, else its classes */
	const char *s;
} cases[] = {
    {"sql query (64 B), redact(q, \"sql\")", 0, RX_SQL,
     "SELECT id, name FROM users WHERE email = 'bob@x.org' AND id = 42"},
    {"sql query (200 B), redact(q, \"sql\")", 0, RX_SQL,
     "INSERT INTO orders (id, customer, total, card, note, created) VALUES "
     "(1234567, 'Alice Example', 99.95, '4111111111111111', 'deliver to "
     "the back door, ring twice', '2026-12-07 10:00:00') RETURNING id"},
    {"resp command, redact(c, \"resp\")", 0, RX_RESP,
     "*3\r\n$3\r\nSET\r\n$10\r\nuser:12345\r\n$17\r\nalice@example.org\r\n"},
    {"log line with PII (96 B), config redact = \"pii\"", RX_PII, 0,
     "login alice@example.org from 10.1.2.3 card 4111 1111 1111 1111 "
     "token=abcdef0123456789 ok"},
    {"log line without PII (96 B), config redact = \"pii\"", RX_PII, 0,
     "GET /api/v1/orders/list?page=2 HTTP/1.1 200 OK served by worker "
     "number seven in 12 ms, cache hit"},
    {"any string, no mark and no config", 0, 0,
     "GET /api/v1/orders/list?page=2 HTTP/1.1 200 OK"},
};

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	char buf[512];

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		size_t len;
		double t0, t;
		char *out;
		size_t olen;
		int changed = 0;

		buf[0] = REDACT_MARK;
		buf[1] = (char)(0x80 | (cases[c].mark & 0x7f));
		buf[2] = (char)(0x80 | (cases[c].mark >> 7 & 0x7f));
		len = strlen(cases[c].s);
		memcpy(buf + REDACT_MARK_LEN, cases[c].s, len + 1);
		if (cases[c].mark)
			len += REDACT_MARK_LEN;
		t0 = now_ns();
		for (long i = 0; i < n; i++) {
			out = NULL;
			changed += redact_string(cases[c].global,
						 cases[c].mark ? buf : buf + 3,
						 len, &out, &olen) > 0;
			free(out);
		}
		t = (now_ns() - t0) / (double)n;
		printf("%-50s %8.0f ns/string%s\n", cases[c].what, t,
		       changed ? "" : " (unchanged)");
	}
	return 0;
}
