/* The Prometheus text format of a metrics snapshot (runtime/prom.c) built
 * by hand: counters get _total once, gauges and non-monotonic sums stay
 * gauges, label values and HELP are escaped, histograms are cumulative up
 * to +Inf with _count (and _sum only when known), doubles print as
 * Prometheus reads them; the endpoint's address errors. (Real scrapes,
 * promtool and Prometheus itself: tests/runtime/prom.sh.) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arena.h"
#include "unit.h"

#include "program.h"
#include "prom.h"

static char *render(struct metric_family *f, size_t n)
{
	struct metrics_snapshot s = {.families = f, .nfamilies = n};
	char *buf = NULL;
	size_t len = 0;

	CU_ASSERT_EQUAL_FATAL(prom__render(&s, &buf, &len), 0);
	CU_ASSERT_EQUAL(strlen(buf), len);
	return buf;
}

static void test_counter_gauge(void)
{
	const char *ln[] = {"method", "path"};
	const char *v1[] = {"GET", "/a\"b\\c\nd"};
	const char *v2[] = {"POST", ""};
	struct metric_point pts[] = {
	    {.label_values = v1, .i = 3},
	    {.label_values = v2, .i = -2},
	};
	struct metric_point g[] = {
	    {.as_double = true, .d = 2.5},
	};
	struct metric_family f[] = {
	    {.name = "req",
	     .help = "a\\b\nc",
	     .type = METRIC_SUM,
	     .monotonic = true,
	     .label_names = ln,
	     .nlabels = 2,
	     .points = pts,
	     .npoints = 1},
	    {.name = "x_total",
	     .help = "",
	     .type = METRIC_SUM,
	     .monotonic = true,
	     .label_names = ln,
	     .nlabels = 2,
	     .points = pts + 1,
	     .npoints = 1},
	    {.name = "delta",
	     .help = "h",
	     .type = METRIC_SUM,
	     .monotonic = false,
	     .label_names = ln,
	     .nlabels = 2,
	     .points = pts + 1,
	     .npoints = 1},
	    {.name = "avg",
	     .help = "h",
	     .type = METRIC_GAUGE,
	     .points = g,
	     .npoints = 1},
	};
	char *s = render(f, 4);

	CU_ASSERT_STRING_EQUAL(
	    s, "# HELP req_total a\\\\b\\nc\n"
	       "# TYPE req_total counter\n"
	       "req_total{method=\"GET\",path=\"/a\\\"b\\\\c\\nd\"} 3\n"
	       "# HELP x_total \n"
	       "# TYPE x_total counter\n"
	       "x_total{method=\"POST\",path=\"\"} -2\n"
	       "# HELP delta h\n"
	       "# TYPE delta gauge\n"
	       "delta{method=\"POST\",path=\"\"} -2\n"
	       "# HELP avg h\n"
	       "# TYPE avg gauge\n"
	       "avg 2.5\n");
	free(s);
}

static void test_histogram(void)
{
	const char *ln[] = {"key0"};
	const char *v[] = {"bash"};
	const double bounds[] = {-1, 0, 1, 3};
	const uint64_t counts[] = {0, 2, 1, 0, 4};
	struct metric_point p[] = {
	    {.label_values = v,
	     .nbuckets = 5,
	     .bounds = bounds,
	     .counts = counts,
	     .count = 7},
	    {.label_values = v,
	     .nbuckets = 5,
	     .bounds = bounds,
	     .counts = counts,
	     .count = 7,
	     .has_sum = true,
	     .sum = 40},
	};
	struct metric_family f[] = {
	    {.name = "lat",
	     .help = "h",
	     .type = METRIC_HISTOGRAM,
	     .label_names = ln,
	     .nlabels = 1,
	     .points = p,
	     .npoints = 1},
	    {.name = "l2",
	     .help = "h",
	     .type = METRIC_HISTOGRAM,
	     .points = p + 1,
	     .npoints = 1},
	};
	char *s = render(f, 2);

	CU_ASSERT_STRING_EQUAL(s, "# HELP lat h\n"
				  "# TYPE lat histogram\n"
				  "lat_bucket{key0=\"bash\",le=\"-1\"} 0\n"
				  "lat_bucket{key0=\"bash\",le=\"0\"} 2\n"
				  "lat_bucket{key0=\"bash\",le=\"1\"} 3\n"
				  "lat_bucket{key0=\"bash\",le=\"3\"} 3\n"
				  "lat_bucket{key0=\"bash\",le=\"+Inf\"} 7\n"
				  "lat_count{key0=\"bash\"} 7\n"
				  "# HELP l2 h\n"
				  "# TYPE l2 histogram\n"
				  "l2_bucket{le=\"-1\"} 0\n"
				  "l2_bucket{le=\"0\"} 2\n"
				  "l2_bucket{le=\"1\"} 3\n"
				  "l2_bucket{le=\"3\"} 3\n"
				  "l2_bucket{le=\"+Inf\"} 7\n"
				  "l2_sum 40\n"
				  "l2_count 7\n");
	free(s);
}

static void test_doubles(void)
{
	const double bounds[] = {9223372036854775807.0};
	const uint64_t counts[] = {1, 0};
	struct metric_point g[] = {
	    {.as_double = true, .d = 0.1},
	    {.as_double = true, .d = 1.0 / 0.0},
	    {.as_double = true, .d = 0.0 / 0.0},
	};
	struct metric_point h = {
	    .nbuckets = 2, .bounds = bounds, .counts = counts, .count = 1};
	struct metric_family f[] = {
	    {.name = "a",
	     .help = "",
	     .type = METRIC_GAUGE,
	     .points = g,
	     .npoints = 1},
	    {.name = "b",
	     .help = "",
	     .type = METRIC_GAUGE,
	     .points = g + 1,
	     .npoints = 1},
	    {.name = "c",
	     .help = "",
	     .type = METRIC_GAUGE,
	     .points = g + 2,
	     .npoints = 1},
	    {.name = "h",
	     .help = "",
	     .type = METRIC_HISTOGRAM,
	     .points = &h,
	     .npoints = 1},
	};
	char *s = render(f, 4);

	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\na 0.10000000000000001\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\nb +Inf\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\nc NaN\n"));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(s, "\nh_bucket{le=\"9.2233720368547758e+18\"} 1\n"));
	free(s);
}

static void test_addr(void)
{
	static const char *const bad[] = {
	    "9469", ":", ":x", ":70000", ":-1", "[::1]9469", "[::1:9469"};
	char err[256];
	struct prom *p;
	int fd;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_PTR_NULL(prom__start(bad[i], NULL, err, sizeof(err)));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "not [HOST]:PORT"));
	}
	CU_ASSERT_PTR_NULL(prom__start("192.0.2.1:0", NULL, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err,
				      "cannot serve metrics on "
				      "192.0.2.1:0: no such local address"));
	p = prom__start("127.0.0.1:0", NULL, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT(prom__port(p) > 0);
	prom__stop(p);
	prom__stop(NULL);
	/* every address; an IPv6 host in brackets (where the machine has
	 * IPv6 at all) */
	p = prom__start(":0", NULL, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	prom__stop(p);
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd >= 0) {
		close(fd);
		p = prom__start("[::1]:0", NULL, err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL(p);
		prom__stop(p);
	}
}

/* METHOD PATH over HTTP/1.0 to 127.0.0.1:port: the whole answer */
static char *get(int port, const char *method, const char *path)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	static char buf[65536];
	char req[256];
	size_t n = 0;
	ssize_t r;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\n\r\n", method, path);
	CU_ASSERT_FATAL(write(fd, req, strlen(req)) == (ssize_t)strlen(req));
	while (n + 1 < sizeof(buf) &&
	       ((r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0 ||
		(r < 0 && errno == EINTR)))
		n += r > 0 ? (size_t)r : 0;
	buf[n] = '\0';
	close(fd);
	return buf;
}

/* the status code of an answer ("HTTP/1.x NNN ...") */
static int status(const char *r)
{
	const char *sp = strchr(r, ' ');

	return strncmp(r, "HTTP/1.", 7) || !sp ? -1 : atoi(sp + 1);
}

static int no_map(void *ctx, const struct et_map *m)
{
	(void)ctx;
	(void)m;
	return -ENOENT;
}

/* A program without maps or probes: 503 until ready, then the health
 * families; 404 elsewhere, 405 for POST; the export health set by
 * another part of the runtime shows up labelled. */
static void test_serve(void)
{
	struct et_program prog = {0};
	struct metrics *m = metrics__new(&prog, no_map, NULL);
	struct metrics_export_stats es = {
	    .queued = 3, .queue_capacity = 8, .sent = 10, .dropped = 1};
	char err[256];
	struct prom *p;
	char *r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	p = prom__start("127.0.0.1:0", m, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	r = get(prom__port(p), "GET", "/metrics");
	CU_ASSERT_EQUAL(status(r), 503);
	metrics__set_ready(m, true);
	metrics_health_export("otlp_traces", &es);
	r = get(prom__port(p), "GET", "/metrics");
	CU_ASSERT_EQUAL(status(r), 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "Content-Type: text/plain; "
					 "version=0.0.4; charset=utf-8"));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(r, "# TYPE etrace_lost_records_total counter\n"));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(r, "\netrace_export_queued{exporter=\"otlp_traces\"} 3\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
	    r, "\netrace_export_dropped_total{exporter=\"otlp_traces\"} 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
	    r, "\netrace_export_sent_total{exporter=\"otlp_traces\"} 10\n"));
	r = get(prom__port(p), "GET", "/other");
	CU_ASSERT_EQUAL(status(r), 404);
	r = get(prom__port(p), "POST", "/metrics");
	CU_ASSERT_EQUAL(status(r), 405);
	metrics__set_ready(m, false);
	r = get(prom__port(p), "GET", "/metrics");
	CU_ASSERT_EQUAL(status(r), 503);
	prom__stop(p);
	metrics__free(m);
}

/* arena__reset, which the scrapes' snapshots rely on: the chunks kept
 * are handed out again, arena_alloc's memory zeroed all the same; none
 * kept beyond the bound */
static void test_arena_reset(void)
{
	struct arena *a = arena__new();
	unsigned char *p, *q, *big;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	p = arena_alloc(a, 100);
	memset(p, 0xab, 100);
	big = arena_alloc(a, 1 << 20);
	memset(big, 0xcd, 1 << 20);
	CU_ASSERT_STRING_EQUAL(arena_strdup(a, "x"), "x");
	arena__reset(a, 16u << 20);
	CU_ASSERT_EQUAL(arena_used(a), 0);
	q = arena_alloc(a, 100);
	CU_ASSERT(q == p || q == big);
	for (int i = 0; i < 100; i++)
		CU_ASSERT_EQUAL_FATAL(q[i], 0);
	q = arena_alloc(a, 1 << 20);
	CU_ASSERT_EQUAL(q[0], 0);
	CU_ASSERT_EQUAL(q[(1 << 20) - 1], 0);
	CU_ASSERT_STRING_EQUAL(arena_printf(a, "%d-%s", 42, "y"), "42-y");
	arena__reset(a, 0);
	CU_ASSERT_EQUAL(arena_used(a), 0);
	CU_ASSERT_STRING_EQUAL(arena_strndup(a, "abc", 2), "ab");
	arena__free(a);
}

UNIT_MAIN("prom", UNIT_TEST(test_counter_gauge), UNIT_TEST(test_histogram),
	  UNIT_TEST(test_doubles), UNIT_TEST(test_addr), UNIT_TEST(test_serve),
	  UNIT_TEST(test_arena_reset))
