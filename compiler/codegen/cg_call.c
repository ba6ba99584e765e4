/* cg_call.c: builtin variables (pid, comm, args, argN, retval, ...) and
 * the dispatch of function calls. What the probe's context holds (argN,
 * retval, func, args->field) its kind's cg_probe reads (cg_probe.h). */
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "cg_probe.h"

/* argN: from the entry in a latency block's return program */
static LLVMValueRef arg_n(struct gen *g, struct node *e, int n)
{
	const struct cg_probe *cp = cg_probe(g->kind);
	LLVMValueRef v;

	if (g->lat_saved)
		return gen_lat_arg(g, n);
	v = cp->arg ? cp->arg(g, e, n) : NULL;
	if (v)
		return v;
	gen_error(g, e->loc, "Cannot generate code for arg%d in %s probes", n,
		  probe_kind_name(g->kind));
	return cg_const(g->cg, 64, 0);
}

static LLVMValueRef retval(struct gen *g, struct node *e)
{
	const struct cg_probe *cp = cg_probe(g->kind);
	LLVMValueRef v = cp->retval ? cp->retval(g) : NULL;

	if (v)
		return v;
	gen_error(g, e->loc, "Cannot generate code for retval in %s probes",
		  probe_kind_name(g->kind));
	return cg_const(g->cg, 64, 0);
}

/* func: an address, symbolized in user space ({address, tgid} in user
 * probes, for the process's mappings) */
static LLVMValueRef func(struct gen *g, struct node *e)
{
	const struct cg_probe *cp = cg_probe(g->kind);
	LLVMValueRef v = cp->func ? cp->func(g) : NULL;

	if (!v) {
		gen_error(g, e->loc,
			  "Cannot generate code for func in %s probes",
			  probe_kind_name(g->kind));
		return cg_const(g->cg, 64, 0);
	}
	return e->type->kind == T_USYM ? gen_usym(g, v) : v;
}

LLVMValueRef gen_state_field(struct gen *g, unsigned offset, unsigned bits)
{
	LLVMValueRef key = gen_tmp(g, 4, "skey"), p, v, vals[2], phi, i;
	LLVMBasicBlockRef hit = gen_block(g, "state"), done, bbs[2];

	done = gen_block(g, "state_done");
	p = cg_map_lookup(g->cg, g->state, key);
	bbs[0] = LLVMGetInsertBlock(g->b);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), done, hit);
	LLVMPositionBuilderAtEnd(g->b, hit);
	i = cg_const(g->cg, 64, offset);
	p = LLVMBuildGEP2(g->b, cg_int(g->cg, 8), p, &i, 1, "");
	v = LLVMBuildLoad2(g->b, cg_int(g->cg, bits), p, "");
	if (bits < 64)
		v = LLVMBuildZExt(g->b, v, cg_int(g->cg, 64), "");
	bbs[1] = hit;
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	phi = LLVMBuildPhi(g->b, cg_int(g->cg, 64), "");
	vals[0] = cg_const(g->cg, 64, 0);
	vals[1] = v;
	LLVMAddIncoming(phi, vals, bbs, 2);
	return phi;
}

static LLVMValueRef helper0(struct gen *g, enum bpf_func_id id)
{
	return cg_helper_call(g->cg, id, NULL, NULL, 0);
}

static LLVMValueRef ctx_int(struct gen *g)
{
	return LLVMBuildPtrToInt(g->b, gen_probe_ctx(g), cg_int(g->cg, 64),
				 "ctx");
}

static LLVMValueRef ids(struct gen *g, bool uid, bool high)
{
	LLVMValueRef v = uid ? cg_get_uid_gid(g->cg) : cg_get_pid_tgid(g->cg);

	if (high)
		return LLVMBuildLShr(g->b, v, cg_const(g->cg, 64, 32), "");
	return LLVMBuildAnd(g->b, v, cg_const(g->cg, 64, 0xffffffff), "");
}

static LLVMValueRef builtin_misc(struct gen *g, struct node *e,
				 const struct builtin *b)
{
	LLVMValueRef v;

	switch (b->id) {
	case B_COMM:
		v = gen_tmp(g, e->type->size, "comm");
		cg_get_current_comm(g->cg, v, e->type->size);
		return v;
	case B_PROBE:
		return gen_string(g, g->probe_name, strlen(g->probe_name),
				  e->type->size);
	case B_ELAPSED:
		if (g->lat_saved)
			return gen_lat_elapsed(g);
		v = gen_state_field(g, offsetof(struct et_state, start_ns), 64);
		return LLVMBuildSub(g->b, cg_ktime_get_ns(g->cg), v, "elapsed");
	case B_CPID:
		g->prog->needs_child = true;
		return gen_state_field(g, offsetof(struct et_state, child_pid),
				       32);
	case B_FUNC:
		return func(g, e);
	case B_ARG:
		return arg_n(g, e, atoi(e->u.ident.name + 3));
	case B_RETVAL:
		return retval(g, e);
	case B_KSTACK:
	case B_USTACK:
		return gen_stack(g, e->type);
	default:
		gen_error(g, e->loc, "Cannot generate code for %s yet",
			  e->u.ident.name);
		return cg_const(g->cg, 64, 0);
	}
}

LLVMValueRef gen_builtin(struct gen *g, struct node *e)
{
	const struct builtin *b = e->u.ident.builtin;

	if (!b) {
		gen_error(g, e->loc, "Cannot generate code for '%s'",
			  e->u.ident.name);
		return cg_const(g->cg, 64, 0);
	}
	gen_loc(g, e);
	switch (b->id) {
	case B_PID:
		return ids(g, false, true);
	case B_TID:
		return ids(g, false, false);
	case B_UID:
	case B_USERNAME:
		return ids(g, true, false);
	case B_GID:
		return ids(g, true, true);
	case B_NSECS:
		return cg_ktime_get_ns(g->cg);
	case B_CPU:
		return cg_get_cpu(g->cg);
	case B_CGROUP:
		return helper0(g, BPF_FUNC_get_current_cgroup_id);
	case B_CURTASK:
		return helper0(g, BPF_FUNC_get_current_task);
	case B_RAND:
		return LLVMBuildZExt(g->b,
				     cg_helper_call(g->cg,
						    BPF_FUNC_get_prandom_u32,
						    cg_int(g->cg, 32), NULL, 0),
				     cg_int(g->cg, 64), "");
	case B_JIFFIES:
		return helper0(g, BPF_FUNC_jiffies64);
	case B_NUMAID:
		return helper0(g, BPF_FUNC_get_numa_node_id);
	case B_ARGS:
	case B_CTX:
		return ctx_int(g);
	default:
		return builtin_misc(g, e, b);
	}
}

LLVMValueRef gen_call(struct gen *g, struct node *e)
{
	if (gen_action(g, e))
		return cg_const(g->cg, 64, 0);
	return gen_value_func(g, e);
}
