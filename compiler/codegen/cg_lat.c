/* cg_lat.c: function latency blocks (SPEC 3.2). A block in a function
 * entry probe that uses elapsed or retval runs when the call returns:
 *   entry program (uprobe/kprobe/fentry): depth[tid]++, then
 *     saved[tid, depth] = {now, what its kind saves (cg_probe.h
 *     lat_save: the arguments, the function; fentry: nothing, its
 *     return program, fexit, has the arguments in its context)};
 *   return program (of the provider's ret_kind: uretprobe, kretprobe,
 *     fexit): the saved entry of [tid, depth[tid]] (none: the entry
 *     was missed, nothing runs), depth[tid]--, then the predicate and
 *     the block, where elapsed is now - start and argN/args come from
 *     the saved entry (fexit: from its own context).
 * A per-thread depth keeps recursive calls apart; both maps are LRU
 * hashes, so that the entries of threads gone are forgotten.
 * A Go function's entry is keyed by goroutine and its depth in the
 * goroutine's stack instead (cg_go.c: goroutines move between threads),
 * with no depth map: its return programs are uprobes on its RETs; the
 * entries of calls a panic or Goexit ended are never read, and the LRU
 * map forgets them. */
#include <errno.h>
#include <string.h>

#include "cg_probe.h"
#include "probe.h"

#define LAT_SAVED_SIZE (8 + 8 * LAT_ARGS)
#define LAT_MAX_DEPTH 64
#define LAT_ENTRIES 16384

struct lat_maps {
	LLVMValueRef depth, saved;
};

static LLVMValueRef at(struct gen *g, LLVMValueRef p, uint32_t off)
{
	LLVMValueRef i = cg_const(g->cg, 64, off);

	return off ? LLVMBuildGEP2(g->b, cg_int(g->cg, 8), p, &i, 1, "") : p;
}

static LLVMValueRef tid(struct gen *g)
{
	return LLVMBuildAnd(g->b, cg_get_pid_tgid(g->cg),
			    cg_const(g->cg, 64, 0xffffffff), "tid");
}

static LLVMValueRef u64_at(struct gen *g, LLVMValueRef p, uint32_t off)
{
	return gen_load_al(g, at(g, p, off), gen_align_at(GEN_ALIGN, off),
			   type_u64(), true);
}

static void put_u64(struct gen *g, LLVMValueRef p, uint32_t off,
		    LLVMValueRef v)
{
	gen_store_al(g, at(g, p, off), gen_align_at(GEN_ALIGN, off),
		     type_u64(), true, v, type_u64());
}

/* the depth now stored for this thread (0 when none), pointer in *p */
static LLVMValueRef cur_depth(struct gen *g, struct lat_maps *m,
			      LLVMValueRef key, LLVMValueRef *slot)
{
	LLVMValueRef p = cg_map_lookup(g->cg, m->depth, key), vals[2], phi;
	LLVMBasicBlockRef hit = gen_block(g, "depth_hit");
	LLVMBasicBlockRef done = gen_block(g, "depth_done"), bbs[2];

	bbs[0] = LLVMGetInsertBlock(g->b);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), done, hit);
	LLVMPositionBuilderAtEnd(g->b, hit);
	vals[1] = u64_at(g, p, 0);
	bbs[1] = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	phi = LLVMBuildPhi(g->b, cg_int(g->cg, 64), "depth");
	vals[0] = cg_const(g->cg, 64, 0);
	LLVMAddIncoming(phi, vals, bbs, 2);
	*slot = gen_tmp(g, 8, "dval");
	return phi;
}

static void save_entry(struct gen *g, struct lat_maps *m, LLVMValueRef skey);

static void entry_prog(struct gen *g, struct lat_maps *m)
{
	LLVMValueRef key, skey, d, dv;
	LLVMBasicBlockRef ok, deep;

	if (cg_go_code(g)) {
		skey = gen_tmp(g, 16, "skey");
		cg_go_lat_key(g, skey);
		save_entry(g, m, skey);
		return;
	}
	key = gen_tmp(g, 8, "tid");
	ok = gen_block(g, "lat_ok");
	deep = gen_block(g, "lat_deep");
	put_u64(g, key, 0, tid(g));
	d = cur_depth(g, m, key, &dv);
	d = LLVMBuildAdd(g->b, d, cg_const(g->cg, 64, 1), "");
	LLVMBuildCondBr(g->b,
			LLVMBuildICmp(g->b, LLVMIntUGT, d,
				      cg_const(g->cg, 64, LAT_MAX_DEPTH), ""),
			deep, ok);
	LLVMPositionBuilderAtEnd(g->b, deep);
	cg_return(g->cg, 0);
	LLVMPositionBuilderAtEnd(g->b, ok);
	put_u64(g, dv, 0, d);
	cg_map_update(g->cg, m->depth, key, dv, BPF_ANY);
	skey = gen_tmp(g, 16, "skey");
	put_u64(g, skey, 0, u64_at(g, key, 0));
	put_u64(g, skey, 8, d);
	save_entry(g, m, skey);
}

/* saved[skey] = {now, what the kind saves} */
static void save_entry(struct gen *g, struct lat_maps *m, LLVMValueRef skey)
{
	LLVMValueRef val;

	val = gen_tmp(g, LAT_SAVED_SIZE, "saved");
	/* what the kind saves; fentry's args stay where they are: the
	 * fexit program's context holds all of them, as they were at the
	 * entry (a trampoline's context has only the function's arguments:
	 * reading more fails verification) */
	for (unsigned i = 0; i < LAT_ARGS; i++) {
		LLVMValueRef v = cg_probe(g->kind)->lat_save ?
				 cg_probe(g->kind)->lat_save(g, i) : NULL;

		if (v)
			put_u64(g, val, 8 + 8 * i, v);
	}
	put_u64(g, val, 0, cg_ktime_get_ns(g->cg));
	cg_map_update(g->cg, m->saved, skey, val, BPF_ANY);
	cg_return(g->cg, 0);
}

/* a Go function's saved entry: at this goroutine and depth */
static void go_return_prologue(struct gen *g, struct lat_maps *m)
{
	LLVMValueRef skey = gen_tmp(g, 16, "skey"), p;
	LLVMBasicBlockRef none = gen_block(g, "lat_none");
	LLVMBasicBlockRef hit = gen_block(g, "lat_hit");

	cg_go_lat_key(g, skey);
	p = cg_map_lookup(g->cg, m->saved, skey);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), none, hit);
	LLVMPositionBuilderAtEnd(g->b, none);
	gen_count_lost(g, ET_LOST_LATENCY);
	cg_return(g->cg, 0);
	LLVMPositionBuilderAtEnd(g->b, hit);
	g->lat_saved = p;
}

/* the saved entry (g->lat_saved: its map value) or, counted, return 0 */
static void return_prologue(struct gen *g, struct lat_maps *m)
{
	LLVMValueRef key, skey, d, dv, p;
	LLVMBasicBlockRef none, hit, got;

	if (cg_go_code(g)) {
		go_return_prologue(g, m);
		return;
	}
	key = gen_tmp(g, 8, "tid");
	none = gen_block(g, "lat_none");
	hit = gen_block(g, "lat_hit");
	got = gen_block(g, "lat_got");
	put_u64(g, key, 0, tid(g));
	d = cur_depth(g, m, key, &dv);
	skey = gen_tmp(g, 16, "skey");
	put_u64(g, skey, 0, u64_at(g, key, 0));
	put_u64(g, skey, 8, d);
	p = cg_map_lookup(g->cg, m->saved, skey);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), none, hit);
	LLVMPositionBuilderAtEnd(g->b, none);
	gen_count_lost(g, ET_LOST_LATENCY);
	cg_return(g->cg, 0);
	LLVMPositionBuilderAtEnd(g->b, hit);
	/* read in place: the element stays (an LRU map forgets it), and
	 * the next call at this depth overwrites it only after this one
	 * returned; a stack copy would cost 72 of the 512 bytes */
	g->lat_saved = p;
	put_u64(g, dv, 0, LLVMBuildSub(g->b, d, cg_const(g->cg, 64, 1), ""));
	cg_map_update(g->cg, m->depth, key, dv, BPF_ANY);
	LLVMBuildBr(g->b, got);
	LLVMPositionBuilderAtEnd(g->b, got);
}

int gen_latency(struct gen *g, struct probe_meta *ep, const char *t)
{
	struct arena *a = g->ctx->arena;
	struct lat_maps m;
	const char *n = ep->prog_name;
	int errors = g->errors, mark;

	m.depth = cg_go_code(g) ? NULL :
		  cg_map_define(g->cg, arena_printf(a, "%s_d", n),
				BPF_MAP_TYPE_LRU_HASH, LAT_ENTRIES, 8, 8);
	m.saved = cg_map_define(g->cg, arena_printf(a, "%s_s", n),
				BPF_MAP_TYPE_LRU_HASH, LAT_ENTRIES, 16,
				LAT_SAVED_SIZE);
	ep->at_return = true;
	ep->ret_prog_name = arena_printf(a, "%s_r", n);
	if (!cg_probe_begin(g->cg, n, ep->section))
		goto fail;
	gen_loc(g, g->probe);
	gen_pid_filter(g);
	entry_prog(g, &m);
	if (cg_probe_end(g->cg))
		goto fail;
	if (!cg_probe_begin(g->cg, ep->ret_prog_name,
			    gen_section(g, probe_provider(ep->kind)->ret_kind,
					ep->ap, t)))
		goto fail;
	gen_loc(g, g->probe);
	gen_pid_filter(g);
	mark = g->ntemps;
	return_prologue(g, &m);
	gen_end_temps(g, mark);
	return gen_body(g, errors);
fail:
	gen_error(g, g->probe->loc, "%s", cg_strerror(g->cg));
	return -EINVAL;
}

/* elapsed and argN inside the return program */
LLVMValueRef gen_lat_elapsed(struct gen *g)
{
	return LLVMBuildSub(g->b, cg_ktime_get_ns(g->cg),
			    u64_at(g, g->lat_saved, 0), "elapsed");
}

LLVMValueRef gen_lat_arg(struct gen *g, unsigned i)
{
	LLVMValueRef v;

	if (i >= LAT_ARGS)
		return cg_const(g->cg, 64, 0);
	/* volatile: reloaded at each use rather than spilled */
	v = LLVMBuildLoad2(g->b, cg_int(g->cg, 64), at(g, g->lat_saved,
						       8 + 8 * i), "arg");
	LLVMSetVolatile(v, 1);
	return v;
}
