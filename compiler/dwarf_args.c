/* A function's parameters from its DIE (its DW_TAG_formal_parameter
 * children, as bpftrace 0.17 reads them) and where the x86-64 System V
 * calling convention puts each at the function's entry, which is where
 * a uprobe reads them. The args record lays the places out as one
 * argument area: the six integer argument registers (rdi rsi rdx rcx r8
 * r9) at offsets 0, 8, ... 40, then the stack arguments from offset 48
 * (the first at sp + 8). A field's offset is its place; the code
 * generator reads each word of it from its register or the stack.
 *
 * Beyond bpftrace 0.17, which reads parameter N from register N
 * whatever its type: a struct of at most 16 bytes takes one or two
 * registers, a larger one (or one that cannot go in registers) the
 * stack, as do arguments after the sixth register; a function returning
 * a large struct receives its address in rdi first; floating-point
 * values travel in SSE registers, which a uprobe cannot read: those
 * parameters are typed T_NONE (named after their type), which the type
 * pass refuses where they are used. */
#include "dwarf_impl.h"

#include <dwarf.h>
#include <errno.h>

#define NREGS 6
#define NSSE 8
#define STACK_AREA (NREGS * 8)

enum { C_INT = 1, C_SSE = 2 };

/* Where one parameter goes. */
struct place {
	int nint, nsse;       /* registers of each class it needs */
	bool memory;          /* always on the stack */
	bool by_ref;          /* C++ non-trivial: its address in a register */
	uint64_t size, align;
};

static bool classify(Dwarf_Die *die, uint64_t off, unsigned cls[2],
		     int depth);

static bool mark(unsigned cls[2], uint64_t off, uint64_t size, unsigned c)
{
	if (!size || off + size > 16)
		return false;
	for (uint64_t b = off / 8; b <= (off + size - 1) / 8; b++)
		cls[b] |= c;
	return true;
}

static bool classify_base(Dwarf_Die *t, uint64_t off, unsigned cls[2])
{
	Dwarf_Attribute a;
	Dwarf_Word enc = 0;
	uint64_t size = dwarf_size_of(t);

	if (dwarf_attr_integrate(t, DW_AT_encoding, &a))
		dwarf_formudata(&a, &enc);
	if (enc == DW_ATE_float && size > 8)
		return false; /* long double: x87, in memory */
	if (size && size <= 8 && off % size)
		return false; /* unaligned: packed, in memory */
	return mark(cls, off, size, enc == DW_ATE_float ||
		    enc == DW_ATE_complex_float ? C_SSE : C_INT);
}

static bool classify_members(Dwarf_Die *rec, uint64_t off, unsigned cls[2],
			     int depth)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	Dwarf_Die m, t;
	bool ok = true;

	if (dwarf_child(rec, &m))
		return true;
	do {
		if (dwarf_tag(&m) != DW_TAG_member || !dwarf_type_of(&m, &t))
			continue;
		w = 0;
		if (dwarf_attr_integrate(&m, DW_AT_data_member_location, &a) &&
		    dwarf_formudata(&a, &w))
			return false;
		if (dwarf_attr_integrate(&m, DW_AT_data_bit_offset, &a) &&
		    !dwarf_formudata(&a, &w))
			w /= 8;
		if (dwarf_hasattr(&m, DW_AT_bit_size))
			ok = mark(cls, off + w, 1, C_INT);
		else
			ok = classify(&t, off + w, cls, depth + 1);
	} while (ok && !dwarf_siblingof(&m, &m));
	return ok;
}

/* Marks the eightbytes (two at most) that the scalars of die, placed at
 * off, occupy with their class; false when the value goes in memory. */
static bool classify(Dwarf_Die *die, uint64_t off, unsigned cls[2],
		     int depth)
{
	Dwarf_Die t, elem;
	uint64_t size, esize;

	if (depth > 16 || !dwarf_strip(die, &t))
		return false;
	size = dwarf_size_of(&t);
	switch (dwarf_tag(&t)) {
	case DW_TAG_base_type:
		return classify_base(&t, off, cls);
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
	case DW_TAG_enumeration_type:
		return size && !(off % size) && mark(cls, off, size, C_INT);
	case DW_TAG_array_type:
		if (!dwarf_type_of(&t, &elem) ||
		    !(esize = dwarf_size_of(&elem)))
			return !size;
		for (uint64_t i = 0; i < size / esize; i++)
			if (!classify(&elem, off + i * esize, cls, depth + 1))
				return false;
		return true;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		return classify_members(&t, off, cls, depth);
	default:
		return false;
	}
}

static uint64_t align_of(Dwarf_Die *t, uint64_t size)
{
	Dwarf_Attribute a;
	Dwarf_Word al;

	if (dwarf_attr_integrate(t, DW_AT_alignment, &a) &&
	    !dwarf_formudata(&a, &al) && al)
		return al;
	return size >= 16 ? 16 : 8;
}

static bool pass_by_reference(Dwarf_Die *t)
{
	Dwarf_Attribute a;
	Dwarf_Word cc;

	return dwarf_attr_integrate(t, DW_AT_calling_convention, &a) &&
	       !dwarf_formudata(&a, &cc) && cc == DW_CC_pass_by_reference;
}

/* The classes of a parameter of type die (System V x86-64 ABI, 3.2.3). */
static struct place place_of(Dwarf_Die *die)
{
	struct place p = { 0 };
	unsigned cls[2] = { 0, 0 };
	Dwarf_Die t;

	if (!dwarf_strip(die, &t))
		return p;
	p.size = dwarf_size_of(&t);
	p.align = align_of(&t, p.size);
	if (pass_by_reference(&t)) {
		p.by_ref = true;
		p.nint = 1;
		return p;
	}
	if (p.size > 16 || !classify(&t, 0, cls, 0)) {
		p.memory = p.size > 0;
		return p;
	}
	for (int b = 0; b < 2 && b * 8 < (int)p.size; b++) {
		if (cls[b] & C_INT)
			p.nint++;
		else if (cls[b] & C_SSE)
			p.nsse++;
	}
	return p;
}

/* A function returning a struct in memory gets its address in rdi. */
static int hidden_return_regs(Dwarf_Die *fn)
{
	struct place p;
	Dwarf_Die rt;

	if (!dwarf_type_of(fn, &rt))
		return 0;
	p = place_of(&rt);
	return p.memory || p.by_ref ? 1 : 0;
}

/* ---- the parameters, in order ---- */

struct params {
	struct dwarf_file *df;
	int gpr, sse;          /* registers taken */
	uint64_t stack;        /* bytes of stack arguments so far */
	struct type *rec;      /* the args record being built */
};

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* What a parameter the code generator cannot read is typed as: T_NONE
 * named after its type and where it is. */
static struct type *unreadable(struct params *ps, Dwarf_Die *die,
			       const char *where)
{
	struct type *t = type_simple(ps->df->ctx->arena, T_NONE, 0);

	t->name = arena_printf(ps->df->ctx->arena, "%s, passed in %s",
			       dwarf_type_text(ps->df, die), where);
	return t;
}

static uint32_t on_stack(struct params *ps, const struct place *p)
{
	uint64_t off;

	ps->stack = round_up(ps->stack, p->align > 8 ? p->align : 8);
	off = ps->stack;
	ps->stack += round_up(p->size ? p->size : 8, 8);
	return (uint32_t)(STACK_AREA + off);
}

/* Adds parameter die (of type tdie) to the record, at its place. */
static void add_param(struct params *ps, Dwarf_Die *die, Dwarf_Die *tdie)
{
	struct arena *a = ps->df->ctx->arena;
	struct place p = place_of(tdie);
	const char *name = dwarf_name_of(die);
	struct type *t = dwarf_convert(ps->df, tdie);
	uint32_t off;
	bool regs = !p.memory && ps->gpr + p.nint <= NREGS &&
		    ps->sse + p.nsse <= NSSE;

	if (p.by_ref)
		t = type_ptr(a, t, AS_USER);
	if (regs && p.nsse)
		t = unreadable(ps, tdie, p.nint ? "integer and floating-point "
			       "registers" : "floating-point registers");
	if (regs) {
		off = (uint32_t)(ps->gpr * 8);
		ps->gpr += p.nint;
		ps->sse += p.nsse;
	} else {
		off = on_stack(ps, &p);
	}
	if (name && t)
		type_record_add(a, ps->rec, name, t, off, 0, 0);
}

static bool next_param(Dwarf_Die *c, bool first)
{
	if (first ? dwarf_child(c, c) : dwarf_siblingof(c, c))
		return false;
	while (dwarf_tag(c) != DW_TAG_formal_parameter)
		if (dwarf_siblingof(c, c))
			return false;
	return true;
}

struct type *dwarf_func_args(struct compile_ctx *ctx, struct dwarf_file *df,
			     const char *func)
{
	struct params ps = { .df = df };
	Dwarf_Die fn, c, t;

	if (!dwarf_func_die(df, func, &fn)) {
		errno = ENOENT;
		return NULL;
	}
	/* Go's ABI is not the System V one (go_args.c) */
	if (dwarf_diecu(&fn, &c, NULL, NULL) &&
	    dwarf_srclang(&c) == DW_LANG_Go)
		return dwarf_go_func_args(ctx, df, &fn, func);
	ps.rec = type_record(ctx->arena, arena_printf(ctx->arena,
			     "struct _func_args_%s", func), false);
	ps.rec->as = AS_USER;
	ps.gpr = hidden_return_regs(&fn);
	c = fn;
	for (bool first = true; next_param(&c, first); first = false)
		if (dwarf_type_of(&c, &t))
			add_param(&ps, &c, &t);
	ps.rec->size = (uint32_t)(STACK_AREA + ps.stack);
	return ps.rec;
}

struct type *dwarf_func_ret(struct dwarf_file *df, const char *func)
{
	Dwarf_Die fn, t, c;

	if (!dwarf_func_die(df, func, &fn) ||
	    (dwarf_diecu(&fn, &c, NULL, NULL) &&
	     dwarf_srclang(&c) == DW_LANG_Go) ||
	    !dwarf_type_of(&fn, &t))
		return NULL;
	return dwarf_convert(df, &t);
}

int dwarf_func_params(struct compile_ctx *ctx, struct dwarf_file *df,
		      const char *func, dwarf_param_fn fn, void *arg)
{
	Dwarf_Die f, c, t;

	if (!dwarf_func_die(df, func, &f))
		return -ENOENT;
	c = f;
	for (bool first = true; next_param(&c, first); first = false)
		if (!dwarf_go_is_result(&c)) /* Go's results */
			fn(dwarf_name_of(&c), dwarf_type_of(&c, &t) ?
			   dwarf_type_text(df, &t) : "void", arg);
	return 0;
}
