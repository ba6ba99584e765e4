/* cg_call.c: builtin variables (pid, comm, args, argN, retval, ...) and
 * the functions that compute a value in BPF (str, strncmp, strcontains,
 * has_key, bswap, reg, signal, delete, ...). Probe context access:
 * tracepoint records at each program's own tracefs offsets, pt_regs for
 * kprobes and uprobes (x86-64), the u64 array of raw tracepoints and
 * fentry/fexit. */
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "gen.h"

/* struct pt_regs on x86-64: di si dx cx r8 r9, and ax */
static const unsigned arg_regs[] = {112, 104, 96, 88, 72, 64};
#define REG_AX 80
#define REG_IP 128

static LLVMValueRef ctx_load(struct gen *g, unsigned off, unsigned size,
			     bool sign)
{
	LLVMValueRef c = gen_probe_ctx(g), i = cg_const(g->cg, 64, off);
	LLVMValueRef p = LLVMBuildGEP2(g->b, cg_int(g->cg, 8), c, &i, 1, "");
	LLVMValueRef v = LLVMBuildLoad2(g->b, cg_int(g->cg, size * 8), p, "");

	/* reloaded at each use: a value kept live across a big block
	 * would be spilled, and the stack is 512 bytes */
	LLVMSetVolatile(v, 1);
	if (size == 8)
		return v;
	return sign ? LLVMBuildSExt(g->b, v, cg_int(g->cg, 64), "")
		    : LLVMBuildZExt(g->b, v, cg_int(g->cg, 64), "");
}

/* the IP of the probed context (uprobe/kprobe pt_regs) */
LLVMValueRef gen_reg_ip(struct gen *g)
{
	return ctx_load(g, REG_IP, 8, false);
}

/* func in a kprobe: bpf_get_func_ip at the entry; inside the function
 * (kprobe:f+off) that helper returns 0 from 6.0 on, and regs->ip is the
 * probed instruction + 1 (int3 semantics, optimized or not) */
LLVMValueRef gen_kprobe_func(struct gen *g)
{
	LLVMValueRef c = gen_probe_ctx(g);

	if (g->ap && g->ap->has_offset)
		return LLVMBuildSub(g->b, gen_reg_ip(g), cg_const(g->cg, 64, 1),
				    "func");
	return cg_helper_call(g->cg, BPF_FUNC_get_func_ip, NULL, &c, 1);
}

static bool has_regs(enum probe_kind k)
{
	return k == PK_KPROBE || k == PK_KRETPROBE || k == PK_UPROBE ||
	       k == PK_URETPROBE;
}

static LLVMValueRef arg_n(struct gen *g, struct node *e, int n)
{
	if (g->lat_saved)
		return gen_lat_arg(g, n);
	if (g->kind == PK_USDT)
		return gen_usdt_arg(g, e, n);
	if (has_regs(g->kind) && n < 6)
		return ctx_load(g, arg_regs[n], 8, false);
	if (g->kind == PK_RAWTRACEPOINT || g->kind == PK_FENTRY ||
	    g->kind == PK_FEXIT)
		return ctx_load(g, n * 8, 8, false);
	gen_error(g, e->loc, "Cannot generate code for arg%d in %s probes", n,
		  probe_kind_name(g->kind));
	return cg_const(g->cg, 64, 0);
}

static LLVMValueRef retval(struct gen *g, struct node *e)
{
	if (has_regs(g->kind))
		return ctx_load(g, REG_AX, 8, false);
	if ((g->kind == PK_FEXIT || (g->kind == PK_FENTRY && g->lat_saved)) &&
	    gen_args_rec(g))
		return ctx_load(g, gen_args_rec(g)->nfields * 8, 8, false);
	gen_error(g, e->loc, "Cannot generate code for retval in %s probes",
		  probe_kind_name(g->kind));
	return cg_const(g->cg, 64, 0);
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
	LLVMValueRef v, c;

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
		/* bpf_get_func_ip knows kprobes and trampolines only: a
		 * uprobe's function is where it stopped, regs->ip */
		c = gen_probe_ctx(g);
		if (g->lat_saved && g->kind != PK_FENTRY)
			v = gen_lat_arg(g, LAT_FUNC_SLOT);
		else if (g->kind == PK_UPROBE || g->kind == PK_USDT)
			v = ctx_load(g, REG_IP, 8, false);
		else if (g->kind == PK_KPROBE)
			v = gen_kprobe_func(g);
		else
			v = cg_helper_call(g->cg, BPF_FUNC_get_func_ip, NULL,
					   &c, 1);
		return e->type->kind == T_USYM ? gen_usym(g, v) : v;
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

/* A field of this tracepoint's record that the program reads, and where
 * it was when compiled: the runtime checks the running kernel's layout. */
static void note_tp_field(struct gen *g, const struct node *e, uint32_t off,
			  uint32_t size)
{
	struct tp_field_meta **pp = &g->ep->tp_fields;

	for (; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->name, e->u.field.name))
			return;
	*pp = arena_calloc(g->ctx->arena, 1, sizeof(**pp));
	(*pp)->name = e->u.field.name;
	(*pp)->offset = off;
	(*pp)->size = size;
	(*pp)->loc = e->loc;
}

/* args->name of a tracepoint (each program reads its own record) */
static LLVMValueRef tracepoint_field(struct gen *g, struct node *e)
{
	const struct field *f;
	uint32_t off = 0;
	LLVMValueRef v, src, i;

	f = gen_args_rec(g) ? type_field(gen_args_rec(g), e->u.field.name,
					 &off)
			    : NULL;
	if (!f) {
		gen_error(g, e->loc, "Cannot generate code for args->%s",
			  e->u.field.name);
		return cg_const(g->cg, 64, 0);
	}
	note_tp_field(g, e, off, f->dyn_loc != FIELD_PLAIN ? 4 :
		      f->type->size);
	if (f->dyn_loc != FIELD_PLAIN) {
		v = ctx_load(g, off, 4, false);
		v = LLVMBuildAnd(g->b, v, cg_const(g->cg, 64, 0xffff), "");
		if (f->dyn_loc == FIELD_REL_LOC)
			v = LLVMBuildAdd(g->b, v, cg_const(g->cg, 64, off + 4),
					 "");
		return LLVMBuildAdd(g->b, ctx_int(g), v, "data");
	}
	if (gen_is_scalar(f->type)) {
		v = ctx_load(g, off, f->type->size ? f->type->size : 8,
			     f->type->is_signed);
		return gen_int_norm(g, v, e->type);
	}
	v = gen_tmp(g, e->type->size, "field");
	i = cg_const(g->cg, 64, off);
	src = LLVMBuildGEP2(g->b, cg_int(g->cg, 8), gen_probe_ctx(g), &i, 1,
			    "");
	cg_probe_read(g->cg, CG_KERNEL, v,
		      cg_const(g->cg, 32,
			       f->type->size < e->type->size ? f->type->size
							     : e->type->size),
		      src);
	return v;
}

LLVMValueRef gen_ctx_field(struct gen *g, struct node *e)
{
	struct type *rec = e->u.field.expr->type;
	const struct field *f;
	uint32_t idx;

	gen_loc(g, e);
	if (g->kind == PK_TRACEPOINT)
		return tracepoint_field(g, e);
	if (g->kind == PK_FENTRY || g->kind == PK_FEXIT) {
		for (idx = 0; idx < rec->nfields; idx++)
			if (!strcmp(rec->fields[idx].name, e->u.field.name))
				break;
		f = idx < rec->nfields ? &rec->fields[idx] : NULL;
		/* the return program of an fentry latency block is an
		 * fexit program: its context has the entry's args */
		if (f)
			return gen_int_norm(g, ctx_load(g, idx * 8, 8, false),
					    e->type);
	}
	gen_error(g, e->loc, "Cannot generate code for args->%s in %s probes",
		  e->u.field.name, probe_kind_name(g->kind));
	return cg_const(g->cg, 64, 0);
}

LLVMValueRef gen_call(struct gen *g, struct node *e)
{
	if (gen_action(g, e))
		return cg_const(g->cg, 64, 0);
	return gen_value_func(g, e);
}
