/* The span.* rows (pass_span.h): the calls a span block's probes are
 * rewritten into, typed here. span.set fixes an attribute's type (an
 * integer, 8 bytes; or a string, the largest assigned); span.key fixes
 * the key's element types on first sight and requires the same kinds in
 * every probe of the block. Names with a '.': no script can call them. */
#include <string.h>

#include "funcs.h"
#include "pass_span.h"
#include "types.h"

static struct span_info *span_of(struct compile_ctx *ctx,
				 const struct node *call,
				 const struct node *probe, bool report)
{
	if (probe && probe->u.probe.span_role &&
	    probe->u.probe.span_idx < ctx->nspans)
		return &ctx->spans[probe->u.probe.span_idx];
	if (report)
		diag_error(&ctx->diags, call->loc,
			   "span.%s is used outside "
			   "a span block",
			   call->u.call.args ? call->u.call.args->u.string.str
					     : "");
	return NULL;
}

static bool int_or_str(const struct type *t)
{
	return t && (type_is_int(t) || t->kind == T_STRING);
}

/* integer 0, string 1, stack 2: what must agree between assignments */
static int attr_class(const struct type *t)
{
	return t->kind == T_STRING  ? 1
	       : t->kind == T_STACK ? 2
	       : t->kind == T_INET  ? 3
				    : 0;
}

/* The stored type of value type t: integers 8 bytes, strings as they
 * are; old (the type so far) widened to a longer string. */
static struct type *merge(struct compile_ctx *ctx, struct type *old,
			  struct type *t)
{
	if (t->kind == T_STACK || t->kind == T_INET)
		return old ? old : t;
	if (t->kind == T_STRING) {
		if (old && old->kind == T_STRING && old->size >= t->size)
			return old;
		return type_string(ctx->arena, t->size);
	}
	if (old && type_is_int(old))
		return old;
	return type_int(8, t->is_signed);
}

static struct type *check_open(struct compile_ctx *ctx, struct node *call,
			       struct node *probe)
{
	return span_of(ctx, call, probe, true) ? type_none() : NULL;
}

static struct type *check_set(struct compile_ctx *ctx, struct node *call,
			      struct node *probe)
{
	struct span_info *s = span_of(ctx, call, probe, true);
	const char *f = call->u.call.args->u.string.str;
	struct node *v = call->u.call.args->next;
	struct span_attr *at;

	if (!s)
		return NULL;
	if (!strcmp(f, "kind") || !strcmp(f, "status"))
		return type_none();
	at = span_attr_find(s, f);
	if (!at)
		return NULL; /* pass_span reported it */
	/* the OpenTelemetry status description: runtime/span.c carries it
	 * as et_span.status_message, not as an attribute */
	if (!strcmp(f, "status_message") &&
	    (!v->type || v->type->kind != T_STRING)) {
		diag_error(&ctx->diags, v->loc,
			   "span.status_message takes a string (%s "
			   "provided)",
			   fn_kind_name(v->type));
		return NULL;
	}
	if (!int_or_str(v->type) && (!v->type || (v->type->kind != T_STACK &&
						  v->type->kind != T_INET))) {
		diag_error(&ctx->diags, v->loc,
			   "span.%s takes an integer, a "
			   "string, a stack or an address (%s provided)",
			   f, fn_kind_name(v->type));
		return NULL;
	}
	if (at->type && attr_class(at->type) != attr_class(v->type)) {
		diag_error(&ctx->diags, v->loc,
			   "span.%s is %s elsewhere, "
			   "here %s",
			   f, fn_kind_name(at->type), fn_kind_name(v->type));
		return NULL;
	}
	at->type = merge(ctx, at->type, v->type);
	return type_none();
}

/* span.eopen (pass_span.c adds it to an event probe that sets event
 * attributes) */
static struct type *check_eopen(struct compile_ctx *ctx, struct node *call,
				struct node *probe)
{
	(void)call;
	return probe && probe->u.probe.span_role == SROLE_EVENT &&
		       probe->u.probe.span_idx < ctx->nspans
		   ? type_none()
		   : NULL;
}

/* event.NAME = v (span.eset): an integer (8 bytes) or a string (the
 * largest assigned) of the event its event probe adds; pass_span.c
 * reported it in any other probe of a span block. */
static struct type *check_eset(struct compile_ctx *ctx, struct node *call,
			       struct node *probe)
{
	const char *f = call->u.call.args->u.string.str;
	struct node *v = call->u.call.args->next;
	struct span_info *s;
	struct span_attr *at;

	if (!probe || !probe->u.probe.span_role ||
	    probe->u.probe.span_idx >= ctx->nspans) {
		diag_error(&ctx->diags, call->loc,
			   "event.%s is set in an event "
			   "probe of a span block",
			   f);
		return NULL;
	}
	s = &ctx->spans[probe->u.probe.span_idx];
	if (probe->u.probe.span_role != SROLE_EVENT)
		return NULL; /* pass_span reported it */
	at = span_eattr_find(s, probe->u.probe.span_event, f);
	if (!at) {
		/* pass_span saw every event.NAME of the probe's own body */
		diag_error(&ctx->diags, call->loc,
			   "event.%s is set in the body of an event probe "
			   "(in a macro, event fields cannot be set)",
			   f);
		return NULL;
	}
	if (!int_or_str(v->type)) {
		diag_error(&ctx->diags, v->loc,
			   "event.%s takes an integer or a "
			   "string (%s provided)",
			   f, fn_kind_name(v->type));
		return NULL;
	}
	if (at->type && attr_class(at->type) != attr_class(v->type)) {
		diag_error(&ctx->diags, v->loc,
			   "event.%s is %s elsewhere, "
			   "here %s",
			   f, fn_kind_name(at->type), fn_kind_name(v->type));
		return NULL;
	}
	at->type = merge(ctx, at->type, v->type);
	return type_none();
}

/* event.NAME read (span.eget): an error wherever it is */
static struct type *check_eget(struct compile_ctx *ctx, struct node *call,
			       struct node *probe)
{
	const char *f = call->u.call.args->u.string.str;

	/* in a span block pass_span.c reported it */
	if (!probe || !probe->u.probe.span_role)
		diag_error(&ctx->diags, call->loc,
			   "event.%s is set in an event "
			   "probe of a span block, never read",
			   f);
	return NULL;
}

static struct type *check_get(struct compile_ctx *ctx, struct node *call,
			      struct node *probe)
{
	struct span_info *s = span_of(ctx, call, probe, true);
	const char *f = call->u.call.args->u.string.str;
	struct span_attr *at;

	if (!s)
		return NULL;
	if (!strcmp(f, "trace_id"))
		return type_string(ctx->arena, 33);
	if (span_builtin_field(f))
		return type_u64();
	at = span_attr_find(s, f);
	if (!at || !at->type) {
		diag_error(&ctx->diags, call->loc,
			   "the type of span.%s is "
			   "not known: no assignment to it could be typed",
			   f);
		return NULL;
	}
	return at->type;
}

static struct type *check_key(struct compile_ctx *ctx, struct node *call,
			      struct node *probe)
{
	struct span_info *s = span_of(ctx, call, probe, true);
	int i = 0;

	if (!s)
		return NULL;
	for (struct node *k = call->u.call.args; k; k = k->next, i++) {
		if (!int_or_str(k->type)) {
			/* said once, in the block's first probe: the others
			 * have the same key */
			if (probe != s->first)
				return type_none();
			diag_error(&ctx->diags, k->loc,
				   "a span key holds "
				   "integers and strings (%s provided)",
				   fn_kind_name(k->type));
			return NULL;
		}
		if (i < s->nkeys &&
		    type_is_int(s->keys[i]) != type_is_int(k->type)) {
			diag_error(&ctx->diags, k->loc,
				   "key element %d is "
				   "%s here and %s in another probe of span "
				   "%s",
				   i + 1, fn_kind_name(k->type),
				   fn_kind_name(s->keys[i]), s->name);
			return NULL;
		}
		s->keys[i] =
		    merge(ctx, i < s->nkeys ? s->keys[i] : NULL, k->type);
	}
	if (i > s->nkeys)
		s->nkeys = i;
	return type_none();
}

/* span.frame(E, i): E, or in a Go function word i of (goid, depth) */
static struct type *check_frame(struct compile_ctx *ctx, struct node *call,
				struct node *probe)
{
	(void)probe;
	if (!fn_int_arg(ctx, call, 0))
		return NULL;
	return type_u64();
}

/* traceparent(buf, len): in a begin probe, the W3C traceparent header
 * in len bytes of user memory at buf makes the span a child of that
 * remote parent; true when one was found. */
static struct type *check_traceparent(struct compile_ctx *ctx,
				      struct node *call, struct node *probe)
{
	if (!probe || probe->u.probe.span_role != SROLE_BEGIN) {
		diag_error(&ctx->diags, call->loc,
			   "traceparent() is used in "
			   "a begin probe of a span block");
		return NULL;
	}
	if (!fn_int_or_ptr_arg(ctx, call, 0) || !fn_int_arg(ctx, call, 1))
		return NULL;
	return type_u64();
}

/* thread_parent(tid): in a begin probe, the span open on top of thread
 * tid's stack becomes the span's (remote) parent; true when there is
 * one. */
static struct type *check_thread_parent(struct compile_ctx *ctx,
					struct node *call, struct node *probe)
{
	if (!probe || probe->u.probe.span_role != SROLE_BEGIN) {
		diag_error(&ctx->diags, call->loc,
			   "thread_parent() is used in "
			   "a begin probe of a span block");
		return NULL;
	}
	if (!fn_int_arg(ctx, call, 0))
		return NULL;
	return type_u64();
}

/* span("name") anywhere but at the top of a function's entry probe
 * (pass_span.c took those) */
static struct type *check_span(struct compile_ctx *ctx, struct node *call,
			       struct node *probe)
{
	diag_error(&ctx->diags, call->loc,
		   "span(\"name\") is a statement "
		   "of the block of a uprobe or kprobe at a function's "
		   "entry, outside any if or loop");
	return NULL;
}

const struct func funcs_span[] = {
    {"span", 1, 1, FN_STMT, check_span, FG_NONE},
    {"traceparent", 2, 2, 0, check_traceparent, FG_SPAN},
    {"thread_parent", 1, 1, 0, check_thread_parent, FG_SPAN},
    {"span.open", 0, 0, FN_STMT, check_open, FG_SPAN},
    {"span.close", 0, 0, FN_STMT | FN_ASYNC, check_open, FG_SPAN},
    {"span.set", 2, 2, FN_STMT, check_set, FG_SPAN},
    {"span.get", 1, 1, 0, check_get, FG_SPAN},
    {"span.key", 1, SPAN_MAX_KEYS, FN_STMT, check_key, FG_SPAN},
    {"span.frame", 2, 2, 0, check_frame, FG_SPAN},
    {"span.eopen", 0, 0, FN_STMT, check_eopen, FG_SPAN},
    {"span.eset", 2, 2, FN_STMT, check_eset, FG_SPAN},
    {"span.eget", 1, 1, 0, check_eget, FG_SPAN},
    {NULL},
};
