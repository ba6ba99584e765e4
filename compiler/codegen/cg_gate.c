/* cg_gate.c: load management in BPF (runtime/loadguard.h). A gated
 * program starts, before its predicate (shedding saves the predicate's
 * cost too), with
 *     [max_overhead]  if (et_gate_shed(&et_gate[s], &et_gate_st[s]))
 *                             { et_drops[s]++; return 0; }
 * and goes on, after its predicate (a limit counts the events the probe
 * is about, not those its predicate leaves out), with
 *     [rate limit]    if (et_gate_rate(&et_gate[r], &et_gate_st[r], now))
 *                             { et_drops[r]++; return 0; }
 * (bpf-helpers/gate.c), s and r the program's DROP_SHED and
 * DROP_RATE_LIMIT slots of ET_DROPS_MAP, which key the gate maps too:
 * user space sets et_gate[r] (the bucket) before attaching and
 * et_gate[s] (the divisor) while running. sample(N) counts in
 * ET_SAMPLE_MAP, a per-CPU u64 per call site and program: true when the
 * count before it was a multiple of N. The file ends in the cg_func
 * generators of sample and rate_limit (funcs.def). */
#include <errno.h>
#include <string.h>

#include "funcs.h"
#include "gen.h"

static LLVMValueRef placeholder(struct gen *g, LLVMValueRef *slot,
				const char *name)
{
	if (!*slot)
		*slot = LLVMAddGlobal(cg_module(g->cg), cg_int(g->cg, 8), name);
	return *slot;
}

/* BEGIN and END run once, an iter probe once per object of one read,
 * self at etrace's request: nothing to limit */
static bool gated_kind(struct gen *g)
{
	return g->kind != PK_BEGIN && g->kind != PK_END && g->kind != PK_ITER &&
	       g->kind != PK_SELF;
}

static void gate_one(struct gen *g, enum et_drop_cause c, uint32_t limit,
		     const char *fn, bool now)
{
	struct et_drop d = {
	    .cause = c,
	    .map_id = -1,
	    .what = g->probe_name,
	    .loc = g->probe->loc,
	    .limit = limit,
	    .probe = (int)(g->ep - g->prog->probes),
	};
	uint32_t s = gen_drop_slot(g, &d);
	LLVMBasicBlockRef st_ok = gen_block(g, "gate_st"),
			  call = gen_block(g, "gate_call"),
			  drop = gen_block(g, "gate_drop"),
			  pass = gen_block(g, "gate_pass");
	LLVMValueRef key = gen_tmp(g, 4, "gate_key"), cfg, st, r, args[3];

	LLVMBuildStore(g->b, cg_const(g->cg, 32, s), key);
	cfg = cg_map_lookup(g->cg, placeholder(g, &g->gate, "et_gate.ph"), key);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, cfg, ""), pass, st_ok);
	LLVMPositionBuilderAtEnd(g->b, st_ok);
	st = cg_map_lookup(g->cg, placeholder(g, &g->gate_st, "et_gate_st.ph"),
			   key);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, st, ""), pass, call);
	LLVMPositionBuilderAtEnd(g->b, call);
	args[0] = cfg;
	args[1] = st;
	if (now)
		args[2] = cg_ktime_get_ns(g->cg);
	r = cg_libcall(g->cg, fn, args, now ? 3 : 2);
	if (!r) {
		gen_error(g, g->probe->loc, "%s", cg_strerror(g->cg));
		LLVMBuildBr(g->b, pass);
		LLVMPositionBuilderAtEnd(g->b, pass);
		return;
	}
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, r, ""), pass, drop);
	LLVMPositionBuilderAtEnd(g->b, drop);
	gen_drop_count(g, s);
	cg_return(g->cg, 0);
	LLVMPositionBuilderAtEnd(g->b, pass);
}

void gen_gate(struct gen *g, bool after_pred)
{
	uint32_t rate;
	int mark = g->ntemps;

	if (!gated_kind(g))
		return;
	rate = funcs_probe_rate_limit(g->probe);
	if (!rate)
		rate = g->ctx->opts.rate_limit;
	if (!after_pred && g->ctx->opts.run.max_overhead)
		gate_one(g, DROP_SHED, 0, "et_gate_shed", false);
	if (after_pred && rate)
		gate_one(g, DROP_RATE_LIMIT, rate, "et_gate_rate", true);
	gen_end_temps(g, mark);
}

static int define(struct gen *g, LLVMValueRef *ph, const char *name,
		  enum bpf_map_type type, uint32_t n, uint32_t value_size)
{
	LLVMValueRef m;

	if (!*ph)
		return 0;
	m = cg_map_define(g->cg, name, type, n ? n : 1, 4, value_size);
	if (!m) {
		gen_error(g, LOC_NONE, "Cannot define %s: %s", name,
			  cg_strerror(g->cg));
		return -EINVAL;
	}
	LLVMReplaceAllUsesWith(*ph, m);
	LLVMDeleteGlobal(*ph);
	*ph = NULL;
	return 0;
}

int gen_gate_finish(struct gen *g)
{
	uint32_t n = (uint32_t)g->prog->ndrops;

	if (define(g, &g->gate, ET_GATE_MAP, BPF_MAP_TYPE_ARRAY, n,
		   sizeof(struct et_gate)) ||
	    define(g, &g->gate_st, ET_GATE_ST_MAP, BPF_MAP_TYPE_PERCPU_ARRAY, n,
		   sizeof(struct et_gate_st)) ||
	    define(g, &g->sample, ET_SAMPLE_MAP, BPF_MAP_TYPE_PERCPU_ARRAY,
		   g->nsample, 8))
		return -EINVAL;
	return 0;
}

/* Whether call is a statement of its own (then one of its probe's
 * block, funcs_load.c checked). */
static bool alone(struct gen *g, struct node *call)
{
	const struct node *s = g->at_stmt;

	return s && s->kind == N_EXPR_STMT && s->u.expr_stmt.expr == call;
}

static LLVMValueRef sample(struct gen *g, struct node *e)
{
	int64_t n = 1;
	LLVMValueRef key = gen_tmp(g, 4, "sample_key"), p, c, hit, res;
	LLVMBasicBlockRef some = gen_block(g, "sample_count"),
			  done = gen_block(g, "sample_done"), skip;

	fn_const_int(e->u.call.args, &n);
	res = gen_tmp(g, 8, "sample_hit");
	LLVMBuildStore(g->b, cg_const(g->cg, 64, 1), res);
	LLVMBuildStore(g->b, cg_const(g->cg, 32, g->nsample++), key);
	p = cg_map_lookup(g->cg, placeholder(g, &g->sample, "et_sample.ph"),
			  key);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), done, some);
	LLVMPositionBuilderAtEnd(g->b, some);
	c = LLVMBuildLoad2(g->b, cg_int(g->cg, 64), p, "sample_n");
	LLVMBuildStore(g->b, LLVMBuildAdd(g->b, c, cg_const(g->cg, 64, 1), ""),
		       p);
	hit = LLVMBuildICmp(
	    g->b, LLVMIntEQ,
	    LLVMBuildURem(g->b, c, cg_const(g->cg, 64, (uint64_t)n), ""),
	    cg_const(g->cg, 64, 0), "");
	LLVMBuildStore(g->b, LLVMBuildZExt(g->b, hit, cg_int(g->cg, 64), ""),
		       res);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	res = LLVMBuildLoad2(g->b, cg_int(g->cg, 64), res, "sampled");
	if (!alone(g, e))
		return res;
	skip = gen_block(g, "sample_skip");
	some = gen_block(g, "sample_keep");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, res, ""), skip, some);
	LLVMPositionBuilderAtEnd(g->b, skip);
	cg_return(g->cg, 0);
	LLVMPositionBuilderAtEnd(g->b, some);
	return res;
}

/* rate_limit(N): the probe's gate (gen_gate) does it */
static LLVMValueRef rate_limit(struct gen *g, struct node *e)
{
	(void)g;
	(void)e;
	return NULL;
}

const struct cg_func cg_func_SAMPLE = {.call = sample};
const struct cg_func cg_func_RATE_LIMIT = {.call = rate_limit};
