/* cg_ops.c: operators to IR: arithmetic and bitwise operators with the
 * signedness of their types, comparisons (strings through et_strncmp;
 * structs, arrays and buf()s whole, through et_memneq),
 * && and || with short-circuit, the ternary, unary operators and
 * ++/-- on variables and maps. */
#include <string.h>

#include "gen.h"

/* The w bytes (1, 2, 4 or 8) at b as a load of them reads them ("bpf"
 * is the host's byte order). */
static uint64_t bytes_int(const char *b, unsigned w)
{
	uint8_t v1;
	uint16_t v2;
	uint32_t v4;
	uint64_t v8;

	switch (w) {
	case 1: memcpy(&v1, b, 1); return v1;
	case 2: memcpy(&v2, b, 2); return v2;
	case 4: memcpy(&v4, b, 4); return v4;
	default: memcpy(&v8, b, 8); return v8;
	}
}

/* s == lit (a string literal) as et_strncmp over n bytes decides it,
 * without its byte loop: the first min(n, strlen(lit) + 1) bytes of s
 * equal the literal's and its NUL; compared a word at a time, the
 * differences or-ed together (i1: equal). */
static LLVMValueRef str_eq_lit(struct gen *g, struct node *s,
			       const struct node *lit, uint32_t n)
{
	uint32_t m = strnlen(lit->u.string.str, lit->u.string.len) + 1, w;
	LLVMValueRef p = gen_expr(g, s), acc = cg_const(g->cg, 64, 0), v, i;
	char *k;

	m = m < n ? m : n;
	k = arena_calloc(g->ctx->arena, 1, m + 8);
	memcpy(k, lit->u.string.str,
	       m < lit->u.string.len ? m : lit->u.string.len);
	for (uint32_t off = 0; off < m; off += w) {
		w = m - off >= 8 ? 8 : m - off >= 4 ? 4 : m - off >= 2 ? 2 : 1;
		i = cg_const(g->cg, 64, off);
		v = LLVMBuildLoad2(g->b, cg_int(g->cg, w * 8),
				   LLVMBuildGEP2(g->b, cg_int(g->cg, 8), p, &i,
						 1, ""), "");
		LLVMSetAlignment(v, 1);
		v = LLVMBuildXor(g->b, v,
				 cg_const(g->cg, w * 8, bytes_int(k + off, w)),
				 "");
		if (w < 8)
			v = LLVMBuildZExt(g->b, v, cg_int(g->cg, 64), "");
		acc = LLVMBuildOr(g->b, acc, v, "");
	}
	return LLVMBuildICmp(g->b, LLVMIntEQ, acc, cg_const(g->cg, 64, 0),
			     "streq");
}

static LLVMValueRef str_cmp(struct gen *g, struct node *e)
{
	struct node *l = e->u.binop.lhs, *r = e->u.binop.rhs;
	uint32_t n = l->type->size < r->type->size ? l->type->size
						    : r->type->size;
	LLVMValueRef a[3], c;

	if (n && l->type->kind == T_STRING && r->type->kind == T_STRING &&
	    (l->kind == N_STRING || r->kind == N_STRING)) {
		c = l->kind == N_STRING ? str_eq_lit(g, r, l, n)
					: str_eq_lit(g, l, r, n);
		if (e->u.binop.op == OP_NE)
			c = LLVMBuildNot(g->b, c, "");
		return LLVMBuildZExt(g->b, c, cg_int(g->cg, 64), "");
	}
	a[0] = gen_expr(g, l);
	a[1] = gen_expr(g, r);
	a[2] = cg_const(g->cg, 64, n);
	gen_loc(g, e);
	c = cg_libcall(g->cg, "et_strncmp", a, 3);
	if (!c) {
		gen_error(g, e->loc, "%s", cg_strerror(g->cg));
		return cg_const(g->cg, 64, 0);
	}
	c = LLVMBuildICmp(g->b, e->u.binop.op == OP_EQ ? LLVMIntEQ : LLVMIntNE,
			  c, cg_const(g->cg, 64, 0), "");
	return LLVMBuildZExt(g->b, c, cg_int(g->cg, 64), "");
}

/* == or != (e's operator) of the n bytes at a and b: et_memneq */
static LLVMValueRef memneq_cmp(struct gen *g, struct node *e, LLVMValueRef a,
			       LLVMValueRef b, uint32_t n)
{
	LLVMValueRef args[3] = { a, b, cg_const(g->cg, 64, n) }, c;

	c = cg_libcall(g->cg, "et_memneq", args, 3);
	if (!c) {
		gen_error(g, e->loc, "%s", cg_strerror(g->cg));
		return cg_const(g->cg, 64, 0);
	}
	if (e->u.binop.op == OP_EQ)
		c = LLVMBuildXor(g->b, c, cg_const(g->cg, 64, 1), "");
	return c;
}

/* == and != of values compared byte for byte: structs, arrays, and buf()s
 * (their length, then their bytes, which are zero after it) */
static LLVMValueRef bytes_cmp(struct gen *g, struct node *e)
{
	struct node *l = e->u.binop.lhs, *r = e->u.binop.rhs;
	uint32_t n = gen_size(l->type) < gen_size(r->type) ? gen_size(l->type)
							   : gen_size(r->type);
	LLVMValueRef a = gen_expr(g, l);

	return memneq_cmp(g, e, a, gen_expr(g, r), n);
}

/* == and != of tuples and records: both sides converted to the type
 * they compare in (types.h), in zeroed buffers, then their bytes */
static LLVMValueRef tuple_cmp(struct gen *g, struct node *e)
{
	struct node *l = e->u.binop.lhs, *r = e->u.binop.rhs;
	struct type *t = type_tuple_common(g->ctx->arena, l->type, r->type);
	LLVMValueRef a, b;

	if (!t) {
		gen_error(g, e->loc, "Cannot compare these tuples");
		return cg_const(g->cg, 64, 0);
	}
	a = gen_tmp(g, t->size, "cmpl");
	gen_store(g, a, t, false, gen_expr(g, l), l->type);
	b = gen_tmp(g, t->size, "cmpr");
	gen_store(g, b, t, false, gen_expr(g, r), r->type);
	return memneq_cmp(g, e, a, b, t->size);
}

/* && and ||: the right side only runs when it decides */
static LLVMValueRef logical(struct gen *g, struct node *e)
{
	bool and = e->u.binop.op == OP_LAND;
	LLVMBasicBlockRef rhs = gen_block(g, and ? "and_rhs" : "or_rhs");
	LLVMBasicBlockRef done = gen_block(g, and ? "and_done" : "or_done");
	LLVMBasicBlockRef from_l, from_r;
	LLVMValueRef l, r, phi, vals[2];
	LLVMBasicBlockRef bbs[2];

	l = gen_cond(g, e->u.binop.lhs);
	from_l = LLVMGetInsertBlock(g->b);
	if (and)
		LLVMBuildCondBr(g->b, l, rhs, done);
	else
		LLVMBuildCondBr(g->b, l, done, rhs);
	LLVMPositionBuilderAtEnd(g->b, rhs);
	r = gen_cond(g, e->u.binop.rhs);
	from_r = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	phi = LLVMBuildPhi(g->b, cg_int(g->cg, 1), "");
	vals[0] = cg_const(g->cg, 1, and ? 0 : 1);
	vals[1] = r;
	bbs[0] = from_l;
	bbs[1] = from_r;
	LLVMAddIncoming(phi, vals, bbs, 2);
	return LLVMBuildZExt(g->b, phi, cg_int(g->cg, 64), "");
}

static LLVMValueRef compare(struct gen *g, enum binop op, bool sign,
			    LLVMValueRef l, LLVMValueRef r)
{
	LLVMIntPredicate p;

	switch (op) {
	case OP_EQ:
		p = LLVMIntEQ;
		break;
	case OP_NE:
		p = LLVMIntNE;
		break;
	case OP_LT:
		p = sign ? LLVMIntSLT : LLVMIntULT;
		break;
	case OP_LE:
		p = sign ? LLVMIntSLE : LLVMIntULE;
		break;
	case OP_GT:
		p = sign ? LLVMIntSGT : LLVMIntUGT;
		break;
	default:
		p = sign ? LLVMIntSGE : LLVMIntUGE;
		break;
	}
	return LLVMBuildZExt(g->b, LLVMBuildICmp(g->b, p, l, r, ""),
			     cg_int(g->cg, 64), "");
}

/* l op r on i64 values; sign: arithmetic right shift (the language
 * itself always shifts and divides unsigned, as bpftrace 0.17 does) */
LLVMValueRef gen_arith(struct gen *g, enum binop op, bool sign,
		       LLVMValueRef l, LLVMValueRef r)
{
	LLVMBuilderRef b = g->b;

	switch (op) {
	case OP_ADD:
		return LLVMBuildAdd(b, l, r, "");
	case OP_SUB:
		return LLVMBuildSub(b, l, r, "");
	case OP_MUL:
		return LLVMBuildMul(b, l, r, "");
	case OP_DIV: /* BPF v3 has no signed division: never SDiv */
		return LLVMBuildUDiv(b, l, r, "");
	case OP_MOD:
		return LLVMBuildURem(b, l, r, "");
	case OP_BAND:
		return LLVMBuildAnd(b, l, r, "");
	case OP_BOR:
		return LLVMBuildOr(b, l, r, "");
	case OP_BXOR:
		return LLVMBuildXor(b, l, r, "");
	case OP_SHL:
		return LLVMBuildShl(b, l, r, "");
	case OP_SHR:
		return sign ? LLVMBuildAShr(b, l, r, "")
			    : LLVMBuildLShr(b, l, r, "");
	default:
		return l;
	}
}

/* pointer +/- n moves n elements, as in C (bpftrace 0.17 scales too):
 * n times the pointee's size (1 for void and unknown sizes) */
LLVMValueRef gen_ptr_step(struct gen *g, const struct type *ptr,
			  LLVMValueRef n)
{
	uint32_t size = ptr->elem && ptr->elem->size ? ptr->elem->size : 1;

	if (size == 1)
		return n;
	return LLVMBuildMul(g->b, n, cg_const(g->cg, 64, size), "");
}

LLVMValueRef gen_binop(struct gen *g, struct node *e)
{
	struct node *l = e->u.binop.lhs, *r = e->u.binop.rhs;
	enum binop op = e->u.binop.op;
	LLVMValueRef a, c;
	bool sign;

	if (op == OP_LAND || op == OP_LOR)
		return logical(g, e);
	if ((op == OP_EQ || op == OP_NE) && l->type->kind == T_STRING)
		return str_cmp(g, e);
	if ((op == OP_EQ || op == OP_NE) && l->type->kind == T_TUPLE)
		return tuple_cmp(g, e);
	if ((op == OP_EQ || op == OP_NE) && !gen_is_scalar(l->type))
		return bytes_cmp(g, e);
	a = gen_expr(g, l);
	c = gen_expr(g, r);
	if (op >= OP_EQ)
		return compare(g, op, l->type->is_signed && r->type->is_signed,
			       a, c);
	if (e->type->kind == T_PTR && l->type->kind != T_PTR)
		a = gen_ptr_step(g, r->type, a);
	else if (e->type->kind == T_PTR && r->type->kind != T_PTR)
		c = gen_ptr_step(g, l->type, c);
	/* bpftrace 0.17 divides and shifts right unsigned whatever the
	 * types (hence the front end's "Signed operands" warning); the BPF
	 * v3 instruction set has no signed division either */
	sign = false;
	return gen_int_norm(g, gen_arith(g, op, sign, a, c), e->type);
}

/* ++/--: on a variable or a map (x is the operand) */
static LLVMValueRef incdec(struct gen *g, struct node *e)
{
	enum unop op = e->u.unop.op;
	struct node *x = e->u.unop.expr;
	bool inc = op == OP_PREINC || op == OP_POSTINC;
	bool post = op == OP_POSTINC || op == OP_POSTDEC;
	LLVMValueRef old = gen_expr(g, x), nv, one = cg_const(g->cg, 64, 1);

	if (x->type->kind == T_PTR)
		one = gen_ptr_step(g, x->type, one);
	nv = gen_int_norm(g, inc ? LLVMBuildAdd(g->b, old, one, "")
				 : LLVMBuildSub(g->b, old, one, ""),
			  x->type);
	if (x->kind == N_VAR) {
		struct gen_var *v = gen_var_get(g, x, x->type);

		gen_store(g, v->slot, v->type, true, nv, x->type);
	} else if (x->kind == N_MAP) {
		gen_map_write(g, x, nv, x->type);
	} else {
		gen_error(g, e->loc, "Cannot generate code for %s here",
			  ast_unop_str(op));
	}
	return post ? old : nv;
}

LLVMValueRef gen_unop(struct gen *g, struct node *e)
{
	struct node *x = e->u.unop.expr;
	enum cg_space sp = CG_KERNEL;
	LLVMValueRef v, a;

	switch (e->u.unop.op) {
	case OP_NEG:
		v = gen_expr(g, x);
		return gen_int_norm(g, LLVMBuildNeg(g->b, v, ""), e->type);
	case OP_LNOT:
		v = gen_expr(g, x);
		return LLVMBuildZExt(
		    g->b,
		    LLVMBuildICmp(g->b, LLVMIntEQ, v, cg_const(g->cg, 64, 0),
				  ""),
		    cg_int(g->cg, 64), "");
	case OP_BNOT:
		v = gen_expr(g, x);
		return gen_int_norm(g, LLVMBuildNot(g->b, v, ""), e->type);
	case OP_DEREF:
		return gen_deref(g, e);
	case OP_ADDR:
		a = gen_addr(g, x, &sp);
		if (a)
			return a;
		gen_error(g, e->loc, "Cannot take the address of this value");
		return cg_const(g->cg, 64, 0);
	default:
		return incdec(g, e);
	}
}

/* a ?: b: a, read once, when it is true; else b */
static LLVMValueRef elvis(struct gen *g, struct node *e)
{
	LLVMBasicBlockRef no = gen_block(g, "t_else");
	LLVMBasicBlockRef done = gen_block(g, "t_done");
	LLVMValueRef vals[2], phi;
	LLVMBasicBlockRef bbs[2];

	vals[0] = gen_expr(g, e->u.ternary.cond);
	bbs[0] = LLVMGetInsertBlock(g->b);
	LLVMBuildCondBr(
	    g->b,
	    LLVMBuildICmp(g->b, LLVMIntNE, vals[0], cg_const(g->cg, 64, 0), ""),
	    done, no);
	LLVMPositionBuilderAtEnd(g->b, no);
	vals[1] = gen_expr(g, e->u.ternary.else_);
	bbs[1] = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	phi = LLVMBuildPhi(g->b, cg_int(g->cg, 64), "");
	LLVMAddIncoming(phi, vals, bbs, 2);
	return phi;
}

LLVMValueRef gen_ternary(struct gen *g, struct node *e)
{
	if (!e->u.ternary.then)
		return elvis(g, e);

	LLVMBasicBlockRef yes = gen_block(g, "t_then");
	LLVMBasicBlockRef no = gen_block(g, "t_else");
	LLVMBasicBlockRef done = gen_block(g, "t_done");
	bool scalar = gen_is_scalar(e->type);
	LLVMValueRef buf = NULL, vals[2], phi;
	LLVMBasicBlockRef bbs[2];
	struct node *arm[2] = {e->u.ternary.then, e->u.ternary.else_};

	if (!scalar)
		buf = gen_tmp(g, gen_size(e->type), "ternary");
	LLVMBuildCondBr(g->b, gen_cond(g, e->u.ternary.cond), yes, no);
	for (int i = 0; i < 2; i++) {
		LLVMPositionBuilderAtEnd(g->b, i ? no : yes);
		vals[i] = gen_expr(g, arm[i]);
		if (!scalar && e->type->kind != T_NONE)
			gen_store(g, buf, e->type, false, vals[i],
				  arm[i]->type);
		bbs[i] = LLVMGetInsertBlock(g->b);
		LLVMBuildBr(g->b, done);
	}
	LLVMPositionBuilderAtEnd(g->b, done);
	if (!scalar)
		return buf;
	if (e->type->kind == T_NONE)
		return cg_const(g->cg, 64, 0);
	phi = LLVMBuildPhi(g->b, cg_int(g->cg, 64), "");
	LLVMAddIncoming(phi, vals, bbs, 2);
	return phi;
}
