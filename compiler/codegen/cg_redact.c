/* cg_redact.c: redact(s [, "classes"]) (compiler/funcs_redact.c): a
 * string of the argument's size and three bytes more, the mark
 * (runtime/redact.h: REDACT_MARK, then the classes in two bytes of 7
 * bits with the top bit set) and the argument's bytes. User space does
 * the rest. The file ends in the cg_func generator of that row
 * (funcs.def). */
#include "gen.h"
#include "redact.h"

static LLVMValueRef byte_at(struct gen *g, LLVMValueRef p, uint64_t off)
{
	LLVMValueRef i = cg_const(g->cg, 64, off);

	return LLVMBuildGEP2(g->b, cg_int(g->cg, 8), p, &i, 1, "");
}

static LLVMValueRef redact(struct gen *g, struct node *e)
{
	struct node *s = e->u.call.args, *c = s->next;
	uint32_t size = e->type->size, mask = 0, n;
	const char *bad;
	size_t badlen;
	LLVMValueRef buf, v;

	/* the check parsed the classes already */
	if (c && c->kind == N_STRING)
		redact_parse(c->u.string.str, &mask, &bad, &badlen);
	v = gen_expr(g, s);
	buf = gen_tmp(g, size, "redact");
	LLVMBuildStore(g->b, cg_const(g->cg, 8, REDACT_MARK), buf);
	LLVMBuildStore(g->b, cg_const(g->cg, 8, 0x80 | (mask & 0x7f)),
		       byte_at(g, buf, 1));
	LLVMBuildStore(g->b, cg_const(g->cg, 8, 0x80 | (mask >> 7 & 0x7f)),
		       byte_at(g, buf, 2));
	n = s->type->size < size - REDACT_MARK_LEN ? s->type->size
						   : size - REDACT_MARK_LEN;
	LLVMBuildMemCpy(g->b, byte_at(g, buf, REDACT_MARK_LEN), 1, v, 1,
			cg_const(g->cg, 64, n));
	return buf;
}

const struct cg_func cg_func_REDACT = {.call = redact};
