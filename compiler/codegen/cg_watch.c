/* cg_watch.c: watchpoint and asyncwatchpoint, and unwatch(). A
 * watchpoint's program runs on a perf event of type breakpoint, whose
 * context (bpf_perf_event_data) is read by nothing but helpers (stacks,
 * reg()). The function form, watchpoint:func+argN, has no address until
 * func is called: after its program comes a uprobe on func (after()) that
 * sends user space the argument's value in an ACT_WATCHPOINT record
 * {watchpoint probe index, address, pid_tgid}, and the runtime arms the
 * breakpoint on it (runtime/run_watch.c). A watchpoint's uprobe stops
 * the process first (SIGSTOP), so that func's own write is caught; the
 * runtime continues it (SIGCONT) once armed, and so does the uprobe when
 * the ring buffer refuses the record (SIGCONT drops a pending stop). An
 * asyncwatchpoint lets the process run on, as bpftrace 0.17 does.
 * unwatch(addr) is an ACT_UNWATCH record {address}. */
#include <errno.h>
#include <signal.h>

#include "cg_probe.h"

/* An action whose record is n u64 arguments after its id. */
static struct action_meta *words_action(struct gen *g, enum et_action_kind k,
					struct loc loc, int n)
{
	struct action_meta *a = gen_new_action(g, k, loc);

	a->args = arena_calloc(g->ctx->arena, n, sizeof(*a->args));
	for (int i = 0; i < n; i++) {
		a->args[i].type = type_u64();
		a->args[i].offset = 8 + 8 * i;
		a->args[i].size = 8;
	}
	a->nargs = n;
	a->rec_size = 8 + 8 * n;
	return a;
}

/* Sends a's record, waking user space at once; true (i1) when the ring
 * buffer took it, else counted lost. */
static LLVMValueRef send_words(struct gen *g, const struct action_meta *a,
			       LLVMValueRef *vals)
{
	LLVMValueRef rec = gen_tmp(g, a->rec_size, "wrec"), args[4], ok;
	LLVMBasicBlockRef lost = gen_block(g, "wrec_lost");
	LLVMBasicBlockRef done = gen_block(g, "wrec_done");

	gen_store_al(g, rec, GEN_ALIGN, type_u64(), true,
		     cg_const(g->cg, 64, a->id), type_u64());
	for (int i = 0; i < a->nargs; i++)
		gen_store_al(g, LLVMBuildGEP2(g->b, cg_int(g->cg, 8), rec,
					      (LLVMValueRef[]){ cg_const(
						  g->cg, 64, a->args[i].offset) },
					      1, ""),
			     GEN_ALIGN, type_u64(), true, vals[i], type_u64());
	args[0] = g->ringbuf;
	args[1] = rec;
	args[2] = cg_const(g->cg, 64, a->rec_size);
	args[3] = cg_const(g->cg, 64, BPF_RB_FORCE_WAKEUP);
	ok = LLVMBuildICmp(g->b, LLVMIntEQ,
			   cg_helper_call(g->cg, BPF_FUNC_ringbuf_output, NULL,
					  args, 4),
			   cg_const(g->cg, 64, 0), "sent");
	LLVMBuildCondBr(g->b, ok, done, lost);
	LLVMPositionBuilderAtEnd(g->b, lost);
	gen_count_lost(g, ET_LOST_RECORDS);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return ok;
}

static void send_signal(struct gen *g, int sig)
{
	LLVMValueRef v = cg_const(g->cg, 32, sig);

	cg_helper_call(g->cg, BPF_FUNC_send_signal, NULL, &v, 1);
}

/* The uprobe on function t of the watchpoint ap, which the setup
 * program attaches to. */
static struct attach_point *setup_point(struct gen *g,
					const struct attach_point *ap,
					const char *t)
{
	struct attach_point *u = arena_calloc(g->ctx->arena, 1, sizeof(*u));

	u->kind = PK_UPROBE;
	u->raw = ap->raw;
	u->loc = ap->loc;
	u->target = ap->target;
	u->func = t;
	u->exists = true;
	return u;
}

/* After the watchpoint program of function t (the last program made):
 * the uprobe that arms it. */
static int watch_setup(struct gen *g, struct node *probe,
		       struct attach_point *ap, const char *t)
{
	int wp = g->prog->nprobes - 1;
	bool sync = ap->kind == PK_WATCHPOINT;
	struct action_meta *a;
	LLVMValueRef vals[3], ok;
	LLVMBasicBlockRef cont, done;

	if (!ap->func)
		return 0; /* an address: attached as it is */
	g->prog->probes[wp].deferred = true;
	if (!gen_begin_program(g, probe, setup_point(g, ap, t), NULL))
		return -EINVAL;
	a = words_action(g, ACT_WATCHPOINT, ap->loc, 3);
	vals[0] = cg_const(g->cg, 64, wp);
	vals[1] = gen_ctx_load(g, cg_regs_args[ap->address], 8, false);
	vals[2] = cg_get_pid_tgid(g->cg);
	if (sync)
		send_signal(g, SIGSTOP);
	ok = send_words(g, a, vals);
	if (sync) {
		cont = gen_block(g, "wp_cont");
		done = gen_block(g, "wp_done");
		LLVMBuildCondBr(g->b, ok, done, cont);
		LLVMPositionBuilderAtEnd(g->b, cont);
		send_signal(g, SIGCONT);
		LLVMBuildBr(g->b, done);
		LLVMPositionBuilderAtEnd(g->b, done);
	}
	return gen_end_program(g);
}

const struct cg_probe cg_kind_WATCHPOINT = {
	.after = watch_setup,
};

const struct cg_probe cg_kind_ASYNCWATCHPOINT = {
	.after = watch_setup,
};

/* unwatch(addr) */
static LLVMValueRef unwatch_call(struct gen *g, struct node *call)
{
	struct action_meta *a = words_action(g, ACT_UNWATCH, call->loc, 1);
	LLVMValueRef addr = gen_expr(g, call->u.call.args);

	gen_loc(g, call);
	send_words(g, a, &addr);
	return NULL;
}

const struct cg_func cg_func_UNWATCH = { .call = unwatch_call };
