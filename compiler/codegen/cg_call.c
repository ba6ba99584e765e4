/* cg_call.c: calls of functions. Each row of the function tables
 * (compiler/builtins.h) names its code generator (compiler/funcs.def);
 * this is the back end's table of them, keyed by that list, each one
 * defined at the end of its family's file (cg_action.c, cg_agg.c,
 * cg_func.c, cg_misc.c). */
#include "builtins.h"
#include "gen.h"

#define FUNC_GEN(id) extern const struct cg_func cg_func_##id;
#include "funcs.def"
#undef FUNC_GEN

static const struct cg_func *const cg_funcs[FG_COUNT] = {
	[FG_NONE] = NULL, /* the row's check refuses every use */
#define FUNC_GEN(id) [FG_##id] = &cg_func_##id,
#include "funcs.def"
#undef FUNC_GEN
};

static const struct cg_func *func_gen(const struct node *call)
{
	const struct func *f = call->u.call.func;

	return f && (unsigned)f->gen < FG_COUNT ? cg_funcs[f->gen] : NULL;
}

/* A value, or a statement: then 0, never used. */
LLVMValueRef gen_call(struct gen *g, struct node *e)
{
	const struct cg_func *cf = func_gen(e);
	LLVMValueRef v;

	if (!cf || !cf->call) {
		gen_error(g, e->loc, "Cannot generate code for %s() yet",
			  e->u.call.name);
		return cg_const(g->cg, 64, 0);
	}
	v = cf->call(g, e);
	return v ? v : cg_const(g->cg, 64, 0);
}

void gen_agg_call(struct gen *g, struct node *m, struct node *call)
{
	const struct cg_func *cf = func_gen(call);

	if (!cf || !cf->agg) {
		gen_error(g, call->loc, "Cannot generate code for %s() yet",
			  call->u.call.name);
		return;
	}
	cf->agg(g, m, call);
}
