/* OTLP's protobuf encoding (otlp_impl.h): spans and metric snapshots
 * into ExportTraceServiceRequest / ExportMetricsServiceRequest, the
 * messages protoc-c generates from third_party/opentelemetry-proto. The
 * message tree of one request lives in an arena, freed once it is
 * packed. */
#include "otlp_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include <opentelemetry/proto/collector/metrics/v1/metrics_service.pb-c.h>
#include <opentelemetry/proto/collector/trace/v1/trace_service.pb-c.h>

typedef Opentelemetry__Proto__Common__V1__KeyValue KeyValue;
typedef Opentelemetry__Proto__Common__V1__AnyValue AnyValue;
typedef Opentelemetry__Proto__Common__V1__InstrumentationScope Scope;
typedef Opentelemetry__Proto__Resource__V1__Resource Resource;
typedef Opentelemetry__Proto__Trace__V1__Span Span;
typedef Opentelemetry__Proto__Trace__V1__Span__Event SpanEvent;
typedef Opentelemetry__Proto__Trace__V1__Status Status;
typedef Opentelemetry__Proto__Trace__V1__ResourceSpans ResourceSpans;
typedef Opentelemetry__Proto__Trace__V1__ScopeSpans ScopeSpans;
typedef Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest
    TraceRequest;
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

static KeyValue *attr(struct arena *a, const struct et_attr *at)
{
	KeyValue *k = kv(a, at->key);
	AnyValue *v = k->value;

	switch (at->kind) {
	case ET_ATTR_INT:
		v->value_case =
		    OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE;
		v->int_value = at->i;
		break;
	case ET_ATTR_UINT:
		v->value_case =
		    OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE;
		v->int_value = at->u > INT64_MAX ? INT64_MAX : (int64_t)at->u;
		break;
	case ET_ATTR_BOOL:
		v->value_case =
		    OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE;
		v->bool_value = at->u != 0;
		break;
	case ET_ATTR_STR:
		v->value_case =
		    OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
		v->string_value = text(a, at->str.s, at->str.len);
		break;
	case ET_ATTR_DOUBLE:
		v->value_case =
		    OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE;
		v->double_value = at->d;
		break;
	}
	return k;
}

static KeyValue **attrs(struct arena *a, const struct et_attr *at, size_t n,
			size_t extra)
{
	KeyValue **l = arena_calloc(a, n + extra + 1, sizeof(*l));

	for (size_t i = 0; i < n; i++)
		l[i] = attr(a, &at[i]);
	return l;
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

static ProtobufCBinaryData bytes(const uint8_t *b, size_t n)
{
	return (ProtobufCBinaryData){.len = n, .data = (uint8_t *)b};
}

static bool all_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static SpanEvent *event(struct arena *a, const struct et_span_event *e)
{
	SpanEvent *ev = NEW(a, SpanEvent,
			    OPENTELEMETRY__PROTO__TRACE__V1__SPAN__EVENT__INIT);

	ev->time_unix_nano = e->time_unix_ns;
	ev->name = text(a, e->name, strlen(e->name));
	ev->attributes = attrs(a, e->attrs, e->nattrs, 0);
	ev->n_attributes = e->nattrs;
	return ev;
}

static Span *span(struct arena *a, const struct et_span *s)
{
	Span *sp = NEW(a, Span, OPENTELEMETRY__PROTO__TRACE__V1__SPAN__INIT);
	size_t n = s->nattrs;

	sp->trace_id = bytes(s->trace_id, 16);
	sp->span_id = bytes(s->span_id, 8);
	if (!all_zero(s->parent_span_id, 8))
		sp->parent_span_id = bytes(s->parent_span_id, 8);
	sp->flags = otlp_span_flags(s);
	sp->name = text(a, s->name, strlen(s->name));
	sp->kind = (Opentelemetry__Proto__Trace__V1__Span__SpanKind)s->kind;
	sp->start_time_unix_nano = s->start_unix_ns;
	sp->end_time_unix_nano = s->end_unix_ns;
	/* the thread of the begin probe, as OTel's semantic conventions
	 * name it */
	sp->attributes = attrs(a, s->attrs, s->nattrs, 2);
	sp->attributes[n++] = kv_int(a, "thread.id", s->tid);
	if (s->comm)
		sp->attributes[n++] = kv_str(a, "thread.name", s->comm);
	sp->n_attributes = n;
	sp->events = arena_calloc(a, s->nevents + 1, sizeof(*sp->events));
	for (size_t i = 0; i < s->nevents; i++)
		sp->events[i] = event(a, &s->events[i]);
	sp->n_events = s->nevents;
	sp->dropped_events_count = s->dropped_events;
	sp->status =
	    NEW(a, Status, OPENTELEMETRY__PROTO__TRACE__V1__STATUS__INIT);
	sp->status->code =
	    (Opentelemetry__Proto__Trace__V1__Status__StatusCode)s->status;
	if (s->status_message)
		sp->status->message =
		    text(a, s->status_message, strlen(s->status_message));
	return sp;
}

/* One ResourceSpans for the spans of resource res. */
static ResourceSpans *resource_spans(struct arena *a,
				     struct otlp_span *const *spans, size_t n,
				     const struct otlp_resource *res)
{
	ResourceSpans *rs =
	    NEW(a, ResourceSpans,
		OPENTELEMETRY__PROTO__TRACE__V1__RESOURCE_SPANS__INIT);
	ScopeSpans *ss = NEW(
	    a, ScopeSpans, OPENTELEMETRY__PROTO__TRACE__V1__SCOPE_SPANS__INIT);

	rs->resource = resource(a, res);
	rs->scope_spans = arena_calloc(a, 1, sizeof(*rs->scope_spans));
	rs->scope_spans[0] = ss;
	rs->n_scope_spans = 1;
	ss->scope = scope(a);
	ss->spans = arena_calloc(a, n, sizeof(*ss->spans));
	for (size_t i = 0; i < n; i++)
		if (spans[i]->res == res)
			ss->spans[ss->n_spans++] = span(a, &spans[i]->s);
	return rs;
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

int otlp_pb_traces(struct otlp_span *const *spans, size_t n,
		   struct otlp_buf *out)
{
	struct arena *a = arena__new();
	TraceRequest req =
	    OPENTELEMETRY__PROTO__COLLECTOR__TRACE__V1__EXPORT_TRACE_SERVICE_REQUEST__INIT;
	int err;

	if (!a)
		return -ENOMEM;
	req.resource_spans =
	    arena_calloc(a, n + 1, sizeof(*req.resource_spans));
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;

		while (j < i && spans[j]->res != spans[i]->res)
			j++;
		if (j < i)
			continue;
		req.resource_spans[req.n_resource_spans++] =
		    resource_spans(a, spans, n, spans[i]->res);
	}
	err = pack(&req.base, out);
	arena__free(a);
	return err;
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
