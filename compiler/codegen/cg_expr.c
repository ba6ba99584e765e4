/* cg_expr.c: expressions to IR. Scalars (integers, pointers, symbols)
 * are i64 values normalized to their type's width; strings, tuples,
 * records and arrays are pointers to stack memory (gen.h). Also the
 * memory helpers the other codegen files share. */
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "gen.h"
#include "probe.h"
#include "typereg.h"

bool gen_is_scalar(const struct type *t)
{
	if (t->is_ctx)
		return true; /* args: the context pointer */
	switch (t->kind) {
	case T_STRING:
	case T_BUF:
	case T_RECORD:
	case T_ARRAY:
	case T_TUPLE:
	case T_INET:
	case T_MACADDR:
	case T_TIMESTAMP:
	case T_CGROUP_PATH:
	case T_USYM:
		return false;
	default:
		return true;
	}
}

uint32_t gen_size(const struct type *t)
{
	if (t->kind == T_BUF)
		return 8 + t->size; /* u64 length, then the bytes */
	if (t->kind == T_USYM)
		return 16; /* u64 address, u64 tgid */
	return gen_is_scalar(t) ? 8 : t->size;
}

enum cg_space gen_space(struct gen *g, const struct type *t)
{
	if (t && t->as == AS_USER)
		return CG_USER;
	if (t && t->as == AS_KERNEL)
		return CG_KERNEL;
	/* an integer used as an address: where the probe runs */
	return probe_provider(g->kind)->as == AS_USER ? CG_USER : CG_KERNEL;
}

LLVMBasicBlockRef gen_block(struct gen *g, const char *name)
{
	LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(g->b));

	return LLVMAppendBasicBlockInContext(cg_context(g->cg), fn, name);
}

static uint32_t tmp_size(uint32_t size)
{
	return size < 8 ? 8 : (size + 7) & ~7u;
}

LLVMValueRef gen_tmp_raw(struct gen *g, uint32_t size, const char *name)
{
	uint32_t n = tmp_size(size);
	LLVMValueRef a = cg_alloca(g->cg, LLVMArrayType(cg_int(g->cg, 8), n),
				   name);

	LLVMSetAlignment(a, GEN_ALIGN);
	if (g->ntemps == g->cap_temps) {
		int cap = g->cap_temps ? 2 * g->cap_temps : 64;
		LLVMValueRef *t = arena_calloc(g->ctx->arena, cap, sizeof(*t));

		if (g->ntemps)
			memcpy(t, g->temps, g->ntemps * sizeof(*t));
		g->temps = t;
		g->cap_temps = cap;
	}
	g->temps[g->ntemps++] = a;
	cg_lifetime_start(g->cg, a);
	return a;
}

LLVMValueRef gen_tmp(struct gen *g, uint32_t size, const char *name)
{
	LLVMValueRef a = gen_tmp_raw(g, size, name);

	LLVMBuildMemSet(g->b, a, cg_const(g->cg, 8, 0),
			cg_const(g->cg, 64, tmp_size(size)), GEN_ALIGN);
	return a;
}

bool gen_is_comm(const struct node *e, const struct type *dt)
{
	const struct builtin *b = e->kind == N_IDENT ? e->u.ident.builtin
						     : NULL;

	return b && b->id == B_COMM && dt->kind == T_STRING &&
	       e->type->kind == T_STRING && dt->size >= e->type->size;
}

LLVMValueRef gen_int_norm(struct gen *g, LLVMValueRef v, const struct type *t)
{
	LLVMTypeRef i64 = cg_int(g->cg, 64);

	if (t->kind != T_INT || t->size >= 8 || !t->size)
		return v;
	v = LLVMBuildTrunc(g->b, v, cg_int(g->cg, t->size * 8), "");
	return t->is_signed ? LLVMBuildSExt(g->b, v, i64, "")
			    : LLVMBuildZExt(g->b, v, i64, "");
}

static LLVMValueRef at(struct gen *g, LLVMValueRef p, uint32_t off)
{
	LLVMValueRef i = cg_const(g->cg, 64, off);

	if (!off)
		return p;
	return LLVMBuildGEP2(g->b, cg_int(g->cg, 8), p, &i, 1, "");
}

unsigned gen_align_at(unsigned align, uint32_t off)
{
	while (align > 1 && off % align)
		align /= 2;
	return align ? align : 1;
}

static void store_int(struct gen *g, LLVMValueRef dst, unsigned align,
		      uint32_t size, LLVMValueRef v)
{
	LLVMValueRef s;

	if (size < 8)
		v = LLVMBuildTrunc(g->b, v, cg_int(g->cg, size * 8), "");
	s = LLVMBuildStore(g->b, v, dst);
	LLVMSetAlignment(s, align);
}

void gen_store_al(struct gen *g, LLVMValueRef dst, unsigned align,
		  const struct type *dt, bool widen, LLVMValueRef v,
		  const struct type *vt)
{
	uint32_t n;

	if (gen_is_scalar(dt)) {
		n = dt->kind == T_INT && !widen && dt->size ? dt->size : 8;
		store_int(g, dst, align, n, v);
		return;
	}
	if (dt->kind == T_TUPLE && vt->kind == T_TUPLE &&
	    dt->nfields == vt->nfields) {
		for (uint32_t i = 0; i < dt->nfields; i++) {
			const struct field *df = &dt->fields[i], *vf;
			LLVMValueRef e;

			/* a record's fields go where their names are (the
			 * type checker made sure that both have them) */
			vf = type_is_named_tuple(dt)
				 ? type_named_field(vt, df->name)
				 : &vt->fields[i];
			if (!vf)
				continue;
			e = gen_load(g, at(g, v, vf->offset), vf->type, false);

			gen_store_al(g, at(g, dst, df->offset),
				     gen_align_at(align, df->offset), df->type,
				     false, e, vf->type);
		}
		return;
	}
	n = gen_size(vt) < gen_size(dt) ? gen_size(vt) : gen_size(dt);
	if (n < gen_size(dt))
		LLVMBuildMemSet(g->b, dst, cg_const(g->cg, 8, 0),
				cg_const(g->cg, 64, gen_size(dt)), align);
	LLVMBuildMemCpy(g->b, dst, align, v, 1, cg_const(g->cg, 64, n));
}

void gen_store(struct gen *g, LLVMValueRef dst, const struct type *dt,
	       bool widen, LLVMValueRef v, const struct type *vt)
{
	gen_store_al(g, dst, 1, dt, widen, v, vt);
}

LLVMValueRef gen_load_al(struct gen *g, LLVMValueRef p, unsigned align,
			 const struct type *t, bool widened)
{
	uint32_t n;
	LLVMValueRef v;

	if (!gen_is_scalar(t))
		return p;
	n = t->kind == T_INT && !widened && t->size ? t->size : 8;
	v = LLVMBuildLoad2(g->b, cg_int(g->cg, n * 8), p, "");
	LLVMSetAlignment(v, align);
	if (n == 8)
		return v;
	return t->is_signed ? LLVMBuildSExt(g->b, v, cg_int(g->cg, 64), "")
			    : LLVMBuildZExt(g->b, v, cg_int(g->cg, 64), "");
}

LLVMValueRef gen_load(struct gen *g, LLVMValueRef p, const struct type *t,
		      bool widened)
{
	return gen_load_al(g, p, 1, t, widened);
}

LLVMValueRef gen_read(struct gen *g, LLVMValueRef addr, uint32_t size,
		      enum cg_space sp)
{
	LLVMValueRef buf = gen_tmp(g, size, "read");
	LLVMValueRef src = LLVMBuildIntToPtr(g->b, addr, cg_ptr(g->cg), "");

	cg_probe_read(g->cg, sp, buf, cg_const(g->cg, 32, size), src);
	return buf;
}

/* The value of type t at the address addr (bitfield bits from f). */
static LLVMValueRef read_at(struct gen *g, LLVMValueRef addr,
			    const struct type *t, enum cg_space sp,
			    const struct field *f)
{
	uint32_t size = t->size ? t->size : 8;
	LLVMValueRef v;

	if (f && f->bit_size) {
		size = (f->bit_offset + f->bit_size + 7) / 8;
		/* the bytes holding the bits, zero-padded to a u64 */
		v = gen_load(g, gen_read(g, addr, size, sp), type_u64(), true);
		v = LLVMBuildLShr(g->b, v, cg_const(g->cg, 64, f->bit_offset),
				  "");
		return LLVMBuildAnd(
		    g->b, v,
		    cg_const(g->cg, 64, (1ull << f->bit_size) - 1), "bits");
	}
	v = gen_read(g, addr, size, sp);
	return gen_load(g, v, t, false);
}

/* A struct or an array read by value lives on the BPF stack (512
 * bytes): one that cannot fit is an error at the expression, not an
 * LLVM failure. */
static bool fits_stack(struct gen *g, const struct node *e,
		       const struct type *t)
{
	if (gen_is_scalar(t) || t->size <= GEN_STACK_MAX)
		return true;
	gen_error(g, e->loc,
		  "A value of type '%s' is %u bytes: more than "
		  "the BPF stack holds (%u); read its fields through a "
		  "pointer instead",
		  type_name(g->ctx->arena, t), t->size, GEN_STACK_MAX);
	return false;
}

/* read_at() for the expression e: a failed read is reported at e with
 * -kk (g->at), the rest of its statement still at the statement */
static LLVMValueRef read_of(struct gen *g, const struct node *e,
			    LLVMValueRef addr, const struct type *t,
			    enum cg_space sp, const struct field *f)
{
	const struct node *keep = g->at;
	LLVMValueRef v;

	if (!fits_stack(g, e, t))
		return gen_tmp(g, 8, "toobig");
	g->at = e;
	v = read_at(g, addr, t, sp, f);
	g->at = keep;
	return v;
}

bool gen_read_into(struct gen *g, LLVMValueRef dst, struct node *e)
{
	const struct node *keep = g->at;
	enum cg_space sp = CG_KERNEL;
	LLVMValueRef a;

	if (e->kind != N_UNOP || e->u.unop.op != OP_DEREF ||
	    gen_is_scalar(e->type) || !e->type->size)
		return false;
	if (!fits_stack(g, e, e->type))
		return true;
	a = gen_addr(g, e, &sp);
	g->at = e;
	cg_probe_read(g->cg, sp, dst, cg_const(g->cg, 32, e->type->size),
		      LLVMBuildIntToPtr(g->b, a, cg_ptr(g->cg), ""));
	g->at = keep;
	return true;
}

/* field name of record rec, completing a record only declared where it
 * was met (a tracepoint format names "struct timespec *") */
static const struct field *rec_field(struct gen *g, struct type *rec,
				     const char *name, uint32_t *off)
{
	const struct field *f = type_field(rec, name, off);

	if (!f && rec && rec->kind == T_RECORD)
		f = type_field(typereg_complete(g->ctx, rec), name, off);
	return f;
}

static LLVMValueRef add_off(struct gen *g, LLVMValueRef base, uint64_t off)
{
	return off ? LLVMBuildAdd(g->b, base, cg_const(g->cg, 64, off), "")
		   : base;
}

static LLVMValueRef index_off(struct gen *g, struct node *idx,
			      const struct type *elem)
{
	LLVMValueRef i = gen_expr(g, idx);

	return LLVMBuildMul(g->b, i,
			    cg_const(g->cg, 64, elem->size ? elem->size : 1),
			    "");
}

LLVMValueRef gen_deref(struct gen *g, struct node *e)
{
	enum cg_space sp = CG_KERNEL;
	LLVMValueRef a = gen_addr(g, e, &sp);

	return read_of(g, e, a, e->type, sp, NULL);
}

LLVMValueRef gen_addr(struct gen *g, struct node *e, enum cg_space *sp)
{
	struct node *x;
	const struct field *f;
	uint32_t off;
	LLVMValueRef base;

	switch (e->kind) {
	case N_VAR: {
		/* &$v (bpftrace 0.26): the variable's stack slot */
		struct gen_var *v = gen_var_get(g, e, e->type);

		*sp = CG_KERNEL;
		return LLVMBuildPtrToInt(g->b, v->slot, cg_int(g->cg, 64), "");
	}
	case N_UNOP:
		if (e->u.unop.op != OP_DEREF)
			return NULL;
		*sp = gen_space(g, e->u.unop.expr->type);
		return gen_expr(g, e->u.unop.expr);
	case N_FIELD:
		x = e->u.field.expr;
		if (x->type->is_ctx)
			return NULL;
		if ((base = gen_kaddr(g, e, sp)))
			return base;
		f = NULL;
		if (x->type->kind == T_PTR && e->u.field.arrow) {
			f = rec_field(g, x->type->elem, e->u.field.name, &off);
			*sp = gen_space(g, x->type);
			base = gen_expr(g, x);
		} else if (x->type->kind == T_RECORD) {
			f = rec_field(g, x->type, e->u.field.name, &off);
			base = gen_addr(g, x, sp);
		} else {
			return NULL;
		}
		return f && base ? add_off(g, base, off) : NULL;
	case N_INDEX:
		if ((base = gen_kaddr(g, e, sp)))
			return base;
		x = e->u.index.expr;
		if (x->type->kind == T_PTR) {
			*sp = gen_space(g, x->type);
			base = gen_expr(g, x);
		} else if (x->type->kind == T_ARRAY) {
			base = gen_addr(g, x, sp);
		} else {
			return NULL;
		}
		if (!base)
			return NULL;
		return LLVMBuildAdd(g->b, base,
				    index_off(g, e->u.index.index,
					      x->type->elem),
				    "");
	default:
		return NULL;
	}
}

/* bitfield f of a record already on the stack at p: the bytes holding
 * its bits, shifted and masked as read_at() does */
static LLVMValueRef stack_bits(struct gen *g, LLVMValueRef p,
			       const struct field *f)
{
	uint32_t n = (f->bit_offset + f->bit_size + 7) / 8;
	LLVMValueRef v;

	if (n > 8) /* as read_at(): the bits of the first 8 bytes */
		n = 8;
	v = LLVMBuildLoad2(g->b, cg_int(g->cg, n * 8), p, "");
	LLVMSetAlignment(v, 1);
	if (n < 8)
		v = LLVMBuildZExt(g->b, v, cg_int(g->cg, 64), "");
	v = LLVMBuildLShr(g->b, v, cg_const(g->cg, 64, f->bit_offset), "");
	if (f->bit_size >= 64)
		return v;
	return LLVMBuildAnd(
	    g->b, v, cg_const(g->cg, 64, (1ull << f->bit_size) - 1), "bits");
}

static LLVMValueRef field(struct gen *g, struct node *e)
{
	struct node *x = e->u.field.expr;
	const struct field *f;
	enum cg_space sp = CG_KERNEL;
	LLVMValueRef a, base;
	uint32_t off = 0;

	if (x->type->is_ctx)
		return gen_ctx_field(g, e);
	f = rec_field(g, x->type->kind == T_PTR ? x->type->elem : x->type,
		      e->u.field.name, &off);
	if (f && f->bit_size && (a = gen_kbitfield(g, e)))
		return a;
	a = gen_addr(g, e, &sp);
	if (a)
		return read_of(g, e, a, e->type, sp, f);
	/* a record or tuple on the stack */
	base = gen_expr(g, x);
	if (!f) {
		gen_error(g, e->loc, "Cannot generate code for field '%s'",
			  e->u.field.name);
		return cg_const(g->cg, 64, 0);
	}
	if (f->bit_size)
		return stack_bits(g, at(g, base, off), f);
	return gen_load(g, at(g, base, off), e->type, false);
}

/* s[i] with i known at run time: the byte when i is inside the
 * string's bytes, else -1 (as bpftrace 0.26 prints it); the check also
 * bounds the stack offset for the verifier. */
static LLVMValueRef string_index(struct gen *g, struct node *e,
				 LLVMValueRef base)
{
	LLVMValueRef i = gen_expr(g, e->u.index.index), in, v, phi;
	LLVMBasicBlockRef from = LLVMGetInsertBlock(g->b);
	LLVMBasicBlockRef ok = gen_block(g, "stridx"),
			  done = gen_block(g, "stridx_done");
	LLVMValueRef vals[2];
	LLVMBasicBlockRef blocks[2];

	in =
	    LLVMBuildICmp(g->b, LLVMIntULT, i,
			  cg_const(g->cg, 64, e->u.index.expr->type->size), "");
	LLVMBuildCondBr(g->b, in, ok, done);
	LLVMPositionBuilderAtEnd(g->b, ok);
	v = gen_load(g, LLVMBuildGEP2(g->b, cg_int(g->cg, 8), base, &i, 1, ""),
		     e->type, false);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	phi = LLVMBuildPhi(g->b, cg_int(g->cg, 64), "");
	vals[0] = v;
	vals[1] = cg_const(g->cg, 64, (uint64_t)-1);
	blocks[0] = ok;
	blocks[1] = from;
	LLVMAddIncoming(phi, vals, blocks, 2);
	return phi;
}

static LLVMValueRef index_expr(struct gen *g, struct node *e)
{
	struct node *x = e->u.index.expr;
	enum cg_space sp = CG_KERNEL;
	LLVMValueRef a = gen_addr(g, e, &sp), base, p;

	if (a)
		return read_of(g, e, a, e->type, sp, NULL);
	if (x->type->kind != T_ARRAY && x->type->kind != T_STRING &&
	    x->type->kind != T_BUF) {
		gen_error(g, e->loc, "Cannot generate code for this index");
		return cg_const(g->cg, 64, 0);
	}
	base = gen_expr(g, x);
	if (e->u.index.index->kind == N_INT) {
		uint64_t i = e->u.index.index->u.integer.value;
		uint32_t es = e->type->size ? e->type->size : 1;

		if ((i + 1) * es <= x->type->size)
			return gen_load(g, at(g, base, i * es), e->type, false);
	}
	if (x->type->kind == T_STRING)
		return string_index(g, e, base);
	p = LLVMBuildGEP2(g->b, cg_int(g->cg, 8), base,
			  (LLVMValueRef[]){index_off(g, e->u.index.index,
						     e->type)},
			  1, "");
	return gen_load(g, p, e->type, false);
}

static LLVMValueRef tuple_index(struct gen *g, struct node *e)
{
	struct node *x = e->u.tuple_index.expr;
	LLVMValueRef base = gen_expr(g, x);
	struct field *f = &x->type->fields[e->u.tuple_index.index];

	return gen_load(g, at(g, base, f->offset), f->type, false);
}

static LLVMValueRef tuple(struct gen *g, struct node *e)
{
	LLVMValueRef buf;
	struct node *x = e->u.tuple.elems;

	if (e->type->size > GEN_STACK_MAX) {
		gen_error(g, e->loc,
			  "This %s is %u bytes: more than the BPF stack holds "
			  "(%u)",
			  e->u.tuple.names ? "record" : "tuple", e->type->size,
			  GEN_STACK_MAX);
		return gen_tmp(g, 8, "toobig");
	}
	buf = gen_tmp(g, e->type->size, "tuple");

	for (uint32_t i = 0; x && i < e->type->nfields; i++, x = x->next) {
		struct field *f = &e->type->fields[i];

		gen_store(g, at(g, buf, f->offset), f->type, false,
			  gen_expr(g, x), x->type);
	}
	return buf;
}

LLVMValueRef gen_string(struct gen *g, const char *s, uint32_t len,
			uint32_t size)
{
	LLVMValueRef buf = gen_tmp(g, size, "str"), st;
	uint32_t n = len < size ? len : size ? size - 1 : 0;

	/* whole words into the zeroed buffer (padded to 8 bytes), so that
	 * copies of it take words too; "bpf" is the host's byte order */
	for (uint32_t off = 0; off < n; off += 8) {
		uint64_t w = 0;

		memcpy(&w, s + off, n - off < 8 ? n - off : 8);
		if (!w)
			continue;
		st = LLVMBuildStore(g->b, cg_const(g->cg, 64, w),
				    at(g, buf, off));
		LLVMSetAlignment(st, GEN_ALIGN);
	}
	return buf;
}

static LLVMValueRef positional(struct gen *g, struct node *e)
{
	int i = e->u.positional.index;
	const char *v;

	if (e->u.positional.is_count)
		return cg_const(g->cg, 64, g->ctx->opts.nparams);
	v = i <= g->ctx->opts.nparams ? g->ctx->opts.params[i - 1] : "";
	if (e->type->kind == T_INT)
		return cg_const(g->cg, 64, strtoull(v, NULL, 0));
	return gen_string(g, v, strlen(v), e->type->size);
}

static LLVMValueRef size_of(struct gen *g, struct node *e)
{
	struct node *ts = e->u.sizeof_.typespec;
	struct type *t = ts ? ts->u.typespec.resolved : e->u.sizeof_.expr->type;

	return cg_const(g->cg, 64, t ? t->size : 0);
}

static LLVMValueRef offset_of(struct gen *g, struct node *e)
{
	struct type *t = e->u.offsetof.typespec->u.typespec.resolved;
	const char *p = e->u.offsetof.field;
	uint64_t total = 0;

	while (t && *p) {
		size_t n = strcspn(p, ".");
		const struct field *f;
		uint32_t off;

		f = type_field(t, arena_strndup(g->ctx->arena, p, n), &off);
		if (!f)
			break;
		total += off;
		t = f->type;
		p += n + (p[n] == '.');
	}
	return cg_const(g->cg, 64, total);
}

static LLVMValueRef cast(struct gen *g, struct node *e)
{
	struct node *x = e->u.cast.expr;
	LLVMValueRef v = gen_expr(g, x);

	if (e->type->kind == T_BOOL && gen_is_scalar(x->type))
		return LLVMBuildZExt(g->b,
				     LLVMBuildICmp(g->b, LLVMIntNE, v,
						   cg_const(g->cg, 64, 0), ""),
				     LLVMInt64TypeInContext(cg_context(g->cg)), "");
	if (gen_is_scalar(e->type) && gen_is_scalar(x->type))
		return gen_int_norm(g, v, e->type);
	if (!gen_is_scalar(e->type) && !gen_is_scalar(x->type)) {
		LLVMValueRef buf = gen_tmp(g, e->type->size, "cast");

		LLVMBuildMemCpy(g->b, buf, 1, v, 1,
				cg_const(g->cg, 64,
					 x->type->size < e->type->size
					     ? x->type->size
					     : e->type->size));
		return buf;
	}
	if (!gen_is_scalar(e->type)) {
		/* (uint8[8])n: the integer's bytes (sizes equal: types) */
		LLVMValueRef buf = gen_tmp(g, e->type->size, "cast");
		const struct type *it = type_int(e->type->size, false);

		gen_store(g, buf, it, false, v, it);
		return buf;
	}
	if (x->type->kind == T_ARRAY) {
		/* (uint64)$bytes: the array's bytes as an integer */
		const struct type *it = type_int(x->type->size, false);

		return gen_int_norm(g, gen_load(g, v, it, false), e->type);
	}
	gen_error(g, e->loc, "Cannot generate code for this cast");
	return cg_const(g->cg, 64, 0);
}

static LLVMValueRef var(struct gen *g, struct node *e)
{
	struct gen_var *v = gen_var_get(g, e, e->type);

	return gen_load(g, v->slot, v->type, true);
}

LLVMValueRef gen_cond(struct gen *g, struct node *e)
{
	LLVMValueRef v = gen_expr(g, e);

	if (!gen_is_scalar(e->type))
		return cg_const(g->cg, 1, 1);
	return LLVMBuildICmp(g->b, LLVMIntNE, v, cg_const(g->cg, 64, 0),
			     "cond");
}

LLVMValueRef gen_expr(struct gen *g, struct node *e)
{
	switch (e->kind) {
	case N_INT:
	case N_BOOL:
		return cg_const(g->cg, 64, e->u.integer.value);
	case N_STRING:
		return gen_string(g, e->u.string.str, e->u.string.len,
				  e->type->size);
	case N_IDENT:
		return gen_builtin(g, e);
	case N_POSITIONAL:
		return positional(g, e);
	case N_VAR:
		return var(g, e);
	case N_MAP:
		return gen_map_read(g, e);
	case N_CALL:
		return gen_call(g, e);
	case N_BINOP:
		return gen_binop(g, e);
	case N_UNOP:
		return gen_unop(g, e);
	case N_TERNARY:
		return gen_ternary(g, e);
	case N_FIELD:
		return field(g, e);
	case N_INDEX:
		return index_expr(g, e);
	case N_TUPLE_INDEX:
		return tuple_index(g, e);
	case N_CAST:
		return cast(g, e);
	case N_TUPLE:
		return tuple(g, e);
	case N_SIZEOF:
		return size_of(g, e);
	case N_OFFSETOF:
		return offset_of(g, e);
	case N_BLOCK_EXPR:
		gen_block_stmts(g, e->u.block_expr.block);
		if (!e->u.block_expr.value)
			return cg_const(g->cg, 64, 0);
		return gen_expr(g, e->u.block_expr.value);
	default:
		gen_error(g, e->loc, "Cannot generate code for %s",
			  ast_kind_name(e->kind));
		return cg_const(g->cg, 64, 0);
	}
}
