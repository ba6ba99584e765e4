/* cg_probe_regs.c: the kinds whose context is struct pt_regs (x86-64):
 * kprobe, kretprobe, uprobe, uretprobe. Arguments in registers (then on
 * the stack: sargN), the return value in ax; a uprobe's function is
 * where it stopped (ip), bpf_get_func_ip knowing kprobes and trampolines
 * only. In a latency block's return program func comes from the entry
 * (LAT_FUNC_SLOT). */
#include "cg_probe.h"

static LLVMValueRef regs_arg(struct gen *g, struct node *e, int n)
{
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
	if (i < 6)
		return gen_ctx_word(g, cg_regs_args[i]);
	if (i == LAT_FUNC_SLOT)
		return gen_ctx_word(g, CG_REGS_IP);
	return cg_const(g->cg, 64, 0);
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

const struct cg_probe cg_kind_UPROBE = {
	.arg = regs_arg,
	.sarg = regs_sarg,
	.retval = regs_retval,
	.func = uprobe_func,
	.lat_save = uprobe_lat_save,
};

const struct cg_probe cg_kind_URETPROBE = {
	.arg = regs_arg,
	.retval = regs_retval,
	.func = gen_func_ip,
};
