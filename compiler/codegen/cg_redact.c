/* cg_redact.c: redact(s [, "classes"]) (compiler/funcs_redact.c): a
 * string of the argument's size and three bytes more, the mark
 * (runtime/redact.h: REDACT_MARK, then the classes in two bytes of 7
 * bits with the top bit set) and the argument's bytes. User space does
 * the rest. The file ends in the cg_func generator of that row
 * (funcs.def). */
#include <string.h>

#include "gen.h"
#include "redact.h"

static LLVMValueRef byte_at(struct gen *g, LLVMValueRef p, uint64_t off)
{
	LLVMValueRef i = cg_const(g->cg, 64, off);

	return LLVMBuildGEP2(g->b, cg_int(g->cg, 8), p, &i, 1, "");
}

/* str(p [, n]) of an address: read straight after the mark */
static bool read_str(struct gen *g, struct node *s, LLVMValueRef dst,
		     uint32_t size)
{
	struct node *p, *n;

	if (s->kind != N_CALL || strcmp(s->u.call.name, "str"))
		return false;
	p = s->u.call.args;
	n = p->next;
	if (!gen_is_scalar(p->type))
		return false;
	gen_loc(g, s);
	cg_probe_read_str(
	    g->cg, gen_space(g, p->type), dst, gen_bounded_len(g, n, 1, size),
	    LLVMBuildIntToPtr(g->b, gen_expr(g, p), cg_ptr(g->cg), ""));
	return true;
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
	/* in a slot of a per-CPU map, not on the 512 bytes of stack */
	buf = gen_proto_slot(g, size);
	LLVMBuildStore(g->b, cg_const(g->cg, 8, REDACT_MARK), buf);
	LLVMBuildStore(g->b, cg_const(g->cg, 8, 0x80 | (mask & 0x7f)),
		       byte_at(g, buf, 1));
	LLVMBuildStore(g->b, cg_const(g->cg, 8, 0x80 | (mask >> 7 & 0x7f)),
		       byte_at(g, buf, 2));
	n = size - REDACT_MARK_LEN;
	if (read_str(g, s, byte_at(g, buf, REDACT_MARK_LEN), n))
		return buf;
	v = gen_expr(g, s);
	if (s->type->size < n)
		n = s->type->size;
	LLVMBuildMemCpy(g->b, byte_at(g, buf, REDACT_MARK_LEN), 1, v, 1,
			cg_const(g->cg, 64, n));
	return buf;
}

const struct cg_func cg_func_REDACT = {.call = redact};
