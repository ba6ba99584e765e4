/* pass_span.c: span blocks, read by the parser (pass_span.h). Reads a
 * block's key and probes as parsed; writes the probes with their roles
 * and rewritten bodies, and the block's span_info in ctx->spans. After
 * it: every span.get names a field the span has where it is read
 * (start, duration, id, trace_id only in end probes; an attribute in a
 * begin probe only after a statement that sets it; in an end probe one
 * that a begin or end probe sets), kind and status are set to one of
 * their words, no event probe uses span fields, and event.NAME is only
 * set, in event probes (each event probe's event attributes collected
 * in span_info.eattrs). Types come later (funcs_span.c). */
#include "pass_span.h"

#include <string.h>

#include "diag.h"

static const char *const builtin_fields[] = {"start", "duration", "id",
					     "trace_id", NULL};
static const char *const kinds[] = {"unspecified", "internal", "server",
				    "client",	   "producer", "consumer",
				    NULL};
static const char *const statuses[] = {"unset", "ok", "error", NULL};

static int word_index(const char *const *w, const char *s)
{
	for (int i = 0; w[i]; i++)
		if (!strcmp(w[i], s))
			return i;
	return -1;
}

bool span_builtin_field(const char *name)
{
	return word_index(builtin_fields, name) >= 0;
}

int span_kind_value(const char *word)
{
	return word_index(kinds, word);
}

int span_status_value(const char *word)
{
	return word_index(statuses, word);
}

static bool is_call(const struct node *n, const char *name)
{
	return n && n->kind == N_CALL && !strcmp(n->u.call.name, name);
}

bool span_is_get(const struct node *n)
{
	return is_call(n, "span.get") || is_call(n, "span.eget");
}

static const char *field_of(const struct node *call)
{
	return call->u.call.args->u.string.str;
}

struct node *span_get(struct compile_ctx *ctx, struct loc loc, const char *name)
{
	struct node *s = ast_string(ctx->arena, loc, name, strlen(name));

	return ast_call(ctx->arena, loc, "span.get", s);
}

struct node *span_event_get(struct compile_ctx *ctx, struct loc loc,
			    const char *name)
{
	struct node *s = ast_string(ctx->arena, loc, name, strlen(name));

	return ast_call(ctx->arena, loc, "span.eget", s);
}

struct node *span_set(struct compile_ctx *ctx, struct loc loc, struct node *get,
		      struct node *value)
{
	struct node *s = get->u.call.args;
	const char *f = field_of(get);

	if (is_call(get, "span.eget")) {
		s->next = value;
		return ast_expr_stmt(ctx->arena,
				     ast_call(ctx->arena, loc, "span.eset", s));
	}
	/* span.kind = server: the word is the value */
	if ((!strcmp(f, "kind") || !strcmp(f, "status")) &&
	    value->kind == N_IDENT)
		value = ast_string(ctx->arena, value->loc, value->u.ident.name,
				   strlen(value->u.ident.name));
	s->next = value;
	return ast_expr_stmt(ctx->arena,
			     ast_call(ctx->arena, loc, "span.set", s));
}

struct span_attr *span_attr_find(struct span_info *s, const char *name)
{
	for (int i = 0; i < s->nattrs; i++)
		if (!strcmp(s->attrs[i].name, name))
			return &s->attrs[i];
	return NULL;
}

struct span_attr *span_eattr_find(struct span_info *s, int ev, const char *name)
{
	for (int i = 0; i < s->neattrs[ev]; i++)
		if (!strcmp(s->eattrs[ev][i].name, name))
			return &s->eattrs[ev][i];
	return NULL;
}

/* The walk over one probe's body, in source order. */
struct walk {
	struct compile_ctx *ctx;
	struct span_info *s;
	enum span_role role;
	bool collect; /* first round: the attributes */
	int event;    /* SROLE_EVENT: the probe's index */
	/* begin: attributes set so far in this body */
	const char *set[SPAN_MAX_ATTRS];
	int nset;
	bool uses;  /* a span.get/span.set seen */
	int in_for; /* inside for loop bodies */
};

static bool set_before(struct walk *w, const char *f)
{
	for (int i = 0; i < w->nset; i++)
		if (!strcmp(w->set[i], f))
			return true;
	return false;
}

static void check_set(struct walk *w, struct node *n)
{
	const char *f = field_of(n);
	struct node *v = n->u.call.args->next;
	struct diags *d = &w->ctx->diags;

	if (span_builtin_field(f)) {
		diag_error(d, n->loc,
			   "span.%s cannot be assigned: etrace "
			   "sets it",
			   f);
		return;
	}
	if (!strcmp(f, "kind") || !strcmp(f, "status")) {
		bool k = f[0] == 'k';

		if (v->kind != N_STRING ||
		    (k ? span_kind_value(v->u.string.str)
		       : span_status_value(v->u.string.str)) < 0)
			diag_error(d, v->loc, "span.%s is one of %s", f,
				   k ? "internal, server, client, producer, "
				       "consumer"
				     : "unset, ok, error");
		return;
	}
	if (w->nset < SPAN_MAX_ATTRS)
		w->set[w->nset++] = f;
	if (!w->collect || span_attr_find(w->s, f))
		return;
	if (w->s->nattrs == SPAN_MAX_ATTRS) {
		diag_error(d, n->loc, "a span has at most %d attributes",
			   SPAN_MAX_ATTRS);
		return;
	}
	w->s->attrs[w->s->nattrs++] = (struct span_attr){f, NULL, n->loc};
}

static void check_get(struct walk *w, struct node *n)
{
	const char *f = field_of(n);
	struct diags *d = &w->ctx->diags;

	if (!strcmp(f, "kind") || !strcmp(f, "status")) {
		diag_error(d, n->loc, "span.%s can be set, not read", f);
	} else if (span_builtin_field(f)) {
		if (w->role == SROLE_BEGIN)
			diag_error(d, n->loc,
				   "span.%s is known in an end "
				   "probe only: the instance exists once "
				   "the begin probe has run",
				   f);
	} else if (!span_attr_find(w->s, f)) {
		diag_error(d, n->loc,
			   "span %s has no field '%s': no begin "
			   "or end probe sets span.%s (its fields: start, "
			   "duration, id, trace_id and what they set)",
			   w->s->name, f, f);
	} else if (w->role == SROLE_BEGIN && !set_before(w, f)) {
		diag_error(d, n->loc,
			   "span.%s is read before it is set in "
			   "this begin probe",
			   f);
	}
}

/* event.NAME (span.eget) or event.NAME = v (span.eset): collected in
 * the first round, checked in the second. */
static void walk_event(struct walk *w, struct node *n, bool set)
{
	struct span_info *s = w->s;
	struct diags *d = &w->ctx->diags;
	const char *f = field_of(n);
	int ev = w->event;

	if (w->collect) {
		if (!set || w->role != SROLE_EVENT || span_eattr_find(s, ev, f))
			return;
		if (s->neattrs[ev] == SPAN_MAX_EVENT_ATTRS) {
			diag_error(d, n->loc,
				   "an event probe sets at most %d event "
				   "attributes",
				   SPAN_MAX_EVENT_ATTRS);
			return;
		}
		if (!s->eattrs[ev])
			s->eattrs[ev] =
			    arena_calloc(w->ctx->arena, SPAN_MAX_EVENT_ATTRS,
					 sizeof(*s->eattrs[ev]));
		s->eattrs[ev][s->neattrs[ev]++] =
		    (struct span_attr){f, NULL, n->loc};
		return;
	}
	if (!set)
		diag_error(d, n->loc,
			   "event.%s can be set, not read: it is an "
			   "attribute of the event this probe adds",
			   f);
	else if (w->role != SROLE_EVENT)
		diag_error(d, n->loc,
			   "event.%s is set in an event probe of a span "
			   "block (this is its %s probe)",
			   f, w->role == SROLE_BEGIN ? "begin" : "end");
}

/* Values before the call: span.x = span.x + 1 reads first. */
static void walk_node(struct walk *w, struct node *n);

static void walk_list(struct walk *w, struct node *n)
{
	for (; n; n = n->next)
		walk_node(w, n);
}

static void walk_node(struct walk *w, struct node *n)
{
	struct node **c[3];
	bool eget = is_call(n, "span.eget"), eset = is_call(n, "span.eset");
	bool get = span_is_get(n), set = is_call(n, "span.set") || eset;

	w->in_for += n->kind == N_FOR;
	if (set)
		walk_list(w, n->u.call.args->next);
	else if (!get) {
		ast_child_slots(n, c);
		for (int i = 0; i < 3; i++)
			if (c[i])
				walk_list(w, *c[i]);
	}
	w->in_for -= n->kind == N_FOR;
	if (w->in_for && !w->collect &&
	    (get || set || is_call(n, "traceparent") ||
	     is_call(n, "thread_parent"))) {
		/* a for loop's body is a function of its own (bpf_loop) */
		diag_error(&w->ctx->diags, n->loc,
			   "span fields, traceparent() and thread_parent() "
			   "cannot be used inside a for loop");
		return;
	}
	if (!get && !set)
		return;
	w->uses = true;
	if (eget || eset) {
		walk_event(w, n, eset);
		return;
	}
	if (w->collect) {
		if (set)
			check_set(w, n);
		return;
	}
	if (w->role == SROLE_EVENT)
		diag_error(&w->ctx->diags, n->loc,
			   "span fields are set and "
			   "read in begin and end probes, not in event "
			   "probes");
	else if (get)
		check_get(w, n);
	else
		w->set[w->nset < SPAN_MAX_ATTRS ? w->nset++ : 0] = field_of(n);
}

static struct node *stmt_call(struct compile_ctx *ctx, struct loc loc,
			      const char *name, struct node *args)
{
	return ast_expr_stmt(ctx->arena, ast_call(ctx->arena, loc, name, args));
}

static struct node *clone_list(struct compile_ctx *ctx, struct node *l)
{
	struct node *head = NULL, *tail = NULL;

	for (; l; l = l->next) {
		struct node *c = ast_clone(ctx->arena, l);

		c->next = NULL;
		if (tail)
			tail->next = c;
		else
			head = c;
		tail = c;
	}
	return head;
}

static bool uses_span(struct compile_ctx *ctx, struct span_info *s,
		      struct node *stmt)
{
	struct walk w = {ctx, s, SROLE_END, true};
	struct node *next = stmt->next;
	int nattrs = s->nattrs;

	stmt->next = NULL;
	walk_node(&w, stmt);
	stmt->next = next;
	s->nattrs = nattrs; /* collected already */
	return w.uses;
}

/* The body with the span calls in place (pass_span.h). */
static void rewrite(struct compile_ctx *ctx, struct span_info *s,
		    struct node *probe, struct node *keys, struct loc kl)
{
	struct node *body = probe->u.probe.body;
	struct node **p = &body->u.block.stmts;
	struct node *key =
	    stmt_call(ctx, kl, "span.key", clone_list(ctx, keys));
	struct loc at = {body->loc.end - 1, body->loc.end};
	enum span_role r = probe->u.probe.span_role;

	if (r == SROLE_BEGIN ||
	    (r == SROLE_EVENT && s->neattrs[probe->u.probe.span_event])) {
		struct node *open = stmt_call(
		    ctx, at, r == SROLE_BEGIN ? "span.open" : "span.eopen",
		    NULL);

		open->next = *p;
		*p = open;
		p = &open->next;
	}
	if (r == SROLE_END) {
		while (*p && !uses_span(ctx, s, *p))
			p = &(*p)->next;
		key->next = *p;
		*p = key;
		while (*p)
			p = &(*p)->next;
		*p = stmt_call(ctx, at, "span.close", NULL);
		return;
	}
	while (*p)
		p = &(*p)->next;
	*p = key;
}

static struct span_info *new_span(struct compile_ctx *ctx, const char *name,
				  struct loc loc)
{
	struct span_info *n =
	    arena_calloc(ctx->arena, ctx->nspans + 1, sizeof(*n));

	if (ctx->nspans)
		memcpy(n, ctx->spans, ctx->nspans * sizeof(*n));
	ctx->spans = n;
	n += ctx->nspans;
	n->name = name;
	n->loc = loc;
	n->idx = ctx->nspans++;
	return n;
}

static const char *event_name(struct compile_ctx *ctx, struct node *probe)
{
	if (probe->u.probe.name)
		return probe->u.probe.name;
	return probe->u.probe.attach->u.attach.raw;
}

/* The probes' roles checked, attributes collected, span uses checked;
 * nbegin/nend counted. */
static void check_probes(struct compile_ctx *ctx, struct span_info *s,
			 struct node *probes, int *nbegin, int *nend)
{
	struct node *p;

	s->first = probes;
	for (p = probes; p; p = p->next) {
		struct walk w = {ctx, s, p->u.probe.span_role, true};

		p->u.probe.span_idx = s->idx;
		w.event = s->nevents;
		*nbegin += w.role == SROLE_BEGIN;
		*nend += w.role == SROLE_END;
		if (w.role == SROLE_EVENT) {
			if (s->nevents == SPAN_MAX_EVENTS) {
				diag_error(&ctx->diags, p->loc,
					   "a span has "
					   "at most %d event probes",
					   SPAN_MAX_EVENTS);
				break;
			}
			p->u.probe.span_event = s->nevents;
			s->events[s->nevents++] = event_name(ctx, p);
		}
		walk_node(&w, p->u.probe.body);
	}
	for (p = probes; p; p = p->next) {
		struct walk w = {ctx, s, p->u.probe.span_role, false};

		w.event = p->u.probe.span_event;
		walk_node(&w, p->u.probe.body);
	}
}

struct node *span_block(struct compile_ctx *ctx, const char *name,
			struct loc loc, struct node *keys, struct loc key_loc,
			struct node *probes)
{
	int errors = ctx->diags.nerrors, nbegin = 0, nend = 0;
	struct span_info *s;
	struct node *p;

	for (int i = 0; i < ctx->nspans; i++)
		if (!strcmp(ctx->spans[i].name, name))
			diag_error(&ctx->diags, loc, "span %s is defined twice",
				   name);
	s = new_span(ctx, name, loc);
	if (!keys)
		diag_error(&ctx->diags, loc,
			   "span %s has no key: write "
			   "key (expr, ...); in it",
			   name);
	else if (ast_list_len(keys) > SPAN_MAX_KEYS)
		diag_error(&ctx->diags, key_loc,
			   "a span key has at most %d "
			   "elements",
			   SPAN_MAX_KEYS);
	check_probes(ctx, s, probes, &nbegin, &nend);
	if (!nbegin || !nend)
		diag_error(&ctx->diags, loc,
			   "span %s needs a begin and an "
			   "end probe",
			   name);
	if (ctx->diags.nerrors > errors)
		return NULL;
	for (p = probes; p; p = p->next)
		rewrite(ctx, s, p, keys, key_loc);
	return probes;
}

/* span("name") at the top of probe's body: the statement, or NULL */
static struct node **span_stmt(struct node *probe)
{
	for (struct node **p = &probe->u.probe.body->u.block.stmts; *p;
	     p = &(*p)->next) {
		struct node *e =
		    (*p)->kind == N_EXPR_STMT ? (*p)->u.expr_stmt.expr : NULL;

		if (e && e->kind == N_CALL && !strcmp(e->u.call.name, "span"))
			return p;
	}
	return NULL;
}

/* (tid, reg("sp") - sub): the frame of this call, the same at its entry
 * and (sub 8: the return address popped) at its return. Each element is
 * wrapped in span.frame(E, i): in a Go function (whose return is a
 * uprobe on a RET, sp as at the entry) the code generator makes it word
 * i of (goid, g.stack.hi - sp) instead, as a latency block keys it:
 * goroutines move between threads and Go copies their stacks. */
static struct node *frame_key(struct compile_ctx *ctx, struct loc loc,
			      uint64_t sub)
{
	struct arena *a = ctx->arena;
	struct node *tid = ast_ident(a, loc, "tid");
	struct node *sp = ast_call(a, loc, "reg", ast_string(a, loc, "sp", 2));
	struct node *k0, *k1;

	if (sub)
		sp = ast_binop(a, loc, OP_SUB, sp, ast_int(a, loc, sub, false));
	tid->next = ast_int(a, loc, 0, false);
	sp->next = ast_int(a, loc, 1, false);
	k0 = ast_call(a, loc, "span.frame", tid);
	k1 = ast_call(a, loc, "span.frame", sp);
	k0->next = k1;
	return k0;
}

/* uprobe:f { span("x"); ... }: the probe begins span x, and a uretprobe
 * on f ends it */
static struct node *function_span(struct compile_ctx *ctx, struct node *p,
				  struct node **stmt)
{
	struct node *call = (*stmt)->u.expr_stmt.expr;
	struct node *arg = call->u.call.args, *at = p->u.probe.attach, *ret;
	const char *raw = at->u.attach.raw, *rest = strchr(raw, ':');
	int nbegin = 0, nend = 0, errors = ctx->diags.nerrors;
	bool uprobe = !strncmp(raw, "uprobe:", 7) || !strncmp(raw, "u:", 2);
	bool kprobe = !strncmp(raw, "kprobe:", 7) || !strncmp(raw, "k:", 2);
	struct span_info *s;

	if (!arg || arg->next || arg->kind != N_STRING) {
		diag_error(&ctx->diags, call->loc,
			   "span() takes the span's "
			   "name, a string literal");
		return NULL;
	}
	if (at->next || (!uprobe && !kprobe) || !rest) {
		diag_error(&ctx->diags, call->loc,
			   "span() makes a call a "
			   "span in a probe with one attach point, a uprobe "
			   "or kprobe at a function's entry");
		return NULL;
	}
	*stmt = (*stmt)->next;
	s = new_span(ctx, arg->u.string.str, call->loc);
	ret = ast_probe(
	    ctx->arena, p->loc,
	    ast_attach(ctx->arena, at->loc,
		       arena_printf(ctx->arena, "%s%s",
				    uprobe ? "uretprobe" : "kretprobe", rest)),
	    NULL, ast_block(ctx->arena, p->u.probe.body->loc, NULL), false);
	p->u.probe.span_role = SROLE_BEGIN;
	ret->u.probe.span_role = SROLE_END;
	p->next = ret;
	check_probes(ctx, s, p, &nbegin, &nend);
	p->next = NULL;
	if (ctx->diags.nerrors > errors)
		return NULL;
	rewrite(ctx, s, p, frame_key(ctx, call->loc, 0), call->loc);
	rewrite(ctx, s, ret, frame_key(ctx, call->loc, 8), call->loc);
	p->next = ret;
	return ret;
}

struct node *span_functions(struct compile_ctx *ctx, struct node *probes)
{
	for (struct node *p = probes, *next; p; p = next) {
		struct node **stmt, *ret;

		next = p->next;
		if (p->u.probe.span_role || !(stmt = span_stmt(p)))
			continue;
		p->next = NULL;
		ret = function_span(ctx, p, stmt);
		if (ret)
			ret->next = next;
		else
			p->next = next;
	}
	return probes;
}
