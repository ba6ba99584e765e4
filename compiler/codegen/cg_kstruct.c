/* cg_kstruct.c: field accesses through records of kernel BTF as CO-RE
 * relocations, so that an artifact runs on kernels whose structs are laid
 * out otherwise (SPEC §1). Reads the typed AST's field and index nodes and
 * the BTF the program was typed with; writes chains of cg_core_* calls
 * (cg_core.c), the debug info types they name, and each program's list of
 * accesses (probe_meta.core_fields) by which the runtime names a field the
 * running kernel lacks (runtime/core_reloc.c).
 *
 * Only programs compiled ahead of time or against another kernel's BTF
 * relocate (relocating()); a program that runs at once on the kernel it
 * was typed with keeps the offsets compiled in, which cost less.
 *
 * An access is planned first (struct kplan: the members and constant
 * array indexes from a pointer to a named kernel record), then emitted.
 * What cannot be relocated keeps the offsets compiled in: records of the
 * preamble or of tracepoint formats (btf_id 0), anonymous roots (libbpf
 * cannot look them up), records copied to the stack, and bitfields the
 * BPF backend cannot describe (in unions, or crossing their record's
 * alignment).
 *
 * A record gets its debug info type when an access first goes through
 * it: a replaceable composite, completed by gen_kstruct_finish with all
 * its BTF members in BTF order (the index in a chain is the member's),
 * those on an access path typed as the kernel types them (libbpf checks
 * their kinds), the others as bytes of their size. */
#include <string.h>

#include <bpf/btf.h>

#include "gen.h"
#include "typereg.h"

#define KSTEPS 16

struct krec {
	int id;		    /* BTF id, modifiers and typedefs skipped */
	LLVMMetadataRef di; /* replaceable until gen_kstruct_finish */
	LLVMTypeRef ir;	    /* the record's size and alignment */
	unsigned align;	    /* bytes, at most 8 */
	bool *used;	    /* per member: on an access path */
	struct krec *next;
};

/* Debug info of the other BTF types met (arrays, ints...), by id. */
struct kdi {
	int id;
	LLVMMetadataRef di;
	struct kdi *next;
};

struct kstruct {
	struct btf *btf;
	struct krec *recs, **tail;
	struct kdi *types;
	/* "" in a process's first module with relocations, "___etraceN"
	 * after: LLVM 16's pass keeps the globals standing for relocations
	 * in a static map keyed by type name and access, so a later module
	 * asking for the same access would get a global of a freed one.
	 * libbpf ignores a "___" suffix when it matches names. */
	const char *flavor;
};

static unsigned modules_with_core;

struct kstep {
	int container;	  /* struct, union or array (BTF id) */
	unsigned idx;	  /* member index or array index */
	const char *name; /* member name; NULL: anonymous, array */
};

struct kplan {
	struct node *base; /* the pointer the chain starts from */
	int root;	   /* its named record */
	struct kstep steps[KSTEPS];
	int n;
	int id;		     /* what the last step reaches */
	uint32_t bit_offset; /* of the last member in its container */
	uint32_t bit_size;   /* a bitfield's width; 0: not one */
};

static struct kstruct *kstate(struct gen *g)
{
	struct kstruct *ks = g->kstruct;

	if (ks)
		return ks;
	ks = arena_calloc(g->ctx->arena, 1, sizeof(*ks));
	ks->btf = compile_btf(g->ctx);
	ks->tail = &ks->recs;
	ks->flavor =
	    modules_with_core
		? arena_printf(g->ctx->arena, "___etrace%u", modules_with_core)
		: "";
	modules_with_core++;
	g->kstruct = ks;
	return ks;
}

static int skip_mods(const struct btf *btf, int id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return t ? id : 0;
}

/* ---- planning: no code is generated ---- */

static bool add_step(struct kplan *p, int container, unsigned idx,
		     const char *name)
{
	if (p->n == KSTEPS)
		return false;
	p->steps[p->n++] = (struct kstep){container, idx, name};
	return true;
}

/* Member i of t reached: false for a bitfield in the old encoding (the
 * width in its int type), which the backend cannot describe. */
static bool set_member(const struct btf *btf, struct kplan *p,
		       const struct btf_type *t, int i)
{
	const struct btf_type *mt;

	p->id = skip_mods(btf, btf_members(t)[i].type);
	p->bit_offset = btf_member_bit_offset(t, i);
	p->bit_size = btf_member_bitfield_size(t, i);
	mt = btf__type_by_id(btf, p->id);
	return p->bit_size || !mt || !btf_is_int(mt) ||
	       (btf_int_bits(mt) == mt->size * 8 && !btf_int_offset(mt));
}

/* name in record id, as type_field finds it: a member of its own first,
 * then through anonymous struct and union members, in order */
static bool plan_member(const struct btf *btf, int id, const char *name,
			struct kplan *p)
{
	const struct btf_type *t = btf__type_by_id(btf, id), *mt;
	const struct btf_member *m = btf_members(t);
	int n = p->n;

	for (int i = 0; i < btf_vlen(t); i++) {
		const char *mn = btf__name_by_offset(btf, m[i].name_off);

		if (!strcmp(mn, name))
			return set_member(btf, p, t, i) &&
			       add_step(p, id, i, mn);
	}
	for (int i = 0; i < btf_vlen(t); i++) {
		int mid = skip_mods(btf, m[i].type);

		mt = btf__type_by_id(btf, mid);
		if (m[i].name_off || !mt || !btf_is_composite(mt))
			continue;
		if (add_step(p, id, i, NULL) && plan_member(btf, mid, name, p))
			return true;
		p->n = n;
	}
	return false;
}

/* A pointer to a named kernel record starts a chain. */
static bool plan_root(struct gen *g, struct node *x, struct kplan *p)
{
	struct type *rec = x->type->kind == T_PTR ? x->type->elem : NULL;
	const struct btf_type *t;
	struct btf *btf;

	if (!rec || rec->kind != T_RECORD)
		return false;
	rec = typereg_complete(g->ctx, rec);
	btf = compile_btf(g->ctx);
	if (!btf || rec->btf_id <= 0)
		return false;
	t = btf__type_by_id(btf, rec->btf_id);
	if (!t || !btf_is_composite(t) || !t->name_off)
		return false;
	p->base = x;
	p->root = p->id = rec->btf_id;
	p->n = 0;
	p->bit_size = 0;
	return true;
}

static bool plan(struct gen *g, struct node *e, struct kplan *p);

/* x[i] with a constant i in bounds, of an array of a non-array type (the
 * backend's chains take one dimension at a time) */
static bool plan_index(struct gen *g, struct node *e, struct kplan *p)
{
	struct node *x = e->u.index.expr, *i = e->u.index.index;
	const struct btf_type *t, *et;
	struct btf *btf = compile_btf(g->ctx);
	uint64_t n;

	if (x->type->kind != T_ARRAY || i->kind != N_INT || !plan(g, x, p) ||
	    p->bit_size)
		return false;
	t = btf__type_by_id(btf, p->id);
	if (!t || !btf_is_array(t))
		return false;
	n = i->u.integer.value;
	et = btf__type_by_id(btf, skip_mods(btf, btf_array(t)->type));
	if (n >= btf_array(t)->nelems || !et || btf_is_array(et) ||
	    !add_step(p, p->id, (unsigned)n, NULL))
		return false;
	p->id = skip_mods(btf, btf_array(t)->type);
	return true;
}

/* A relocated access costs an instruction more than an offset compiled
 * in (LLVM 16 puts the offset in a register, r1 = 1264; r3 += r1, where
 * it would add it, r3 += 1264), so a program relocates only where the
 * layout it was compiled with may not be the running kernel's: compiled
 * ahead of time (--compile-only), or against another BTF (ETRACE_BTF). */
static bool relocating(const struct gen *g)
{
	return g->ctx->opts.ahead_of_time || compile_btf_foreign(g->ctx);
}

/* Whether e (a field or index node) is a relocatable access, and how. */
static bool plan(struct gen *g, struct node *e, struct kplan *p)
{
	struct node *x;
	const struct btf_type *t;
	struct btf *btf = compile_btf(g->ctx);

	if (!relocating(g))
		return false;
	if (e->kind == N_INDEX)
		return plan_index(g, e, p);
	if (e->kind != N_FIELD || !btf)
		return false;
	x = e->u.field.expr;
	if (x->type->is_ctx)
		return false;
	if (e->u.field.arrow ||
	    (x->kind == N_UNOP && x->u.unop.op == OP_DEREF)) { /* (*p).f */
		if (!plan_root(g, e->u.field.arrow ? x : x->u.unop.expr, p))
			return false;
	} else if (x->type->kind != T_RECORD || !plan(g, x, p) || p->bit_size) {
		return false;
	}
	t = btf__type_by_id(btf, p->id);
	return t && btf_is_composite(t) &&
	       plan_member(btf, p->id, e->u.field.name, p);
}

/* ---- debug info types ---- */

static LLVMMetadataRef bytes_di(struct gen *g, uint32_t n)
{
	LLVMMetadataRef u8, sub;

	u8 = LLVMDIBuilderCreateBasicType(cg_dibuilder(g->cg), "unsigned char",
					  13, 8, 8 /* DW_ATE_unsigned_char */,
					  0);
	sub = LLVMDIBuilderGetOrCreateSubrange(cg_dibuilder(g->cg), 0, n);
	return LLVMDIBuilderCreateArrayType(cg_dibuilder(g->cg),
					    (uint64_t)n * 8, 8, u8, &sub, 1);
}

static const char *btf_name(struct kstruct *ks, const struct btf_type *t)
{
	const char *n = btf__name_by_offset(ks->btf, t->name_off);

	return n ? n : "";
}

/* The record's alignment as the backend reads it from the IR type, at
 * most 8 (the backend refuses bitfields of records aligned more). */
static unsigned rec_align(const struct btf *btf, int id, uint32_t size)
{
	int a = btf__align_of(btf, id);

	if (a > 8)
		a = 8;
	if (a <= 0 || size % a)
		a = 1;
	return (unsigned)a;
}

static struct krec *krec_get(struct gen *g, int id)
{
	struct kstruct *ks = kstate(g);
	const struct btf_type *t = btf__type_by_id(ks->btf, id);
	const char *name = btf_name(ks, t);
	struct krec *r;

	for (r = ks->recs; r; r = r->next)
		if (r->id == id)
			return r;
	r = arena_calloc(g->ctx->arena, 1, sizeof(*r));
	r->id = id;
	r->align = rec_align(ks->btf, id, t->size);
	r->ir = LLVMArrayType(cg_int(g->cg, r->align * 8), t->size / r->align);
	r->used = arena_calloc(g->ctx->arena, btf_vlen(t) + 1, 1);
	if (*name)
		name = arena_printf(g->ctx->arena, "%s%s", name, ks->flavor);
	r->di = LLVMDIBuilderCreateReplaceableCompositeType(
	    cg_dibuilder(g->cg), btf_is_union(t) ? 0x17 : 0x13, name,
	    strlen(name), cg_difile(g->cg), cg_difile(g->cg), 0, 0,
	    (uint64_t)t->size * 8, r->align * 8, 0, "", 0);
	*ks->tail = r;
	ks->tail = &r->next;
	return r;
}

static LLVMMetadataRef kdi_int(struct gen *g, struct kstruct *ks,
			       const struct btf_type *t)
{
	const char *n = btf_name(ks, t);
	int enc = btf_int_encoding(t);
	unsigned dw =
	    enc & BTF_INT_BOOL ? 2 /* DW_ATE_boolean */
	    : enc & BTF_INT_CHAR
		? (enc & BTF_INT_SIGNED ? 6 : 8) /* signed/unsigned_char */
	    : enc & BTF_INT_SIGNED ? 5
				   : 7; /* signed, unsigned */

	return LLVMDIBuilderCreateBasicType(cg_dibuilder(g->cg), n, strlen(n),
					    (uint64_t)t->size * 8, dw, 0);
}

/* An enum of the kernel's name (libbpf compares enum names), no values;
 * its base type carries size and sign */
static LLVMMetadataRef kdi_enum(struct gen *g, struct kstruct *ks,
				const struct btf_type *t)
{
	static const char *const names[2][4] = {
	    {"unsigned char", "unsigned short", "unsigned int",
	     "unsigned long long"},
	    {"signed char", "short", "int", "long long"},
	};
	const char *n = btf_name(ks, t);
	int s = btf_kflag(t), k = t->size >= 8	 ? 3
				  : t->size >= 4 ? 2
				  : t->size >= 2 ? 1
						 : 0;
	LLVMMetadataRef b;

	b = LLVMDIBuilderCreateBasicType(cg_dibuilder(g->cg), names[s][k],
					 strlen(names[s][k]),
					 (uint64_t)t->size * 8, s ? 5 : 7, 0);
	return LLVMDIBuilderCreateEnumerationType(
	    cg_dibuilder(g->cg), cg_difile(g->cg), n, strlen(n),
	    cg_difile(g->cg), 0, (uint64_t)t->size * 8, t->size * 8, NULL, 0,
	    b);
}

static LLVMMetadataRef kdi(struct gen *g, int id);

static LLVMMetadataRef kdi_array(struct gen *g, struct kstruct *ks, int id,
				 const struct btf_type *t)
{
	LLVMDIBuilderRef di = cg_dibuilder(g->cg);
	const struct btf_array *a = btf_array(t);
	LLVMMetadataRef elem = kdi(g, a->type), sub;
	int sz = btf__resolve_size(ks->btf, id);

	if (!elem)
		elem = bytes_di(g, 1);
	sub = LLVMDIBuilderGetOrCreateSubrange(di, 0, a->nelems);
	return LLVMDIBuilderCreateArrayType(di, sz > 0 ? (uint64_t)sz * 8 : 0,
					    8, elem, &sub, 1);
}

static LLVMMetadataRef kdi_make(struct gen *g, struct kstruct *ks, int id,
				const struct btf_type *t)
{
	int sz;

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return kdi_int(g, ks, t);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return kdi_enum(g, ks, t);
	case BTF_KIND_PTR:
		return LLVMDIBuilderCreatePointerType(cg_dibuilder(g->cg), NULL,
						      64, 64, 0, "", 0);
	case BTF_KIND_ARRAY:
		return kdi_array(g, ks, id, t);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return krec_get(g, id)->di;
	case BTF_KIND_FLOAT:
		return LLVMDIBuilderCreateBasicType(
		    cg_dibuilder(g->cg), btf_name(ks, t),
		    strlen(btf_name(ks, t)), (uint64_t)t->size * 8,
		    4 /* DW_ATE_float */, 0);
	default:
		sz = btf__resolve_size(ks->btf, id);
		return bytes_di(g, sz > 0 ? sz : 0);
	}
}

/* The debug info type of BTF type id as libbpf compares it with the
 * kernel's (modifiers and typedefs skipped); NULL for void. */
static LLVMMetadataRef kdi(struct gen *g, int id)
{
	struct kstruct *ks = kstate(g);
	const struct btf_type *t;
	struct kdi *k;

	id = skip_mods(ks->btf, id);
	t = id ? btf__type_by_id(ks->btf, id) : NULL;
	if (!t)
		return NULL;
	if (btf_is_composite(t))
		return krec_get(g, id)->di;
	for (k = ks->types; k; k = k->next)
		if (k->id == id)
			return k->di;
	k = arena_calloc(g->ctx->arena, 1, sizeof(*k));
	k->id = id;
	k->di = kdi_make(g, ks, id, t);
	k->next = ks->types;
	ks->types = k;
	return k->di;
}

static LLVMMetadataRef member_di(struct gen *g, struct krec *r,
				 const struct btf_type *t, int i)
{
	struct kstruct *ks = kstate(g);
	const struct btf_member *m = btf_members(t) + i;
	const char *n = btf__name_by_offset(ks->btf, m->name_off);
	uint32_t off = btf_member_bit_offset(t, i);
	uint32_t bits = btf_member_bitfield_size(t, i);
	LLVMMetadataRef ty;
	int sz;

	if (bits) { /* its own int type: the backend reads its storage */
		ty = kdi(g, m->type);
		sz = btf__resolve_size(ks->btf, m->type);
		return LLVMDIBuilderCreateBitFieldMemberType(
		    cg_dibuilder(g->cg), cg_difile(g->cg), n, strlen(n),
		    cg_difile(g->cg), 0, bits, off,
		    sz > 0 ? off & ~(uint32_t)(sz * 8 - 1) : off, 0, ty);
	}
	sz = btf__resolve_size(ks->btf, m->type);
	sz = sz > 0 ? sz : 0;
	ty = r->used[i] ? kdi(g, m->type) : NULL;
	if (!ty)
		ty = bytes_di(g, (uint32_t)sz);
	return LLVMDIBuilderCreateMemberType(
	    cg_dibuilder(g->cg), cg_difile(g->cg), n, strlen(n),
	    cg_difile(g->cg), 0, (uint64_t)sz * 8, 0, off, 0, ty);
}

static void krec_finish(struct gen *g, struct krec *r)
{
	struct kstruct *ks = kstate(g);
	LLVMDIBuilderRef di = cg_dibuilder(g->cg);
	const struct btf_type *t = btf__type_by_id(ks->btf, r->id);
	int n = btf_vlen(t);
	LLVMMetadataRef *el = arena_calloc(g->ctx->arena, n + 1, sizeof(*el));
	const char *name = btf_name(ks, t);
	LLVMMetadataRef done;

	for (int i = 0; i < n; i++)
		el[i] = member_di(g, r, t, i);
	if (*name)
		name = arena_printf(g->ctx->arena, "%s%s", name, ks->flavor);
	if (btf_is_union(t))
		done = LLVMDIBuilderCreateUnionType(
		    di, cg_difile(g->cg), name, strlen(name), cg_difile(g->cg),
		    0, (uint64_t)t->size * 8, r->align * 8, 0, el, n, 0, "", 0);
	else
		done = LLVMDIBuilderCreateStructType(
		    di, cg_difile(g->cg), name, strlen(name), cg_difile(g->cg),
		    0, (uint64_t)t->size * 8, r->align * 8, 0, NULL, el, n, 0,
		    NULL, "", 0);
	LLVMMetadataReplaceAllUsesWith(r->di, done);
	r->di = done;
}

LLVMValueRef gen_ksym_var(struct gen *g, const char *name)
{
	struct kstruct *ks = kstate(g);
	const struct btf_type *v;
	LLVMMetadataRef gve;
	LLVMValueRef gv = LLVMGetNamedGlobal(cg_module(g->cg), name);
	int id =
	    ks->btf ? btf__find_by_name_kind(ks->btf, name, BTF_KIND_VAR) : -1;
	int64_t size;

	if (gv)
		return gv;
	v = id > 0 ? btf__type_by_id(ks->btf, id) : NULL;
	size = v ? btf__resolve_size(ks->btf, v->type) : -1;
	if (!v || size < 0) {
		gen_error(g, g->at ? g->at->loc : (struct loc){0},
			  "No kernel variable %s in the kernel's BTF", name);
		return NULL;
	}
	gv = LLVMAddGlobal(cg_module(g->cg),
			   LLVMArrayType(cg_int(g->cg, 8), (unsigned)size),
			   name);
	LLVMSetSection(gv, ".ksyms");
	LLVMSetLinkage(gv, LLVMExternalLinkage);
	gve = LLVMDIBuilderCreateGlobalVariableExpression(
	    cg_dibuilder(g->cg), cg_difile(g->cg), name, strlen(name), name,
	    strlen(name), cg_difile(g->cg), 0, kdi(g, v->type), 0,
	    LLVMDIBuilderCreateExpression(cg_dibuilder(g->cg), NULL, 0), NULL,
	    0);
	LLVMGlobalSetMetadata(
	    gv, LLVMGetMDKindIDInContext(cg_context(g->cg), "dbg", 3), gve);
	return gv;
}

void gen_kstruct_finish(struct gen *g)
{
	/* finishing a record can add records (a member on a path whose
	 * type is one): they join the end of the list */
	if (g->kstruct)
		for (struct krec *r = g->kstruct->recs; r; r = r->next)
			krec_finish(g, r);
}

/* ---- emitting ---- */

/* "f_path.dentry", "arr[2].x": the access as libbpf spells it */
static const char *access_str(struct gen *g, const struct kplan *p)
{
	const char *s = "";

	for (int i = 0; i < p->n; i++) {
		const struct kstep *st = &p->steps[i];

		if (st->name)
			s = arena_printf(g->ctx->arena, "%s%s%s", s,
					 *s ? "." : "", st->name);
		else if (btf_is_array(
			     btf__type_by_id(kstate(g)->btf, st->container)))
			s = arena_printf(g->ctx->arena, "%s[%u]", s, st->idx);
	}
	return s;
}

/* The access for the runtime, once per place and program. */
static void note_access(struct gen *g, const struct node *e,
			const struct kplan *p)
{
	struct kstruct *ks = kstate(g);
	const struct btf_type *t = btf__type_by_id(ks->btf, p->root);
	const char *type =
	    arena_printf(g->ctx->arena, "%s %s",
			 btf_is_union(t) ? "union" : "struct", btf_name(ks, t));
	const char *access = access_str(g, p);
	struct core_field_meta **pp = &g->ep->core_fields;

	for (; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->type, type) &&
		    !strcmp((*pp)->access, access) &&
		    (*pp)->loc.begin == e->loc.begin)
			return;
	*pp = arena_calloc(g->ctx->arena, 1, sizeof(**pp));
	(*pp)->type = type;
	(*pp)->access = access;
	(*pp)->loc = e->loc;
}

static LLVMValueRef emit_step(struct gen *g, LLVMValueRef ptr,
			      const struct kstep *st)
{
	struct kstruct *ks = kstate(g);
	const struct btf_type *t = btf__type_by_id(ks->btf, st->container);
	const struct btf_array *a;
	struct krec *r;
	int esz;

	if (btf_is_array(t)) {
		a = btf_array(t);
		esz = btf__resolve_size(ks->btf, a->type);
		/* the array as an IR array of its elements' size, so that
		 * a call the pass left alone would still index right */
		return cg_core_array(
		    g->cg, ptr,
		    LLVMArrayType(
			LLVMArrayType(cg_int(g->cg, 8), esz > 0 ? esz : 0),
			a->nelems),
		    st->idx, kdi(g, st->container));
	}
	r = krec_get(g, st->container);
	r->used[st->idx] = true;
	if (btf_is_union(t))
		return cg_core_union(g->cg, ptr, st->idx, r->di);
	return cg_core_struct(g->cg, ptr, r->ir, st->idx, r->di);
}

/* The chain of p: a pointer to what it reaches; *root its base. */
static LLVMValueRef emit(struct gen *g, const struct node *e,
			 const struct kplan *p, LLVMValueRef *root)
{
	LLVMValueRef ptr =
	    LLVMBuildIntToPtr(g->b, gen_expr(g, p->base), cg_ptr(g->cg), "");

	*root = ptr;
	for (int i = 0; i < p->n; i++)
		ptr = emit_step(g, ptr, &p->steps[i]);
	note_access(g, e, p);
	return ptr;
}

LLVMValueRef gen_kaddr(struct gen *g, struct node *e, enum cg_space *sp)
{
	struct kplan p;
	LLVMValueRef root, ptr;

	if (!plan(g, e, &p) || p.bit_size)
		return NULL;
	*sp = gen_space(g, p.base->type);
	ptr = emit(g, e, &p, &root);
	return LLVMBuildPtrToInt(g->b, ptr, cg_int(g->cg, 64), "");
}

/* What the backend can describe: a bitfield of a struct (a union gives
 * it no alignment) inside one aligned unit of the struct's alignment. */
static bool bitfield_ok(struct gen *g, const struct kplan *p)
{
	const struct kstep *st = &p->steps[p->n - 1];
	const struct btf *btf = compile_btf(g->ctx);
	const struct btf_type *t = btf__type_by_id(btf, st->container);
	uint32_t unit = rec_align(btf, st->container, t->size) * 8;

	return btf_is_struct(t) && p->bit_size <= unit &&
	       (p->bit_offset & ~(unit - 1)) + unit >=
		   p->bit_offset + p->bit_size;
}

static LLVMValueRef info64(struct gen *g, LLVMValueRef field,
			   enum cg_field_info k)
{
	return LLVMBuildZExt(g->b, cg_core_field_info(g->cg, field, k),
			     cg_int(g->cg, 64), "");
}

/* As BPF_CORE_READ_BITFIELD_PROBED: the storage unit read into a zeroed
 * u64, shifted up to drop the bits above the field and down to drop
 * those below; every constant is relocated. Unsigned, as read_at. */
LLVMValueRef gen_kbitfield(struct gen *g, struct node *e)
{
	const struct node *keep = g->at;
	LLVMValueRef root, f, buf, src, v, off;
	struct kplan p;

	if (!plan(g, e, &p) || !p.bit_size || !bitfield_ok(g, &p))
		return NULL;
	f = emit(g, e, &p, &root);
	off = info64(g, f, CG_FIELD_BYTE_OFFSET);
	src = LLVMBuildGEP2(g->b, cg_int(g->cg, 8), root, &off, 1, "");
	buf = gen_tmp(g, 8, "bits");
	g->at = e; /* -kk: a failed read is reported here */
	cg_probe_read(g->cg, gen_space(g, p.base->type), buf,
		      cg_core_field_info(g->cg, f, CG_FIELD_BYTE_SIZE), src);
	g->at = keep;
	v = gen_load_al(g, buf, GEN_ALIGN, type_u64(), true);
	v = LLVMBuildShl(g->b, v, info64(g, f, CG_FIELD_LSHIFT_U64), "");
	return LLVMBuildLShr(g->b, v, info64(g, f, CG_FIELD_RSHIFT_U64),
			     "bits");
}
