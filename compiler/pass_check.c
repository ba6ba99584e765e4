/* The check pass: reads the typed AST (after pass_types) and enforces the
 * rules that are about the program's shape rather than types: break and
 * continue only inside loops, not reaching into a block expression (a
 * return inside a for loop's callback stops the loop and then the
 * probe), and the latency form of SPEC 3.2: a probe whose attach points
 * are all function entries and that uses elapsed or retval gets
 * u.probe.at_return = true; mixing entries with other attach points then
 * is an error. It also warns about variables assigned but never read and
 * statements after a return. After it, the program is ready for codegen. */
#include <errno.h>
#include <string.h>

#include "builtins.h"
#include "compile.h"
#include "probe.h"

struct cstate {
	struct compile_ctx *ctx;
	int loops;          /* enclosing while/unroll/for loops */
	int for_loops;      /* of which for loops */
};

static void ck_stmt(struct cstate *c, struct node *n);

static const char *jump_name(enum jump_kind k)
{
	return k == JUMP_BREAK ? "break" : k == JUMP_CONTINUE ? "continue"
							      : "return";
}

static void ck_jump(struct cstate *c, struct node *n)
{
	enum jump_kind k = n->u.jump.kind;

	if (k != JUMP_RETURN && !c->loops)
		diag_error(&c->ctx->diags, n->loc,
			   "'%s' used outside of a loop", jump_name(k));
}

static void ck_block(struct cstate *c, struct node *block)
{
	for (struct node *n = block ? block->u.block.stmts : NULL; n;
	     n = n->next) {
		ck_stmt(c, n);
		if (n->kind == N_JUMP && n->next) {
			diag_warning(&c->ctx->diags, n->next->loc,
				     "Code after '%s' is unreachable",
				     jump_name(n->u.jump.kind));
			return;
		}
	}
}

/* Block expressions inside an expression: their statements are checked
 * like any other, but a loop around them does not reach into them (a
 * break there would leave the expression half evaluated). */
static bool find_block_expr(struct node *n, void *arg)
{
	struct cstate *c = arg;

	if (n->kind != N_BLOCK_EXPR)
		return true;
	struct cstate inner = { .ctx = c->ctx };

	for (struct node *s = n->u.block_expr.block->u.block.stmts; s;
	     s = s->next)
		ck_stmt(&inner, s);
	ast_walk(n->u.block_expr.value, find_block_expr, c);
	return false;
}

static void ck_exprs(struct cstate *c, struct node *e)
{
	ast_walk(e, find_block_expr, c);
}

static void ck_loop(struct cstate *c, struct node *body, bool is_for)
{
	c->loops++;
	c->for_loops += is_for;
	ck_block(c, body);
	c->loops--;
	c->for_loops -= is_for;
}

static void ck_stmt(struct cstate *c, struct node *n)
{
	switch (n->kind) {
	case N_BLOCK:
		ck_block(c, n);
		break;
	case N_IF:
		ck_block(c, n->u.if_.then);
		if (n->u.if_.else_)
			ck_stmt(c, n->u.if_.else_);
		break;
	case N_WHILE:
	case N_UNROLL:
		ck_loop(c, n->u.loop.body, false);
		break;
	case N_FOR:
		ck_loop(c, n->u.for_.body, true);
		break;
	case N_JUMP:
		ck_jump(c, n);
		break;
	case N_EXPR_STMT:
		ck_exprs(c, n->u.expr_stmt.expr);
		break;
	case N_ASSIGN:
		ck_exprs(c, n->u.assign.value);
		break;
	case N_LET:
		ck_exprs(c, n->u.let.value);
		break;
	default:
		break;
	}
}

/* ---- the latency form ---- */

struct latency_use {
	struct node *first;  /* first elapsed/retval */
};

static bool find_latency(struct node *n, void *arg)
{
	struct latency_use *u = arg;

	if (n->kind == N_IDENT && n->u.ident.builtin && !u->first &&
	    (n->u.ident.builtin->id == B_ELAPSED ||
	     n->u.ident.builtin->id == B_RETVAL))
		u->first = n;
	return !u->first;
}

static bool find_sarg(struct node *n, void *arg)
{
	struct node **first = arg;

	if (n->kind == N_IDENT && n->u.ident.builtin && !*first &&
	    n->u.ident.builtin->id == B_SARG)
		*first = n;
	return !*first;
}

/* The return program saves the register arguments at the entry, not
 * the stack ones: the callee's stack frame is gone at its return. */
static void ck_latency_sarg(struct cstate *c, struct node *probe,
			    const struct node *use)
{
	struct node *sarg = NULL;

	if (probe->u.probe.pred)
		ast_walk(probe->u.probe.pred, find_sarg, &sarg);
	if (!sarg)
		ast_walk(probe->u.probe.body, find_sarg, &sarg);
	if (!sarg)
		return;
	diag_error(&c->ctx->diags, sarg->loc,
		   "%s cannot be used where %s makes the block run when the "
		   "function returns: the stack arguments are gone then",
		   sarg->u.ident.name, use->u.ident.name);
	diag_note(&c->ctx->diags, use->loc, "%s used here",
		  use->u.ident.name);
}

static bool ap_is_entry(const struct node *attach)
{
	const struct attach_point *ap = attach->u.attach.ap;
	const struct probe_provider *p = ap ? probe_provider(ap->kind) : NULL;

	return p && (p->flags & PF_ENTRY);
}

static void ck_latency(struct cstate *c, struct node *probe)
{
	struct latency_use u = { NULL };
	struct node *entry = NULL, *other = NULL;

	if (probe->u.probe.pred)
		ast_walk(probe->u.probe.pred, find_latency, &u);
	if (!u.first)
		ast_walk(probe->u.probe.body, find_latency, &u);
	if (!u.first)
		return;
	for (struct node *a = probe->u.probe.attach; a; a = a->next) {
		if (ap_is_entry(a))
			entry = entry ? entry : a;
		else
			other = other ? other : a;
	}
	if (entry && !other) {
		probe->u.probe.at_return = true;
		ck_latency_sarg(c, probe, u.first);
	} else if (entry) {
		diag_error(&c->ctx->diags, u.first->loc,
			   "%s in a function entry probe means the call's "
			   "%s, but '%s' is not a function entry: put it in a "
			   "probe of its own", u.first->u.ident.name,
			   u.first->u.ident.builtin->id == B_ELAPSED
				   ? "duration" : "return value",
			   other->u.attach.raw);
		diag_note(&c->ctx->diags, entry->loc,
			  "function entry attach point here");
	}
}

/* ---- warnings ---- */

/* A call's result put in a variable that is never read is the idiom
 * that keeps a call for its effect and drops its value (0.26's runqlat.bt:
 * $ignore = delete(@qtime, pid)): no warning for that. */
static bool keeps_a_call(const struct node *site)
{
	return site->kind == N_ASSIGN && !site->u.assign.compound &&
	       site->u.assign.value && site->u.assign.value->kind == N_CALL;
}

static void ck_unused_vars(struct cstate *c)
{
	for (struct var_info *v = c->ctx->vars; v; v = v->next) {
		if (v->read || v->loop_var || !v->site || keeps_a_call(v->site))
			continue;
		/* one warning per name and probe: its first assignment */
		bool seen = false;

		for (struct var_info *w = c->ctx->vars; w != v; w = w->next)
			if (w->probe == v->probe && !strcmp(w->name, v->name))
				seen = true;
		if (!seen)
			diag_warning(&c->ctx->diags, v->site->loc,
				     "Variable %s is assigned but never used",
				     v->name);
	}
}

int pass_check(struct compile_ctx *ctx)
{
	struct cstate c = { .ctx = ctx };

	if (!ctx->ast)
		return 0;
	for (struct node *p = ctx->ast->u.program.probes; p; p = p->next) {
		ck_block(&c, p->u.probe.body);
		ck_latency(&c, p);
	}
	ck_unused_vars(&c);
	return diag_has_errors(&ctx->diags) ? -EINVAL : 0;
}
