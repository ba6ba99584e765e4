/* span.c: the span runtime (span.h). Decodes the ring buffer record of a
 * completed span (ACT_SPAN: abi.h struct et_span_rec, then the block's
 * attributes) into a struct et_span and hands it to every sink; the first
 * sink, unless told otherwise, prints it: one text line, or one NDJSON
 * record {"type": "span", "data": {...}}. It also sweeps the instance
 * maps for instances open longer than the block's timeout (deleted and
 * counted as expired) and reads the BPF side's counters for the exit
 * report. */
#define _GNU_SOURCE
#include "span.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "abi.h"
#include "arena.h"
#include "output.h"
#include "output_impl.h"
#include "printf_fmt.h"
#include "program.h"
#include "redact.h"
#include "textbuf.h"

#define MAX_SINKS 8
#define MAX_ATTRS 64
#define MAX_EVENT_NAMES 64
#define MAX_EVENT_ATTRS 16 /* set by one event probe */

/* One span block, from its action's description (program.h ACT_SPAN). */
struct span_def {
	const struct et_action *a;
	char *name;
	char *map; /* its instance map's bpf_name */
	uint64_t timeout_ns;
	char *attrs[MAX_ATTRS];
	int nattrs;
	char *events[MAX_EVENT_NAMES];
	int nevents;
	/* event attributes: ET_SPAN_EVENTS slots of ev_slot bytes at
	 * ev_base ("evslot BASE SIZE"; 0: none), one per event, its u64 set
	 * mask first; "eattr K NAME" lines: eattr_ev[j] K, the event probe
	 * that sets eattrs[j], args[nattrs + j] (offset from the slot) */
	uint32_t ev_base, ev_slot;
	char **eattrs;
	int *eattr_ev;
	int neattrs;
	int map_fd;
	/* a stack attribute: printf("%s", it), rendered by the output */
	struct et_action *stack_fmt[MAX_ATTRS];
};

struct sink {
	et_span_sink_fn fn;
	void *ctx;
};

struct span_rt {
	const struct et_program *p;
	FILE *out;
	bool json;
	struct span_def *defs;
	int ndefs;
	struct sink sinks[MAX_SINKS];
	int nsinks;
	int64_t wall_off;	 /* realtime - monotonic, ns */
	int cnt_fd;		 /* ET_SPAN_CNT_MAP, or < 0 */
	struct et_span_stats st; /* completed, expired (user space) */
	uint64_t failed;	 /* sink deliveries that failed */
	struct output *o;	 /* renders stacks; NULL: none */
	struct arena *arena;	 /* the stack_fmt actions */
	/* rendered stacks and redacted strings of one span */
	char *texts[MAX_ATTRS + ET_SPAN_EVENTS * MAX_EVENT_ATTRS];
	int ntexts;
	struct textbuf line;	 /* the printer's, reused */
	/* inet attributes of one span, as text */
	char inet[MAX_ATTRS][INET6_ADDRSTRLEN];
};

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* "eattr K NAME": 0, or -ENOMEM (v freed or kept) */
static int add_eattr(struct span_def *d, char *v)
{
	char *name = strchr(v, ' ');
	char **n = realloc(d->eattrs, (d->neattrs + 1) * sizeof(*n));
	int *e;

	if (n)
		d->eattrs = n;
	e = n ? realloc(d->eattr_ev, (d->neattrs + 1) * sizeof(*e)) : NULL;
	if (!e) {
		free(v);
		return -ENOMEM;
	}
	d->eattr_ev = e;
	e[d->neattrs] = atoi(v);
	if (name)
		memmove(v, name + 1, strlen(name));
	n[d->neattrs++] = v;
	return 0;
}

/* The block's description, one "word value" item a line. */
static int parse_def(struct span_def *d, const struct et_action *a)
{
	const char *s = a->fmt_str ? a->fmt_str : "";

	d->a = a;
	d->map_fd = -1;
	while (*s) {
		const char *nl = strchrnul(s, '\n'),
			   *sp = memchr(s, ' ', nl - s);
		char *v;

		if (!sp)
			return -EINVAL;
		v = strndup(sp + 1, nl - sp - 1);
		if (!v)
			return -ENOMEM;
		if (!strncmp(s, "name ", 5))
			d->name = v;
		else if (!strncmp(s, "map ", 4))
			d->map = v;
		else if (!strncmp(s, "timeout ", 8)) {
			d->timeout_ns = strtoull(v, NULL, 10);
			free(v);
		} else if (!strncmp(s, "attr ", 5) && d->nattrs < MAX_ATTRS)
			d->attrs[d->nattrs++] = v;
		else if (!strncmp(s, "event ", 6) &&
			 d->nevents < MAX_EVENT_NAMES)
			d->events[d->nevents++] = v;
		else if (!strncmp(s, "evslot ", 7)) {
			char *e;

			d->ev_base = (uint32_t)strtoul(v, &e, 10);
			d->ev_slot = (uint32_t)strtoul(e, NULL, 10);
			free(v);
		} else if (!strncmp(s, "eattr ", 6)) {
			if (add_eattr(d, v))
				return -ENOMEM;
		} else
			free(v);
		s = *nl ? nl + 1 : nl;
	}
	return d->name && d->nattrs + d->neattrs == a->nargs ? 0 : -EINVAL;
}

static const struct span_def *def_of(const struct span_rt *rt,
				     const struct et_action *a)
{
	for (int i = 0; i < rt->ndefs; i++)
		if (rt->defs[i].a == a)
			return &rt->defs[i];
	return NULL;
}

static void put_be64(uint8_t *b, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
}

static const char *kind_name(enum et_span_kind k)
{
	static const char *const n[] = {"unspecified", "internal", "server",
					"client",      "producer", "consumer"};

	return (unsigned)k < 6 ? n[k] : "unspecified";
}

static const char *status_name(enum et_span_status s)
{
	return s == ET_STATUS_OK      ? "ok"
	       : s == ET_STATUS_ERROR ? "error"
				      : "unset";
}

/* A stack (one frame a line) on the span's one line: its frames,
 * trimmed, joined by ';' as folded stacks are. */
static void text_lines(struct textbuf *b, const struct et_attr *at)
{
	const char *p = at->str.s, *end = p + at->str.len;
	bool first = true;

	tb_putc(b, ' ');
	tb_puts(b, at->key);
	tb_put(b, "=\"", 2);
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *e;

		if (!nl)
			nl = end;
		while (p < nl && (*p == ' ' || *p == '\t'))
			p++;
		for (e = nl; e > p && e[-1] == ' '; e--)
			;
		if (e > p) {
			if (!first)
				tb_putc(b, ';');
			tb_putsn(b, p, e - p);
			first = false;
		}
		p = nl + 1;
	}
	tb_putc(b, '"');
}

static void text_attr(struct textbuf *b, const struct et_attr *at)
{
	if (at->kind == ET_ATTR_STR &&
	    memchr(at->str.s, '\n', at->str.len)) {
		text_lines(b, at);
		return;
	}
	tb_putc(b, ' ');
	tb_puts(b, at->key);
	tb_putc(b, '=');
	switch (at->kind) {
	case ET_ATTR_INT:
		tb_i64(b, at->i);
		break;
	case ET_ATTR_UINT:
	case ET_ATTR_BOOL:
		tb_u64(b, at->u);
		break;
	case ET_ATTR_DOUBLE:
		tb_double(b, at->d);
		break;
	case ET_ATTR_STR:
		tb_putc(b, '"');
		tb_putsn(b, at->str.s, at->str.len);
		tb_putc(b, '"');
		break;
	}
}

static void json_attr(struct textbuf *b, const struct et_attr *at)
{
	tb_json(b, at->key, strlen(at->key));
	tb_put(b, ": ", 2);
	switch (at->kind) {
	case ET_ATTR_INT:
		tb_i64(b, at->i);
		break;
	case ET_ATTR_UINT:
	case ET_ATTR_BOOL:
		tb_u64(b, at->u);
		break;
	case ET_ATTR_DOUBLE:
		tb_double(b, at->d);
		break;
	case ET_ATTR_STR:
		tb_json(b, at->str.s, at->str.len);
		break;
	}
}

/* a string literal (only: "" s "" refuses anything else) */
#define PUT_LIT(b, s) tb_put(b, "" s "", sizeof(s) - 1)

/* An event's attributes on the text line: [k=v,k="s"] right after it
 * (integers and strings; none: nothing). */
static void text_event_attrs(struct textbuf *b, const struct et_span_event *e)
{
	for (size_t k = 0; k < e->nattrs; k++) {
		const struct et_attr *at = &e->attrs[k];

		tb_putc(b, k ? ',' : '[');
		tb_puts(b, at->key);
		tb_putc(b, '=');
		if (at->kind == ET_ATTR_STR) {
			tb_putc(b, '"');
			tb_putsn(b, at->str.s, at->str.len);
			tb_putc(b, '"');
		} else if (at->kind == ET_ATTR_INT) {
			tb_i64(b, at->i);
		} else if (at->kind == ET_ATTR_DOUBLE) {
			tb_double(b, at->d);
		} else {
			tb_u64(b, at->u);
		}
	}
	if (e->nattrs)
		tb_putc(b, ']');
}

static void text_span(struct textbuf *b, const struct et_span *s, bool root,
		      uint64_t dur)
{
	PUT_LIT(b, "span ");
	tb_puts(b, s->name);
	PUT_LIT(b, " trace=");
	tb_hex(b, s->trace_id, 16);
	PUT_LIT(b, " id=");
	tb_hex(b, s->span_id, 8);
	PUT_LIT(b, " parent=");
	if (root)
		tb_putc(b, '-');
	else
		tb_hex(b, s->parent_span_id, 8);
	if (s->remote_parent)
		PUT_LIT(b, " remote");
	PUT_LIT(b, " duration_ns=");
	tb_u64(b, dur);
	PUT_LIT(b, " pid=");
	tb_u64(b, s->pid);
	PUT_LIT(b, " tid=");
	tb_u64(b, s->tid);
	PUT_LIT(b, " comm=");
	tb_puts(b, s->comm);
	if (s->kind != ET_SPAN_UNSPECIFIED) {
		PUT_LIT(b, " kind=");
		tb_puts(b, kind_name(s->kind));
	}
	if (s->status != ET_STATUS_UNSET) {
		PUT_LIT(b, " status=");
		tb_puts(b, status_name(s->status));
	}
	if (s->status_message)
		text_attr(b, &(struct et_attr){
				 .key = "status_message",
				 .kind = ET_ATTR_STR,
				 .str = {s->status_message,
					 strlen(s->status_message)}});
	for (size_t i = 0; i < s->nattrs; i++)
		text_attr(b, &s->attrs[i]);
	for (size_t i = 0; i < s->nevents; i++) {
		PUT_LIT(b, " event=");
		tb_puts(b, s->events[i].name);
		PUT_LIT(b, "@+");
		tb_u64(b, s->events[i].time_unix_ns - s->start_unix_ns);
		PUT_LIT(b, "ns");
		text_event_attrs(b, &s->events[i]);
	}
	if (s->dropped_events) {
		PUT_LIT(b, " dropped_events=");
		tb_u64(b, s->dropped_events);
	}
	tb_putc(b, '\n');
}

static void json_span(struct textbuf *b, const struct et_span *s, bool root,
		      uint64_t dur)
{
	PUT_LIT(b, "{\"type\": \"span\", \"data\": {\"name\": ");
	tb_json(b, s->name, strlen(s->name));
	PUT_LIT(b, ", \"trace_id\": \"");
	tb_hex(b, s->trace_id, 16);
	PUT_LIT(b, "\", \"span_id\": \"");
	tb_hex(b, s->span_id, 8);
	PUT_LIT(b, "\", \"parent_span_id\": ");
	if (root) {
		PUT_LIT(b, "null");
	} else {
		tb_putc(b, '"');
		tb_hex(b, s->parent_span_id, 8);
		tb_putc(b, '"');
	}
	PUT_LIT(b, ", \"remote_parent\": ");
	tb_puts(b, s->remote_parent ? "true" : "false");
	PUT_LIT(b, ", \"kind\": \"");
	tb_puts(b, kind_name(s->kind));
	PUT_LIT(b, "\", \"status\": \"");
	tb_puts(b, status_name(s->status));
	PUT_LIT(b, "\", \"start_unix_ns\": ");
	tb_u64(b, s->start_unix_ns);
	PUT_LIT(b, ", \"end_unix_ns\": ");
	tb_u64(b, s->end_unix_ns);
	PUT_LIT(b, ", \"duration_ns\": ");
	tb_u64(b, dur);
	PUT_LIT(b, ", \"pid\": ");
	tb_u64(b, s->pid);
	PUT_LIT(b, ", \"tid\": ");
	tb_u64(b, s->tid);
	PUT_LIT(b, ", \"comm\": ");
	tb_json(b, s->comm, strlen(s->comm));
	if (s->status_message) {
		PUT_LIT(b, ", \"status_message\": ");
		tb_json(b, s->status_message, strlen(s->status_message));
	}
	PUT_LIT(b, ", \"attrs\": {");
	for (size_t i = 0; i < s->nattrs; i++) {
		if (i)
			PUT_LIT(b, ", ");
		json_attr(b, &s->attrs[i]);
	}
	PUT_LIT(b, "}, \"events\": [");
	for (size_t i = 0; i < s->nevents; i++) {
		if (i)
			PUT_LIT(b, ", ");
		PUT_LIT(b, "{\"name\": ");
		tb_json(b, s->events[i].name, strlen(s->events[i].name));
		PUT_LIT(b, ", \"time_unix_ns\": ");
		tb_u64(b, s->events[i].time_unix_ns);
		PUT_LIT(b, ", \"attrs\": {");
		for (size_t k = 0; k < s->events[i].nattrs; k++) {
			if (k)
				PUT_LIT(b, ", ");
			json_attr(b, &s->events[i].attrs[k]);
		}
		PUT_LIT(b, "}}");
	}
	PUT_LIT(b, "], \"dropped_events\": ");
	tb_u64(b, s->dropped_events);
	PUT_LIT(b, "}}\n");
}

/* The printer: one line, or one NDJSON record, per span, formatted into
 * the run's reused buffer (no printf, no allocation once it has grown)
 * and written with one fwrite. */
static int print_sink(void *ctx, const struct et_span *s)
{
	struct span_rt *rt = ctx;
	bool root = !memcmp(s->parent_span_id, "\0\0\0\0\0\0\0\0", 8);
	uint64_t dur = s->end_unix_ns - s->start_unix_ns;

	if (rt->json)
		json_span(&rt->line, s, root, dur);
	else
		text_span(&rt->line, s, root, dur);
	/* a failed write is the output's to report (outstream.h) */
	return tb_write(&rt->line, rt->out) == -ENOMEM ? -ENOMEM : 0;
}

/* printf("%s", value) of each stack and address (inet) attribute of d */
static int stack_actions(struct span_rt *rt, struct span_def *d)
{
	for (int i = 0; i < d->nattrs; i++) {
		struct et_action *a;

		if (d->a->args[i].type->kind != T_STACK &&
		    d->a->args[i].type->kind != T_INET)
			continue;
		a = arena_calloc(rt->arena, 1, sizeof(*a));
		if (!a)
			return -ENOMEM;
		a->kind = ACT_PRINTF;
		a->id = d->a->id;
		a->loc = d->a->loc;
		a->fmt_str = "%s";
		printf_fmt_parse(rt->arena, a->fmt_str, 2, &a->fmt);
		a->args = &d->a->args[i];
		a->nargs = 1;
		a->map_id = -1;
		d->stack_fmt[i] = a;
	}
	return 0;
}

void span_rt__set_output(struct span_rt *rt, struct output *o)
{
	rt->o = o;
}

struct span_rt *span_rt__new(const struct et_program *p, FILE *out, bool json,
			     bool print)
{
	struct span_rt *rt = calloc(1, sizeof(*rt));

	if (!rt)
		return NULL;
	rt->p = p;
	rt->out = out;
	rt->json = json;
	rt->cnt_fd = -1;
	rt->wall_off =
	    (int64_t)(clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC));
	rt->defs = calloc(p->nactions + 1, sizeof(*rt->defs));
	if (!rt->defs)
		goto fail;
	for (int i = 0; i < p->nactions; i++) {
		if (p->actions[i].kind != ACT_SPAN)
			continue;
		if (parse_def(&rt->defs[rt->ndefs++], &p->actions[i])) {
			errno = EINVAL;
			goto fail;
		}
	}
	rt->arena = arena__new();
	if (!rt->arena)
		goto fail;
	for (int i = 0; i < rt->ndefs; i++)
		if (stack_actions(rt, &rt->defs[i]))
			goto fail;
	if (print && span_rt__add_sink(rt, print_sink, rt))
		goto fail;
	return rt;
fail:
	span_rt__free(rt);
	return NULL;
}

void span_rt__free(struct span_rt *rt)
{
	if (!rt)
		return;
	for (int i = 0; i < rt->ndefs; i++) {
		struct span_def *d = &rt->defs[i];

		free(d->name);
		free(d->map);
		for (int k = 0; k < d->nattrs; k++)
			free(d->attrs[k]);
		for (int k = 0; k < d->nevents; k++)
			free(d->events[k]);
		for (int k = 0; k < d->neattrs; k++)
			free(d->eattrs[k]);
		free(d->eattrs);
		free(d->eattr_ev);
	}
	free(rt->defs);
	arena__free(rt->arena);
	tb_free(&rt->line);
	free(rt);
}

int span_rt__add_sink(struct span_rt *rt, et_span_sink_fn fn, void *ctx)
{
	if (rt->nsinks == MAX_SINKS)
		return -ENOMEM;
	rt->sinks[rt->nsinks++] = (struct sink){fn, ctx};
	return 0;
}

int span_rt__ndefs(const struct span_rt *rt)
{
	return rt ? rt->ndefs : 0;
}

void span_rt__set_maps(struct span_rt *rt, int cnt_fd,
		       int (*map_fd)(void *ctx, const char *bpf_name),
		       void *ctx)
{
	rt->cnt_fd = cnt_fd;
	for (int i = 0; i < rt->ndefs; i++)
		rt->defs[i].map_fd =
		    rt->defs[i].map ? map_fd(ctx, rt->defs[i].map) : -1;
}

/* a.b.c.d, as inet_ntop writes it (without its sprintf: a span of
 * `etrace http` has two addresses) */
static void ipv4_text(char *dst, const uint8_t *a)
{
	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (v >= 100)
			*dst++ = (char)('0' + v / 100);
		if (v >= 10)
			*dst++ = (char)('0' + v / 10 % 10);
		*dst++ = (char)('0' + v % 10);
		*dst++ = i < 3 ? '.' : 0;
	}
}

/* An integer or string value at v (the string redacted as the settings
 * say; a copy made is freed after the sinks ran). */
static bool decode_value(struct span_rt *rt, const struct et_arg *arg,
			 const uint8_t *v, struct et_attr *at)
{
	if (arg->type->kind == T_STRING) {
		char *r = NULL;
		size_t n = strnlen((const char *)v, arg->size);
		int k = redact_string(rt->p ? rt->p->settings.redact : 0,
				      (const char *)v, n, &r, &n);

		if (k < 0)
			return false;
		at->kind = ET_ATTR_STR;
		at->str.s = (const char *)v;
		at->str.len = n;
		if (k) {
			rt->texts[rt->ntexts++] = r;
			at->str.s = r;
		}
		return true;
	}
	memcpy(&at->u, v, 8);
	at->kind = arg->type->is_signed ? ET_ATTR_INT : ET_ATTR_UINT;
	return true;
}

/* One attribute of the record, when set. */
static bool decode_attr(struct span_rt *rt, const struct span_def *d,
			const uint8_t *rec, size_t size, int i,
			struct et_attr *at)
{
	const struct et_arg *arg = &d->a->args[i];
	const uint8_t *v = rec + arg->offset;
	uint64_t set;

	memcpy(&set, rec + offsetof(struct et_span_rec, attr_set), 8);
	if (i >= 64 || !(set >> i & 1) || arg->offset + arg->size > size)
		return false;
	at->key = d->attrs[i];
	if (arg->type->kind == T_INET) {
		/* as value.c's decode_inet and %s print it: { int64 af;
		 * u8 addr[16]; }, "" for another family */
		char *text = rt->inet[i];
		int64_t af;

		text[0] = 0;
		if (arg->size >= 24) {
			memcpy(&af, v, 8);
			if (af == AF_INET)
				ipv4_text(text, v + 8);
			else if (af == AF_INET6)
				inet_ntop((int)af, v + 8, text,
					  INET6_ADDRSTRLEN);
		}
		at->kind = ET_ATTR_STR;
		at->str.s = text;
		at->str.len = strlen(text);
		return true;
	}
	if (arg->type->kind == T_STACK) {
		char *text = NULL;

		if (!rt->o || !d->stack_fmt[i] ||
		    output__format(rt->o, d->stack_fmt[i], rec, size, &text))
			return false;
		rt->texts[rt->ntexts++] = text;
		at->kind = ET_ATTR_STR;
		at->str.s = text;
		at->str.len = strlen(text);
		return true;
	}
	return decode_value(rt, arg, v, at);
}

/* The attributes of event i (of event probe ev) of the record in at
 * (MAX_EVENT_ATTRS): how many were set. */
static size_t decode_event(struct span_rt *rt, const struct span_def *d,
			   const uint8_t *rec, size_t size, uint32_t i,
			   uint64_t ev, struct et_attr *at)
{
	const uint8_t *slot = rec + d->ev_base + (size_t)i * d->ev_slot;
	uint64_t set;
	size_t n = 0;
	int bit = 0;

	if (!d->ev_slot || d->ev_base + (size_t)(i + 1) * d->ev_slot > size)
		return 0;
	memcpy(&set, slot, 8);
	for (int j = 0; j < d->neattrs && n < MAX_EVENT_ATTRS; j++) {
		const struct et_arg *arg = &d->a->args[d->nattrs + j];

		if ((uint64_t)d->eattr_ev[j] != ev)
			continue;
		if (bit < 64 && (set >> bit & 1) &&
		    arg->offset + arg->size <= d->ev_slot &&
		    decode_value(rt, arg, slot + arg->offset, &at[n])) {
			at[n].key = d->eattrs[j];
			n++;
		}
		bit++;
	}
	return n;
}

int span_rt__record(struct span_rt *rt, const struct et_action *a,
		    const void *data, size_t size)
{
	const struct span_def *d = def_of(rt, a);
	const uint8_t *rec = data;
	struct et_span_rec h;
	struct et_attr attrs[MAX_ATTRS];
	struct et_span_event ev[ET_SPAN_EVENTS];
	struct et_attr eattrs[ET_SPAN_EVENTS][MAX_EVENT_ATTRS];
	char comm[17], *msg = NULL;
	struct et_span s = {0};

	if (!d || size < sizeof(h) || size < a->rec_size)
		return -EINVAL;
	memcpy(&h, rec, sizeof(h));
	memcpy(comm, h.comm, 16);
	comm[16] = 0;
	s.name = d->name;
	put_be64(s.trace_id, h.trace_hi);
	put_be64(s.trace_id + 8, h.trace_lo);
	put_be64(s.span_id, h.span_id);
	put_be64(s.parent_span_id, h.parent_id);
	s.remote_parent = h.remote;
	s.trace_flags = h.remote ? h.flags : 1;
	s.kind = (enum et_span_kind)h.kind;
	s.status = (enum et_span_status)h.status;
	s.start_unix_ns = h.start_ns + rt->wall_off;
	s.end_unix_ns = h.end_ns + rt->wall_off;
	s.pid = h.pid;
	s.tid = h.tid;
	s.comm = comm;
	for (int i = 0; i < d->nattrs; i++) {
		struct et_attr *at = &attrs[s.nattrs];

		if (!decode_attr(rt, d, rec, size, i, at))
			continue;
		/* span.status_message: the status's description */
		if (!strcmp(at->key, "status_message") &&
		    at->kind == ET_ATTR_STR) {
			msg = strndup(at->str.s, at->str.len);
			s.status_message = msg;
			continue;
		}
		s.nattrs++;
	}
	s.attrs = attrs;
	for (uint32_t i = 0; i < h.nevents && i < ET_SPAN_EVENTS; i++) {
		uint64_t idx = h.events[i].idx;

		ev[s.nevents].time_unix_ns = h.events[i].ns + rt->wall_off;
		ev[s.nevents].name =
		    idx < (uint64_t)d->nevents ? d->events[idx] : "event";
		ev[s.nevents].attrs = eattrs[i];
		ev[s.nevents++].nattrs =
		    decode_event(rt, d, rec, size, i, idx, eattrs[i]);
	}
	s.events = ev;
	s.dropped_events = h.dropped_events;
	rt->st.completed++;
	for (int i = 0; i < rt->nsinks; i++)
		if (rt->sinks[i].fn(rt->sinks[i].ctx, &s) < 0)
			rt->failed++;
	while (rt->ntexts)
		free(rt->texts[--rt->ntexts]);
	free(msg);
	return 0;
}

int span_rt__deliver(struct span_rt *rt, const struct et_span *s)
{
	rt->st.completed++;
	for (int i = 0; i < rt->nsinks; i++)
		if (rt->sinks[i].fn(rt->sinks[i].ctx, s) < 0)
			rt->failed++;
	return 0;
}

int64_t span_rt__wall_offset(const struct span_rt *rt)
{
	return rt->wall_off;
}

/* Deletes the instances of d open longer than its timeout. */
static void sweep_def(struct span_rt *rt, struct span_def *d, uint64_t now)
{
	uint32_t ksz, vsz;
	struct bpf_map_info info = {0};
	uint32_t len = sizeof(info);
	uint8_t *key, *next, *val;
	bool first = true;

	if (d->map_fd < 0 || !d->timeout_ns ||
	    bpf_obj_get_info_by_fd(d->map_fd, &info, &len))
		return;
	ksz = info.key_size;
	vsz = info.value_size;
	key = calloc(1, ksz);
	next = calloc(1, ksz);
	val = calloc(1, vsz);
	while (key && next && val &&
	       !bpf_map_get_next_key(d->map_fd, first ? NULL : key, next)) {
		struct et_span_rec h;

		first = false;
		memcpy(key, next, ksz);
		if (bpf_map_lookup_elem(d->map_fd, key, val) || vsz < sizeof(h))
			continue;
		memcpy(&h, val, sizeof(h));
		if (now > h.start_ns && now - h.start_ns > d->timeout_ns &&
		    !bpf_map_delete_elem(d->map_fd, key))
			rt->st.expired++;
	}
	free(key);
	free(next);
	free(val);
}

void span_rt__sweep(struct span_rt *rt)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);

	for (int i = 0; rt && i < rt->ndefs; i++)
		sweep_def(rt, &rt->defs[i], now);
}

static uint64_t counter(const struct span_rt *rt, uint32_t key)
{
	int ncpus = libbpf_num_possible_cpus();
	uint64_t *v, sum = 0;

	if (rt->cnt_fd < 0 || ncpus <= 0)
		return 0;
	v = calloc(ncpus, sizeof(*v));
	if (v && !bpf_map_lookup_elem(rt->cnt_fd, &key, v))
		for (int i = 0; i < ncpus; i++)
			sum += v[i];
	free(v);
	return sum;
}

/* The instances of d open now. */
static uint64_t open_count(const struct span_def *d)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);
	uint8_t *key, *next;
	uint64_t n = 0;
	bool first = true;

	if (d->map_fd < 0 || bpf_obj_get_info_by_fd(d->map_fd, &info, &len))
		return 0;
	key = calloc(1, info.key_size);
	next = calloc(1, info.key_size);
	while (key && next &&
	       !bpf_map_get_next_key(d->map_fd, first ? NULL : key, next)) {
		first = false;
		memcpy(key, next, info.key_size);
		n++;
	}
	free(key);
	free(next);
	return n;
}

void span_rt__stats(const struct span_rt *rt, struct et_span_stats *st)
{
	*st = rt->st;
	st->overflow = counter(rt, ET_SPAN_OVERFLOW);
	st->unmatched_end = counter(rt, ET_SPAN_UNMATCHED);
	st->dropped_events = counter(rt, ET_SPAN_DROPPED_EVENTS);
	st->lost = counter(rt, ET_SPAN_LOST);
	st->rebegun = counter(rt, ET_SPAN_REBEGUN);
	st->still_open = 0; /* span_rt__report counts them: a map walk */
}

/* One line (text, on stderr) or record (JSON, on the output) per
 * counter that is not zero. */
void span_rt__report(struct span_rt *rt)
{
	static const struct {
		size_t off;
		const char *json, *text;
	} rows[] = {
#define ROW(f, t) {offsetof(struct et_span_stats, f), #f, t}
	    ROW(expired, "spans expired (open longer than span_timeout; "
			 "their end never came)"),
	    ROW(overflow, "span begins refused: the instance map was full "
			  "(span_max)"),
	    ROW(unmatched_end, "span ends or events matched no open "
			       "instance"),
	    ROW(dropped_events, "span events dropped (more than 8 in one "
				"span)"),
	    ROW(lost, "completed spans lost: the ring buffer was full"),
	    ROW(rebegun, "span begins ignored: an instance with the same "
			 "key was open"),
	    ROW(still_open, "spans still open at exit"),
#undef ROW
	};
	struct et_span_stats st;

	if (!rt || !rt->ndefs)
		return;
	span_rt__stats(rt, &st);
	for (int i = 0; i < rt->ndefs; i++)
		st.still_open += open_count(&rt->defs[i]);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t n;

		memcpy(&n, (const char *)&st + rows[i].off, 8);
		if (!n)
			continue;
		if (rt->json)
			fprintf(rt->out,
				"{\"type\": \"spans_dropped\", "
				"\"data\": {\"%s\": %" PRIu64 "}}\n",
				rows[i].json, n);
		else
			fprintf(stderr, "etrace: %" PRIu64 " %s\n", n,
				rows[i].text);
	}
}
