/* cg_drops.c: what a BPF program loses, counted where it is lost (SPEC
 * §7). A hook on the helper calls of the cg layer (cg_set_helper_hook)
 * follows each call whose failure loses something with
 *     if (r < 0)  [unlikely: laid out of line]
 *             et_drops[slot(cause)]++      (per-CPU)
 * for map updates (the map is full: -E2BIG; -ENOMEM; other errors),
 * stack ids (the stack map is full: -ENOMEM; a hash collision: -EEXIST)
 * and reads (probe_read*: the value stays zero), and each str() read
 * with
 *     if (r == strlen && src[strlen - 1] != 0)  et_drops[slot]++
 * (a string that filled the buffer was cut unless it ended right there).
 * A slot is one (cause, map) or (cause, place in the script), described
 * in g->prog->drops for the runtime, which reports the counts. The
 * counting blocks are moved to the end of their function
 * (gen_drops_finish): the success path gains only the compare-and-branch
 * on each helper's result (and str() keeps its source pointer in a
 * register for the check), which tests/unit/test_codegen.c measures.
 * With -k (cg_kcheck.c) the same failure branch also sends the warning's
 * record. */
#include <errno.h>
#include <string.h>

#include "gen.h"

/* -1 in a slot select: a failure that loses nothing (a stack that could
 * not be read: there was none to keep) */
#define NO_SLOT 0xffffffffu

static LLVMValueRef drops_map(struct gen *g)
{
	if (!g->drops)
		g->drops = LLVMAddGlobal(cg_module(g->cg), cg_int(g->cg, 8),
					 "et_drops.placeholder");
	return g->drops;
}

static bool same_loc(struct loc a, struct loc b)
{
	return a.begin == b.begin && a.end == b.end;
}

/* The slot counting d (added on first use). */
uint32_t gen_drop_slot(struct gen *g, const struct et_drop *in)
{
	struct et_drop dd = *in, *d = &dd;
	struct prog_meta *p = g->prog;
	struct et_drop *n;

	if (d->cause != DROP_RATE_LIMIT && d->cause != DROP_SHED)
		d->probe = -1;
	for (int i = 0; i < p->ndrops; i++) {
		const struct et_drop *e = &p->drops[i];

		if (e->cause == d->cause && e->map_id == d->map_id &&
		    same_loc(e->loc, d->loc) && e->probe == d->probe &&
		    (e->what == d->what ||
		     (e->what && d->what && !strcmp(e->what, d->what))))
			return (uint32_t)i;
	}
	if (p->ndrops == g->cap_drops) {
		g->cap_drops = g->cap_drops ? 2 * g->cap_drops : 8;
		n = arena_calloc(g->ctx->arena, g->cap_drops, sizeof(*n));
		if (p->ndrops)
			memcpy(n, p->drops, p->ndrops * sizeof(*n));
		p->drops = n;
	}
	p->drops[p->ndrops] = *d;
	return (uint32_t)p->ndrops++;
}

/* A branch to yes that is rarely taken: LLVM lays yes out of line, so
 * the usual path runs straight on. */
static void unlikely_br(struct gen *g, LLVMValueRef cond,
			LLVMBasicBlockRef yes, LLVMBasicBlockRef no)
{
	LLVMContextRef c = cg_context(g->cg);
	LLVMValueRef br = LLVMBuildCondBr(g->b, cond, yes, no);
	LLVMMetadataRef w[3] = {
		LLVMMDStringInContext2(c, "branch_weights", 14),
		LLVMValueAsMetadata(cg_const(g->cg, 32, 1)),
		LLVMValueAsMetadata(cg_const(g->cg, 32, 1 << 20)),
	};

	LLVMSetMetadata(br, LLVMGetMDKindIDInContext(c, "prof", 4),
			LLVMMetadataAsValue(c, LLVMMDNodeInContext2(c, w, 3)));
}

void gen_count_at(struct gen *g, LLVMValueRef map, LLVMValueRef idx)
{
	LLVMValueRef key = gen_tmp(g, 4, "ckey"), p;
	LLVMBasicBlockRef inc = gen_block(g, "count_inc");
	LLVMBasicBlockRef done = gen_block(g, "counted");

	LLVMBuildStore(g->b, idx, key);
	p = cg_map_lookup(g->cg, map, key);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), done, inc);
	LLVMPositionBuilderAtEnd(g->b, inc);
	LLVMBuildAtomicRMW(g->b, LLVMAtomicRMWBinOpAdd, p,
			   cg_const(g->cg, 64, 1), LLVMAtomicOrderingMonotonic,
			   0);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

void gen_drop_count(struct gen *g, uint32_t slot)
{
	gen_count_at(g, drops_map(g), cg_const(g->cg, 32, slot));
}

/* et_drops[idx]++ on this CPU (idx an i32; NO_SLOT: nothing). */
static void count(struct gen *g, LLVMValueRef idx, bool maybe_none)
{
	LLVMBasicBlockRef some, done;

	if (maybe_none) {
		some = gen_block(g, "drop_some");
		done = gen_block(g, "drop_none");
		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, idx,
						    cg_const(g->cg, 32, NO_SLOT),
						    ""),
				done, some);
		LLVMPositionBuilderAtEnd(g->b, some);
		gen_count_at(g, drops_map(g), idx);
		LLVMBuildBr(g->b, done);
		LLVMPositionBuilderAtEnd(g->b, done);
		return;
	}
	gen_count_at(g, drops_map(g), idx);
}

/* err == -e ? a : b, as an i32 slot */
static LLVMValueRef pick(struct gen *g, LLVMValueRef r, int e, uint32_t a,
			 LLVMValueRef b)
{
	LLVMValueRef is = LLVMBuildICmp(g->b, LLVMIntEQ, r,
					LLVMConstInt(LLVMTypeOf(r),
						     (unsigned long long)-e, 1),
					"");

	return LLVMBuildSelect(g->b, is, cg_const(g->cg, 32, a), b, "");
}

static const struct map_meta *user_map(struct gen *g, LLVMValueRef map)
{
	for (int i = 0; g->maps && i < g->prog->nmaps; i++)
		if (g->maps[i] == map)
			return &g->prog->maps[i];
	return NULL;
}

/* A failed update of the script's map m: which slot, by errno. */
static LLVMValueRef map_slot(struct gen *g, const struct map_meta *m,
			     LLVMValueRef r)
{
	struct et_drop d = { .cause = DROP_MAP_FULL, .map_id = m->id,
			     .limit = m->max_entries, .loc = LOC_NONE };
	uint32_t full = gen_drop_slot(g, &d), nomem, other;

	d.cause = DROP_MAP_NOMEM;
	d.limit = 0;
	nomem = gen_drop_slot(g, &d);
	d.cause = DROP_MAP_FAILED;
	other = gen_drop_slot(g, &d);
	return pick(g, r, E2BIG, full,
		    pick(g, r, ENOMEM, nomem, cg_const(g->cg, 32, other)));
}

/* A stack id not had: its map (args[1]) is full, or a collision. */
static LLVMValueRef stack_slot(struct gen *g, LLVMValueRef *args,
			       LLVMValueRef r)
{
	const char *what = args[1] == cg_map_get(g->cg, ET_KSTACK_MAP) ?
			   "kstack" : "ustack";
	struct et_drop d = { .cause = DROP_STACK_FULL, .map_id = -1,
			     .what = what, .limit = ET_STACK_ENTRIES,
			     .loc = LOC_NONE };
	uint32_t full = gen_drop_slot(g, &d), coll;

	d.cause = DROP_STACK_COLLISION;
	coll = gen_drop_slot(g, &d);
	return pick(g, r, ENOMEM, full,
		    pick(g, r, EEXIST, coll, cg_const(g->cg, 32, NO_SLOT)));
}

/* The slot a failure of this call counts in (NULL: it loses nothing);
 * *maybe_none when some failures do not count. */
static LLVMValueRef fail_slot(struct gen *g, enum bpf_func_id id,
			      LLVMValueRef *args, unsigned n, LLVMValueRef r,
			      bool *maybe_none)
{
	struct et_drop d = { .cause = DROP_READ, .map_id = -1 };

	*maybe_none = false;
	switch (id) {
	case BPF_FUNC_map_update_elem:
		return map_slot(g, user_map(g, args[0]), r);
	case BPF_FUNC_get_stackid:
		*maybe_none = true;
		return stack_slot(g, args, r);
	case BPF_FUNC_loop:
		d.cause = DROP_LOOP;
		d.limit = 1u << 23;
		d.loc = g->at_stmt ? g->at_stmt->loc : LOC_NONE;
		return cg_const(g->cg, 32, gen_drop_slot(g, &d));
	default:
		d.what = gen_read_name(id);
		if (!d.what)
			return NULL;
		d.loc = gen_helper_loc(g, id);
		return cg_const(g->cg, 32, gen_drop_slot(g, &d));
	}
}

/* The blocks of the current function made after `after`, but hot, are
 * cold: they go to the function's end once it is complete. */
static void mark_cold(struct gen *g, LLVMBasicBlockRef after,
		      LLVMBasicBlockRef hot)
{
	LLVMBasicBlockRef b = LLVMGetNextBasicBlock(after);

	for (; b; b = LLVMGetNextBasicBlock(b)) {
		if (b == hot)
			continue;
		if (g->ncold == g->cap_cold) {
			LLVMBasicBlockRef *n;

			g->cap_cold = g->cap_cold ? 2 * g->cap_cold : 16;
			n = arena_calloc(g->ctx->arena, g->cap_cold,
					 sizeof(*n));
			if (g->ncold)
				memcpy(n, g->cold, g->ncold * sizeof(*n));
			g->cold = n;
		}
		g->cold[g->ncold++] = b;
	}
}

static bool is_str_read(enum bpf_func_id id)
{
	return id == BPF_FUNC_probe_read_str ||
	       id == BPF_FUNC_probe_read_kernel_str ||
	       id == BPF_FUNC_probe_read_user_str;
}

/* The helper that reads one byte where the str read read. */
static enum bpf_func_id byte_read(enum bpf_func_id id)
{
	return id == BPF_FUNC_probe_read_user_str ? BPF_FUNC_probe_read_user :
	       id == BPF_FUNC_probe_read_str ? BPF_FUNC_probe_read :
					       BPF_FUNC_probe_read_kernel;
}

/* str() at strlen: a result of strlen (the buffer filled) is a cut
 * string unless the source's byte strlen - 1 is its NUL. */
static void check_trunc(struct gen *g, enum bpf_func_id id,
			LLVMValueRef *args, LLVMValueRef r)
{
	unsigned long long size;
	LLVMBasicBlockRef last, full, cut, done;
	LLVMValueRef b, a[3], c;
	struct et_drop d = { .cause = DROP_STR_TRUNC, .map_id = -1 };

	if (!LLVMIsAConstantInt(args[1]))
		return;
	size = LLVMConstIntGetZExtValue(args[1]);
	if (size != (unsigned long long)g->ctx->opts.strlen || size < 2)
		return;
	d.loc = gen_helper_loc(g, id);
	d.limit = (uint32_t)size;
	last = LLVMGetLastBasicBlock(
		LLVMGetBasicBlockParent(LLVMGetInsertBlock(g->b)));
	full = gen_block(g, "str_full");
	cut = gen_block(g, "str_cut");
	done = gen_block(g, "str_whole");
	unlikely_br(g, LLVMBuildICmp(g->b, LLVMIntEQ, r,
				     LLVMConstInt(LLVMTypeOf(r), size, 0), ""),
		    full, done);
	LLVMPositionBuilderAtEnd(g->b, full);
	b = gen_tmp(g, 8, "str_next");
	a[0] = b;
	a[1] = cg_const(g->cg, 32, 1);
	a[2] = LLVMBuildGEP2(g->b, cg_int(g->cg, 8), args[2],
			     (LLVMValueRef[]){ cg_const(g->cg, 64, size - 1) },
			     1, "");
	cg_helper_call(g->cg, byte_read(id), NULL, a, 3);
	c = LLVMBuildLoad2(g->b, cg_int(g->cg, 8), b, "");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, c, ""), done, cut);
	LLVMPositionBuilderAtEnd(g->b, cut);
	count(g, cg_const(g->cg, 32, gen_drop_slot(g, &d)), false);
	LLVMBuildBr(g->b, done);
	mark_cold(g, last, done);
	LLVMMoveBasicBlockAfter(done, last);
	LLVMPositionBuilderAtEnd(g->b, done);
}

/* Whether a failure of this call loses something. */
static bool loses(struct gen *g, enum bpf_func_id id, LLVMValueRef *args,
		  unsigned n)
{
	switch (id) {
	case BPF_FUNC_map_update_elem:
		return n && user_map(g, args[0]);
	case BPF_FUNC_get_stackid:
		return n == 3;
	case BPF_FUNC_loop:
		return true;
	default:
		return gen_read_name(id) != NULL;
	}
}

/* if (r < 0) { count; -k: report } */
static void check_fail(struct gen *g, enum bpf_func_id id, LLVMValueRef r,
		       LLVMValueRef *args, unsigned n, bool lost,
		       const char *k)
{
	LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(g->b));
	LLVMBasicBlockRef last = LLVMGetLastBasicBlock(fn), fail, ok;
	LLVMValueRef idx;
	bool maybe_none;

	fail = gen_block(g, "drop");
	ok = gen_block(g, "drop_ok");
	unlikely_br(g, LLVMBuildICmp(g->b, LLVMIntSLT, r,
				     LLVMConstNull(LLVMTypeOf(r)), ""),
		    fail, ok);
	LLVMPositionBuilderAtEnd(g->b, fail);
	idx = lost ? fail_slot(g, id, args, n, r, &maybe_none) : NULL;
	if (idx)
		count(g, idx, maybe_none);
	if (k)
		gen_kcheck_report(g, id, k, r);
	LLVMBuildBr(g->b, ok);
	mark_cold(g, last, ok);
	LLVMMoveBasicBlockAfter(ok, last);
	LLVMPositionBuilderAtEnd(g->b, ok);
}

static void hook(void *arg, enum bpf_func_id id, LLVMValueRef r,
		 LLVMValueRef *args, unsigned n)
{
	struct gen *g = arg;
	const char *k = gen_kcheck_helper(g, id, args, n);
	bool lost = g->count_drops && loses(g, id, args, n);

	if (LLVMGetTypeKind(LLVMTypeOf(r)) != LLVMIntegerTypeKind)
		return;
	/* an inlined bpf_loop fails with a 32-bit -E2BIG in a 64-bit
	 * register (zero-extended): its low half is the result */
	if (id == BPF_FUNC_loop)
		r = LLVMBuildTrunc(g->b, r, cg_int(g->cg, 32), "");
	if (lost || k)
		check_fail(g, id, r, args, n, lost, k);
	if (g->count_drops && is_str_read(id) && n == 3)
		check_trunc(g, id, args, r);
}

void gen_helper_checks(struct gen *g, int level, bool drops)
{
	g->helper_checks = level;
	g->count_drops = drops;
	cg_set_helper_hook(g->cg, hook, g);
}

int gen_drops_finish(struct gen *g)
{
	LLVMValueRef m;

	/* in creation order, each to its function's end */
	for (int i = 0; i < g->ncold; i++)
		LLVMMoveBasicBlockAfter(g->cold[i], LLVMGetLastBasicBlock(
				LLVMGetBasicBlockParent(g->cold[i])));
	if (!g->drops)
		return 0;
	m = cg_map_define(g->cg, ET_DROPS_MAP, BPF_MAP_TYPE_PERCPU_ARRAY,
			  (uint32_t)g->prog->ndrops, 4, 8);
	if (!m) {
		gen_error(g, LOC_NONE, "Cannot define %s: %s", ET_DROPS_MAP,
			  cg_strerror(g->cg));
		return -EINVAL;
	}
	LLVMReplaceAllUsesWith(g->drops, m);
	LLVMDeleteGlobal(g->drops);
	g->drops = NULL;
	return 0;
}

void gen_stack_fail(struct gen *g, LLVMValueRef map, LLVMValueRef r)
{
	LLVMValueRef args[3] = { NULL, map, NULL };

	/* counted, and under -k reported, as bpf_get_stackid's failure */
	hook(g, BPF_FUNC_get_stackid, r, args, 3);
}
