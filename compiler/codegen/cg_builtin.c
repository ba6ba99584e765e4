/* cg_builtin.c: the code generators of the builtin variables (pid,
 * comm, args, argN, retval, func...), keyed by the id of their rows
 * (compiler/builtins.c); what the probe's context holds comes from its
 * kind's cg_probe (cg_probe.h). */
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "cg_probe.h"

typedef LLVMValueRef (*gen_builtin_fn)(struct gen *g, struct node *e);

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

/* v, the value the probe's kind has, or 0 after reporting that it has
 * none (the type pass refuses those: not reached) */
static LLVMValueRef kind_value(struct gen *g, struct node *e, LLVMValueRef v)
{
	if (v)
		return v;
	gen_error(g, e->loc, "Cannot generate code for %s in %s probes",
		  e->u.ident.name, probe_kind_name(g->kind));
	return cg_const(g->cg, 64, 0);
}

/* argN: from the entry in a latency block's return program */
static LLVMValueRef b_arg(struct gen *g, struct node *e)
{
	const struct cg_probe *cp = cg_probe(g->kind);
	int n = atoi(e->u.ident.name + 3);

	if (g->lat_saved && !cp->lat_args_in_ctx)
		return gen_lat_arg(g, n);
	return kind_value(g, e, cp->arg ? cp->arg(g, e, n) : NULL);
}

/* sargN: the stack argument N, above the return address at the entry of
 * the function (the kinds with PF_SARGN: kprobe, uprobe) */
static LLVMValueRef b_sarg(struct gen *g, struct node *e)
{
	const struct cg_probe *cp = cg_probe(g->kind);
	int n = atoi(e->u.ident.name + 4);

	return kind_value(g, e, cp->sarg ? cp->sarg(g, n) : NULL);
}

static LLVMValueRef b_retval(struct gen *g, struct node *e)
{
	const struct cg_probe *cp = cg_probe(g->kind);

	return kind_value(g, e, cp->retval ? cp->retval(g) : NULL);
}

static LLVMValueRef b_pid(struct gen *g, struct node *e)
{
	return ids(g, false, true);
}

static LLVMValueRef b_tid(struct gen *g, struct node *e)
{
	return ids(g, false, false);
}

/* uid, and username (its uid, named in user space) */
static LLVMValueRef b_uid(struct gen *g, struct node *e)
{
	return ids(g, true, false);
}

static LLVMValueRef b_gid(struct gen *g, struct node *e)
{
	return ids(g, true, true);
}

static LLVMValueRef b_nsecs(struct gen *g, struct node *e)
{
	return cg_ktime_get_ns(g->cg);
}

static LLVMValueRef b_cpu(struct gen *g, struct node *e)
{
	return cg_get_cpu(g->cg);
}

static LLVMValueRef b_cgroup(struct gen *g, struct node *e)
{
	return helper0(g, BPF_FUNC_get_current_cgroup_id);
}

/* container, pod...: the cgroup id, named in user space */
static LLVMValueRef b_container(struct gen *g, struct node *e)
{
	g->prog->needs_containers = true;
	return helper0(g, BPF_FUNC_get_current_cgroup_id);
}

static LLVMValueRef b_curtask(struct gen *g, struct node *e)
{
	return helper0(g, BPF_FUNC_get_current_task);
}

static LLVMValueRef b_rand(struct gen *g, struct node *e)
{
	return LLVMBuildZExt(g->b,
			     cg_helper_call(g->cg, BPF_FUNC_get_prandom_u32,
					    cg_int(g->cg, 32), NULL, 0),
			     cg_int(g->cg, 64), "");
}

static LLVMValueRef b_jiffies(struct gen *g, struct node *e)
{
	return helper0(g, BPF_FUNC_jiffies64);
}

static LLVMValueRef b_numaid(struct gen *g, struct node *e)
{
	return helper0(g, BPF_FUNC_get_numa_node_id);
}

/* args and ctx: the context pointer, its fields read through it */
static LLVMValueRef b_ctx(struct gen *g, struct node *e)
{
	return ctx_int(g);
}

static LLVMValueRef b_comm(struct gen *g, struct node *e)
{
	LLVMValueRef v = gen_tmp(g, e->type->size, "comm");

	cg_get_current_comm(g->cg, v, e->type->size);
	return v;
}

static LLVMValueRef b_probe(struct gen *g, struct node *e)
{
	return gen_string(g, g->probe_name, strlen(g->probe_name),
			  e->type->size);
}

/* the call's duration in a latency block, else the time since start */
static LLVMValueRef b_elapsed(struct gen *g, struct node *e)
{
	LLVMValueRef v;

	if (g->lat_saved)
		return gen_lat_elapsed(g);
	v = gen_state_field(g, offsetof(struct et_state, start_ns), 64);
	return LLVMBuildSub(g->b, cg_ktime_get_ns(g->cg), v, "elapsed");
}

static LLVMValueRef b_cpid(struct gen *g, struct node *e)
{
	g->prog->needs_child = true;
	return gen_state_field(g, offsetof(struct et_state, child_pid), 32);
}

/* func: an address, symbolized in user space ({address, tgid} in user
 * probes, for the process's mappings) */
static LLVMValueRef b_func(struct gen *g, struct node *e)
{
	const struct cg_probe *cp = cg_probe(g->kind);
	LLVMValueRef v = kind_value(g, e, cp->func ? cp->func(g) : NULL);

	return e->type->kind == T_USYM ? gen_usym(g, v) : v;
}

static LLVMValueRef b_stack(struct gen *g, struct node *e)
{
	return gen_stack(g, e->type);
}

/* has_cpid: whether the run has a -c child (a program may read it
 * without one, unlike cpid) */
static LLVMValueRef b_has_cpid(struct gen *g, struct node *e)
{
	LLVMValueRef v;

	v = gen_state_field(g, offsetof(struct et_state, child_pid), 32);
	return LLVMBuildZExt(g->b,
			     LLVMBuildICmp(g->b, LLVMIntNE, v,
					   cg_const(g->cg, 64, 0), ""),
			     cg_int(g->cg, 64), "");
}

/* ncpus: the machine's possible CPUs, set in .rodata when loaded */
static LLVMValueRef b_ncpus(struct gen *g, struct node *e)
{
	LLVMValueRef v = LLVMGetNamedGlobal(cg_module(g->cg), ET_NCPUS_VAR);

	/* the u32 the per-CPU totals read too (cg_agg.c) */
	if (!v)
		v = cg_rodata_define(g->cg, ET_NCPUS_VAR, 32);
	return LLVMBuildZExt(g->b, cg_rodata_load(g->cg, v, 32),
			     cg_int(g->cg, 64), "ncpus");
}

static LLVMValueRef b_probetype(struct gen *g, struct node *e)
{
	const char *k = g->kind == PK_BEGIN || g->kind == PK_END
				? "special"
				: probe_kind_name(g->kind);

	return gen_string(g, k, strlen(k), e->type->size);
}

/* usermode: 1 when the probe interrupted user mode: the privilege level
 * in the low 2 bits of the saved cs is 3 (x86_64), for the kinds whose
 * context holds pt_regs; BEGIN and END run from etrace itself (1); the
 * other kinds (tracepoints, fentry, iter...) run in the kernel (0), as
 * bpftrace 0.26 */
/* goid: a Go function's goroutine (cg_go.c) */
static LLVMValueRef b_goid(struct gen *g, struct node *e)
{
	return cg_go_goid(g, e);
}

static LLVMValueRef b_usermode(struct gen *g, struct node *e)
{
	LLVMValueRef c, i, p, cs;

	if (g->kind == PK_BEGIN || g->kind == PK_END)
		return cg_const(g->cg, 64, 1);
	if (!(probe_provider(g->kind)->flags & PF_KERNEL_CTX))
		return cg_const(g->cg, 64, 0);
	c = gen_probe_ctx(g);
	i = cg_const(g->cg, 64, 17 * 8); /* pt_regs.cs */
	p = LLVMBuildGEP2(g->b, cg_int(g->cg, 8), c, &i, 1, "");
	cs = LLVMBuildLoad2(g->b, cg_int(g->cg, 64), p, "cs");
	cs = LLVMBuildAnd(g->b, cs, cg_const(g->cg, 64, 3), "");
	return LLVMBuildZExt(g->b,
			     LLVMBuildICmp(g->b, LLVMIntEQ, cs,
					   cg_const(g->cg, 64, 3), ""),
			     cg_int(g->cg, 64), "usermode");
}

static LLVMValueRef b_pyfunc(struct gen *g, struct node *e)
{
	return gen_pytop(g, B_PYFUNC - B_PYFUNC, e->type);
}

static LLVMValueRef b_pyfile(struct gen *g, struct node *e)
{
	return gen_pytop(g, B_PYFILE - B_PYFUNC, e->type);
}

static LLVMValueRef b_pyline(struct gen *g, struct node *e)
{
	return gen_pytop(g, B_PYLINE - B_PYFUNC, e->type);
}

static const gen_builtin_fn builtin_gens[B_COUNT_] = {
	[B_PID] = b_pid,
	[B_TID] = b_tid,
	[B_UID] = b_uid,
	[B_GID] = b_gid,
	[B_COMM] = b_comm,
	[B_NSECS] = b_nsecs,
	[B_ELAPSED] = b_elapsed,
	[B_CPU] = b_cpu,
	[B_CGROUP] = b_cgroup,
	[B_CONTAINER] = b_container,
	[B_FUNC] = b_func,
	[B_PROBE] = b_probe,
	[B_ARGS] = b_ctx,
	[B_RETVAL] = b_retval,
	[B_ARG] = b_arg,
	[B_SARG] = b_sarg,
	[B_KSTACK] = b_stack,
	[B_USTACK] = b_stack,
	[B_CURTASK] = b_curtask,
	[B_RAND] = b_rand,
	[B_USERNAME] = b_uid,
	[B_CPID] = b_cpid,
	[B_CTX] = b_ctx,
	[B_JIFFIES] = b_jiffies,
	[B_NUMAID] = b_numaid,
	[B_HAS_CPID] = b_has_cpid,
	[B_NCPUS] = b_ncpus,
	[B_PROBETYPE] = b_probetype,
	[B_USERMODE] = b_usermode,
	[B_GOID] = b_goid,
	[B_PYFUNC] = b_pyfunc,
	[B_PYFILE] = b_pyfile,
	[B_PYLINE] = b_pyline,
};

LLVMValueRef gen_builtin(struct gen *g, struct node *e)
{
	const struct builtin *b = e->u.ident.builtin;

	if (!b || !builtin_gens[b->id]) {
		gen_error(g, e->loc, "Cannot generate code for '%s'",
			  e->u.ident.name);
		return cg_const(g->cg, 64, 0);
	}
	gen_loc(g, e);
	return builtin_gens[b->id](g, e);
}
