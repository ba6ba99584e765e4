/* cg_probe.c: the table of the probe kinds' code generation halves
 * (cg_probe.h), keyed by runtime/probes.def, the context reads they
 * share, and args->field through them. */
#include "cg_probe.h"

#define PROBE(id, name, alias, alias2) \
	extern const struct cg_probe cg_kind_##id;
#include "probes.def"
#undef PROBE

static const struct cg_probe *const cg_probes[PK_COUNT] = {
#define PROBE(id, name, alias, alias2) [PK_##id] = &cg_kind_##id,
#include "probes.def"
#undef PROBE
};

const struct cg_probe *cg_probe(enum probe_kind kind)
{
	return cg_probes[kind];
}

const unsigned cg_regs_args[6] = {112, 104, 96, 88, 72, 64};

LLVMValueRef gen_ctx_load(struct gen *g, unsigned off, unsigned size,
			  bool sign)
{
	LLVMValueRef c = gen_probe_ctx(g), i = cg_const(g->cg, 64, off);
	LLVMValueRef p = LLVMBuildGEP2(g->b, cg_int(g->cg, 8), c, &i, 1, "");
	LLVMValueRef v = LLVMBuildLoad2(g->b, cg_int(g->cg, size * 8), p, "");

	LLVMSetVolatile(v, 1);
	if (size == 8)
		return v;
	return sign ? LLVMBuildSExt(g->b, v, cg_int(g->cg, 64), "")
		    : LLVMBuildZExt(g->b, v, cg_int(g->cg, 64), "");
}

LLVMValueRef gen_ctx_word(struct gen *g, unsigned off)
{
	LLVMValueRef p = gen_probe_ctx(g), i = cg_const(g->cg, 64, off);

	if (off)
		p = LLVMBuildGEP2(g->b, cg_int(g->cg, 8), p, &i, 1, "");
	return LLVMBuildLoad2(g->b, cg_int(g->cg, 64), p, "");
}

LLVMValueRef gen_func_ip(struct gen *g)
{
	LLVMValueRef c = gen_probe_ctx(g);

	return cg_helper_call(g->cg, BPF_FUNC_get_func_ip, NULL, &c, 1);
}

LLVMValueRef gen_ctx_field(struct gen *g, struct node *e)
{
	const struct cg_probe *cp = cg_probe(g->kind);
	LLVMValueRef v;

	gen_loc(g, e);
	v = cp->args_field ? cp->args_field(g, e) : NULL;
	if (v)
		return v;
	gen_error(g, e->loc, "Cannot generate code for args->%s in %s probes",
		  e->u.field.name, probe_kind_name(g->kind));
	return cg_const(g->cg, 64, 0);
}
