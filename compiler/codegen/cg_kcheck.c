/* cg_kcheck.c: -k and -kk, warnings about failed BPF helper calls (as
 * bpftrace 0.17 gives them). A hook on the helper calls of the cg layer
 * (cg_set_helper_hook) follows each checked call with
 *     if (r < 0) bpf_ringbuf_output({action id, r})
 * where the action (ACT_HELPER_ERROR) names the helper and the place in
 * the script; user space prints the warning (runtime/run_actions.c).
 * Without -k the hook is not set and no instruction is added. Checked
 * are the calls made for the script itself: not the lost counter, the
 * ring buffer records, the latency probes' own maps. With -kk a lookup
 * of the script's maps that misses is reported too, with 0, as
 * bpftrace 0.17 does: where a map is read or aggregated
 * (gen_check_lookup), not has_key(), whose answer a miss is. */
#include "gen.h"
#include "events.h"

/* Whether map is one of the script's maps (not one of our own). */
static bool user_map(struct gen *g, LLVMValueRef map)
{
	for (int i = 0; g->maps && i < g->prog->nmaps; i++)
		if (g->maps[i] == map)
			return true;
	return false;
}

static const char *read_name(enum bpf_func_id id)
{
	switch (id) {
	case BPF_FUNC_probe_read:
		return "probe_read";
	case BPF_FUNC_probe_read_str:
		return "probe_read_str";
	case BPF_FUNC_probe_read_kernel:
		return "probe_read_kernel";
	case BPF_FUNC_probe_read_kernel_str:
		return "probe_read_kernel_str";
	case BPF_FUNC_probe_read_user:
		return "probe_read_user";
	case BPF_FUNC_probe_read_user_str:
		return "probe_read_user_str";
	default:
		return NULL;
	}
}

/* The name of helper id when this call of it is checked, else NULL. */
static const char *checked(struct gen *g, enum bpf_func_id id,
			   LLVMValueRef *args, unsigned n)
{
	switch (id) {
	case BPF_FUNC_map_update_elem:
		return n && user_map(g, args[0]) ? "map_update_elem" : NULL;
	case BPF_FUNC_map_delete_elem:
		return n && user_map(g, args[0]) ? "map_delete_elem" : NULL;
	case BPF_FUNC_get_stackid:
		return "get_stackid";
	case BPF_FUNC_get_current_comm:
		return "get_current_comm";
	case BPF_FUNC_send_signal:
		return "send_signal";
	default:
		return g->helper_checks > 1 ? read_name(id) : NULL;
	}
}

/* Where the call is in the script: the node code is being generated
 * for; for delete(@m[k]) the whole call, as bpftrace shows it. */
static struct loc where(struct gen *g, enum bpf_func_id id)
{
	const struct node *s = g->at_stmt, *e;

	if (!g->at)
		return LOC_NONE;
	if (id == BPF_FUNC_map_delete_elem && s && s->kind == N_EXPR_STMT) {
		e = s->u.expr_stmt.expr;
		if (e && e->kind == N_CALL && e->u.call.args == g->at)
			return e->loc;
	}
	return g->at->loc;
}

/* The record {a's id, r} to the ring buffer; a full ring buffer counts
 * a lost event, as any other record. */
static void send(struct gen *g, const struct action_meta *a, LLVMValueRef r)
{
	struct cg *cg = g->cg;
	LLVMTypeRef i64 = cg_int(cg, 64);
	LLVMValueRef buf = cg_alloca(cg, LLVMArrayType(cg_int(cg, 8), 16),
				     "helper_err");
	LLVMValueRef off = cg_const(cg, 64, 8), args[4], rc;
	LLVMBasicBlockRef lost = gen_block(g, "helper_err_lost");
	LLVMBasicBlockRef done = gen_block(g, "helper_err_sent");

	LLVMSetAlignment(buf, 8);
	cg_lifetime_start(cg, buf);
	LLVMSetAlignment(LLVMBuildStore(g->b, cg_const(cg, 64, a->id), buf),
			 8);
	LLVMSetAlignment(LLVMBuildStore(g->b, LLVMBuildSExtOrBitCast(
				g->b, r, i64, ""),
			 LLVMBuildGEP2(g->b, cg_int(cg, 8), buf, &off, 1, "")),
			 8);
	args[0] = g->ringbuf;
	args[1] = buf;
	args[2] = cg_const(cg, 64, sizeof(struct et_rec_helper_error));
	args[3] = cg_const(cg, 64, 0);
	rc = cg_helper_call(cg, BPF_FUNC_ringbuf_output, NULL, args, 4);
	cg_lifetime_end(cg, buf);
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, rc,
					    cg_const(cg, 64, 0), ""),
			lost, done);
	LLVMPositionBuilderAtEnd(g->b, lost);
	gen_count_lost(g, ET_LOST_RECORDS);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

/* if (failed) report r as a failure of helper id, named name */
static void report_if(struct gen *g, enum bpf_func_id id, const char *name,
		      LLVMValueRef failed, LLVMValueRef r)
{
	LLVMBasicBlockRef fail = gen_block(g, "helper_failed");
	LLVMBasicBlockRef ok = gen_block(g, "helper_ok");
	struct action_meta *a;

	a = gen_new_action(g, ACT_HELPER_ERROR, where(g, id));
	a->helper = name;
	a->rec_size = sizeof(struct et_rec_helper_error);
	LLVMBuildCondBr(g->b, failed, fail, ok);
	LLVMPositionBuilderAtEnd(g->b, fail);
	send(g, a, r);
	LLVMBuildBr(g->b, ok);
	LLVMPositionBuilderAtEnd(g->b, ok);
}

static void check(void *arg, enum bpf_func_id id, LLVMValueRef r,
		  LLVMValueRef *args, unsigned n)
{
	struct gen *g = arg;
	const char *name = checked(g, id, args, n);
	LLVMTypeRef t = LLVMTypeOf(r);

	if (!name || LLVMGetTypeKind(t) != LLVMIntegerTypeKind)
		return;
	report_if(g, id, name, LLVMBuildICmp(g->b, LLVMIntSLT, r,
					     LLVMConstNull(t), "helper_err"),
		  r);
}

void gen_check_lookup(struct gen *g, LLVMValueRef p)
{
	if (g->helper_checks < 2)
		return;
	report_if(g, BPF_FUNC_map_lookup_elem, "map_lookup_elem",
		  LLVMBuildIsNull(g->b, p, "lookup_missed"),
		  cg_const(g->cg, 64, 0));
}

void gen_helper_checks(struct gen *g, int level)
{
	g->helper_checks = level;
	cg_set_helper_hook(g->cg, level > 0 ? check : NULL, g);
}
