/* cg_agg.c: user maps in BPF: their definitions and map_meta metadata
 * (storage and layouts of compiler/program.h), keys, reads (0 when the
 * key is missing), writes, delete, and the aggregations count sum min max
 * avg stats hist lhist tseries into per-CPU maps (the generators of the rows of
 * delete and the aggregations, compiler/funcs.def, at the end). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "gen.h"

static uint32_t value_size(const struct type *v)
{
	switch (v->kind) {
	case T_MIN:
	case T_MAX:
	case T_AVG:
	case T_STATS:
	case T_HIST: /* { u64 count; s64 sum; } per bucket */
	case T_LHIST:
		return 16;
	case T_COUNT:
	case T_SUM:
		return 8;
	case T_TSERIES:
		return 24; /* runtime/abi.h */
	default:
		return gen_size(v) ? gen_size(v) : 8;
	}
}

static const char *bpf_name(struct gen *g, const struct map_info *mi)
{
	char *n = arena_printf(g->ctx->arena, "m%d_%s", mi->id,
			       mi->name[1] ? mi->name + 1 : "");

	for (char *p = n; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			*p = '_';
	if (strlen(n) > 15)
		n[15] = 0;
	return n;
}

/* Hash maps allocate their elements on first insert: the kernel then
 * creates a 4096-entry per-CPU hash in ~0.02 ms instead of ~0.6 ms (one
 * per-CPU allocation per preallocated element), and costs memory only
 * for the keys a script uses. Since Linux 6.1 (bpf_mem_alloc) such maps
 * are safe in every tracing program, perf_event ones included; older
 * kernels refuse them there, so they keep preallocated maps. */
static bool alloc_on_demand(void)
{
	static int known; /* 0 unknown, 1 yes, 2 no */
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (!known)
		known = uname(&u) == 0 &&
				sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
				(major > 6 || (major == 6 && minor >= 1))
			    ? 1
			    : 2;
	return known == 1;
}

static void define_map(struct gen *g, struct map_info *mi, struct map_meta *m)
{
	static const enum bpf_map_type types[] = {
	    [MS_HASH] = BPF_MAP_TYPE_HASH,
	    [MS_PERCPU_HASH] = BPF_MAP_TYPE_PERCPU_HASH,
	    [MS_ARRAY] = BPF_MAP_TYPE_ARRAY,
	    [MS_PERCPU_ARRAY] = BPF_MAP_TYPE_PERCPU_ARRAY,
	    [MS_LRU_HASH] = BPF_MAP_TYPE_LRU_HASH,
	    [MS_LRU_PERCPU_HASH] = BPF_MAP_TYPE_LRU_PERCPU_HASH,
	};
	struct type *v = mi->value ? mi->value : type_u64();
	bool agg = type_is_aggregation(v);
	uint32_t ks = mi->key ? gen_size(mi->key) : 0;
	struct cg_map_spec s = {0};

	m->id = mi->id;
	m->name = mi->name;
	m->bpf_name = bpf_name(g, mi);
	m->info = mi;
	m->bucketed =
	    v->kind == T_HIST || v->kind == T_LHIST || v->kind == T_TSERIES;
	/* hashes even without a key: a map never written has no entry and
	 * is not printed, as in bpftrace 0.17 (an array always has one) */
	m->storage = agg || m->bucketed ? MS_PERCPU_HASH : MS_HASH;
	m->key_size = m->bucketed ? ks + 8 : (ks ? ks : 4);
	m->value_size = value_size(v);
	/* config max_map_keys (compiler/settings.c) */
	m->max_entries = ks || m->bucketed ? g->ctx->opts.max_map_keys : 1;
	if (mi->decl) { /* let @m = kind(size); (compiler/pass_mapdecl.c) */
		if (mi->decl_lru)
			m->storage = m->storage == MS_PERCPU_HASH
					 ? MS_LRU_PERCPU_HASH
					 : MS_LRU_HASH;
		m->max_entries = (uint32_t)mi->decl->u.map_decl.size;
		m->declared = true;
	}
	s.name = m->bpf_name;
	s.type = types[m->storage];
	s.max_entries = m->max_entries;
	s.key_size = m->key_size;
	s.value_size = m->value_size;
	/* the kernel refuses LRU maps without preallocation */
	s.map_flags =
	    alloc_on_demand() && !mi->decl_lru ? BPF_F_NO_PREALLOC : 0;
	g->maps[mi->id] = cg_map_define_spec(g->cg, &s);
}

void gen_define_maps(struct gen *g)
{
	struct compile_ctx *ctx = g->ctx;
	int n = 0;

	for (struct map_info *mi = ctx->maps; mi; mi = mi->next)
		if (mi->id + 1 > n)
			n = mi->id + 1;
	g->prog->maps =
	    arena_calloc(ctx->arena, n ? n : 1, sizeof(struct map_meta));
	g->prog->nmaps = n;
	g->maps = arena_calloc(ctx->arena, n ? n : 1, sizeof(LLVMValueRef));
	for (struct map_info *mi = ctx->maps; mi; mi = mi->next)
		define_map(g, mi, &g->prog->maps[mi->id]);
}

const struct map_meta *gen_map(struct gen *g, const struct node *m)
{
	return &g->prog->maps[m->u.map.info->id];
}

static LLVMValueRef at(struct gen *g, LLVMValueRef p, uint32_t off)
{
	LLVMValueRef i = cg_const(g->cg, 64, off);

	return off ? LLVMBuildGEP2(g->b, cg_int(g->cg, 8), p, &i, 1, "") : p;
}

/* k stored as type dt at dst in a key buffer; comm is read straight
 * into it (gen_is_comm) */
static void key_part(struct gen *g, LLVMValueRef dst, const struct type *dt,
		     bool widen, struct node *k)
{
	if (gen_is_comm(k, dt))
		cg_get_current_comm(g->cg, dst, k->type->size);
	else
		gen_store(g, dst, dt, widen, gen_expr(g, k), k->type);
}

/* A value already on the stack (a struct, an array, a string, a buf())
 * whose bytes are exactly a map's key or value of size bytes: it is used
 * where it is, not copied (a 300-byte struct read by value and copied
 * would not fit BPF's 512-byte stack twice). */
bool gen_bytes_as_is(const struct type *want, const struct type *have,
		     uint32_t size)
{
	switch (have->kind) {
	case T_RECORD:
	case T_ARRAY:
	case T_STRING:
	case T_BUF:
		return !have->is_ctx && want->kind == have->kind &&
		       gen_size(have) == size && gen_size(want) == size;
	default:
		return false;
	}
}

LLVMValueRef gen_map_key(struct gen *g, struct node *m, LLVMValueRef bucket)
{
	const struct map_meta *em = gen_map(g, m);
	struct type *kt = em->info->key;
	struct node *k = m->u.map.keys;
	uint32_t ks = kt ? gen_size(kt) : 0;
	LLVMValueRef buf;

	if (k && !k->next && !bucket && !gen_is_comm(k, kt) &&
	    gen_bytes_as_is(kt, k->type, em->key_size))
		return gen_expr(g, k);

	/* @[comm]: the helper writes the whole key, no need to zero it */
	if (k && !k->next && !bucket && gen_is_comm(k, kt) &&
	    em->key_size == k->type->size && !(em->key_size % 8))
		buf = gen_tmp_raw(g, em->key_size, "key");
	else
		buf = gen_tmp(g, em->key_size, "key");
	if (k && !k->next) {
		key_part(g, buf, kt, true, k);
	} else if (k) {
		for (uint32_t i = 0; k && i < kt->nfields; i++, k = k->next)
			key_part(g, at(g, buf, kt->fields[i].offset),
				 kt->fields[i].type, false, k);
	}
	if (bucket)
		gen_store(g, at(g, buf, ks), type_u64(), true, bucket,
			  type_u64());
	return buf;
}

static LLVMValueRef load_u64(struct gen *g, LLVMValueRef p, uint32_t off)
{
	return gen_load_al(g, at(g, p, off), gen_align_at(GEN_ALIGN, off),
			   type_u64(), true);
}

/* the u64 at offset off of a map value or aggregation buffer */
static void store_u64(struct gen *g, LLVMValueRef p, uint32_t off,
		      LLVMValueRef v)
{
	gen_store_al(g, at(g, p, off), gen_align_at(GEN_ALIGN, off),
		     type_u64(), true, v, type_u64());
}

/* the value an aggregation map holds for this CPU, from its pointer */
static LLVMValueRef agg_value(struct gen *g, const struct type *v,
			      LLVMValueRef p)
{
	LLVMValueRef s, n, zero = cg_const(g->cg, 64, 0);

	if (v->kind != T_AVG)
		return load_u64(g, p, 0);
	s = load_u64(g, p, 0);
	n = load_u64(g, p, 8);
	n = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, n, zero, ""),
			    cg_const(g->cg, 64, 1), n, "");
	return LLVMBuildUDiv(g->b, s, n, "avg"); /* BPF v3: no SDiv */
}

/* The number of possible CPUs (ET_NCPUS_VAR, set by the runtime before
 * loading, so that an artifact compiled elsewhere counts this machine's),
 * as a u64. */
static LLVMValueRef ncpus(struct gen *g)
{
	LLVMValueRef v = LLVMGetNamedGlobal(cg_module(g->cg), ET_NCPUS_VAR);

	if (!v)
		v = cg_rodata_define(g->cg, ET_NCPUS_VAR, 32);
	return LLVMBuildZExt(g->b, cg_rodata_load(g->cg, v, 32),
			     cg_int(g->cg, 64), "ncpus");
}

/* One CPU's share p folded into the total {*acc, *aux}: count and sum
 * add, avg adds sum and count, min and max keep the better value of the
 * CPUs that have one (aux: some CPU had one). */
static void fold_cpu(struct gen *g, const struct type *v, LLVMValueRef p,
		     LLVMValueRef acc, LLVMValueRef aux)
{
	LLVMBuilderRef b = g->b;
	LLVMTypeRef i64 = cg_int(g->cg, 64);
	LLVMValueRef cur = LLVMBuildLoad2(b, i64, acc, ""), x, set, better;
	LLVMValueRef zero = cg_const(g->cg, 64, 0);
	bool is_min = v->kind == T_MIN;

	x = load_u64(g, p, 0);
	if (v->kind == T_COUNT || v->kind == T_SUM || v->kind == T_AVG) {
		LLVMBuildStore(b, LLVMBuildAdd(b, cur, x, ""), acc);
		if (v->kind == T_AVG)
			LLVMBuildStore(
			    b,
			    LLVMBuildAdd(b, LLVMBuildLoad2(b, i64, aux, ""),
					 load_u64(g, p, 8), ""),
			    aux);
		return;
	}
	set = LLVMBuildICmp(b, LLVMIntNE, load_u64(g, p, 8), zero, "");
	better =
	    LLVMBuildICmp(b,
			  is_min ? (v->is_signed ? LLVMIntSLT : LLVMIntULT)
				 : (v->is_signed ? LLVMIntSGT : LLVMIntUGT),
			  x, cur, "");
	better = LLVMBuildOr(b, better,
			     LLVMBuildICmp(b, LLVMIntEQ,
					   LLVMBuildLoad2(b, i64, aux, ""),
					   zero, ""),
			     "");
	better = LLVMBuildAnd(b, better, set, "");
	LLVMBuildStore(b, LLVMBuildSelect(b, better, x, cur, ""), acc);
	LLVMBuildStore(b,
		       LLVMBuildSelect(b, set, cg_const(g->cg, 64, 1),
				       LLVMBuildLoad2(b, i64, aux, ""), ""),
		       aux);
}

/* (int64)@c, @s == 12: the total of every CPU's share of an aggregation
 * (bpftrace 0.26; bpf_map_lookup_percpu_elem, Linux 5.19) */
static LLVMValueRef read_all_cpus(struct gen *g, struct node *m)
{
	const struct map_meta *em = gen_map(g, m);
	const struct type *v = em->info->value;
	LLVMTypeRef i64 = cg_int(g->cg, 64);
	LLVMValueRef key = gen_map_key(g, m, NULL), args[3], p, cpu, n, s, max;
	LLVMValueRef acc = cg_alloca(g->cg, i64, "total");
	LLVMValueRef aux = cg_alloca(g->cg, i64, "total_aux");
	LLVMValueRef icpu = cg_alloca(g->cg, i64, "cpu");
	LLVMBasicBlockRef cond = gen_block(g, "cpus_cond");
	LLVMBasicBlockRef body = gen_block(g, "cpus_body");
	LLVMBasicBlockRef fold = gen_block(g, "cpus_fold");
	LLVMBasicBlockRef done = gen_block(g, "cpus_done");

	LLVMBuildStore(g->b, cg_const(g->cg, 64, 0), acc);
	LLVMBuildStore(g->b, cg_const(g->cg, 64, 0), aux);
	LLVMBuildStore(g->b, cg_const(g->cg, 64, 0), icpu);
	max = ncpus(g);
	LLVMBuildBr(g->b, cond);
	LLVMPositionBuilderAtEnd(g->b, cond);
	cpu = LLVMBuildLoad2(g->b, i64, icpu, "");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULT, cpu, max, ""),
			body, done);
	LLVMPositionBuilderAtEnd(g->b, body);
	args[0] = g->maps[em->id];
	args[1] = key;
	args[2] = LLVMBuildTrunc(g->b, cpu, cg_int(g->cg, 32), "");
	gen_loc(g, m);
	p = cg_helper_call(g->cg, BPF_FUNC_map_lookup_percpu_elem,
			   cg_ptr(g->cg), args, 3);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), done, fold);
	LLVMPositionBuilderAtEnd(g->b, fold);
	fold_cpu(g, v, p, acc, aux);
	LLVMBuildStore(
	    g->b, LLVMBuildAdd(g->b, cpu, cg_const(g->cg, 64, 1), ""), icpu);
	LLVMBuildBr(g->b, cond);
	LLVMPositionBuilderAtEnd(g->b, done);
	s = LLVMBuildLoad2(g->b, i64, acc, "");
	if (v->kind != T_AVG)
		return s;
	n = LLVMBuildLoad2(g->b, i64, aux, "");
	n = LLVMBuildSelect(
	    g->b, LLVMBuildICmp(g->b, LLVMIntEQ, n, cg_const(g->cg, 64, 0), ""),
	    cg_const(g->cg, 64, 1), n, "");
	return LLVMBuildUDiv(g->b, s, n, "avg"); /* as agg_value */
}

static LLVMValueRef map_read(struct gen *g, struct node *m);

LLVMValueRef gen_map_read(struct gen *g, struct node *m)
{
	const struct map_meta *em = gen_map(g, m);

	if (m->u.map.all_cpus && type_is_aggregation(em->info->value))
		return read_all_cpus(g, m);
	return map_read(g, m);
}

static LLVMValueRef map_read(struct gen *g, struct node *m)
{
	const struct map_meta *em = gen_map(g, m);
	const struct type *v = em->info->value ? em->info->value : type_u64();
	LLVMValueRef key = gen_map_key(g, m, NULL), p, got, phi, vals[2];
	LLVMBasicBlockRef hit = gen_block(g, "map_hit");
	LLVMBasicBlockRef done = gen_block(g, "map_done"), bbs[2];
	LLVMValueRef buf = NULL;
	bool scalar = gen_is_scalar(v);

	if (!scalar)
		buf = gen_tmp(g, gen_size(v), "mapval");
	gen_loc(g, m);
	p = cg_map_lookup(g->cg, g->maps[em->id], key);
	gen_check_lookup(g, p);
	bbs[0] = LLVMGetInsertBlock(g->b);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), done, hit);
	LLVMPositionBuilderAtEnd(g->b, hit);
	if (type_is_aggregation(v))
		got = agg_value(g, v, p);
	else if (scalar)
		got = gen_load_al(g, p, GEN_ALIGN, v, true);
	else
		got = LLVMBuildMemCpy(g->b, buf, GEN_ALIGN, p, GEN_ALIGN,
				      cg_const(g->cg, 64, gen_size(v)));
	bbs[1] = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	if (!scalar)
		return buf;
	phi = LLVMBuildPhi(g->b, cg_int(g->cg, 64), "mapval");
	vals[0] = cg_const(g->cg, 64, 0);
	vals[1] = got;
	LLVMAddIncoming(phi, vals, bbs, 2);
	return phi;
}

/* A write of a key that is there is stored into its value: a lookup
 * (inlined by the verifier for hash and array maps) and stores cost a
 * tenth of bpf_map_update_elem, which takes the bucket's lock, allocates
 * a new element and frees the old one (tests/bench/http-cost.sh: ~500
 * ns a write on a 2-vCPU VM against ~30). A per-CPU value is this CPU's
 * slot, as the update's. Only a new key goes through the update. A
 * reader on another CPU may see the value half written, as it may with
 * the update (a freed element is reused at once). The copy is unrolled
 * into at most 128 stores (LLVM's BPF limit, past which it would call
 * memcpy): of 8 bytes from the value built here, of single bytes at
 * worst from a value of unknown alignment. */
#define WRITE_IN_PLACE_MAX 512
#define WRITE_IN_PLACE_BYTES 128

static void write_in_place(struct gen *g, const struct map_meta *em,
			   LLVMValueRef key, LLVMValueRef val, unsigned align)
{
	LLVMBasicBlockRef hit = gen_block(g, "write_hit");
	LLVMBasicBlockRef miss = gen_block(g, "write_new");
	LLVMBasicBlockRef done = gen_block(g, "write_done");
	LLVMValueRef p = cg_map_lookup(g->cg, g->maps[em->id], key);

	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), miss, hit);
	LLVMPositionBuilderAtEnd(g->b, hit);
	LLVMBuildMemCpy(g->b, p, GEN_ALIGN, val, align,
			cg_const(g->cg, 64, em->value_size));
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, miss);
	cg_map_update(g->cg, g->maps[em->id], key, val, BPF_ANY);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

void gen_map_write(struct gen *g, struct node *m, LLVMValueRef v,
		   const struct type *vt)
{
	const struct map_meta *em = gen_map(g, m);
	LLVMValueRef key, val;
	uint32_t in_place = WRITE_IN_PLACE_MAX;
	unsigned align = GEN_ALIGN;

	key = gen_map_key(g, m, NULL);
	if (gen_bytes_as_is(em->info->value, vt, em->value_size)) {
		val = v;
		in_place = WRITE_IN_PLACE_BYTES;
		align = 1;
	} else {
		val = gen_tmp(g, em->value_size, "val");
		gen_store_al(g, val, GEN_ALIGN, em->info->value, true, v, vt);
	}
	gen_loc(g, m);
	if (em->value_size <= in_place) {
		write_in_place(g, em, key, val, align);
		return;
	}
	cg_map_update(g->cg, g->maps[em->id], key, val, BPF_ANY);
}

/* A key that is not there is not deleted: the lookup costs a fraction
 * of bpf_map_delete_elem, which takes the bucket's lock even to find
 * nothing (a probe that forgets a thread's or a connection's state at
 * every call, as stdlib/http.et's, mostly finds none). With -k the
 * delete is made, for its warning about a missing key (bpftrace 0.17's
 * map_delete_elem -2). 1 when deleted. */
static LLVMValueRef delete_if_there(struct gen *g, const struct map_meta *em,
				    LLVMValueRef key)
{
	LLVMBasicBlockRef there, done, bbs[2];
	LLVMValueRef p, rc, phi, vals[2];

	if (g->helper_checks > 0) {
		rc = cg_map_delete(g->cg, g->maps[em->id], key);
		return LLVMBuildZExt(
		    g->b,
		    LLVMBuildICmp(g->b, LLVMIntEQ, rc,
				  LLVMConstNull(LLVMTypeOf(rc)), ""),
		    cg_int(g->cg, 64), "deleted");
	}
	there = gen_block(g, "delete_hit");
	done = gen_block(g, "delete_done");
	p = cg_map_lookup(g->cg, g->maps[em->id], key);
	bbs[0] = LLVMGetInsertBlock(g->b);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), done, there);
	LLVMPositionBuilderAtEnd(g->b, there);
	rc = cg_map_delete(g->cg, g->maps[em->id], key);
	vals[1] = LLVMBuildZExt(g->b,
				LLVMBuildICmp(g->b, LLVMIntEQ, rc,
					      LLVMConstNull(LLVMTypeOf(rc)), ""),
				cg_int(g->cg, 64), "deleted");
	bbs[1] = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	phi = LLVMBuildPhi(g->b, cg_int(g->cg, 64), "");
	vals[0] = cg_const(g->cg, 64, 0);
	LLVMAddIncoming(phi, vals, bbs, 2);
	return phi;
}

/* delete(@m[k]), or delete(@m, k): k is the node of the key then. The
 * value: 1 when the key was there, else 0. */
static LLVMValueRef map_delete(struct gen *g, struct node *m, struct node *k)
{
	const struct map_meta *em = gen_map(g, m);
	LLVMValueRef key, zero;

	if (k) {
		key = gen_tmp(g, em->key_size, "dkey");
		gen_store(g, key, em->info->key, true, gen_expr(g, k), k->type);
	} else {
		key = gen_map_key(g, m, NULL);
	}
	gen_loc(g, m);
	if (em->storage == MS_ARRAY || em->storage == MS_PERCPU_ARRAY) {
		zero = gen_tmp(g, em->value_size, "zero");
		cg_map_update(g->cg, g->maps[em->id], key, zero, BPF_ANY);
		return cg_const(g->cg, 64, 1);
	}
	return delete_if_there(g, em, key);
}

/* p = lookup(key); if (p) update(p) else insert(init) */
struct agg_op {
	enum type_kind kind;  /* T_COUNT, T_SUM, T_MIN...: the update */
	LLVMValueRef v;       /* the argument (i64) */
	bool sign;
};

static void agg_update(struct gen *g, const struct agg_op *op,
		       LLVMValueRef p)
{
	LLVMBuilderRef b = g->b;
	LLVMValueRef cur, set, better, one = cg_const(g->cg, 64, 1);
	LLVMBasicBlockRef yes, done;
	bool is_min = op->kind == T_MIN;

	if (op->kind == T_MIN || op->kind == T_MAX) {
		cur = load_u64(g, p, 0);
		set = load_u64(g, p, 8);
		better = LLVMBuildICmp(
		    b,
		    is_min ? (op->sign ? LLVMIntSLT : LLVMIntULT)
			   : (op->sign ? LLVMIntSGT : LLVMIntUGT),
		    op->v, cur, "");
		better = LLVMBuildOr(
		    b, better,
		    LLVMBuildICmp(b, LLVMIntEQ, set, cg_const(g->cg, 64, 0),
				  ""),
		    "");
		yes = gen_block(g, "agg_better");
		done = gen_block(g, "agg_kept");
		LLVMBuildCondBr(b, better, yes, done);
		LLVMPositionBuilderAtEnd(b, yes);
		store_u64(g, p, 0, op->v);
		store_u64(g, p, 8, one);
		LLVMBuildBr(b, done);
		LLVMPositionBuilderAtEnd(b, done);
		return;
	}
	if (op->kind == T_HIST || op->kind == T_LHIST) {
		store_u64(g, p, 0, LLVMBuildAdd(b, load_u64(g, p, 0), one, ""));
		store_u64(g, p, 8, LLVMBuildAdd(b, load_u64(g, p, 8), op->v, ""));
		return;
	}
	store_u64(g, p, 0, LLVMBuildAdd(b, load_u64(g, p, 0), op->v, ""));
	if (op->kind == T_AVG || op->kind == T_STATS)
		store_u64(g, p, 8, LLVMBuildAdd(b, load_u64(g, p, 8), one, ""));
}

static void agg_insert(struct gen *g, const struct map_meta *em,
		       const struct agg_op *op, LLVMValueRef key)
{
	LLVMValueRef val = gen_tmp(g, em->value_size, "aggval");

	if (op->kind == T_HIST || op->kind == T_LHIST) {
		store_u64(g, val, 0, cg_const(g->cg, 64, 1));
		store_u64(g, val, 8, op->v);
		cg_map_update(g->cg, g->maps[em->id], key, val, BPF_ANY);
		return;
	}
	store_u64(g, val, 0, op->v);
	if (em->value_size == 16)
		store_u64(g, val, 8, cg_const(g->cg, 64, 1));
	cg_map_update(g->cg, g->maps[em->id], key, val, BPF_ANY);
}

static LLVMValueRef bucket(struct gen *g, struct node *call,
			   LLVMValueRef v)
{
	struct node *a = call->u.call.args;
	LLVMValueRef args[4] = {v};
	int64_t k[3] = {0, 0, 1};
	LLVMValueRef r;

	if (call->type->kind == T_HIST) {
		r = cg_libcall(g->cg, "et_log2_bucket", args, 1);
	} else {
		a = a->next;
		for (int i = 0; i < 3 && a; i++, a = a->next)
			k[i] = a->kind == N_INT ? (int64_t)a->u.integer.value
						: 0;
		for (int i = 0; i < 3; i++)
			args[i + 1] = cg_const(g->cg, 64, k[i]);
		r = cg_libcall(g->cg, "et_linear_bucket", args, 4);
	}
	if (!r) {
		gen_error(g, call->loc, "%s", cg_strerror(g->cg));
		return cg_const(g->cg, 64, 0);
	}
	return r;
}

/* One interval of a tseries starts over: {v, meta, epoch} where meta is
 * the time of the write (the last value wins across CPUs) or the count
 * of values (avg; min/max: set). */
static void ts_start(struct gen *g, enum ts_agg agg, LLVMValueRef p,
		     LLVMValueRef v, LLVMValueRef now, LLVMValueRef epoch)
{
	store_u64(g, p, 0, v);
	store_u64(g, p, 8, agg == TS_LAST ? now : cg_const(g->cg, 64, 1));
	store_u64(g, p, 16, epoch);
}

/* The same interval again: fold v into it. */
static void ts_fold(struct gen *g, const struct type *t, LLVMValueRef p,
		    LLVMValueRef v)
{
	LLVMBuilderRef b = g->b;
	LLVMValueRef cur = load_u64(g, p, 0), better;
	bool is_min = t->ts_agg == TS_MIN;

	switch (t->ts_agg) {
	case TS_AVG:
		store_u64(g, p, 8,
			  LLVMBuildAdd(b, load_u64(g, p, 8),
				       cg_const(g->cg, 64, 1), ""));
		/* fall through */
	case TS_SUM:
		store_u64(g, p, 0, LLVMBuildAdd(b, cur, v, ""));
		break;
	default: /* TS_MIN, TS_MAX */
		better = LLVMBuildICmp(
		    b,
		    is_min ? (t->is_signed ? LLVMIntSLT : LLVMIntULT)
			   : (t->is_signed ? LLVMIntSGT : LLVMIntUGT),
		    v, cur, "");
		store_u64(g, p, 0, LLVMBuildSelect(b, better, v, cur, ""));
		break;
	}
}

/* @m[k] = tseries(v, interval, n[, agg]): the BPF key is the user key
 * and the interval's slot (epoch % n), epoch = CLOCK_TAI ns / interval
 * (bpf_ktime_get_tai_ns, Linux 6.1, as bpftrace 0.26); a slot still
 * holding an older epoch starts over. Each CPU keeps its own value;
 * user space merges the CPUs' values of the newest epoch. */
static void ts_aggregate(struct gen *g, struct node *m, struct node *call)
{
	const struct map_meta *em = gen_map(g, m);
	const struct type *t = em->info->value;
	struct node *arg = call->u.call.args;
	LLVMValueRef v, now, epoch, key, p, val, same;
	LLVMBasicBlockRef hit = gen_block(g, "ts_hit");
	LLVMBasicBlockRef miss = gen_block(g, "ts_miss");
	LLVMBasicBlockRef fold;
	LLVMBasicBlockRef fresh = gen_block(g, "ts_fresh");
	LLVMBasicBlockRef done = gen_block(g, "ts_done");

	v = gen_expr(g, arg);
	now = cg_helper_call(g->cg, BPF_FUNC_ktime_get_tai_ns, NULL, NULL, 0);
	epoch = LLVMBuildUDiv(g->b, now, cg_const(g->cg, 64, t->ts_interval),
			      "epoch");
	key = gen_map_key(
	    g, m,
	    LLVMBuildURem(g->b, epoch, cg_const(g->cg, 64, t->ts_num), ""));
	gen_loc(g, call);
	p = cg_map_lookup(g->cg, g->maps[em->id], key);
	gen_check_lookup(g, p);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), miss, hit);
	LLVMPositionBuilderAtEnd(g->b, hit);
	if (t->ts_agg == TS_LAST) { /* the last value wins: always over */
		LLVMBuildBr(g->b, fresh);
	} else {
		fold = gen_block(g, "ts_fold");
		same = LLVMBuildICmp(g->b, LLVMIntEQ, load_u64(g, p, 16), epoch,
				     "");
		LLVMBuildCondBr(g->b, same, fold, fresh);
		LLVMPositionBuilderAtEnd(g->b, fold);
		ts_fold(g, t, p, v);
		LLVMBuildBr(g->b, done);
	}
	LLVMPositionBuilderAtEnd(g->b, fresh);
	ts_start(g, t->ts_agg, p, v, now, epoch);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, miss);
	val = gen_tmp(g, em->value_size, "tsval");
	ts_start(g, t->ts_agg, val, v, now, epoch);
	cg_map_update(g->cg, g->maps[em->id], key, val, BPF_ANY);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

/* @m[k] = count(), sum(v)...: the call's type says which */
static void aggregate(struct gen *g, struct node *m, struct node *call)
{
	const struct map_meta *em = gen_map(g, m);
	struct node *arg = call->u.call.args;
	struct agg_op op = {.kind = call->type->kind};
	LLVMValueRef key, p, bk = NULL;
	LLVMBasicBlockRef hit, miss, done;

	if (call->type->kind == T_TSERIES) {
		ts_aggregate(g, m, call);
		return;
	}
	hit = gen_block(g, "agg_hit");
	miss = gen_block(g, "agg_miss");
	done = gen_block(g, "agg_done");
	op.v = arg ? gen_expr(g, arg) : cg_const(g->cg, 64, 1);
	op.sign = arg && arg->type->is_signed;
	if (em->bucketed) /* count 1 and add v to the bucket's sum */
		bk = bucket(g, call, op.v);
	key = gen_map_key(g, m, bk);
	gen_loc(g, call);
	p = cg_map_lookup(g->cg, g->maps[em->id], key);
	gen_check_lookup(g, p);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), miss, hit);
	LLVMPositionBuilderAtEnd(g->b, hit);
	agg_update(g, &op, p);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, miss);
	agg_insert(g, em, &op, key);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

static LLVMValueRef delete_call(struct gen *g, struct node *call)
{
	return map_delete(g, call->u.call.args, call->u.call.args->next);
}

const struct cg_func cg_func_AGG = { .agg = aggregate };
const struct cg_func cg_func_DELETE = { .call = delete_call };
