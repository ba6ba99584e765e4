/* Unit tests of the OTLP exporter's pure parts (runtime/otlp_*.c): the
 * protobuf requests read back with protobuf-c's unpacker, the OTLP/JSON
 * requests parsed back (hex ids, int64s as strings), the deep copy of a
 * span, UTF-8 clean-up, container ids, durations, gzip and a refusal's
 * google.rpc.Status message. Hand-made spans and snapshots; the real ones
 * are judged by OpenTelemetry's decoders in tests/runtime/otlp.sh. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <opentelemetry/proto/collector/metrics/v1/metrics_service.pb-c.h>
#include <opentelemetry/proto/collector/trace/v1/trace_service.pb-c.h>
#include "otlp_impl.h"
#include "program.h"
#include "unit.h"

static const struct otlp_resource res_a = {
    .service = "shop",
    .host = "h1",
    .pid = 42,
    .exe = "shopd",
    .container =
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    /* container.name, k8s.pod.name, k8s.namespace.name, k8s.pod.uid;
     * the name left out */
    .pod = {NULL, "shop-7d9f", "retail", "0c1d2e3f-1111"},
};
static const struct otlp_resource res_b = {
    .service = "db",
    .host = "h1",
    .pid = 7,
    .exe = "postgres",
};

static const char bad_utf8[] = "GET \xff/x";

static const struct et_attr attrs[] = {
    {.key = "method", .kind = ET_ATTR_STR, .str = {bad_utf8, 7}},
    {.key = "status", .kind = ET_ATTR_INT, .i = -5},
    {.key = "bytes", .kind = ET_ATTR_UINT, .u = UINT64_MAX},
    {.key = "ok", .kind = ET_ATTR_BOOL, .u = 1},
    {.key = "ratio", .kind = ET_ATTR_DOUBLE, .d = 0.25},
};
static const struct et_attr ev_attrs[] = {
    {.key = "n", .kind = ET_ATTR_INT, .i = 3},
};
static const struct et_span_event events[] = {
    {.time_unix_ns = 1500, .name = "retry", .attrs = ev_attrs, .nattrs = 1},
};

static struct et_span span_of(uint8_t id, bool child)
{
	struct et_span s = {
	    .name = "request",
	    .trace_flags = 1,
	    .kind = ET_SPAN_SERVER,
	    .status = ET_STATUS_ERROR,
	    .status_message = "boom",
	    .start_unix_ns = 1000,
	    .end_unix_ns = 2000,
	    .pid = 42,
	    .tid = 43,
	    .comm = "shopd",
	    .attrs = attrs,
	    .nattrs = 5,
	    .events = events,
	    .nevents = 1,
	    .dropped_events = 2,
	};

	for (int i = 0; i < 16; i++)
		s.trace_id[i] = (uint8_t)(0xa0 + i);
	memset(s.span_id, id, 8);
	if (child) {
		memset(s.parent_span_id, 0x11, 8);
		s.remote_parent = true;
	}
	return s;
}

/* the queue's copy owns everything: the original may go */
static struct otlp_span *copy_of(uint8_t id, bool child,
				 const struct otlp_resource *r)
{
	struct et_span s = span_of(id, child);
	char name[16] = "request";
	struct otlp_span *c;

	s.name = name;
	c = otlp_span_copy(&s, r);
	memset(name, 'x', sizeof(name) - 1);
	return c;
}

static void test_copy(void)
{
	struct otlp_span *c = copy_of(1, true, &res_a);

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->s.name, "request");
	CU_ASSERT_EQUAL(c->s.nattrs, 5);
	CU_ASSERT_EQUAL(c->s.attrs[0].str.len, 7);
	CU_ASSERT_EQUAL(memcmp(c->s.attrs[0].str.s, bad_utf8, 7), 0);
	CU_ASSERT_PTR_NOT_EQUAL(c->s.attrs, attrs);
	CU_ASSERT_STRING_EQUAL(c->s.events[0].name, "retry");
	CU_ASSERT_EQUAL(c->s.events[0].attrs[0].i, 3);
	CU_ASSERT_STRING_EQUAL(c->s.status_message, "boom");
	CU_ASSERT_PTR_EQUAL(c->res, &res_a);
	free(c);
}

static const char *kv_str(Opentelemetry__Proto__Common__V1__KeyValue **kv,
			  size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv[i]->key, key))
			return kv[i]->value->string_value;
	return NULL;
}

static void test_pb_traces(void)
{
	struct otlp_span *sp[3] = {copy_of(1, true, &res_a),
				   copy_of(2, false, &res_b),
				   copy_of(3, false, &res_a)};
	struct otlp_buf b = {0};
	Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest
	    *r;
	Opentelemetry__Proto__Trace__V1__Span *s;

	CU_ASSERT_EQUAL_FATAL(otlp_pb_traces(sp, 3, &b), 0);
	r = opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(
	    NULL, b.len, b.data);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* one ResourceSpans per process, in order of first appearance */
	CU_ASSERT_EQUAL_FATAL(r->n_resource_spans, 2);
	CU_ASSERT_EQUAL(r->resource_spans[0]->scope_spans[0]->n_spans, 2);
	CU_ASSERT_EQUAL(r->resource_spans[1]->scope_spans[0]->n_spans, 1);
	CU_ASSERT_STRING_EQUAL(
	    r->resource_spans[0]->scope_spans[0]->scope->name, "etrace");
	CU_ASSERT_STRING_EQUAL(
	    kv_str(r->resource_spans[0]->resource->attributes,
		   r->resource_spans[0]->resource->n_attributes,
		   "container.id"),
	    res_a.container);
	CU_ASSERT_STRING_EQUAL(
	    kv_str(r->resource_spans[0]->resource->attributes,
		   r->resource_spans[0]->resource->n_attributes,
		   "k8s.pod.name"),
	    "shop-7d9f");
	CU_ASSERT_STRING_EQUAL(
	    kv_str(r->resource_spans[0]->resource->attributes,
		   r->resource_spans[0]->resource->n_attributes,
		   "k8s.namespace.name"),
	    "retail");
	CU_ASSERT_STRING_EQUAL(
	    kv_str(r->resource_spans[0]->resource->attributes,
		   r->resource_spans[0]->resource->n_attributes,
		   "k8s.pod.uid"),
	    "0c1d2e3f-1111");
	CU_ASSERT_PTR_NULL(kv_str(r->resource_spans[0]->resource->attributes,
				  r->resource_spans[0]->resource->n_attributes,
				  "container.name"));
	CU_ASSERT_STRING_EQUAL(
	    kv_str(r->resource_spans[1]->resource->attributes,
		   r->resource_spans[1]->resource->n_attributes,
		   "service.name"),
	    "db");
	CU_ASSERT_PTR_NULL(kv_str(r->resource_spans[1]->resource->attributes,
				  r->resource_spans[1]->resource->n_attributes,
				  "container.id"));
	s = r->resource_spans[0]->scope_spans[0]->spans[0];
	CU_ASSERT_EQUAL(s->trace_id.len, 16);
	CU_ASSERT_EQUAL(s->trace_id.data[15], 0xaf);
	CU_ASSERT_EQUAL(s->span_id.data[0], 1);
	CU_ASSERT_EQUAL(s->parent_span_id.len, 8);
	/* sampled, parent remote, and that being known */
	CU_ASSERT_EQUAL(s->flags, 0x301);
	CU_ASSERT_EQUAL(s->kind, 2);
	CU_ASSERT_EQUAL(s->start_time_unix_nano, 1000);
	CU_ASSERT_EQUAL(s->end_time_unix_nano, 2000);
	CU_ASSERT_EQUAL(s->status->code, 2);
	CU_ASSERT_STRING_EQUAL(s->status->message, "boom");
	/* five attributes, thread.id and thread.name */
	CU_ASSERT_EQUAL_FATAL(s->n_attributes, 7);
	CU_ASSERT_STRING_EQUAL(s->attributes[0]->value->string_value,
			       "GET \xef\xbf\xbd/x");
	CU_ASSERT_EQUAL(s->attributes[1]->value->int_value, -5);
	CU_ASSERT_EQUAL(s->attributes[2]->value->int_value, INT64_MAX);
	CU_ASSERT_EQUAL(s->attributes[3]->value->bool_value, 1);
	CU_ASSERT_EQUAL(s->attributes[4]->value->double_value, 0.25);
	CU_ASSERT_STRING_EQUAL(s->attributes[5]->key, "thread.id");
	CU_ASSERT_EQUAL(s->attributes[5]->value->int_value, 43);
	CU_ASSERT_EQUAL_FATAL(s->n_events, 1);
	CU_ASSERT_EQUAL(s->events[0]->time_unix_nano, 1500);
	CU_ASSERT_EQUAL(s->events[0]->attributes[0]->value->int_value, 3);
	CU_ASSERT_EQUAL(s->dropped_events_count, 2);
	/* a root span has no parent id, and its parent is known local */
	s = r->resource_spans[1]->scope_spans[0]->spans[0];
	CU_ASSERT_EQUAL(s->parent_span_id.len, 0);
	CU_ASSERT_EQUAL(s->flags, 0x101);
	opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(
	    r, NULL);
	free(b.data);
	for (int i = 0; i < 3; i++)
		free(sp[i]);
}

/* The wire writer's bytes are protobuf-c's for the same message (fields
 * in number order, defaults left out, minimal varints): packing what
 * protobuf-c reads back gives the very same bytes, for spans with and
 * without every optional part, zero values, bad UTF-8, resources with
 * OTEL_RESOURCE_ATTRIBUTES, and lengths of 1, 2 and 3 varint bytes. */
static void test_pb_canonical(void)
{
	static const struct otlp_kv extra[] = {{"service.name", "x"},
					       {"host.name", "h9"},
					       {"deployment", "prod"}};
	static const struct otlp_resource res_c = {
	    .service = "svc", .host = "", .extra = extra, .nextra = 3};
	static char longv[300];
	struct et_attr zat[] = {
	    {.key = "zero", .kind = ET_ATTR_INT, .i = 0},
	    {.key = "", .kind = ET_ATTR_STR, .str = {"", 0}},
	    {.key = "f", .kind = ET_ATTR_BOOL, .u = 0},
	    {.key = "d0", .kind = ET_ATTR_DOUBLE, .d = 0},
	    {.key = "neg", .kind = ET_ATTR_INT, .i = INT64_MIN},
	    {.key = "u", .kind = ET_ATTR_UINT, .u = 300},
	    {.key = "long", .kind = ET_ATTR_STR, .str = {longv, 299}},
	};
	struct et_span_event ev[2] = {{.name = "a"},
				      {.time_unix_ns = 7, .name = "b",
				       .attrs = zat, .nattrs = 7}};
	enum { N = 400 };
	struct otlp_span *sp[N];
	struct otlp_buf b = {0};
	Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest
	    *r;
	uint8_t *again;
	size_t len;

	memset(longv, 'v', sizeof(longv) - 1);
	for (int i = 0; i < N; i++) {
		struct et_span s = span_of((uint8_t)i, i % 3 == 0);

		switch (i % 4) {
		case 1: /* nothing optional, no comm */
			s.kind = ET_SPAN_UNSPECIFIED;
			s.status = ET_STATUS_UNSET;
			s.status_message = NULL;
			s.start_unix_ns = s.end_unix_ns = 0;
			s.comm = NULL;
			s.nattrs = s.nevents = 0;
			s.dropped_events = 0;
			s.trace_flags = 0;
			break;
		case 2:
			s.attrs = zat;
			s.nattrs = 7;
			s.events = ev;
			s.nevents = 2;
			s.tid = 0;
			break;
		}
		sp[i] = otlp_span_copy(&s, i % 5 == 0   ? &res_c
					   : i % 2 ? &res_a
						   : &res_b);
		CU_ASSERT_PTR_NOT_NULL_FATAL(sp[i]);
	}
	for (size_t n = 0; n <= N; n = n ? n * 4 : 1) {
		CU_ASSERT_EQUAL_FATAL(otlp_pb_traces(sp, n, &b), 0);
		r = opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(
		    NULL, b.len, b.data);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		len = protobuf_c_message_get_packed_size(&r->base);
		CU_ASSERT_EQUAL(len, b.len);
		again = malloc(len + 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(again);
		protobuf_c_message_pack(&r->base, again);
		CU_ASSERT_TRUE(len == b.len && !memcmp(again, b.data, len));
		if (n == N) {
			/* three resources; the third's extra attributes */
			CU_ASSERT_EQUAL(r->n_resource_spans, 3);
			CU_ASSERT_STRING_EQUAL(
			    kv_str(r->resource_spans[0]->resource->attributes,
				   r->resource_spans[0]->resource->n_attributes,
				   "deployment"),
			    "prod");
			CU_ASSERT_EQUAL(r->resource_spans[0]
					    ->scope_spans[0]
					    ->spans[2]
					    ->attributes[4]
					    ->value->int_value,
					INT64_MIN);
		}
		free(again);
		opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(
		    r, NULL);
	}
	free(b.data);
	for (int i = 0; i < N; i++)
		free(sp[i]);
}

static void test_json_traces(void)
{
	struct otlp_span *sp[1] = {copy_of(0xab, true, &res_a)};
	struct otlp_buf b = {0};
	cJSON *j, *s, *a;

	CU_ASSERT_EQUAL_FATAL(otlp_json_traces(sp, 1, &b), 0);
	j = cJSON_ParseWithLength((const char *)b.data, b.len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	s = cJSON_GetArrayItem(
	    cJSON_GetObjectItem(
		cJSON_GetArrayItem(
		    cJSON_GetObjectItem(
			cJSON_GetArrayItem(
			    cJSON_GetObjectItem(j, "resourceSpans"), 0),
			"scopeSpans"),
		    0),
		"spans"),
	    0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(s, "traceId")->valuestring,
			       "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(s, "spanId")->valuestring,
			       "abababababababab");
	CU_ASSERT_STRING_EQUAL(
	    cJSON_GetObjectItem(s, "parentSpanId")->valuestring,
	    "1111111111111111");
	CU_ASSERT_STRING_EQUAL(
	    cJSON_GetObjectItem(s, "startTimeUnixNano")->valuestring, "1000");
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(s, "kind")->valueint, 2);
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(s, "flags")->valueint, 0x301);
	a = cJSON_GetArrayItem(cJSON_GetObjectItem(s, "attributes"), 2);
	CU_ASSERT_STRING_EQUAL(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(a, "value"), "intValue")
		->valuestring,
	    "9223372036854775807");
	cJSON_Delete(j);
	free(b.data);
	free(sp[0]);
}

static const char *labels_k[] = {"method"};
static const char *labels_v[] = {"GET"};
static const double bounds[] = {0, 1, 3};
static const uint64_t counts[] = {1, 0, 2, 4};

static struct metrics_snapshot *snapshot(void)
{
	static struct metric_point pts[3];
	static struct metric_family fam[3];
	static struct metrics_snapshot s;

	pts[0] = (struct metric_point){.label_values = labels_v, .i = 9};
	pts[1] = (struct metric_point){.as_double = true, .d = 2.5};
	pts[2] = (struct metric_point){
	    .nbuckets = 4, .bounds = bounds, .counts = counts, .count = 7};
	fam[0] = (struct metric_family){.name = "req",
					.help = "count()",
					.unit = "",
					.type = METRIC_SUM,
					.monotonic = true,
					.label_names = labels_k,
					.nlabels = 1,
					.points = &pts[0],
					.npoints = 1};
	fam[1] = (struct metric_family){.name = "lat",
					.unit = "ns",
					.type = METRIC_GAUGE,
					.points = &pts[1],
					.npoints = 1};
	fam[2] = (struct metric_family){.name = "h",
					.type = METRIC_HISTOGRAM,
					.points = &pts[2],
					.npoints = 1};
	s = (struct metrics_snapshot){.time_unix_ns = 5000,
				      .start_unix_ns = 100,
				      .families = fam,
				      .nfamilies = 3};
	return &s;
}

static void test_pb_metrics(void)
{
	struct otlp_buf b = {0};
	Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest
	    *r;
	Opentelemetry__Proto__Metrics__V1__Metric **m;
	Opentelemetry__Proto__Metrics__V1__HistogramDataPoint *hp;

	CU_ASSERT_EQUAL_FATAL(otlp_pb_metrics(&res_a, snapshot(), &b), 0);
	r = opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(
	    NULL, b.len, b.data);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL_FATAL(
	    r->resource_metrics[0]->scope_metrics[0]->n_metrics, 3);
	m = r->resource_metrics[0]->scope_metrics[0]->metrics;
	CU_ASSERT_EQUAL_FATAL(
	    m[0]->data_case,
	    OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM);
	CU_ASSERT_TRUE(m[0]->sum->is_monotonic);
	CU_ASSERT_EQUAL(m[0]->sum->aggregation_temporality, 2);
	CU_ASSERT_EQUAL(m[0]->sum->data_points[0]->as_int, 9);
	CU_ASSERT_EQUAL(m[0]->sum->data_points[0]->start_time_unix_nano, 100);
	CU_ASSERT_EQUAL(m[0]->sum->data_points[0]->time_unix_nano, 5000);
	CU_ASSERT_STRING_EQUAL(m[0]->sum->data_points[0]->attributes[0]->key,
			       "method");
	CU_ASSERT_EQUAL_FATAL(
	    m[1]->data_case,
	    OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE);
	CU_ASSERT_STRING_EQUAL(m[1]->unit, "ns");
	CU_ASSERT_EQUAL(m[1]->gauge->data_points[0]->as_double, 2.5);
	CU_ASSERT_EQUAL_FATAL(
	    m[2]->data_case,
	    OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM);
	hp = m[2]->histogram->data_points[0];
	CU_ASSERT_EQUAL(hp->count, 7);
	CU_ASSERT_EQUAL_FATAL(hp->n_bucket_counts, 4);
	CU_ASSERT_EQUAL_FATAL(hp->n_explicit_bounds, 3);
	CU_ASSERT_EQUAL(hp->bucket_counts[3], 4);
	CU_ASSERT_EQUAL(hp->explicit_bounds[2], 3);
	/* etrace's histograms have no sum: left out, not 0 */
	CU_ASSERT_EQUAL(
	    hp->_sum_case,
	    OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___SUM__NOT_SET);
	opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(
	    r, NULL);
	free(b.data);
}

static void test_json_metrics(void)
{
	struct otlp_buf b = {0};
	cJSON *j, *ms, *h;

	CU_ASSERT_EQUAL_FATAL(otlp_json_metrics(&res_b, snapshot(), &b), 0);
	j = cJSON_ParseWithLength((const char *)b.data, b.len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	ms = cJSON_GetObjectItem(
	    cJSON_GetArrayItem(
		cJSON_GetObjectItem(
		    cJSON_GetArrayItem(
			cJSON_GetObjectItem(j, "resourceMetrics"), 0),
		    "scopeMetrics"),
		0),
	    "metrics");
	CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(ms), 3);
	CU_ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(ms, 0), "sum"),
	    "isMonotonic")));
	h = cJSON_GetArrayItem(
	    cJSON_GetObjectItem(
		cJSON_GetObjectItem(cJSON_GetArrayItem(ms, 2), "histogram"),
		"dataPoints"),
	    0);
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(h, "count")->valuestring,
			       "7");
	CU_ASSERT_STRING_EQUAL(
	    cJSON_GetArrayItem(cJSON_GetObjectItem(h, "bucketCounts"), 3)
		->valuestring,
	    "4");
	CU_ASSERT_PTR_NULL(cJSON_GetObjectItem(h, "sum"));
	cJSON_Delete(j);
	free(b.data);
}

static void test_utf8(void)
{
	struct {
		const char *in;
		size_t len;
		const char *out;
	} t[] = {
	    {"plain", 5, "plain"},
	    {"\xc3\xa9t\xc3\xa9", 6, "\xc3\xa9t\xc3\xa9"},
	    {"\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong */
	    {"\xed\xa0\x80", 3,
	     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},	     /* surrogate */
	    {"ab\xe2\x82", 4, "ab\xef\xbf\xbd\xef\xbf\xbd"}, /* cut */
	    {"a\0b", 3, "a"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *u = otlp_utf8(t[i].in, t[i].len);

		CU_ASSERT_STRING_EQUAL(u, t[i].out);
		free(u);
	}
}

static void test_container_id(void)
{
	char id[65];
	const char *docker =
	    "0::/system.slice/docker-"
	    "4D3A6F2C9B1E8A7D5C3B2A1F0E9D8C7B6A5F4E3D2C1B0A9F8E7D6C5B4A3F2E1D"
	    ".scope";

	CU_ASSERT_TRUE(otlp_container_id(docker, id));
	CU_ASSERT_STRING_EQUAL(
	    id,
	    "4d3a6f2c9b1e8a7d5c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d");
	CU_ASSERT_TRUE(otlp_container_id(
	    "12:pids:/kubepods/besteffort/pod1/"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	    id));
	CU_ASSERT_FALSE(otlp_container_id(
	    "0::/user.slice/user-0.slice/session-3.scope", id));
	/* 65 hex digits are no container id */
	CU_ASSERT_FALSE(otlp_container_id(
	    "0::/x/"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
	    id));
}

static void test_interval(void)
{
	uint32_t ms = 1;

	CU_ASSERT_EQUAL(otlp_parse_interval("10s", &ms), 0);
	CU_ASSERT_EQUAL(ms, 10000);
	CU_ASSERT_EQUAL(otlp_parse_interval("250ms", &ms), 0);
	CU_ASSERT_EQUAL(ms, 250);
	CU_ASSERT_EQUAL(otlp_parse_interval("2m", &ms), 0);
	CU_ASSERT_EQUAL(ms, 120000);
	CU_ASSERT_EQUAL(otlp_parse_interval("0", &ms), 0);
	CU_ASSERT_EQUAL(ms, 0);
	CU_ASSERT_EQUAL(otlp_parse_interval("5", &ms), 0);
	CU_ASSERT_EQUAL(ms, 5000);
	CU_ASSERT_EQUAL(otlp_parse_interval("10 s", &ms), -EINVAL);
	CU_ASSERT_EQUAL(otlp_parse_interval("-1s", &ms), -EINVAL);
	CU_ASSERT_EQUAL(otlp_parse_interval("1d", &ms), -EINVAL);
	CU_ASSERT_EQUAL(otlp_parse_interval("9999999h", &ms), -EINVAL);
}

static void test_kv(void)
{
	struct otlp_kv *kv;
	size_t n;
	char why[128];

	CU_ASSERT_EQUAL(otlp_kv_parse(" Authorization = Basic%20YWxh%3D , "
				      "x-a=,,k=v=w%zz%00,",
				      &kv, &n, why, sizeof(why)),
			0);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_STRING_EQUAL(kv[0].key, "Authorization");
	CU_ASSERT_STRING_EQUAL(kv[0].value, "Basic YWxh=");
	CU_ASSERT_STRING_EQUAL(kv[1].key, "x-a");
	CU_ASSERT_STRING_EQUAL(kv[1].value, "");
	CU_ASSERT_STRING_EQUAL(kv[2].key, "k");
	CU_ASSERT_STRING_EQUAL(kv[2].value, "v=w%zz%00");
	otlp_kv_free(kv, n);
	CU_ASSERT_EQUAL(otlp_kv_parse("", &kv, &n, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(otlp_kv_parse("a=1,novalue", &kv, &n, why,
				      sizeof(why)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(why, "'novalue' has no '='");
	CU_ASSERT_EQUAL(otlp_kv_parse("=1", &kv, &n, why, sizeof(why)),
			-EINVAL);
	CU_ASSERT_EQUAL(otlp_kv_parse("a b=1", &kv, &n, why, sizeof(why)),
			-EINVAL);
	/* a decoded CR LF would inject a header */
	CU_ASSERT_EQUAL(otlp_kv_parse("a=1%0D%0AX: y", &kv, &n, why,
				      sizeof(why)),
			-EINVAL);
	CU_ASSERT_PTR_NULL(kv);
}

/* a fake environment for otlp_config_resolve */
static const char *const *fake_env;

static const char *fake_getenv(const char *name)
{
	for (const char *const *e = fake_env; e && *e; e += 2)
		if (!strcmp(e[0], name))
			return e[1];
	return NULL;
}

static void test_resolve(void)
{
	static const char *const env[] = {
	    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://env:4318",
	    "OTEL_EXPORTER_OTLP_HEADERS", "a=1",
	    "OTEL_EXPORTER_OTLP_PROTOCOL", "http/json",
	    "OTEL_SERVICE_NAME", "envsvc",
	    "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod",
	    "OTEL_EXPORTER_OTLP_COMPRESSION", "none",
	    "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip",
	    NULL};
	static const char *const zstd[] = {
	    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://env:4318",
	    "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION", "zstd", NULL};
	static const char *const signals[] = {
	    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://t:1/in",
	    "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", NULL};
	struct et_settings s = {0};
	struct otlp_config c = {0};

	fake_env = NULL;
	CU_ASSERT_EQUAL(otlp_config_resolve(&c, NULL, &s, fake_getenv), 0);
	CU_ASSERT_PTR_NULL(c.endpoint);
	/* the environment alone */
	fake_env = env;
	CU_ASSERT_EQUAL(otlp_config_resolve(&c, NULL, &s, fake_getenv), 1);
	CU_ASSERT_STRING_EQUAL(c.endpoint, "http://env:4318");
	CU_ASSERT_PTR_NULL(c.traces_url);
	CU_ASSERT_FALSE(c.no_traces || c.no_metrics);
	CU_ASSERT_EQUAL(c.protocol, OTLP_JSON);
	CU_ASSERT_STRING_EQUAL(c.headers, "a=1");
	CU_ASSERT_STRING_EQUAL(c.service_name, "envsvc");
	CU_ASSERT_STRING_EQUAL(c.resource_attrs,
			       "deployment.environment=prod");
	/* compression: the signal's own variable over the general one */
	CU_ASSERT_FALSE(c.plain_traces);
	CU_ASSERT_TRUE(c.plain_metrics);
	/* config over the environment, the flag over both */
	s.otlp_endpoint = "http://cfg:4318";
	s.otlp_protocol_set = true;
	s.otlp_headers = "b=2";
	s.service_name = "cfgsvc";
	CU_ASSERT_EQUAL(otlp_config_resolve(&c, NULL, &s, fake_getenv), 1);
	CU_ASSERT_STRING_EQUAL(c.endpoint, "http://cfg:4318");
	CU_ASSERT_EQUAL(c.protocol, OTLP_PROTOBUF);
	CU_ASSERT_STRING_EQUAL(c.headers, "b=2");
	CU_ASSERT_STRING_EQUAL(c.service_name, "cfgsvc");
	CU_ASSERT_EQUAL(otlp_config_resolve(&c, "http://flag", &s,
					    fake_getenv),
			1);
	CU_ASSERT_STRING_EQUAL(c.endpoint, "http://flag");
	/* one signal's own URL: that signal only; grpc refused */
	fake_env = signals;
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(otlp_config_resolve(&c, NULL, &s, fake_getenv),
			-EINVAL);
	s.otlp_protocol_set = true;
	CU_ASSERT_EQUAL(otlp_config_resolve(&c, NULL, &s, fake_getenv), 1);
	CU_ASSERT_PTR_NULL(c.endpoint);
	CU_ASSERT_STRING_EQUAL(c.traces_url, "http://t:1/in");
	CU_ASSERT_FALSE(c.no_traces);
	CU_ASSERT_TRUE(c.no_metrics);
	/* gzip by default; a compression etrace does not have refused */
	CU_ASSERT_FALSE(c.plain_traces || c.plain_metrics);
	fake_env = zstd;
	CU_ASSERT_EQUAL(otlp_config_resolve(&c, NULL, &s, fake_getenv),
			-EINVAL);
	fake_env = NULL;
}

/* gzip's round trip through zlib's inflate: with libdeflate (when
 * libdeflate.so.0 is there) and with zlib, each compressor used twice */
static void test_gzip(void)
{
	static const char text[] = "resourceSpans resourceSpans resourceSpans";
	struct otlp_buf in = {(uint8_t *)text, sizeof(text), 0}, gz = {0};

	for (int lib = 0; lib < 2; lib++) {
		struct otlp_gz g;

		CU_ASSERT_EQUAL_FATAL(otlp_gz_init(&g, lib), 0);
		CU_ASSERT_TRUE(lib || !g.ldf);
		for (int round = 0; round < 2; round++) {
			char back[128] = "";
			z_stream z = {0};

			CU_ASSERT_EQUAL_FATAL(otlp_gzip(&g, &in, &gz), 0);
			CU_ASSERT_EQUAL(gz.data[0], 0x1f);
			CU_ASSERT_EQUAL(gz.data[1], 0x8b);
			CU_ASSERT_EQUAL_FATAL(inflateInit2(&z, 15 + 16), Z_OK);
			z.next_in = gz.data;
			z.avail_in = (uInt)gz.len;
			z.next_out = (Bytef *)back;
			z.avail_out = sizeof(back);
			CU_ASSERT_EQUAL(inflate(&z, Z_FINISH), Z_STREAM_END);
			CU_ASSERT_EQUAL(z.total_out, sizeof(text));
			CU_ASSERT_STRING_EQUAL(back, text);
			inflateEnd(&z);
		}
		otlp_gz_free(&g);
	}
	free(gz.data);
}

static void test_status_message(void)
{
	/* google.rpc.Status { code: 3, message: "bad span" } */
	static const uint8_t st[] = {0x08, 0x03, 0x12, 0x08, 'b', 'a',
				     'd',  ' ',	 's',  'p',  'a', 'n'};
	char msg[64] = "";

	CU_ASSERT_TRUE(otlp_status_message(st, sizeof(st), msg, sizeof(msg)));
	CU_ASSERT_STRING_EQUAL(msg, "bad span");
	/* cut short: no message */
	CU_ASSERT_FALSE(
	    otlp_status_message(st, sizeof(st) - 3, msg, sizeof(msg)));
}

UNIT_MAIN("otlp", UNIT_TEST(test_copy), UNIT_TEST(test_pb_traces),
	  UNIT_TEST(test_pb_canonical),
	  UNIT_TEST(test_json_traces), UNIT_TEST(test_pb_metrics),
	  UNIT_TEST(test_json_metrics), UNIT_TEST(test_utf8),
	  UNIT_TEST(test_container_id), UNIT_TEST(test_interval),
	  UNIT_TEST(test_gzip), UNIT_TEST(test_status_message),
	  UNIT_TEST(test_kv), UNIT_TEST(test_resolve))
