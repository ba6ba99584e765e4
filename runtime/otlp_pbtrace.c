/* OTLP's ExportTraceServiceRequest in protobuf (otlp_impl.h
 * otlp_pb_traces), written straight into the request buffer: the few
 * messages of a span (trace.proto, common.proto, resource.proto of
 * third_party/opentelemetry-proto) by a small wire writer, with no
 * message tree per span (protobuf-c's packer wanted one, built and
 * freed per span: most of the exporter's CPU). The bytes are the ones
 * protobuf-c packs for the same message: fields in number order, proto3
 * defaults (0, "") left out, oneof values always written, minimal
 * varints (tests/unit/test_otlp.c checks pack(unpack(ours)) == ours).
 *
 * A nested message is written with a 5-byte hole for its length (a
 * request stays < 4 GiB), filled at its end, the body moved down over
 * what the varint does not use. */
#include "otlp_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define WT_VARINT 0
#define WT_I64 1
#define WT_LEN 2
#define WT_I32 5
#define LEN_HOLE 5

struct pbw {
	struct otlp_buf *b;
	bool oom;
};

/* the buffer grown for n more bytes (room's slow path) */
static bool grow(struct pbw *w, size_t n)
{
	struct otlp_buf *b = w->b;
	size_t cap;
	uint8_t *d;

	if (w->oom)
		return false;
	cap = b->cap ? b->cap : 4096;
	while (cap - b->len < n)
		cap *= 2;
	d = realloc(b->data, cap);
	if (!d) {
		w->oom = true;
		return false;
	}
	b->data = d;
	b->cap = cap;
	return true;
}

static inline bool room(struct pbw *w, size_t n)
{
	return w->b->cap - w->b->len >= n || grow(w, n);
}

static inline size_t varint_at(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

static inline void varint(struct pbw *w, uint64_t v)
{
	if (room(w, 10))
		w->b->len += varint_at(w->b->data + w->b->len, v);
}

static inline void tag(struct pbw *w, unsigned field, unsigned wt)
{
	varint(w, (uint64_t)field << 3 | wt);
}

static void raw(struct pbw *w, const void *p, size_t n)
{
	if (n && room(w, n)) {
		memcpy(w->b->data + w->b->len, p, n);
		w->b->len += n;
	}
}

static void fixed64(struct pbw *w, unsigned field, uint64_t v)
{
	uint8_t le[8];

	tag(w, field, WT_I64);
	for (int i = 0; i < 8; i++, v >>= 8)
		le[i] = (uint8_t)v;
	raw(w, le, 8);
}

static void fixed32(struct pbw *w, unsigned field, uint32_t v)
{
	uint8_t le[4];

	tag(w, field, WT_I32);
	for (int i = 0; i < 4; i++, v >>= 8)
		le[i] = (uint8_t)v;
	raw(w, le, 4);
}

/* a uint32/enum/int64 field; 0 left out unless forced (a oneof's) */
static void uint_field(struct pbw *w, unsigned field, uint64_t v, bool force)
{
	if (!v && !force)
		return;
	tag(w, field, WT_VARINT);
	varint(w, v);
}

static void bytes_field(struct pbw *w, unsigned field, const void *p,
			size_t n, bool force)
{
	if (!n && !force)
		return;
	tag(w, field, WT_LEN);
	varint(w, n);
	raw(w, p, n);
}

/* a string field: s[0..len) as valid UTF-8 (OTLP's strings must be;
 * each byte of a bad sequence as U+FFFD) */
static void str_field(struct pbw *w, unsigned field, const char *s,
		      size_t len, bool force)
{
	char *u;

	if (otlp_utf8_valid(s, len)) {
		bytes_field(w, field, s, len, force);
		return;
	}
	u = otlp_utf8(s, len);
	if (!u) {
		w->oom = true;
		return;
	}
	bytes_field(w, field, u, strlen(u), force);
	free(u);
}

static void cstr_field(struct pbw *w, unsigned field, const char *s)
{
	if (s)
		str_field(w, field, s, strlen(s), false);
}

/* Opens a nested message of field: where its length goes. */
static size_t begin(struct pbw *w, unsigned field)
{
	size_t at;

	tag(w, field, WT_LEN);
	at = w->b->len;
	if (room(w, LEN_HOLE))
		w->b->len += LEN_HOLE;
	return at;
}

static void end(struct pbw *w, size_t at)
{
	uint8_t *d = w->b->data;
	size_t body, n;

	if (w->oom)
		return;
	body = w->b->len - at - LEN_HOLE;
	n = varint_at(d + at, body);
	memmove(d + at + n, d + at + LEN_HOLE, body);
	w->b->len -= LEN_HOLE - n;
}

/* KeyValue { key = 1; AnyValue value = 2 { string 1, bool 2, int 3,
 * double 4 } } as field `field` of its parent */
static void kv(struct pbw *w, unsigned field, const struct et_attr *at)
{
	size_t m = begin(w, field), v;

	str_field(w, 1, at->key, strlen(at->key), false);
	v = begin(w, 2);
	switch (at->kind) {
	case ET_ATTR_INT:
		uint_field(w, 3, (uint64_t)at->i, true);
		break;
	case ET_ATTR_UINT:
		/* int64: clamped */
		uint_field(w, 3, at->u > INT64_MAX ? INT64_MAX : at->u, true);
		break;
	case ET_ATTR_BOOL:
		uint_field(w, 2, at->u != 0, true);
		break;
	case ET_ATTR_STR:
		str_field(w, 1, at->str.s, at->str.len, true);
		break;
	case ET_ATTR_DOUBLE: {
		uint64_t bits;

		memcpy(&bits, &at->d, 8);
		fixed64(w, 4, bits);
		break;
	}
	}
	end(w, v);
	end(w, m);
}

static void kv_str(struct pbw *w, unsigned field, const char *key,
		   const char *v)
{
	kv(w, field,
	   &(struct et_attr){.key = key,
			     .kind = ET_ATTR_STR,
			     .str = {v, strlen(v)}});
}

/* Resource { repeated KeyValue attributes = 1 }: as otlp_pb.c's
 * resource() makes it for the metrics */
static void resource(struct pbw *w, const struct otlp_resource *r)
{
	size_t m = begin(w, 1);

	kv_str(w, 1, "service.name", r->service);
	if (r->host && r->host[0] && !otlp_resource_has(r, "host.name"))
		kv_str(w, 1, "host.name", r->host);
	if (r->pid && !otlp_resource_has(r, "process.pid"))
		kv(w, 1,
		   &(struct et_attr){.key = "process.pid",
				     .kind = ET_ATTR_INT,
				     .i = r->pid});
	if (r->exe && !otlp_resource_has(r, "process.executable.name"))
		kv_str(w, 1, "process.executable.name", r->exe);
	if (r->container && !otlp_resource_has(r, "container.id"))
		kv_str(w, 1, "container.id", r->container);
	for (int i = 0; i < OTLP_POD_ATTRS; i++)
		if (r->pod[i] && !otlp_resource_has(r, otlp_pod_keys[i]))
			kv_str(w, 1, otlp_pod_keys[i], r->pod[i]);
	for (size_t i = 0; i < r->nextra; i++)
		if (strcmp(r->extra[i].key, "service.name"))
			kv_str(w, 1, r->extra[i].key, r->extra[i].value);
	end(w, m);
}

static bool all_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* Span, field 2 of ScopeSpans */
static void span(struct pbw *w, const struct et_span *s)
{
	size_t m = begin(w, 2), st;

	bytes_field(w, 1, s->trace_id, 16, false);
	bytes_field(w, 2, s->span_id, 8, false);
	if (!all_zero(s->parent_span_id, 8))
		bytes_field(w, 4, s->parent_span_id, 8, false);
	cstr_field(w, 5, s->name);
	uint_field(w, 6, (uint64_t)s->kind, false);
	if (s->start_unix_ns)
		fixed64(w, 7, s->start_unix_ns);
	if (s->end_unix_ns)
		fixed64(w, 8, s->end_unix_ns);
	for (size_t i = 0; i < s->nattrs; i++)
		kv(w, 9, &s->attrs[i]);
	/* the thread of the begin probe, as OTel's semantic conventions
	 * name it */
	kv(w, 9,
	   &(struct et_attr){
	       .key = "thread.id", .kind = ET_ATTR_INT, .i = s->tid});
	if (s->comm)
		kv_str(w, 9, "thread.name", s->comm);
	for (size_t i = 0; i < s->nevents; i++) {
		const struct et_span_event *e = &s->events[i];
		size_t ev = begin(w, 11);

		if (e->time_unix_ns)
			fixed64(w, 1, e->time_unix_ns);
		cstr_field(w, 2, e->name);
		for (size_t k = 0; k < e->nattrs; k++)
			kv(w, 3, &e->attrs[k]);
		end(w, ev);
	}
	uint_field(w, 12, s->dropped_events, false);
	st = begin(w, 15);
	cstr_field(w, 2, s->status_message);
	uint_field(w, 3, (uint64_t)s->status, false);
	end(w, st);
	if (otlp_span_flags(s))
		fixed32(w, 16, otlp_span_flags(s));
	end(w, m);
}

int otlp_pb_traces(struct otlp_span *const *spans, size_t n,
		   struct otlp_buf *out)
{
	struct pbw w = {.b = out};

	out->len = 0;
	for (size_t i = 0; i < n; i++) {
		const struct otlp_resource *res = spans[i]->res;
		size_t j = 0, rs, ss, sc;

		/* one ResourceSpans per resource, in order of its first
		 * span */
		while (j < i && spans[j]->res != res)
			j++;
		if (j < i)
			continue;
		rs = begin(&w, 1);
		resource(&w, res);
		ss = begin(&w, 2);
		sc = begin(&w, 1);
		str_field(&w, 1, OTLP_SCOPE, strlen(OTLP_SCOPE), false);
		str_field(&w, 2, ETRACE_VERSION, strlen(ETRACE_VERSION), false);
		end(&w, sc);
		for (j = i; j < n; j++)
			if (spans[j]->res == res)
				span(&w, &spans[j]->s);
		end(&w, ss);
		end(&w, rs);
	}
	if (w.oom)
		return -ENOMEM;
	/* an empty request: a buffer all the same, as packing made one */
	return room(&w, 1) ? 0 : -ENOMEM;
}
