/* cg_usdt.c: the code generation half of the usdt provider
 * (cg_probe.h). argN of usdt:BIN:[PROVIDER:]NAME is computed in BPF from
 * the operand its SystemTap note gives (usdt_notes.h): a constant, a
 * register of pt_regs, or a load from user memory at a displacement plus
 * a base register and an index register times a scale. Each note of the probe
 * (a probe inlined at several places has several, each with its own operands)
 * gets a program of its own, a uprobe at the note's file offset (the runtime
 * attaches it so, with the semaphore as reference counter); libbpf's own USDT
 * support (BPF-side spec maps) is not used. */
#include <string.h>

#include "cg_probe.h"
#include "usdt_notes.h"

static const struct usdt_notes *notes_of(struct gen *g, const char *path)
{
	if (!g->usdt || strcmp(g->usdt_path, path)) {
		usdt_notes__free(g->usdt);
		g->usdt = usdt_notes__open(path);
		g->usdt_path = path;
	}
	return g->usdt;
}

/* Provider and name of this program's probe (t: "provider:name" of a
 * wildcard match). */
static void split_target(struct gen *g, struct attach_point *ap,
			 const char *t, const char **ns, const char **name)
{
	*ns = ap->ns;
	*name = ap->func;
	if (t) {
		size_t c = strcspn(t, ":");

		*ns = arena_strndup(g->ctx->arena, t, c);
		*name = t[c] ? t + c + 1 : t;
	}
}

/* The note number g->prog_index of this program's probe, or NULL. */
static const struct usdt_probe *usdt_probe(struct gen *g,
					   struct attach_point *ap,
					   const char *t)
{
	const struct usdt_notes *un = notes_of(g, ap->target);
	const struct usdt_probe *p = NULL;
	const char *ns, *name;
	size_t n = 0;

	if (!un)
		return NULL;
	split_target(g, ap, t, &ns, &name);
	for (p = usdt_notes__find(un, ns, name, false, 0); p;
	     p = usdt_notes__find(un, ns, name, false, p - un->probes + 1))
		if (n++ == g->prog_index)
			break;
	return p;
}

static size_t count_notes(struct gen *g, struct attach_point *ap,
			  const char *t)
{
	const struct usdt_notes *un = notes_of(g, ap->target);
	const struct usdt_probe *p;
	const char *ns, *name;
	size_t n = 0;

	if (!un)
		return 0;
	split_target(g, ap, t, &ns, &name);
	for (p = usdt_notes__find(un, ns, name, false, 0); p;
	     p = usdt_notes__find(un, ns, name, false, p - un->probes + 1))
		n++;
	return n;
}

/* v truncated to the operand's size and extended by its sign: "4@$-16"
 * is 4294967280, "-4@$-16" -16 (as bpftrace 0.17 reads them). */
static LLVMValueRef extend(struct gen *g, LLVMValueRef v,
			   const struct usdt_arg *a)
{
	LLVMTypeRef i64 = cg_int(g->cg, 64);

	if (a->size >= 8)
		return v;
	v = LLVMBuildTrunc(g->b, v, cg_int(g->cg, a->size * 8), "");
	return a->is_signed ? LLVMBuildSExt(g->b, v, i64, "")
			    : LLVMBuildZExt(g->b, v, i64, "");
}

/* The register at offset off of pt_regs, shifted right by shift bits. */
static LLVMValueRef reg(struct gen *g, int off, int shift, const char *name)
{
	LLVMValueRef i = cg_const(g->cg, 64, off), p, v;

	p = LLVMBuildGEP2(g->b, cg_int(g->cg, 8), gen_probe_ctx(g), &i, 1,
			  "");
	v = LLVMBuildLoad2(g->b, cg_int(g->cg, 64), p, name);
	if (shift)
		v = LLVMBuildLShr(g->b, v, cg_const(g->cg, 64, shift), "");
	return v;
}

/* Forms code generation cannot read: symbols (foo(%rip)), registers
 * outside pt_regs, and absolute addresses. */
static bool supported(const struct usdt_arg *a)
{
	if (a->kind == USDT_ARG_CONST)
		return true;
	if (a->symbol[0] || !strcmp(a->reg, "rip") ||
	    (a->reg[0] && a->reg_off < 0) || (a->index[0] && a->index_off < 0))
		return false;
	return a->kind == USDT_ARG_REG || a->reg[0] || a->index[0];
}

/* disp(base, index, scale): disp + base + index * scale */
static LLVMValueRef mem_addr(struct gen *g, const struct usdt_arg *a)
{
	LLVMValueRef addr = cg_const(g->cg, 64, a->value), ix;

	if (a->reg[0])
		addr = LLVMBuildAdd(
		    g->b, addr, reg(g, a->reg_off, a->reg_shift, a->reg), "");
	if (a->index[0]) {
		ix = LLVMBuildMul(g->b, reg(g, a->index_off, 0, a->index),
				  cg_const(g->cg, 64, a->scale), "");
		addr = LLVMBuildAdd(g->b, addr, ix, "");
	}
	return addr;
}

static LLVMValueRef usdt_arg(struct gen *g, struct node *e, int n)
{
	const struct usdt_probe *p = g->usdt_probe;
	const struct usdt_arg *a;
	LLVMValueRef buf;

	if (!p || p->nargs < 0 || n >= p->nargs) {
		gen_error(g, e->loc, "usdt probe %s has no argument arg%d",
			  g->probe_name, n);
		return cg_const(g->cg, 64, 0);
	}
	a = &p->arg[n];
	if (!supported(a)) {
		gen_error(g, e->loc,
			  "Cannot generate code for arg%d of usdt probe %s: "
			  "operand form not supported",
			  n, g->probe_name);
		return cg_const(g->cg, 64, 0);
	}
	if (a->kind == USDT_ARG_CONST)
		return extend(g, cg_const(g->cg, 64, a->value), a);
	if (a->kind == USDT_ARG_REG)
		return extend(g, reg(g, a->reg_off, a->reg_shift, a->reg), a);
	/* the operand's bytes only: it may end a mapping */
	buf = gen_read(g, mem_addr(g, a), a->size, CG_USER);
	return gen_load(g, buf, type_int(a->size, a->is_signed), false);
}

/* one program per note */
static size_t usdt_nprograms(struct gen *g, struct attach_point *ap,
			     const char *t)
{
	size_t n = count_notes(g, ap, t);

	if (!n)
		gen_error(g, ap->loc, "No USDT probe '%s' in %s",
			  t ? t : ap->func, ap->target);
	return n;
}

/* the note of this program: its operands, its place for the runtime */
static void usdt_begin(struct gen *g, struct probe_meta *ep,
		       struct attach_point *ap, const char *t)
{
	g->usdt_probe = usdt_probe(g, ap, t);
	if (g->usdt_probe) {
		ep->usdt_offset = g->usdt_probe->pc_offset;
		ep->usdt_sema_offset = g->usdt_probe->sema_offset;
	}
}

/* where the note is: the program stopped there */
static LLVMValueRef usdt_func(struct gen *g)
{
	return gen_ctx_load(g, CG_REGS_IP, 8, false);
}

const struct cg_probe cg_kind_USDT = {
	.arg = usdt_arg,
	.func = usdt_func,
	.nprograms = usdt_nprograms,
	.begin = usdt_begin,
};
