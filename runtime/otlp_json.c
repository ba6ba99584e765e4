/* OTLP/JSON (otlp_impl.h): the same requests as otlp_pb.c in the JSON
 * encoding OTLP/HTTP defines: lowerCamelCase field names, trace and span
 * ids as hex (not base64), 64-bit integers as decimal strings, enums as
 * their numbers, default values left out. */
#include "otlp_impl.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_text(cJSON *o, const char *key, const char *s, size_t len)
{
	char *u = otlp_utf8(s, len);

	cJSON_AddStringToObject(o, key, u ? u : "");
	free(u);
}

static void add_u64(cJSON *o, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	cJSON_AddStringToObject(o, key, buf);
}

static void add_i64(cJSON *o, const char *key, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	cJSON_AddStringToObject(o, key, buf);
}

static void add_hex(cJSON *o, const char *key, const uint8_t *b, size_t n)
{
	char buf[33];

	for (size_t i = 0; i < n; i++)
		snprintf(buf + 2 * i, 3, "%02x", b[i]);
	cJSON_AddStringToObject(o, key, buf);
}

static cJSON *kv(cJSON *list, const char *key)
{
	cJSON *k = cJSON_CreateObject(), *v;

	add_text(k, "key", key, strlen(key));
	v = cJSON_AddObjectToObject(k, "value");
	cJSON_AddItemToArray(list, k);
	return v;
}

static void kv_str(cJSON *list, const char *key, const char *s)
{
	add_text(kv(list, key), "stringValue", s, strlen(s));
}

static void kv_int(cJSON *list, const char *key, int64_t i)
{
	add_i64(kv(list, key), "intValue", i);
}

static void attr(cJSON *list, const struct et_attr *a)
{
	cJSON *v = kv(list, a->key);

	switch (a->kind) {
	case ET_ATTR_INT:
		add_i64(v, "intValue", a->i);
		break;
	case ET_ATTR_UINT:
		add_i64(v, "intValue",
			a->u > INT64_MAX ? INT64_MAX : (int64_t)a->u);
		break;
	case ET_ATTR_BOOL:
		cJSON_AddBoolToObject(v, "boolValue", a->u != 0);
		break;
	case ET_ATTR_STR:
		add_text(v, "stringValue", a->str.s, a->str.len);
		break;
	case ET_ATTR_DOUBLE:
		cJSON_AddNumberToObject(v, "doubleValue", a->d);
		break;
	}
}

static cJSON *attrs(cJSON *o, const struct et_attr *a, size_t n)
{
	cJSON *l = cJSON_AddArrayToObject(o, "attributes");

	for (size_t i = 0; i < n; i++)
		attr(l, &a[i]);
	return l;
}

static void resource(cJSON *o, const struct otlp_resource *r)
{
	cJSON *l = cJSON_AddArrayToObject(
	    cJSON_AddObjectToObject(o, "resource"), "attributes");

	kv_str(l, "service.name", r->service);
	if (r->host && r->host[0] && !otlp_resource_has(r, "host.name"))
		kv_str(l, "host.name", r->host);
	if (r->pid && !otlp_resource_has(r, "process.pid"))
		kv_int(l, "process.pid", r->pid);
	if (r->exe && !otlp_resource_has(r, "process.executable.name"))
		kv_str(l, "process.executable.name", r->exe);
	if (r->container && !otlp_resource_has(r, "container.id"))
		kv_str(l, "container.id", r->container);
	for (int i = 0; i < OTLP_POD_ATTRS; i++)
		if (r->pod[i] && !otlp_resource_has(r, otlp_pod_keys[i]))
			kv_str(l, otlp_pod_keys[i], r->pod[i]);
	for (size_t i = 0; i < r->nextra; i++)
		if (strcmp(r->extra[i].key, "service.name"))
			kv_str(l, r->extra[i].key, r->extra[i].value);
}

static void scope(cJSON *o)
{
	cJSON *s = cJSON_AddObjectToObject(o, "scope");

	cJSON_AddStringToObject(s, "name", OTLP_SCOPE);
	cJSON_AddStringToObject(s, "version", ETRACE_VERSION);
}

static bool all_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static cJSON *event(const struct et_span_event *e)
{
	cJSON *o = cJSON_CreateObject();

	add_u64(o, "timeUnixNano", e->time_unix_ns);
	add_text(o, "name", e->name, strlen(e->name));
	attrs(o, e->attrs, e->nattrs);
	return o;
}

static cJSON *span(const struct et_span *s)
{
	cJSON *o = cJSON_CreateObject(), *l, *st;

	add_hex(o, "traceId", s->trace_id, 16);
	add_hex(o, "spanId", s->span_id, 8);
	if (!all_zero(s->parent_span_id, 8))
		add_hex(o, "parentSpanId", s->parent_span_id, 8);
	cJSON_AddNumberToObject(o, "flags", otlp_span_flags(s));
	add_text(o, "name", s->name, strlen(s->name));
	if (s->kind)
		cJSON_AddNumberToObject(o, "kind", s->kind);
	add_u64(o, "startTimeUnixNano", s->start_unix_ns);
	add_u64(o, "endTimeUnixNano", s->end_unix_ns);
	l = attrs(o, s->attrs, s->nattrs);
	kv_int(l, "thread.id", s->tid);
	if (s->comm)
		kv_str(l, "thread.name", s->comm);
	l = cJSON_AddArrayToObject(o, "events");
	for (size_t i = 0; i < s->nevents; i++)
		cJSON_AddItemToArray(l, event(&s->events[i]));
	if (s->dropped_events)
		cJSON_AddNumberToObject(o, "droppedEventsCount",
					s->dropped_events);
	st = cJSON_AddObjectToObject(o, "status");
	if (s->status)
		cJSON_AddNumberToObject(st, "code", s->status);
	if (s->status_message)
		add_text(st, "message", s->status_message,
			 strlen(s->status_message));
	return o;
}

static int print(cJSON *root, struct otlp_buf *out)
{
	char *text = cJSON_PrintUnformatted(root);

	cJSON_Delete(root);
	if (!text)
		return -ENOMEM;
	free(out->data);
	out->data = (uint8_t *)text;
	out->len = strlen(text);
	out->cap = out->len + 1;
	return 0;
}

int otlp_json_traces(struct otlp_span *const *spans, size_t n,
		     struct otlp_buf *out)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *rl = cJSON_AddArrayToObject(root, "resourceSpans");

	for (size_t i = 0; i < n; i++) {
		const struct otlp_resource *res = spans[i]->res;
		cJSON *rs, *ss, *l;
		size_t j = 0;

		while (j < i && spans[j]->res != res)
			j++;
		if (j < i)
			continue;
		rs = cJSON_CreateObject();
		cJSON_AddItemToArray(rl, rs);
		resource(rs, res);
		ss = cJSON_CreateObject();
		cJSON_AddItemToArray(cJSON_AddArrayToObject(rs, "scopeSpans"),
				     ss);
		scope(ss);
		l = cJSON_AddArrayToObject(ss, "spans");
		for (j = i; j < n; j++)
			if (spans[j]->res == res)
				cJSON_AddItemToArray(l, span(&spans[j]->s));
	}
	return print(root, out);
}

static void point_common(cJSON *o, const struct metrics_snapshot *s,
			 const struct metric_family *f,
			 const struct metric_point *p, bool start)
{
	cJSON *l = cJSON_AddArrayToObject(o, "attributes");

	for (size_t i = 0; i < f->nlabels; i++)
		kv_str(l, f->label_names[i], p->label_values[i]);
	if (start)
		add_u64(o, "startTimeUnixNano", s->start_unix_ns);
	add_u64(o, "timeUnixNano", s->time_unix_ns);
}

static cJSON *number_point(const struct metrics_snapshot *s,
			   const struct metric_family *f,
			   const struct metric_point *p)
{
	cJSON *o = cJSON_CreateObject();

	point_common(o, s, f, p, f->type == METRIC_SUM);
	if (p->as_double)
		cJSON_AddNumberToObject(o, "asDouble", p->d);
	else
		add_i64(o, "asInt", p->i);
	return o;
}

static cJSON *hist_point(const struct metrics_snapshot *s,
			 const struct metric_family *f,
			 const struct metric_point *p)
{
	cJSON *o = cJSON_CreateObject(), *c, *b;

	point_common(o, s, f, p, true);
	add_u64(o, "count", p->count);
	if (p->has_sum)
		cJSON_AddNumberToObject(o, "sum", p->sum);
	c = cJSON_AddArrayToObject(o, "bucketCounts");
	b = cJSON_AddArrayToObject(o, "explicitBounds");
	for (size_t i = 0; i < p->nbuckets; i++) {
		char buf[24];

		snprintf(buf, sizeof(buf), "%" PRIu64, p->counts[i]);
		cJSON_AddItemToArray(c, cJSON_CreateString(buf));
		if (i + 1 < p->nbuckets)
			cJSON_AddItemToArray(b,
					     cJSON_CreateNumber(p->bounds[i]));
	}
	return o;
}

static cJSON *metric(const struct metrics_snapshot *s,
		     const struct metric_family *f)
{
	cJSON *o = cJSON_CreateObject(), *d, *l;

	add_text(o, "name", f->name, strlen(f->name));
	if (f->help && f->help[0])
		add_text(o, "description", f->help, strlen(f->help));
	if (f->unit && f->unit[0])
		add_text(o, "unit", f->unit, strlen(f->unit));
	d = cJSON_AddObjectToObject(o, f->type == METRIC_HISTOGRAM ? "histogram"
				       : f->type == METRIC_SUM	   ? "sum"
								   : "gauge");
	/* AGGREGATION_TEMPORALITY_CUMULATIVE */
	if (f->type != METRIC_GAUGE)
		cJSON_AddNumberToObject(d, "aggregationTemporality", 2);
	if (f->type == METRIC_SUM && f->monotonic)
		cJSON_AddBoolToObject(d, "isMonotonic", true);
	l = cJSON_AddArrayToObject(d, "dataPoints");
	for (size_t i = 0; i < f->npoints; i++)
		cJSON_AddItemToArray(l,
				     f->type == METRIC_HISTOGRAM
					 ? hist_point(s, f, &f->points[i])
					 : number_point(s, f, &f->points[i]));
	return o;
}

int otlp_json_metrics(const struct otlp_resource *res,
		      const struct metrics_snapshot *s, struct otlp_buf *out)
{
	cJSON *root = cJSON_CreateObject(), *rm, *sm, *l;

	rm = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "resourceMetrics"),
			     rm);
	resource(rm, res);
	sm = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(rm, "scopeMetrics"), sm);
	scope(sm);
	l = cJSON_AddArrayToObject(sm, "metrics");
	for (size_t i = 0; i < s->nfamilies; i++)
		cJSON_AddItemToArray(l, metric(s, &s->families[i]));
	return print(root, out);
}
