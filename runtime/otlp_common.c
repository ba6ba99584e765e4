/* What both OTLP encoders share: the deep copy of a span that waits in
 * the exporter's queue (a sink's span lives only for its call, span.h),
 * UTF-8 clean-up (OTLP strings must be valid UTF-8; a script's strings
 * are bytes) and the span flags. */
#include "otlp_impl.h"

#include <stdlib.h>
#include <string.h>

static size_t r8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Bytes of the attrs, their keys and strings, as copy_attrs takes them. */
static size_t attrs_size(const struct et_attr *a, size_t n)
{
	size_t sz = r8(n * sizeof(*a));

	for (size_t i = 0; i < n; i++) {
		sz += r8(strlen(a[i].key) + 1);
		if (a[i].kind == ET_ATTR_STR)
			sz += r8(a[i].str.len + 1);
	}
	return sz;
}

struct copier {
	char *p;
};

static void *take(struct copier *c, size_t n)
{
	void *p = c->p;

	/* keep the arrays of structs aligned */
	c->p += r8(n);
	return p;
}

static const char *copy_str(struct copier *c, const char *s)
{
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	return memcpy(take(c, n), s, n);
}

static const struct et_attr *copy_attrs(struct copier *c,
					const struct et_attr *a, size_t n)
{
	struct et_attr *d = take(c, n * sizeof(*a));

	for (size_t i = 0; i < n; i++) {
		d[i] = a[i];
		d[i].key = copy_str(c, a[i].key);
		if (a[i].kind == ET_ATTR_STR) {
			char *s = take(c, a[i].str.len + 1);

			memcpy(s, a[i].str.s, a[i].str.len);
			s[a[i].str.len] = '\0';
			d[i].str.s = s;
		}
	}
	return d;
}

static size_t str_size(const char *s)
{
	return s ? r8(strlen(s) + 1) : 0;
}

size_t otlp_span_size(const struct et_span *s)
{
	size_t sz = r8(sizeof(struct otlp_span)) +
		    str_size(s->name ? s->name : "") +
		    str_size(s->status_message) + str_size(s->comm) +
		    attrs_size(s->attrs, s->nattrs) +
		    r8(s->nevents * sizeof(*s->events));

	for (size_t i = 0; i < s->nevents; i++)
		sz += str_size(s->events[i].name ? s->events[i].name : "") +
		      attrs_size(s->events[i].attrs, s->events[i].nattrs);
	return sz;
}

struct otlp_span *otlp_span_copy_to(void *mem, const struct et_span *s,
				    const struct otlp_resource *res)
{
	struct otlp_span *o = mem;
	struct copier c;
	struct et_span_event *ev;

	c.p = (char *)o + r8(sizeof(*o));
	o->s = *s;
	o->res = res;
	o->block = NULL;
	o->s.name = copy_str(&c, s->name ? s->name : "");
	o->s.status_message = copy_str(&c, s->status_message);
	o->s.comm = copy_str(&c, s->comm);
	o->s.attrs = copy_attrs(&c, s->attrs, s->nattrs);
	ev = take(&c, s->nevents * sizeof(*ev));
	for (size_t i = 0; i < s->nevents; i++) {
		ev[i] = s->events[i];
		ev[i].name =
		    copy_str(&c, s->events[i].name ? s->events[i].name : "");
		ev[i].attrs =
		    copy_attrs(&c, s->events[i].attrs, s->events[i].nattrs);
	}
	o->s.events = ev;
	return o;
}

struct otlp_span *otlp_span_copy(const struct et_span *s,
				 const struct otlp_resource *res)
{
	void *mem = malloc(otlp_span_size(s));

	return mem ? otlp_span_copy_to(mem, s, res) : NULL;
}

/* The length of the valid UTF-8 sequence at s (at most n bytes), 0 when
 * it is not one (overlong forms, surrogates and > U+10FFFF included). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

char *otlp_utf8(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	char *d = malloc(len * 3 + 1), *p = d;

	if (!d)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(u + i, len - i);

		if (u[i] == 0) /* no NUL inside an OTLP string either */
			break;
		if (!n) {
			memcpy(p, "\xef\xbf\xbd", 3);
			p += 3;
			i++;
			continue;
		}
		memcpy(p, u + i, n);
		p += n;
		i += n;
	}
	*p = '\0';
	return d;
}

bool otlp_utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n;

		if (u[i] < 0x80) {
			if (!u[i])
				return false;
			i++;
			continue;
		}
		n = utf8_seq(u + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

uint32_t otlp_span_flags(const struct et_span *s)
{
	/* SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK: etrace always knows */
	return s->trace_flags | 0x100u | (s->remote_parent ? 0x200u : 0);
}
