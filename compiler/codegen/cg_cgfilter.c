/* cg_cgfilter.c: --container ID|NAME and --cgroup PATH in the kernel.
 * A kernel-side program (not BEGIN/END, not interval, as -p) begins
 * with a test of the current task's cgroup: its ancestor at each level
 * whose bit is set in ET_FILTER_CGLEVELS_VAR (.rodata, set by the
 * runtime before loading) is looked up in ET_CGROUP_FILTER_MAP; none
 * found, the program returns. Descendants of an allowed cgroup pass
 * (a container's own sub-cgroups, cgroups made after the start). The
 * verifier knows the mask: the levels not set, and the whole test when
 * it is 0, are dead code. A program compiled to run at once without a
 * filter has no test; one compiled ahead of time always has it, so that
 * etrace-run takes the options. */
#include "abi.h"
#include "cg_probe.h"
#include "probe.h"

void gen_cgroup_filter(struct gen *g)
{
	LLVMValueRef mask, map, key, id, hit;
	LLVMBasicBlockRef ok, next, test;
	LLVMValueRef v;

	if ((probe_provider(g->kind)->flags & PF_NO_CTX) ||
	    g->kind == PK_INTERVAL ||
	    (!g->ctx->opts.cgroup_filter && !g->ctx->opts.ahead_of_time))
		return;
	v = LLVMGetNamedGlobal(cg_module(g->cg), ET_FILTER_CGLEVELS_VAR);
	if (!v)
		v = cg_rodata_define(g->cg, ET_FILTER_CGLEVELS_VAR, 32);
	map = cg_map_get(g->cg, ET_CGROUP_FILTER_MAP);
	if (!map)
		map = cg_map_define(g->cg, ET_CGROUP_FILTER_MAP,
				    BPF_MAP_TYPE_HASH, ET_CGROUP_FILTER_MAX, 8,
				    1);
	ok = gen_block(g, "cgroup_ok");
	mask = cg_rodata_load(g->cg, v, 32);
	key = gen_tmp(g, 8, "cgid");
	next = gen_block(g, "cgroup_levels");
	LLVMBuildCondBr(
	    g->b,
	    LLVMBuildICmp(g->b, LLVMIntEQ, mask, cg_const(g->cg, 32, 0), "all"),
	    ok, next);
	for (unsigned l = 0; l < ET_CGROUP_LEVELS; l++) {
		LLVMValueRef bit, arg = cg_const(g->cg, 64, l);

		LLVMPositionBuilderAtEnd(g->b, next);
		test = gen_block(g, "cgroup_level");
		next = gen_block(g, "cgroup_next");
		bit =
		    LLVMBuildAnd(g->b, mask, cg_const(g->cg, 32, 1u << l), "");
		LLVMBuildCondBr(g->b,
				LLVMBuildICmp(g->b, LLVMIntNE, bit,
					      cg_const(g->cg, 32, 0), ""),
				test, next);
		LLVMPositionBuilderAtEnd(g->b, test);
		id = cg_helper_call(g->cg,
				    BPF_FUNC_get_current_ancestor_cgroup_id,
				    NULL, &arg, 1);
		LLVMBuildStore(g->b, id, key);
		hit = cg_map_lookup(g->cg, map, key);
		LLVMBuildCondBr(g->b, LLVMBuildIsNotNull(g->b, hit, ""), ok,
				next);
	}
	LLVMPositionBuilderAtEnd(g->b, next);
	cg_return(g->cg, 0);
	LLVMPositionBuilderAtEnd(g->b, ok);
}
