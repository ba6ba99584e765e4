/* cg_probe_btf.c: the kinds whose context is an array of u64, one per
 * argument of the traced function or tracepoint: fentry, fexit (their
 * args record is the function's BTF prototype, retval the word after the
 * arguments) and rawtracepoint (arg0..N only). A latency block's
 * return program (an fexit) reads the entry's arguments from its own
 * context: the entry program saves only the time (a trampoline's
 * context holds the function's arguments only, and reading past them
 * fails verification). */
#include <string.h>

#include "cg_probe.h"

static LLVMValueRef array_arg(struct gen *g, struct node *e, int n)
{
	return gen_ctx_load(g, n * 8, 8, false);
}

/* the word after the arguments, at a function's return */
static LLVMValueRef after_args(struct gen *g)
{
	struct type *args = gen_args_rec(g);

	return args ? gen_ctx_load(g, args->nfields * 8, 8, false) : NULL;
}

static LLVMValueRef fentry_retval(struct gen *g)
{
	return g->lat_saved ? after_args(g) : NULL;
}

/* args->name: the argument of that name, in its word */
static LLVMValueRef btf_args_field(struct gen *g, struct node *e)
{
	struct type *rec = e->u.field.expr->type;
	uint32_t idx;

	for (idx = 0; idx < rec->nfields; idx++)
		if (!strcmp(rec->fields[idx].name, e->u.field.name))
			break;
	if (idx == rec->nfields)
		return NULL;
	/* also in a latency block's return program: an fexit program,
	 * whose context has the entry's arguments */
	return gen_int_norm(g, gen_ctx_load(g, idx * 8, 8, false), e->type);
}

const struct cg_probe cg_kind_FENTRY = {
	.arg = array_arg,
	.retval = fentry_retval,
	.func = gen_func_ip,
	.args_field = btf_args_field,
	.lat_args_in_ctx = true,
};

const struct cg_probe cg_kind_FEXIT = {
	.arg = array_arg,
	.retval = after_args,
	.func = gen_func_ip,
	.args_field = btf_args_field,
};

const struct cg_probe cg_kind_RAWTRACEPOINT = {
	.arg = array_arg,
};
