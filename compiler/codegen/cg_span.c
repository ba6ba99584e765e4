/* cg_span.c: the span.* calls of a span block's probes (pass_span.h).
 * Per block: an instance map (key -> runtime/abi.h struct et_span_rec
 * and the attributes; span_max entries) and a per-CPU scratch record;
 * shared: the per-thread stacks of open spans and the counters.
 *   span.open   (begin, first): the scratch record, its header reset
 *   span.set/get: an attribute of the scratch record (begin) or of the
 *               instance (end, after span.key); kind and status bytes;
 *               start, duration, id, trace_id of the instance
 *   span.key    (begin, last): the instance opened with the scratch
 *               record (bpf-helpers/span.c et_span_begin);
 *               (end) the instance looked up, or counted and return;
 *               (event) an event added to it, with the event
 *               attributes of its scratch slot when it has any
 *   span.eopen  (event, first, when it sets event.NAME): the per-CPU
 *               scratch slot of the event's attributes, mask reset
 *   span.eset   event.NAME = v: into that slot
 *   span.close  (end, last): the instance sent as an ACT_SPAN record and
 *               deleted. */
#include <stddef.h>
#include <string.h>

#include "arena.h"
#include "cg_probe.h"
#include "gen.h"
#include "go_abi.h"
#include "pass_span.h"
#include "types.h"

#define TSTACK_ENTRIES 16384
#define SPAN_KEY_MAX 192 /* bytes of a key: it lives on the BPF stack */
/* the per-CPU scratch: traceparent()'s scan, et_span_begin's zeroed
 * thread stack */
#define SPAN_SCRATCH (1024 + 64)
/* bytes of one event's attributes (with their u64 set mask): every
 * open instance has ET_SPAN_EVENTS of them */
#define SPAN_EVENT_SLOT_MAX 512

/* A block's layout, made at its first span call. */
struct span_cg {
	struct action_meta *a;
	uint32_t rec_size, key_size;
	uint32_t attr_off[SPAN_MAX_ATTRS];
	uint32_t key_off[SPAN_MAX_KEYS];
	LLVMValueRef inst, scratch;
	/* event attributes: ET_SPAN_EVENTS slots of ev_slot bytes from
	 * ev_base (after the attributes; ev_slot 0: none), one per event
	 * of the instance, each its u64 set mask and then the attributes
	 * of the event probe that added it, at the offsets of args
	 * eargs[k] on (from the slot's start), filled in a per-CPU
	 * scratch slot (escratch) by its probe */
	uint32_t ev_base, ev_slot;
	int eargs[SPAN_MAX_EVENTS];
	LLVMValueRef escratch;
};

static LLVMValueRef at(struct gen *g, LLVMValueRef p, uint32_t off)
{
	LLVMValueRef i = cg_const(g->cg, 64, off);

	return off ? LLVMBuildGEP2(g->b, cg_int(g->cg, 8), p, &i, 1, "") : p;
}

static void put(struct gen *g, LLVMValueRef p, uint32_t off, unsigned bits,
		LLVMValueRef v)
{
	LLVMValueRef s = LLVMBuildStore(
	    g->b, LLVMBuildTrunc(g->b, v, cg_int(g->cg, bits), ""),
	    at(g, p, off));

	LLVMSetAlignment(s, bits / 8);
}

static LLVMValueRef get64(struct gen *g, LLVMValueRef p, uint32_t off)
{
	LLVMValueRef l =
	    LLVMBuildLoad2(g->b, cg_int(g->cg, 64), at(g, p, off), "");

	LLVMSetAlignment(l, 8);
	return l;
}

static struct span_info *info(struct gen *g)
{
	return &g->ctx->spans[g->probe->u.probe.span_idx];
}

/* The action's description for runtime/span.c (program.h ACT_SPAN). */
static const char *describe(struct gen *g, struct span_info *s, const char *map)
{
	struct arena *a = g->ctx->arena;
	const char *d =
	    arena_printf(a, "name %s\nmap %s\ntimeout %llu\n", s->name, map,
			 (unsigned long long)g->ctx->opts.span_timeout_ns);

	for (int i = 0; i < s->nattrs; i++)
		d = arena_printf(a, "%sattr %s\n", d, s->attrs[i].name);
	for (int i = 0; i < s->nevents; i++)
		d = arena_printf(a, "%sevent %s\n", d, s->events[i]);
	if (!s->cg->ev_slot)
		return d;
	d = arena_printf(a, "%sevslot %u %u\n", d, s->cg->ev_base,
			 s->cg->ev_slot);
	for (int k = 0; k < s->nevents; k++)
		for (int i = 0; i < s->neattrs[k]; i++)
			d = arena_printf(a, "%seattr %d %s\n", d, k,
					 s->eattrs[k][i].name);
	return d;
}

/* The args (from index n) and slot layout of the event attributes. */
static int event_layout(struct gen *g, struct span_info *s, struct span_cg *l,
			int n, uint32_t base)
{
	l->ev_base = base;
	for (int k = 0; k < s->nevents; k++) {
		uint32_t off = 8; /* the set mask */

		l->eargs[k] = n;
		for (int i = 0; i < s->neattrs[k]; i++, n++) {
			struct arg_meta *m = &l->a->args[n];

			m->type = s->eattrs[k][i].type ? s->eattrs[k][i].type
						       : type_u64();
			m->offset = off;
			m->size = gen_size(m->type);
			off += (m->size + 7) & ~7u;
		}
		if (off > SPAN_EVENT_SLOT_MAX)
			gen_error(g, s->eattrs[k][0].loc,
				  "the event attributes of event %s take %u "
				  "bytes; at most %d fit in each of its span's "
				  "%d event slots (shorter strings: str(s, n))",
				  s->events[k], off - 8,
				  SPAN_EVENT_SLOT_MAX - 8, ET_SPAN_EVENTS);
		if (s->neattrs[k] && off > l->ev_slot)
			l->ev_slot = off;
	}
	return n;
}

static struct span_cg *layout(struct gen *g)
{
	struct span_info *s = info(g);
	struct span_cg *l;
	uint32_t off = sizeof(struct et_span_rec);
	const char *map;
	int neargs = 0;

	if (s->cg)
		return s->cg;
	l = s->cg = arena_calloc(g->ctx->arena, 1, sizeof(*l));
	for (int k = 0; k < s->nevents; k++)
		neargs += s->neattrs[k];
	l->a = gen_new_action(g, ACT_SPAN, s->loc);
	l->a->args = arena_calloc(g->ctx->arena, s->nattrs + neargs + 1,
				  sizeof(*l->a->args));
	for (int i = 0; i < s->nattrs; i++) {
		struct arg_meta *m = &l->a->args[i];

		m->type = s->attrs[i].type ? s->attrs[i].type : type_u64();
		m->offset = off;
		m->size = gen_size(m->type);
		l->attr_off[i] = off;
		off += (m->size + 7) & ~7u;
	}
	l->a->nargs = event_layout(g, s, l, s->nattrs, off);
	l->a->rec_size = l->rec_size = off + ET_SPAN_EVENTS * l->ev_slot;
	for (int i = 0; i < s->nkeys; i++) {
		l->key_off[i] = l->key_size;
		l->key_size += (gen_size(s->keys[i]) + 7) & ~7u;
	}
	if (l->key_size > SPAN_KEY_MAX)
		gen_error(g, s->loc, "the key of span %s takes %u bytes; at "
			  "most %d fit on the BPF stack (shorter strings: "
			  "str(s, n))", s->name, l->key_size, SPAN_KEY_MAX);
	map = arena_printf(g->ctx->arena, "et_span%d_i", s->idx);
	l->a->fmt_str = describe(g, s, map);
	l->inst =
	    cg_map_define(g->cg, map, BPF_MAP_TYPE_HASH, g->ctx->opts.span_max,
			  l->key_size ? l->key_size : 8, l->rec_size);
	l->scratch = cg_map_define(
	    g->cg, arena_printf(g->ctx->arena, "et_span%d_x", s->idx),
	    BPF_MAP_TYPE_PERCPU_ARRAY, 1, 4, l->rec_size);
	if (l->ev_slot)
		l->escratch = cg_map_define(
		    g->cg, arena_printf(g->ctx->arena, "et_span%d_e", s->idx),
		    BPF_MAP_TYPE_PERCPU_ARRAY, 1, 4, l->ev_slot);
	return l;
}

static LLVMValueRef shared_map(struct gen *g, const char *name,
			       enum bpf_map_type t, uint32_t n, uint32_t ksz,
			       uint32_t vsz)
{
	LLVMValueRef m = cg_map_get(g->cg, name);

	return m ? m : cg_map_define(g->cg, name, t, n, ksz, vsz);
}

static LLVMValueRef counters(struct gen *g)
{
	return shared_map(g, ET_SPAN_CNT_MAP, BPF_MAP_TYPE_PERCPU_ARRAY,
			  ET_SPAN_CNT_N, 4, 8);
}

/* {instance map, thread stacks, counters, ring buffer} on the stack: a
 * BPF call takes five arguments */
static LLVMValueRef maps(struct gen *g, struct span_cg *l)
{
	LLVMValueRef m[5], arr = gen_tmp(g, sizeof(m), "span_maps");

	m[0] = l->inst;
	m[1] = shared_map(g, ET_SPAN_TSTACK_MAP, BPF_MAP_TYPE_LRU_HASH,
			  TSTACK_ENTRIES, 8, sizeof(struct et_span_tstack));
	m[2] = counters(g);
	m[3] = g->ringbuf;
	m[4] = shared_map(g, "et_span_tp", BPF_MAP_TYPE_PERCPU_ARRAY, 1, 4,
			  SPAN_SCRATCH);
	for (unsigned i = 0; i < 5; i++)
		LLVMBuildStore(g->b, m[i], at(g, arr, i * 8));
	return arr;
}

/* Continues where p is not NULL; else (counted in slot cnt, or not when
 * cnt < 0) the program returns 0. */
static void or_return(struct gen *g, LLVMValueRef p, int cnt)
{
	LLVMBasicBlockRef none = gen_block(g, "span_none");
	LLVMBasicBlockRef ok = gen_block(g, "span_ok");

	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), none, ok);
	LLVMPositionBuilderAtEnd(g->b, none);
	if (cnt >= 0)
		gen_count_at(g, counters(g), cg_const(g->cg, 32, cnt));
	cg_return(g->cg, 0);
	LLVMPositionBuilderAtEnd(g->b, ok);
}

static LLVMValueRef span_open(struct gen *g, struct span_cg *l)
{
	LLVMValueRef key = gen_tmp(g, 4, "span_x"), p;

	p = cg_map_lookup(g->cg, l->scratch, key);
	or_return(g, p, -1);
	put(g, p, 0, 64, cg_const(g->cg, 64, l->a->id));
	put(g, p, offsetof(struct et_span_rec, attr_set), 64,
	    cg_const(g->cg, 64, 0));
	put(g, p, offsetof(struct et_span_rec, nevents), 64,
	    cg_const(g->cg, 64, 0));
	put(g, p, offsetof(struct et_span_rec, kind), 32,
	    cg_const(g->cg, 32, 0));
	g->span_ptr = p;
	return NULL;
}

/* span.eopen (event probes that set event attributes, first): the
 * per-CPU scratch slot, its set mask reset */
static LLVMValueRef span_eopen(struct gen *g, struct span_cg *l)
{
	LLVMValueRef key = gen_tmp(g, 4, "span_e"), p;

	p = cg_map_lookup(g->cg, l->escratch, key);
	or_return(g, p, -1);
	put(g, p, 0, 64, cg_const(g->cg, 64, 0));
	g->span_ptr = p;
	return NULL;
}

/* event.NAME = v: into the scratch slot, its bit set */
static LLVMValueRef cg_eset(struct gen *g, struct span_cg *l, struct node *call)
{
	struct span_info *s = info(g);
	int k = g->probe->u.probe.span_event, i;
	struct node *v = call->u.call.args->next;
	const struct arg_meta *m;
	LLVMValueRef p = g->span_ptr, set;

	for (i = 0; i < s->neattrs[k]; i++)
		if (!strcmp(s->eattrs[k][i].name,
			    call->u.call.args->u.string.str))
			break;
	m = &l->a->args[l->eargs[k] + i];
	gen_store_al(g, at(g, p, m->offset), GEN_ALIGN, m->type, true,
		     gen_expr(g, v), v->type);
	set = LLVMBuildOr(g->b, get64(g, p, 0), cg_const(g->cg, 64, 1ULL << i),
			  "");
	put(g, p, 0, 64, set);
	return NULL;
}

/* libbpf's barrier_var: v, which the optimizer cannot see through (a
 * bound applied to it stays where it is written, for the verifier) */
static LLVMValueRef opaque(struct gen *g, LLVMValueRef v)
{
	static char cons[] = "=r,0";
	LLVMTypeRef i64 = cg_int(g->cg, 64);
	LLVMTypeRef ft = LLVMFunctionType(i64, &i64, 1, 0);
	LLVMValueRef a = LLVMGetInlineAsm(ft, "", 0, cons, sizeof(cons) - 1, 1,
					  0, LLVMInlineAsmDialectATT, 0);

	return LLVMBuildCall2(g->b, ft, a, &v, 1, "");
}

/* An event with attributes (the key in k): the instance looked up (or
 * counted, and return), the event added, and the scratch slot copied
 * into the instance's slot for it (none when the instance has all its
 * events). */
static void event_with_attrs(struct gen *g, struct span_cg *l, LLVMValueRef k)
{
	LLVMValueRef args[3], n, dst, src = g->span_ptr;
	LLVMBasicBlockRef copy = gen_block(g, "span_ecopy");
	LLVMBasicBlockRef done = gen_block(g, "span_edone");
	LLVMValueRef p = cg_map_lookup(g->cg, l->inst, k);

	or_return(g, p, ET_SPAN_UNMATCHED);
	args[0] = maps(g, l);
	args[1] = p;
	args[2] = cg_const(g->cg, 64, g->probe->u.probe.span_event);
	n = cg_libcall(g->cg, "et_span_event_at", args, 3);
	LLVMBuildCondBr(g->b,
			LLVMBuildICmp(g->b, LLVMIntULT, n,
				      cg_const(g->cg, 64, ET_SPAN_EVENTS), ""),
			copy, done);
	LLVMPositionBuilderAtEnd(g->b, copy);
	n = LLVMBuildAnd(g->b, opaque(g, n),
			 cg_const(g->cg, 64, ET_SPAN_EVENTS - 1), "");
	dst = LLVMBuildGEP2(
	    g->b, cg_int(g->cg, 8), p,
	    (LLVMValueRef[]){LLVMBuildAdd(
		g->b,
		LLVMBuildMul(g->b, n, cg_const(g->cg, 64, l->ev_slot), ""),
		cg_const(g->cg, 64, l->ev_base), "")},
	    1, "");
	for (uint32_t off = 0; off < l->ev_slot; off += 8)
		put(g, dst, off, 64, get64(g, src, off));
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

static int attr_index(struct span_info *s, const char *name)
{
	for (int i = 0; i < s->nattrs; i++)
		if (!strcmp(s->attrs[i].name, name))
			return i;
	return -1;
}

static LLVMValueRef cg_set(struct gen *g, struct span_cg *l, struct node *call)
{
	struct span_info *s = info(g);
	const char *f = call->u.call.args->u.string.str;
	struct node *v = call->u.call.args->next;
	LLVMValueRef p = g->span_ptr, set;
	int i;

	if (!strcmp(f, "kind") || !strcmp(f, "status")) {
		int k = f[0] == 'k' ? span_kind_value(v->u.string.str)
				    : span_status_value(v->u.string.str);

		put(g, p,
		    f[0] == 'k' ? offsetof(struct et_span_rec, kind)
				: offsetof(struct et_span_rec, status),
		    8, cg_const(g->cg, 8, (uint64_t)k));
		return NULL;
	}
	i = attr_index(s, f);
	gen_store_al(g, at(g, p, l->attr_off[i]), GEN_ALIGN, l->a->args[i].type,
		     true, gen_expr(g, v), v->type);
	set = get64(g, p, offsetof(struct et_span_rec, attr_set));
	set = LLVMBuildOr(g->b, set, cg_const(g->cg, 64, 1ULL << i), "");
	put(g, p, offsetof(struct et_span_rec, attr_set), 64, set);
	return NULL;
}

static LLVMValueRef cg_get(struct gen *g, struct span_cg *l, struct node *call)
{
	struct span_info *s = info(g);
	const char *f = call->u.call.args->u.string.str;
	LLVMValueRef p = g->span_ptr, args[3], dst;
	int i;

	if (!strcmp(f, "start"))
		return get64(g, p, offsetof(struct et_span_rec, start_ns));
	if (!strcmp(f, "duration"))
		return LLVMBuildSub(
		    g->b, cg_ktime_get_ns(g->cg),
		    get64(g, p, offsetof(struct et_span_rec, start_ns)), "");
	if (!strcmp(f, "id"))
		return get64(g, p, offsetof(struct et_span_rec, span_id));
	if (!strcmp(f, "trace_id")) {
		dst = gen_tmp(g, 40, "trace_id");
		args[0] = dst;
		args[1] = get64(g, p, offsetof(struct et_span_rec, trace_hi));
		args[2] = get64(g, p, offsetof(struct et_span_rec, trace_lo));
		cg_libcall(g->cg, "et_span_hex", args, 3);
		return dst;
	}
	i = attr_index(s, f);
	if (gen_is_scalar(l->a->args[i].type))
		return gen_load_al(g, at(g, p, l->attr_off[i]), GEN_ALIGN,
				   l->a->args[i].type, true);
	/* a copy: the value outlives no map update */
	dst = gen_tmp(g, l->a->args[i].size, "span_attr");
	gen_store_al(g, dst, GEN_ALIGN, l->a->args[i].type, false,
		     gen_load_al(g, at(g, p, l->attr_off[i]), GEN_ALIGN,
				 l->a->args[i].type, false),
		     l->a->args[i].type);
	return dst;
}

/* The key buffer, alive to the end of the program (span.close uses it). */
static LLVMValueRef span_key_buf(struct gen *g, struct span_cg *l,
				 struct node *call)
{
	struct span_info *s = info(g);
	uint32_t size = l->key_size ? l->key_size : 8;
	LLVMValueRef k = cg_alloca_zero(
	    g->cg, LLVMArrayType(cg_int(g->cg, 8), size), "span_key");
	int i = 0;

	for (struct node *e = call->u.call.args; e; e = e->next, i++)
		gen_store_al(g, at(g, k, l->key_off[i]), GEN_ALIGN, s->keys[i],
			     true, gen_expr(g, e), e->type);
	return k;
}

/* In Go code, (goid, g.stack.hi - sp) as a latency block keys a call,
 * read once per span.key (span_key sets it, before the key's elements;
 * it dominates them) for span.frame and the goroutine's stack key: each
 * read takes BPF stack. */
static LLVMValueRef go_frame;
#define PT_REGS_R14 8 /* offsetof(struct pt_regs, r14) */

/* In Go code the stack of open spans (the parents) is the goroutine's,
 * not the thread's: its goid's low 31 bits + 1; elsewhere (and in Go
 * before 1.17, where g is not in R14) 0. From go_frame when span.key
 * read it, else from g in R14 (at a Go function's entry and RETs). */
static LLVMValueRef go_stack_key(struct gen *g)
{
	LLVMValueRef goid, addr;
	const char *why = NULL;
	uint32_t off;

	if (!cg_go_code(g))
		return cg_const(g->cg, 64, 0);
	if (go_frame) {
		goid = gen_load_al(g, go_frame, GEN_ALIGN, type_u64(), true);
	} else {
		off = g->ap->go_regabi
			  ? go_abi_goid_offset(g->ctx, g->ap->target, &why)
			  : 0;
		if (!off)
			return cg_const(g->cg, 64, 0);
		addr =
		    LLVMBuildAdd(g->b, gen_ctx_load(g, PT_REGS_R14, 8, false),
				 cg_const(g->cg, 64, off), "");
		goid = gen_load(g, gen_read(g, addr, 8, CG_USER), type_u64(),
				true);
	}
	return LLVMBuildAdd(
	    g->b, LLVMBuildAnd(g->b, goid, cg_const(g->cg, 64, 0x7fffffff), ""),
	    cg_const(g->cg, 64, 1), "gkey");
}

static LLVMValueRef span_key(struct gen *g, struct span_cg *l,
			     struct node *call)
{
	LLVMValueRef k, args[5], p;

	go_frame = NULL;
	/* function spans: pass_span.c's key, span.frame(...) */
	if (cg_go_code(g) && call->u.call.args->kind == N_CALL &&
	    !strcmp(call->u.call.args->u.call.name, "span.frame")) {
		go_frame = gen_tmp(g, 16, "goframe");
		cg_go_lat_key(g, go_frame);
	}
	k = span_key_buf(g, l, call);

	switch (g->probe->u.probe.span_role) {
	case SROLE_BEGIN:
		args[0] = maps(g, l);
		args[1] = g->span_ptr;
		args[2] = k;
		args[3] = cg_const(g->cg, 64, g->ctx->opts.span_timeout_ns);
		args[4] = go_stack_key(g);
		cg_libcall(g->cg, "et_span_begin", args, 5);
		go_frame = NULL;
		break;
	case SROLE_END:
		p = cg_map_lookup(g->cg, l->inst, k);
		or_return(g, p, ET_SPAN_UNMATCHED);
		g->span_ptr = p;
		g->span_key = k;
		break;
	default:
		if (info(g)->neattrs[g->probe->u.probe.span_event]) {
			event_with_attrs(g, l, k);
			break;
		}
		args[0] = maps(g, l);
		args[1] = k;
		args[2] = cg_const(g->cg, 64, g->probe->u.probe.span_event);
		cg_libcall(g->cg, "et_span_event", args, 3);
		break;
	}
	go_frame = NULL;
	return NULL;
}

static LLVMValueRef span_close(struct gen *g, struct span_cg *l)
{
	LLVMValueRef args[4];

	args[0] = maps(g, l);
	args[1] = g->span_ptr;
	args[2] = g->span_key;
	args[3] = cg_const(g->cg, 64, l->rec_size);
	cg_libcall(g->cg, "et_span_end", args, 4);
	return NULL;
}

/* traceparent(buf, len) (bpf-helpers/span.c): its scan buffer is a
 * per-CPU map value, larger than the BPF stack */
static LLVMValueRef traceparent(struct gen *g, struct node *call)
{
	LLVMValueRef key = gen_tmp(g, 4, "tp_key"), args[4], scratch;
	LLVMValueRef m = shared_map(g, "et_span_tp", BPF_MAP_TYPE_PERCPU_ARRAY,
				    1, 4, SPAN_SCRATCH);
	struct node *buf = call->u.call.args;
	LLVMBasicBlockRef none = gen_block(g, "tp_none");
	LLVMBasicBlockRef ok = gen_block(g, "tp_ok");
	LLVMBasicBlockRef done = gen_block(g, "tp_done"), bbs[2];
	LLVMValueRef vals[2], phi;

	args[2] = LLVMBuildIntToPtr(g->b, gen_expr(g, buf), cg_ptr(g->cg), "");
	args[3] = gen_expr(g, buf->next);
	scratch = cg_map_lookup(g->cg, m, key);
	bbs[0] = LLVMGetInsertBlock(g->b);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, scratch, ""), none, ok);
	LLVMPositionBuilderAtEnd(g->b, ok);
	args[0] = g->span_ptr;
	args[1] = scratch;
	vals[1] = cg_libcall(g->cg, "et_traceparent", args, 4);
	bbs[1] = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, none);
	LLVMBuildBr(g->b, done);
	bbs[0] = none;
	LLVMPositionBuilderAtEnd(g->b, done);
	phi = LLVMBuildPhi(g->b, cg_int(g->cg, 64), "tp");
	vals[0] = cg_const(g->cg, 64, 0);
	LLVMAddIncoming(phi, vals, bbs, 2);
	return phi;
}

/* thread_parent(tid) (bpf-helpers/span.c) */
static LLVMValueRef thread_parent(struct gen *g, struct span_cg *l,
				  struct node *call)
{
	LLVMValueRef args[4];

	args[0] = maps(g, l);
	args[1] = g->span_ptr;
	args[2] = gen_expr(g, call->u.call.args);
	args[3] = cg_const(g->cg, 64, g->ctx->opts.span_timeout_ns);
	return cg_libcall(g->cg, "et_span_thread_parent", args, 4);
}

/* span.frame(E, i) (pass_span.c frame_key): E, or in Go code word i of
 * go_frame */
static LLVMValueRef span_frame(struct gen *g, struct node *call)
{
	struct node *e = call->u.call.args;
	LLVMValueRef key = go_frame;

	if (!cg_go_code(g) || !key)
		return gen_expr(g, e);
	return gen_load_al(
	    g,
	    LLVMBuildGEP2(g->b, cg_int(g->cg, 8), key,
			  (LLVMValueRef[]){cg_const(
			      g->cg, 64, e->next->u.integer.value ? 8 : 0)},
			  1, ""),
	    GEN_ALIGN, type_u64(), true);
}

static LLVMValueRef span_call(struct gen *g, struct node *call)
{
	const char *n = call->u.call.name + 5; /* after "span." */
	struct span_cg *l;

	/* pass_span.c put span.open/span.key before every use it saw; a
	 * use a macro brought in later may come before them */
	if (!g->span_ptr &&
	    (!strcmp(n, "set") || !strcmp(n, "get") || !strcmp(n, "eset") ||
	     !strcmp(call->u.call.name, "traceparent") ||
	     !strcmp(call->u.call.name, "thread_parent") ||
	     !strcmp(n, "close"))) {
		gen_error(g, call->loc,
			  "this use of the span comes before "
			  "its instance is known (in a macro, span fields "
			  "cannot be used)");
		return cg_const(g->cg, 64, 0);
	}
	if (!strcmp(n, "frame"))
		return span_frame(g, call);
	l = layout(g);
	if (!strcmp(call->u.call.name, "traceparent"))
		return traceparent(g, call);
	if (!strcmp(call->u.call.name, "thread_parent"))
		return thread_parent(g, l, call);
	if (!strcmp(n, "open"))
		return span_open(g, l);
	if (!strcmp(n, "eopen"))
		return span_eopen(g, l);
	if (!strcmp(n, "eset"))
		return cg_eset(g, l, call);
	if (!strcmp(n, "set"))
		return cg_set(g, l, call);
	if (!strcmp(n, "get"))
		return cg_get(g, l, call);
	if (!strcmp(n, "key"))
		return span_key(g, l, call);
	return span_close(g, l);
}

const struct cg_func cg_func_SPAN = {.call = span_call};
