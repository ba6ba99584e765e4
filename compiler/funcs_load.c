/* Load management in the language (runtime/loadguard.h):
 * - sample(N): true for 1 event in N, counted per CPU at each call site
 *   of each program (exactly 1 in N of the events one CPU sees: the
 *   1st, the N+1st...; no random numbers). As a condition it is a bool;
 *   as a statement of its own at the top of a probe's block, the rest of
 *   the block runs for 1 event in N only.
 * - rate_limit(N): as the first statement of a probe's block, that
 *   probe's rate limit (events per second, as config rate_limit, which
 *   it overrides), checked at the probe's entry, once its predicate
 *   passed.
 * Both arguments are integer literals. Code: compiler/codegen/cg_gate.c. */
#include "funcs.h"

#include <stdint.h>
#include <string.h>

#include "probe.h"

#define SAMPLE_MAX 2147483647LL

struct find_stmt {
	const struct node *call;
	const struct node *stmt; /* the N_EXPR_STMT of call, or NULL */
};

static bool find_stmt(struct node *n, void *arg)
{
	struct find_stmt *f = arg;

	if (n->kind == N_EXPR_STMT && n->u.expr_stmt.expr == f->call)
		f->stmt = n;
	return !f->stmt;
}

/* The statement that is call alone, or NULL; *top: one of the probe
 * block's own statements (not nested). */
static const struct node *own_stmt(struct node *probe, const struct node *call,
				   bool *top)
{
	struct find_stmt f = {.call = call};
	struct node *body = probe ? probe->u.probe.body : NULL;

	*top = false;
	if (!body)
		return NULL;
	ast_walk(body, find_stmt, &f);
	for (struct node *s = body->u.block.stmts; f.stmt && s; s = s->next)
		if (s == f.stmt)
			*top = true;
	return f.stmt;
}

static bool literal_in(struct compile_ctx *ctx, struct node *call, int64_t max,
		       int64_t *v)
{
	if (!fn_int_literal(ctx, call, 0, v))
		return false;
	if (*v >= 1 && *v <= max)
		return true;
	diag_error(&ctx->diags, fn_arg(call, 0)->loc,
		   "%s() takes a number from 1 to %lld (%lld provided)",
		   call->u.call.name, (long long)max, (long long)*v);
	return false;
}

static struct type *check_sample(struct compile_ctx *ctx, struct node *call,
				 struct node *probe)
{
	int64_t n;
	bool top;

	if (!literal_in(ctx, call, SAMPLE_MAX, &n))
		return NULL;
	if (own_stmt(probe, call, &top) && !top) {
		diag_error(&ctx->diags, call->loc,
			   "sample() as a statement ends the probe for the "
			   "other events: write it among the probe's own "
			   "statements, or test it (if (sample(N)) { ... })");
		return NULL;
	}
	return type_bool();
}

static bool special_probe(const struct node *probe)
{
	for (struct node *a = probe->u.probe.attach; a; a = a->next) {
		const struct attach_point *ap = a->u.attach.ap;

		if (ap && (ap->kind == PK_BEGIN || ap->kind == PK_END ||
			   ap->kind == PK_ITER || ap->kind == PK_SELF))
			return true;
	}
	return false;
}

static struct type *check_rate_limit(struct compile_ctx *ctx, struct node *call,
				     struct node *probe)
{
	struct node *body = probe ? probe->u.probe.body : NULL;
	struct node *first = body ? body->u.block.stmts : NULL;
	int64_t n;

	if (!literal_in(ctx, call, UINT32_MAX, &n))
		return NULL;
	if (!first || first->kind != N_EXPR_STMT ||
	    first->u.expr_stmt.expr != call) {
		diag_error(&ctx->diags, call->loc,
			   "rate_limit() sets its probe's limit: it must be "
			   "the first statement of the probe's block");
		return NULL;
	}
	if (special_probe(probe)) {
		diag_error(&ctx->diags, call->loc,
			   "rate_limit() limits the events of probes that "
			   "fire: not of BEGIN, END, iter or self");
		return NULL;
	}
	return type_none();
}

const struct func funcs_load[] = {
    {"sample", 1, 1, 0, check_sample, FG_SAMPLE},
    {"rate_limit", 1, 1, FN_STMT, check_rate_limit, FG_RATE_LIMIT},
    {NULL},
};

uint32_t funcs_probe_rate_limit(const struct node *probe)
{
	const struct node *body = probe->u.probe.body;
	const struct node *s = body ? body->u.block.stmts : NULL;
	const struct node *c =
	    s && s->kind == N_EXPR_STMT ? s->u.expr_stmt.expr : NULL;
	int64_t v;

	if (c && c->kind == N_CALL && !strcmp(c->u.call.name, "rate_limit") &&
	    fn_const_int(c->u.call.args, &v) && v >= 1 && v <= UINT32_MAX)
		return (uint32_t)v;
	return 0;
}
