/* cg_stmt.c: statements to IR: assignments (plain and compound) to
 * scratch variables and maps, aggregations, if/else, while with break and
 * continue, unroll, return. Scratch variables are zeroed stack slots
 * made in the probe's entry block. */
#include <string.h>

#include "builtins.h"
#include "cg_impl.h"
#include "gen.h"

static struct type *var_type(struct gen *g, const struct node *var,
			     struct type *t)
{
	const struct var_info *d = var->u.var.decl;

	if (d)
		return d->type ? d->type : t;
	for (struct var_info *v = g->ctx->vars; v; v = v->next)
		if (v->probe == g->probe && !strcmp(v->name, var->u.var.name) &&
		    v->type)
			return v->type;
	return t;
}

/* An empty asm that takes the slot's address: the optimizer must keep
 * a string or tuple variable in its stack slot. Otherwise SROA splits it
 * into a register per byte, the backend spills them all, and a few
 * string variables exceed the 512 bytes of BPF stack. */
void gen_pin(struct gen *g, LLVMValueRef slot)
{
	static char cons[] = "r,~{memory}";
	LLVMTypeRef p = cg_ptr(g->cg);
	LLVMTypeRef ft = LLVMFunctionType(LLVMVoidTypeInContext(
					      cg_context(g->cg)),
					  &p, 1, 0);
	LLVMValueRef a = LLVMGetInlineAsm(ft, "", 0, cons, sizeof(cons) - 1,
					  1, 0, LLVMInlineAsmDialectATT, 0);

	LLVMBuildCall2(g->cg->alloca_b, ft, a, &slot, 1, "");
}

struct gen_var *gen_var_get(struct gen *g, const struct node *var,
			    struct type *t)
{
	const char *name = var->u.var.name;
	const struct var_info *decl = var->u.var.decl;
	struct gen_var *v;
	LLVMTypeRef ty;
	struct cg *cg = g->cg;
	uint32_t n;

	for (v = g->vars; v; v = v->next)
		if (decl ? v->decl == decl : !strcmp(v->name, name))
			return v;
	v = arena_calloc(g->ctx->arena, 1, sizeof(*v));
	v->name = name;
	v->decl = decl;
	v->type = var_type(g, var, t);
	n = (gen_size(v->type) + 7) & ~7u;
	ty = LLVMArrayType(cg_int(cg, 8), n ? n : 8);
	v->slot = cg_alloca(cg, ty, name);
	LLVMSetAlignment(v->slot, 8);
	/* zeroed once, at the start: every path may read it */
	LLVMSetAlignment(LLVMBuildStore(cg->alloca_b, LLVMConstNull(ty),
					v->slot),
			 8);
	if (!gen_is_scalar(v->type))
		gen_pin(g, v->slot);
	v->next = g->vars;
	g->vars = v;
	return v;
}

void gen_return_now(struct gen *g)
{
	if (g->for_stop) {
		/* in a for loop's callback: stop the iteration (1) and tell
		 * the code after the loop to return too */
		LLVMBuildStore(g->b, cg_const(g->cg, 64, 1), g->for_stop);
		cg_return(g->cg, 1);
	} else {
		cg_return(g->cg, 0);
	}
	LLVMPositionBuilderAtEnd(g->b, gen_block(g, "after_return"));
}

static bool is_agg_call(const struct node *v)
{
	return v->kind == N_CALL && v->u.call.func &&
	       (v->u.call.func->flags & FN_AGG);
}

/* $x = *p of a struct or an array: read straight into $x (a copy would
 * take the stack twice) */
static bool read_into_var(struct gen *g, struct node *t, struct node *v)
{
	struct gen_var *var;

	if (t->kind != N_VAR || gen_is_scalar(v->type))
		return false;
	var = gen_var_get(g, t, t->type);
	return gen_bytes_as_is(var->type, v->type, gen_size(var->type)) &&
	       gen_read_into(g, var->slot, v);
}

static void assign(struct gen *g, struct node *s)
{
	struct node *t = s->u.assign.target, *v = s->u.assign.value;
	LLVMValueRef val;

	if (t->kind == N_MAP && is_agg_call(v)) {
		gen_agg_call(g, t, v);
		return;
	}
	if (!s->u.assign.compound && read_into_var(g, t, v))
		return;
	if (s->u.assign.compound) {
		LLVMValueRef old = gen_expr(g, t), r = gen_expr(g, v);

		if (t->type->kind == T_PTR && v->type->kind != T_PTR &&
		    (s->u.assign.op == OP_ADD || s->u.assign.op == OP_SUB))
			r = gen_ptr_step(g, t->type, r);
		val = gen_arith(g, s->u.assign.op, false, old, r);
		val = gen_int_norm(g, val, t->type);
	} else {
		val = gen_expr(g, v);
	}
	if (t->kind == N_VAR) {
		struct gen_var *var = gen_var_get(g, t, t->type);

		gen_store(g, var->slot, var->type, true, val, v->type);
	} else if (t->kind == N_MAP) {
		gen_map_write(g, t, val, s->u.assign.compound ? t->type
							       : v->type);
	} else {
		gen_error(g, s->loc,
			  "Cannot generate code for assignment to %s",
			  ast_kind_name(t->kind));
	}
}

static void stmt(struct gen *g, struct node *s);

/* let $x [= value]: without a value, $x is zero again each time */
static void let_stmt(struct gen *g, struct node *s)
{
	struct node *var = s->u.let.var, *value = s->u.let.value;
	struct gen_var *v =
	    gen_var_get(g, var, var->type ? var->type : type_s64());
	struct node as = {.kind = N_ASSIGN, .loc = s->loc};

	if (!value) {
		LLVMBuildMemSet(g->b, v->slot, cg_const(g->cg, 8, 0),
				cg_const(g->cg, 64, gen_size(v->type)), 8);
		return;
	}
	as.u.assign.target = var;
	as.u.assign.value = value;
	assign(g, &as);
}

static void if_stmt(struct gen *g, struct node *s)
{
	LLVMBasicBlockRef yes = gen_block(g, "if_then");
	LLVMBasicBlockRef no = gen_block(g, "if_else");
	LLVMBasicBlockRef done = gen_block(g, "if_done");

	LLVMBuildCondBr(g->b, gen_cond(g, s->u.if_.cond), yes, no);
	LLVMPositionBuilderAtEnd(g->b, yes);
	gen_block_stmts(g, s->u.if_.then);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, no);
	if (s->u.if_.else_)
		stmt(g, s->u.if_.else_);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

static void while_stmt(struct gen *g, struct node *s)
{
	LLVMBasicBlockRef cond = gen_block(g, "while_cond");
	LLVMBasicBlockRef body = gen_block(g, "while_body");
	LLVMBasicBlockRef done = gen_block(g, "while_done");
	LLVMBasicBlockRef brk = g->brk, cont = g->cont;

	LLVMBuildBr(g->b, cond);
	LLVMPositionBuilderAtEnd(g->b, cond);
	LLVMBuildCondBr(g->b, gen_cond(g, s->u.loop.cond), body, done);
	LLVMPositionBuilderAtEnd(g->b, body);
	g->brk = done;
	g->cont = cond;
	gen_block_stmts(g, s->u.loop.body);
	g->brk = brk;
	g->cont = cont;
	LLVMBuildBr(g->b, cond);
	LLVMPositionBuilderAtEnd(g->b, done);
}

static void unroll(struct gen *g, struct node *s)
{
	struct node *c = s->u.loop.cond;
	int64_t n = c->kind == N_INT ? (int64_t)c->u.integer.value : 0;

	for (int64_t i = 0; i < n && i < 100; i++)
		gen_block_stmts(g, s->u.loop.body);
}

static void jump(struct gen *g, struct node *s)
{
	LLVMBasicBlockRef to = s->u.jump.kind == JUMP_BREAK ? g->brk : g->cont;

	if (s->u.jump.kind == JUMP_RETURN || !to) {
		gen_return_now(g);
		return;
	}
	LLVMBuildBr(g->b, to);
	LLVMPositionBuilderAtEnd(g->b, gen_block(g, "after_jump"));
}

void gen_end_temps(struct gen *g, int mark)
{
	for (int i = mark; i < g->ntemps; i++)
		cg_lifetime_end(g->cg, g->temps[i]);
	g->ntemps = mark;
}

static void stmt1(struct gen *g, struct node *s);

static void stmt(struct gen *g, struct node *s)
{
	int mark = g->ntemps;

	stmt1(g, s);
	gen_end_temps(g, mark);
}

static void stmt1(struct gen *g, struct node *s)
{
	gen_loc(g, s);
	switch (s->kind) {
	case N_BLOCK:
		gen_block_stmts(g, s);
		break;
	case N_EXPR_STMT:
		gen_expr(g, s->u.expr_stmt.expr);
		break;
	case N_ASSIGN:
		assign(g, s);
		break;
	case N_IF:
		if_stmt(g, s);
		break;
	case N_WHILE:
		while_stmt(g, s);
		break;
	case N_UNROLL:
		unroll(g, s);
		break;
	case N_JUMP:
		jump(g, s);
		break;
	case N_LET:
		let_stmt(g, s);
		break;
	case N_FOR:
		gen_for(g, s);
		break;
	default:
		gen_error(g, s->loc, "Cannot generate code for %s statements",
			  ast_kind_name(s->kind));
		break;
	}
}

void gen_block_stmts(struct gen *g, struct node *block)
{
	if (!block)
		return;
	if (block->kind != N_BLOCK) {
		stmt(g, block);
		return;
	}
	for (struct node *s = block->u.block.stmts; s; s = s->next)
		stmt(g, s);
}
