/* OTLP's protobuf encoding of metric snapshots (otlp_impl.h): an
 * ExportMetricsServiceRequest, the message protoc-c generates from
 * third_party/opentelemetry-proto. The message tree of one request lives
 * in an arena, freed once it is packed. (Spans, many times as many, are
 * written straight to the wire by otlp_pbtrace.c.) */
#include "otlp_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include <opentelemetry/proto/collector/metrics/v1/metrics_service.pb-c.h>

typedef Opentelemetry__Proto__Common__V1__KeyValue KeyValue;
typedef Opentelemetry__Proto__Common__V1__AnyValue AnyValue;
typedef Opentelemetry__Proto__Common__V1__InstrumentationScope Scope;
typedef Opentelemetry__Proto__Resource__V1__Resource Resource;
typedef Opentelemetry__Proto__Metrics__V1__ResourceMetrics ResourceMetrics;
typedef Opentelemetry__Proto__Metrics__V1__ScopeMetrics ScopeMetrics;
typedef Opentelemetry__Proto__Metrics__V1__Metric Metric;
typedef Opentelemetry__Proto__Metrics__V1__Sum Sum;
typedef Opentelemetry__Proto__Metrics__V1__Gauge Gauge;
typedef Opentelemetry__Proto__Metrics__V1__Histogram Histogram;
typedef Opentelemetry__Proto__Metrics__V1__NumberDataPoint NumberPoint;
typedef Opentelemetry__Proto__Metrics__V1__HistogramDataPoint HistPoint;
typedef Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest
    MetricsRequest;

#define NEW(a, T, INIT)                                                        \
	({                                                                     \
		T *_p = arena_alloc(a, sizeof(T));                             \
		static const T _init = INIT;                                   \
		*_p = _init;                                                   \
		_p;                                                            \
	})

/* s[0..len), s[len] a NUL: as it is when it is valid UTF-8 (s outlives
 * the request), else cleaned up into the arena. */
static char *text(struct arena *a, const char *s, size_t len)
{
	char *u, *d;

	if (otlp_utf8_valid(s, len))
		return (char *)s;
	u = otlp_utf8(s, len);
	if (!u)
		abort(); /* as the arena does on out-of-memory */
	d = arena_strdup(a, u);
	free(u);
	return d;
}

static KeyValue *kv(struct arena *a, const char *key)
{
	KeyValue *k =
	    NEW(a, KeyValue, OPENTELEMETRY__PROTO__COMMON__V1__KEY_VALUE__INIT);

	k->key = text(a, key, strlen(key));
	k->value =
	    NEW(a, AnyValue, OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__INIT);
	return k;
}

static KeyValue *kv_str(struct arena *a, const char *key, const char *v)
{
	KeyValue *k = kv(a, key);

	k->value->value_case =
	    OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
	k->value->string_value = text(a, v, strlen(v));
	return k;
}

static KeyValue *kv_int(struct arena *a, const char *key, int64_t v)
{
	KeyValue *k = kv(a, key);

	k->value->value_case =
	    OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE;
	k->value->int_value = v;
	return k;
}

static Resource *resource(struct arena *a, const struct otlp_resource *r)
{
	Resource *res = NEW(a, Resource,
			    OPENTELEMETRY__PROTO__RESOURCE__V1__RESOURCE__INIT);
	KeyValue **l = arena_calloc(a, 6 + OTLP_POD_ATTRS + r->nextra,
				    sizeof(*l));
	size_t n = 0;

	l[n++] = kv_str(a, "service.name", r->service);
	if (r->host && r->host[0] && !otlp_resource_has(r, "host.name"))
		l[n++] = kv_str(a, "host.name", r->host);
	if (r->pid && !otlp_resource_has(r, "process.pid"))
		l[n++] = kv_int(a, "process.pid", r->pid);
	if (r->exe && !otlp_resource_has(r, "process.executable.name"))
		l[n++] = kv_str(a, "process.executable.name", r->exe);
	if (r->container && !otlp_resource_has(r, "container.id"))
		l[n++] = kv_str(a, "container.id", r->container);
	for (int i = 0; i < OTLP_POD_ATTRS; i++)
		if (r->pod[i] && !otlp_resource_has(r, otlp_pod_keys[i]))
			l[n++] = kv_str(a, otlp_pod_keys[i], r->pod[i]);
	for (size_t i = 0; i < r->nextra; i++)
		if (strcmp(r->extra[i].key, "service.name"))
			l[n++] = kv_str(a, r->extra[i].key, r->extra[i].value);
	res->attributes = l;
	res->n_attributes = n;
	return res;
}

static Scope *scope(struct arena *a)
{
	Scope *s =
	    NEW(a, Scope,
		OPENTELEMETRY__PROTO__COMMON__V1__INSTRUMENTATION_SCOPE__INIT);

	s->name = OTLP_SCOPE;
	s->version = ETRACE_VERSION;
	return s;
}

static int pack(const ProtobufCMessage *m, struct otlp_buf *out)
{
	out->len = protobuf_c_message_get_packed_size(m);
	if (out->cap < out->len || !out->data) {
		free(out->data);
		out->cap = out->len ? out->len : 1;
		out->data = malloc(out->cap);
	}
	if (!out->data) {
		out->cap = 0;
		return -ENOMEM;
	}
	protobuf_c_message_pack(m, out->data);
	return 0;
}

static KeyValue **labels(struct arena *a, const struct metric_family *f,
			 const struct metric_point *p)
{
	KeyValue **l = arena_calloc(a, f->nlabels + 1, sizeof(*l));

	for (size_t i = 0; i < f->nlabels; i++)
		l[i] = kv_str(a, f->label_names[i], p->label_values[i]);
	return l;
}

static NumberPoint *number_point(struct arena *a,
				 const struct metrics_snapshot *s,
				 const struct metric_family *f,
				 const struct metric_point *p)
{
	NumberPoint *np =
	    NEW(a, NumberPoint,
		OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__INIT);

	np->attributes = labels(a, f, p);
	np->n_attributes = f->nlabels;
	if (f->type == METRIC_SUM)
		np->start_time_unix_nano = s->start_unix_ns;
	np->time_unix_nano = s->time_unix_ns;
	if (p->as_double) {
		np->value_case =
		    OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_DOUBLE;
		np->as_double = p->d;
	} else {
		np->value_case =
		    OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT;
		np->as_int = p->i;
	}
	return np;
}

static HistPoint *hist_point(struct arena *a, const struct metrics_snapshot *s,
			     const struct metric_family *f,
			     const struct metric_point *p)
{
	HistPoint *hp =
	    NEW(a, HistPoint,
		OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT__INIT);

	hp->attributes = labels(a, f, p);
	hp->n_attributes = f->nlabels;
	hp->start_time_unix_nano = s->start_unix_ns;
	hp->time_unix_nano = s->time_unix_ns;
	hp->count = p->count;
	hp->bucket_counts = (uint64_t *)p->counts;
	hp->n_bucket_counts = p->nbuckets;
	hp->explicit_bounds = (double *)p->bounds;
	hp->n_explicit_bounds = p->nbuckets ? p->nbuckets - 1 : 0;
	if (p->has_sum) {
		hp->_sum_case =
		    OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___SUM_SUM;
		hp->sum = p->sum;
	}
	return hp;
}

static Metric *metric(struct arena *a, const struct metrics_snapshot *s,
		      const struct metric_family *f)
{
	Metric *m =
	    NEW(a, Metric, OPENTELEMETRY__PROTO__METRICS__V1__METRIC__INIT);
	NumberPoint **np = NULL;

	m->name = text(a, f->name, strlen(f->name));
	if (f->help)
		m->description = text(a, f->help, strlen(f->help));
	if (f->unit)
		m->unit = text(a, f->unit, strlen(f->unit));
	if (f->type == METRIC_HISTOGRAM) {
		Histogram *h =
		    NEW(a, Histogram,
			OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM__INIT);

		h->aggregation_temporality =
		    OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_CUMULATIVE;
		h->data_points =
		    arena_calloc(a, f->npoints + 1, sizeof(*h->data_points));
		for (size_t i = 0; i < f->npoints; i++)
			h->data_points[i] = hist_point(a, s, f, &f->points[i]);
		h->n_data_points = f->npoints;
		m->data_case =
		    OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM;
		m->histogram = h;
		return m;
	}
	np = arena_calloc(a, f->npoints + 1, sizeof(*np));
	for (size_t i = 0; i < f->npoints; i++)
		np[i] = number_point(a, s, f, &f->points[i]);
	if (f->type == METRIC_SUM) {
		Sum *sum =
		    NEW(a, Sum, OPENTELEMETRY__PROTO__METRICS__V1__SUM__INIT);

		sum->aggregation_temporality =
		    OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_CUMULATIVE;
		sum->is_monotonic = f->monotonic;
		sum->data_points = np;
		sum->n_data_points = f->npoints;
		m->data_case =
		    OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM;
		m->sum = sum;
	} else {
		Gauge *g = NEW(a, Gauge,
			       OPENTELEMETRY__PROTO__METRICS__V1__GAUGE__INIT);

		g->data_points = np;
		g->n_data_points = f->npoints;
		m->data_case =
		    OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE;
		m->gauge = g;
	}
	return m;
}

int otlp_pb_metrics(const struct otlp_resource *res,
		    const struct metrics_snapshot *s, struct otlp_buf *out)
{
	struct arena *a = arena__new();
	MetricsRequest req =
	    OPENTELEMETRY__PROTO__COLLECTOR__METRICS__V1__EXPORT_METRICS_SERVICE_REQUEST__INIT;
	ResourceMetrics *rm;
	ScopeMetrics *sm;
	int err;

	if (!a)
		return -ENOMEM;
	rm = NEW(a, ResourceMetrics,
		 OPENTELEMETRY__PROTO__METRICS__V1__RESOURCE_METRICS__INIT);
	sm = NEW(a, ScopeMetrics,
		 OPENTELEMETRY__PROTO__METRICS__V1__SCOPE_METRICS__INIT);
	req.resource_metrics = &rm;
	req.n_resource_metrics = 1;
	rm->resource = resource(a, res);
	rm->scope_metrics = &sm;
	rm->n_scope_metrics = 1;
	sm->scope = scope(a);
	sm->metrics = arena_calloc(a, s->nfamilies + 1, sizeof(*sm->metrics));
	for (size_t i = 0; i < s->nfamilies; i++)
		sm->metrics[i] = metric(a, s, &s->families[i]);
	sm->n_metrics = s->nfamilies;
	err = pack(&req.base, out);
	arena__free(a);
	return err;
}

bool otlp_status_message(const uint8_t *b, size_t len, char *msg, size_t size)
{
	/* google.rpc.Status: code (1, varint), message (2, string),
	 * details (3, Any) */
	size_t i = 0;

	while (i < len) {
		uint64_t key = 0, n = 0;
		int shift = 0;

		while (i < len && shift < 64) {
			key |= (uint64_t)(b[i] & 0x7f) << shift;
			shift += 7;
			if (!(b[i++] & 0x80))
				break;
		}
		if ((key & 7) == 0) {
			while (i < len && (b[i++] & 0x80))
				;
			continue;
		}
		if ((key & 7) != 2)
			return false;
		for (shift = 0; i < len && shift < 64; shift += 7) {
			n |= (uint64_t)(b[i] & 0x7f) << shift;
			if (!(b[i++] & 0x80))
				break;
		}
		if (n > len - i)
			return false;
		if (key >> 3 == 2) {
			char *u = otlp_utf8((const char *)b + i, n);

			if (!u)
				return false;
			snprintf(msg, size, "%s", u);
			free(u);
			return true;
		}
		i += n;
	}
	return false;
}
