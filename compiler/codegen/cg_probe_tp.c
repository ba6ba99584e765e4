/* cg_probe_tp.c: tracepoint programs, whose context is the event's
 * record as its tracefs format describes it. Each program reads its own
 * event's layout (a wildcard's events differ), and notes which fields it
 * reads at which offsets: the runtime checks them against the running
 * kernel's format before loading (an artifact may run elsewhere). */
#include <string.h>

#include "cg_probe.h"

/* A field of this tracepoint's record that the program reads, and where
 * it was when compiled. */
static void note_tp_field(struct gen *g, const struct node *e, uint32_t off,
			  uint32_t size)
{
	struct tp_field_meta **pp = &g->ep->tp_fields;

	for (; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->name, e->u.field.name))
			return;
	*pp = arena_calloc(g->ctx->arena, 1, sizeof(**pp));
	(*pp)->name = e->u.field.name;
	(*pp)->offset = off;
	(*pp)->size = size;
	(*pp)->loc = e->loc;
}

/* __data_loc and __rel_loc fields: the data's address, from the u32
 * (offset | length << 16) the record holds */
static LLVMValueRef dynamic_field(struct gen *g, const struct field *f,
				  uint32_t off)
{
	LLVMValueRef v = gen_ctx_load(g, off, 4, false);

	v = LLVMBuildAnd(g->b, v, cg_const(g->cg, 64, 0xffff), "");
	if (f->dyn_loc == FIELD_REL_LOC)
		v = LLVMBuildAdd(g->b, v, cg_const(g->cg, 64, off + 4), "");
	return LLVMBuildAdd(g->b,
			    LLVMBuildPtrToInt(g->b, gen_probe_ctx(g),
					      cg_int(g->cg, 64), "ctx"),
			    v, "data");
}

/* args->name of a tracepoint: a scalar loaded, anything else copied */
static LLVMValueRef tp_args_field(struct gen *g, struct node *e)
{
	const struct field *f;
	uint32_t off = 0;
	LLVMValueRef v, src, i;

	f = gen_args_rec(g) ? type_field(gen_args_rec(g), e->u.field.name,
					 &off)
			    : NULL;
	if (!f) {
		gen_error(g, e->loc, "Cannot generate code for args->%s",
			  e->u.field.name);
		return cg_const(g->cg, 64, 0);
	}
	note_tp_field(g, e, off, f->dyn_loc != FIELD_PLAIN ? 4 :
		      f->type->size);
	if (f->dyn_loc != FIELD_PLAIN)
		return dynamic_field(g, f, off);
	if (gen_is_scalar(f->type)) {
		v = gen_ctx_load(g, off, f->type->size ? f->type->size : 8,
				 f->type->is_signed);
		return gen_int_norm(g, v, e->type);
	}
	v = gen_tmp(g, e->type->size, "field");
	i = cg_const(g->cg, 64, off);
	src = LLVMBuildGEP2(g->b, cg_int(g->cg, 8), gen_probe_ctx(g), &i, 1,
			    "");
	cg_probe_read(g->cg, CG_KERNEL, v,
		      cg_const(g->cg, 32,
			       f->type->size < e->type->size ? f->type->size
							     : e->type->size),
		      src);
	return v;
}

const struct cg_probe cg_kind_TRACEPOINT = {
	.args_field = tp_args_field,
};
