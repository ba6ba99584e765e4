/* cg_action.c: the asynchronous functions as ring buffer records:
 * printf, system, cat, print (of a map or a value), clear, zero, time,
 * exit (the file ends in their cg_func generators, compiler/funcs.def).
 * A record is reserved in et_ringbuf, filled with struct
 * et_rec_hdr and the arguments at 8-aligned offsets (described in the
 * action_meta, prog_meta.h), and submitted; when the ring buffer is full the
 * per-CPU et_lost counter is incremented instead.
 * Wake-ups: a record wakes user space only once the ring buffer holds
 * more than 1/WAKE_FRACTION of its size (bpf_ringbuf_query), and exit()
 * always does; below that, records wait for the event loop's bounded
 * poll timeout (runtime/run.c, RINGBUF_POLL_MS), one wake-up for many
 * records instead of one per record. */
#include <string.h>

#include "gen.h"

#define MAX_ARGS 16
#define WAKE_FRACTION 8

struct action_meta *gen_new_action(struct gen *g, enum et_action_kind k,
				 struct loc loc)
{
	struct prog_meta *p = g->prog;
	struct action_meta *a;

	if (p->nactions == g->cap_actions) {
		int cap = g->cap_actions ? 2 * g->cap_actions : 16;

		a = arena_calloc(g->ctx->arena, cap, sizeof(*a));
		if (p->nactions)
			memcpy(a, p->actions, p->nactions * sizeof(*a));
		p->actions = a;
		g->cap_actions = cap;
	}
	a = &p->actions[p->nactions];
	memset(a, 0, sizeof(*a));
	a->id = p->nactions++;
	a->kind = k;
	a->loc = loc;
	a->map_id = -1;
	return a;
}

void gen_count_lost(struct gen *g, unsigned counter)
{
	gen_count_at(g, g->lost, cg_const(g->cg, 32, counter));
}

static LLVMValueRef at(struct gen *g, LLVMValueRef p, uint32_t off)
{
	LLVMValueRef i = cg_const(g->cg, 64, off);

	return LLVMBuildGEP2(g->b, cg_int(g->cg, 8), p, &i, 1, "");
}

/* The flags of bpf_ringbuf_submit for a's record: exit() wakes user space
 * at once; any other record only when the ring buffer holds more than
 * 1/WAKE_FRACTION of its size (counting this reserved record). */
static LLVMValueRef submit_flags(struct gen *g, const struct action_meta *a)
{
	LLVMValueRef args[2], avail, over;
	uint64_t threshold = g->prog->ringbuf_size / WAKE_FRACTION;

	if (a->kind == ACT_EXIT || !threshold)
		return cg_const(g->cg, 64, BPF_RB_FORCE_WAKEUP);
	args[0] = g->ringbuf;
	args[1] = cg_const(g->cg, 64, BPF_RB_AVAIL_DATA);
	avail = cg_helper_call(g->cg, BPF_FUNC_ringbuf_query, NULL, args, 2);
	over = LLVMBuildICmp(g->b, LLVMIntUGT, avail,
			     cg_const(g->cg, 64, threshold), "rb_over");
	return LLVMBuildSelect(g->b, over,
			       cg_const(g->cg, 64, BPF_RB_FORCE_WAKEUP),
			       cg_const(g->cg, 64, BPF_RB_NO_WAKEUP),
			       "rb_flags");
}

/* The record r (8-aligned) of a: its id, then the values as words; a
 * NULL value is comm (gen_is_comm), read straight into the record. */
static void fill(struct gen *g, const struct action_meta *a, LLVMValueRef r,
		 LLVMValueRef *vals)
{
	gen_store_al(g, r, GEN_ALIGN, type_u64(), true,
		     cg_const(g->cg, 64, a->id), type_u64());
	for (int i = 0; i < a->nargs; i++) {
		LLVMValueRef dst = at(g, r, a->args[i].offset);

		if (!vals[i])
			cg_get_current_comm(g->cg, dst, a->args[i].type->size);
		else
			gen_store_al(g, dst, GEN_ALIGN, a->args[i].type, true,
				     vals[i], a->args[i].type);
	}
}

/* Lays the values out in a (argument descriptions), then reserves,
 * fills and submits the record. */
static void emit(struct gen *g, struct action_meta *a, LLVMValueRef *vals,
		 int n)
{
	LLVMValueRef args[3], r;
	LLVMBasicBlockRef ok = gen_block(g, "rec_ok");
	LLVMBasicBlockRef full = gen_block(g, "rec_full");
	LLVMBasicBlockRef done = gen_block(g, "rec_done");
	uint32_t off = 8;

	for (int i = 0; i < n; i++) {
		a->args[i].offset = off;
		a->args[i].size = gen_size(a->args[i].type);
		off += (a->args[i].size + 7) & ~7u;
	}
	a->nargs = n;
	a->rec_size = off;
	args[0] = g->ringbuf;
	args[1] = cg_const(g->cg, 64, off);
	args[2] = cg_const(g->cg, 64, 0);
	r = cg_helper_call(g->cg, BPF_FUNC_ringbuf_reserve, cg_ptr(g->cg),
			   args, 3);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, r, ""), full, ok);
	LLVMPositionBuilderAtEnd(g->b, ok);
	fill(g, a, r, vals);
	args[1] = submit_flags(g, a);
	args[0] = r;
	cg_helper_call(g->cg, BPF_FUNC_ringbuf_submit, NULL, args, 2);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, full);
	gen_count_lost(g, ET_LOST_RECORDS);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

/* printf, system, cat: a format and its arguments */
static LLVMValueRef formatted(struct gen *g, struct node *call,
			      enum et_action_kind k)
{
	struct node *f = call->u.call.args, *x;
	struct action_meta *a;
	LLVMValueRef vals[MAX_ARGS];
	int n = 0;

	for (x = f->next; x; x = x->next)
		n++;
	if (n > MAX_ARGS) {
		gen_error(g, call->loc, "%s: too many arguments (at most %d)",
			  call->u.call.name, MAX_ARGS);
		return NULL;
	}
	a = gen_new_action(g, k, call->loc);
	a->fmt_str = f->u.string.str;
	printf_fmt_parse(g->ctx->arena, f->u.string.str, f->u.string.len,
			 &a->fmt);
	a->args = arena_calloc(g->ctx->arena, n ? n : 1, sizeof(*a->args));
	n = 0;
	for (x = f->next; x; x = x->next, n++) {
		a->args[n].type = x->type;
		vals[n] = gen_is_comm(x, x->type) ? NULL : gen_expr(g, x);
	}
	gen_loc(g, call);
	emit(g, a, vals, n);
	return NULL;
}

/* a record with n integer arguments */
static struct action_meta *ints(struct gen *g, struct node *call,
			      enum et_action_kind k, LLVMValueRef *vals, int n)
{
	struct action_meta *a = gen_new_action(g, k, call->loc);

	a->args = arena_calloc(g->ctx->arena, n ? n : 1, sizeof(*a->args));
	for (int i = 0; i < n; i++)
		a->args[i].type = type_s64();
	gen_loc(g, call);
	emit(g, a, vals, n);
	return a;
}

static LLVMValueRef printf_call(struct gen *g, struct node *call)
{
	return formatted(g, call, ACT_PRINTF);
}

static LLVMValueRef system_call(struct gen *g, struct node *call)
{
	g->prog->needs_unsafe = true;
	return formatted(g, call, ACT_SYSTEM);
}

static LLVMValueRef cat_call(struct gen *g, struct node *call)
{
	return formatted(g, call, ACT_CAT);
}

void gen_warnf_int(struct gen *g, struct node *at, const char *fmt,
		   LLVMValueRef v)
{
	struct action_meta *a = gen_new_action(g, ACT_WARNF, at->loc);

	a->fmt_str = fmt;
	printf_fmt_parse(g->ctx->arena, fmt, strlen(fmt), &a->fmt);
	a->args = arena_calloc(g->ctx->arena, 1, sizeof(*a->args));
	a->args[0].type = type_s64();
	gen_loc(g, at);
	emit(g, a, &v, 1);
}

static LLVMValueRef errorf_call(struct gen *g, struct node *call)
{
	return formatted(g, call,
			 call->u.call.name[0] == 'e' ? ACT_ERRORF : ACT_WARNF);
}

/* print(args) (bpftrace 0.26): args is the probe's context, read field
 * by field as args.f reads them (a uprobe's from its registers and
 * stack, a tracepoint's from its record) into a record of its own,
 * packed 8-aligned: fields BPF cannot read (a uprobe's double) are left
 * out. */
static LLVMValueRef ctx_record(struct gen *g, struct node *m, struct type **out)
{
	const struct type *src = type_complete(m->type);
	struct type *rec = type_record(g->ctx->arena, src->name, false);
	LLVMValueRef tmp, v;
	uint32_t off = 0;

	for (uint32_t i = 0; i < src->nfields; i++) {
		const struct field *f = &src->fields[i];

		if (!f->name || f->type->kind == T_NONE)
			continue;
		type_record_add(g->ctx->arena, rec, f->name, f->type, off, 0,
				0);
		off += (gen_size(f->type) + 7) & ~7u;
	}
	rec->size = off ? off : 8;
	rec->as = AS_NONE;
	tmp = gen_tmp(g, rec->size, "args");
	for (uint32_t i = 0; i < rec->nfields; i++) {
		const struct field *f = &rec->fields[i];
		struct node *fe =
		    ast_field(g->ctx->arena, m->loc, m, f->name, true);

		fe->type = f->type;
		v = gen_ctx_field(g, fe);
		gen_store(g, at(g, tmp, f->offset), f->type, false, v, f->type);
	}
	*out = rec;
	return tmp;
}

/* print(@m [, top [, div]]) or print(value) */
static LLVMValueRef print_call(struct gen *g, struct node *call)
{
	struct node *m = call->u.call.args, *x;
	LLVMValueRef vals[2];
	struct action_meta *a;

	if (m->kind == N_MAP && !m->u.map.keys && m->u.map.info) {
		x = m->next;
		vals[0] = x ? gen_expr(g, x) : cg_const(g->cg, 64, 0);
		vals[1] = x && x->next ? gen_expr(g, x->next)
				       : cg_const(g->cg, 64, 0);
		a = ints(g, call, ACT_PRINT_MAP, vals, 2);
		a->map_id = m->u.map.info->id;
		return NULL;
	}
	a = gen_new_action(g, ACT_PRINT_VALUE, call->loc);
	a->args = arena_calloc(g->ctx->arena, 1, sizeof(*a->args));
	a->args[0].type = m->type;
	if (m->type->is_ctx && m->type->kind == T_RECORD)
		vals[0] = ctx_record(g, m, &a->args[0].type);
	else
		vals[0] = gen_expr(g, m);
	gen_loc(g, call);
	emit(g, a, vals, 1);
	return NULL;
}

static LLVMValueRef map_op(struct gen *g, struct node *call,
			   enum et_action_kind k)
{
	struct node *m = call->u.call.args;
	struct action_meta *a = ints(g, call, k, NULL, 0);

	a->map_id = m->u.map.info ? m->u.map.info->id : -1;
	return NULL;
}

static LLVMValueRef clear_call(struct gen *g, struct node *call)
{
	return map_op(g, call, ACT_CLEAR);
}

static LLVMValueRef zero_call(struct gen *g, struct node *call)
{
	return map_op(g, call, ACT_ZERO);
}

static LLVMValueRef time_call(struct gen *g, struct node *call)
{
	struct node *f = call->u.call.args;
	struct action_meta *a = ints(g, call, ACT_TIME, NULL, 0);

	a->fmt_str = f && f->kind == N_STRING ? f->u.string.str : "%H:%M:%S\n";
	return NULL;
}

static LLVMValueRef exit_call(struct gen *g, struct node *call)
{
	struct node *c = call->u.call.args;
	LLVMValueRef v = c ? gen_expr(g, c) : cg_const(g->cg, 64, 0);

	ints(g, call, ACT_EXIT, &v, 1);
	gen_return_now(g);
	return NULL;
}

const struct cg_func cg_func_PRINTF = { .call = printf_call };
const struct cg_func cg_func_SYSTEM = { .call = system_call };
const struct cg_func cg_func_CAT = { .call = cat_call };
const struct cg_func cg_func_ERRORF = { .call = errorf_call };
const struct cg_func cg_func_PRINT = { .call = print_call };
const struct cg_func cg_func_CLEAR = { .call = clear_call };
const struct cg_func cg_func_ZERO = { .call = zero_call };
const struct cg_func cg_func_TIME = { .call = time_call };
const struct cg_func cg_func_EXIT = { .call = exit_call };
