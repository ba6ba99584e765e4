/* cg_for.c: for ($kv : @m) { ... } with bpf_for_each_map_elem, and
 * for ($i : start..end) { ... } with bpf_loop. The body becomes a static
 * BPF subprogram called for each element (with the key and value
 * pointers) or each index, and a context on the caller's stack: the
 * probe's context pointer, then a copy of each outer scratch variable the
 * body uses (copied back after the loop), the stop flag and, for a range,
 * its start. $kv is (key, value); $i is start + index; break stops the
 * iteration, continue goes on to the next element, return stops it and
 * then the probe. Aggregations give this CPU's value. */
#include <string.h>

#include "cg_impl.h"
#include "gen.h"

#define MAX_OUTER 32

struct outer {
	struct gen_var *v[MAX_OUTER];
	uint32_t off[MAX_OUTER];
	int n;
	uint32_t size;
	struct gen *g;
	const struct node *loop_var;
};

LLVMValueRef gen_probe_ctx(struct gen *g)
{
	return g->ctx_ptr ? g->ctx_ptr : cg_probe_ctx(g->cg);
}

static bool find_outer(struct node *n, void *arg)
{
	struct outer *o = arg;
	struct gen_var *v;

	const struct var_info *d = n->u.var.decl;

	if (n->kind != N_VAR ||
	    (d ? d == o->loop_var->u.var.decl
	       : !strcmp(n->u.var.name, o->loop_var->u.var.name)))
		return true;
	for (v = o->g->vars; v; v = v->next) {
		int i;

		if (d ? v->decl != d : strcmp(v->name, n->u.var.name))
			continue;
		for (i = 0; i < o->n && o->v[i] != v; i++)
			;
		if (i == o->n && o->n < MAX_OUTER) {
			o->v[o->n] = v;
			o->off[o->n++] = o->size;
			o->size += (gen_size(v->type) + 7) & ~7u;
		}
	}
	return true;
}

static LLVMValueRef at(struct gen *g, LLVMValueRef p, uint32_t off)
{
	LLVMValueRef i = cg_const(g->cg, 64, off);

	return off ? LLVMBuildGEP2(g->b, cg_int(g->cg, 8), p, &i, 1, "") : p;
}

/* the callback's function, debug info and entry/body blocks; the cg's
 * open function becomes it. A map's: (map, key, value, ctx); a range's:
 * (index, ctx). */
static void open_callback(struct gen *g, int id, bool range)
{
	static const char *const pn[] = {"map", "key", "value", "ctx"};
	static const char *const rn[] = {"index", "ctx"};
	struct cg *cg = g->cg;
	char *name = arena_printf(g->ctx->arena, "et_for_%d", id);
	LLVMTypeRef p = cg_ptr(cg), args[4] = {p, p, p, p};
	LLVMMetadataRef ty[5], st;
	unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
	unsigned n = range ? 2 : 4;

	if (range)
		args[0] = cg_int(cg, 64);
	cg->fn = LLVMAddFunction(cg->mod, name,
				 LLVMFunctionType(cg_int(cg, 64), args, n, 0));
	LLVMSetLinkage(cg->fn, LLVMInternalLinkage);
	LLVMAddAttributeAtIndex(cg->fn, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(cg->ctx, nounwind, 0));
	ty[0] = LLVMDIBuilderCreateBasicType(cg->di, "long", 4, 64, 5, 0);
	for (int i = 1; i < 5; i++)
		ty[i] = LLVMDIBuilderCreatePointerType(cg->di, NULL, 64, 64, 0,
						       "", 0);
	if (range)
		ty[1] = ty[0];
	st = LLVMDIBuilderCreateSubroutineType(cg->di, cg->file, ty, n + 1, 0);
	cg->sp = LLVMDIBuilderCreateFunction(
	    cg->di, cg->file, name, strlen(name), name, strlen(name), cg->file,
	    1, st, 1, 1, 1, LLVMDIFlagPrototyped, 1);
	for (unsigned i = 0; i < n; i++) {
		const char *s = range ? rn[i] : pn[i];

		LLVMDIBuilderCreateParameterVariable(cg->di, cg->sp, s,
						     strlen(s), i + 1, cg->file,
						     1, ty[i + 1], 1, 0);
	}
	LLVMSetSubprogram(cg->fn, cg->sp);
	cg->entry = LLVMAppendBasicBlockInContext(cg->ctx, cg->fn, "entry");
	cg->body = LLVMAppendBasicBlockInContext(cg->ctx, cg->fn, "body");
	LLVMPositionBuilderAtEnd(cg->alloca_b, cg->entry);
	LLVMPositionBuilderAtEnd(cg->b, cg->body);
}

/* $kv = (key, value) from the element's pointers */
static void load_kv(struct gen *g, struct node *s, LLVMValueRef key,
		    LLVMValueRef val)
{
	struct node *var = s->u.for_.var;
	const struct map_info *mi = s->u.for_.map->u.map.info;
	struct gen_var *kv = gen_var_get(g, var, var->type);
	struct type *t = kv->type, *vt = mi->value;
	LLVMValueRef v, n;

	if (t->kind != T_TUPLE || t->nfields != 2)
		return;
	if (mi->key)
		gen_store(g, at(g, kv->slot, t->fields[0].offset),
			  t->fields[0].type, false,
			  gen_load_al(g, key, GEN_ALIGN, mi->key, true),
			  mi->key);
	if (vt->kind == T_AVG) {
		v = gen_load_al(g, val, GEN_ALIGN, type_u64(), true);
		n = gen_load_al(g, at(g, val, 8), GEN_ALIGN, type_u64(), true);
		n = LLVMBuildSelect(
		    g->b,
		    LLVMBuildICmp(g->b, LLVMIntEQ, n, cg_const(g->cg, 64, 0),
				  ""),
		    cg_const(g->cg, 64, 1), n, "");
		v = LLVMBuildUDiv(g->b, v, n, "");
	} else if (type_is_aggregation(vt)) {
		v = gen_load_al(g, val, GEN_ALIGN, type_u64(), true);
	} else {
		v = gen_load_al(g, val, GEN_ALIGN, vt, true);
	}
	gen_store(g, at(g, kv->slot, t->fields[1].offset), t->fields[1].type,
		  false, v, type_is_aggregation(vt) ? t->fields[1].type : vt);
}

static LLVMBasicBlockRef ret_block(struct gen *g, const char *name,
				   uint64_t v)
{
	LLVMBasicBlockRef cur = LLVMGetInsertBlock(g->b);
	LLVMBasicBlockRef bb = gen_block(g, name);

	LLVMPositionBuilderAtEnd(g->b, bb);
	cg_return(g->cg, v);
	LLVMPositionBuilderAtEnd(g->b, cur);
	return bb;
}

/* Where the loop's stop flag (u64) sits in its context: after the probe
 * context pointer and the outer variables; a range's start follows. */
static uint32_t stop_offset(const struct outer *o)
{
	return 8 + ((o->size + 7) & ~7u);
}

/* $i = start + index */
static void load_index(struct gen *g, struct node *s, LLVMValueRef index,
		       LLVMValueRef ctxp, const struct outer *o)
{
	struct node *var = s->u.for_.var;
	struct gen_var *i = gen_var_get(g, var, var->type);
	LLVMValueRef start = LLVMBuildLoad2(
	    g->b, cg_int(g->cg, 64), at(g, ctxp, stop_offset(o) + 8), "");

	LLVMSetAlignment(start, 8);
	gen_store(g, i->slot, i->type, true,
		  LLVMBuildAdd(g->b, start, index, ""), i->type);
}

/* builds the callback; returns it (the caller's state is restored) */
static LLVMValueRef callback(struct gen *g, struct node *s,
			     const struct outer *o)
{
	static int nfor;
	struct cg *cg = g->cg;
	LLVMValueRef fn = cg->fn, cb, ctxp, c;
	LLVMBasicBlockRef entry = cg->entry, body = cg->body;
	LLVMBasicBlockRef cur = LLVMGetInsertBlock(g->b);
	LLVMMetadataRef spm = cg->sp;
	struct gen_var *vars = g->vars, *v;
	LLVMBasicBlockRef brk = g->brk, cont = g->cont;
	LLVMValueRef ctx_ptr = g->ctx_ptr, for_stop = g->for_stop;
	int mark = g->ntemps;

	open_callback(g, nfor++, !s->u.for_.map);
	cb = cg->fn;
	gen_loc(g, s);
	ctxp = LLVMGetParam(cb, s->u.for_.map ? 3 : 1);
	c = LLVMBuildLoad2(g->b, cg_ptr(cg), ctxp, "probe_ctx");
	LLVMSetVolatile(c, 1);
	g->ctx_ptr = c;
	g->for_stop = at(g, ctxp, stop_offset(o));
	g->vars = NULL;
	for (int i = 0; i < o->n; i++) {
		v = arena_calloc(g->ctx->arena, 1, sizeof(*v));
		*v = *o->v[i];
		v->slot = at(g, ctxp, 8 + o->off[i]);
		v->next = g->vars;
		g->vars = v;
	}
	if (s->u.for_.map)
		load_kv(g, s, LLVMGetParam(cb, 1), LLVMGetParam(cb, 2));
	else
		load_index(g, s, LLVMGetParam(cb, 0), ctxp, o);
	g->brk = ret_block(g, "for_break", 1);
	g->cont = ret_block(g, "for_next", 0);
	gen_block_stmts(g, s->u.for_.body);
	cg_return(cg, 0);
	LLVMPositionBuilderAtEnd(cg->alloca_b, cg->entry);
	LLVMBuildBr(cg->alloca_b, cg->body);
	g->ntemps = mark; /* the callback's own, ended by its statements */
	cg->fn = fn;
	cg->entry = entry;
	cg->body = body;
	cg->sp = spm;
	LLVMPositionBuilderAtEnd(g->b, cur);
	g->vars = vars;
	g->brk = brk;
	g->cont = cont;
	g->ctx_ptr = ctx_ptr;
	g->for_stop = for_stop;
	return cb;
}

/* bpf_loop(end - start, or 0 when end <= start, ...); the bounds are
 * read once, before the first iteration */
static void call_loop(struct gen *g, struct node *s, LLVMValueRef ctxbuf,
		      const struct outer *o, LLVMValueRef cb)
{
	const struct type *t = s->u.for_.var->type;
	LLVMValueRef start = gen_expr(g, s->u.for_.start);
	LLVMValueRef end = gen_expr(g, s->u.for_.start->next), n, args[4];
	LLVMValueRef st = at(g, ctxbuf, stop_offset(o) + 8);
	LLVMBasicBlockRef run, done;

	LLVMSetAlignment(LLVMBuildStore(g->b, start, st), 8);
	n = LLVMBuildSelect(
	    g->b,
	    LLVMBuildICmp(g->b, t->is_signed ? LLVMIntSGT : LLVMIntUGT, end,
			  start, ""),
	    LLVMBuildSub(g->b, end, start, ""), cg_const(g->cg, 64, 0), "");
	/* no call for no iterations: a kernel that knows the count is 0
	 * skips the callback and then fails to find it ("verifier bug: No
	 * program to jit") */
	run = gen_block(g, "range_run");
	done = gen_block(g, "range_done");
	LLVMBuildCondBr(
	    g->b, LLVMBuildICmp(g->b, LLVMIntNE, n, cg_const(g->cg, 64, 0), ""),
	    run, done);
	LLVMPositionBuilderAtEnd(g->b, run);
	args[0] = LLVMBuildTrunc(g->b, n, cg_int(g->cg, 32), "");
	args[1] = cb;
	args[2] = ctxbuf;
	args[3] = cg_const(g->cg, 64, 0);
	cg_helper_call(g->cg, BPF_FUNC_loop, NULL, args, 4);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

void gen_for(struct gen *g, struct node *s)
{
	struct outer o = {.g = g, .loop_var = s->u.for_.var};
	const struct map_meta *em =
	    s->u.for_.map ? gen_map(g, s->u.for_.map) : NULL;
	LLVMValueRef ctxbuf, cb, args[4], stop;
	LLVMBasicBlockRef stopped, after;

	ast_walk(s->u.for_.body, find_outer, &o);
	ctxbuf = gen_tmp(g, stop_offset(&o) + 16, "for_ctx");
	LLVMSetAlignment(LLVMBuildStore(g->b, gen_probe_ctx(g), ctxbuf), 8);
	stop = at(g, ctxbuf, stop_offset(&o));
	LLVMSetAlignment(LLVMBuildStore(g->b, cg_const(g->cg, 64, 0), stop), 8);
	for (int i = 0; i < o.n; i++)
		LLVMBuildMemCpy(g->b, at(g, ctxbuf, 8 + o.off[i]), 8,
				o.v[i]->slot, 8,
				cg_const(g->cg, 64, gen_size(o.v[i]->type)));
	cb = callback(g, s, &o);
	gen_loc(g, s);
	if (em) {
		args[0] = g->maps[em->id];
		args[1] = cb;
		args[2] = ctxbuf;
		args[3] = cg_const(g->cg, 64, 0);
		cg_helper_call(g->cg, BPF_FUNC_for_each_map_elem, NULL, args,
			       4);
	} else {
		call_loop(g, s, ctxbuf, &o, cb);
	}
	for (int i = 0; i < o.n; i++)
		LLVMBuildMemCpy(g->b, o.v[i]->slot, 8,
				at(g, ctxbuf, 8 + o.off[i]), 8,
				cg_const(g->cg, 64, gen_size(o.v[i]->type)));
	/* exit() in the body: the probe ends here too */
	stopped = gen_block(g, "for_exit");
	after = gen_block(g, "for_after");
	LLVMBuildCondBr(
		g->b,
		LLVMBuildICmp(g->b, LLVMIntNE,
			      LLVMBuildLoad2(g->b, cg_int(g->cg, 64), stop, ""),
			      cg_const(g->cg, 64, 0), ""),
		stopped, after);
	LLVMPositionBuilderAtEnd(g->b, stopped);
	gen_return_now(g);
	LLVMBuildBr(g->b, after);
	LLVMPositionBuilderAtEnd(g->b, after);
}
