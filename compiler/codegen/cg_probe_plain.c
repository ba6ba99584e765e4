/* cg_probe_plain.c: the kinds whose programs read nothing from their
 * context but the context itself (ctx, and what helpers take from it:
 * stacks, reg()), and iter, whose args are the members of its context.
 * BEGIN and END run once from user space; timers, software and hardware
 * events get the perf event's bpf_perf_event_data, whose first member is
 * pt_regs (so do watchpoints: cg_watch.c); an iterator gets its struct
 * bpf_iter__<name>. */
#include "cg_probe.h"

const struct cg_probe cg_kind_BEGIN = { 0 };
const struct cg_probe cg_kind_SELF = { 0 };
const struct cg_probe cg_kind_END = { 0 };
const struct cg_probe cg_kind_PROFILE = { 0 };
const struct cg_probe cg_kind_INTERVAL = { 0 };
const struct cg_probe cg_kind_SOFTWARE = { 0 };
const struct cg_probe cg_kind_HARDWARE = { 0 };
/* args->name of an iterator: a member of struct bpf_iter__<name>, a word
 * each (pointers in __bpf_md_ptr's anonymous unions, an __aligned(8)
 * fd). Read with a helper, as a number: loaded, its pointers would be
 * ones that may be NULL, which the verifier lets no arithmetic touch
 * (args->task->pid) before a check in the very register used. */
static LLVMValueRef iter_args_field(struct gen *g, struct node *e)
{
	LLVMValueRef ctx, buf;
	uint32_t off = 0;

	if (!type_field(e->u.field.expr->type, e->u.field.name, &off))
		return NULL;
	ctx = LLVMBuildPtrToInt(g->b, gen_probe_ctx(g), cg_int(g->cg, 64),
				"ctx");
	buf = gen_read(g, LLVMBuildAdd(g->b, ctx, cg_const(g->cg, 64, off),
				       ""),
		       8, CG_KERNEL);
	return gen_int_norm(g, gen_load(g, buf, type_u64(), true), e->type);
}

const struct cg_probe cg_kind_ITER = {
	.args_field = iter_args_field,
};
