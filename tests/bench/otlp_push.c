/* The OTLP exporter alone (runtime/otlp.h), for tests/bench/otlp.sh:
 * pushes N completed spans (five attributes each, as a span block with
 * a few span.NAME values makes) through the sink as fast as it takes
 * them, then finishes (the flush), and prints how long the sink took,
 * how long until everything was delivered, and what was lost.
 *   otlp_push URL N [json] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "otlp.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 100000;
	struct otlp_config c = {
	    .endpoint = argc > 1 ? argv[1] : "http://127.0.0.1:4318",
	    .protocol = argc > 3 && !strcmp(argv[3], "json") ? OTLP_JSON
							     : OTLP_PROTOBUF,
	    .queue = (uint32_t)n,
	    .exit_timeout_ms = 60000,
	};
	struct et_attr attrs[5] = {
	    {.key = "http.method", .kind = ET_ATTR_STR, .str = {"GET", 3}},
	    {.key = "http.target",
	     .kind = ET_ATTR_STR,
	     .str = {"/api/v1/items", 13}},
	    {.key = "http.status_code", .kind = ET_ATTR_INT, .i = 200},
	    {.key = "fd", .kind = ET_ATTR_INT, .i = 7},
	    {.key = "bytes", .kind = ET_ATTR_UINT, .u = 1234},
	};
	struct et_span s = {
	    .name = "request",
	    .trace_flags = 1,
	    .kind = ET_SPAN_SERVER,
	    .pid = 1,
	    .tid = 1,
	    .comm = "bench",
	    .attrs = attrs,
	    .nattrs = 5,
	};
	struct otlp *o = otlp__new(&c, NULL);
	double t0, t1, t2;
	uint64_t lost;

	if (!o)
		return 1;
	t0 = now();
	for (long i = 0; i < n; i++) {
		uint64_t id = (uint64_t)i + 1;

		memcpy(s.trace_id, &id, 8);
		memcpy(s.trace_id + 8, &id, 8);
		memcpy(s.span_id, &id, 8);
		s.start_unix_ns = 1700000000000000000ULL + (uint64_t)i * 1000;
		s.end_unix_ns = s.start_unix_ns + 500;
		otlp__span_sink(o, &s);
	}
	t1 = now();
	lost = otlp__finish(o);
	t2 = now();
	otlp__free(o);
	printf("%ld spans: sink %.0f ns/span; all delivered after %.2f s: "
	       "%.0f spans/s exported; %llu lost\n",
	       n, (t1 - t0) / n * 1e9, t2 - t0, n / (t2 - t0),
	       (unsigned long long)lost);
	return lost != 0;
}
