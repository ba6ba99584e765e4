/* cg_probe_regs.c: the kinds whose context is struct pt_regs (x86-64):
 * kprobe, kretprobe, uprobe, uretprobe. Arguments in registers (then on
 * the stack: sargN), the return value in ax; a uprobe's function is
 * where it stopped (ip), bpf_get_func_ip knowing kprobes and trampolines
 * only. In a latency block's return program func comes from the entry
 * (LAT_FUNC_SLOT). A uprobe's args (typed from the binary's debug info,
 * compiler/dwarf_args.c) lie in one argument area: the six argument
 * registers, then the stack arguments. */
#include <string.h>

#include "cg_probe.h"

static LLVMValueRef regs_arg(struct gen *g, struct node *e, int n)
{
	if (cg_go_code(g))
		return cg_go_arg(g, e, n);
	return n < 6 ? gen_ctx_load(g, cg_regs_args[n], 8, false) : NULL;
}

/* at the entry: sp points at the return address, the stack arguments
 * follow it (bpftrace's x86-64 sargN) */
static LLVMValueRef regs_sarg(struct gen *g, int n)
{
	LLVMValueRef sp = gen_ctx_load(g, CG_REGS_SP, 8, false), buf;

	sp = LLVMBuildAdd(g->b, sp, cg_const(g->cg, 64, (n + 1) * 8), "");
	buf = gen_read(g, sp, 8, gen_space(g, NULL));
	return gen_load(g, buf, type_u64(), true);
}

static LLVMValueRef regs_retval(struct gen *g)
{
	return gen_ctx_load(g, CG_REGS_AX, 8, false);
}

/* func in a kprobe: bpf_get_func_ip at the entry; inside the function
 * (kprobe:f+off) that helper returns 0 from 6.0 on, and regs->ip is the
 * probed instruction + 1 (int3 semantics, optimized or not) */
static LLVMValueRef kprobe_func_ip(struct gen *g)
{
	if (g->ap && g->ap->has_offset)
		return LLVMBuildSub(g->b, gen_ctx_load(g, CG_REGS_IP, 8, false),
				    cg_const(g->cg, 64, 1), "func");
	return gen_func_ip(g);
}

static LLVMValueRef kprobe_func(struct gen *g)
{
	if (g->lat_saved)
		return gen_lat_arg(g, LAT_FUNC_SLOT);
	return kprobe_func_ip(g);
}

static LLVMValueRef uprobe_func(struct gen *g)
{
	if (g->lat_saved)
		return gen_lat_arg(g, LAT_FUNC_SLOT);
	if (cg_go_code(g))
		return cg_go_entry_func(g);
	return gen_ctx_load(g, CG_REGS_IP, 8, false);
}

/* the register arguments, then the function in LAT_FUNC_SLOT */
static LLVMValueRef kprobe_lat_save(struct gen *g, unsigned i)
{
	if (i < 6)
		return gen_ctx_word(g, cg_regs_args[i]);
	if (i == LAT_FUNC_SLOT)
		return kprobe_func_ip(g);
	return cg_const(g->cg, 64, 0);
}

static LLVMValueRef uprobe_lat_save(struct gen *g, unsigned i)
{
	if (cg_go_code(g))
		return cg_go_lat_save(g, i);
	if (i < 6)
		return gen_ctx_word(g, cg_regs_args[i]);
	if (i == LAT_FUNC_SLOT)
		return gen_ctx_word(g, CG_REGS_IP);
	return cg_const(g->cg, 64, 0);
}

/* Word i of the argument area: a register, saved by the entry in a
 * latency block's return program, or a stack argument, which only the
 * entry can read (gen_error then, at e). */
static LLVMValueRef area_word(struct gen *g, struct node *e, unsigned i)
{
	if (i < 6)
		return g->lat_saved ?
			       gen_lat_arg(g, i) :
			       gen_ctx_load(g, cg_regs_args[i], 8, false);
	if (g->lat_saved) {
		gen_error(g, e->loc, "args->%s is passed on the stack, which "
			  "the return of a latency block cannot read",
			  e->u.field.name);
		return cg_const(g->cg, 64, 0);
	}
	return regs_sarg(g, (int)i - 6);
}

/* args->name: a scalar from its word, a struct passed by value copied
 * word by word into a buffer (the value of a record is its address) */
static LLVMValueRef uprobe_args_field(struct gen *g, struct node *e)
{
	struct type *rec = gen_args_rec(g);
	const struct field *f = NULL;
	LLVMValueRef buf;
	uint32_t words;

	if (cg_go_code(g))
		return cg_go_args_field(g, e);
	for (uint32_t i = 0; rec && i < rec->nfields && !f; i++)
		if (!strcmp(rec->fields[i].name, e->u.field.name))
			f = &rec->fields[i];
	if (!f)
		return NULL;
	if (gen_is_scalar(e->type))
		return gen_int_norm(g, area_word(g, e, f->offset / 8), e->type);
	words = (e->type->size + 7) / 8;
	buf = gen_tmp(g, words * 8, "arg");
	for (uint32_t w = 0; w < words; w++)
		gen_store_al(g, LLVMBuildGEP2(g->b, cg_int(g->cg, 8), buf,
					      (LLVMValueRef[]){ cg_const(
						  g->cg, 64, w * 8) }, 1, ""),
			     GEN_ALIGN, type_u64(), false,
			     area_word(g, e, f->offset / 8 + w), type_u64());
	return buf;
}

const struct cg_probe cg_kind_KPROBE = {
	.arg = regs_arg,
	.sarg = regs_sarg,
	.retval = regs_retval,
	.func = kprobe_func,
	.lat_save = kprobe_lat_save,
};

const struct cg_probe cg_kind_KRETPROBE = {
	.arg = regs_arg,
	.retval = regs_retval,
	.func = gen_func_ip,
};

/* a Go function's return is a uprobe at a RET (cg_go.c) */
static LLVMValueRef uretprobe_func(struct gen *g)
{
	if (cg_go_code(g))
		return cg_go_ret_func(g);
	return gen_func_ip(g);
}

const struct cg_probe cg_kind_UPROBE = {
	.arg = regs_arg,
	.sarg = regs_sarg,
	.retval = regs_retval,
	.func = uprobe_func,
	.args_field = uprobe_args_field,
	.lat_save = uprobe_lat_save,
	.begin = cg_go_begin,
};

const struct cg_probe cg_kind_URETPROBE = {
	.arg = regs_arg,
	.retval = regs_retval,
	.func = uretprobe_func,
	.begin = cg_go_begin,
};
