/* cg_kcheck.c: -k and -kk, warnings about failed BPF helper calls (as
 * bpftrace 0.17 gives them). The helper hook of cg_drops.c asks which
 * calls are checked (gen_kcheck_helper) and, in the branch it builds for
 * a failed call, sends
 *     bpf_ringbuf_output({action id, r})
 * (gen_kcheck_report) where the action (ACT_HELPER_ERROR) names the
 * helper and the place in the script; user space prints the warning
 * (runtime/run_actions.c). Without -k nothing is sent. Checked are the
 * calls made for the script itself: not the lost counter, the ring
 * buffer records, the latency probes' own maps. With -kk a lookup of the
 * script's maps that misses is reported too, with 0, as bpftrace 0.17
 * does: where a map is read or aggregated (gen_check_lookup), not
 * has_key(), whose answer a miss is. */
#include "gen.h"
#include "events.h"

bool gen_user_map(struct gen *g, LLVMValueRef map)
{
	for (int i = 0; g->maps && i < g->prog->nmaps; i++)
		if (g->maps[i] == map)
			return true;
	return false;
}

const char *gen_read_name(enum bpf_func_id id)
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

/* delete(...) as a statement: a program that uses its value (bpftrace
 * 0.22's bool) is told of a missing key by it, not by a warning */
static bool delete_discarded(struct gen *g)
{
	const struct node *s = g->at_stmt, *e;

	if (!s || s->kind != N_EXPR_STMT)
		return false;
	e = s->u.expr_stmt.expr;
	return e && e->kind == N_CALL && e->u.call.args == g->at;
}

const char *gen_kcheck_helper(struct gen *g, enum bpf_func_id id,
			      LLVMValueRef *args, unsigned n)
{
	if (g->helper_checks < 1)
		return NULL;
	switch (id) {
	case BPF_FUNC_map_update_elem:
		return n && gen_user_map(g, args[0]) ? "map_update_elem" : NULL;
	case BPF_FUNC_map_delete_elem:
		return n && gen_user_map(g, args[0]) && delete_discarded(g)
			   ? "map_delete_elem"
			   : NULL;
	case BPF_FUNC_get_stackid:
		return "get_stackid";
	case BPF_FUNC_get_current_comm:
		return "get_current_comm";
	case BPF_FUNC_send_signal:
		return "send_signal";
	default:
		return g->helper_checks > 1 ? gen_read_name(id) : NULL;
	}
}

struct loc gen_helper_loc(struct gen *g, enum bpf_func_id id)
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

void gen_kcheck_report(struct gen *g, enum bpf_func_id id, const char *name,
		       LLVMValueRef r)
{
	struct action_meta *a = gen_new_action(g, ACT_HELPER_ERROR,
					       gen_helper_loc(g, id));

	a->helper = name;
	a->rec_size = sizeof(struct et_rec_helper_error);
	send(g, a, r);
}

void gen_check_lookup(struct gen *g, LLVMValueRef p)
{
	LLVMBasicBlockRef fail, ok;

	if (g->helper_checks < 2)
		return;
	fail = gen_block(g, "lookup_missed");
	ok = gen_block(g, "lookup_ok");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, "missed"), fail, ok);
	LLVMPositionBuilderAtEnd(g->b, fail);
	gen_kcheck_report(g, BPF_FUNC_map_lookup_elem, "map_lookup_elem",
			  cg_const(g->cg, 64, 0));
	LLVMBuildBr(g->b, ok);
	LLVMPositionBuilderAtEnd(g->b, ok);
}
