/* cg_proto.c: the protocol functions (compiler/funcs_proto.h). A call
 * copies a window of its buffer, at most ET_PROTO_WINDOW bytes, into
 * the per-CPU map ET_PROTO_MAP (the BPF stack has 512 bytes for
 * everything), then calls the row's parser of bpf-helpers/proto_*.c on
 * it: the window's length is clamped to [0, ET_PROTO_WINDOW] before the
 * read, which is what lets the verifier pass both. A buffer of the
 * traced process is read with bpf_probe_read_user (a read that fails
 * leaves an empty window); a value the program holds is copied.
 *
 * A string result is written into one of PROTO_SLOTS slots after the
 * window in the map value, and that slot is the value (no stack): the
 * stack is short, and written there byte by byte, each length the
 * parser can stop at would be a different stack state to the verifier,
 * multiplied by every call after it. A value lives for its statement
 * (a variable or a record copies it), and the calls take the slots in
 * turn: so at most PROTO_SLOTS calls of one statement keep their
 * results apart. The file ends in the cg_func generator of those rows
 * (funcs.def). */
#include "funcs_proto.h"
#include "gen.h"
#include "../../bpf-helpers/proto_abi.h"

#define ET_PROTO_MAP "et_proto_win"
#define PROTO_SLOTS 16

static struct node *arg(struct node *e, int i)
{
	struct node *a = e->u.call.args;

	while (a && i--)
		a = a->next;
	return a;
}

static LLVMValueRef c64(struct gen *g, uint64_t v)
{
	return cg_const(g->cg, 64, v);
}

/* min(max(len, 0), cap) */
static LLVMValueRef clamp(struct gen *g, LLVMValueRef len, uint64_t cap)
{
	LLVMValueRef z = c64(g, 0), c = c64(g, cap);

	len = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, len, z, ""),
			      z, len, "");
	return LLVMBuildSelect(
	    g->b, LLVMBuildICmp(g->b, LLVMIntUGT, len, c, ""), c, len, "win");
}

/* Fills the window w from the call's buffer: its length (i64) */
static LLVMValueRef fill(struct gen *g, const struct proto_fn *f,
			 struct node *buf, struct node *lenx, LLVMValueRef w)
{
	LLVMValueRef v = gen_expr(g, buf), len = gen_expr(g, lenx), n, r, src;
	const struct type *t = buf->type;
	uint32_t size = t->size, off = 0;

	if (!gen_is_scalar(t)) {
		if (t->kind == T_BUF) {
			/* {u64 length, bytes} (runtime/abi.h) */
			LLVMValueRef bl = LLVMBuildLoad2(
			    g->b, cg_int(g->cg, 64), v, "buflen");

			len = LLVMBuildSelect(
			    g->b, LLVMBuildICmp(g->b, LLVMIntULT, bl, len, ""),
			    bl, len, "");
			off = 8;
		}
		if (size > ET_PROTO_WINDOW)
			size = ET_PROTO_WINDOW;
		if (off) {
			LLVMValueRef o = c64(g, off);

			v = LLVMBuildGEP2(g->b, cg_int(g->cg, 8), v, &o, 1, "");
		}
		LLVMBuildMemCpy(g->b, w, 1, v, 1, c64(g, size));
		return clamp(g, len, size);
	}
	n = clamp(g, len, ET_PROTO_WINDOW);
	src = v;
	if (f->tail) {
		/* the last n bytes of len */
		LLVMValueRef skip = LLVMBuildSub(g->b, len, n, "");

		skip = LLVMBuildSelect(
		    g->b, LLVMBuildICmp(g->b, LLVMIntSLT, skip, c64(g, 0), ""),
		    c64(g, 0), skip, "");
		src = LLVMBuildAdd(g->b, src, skip, "");
	}
	r = cg_probe_read(g->cg, CG_USER, w,
			  LLVMBuildTrunc(g->b, n, cg_int(g->cg, 32), ""),
			  LLVMBuildIntToPtr(g->b, src, cg_ptr(g->cg), ""));
	return LLVMBuildSelect(g->b,
			       LLVMBuildICmp(g->b, LLVMIntEQ, r, c64(g, 0), ""),
			       n, c64(g, 0), "");
}

/* the parser's arguments after (window, length); the call's result */
static LLVMValueRef parse(struct gen *g, struct node *e,
			  const struct proto_fn *f, LLVMValueRef w,
			  LLVMValueRef n, LLVMValueRef out)
{
	LLVMValueRef a[5];
	unsigned k = 0;

	a[k++] = w;
	a[k++] = n;
	if (f->result == PROTO_STRING) {
		a[k++] = out;
		a[k++] = c64(g, e->type->size);
		if (f->extra == PROTO_FIELD)
			a[k++] = c64(g, f->field);
		if (f->extra == PROTO_TYPE) {
			struct node *t = arg(e, 2); /* http_query's redact */

			a[k++] = t ? gen_expr(g, t) : c64(g, f->field);
		}
	} else {
		if (f->extra == PROTO_TYPE) {
			struct node *t = arg(e, 2);

			a[k++] = t ? gen_expr(g, t) : c64(g, -1);
		}
		if (f->extra == PROTO_TYPE || f->extra == PROTO_FIELD)
			a[k++] = c64(g, f->field);
	}
	gen_loc(g, e);
	return cg_libcall(g->cg, f->helper, a, k);
}

static LLVMValueRef proto(struct gen *g, struct node *e)
{
	const struct proto_fn *f = proto_fn_find(e->u.call.name);
	LLVMValueRef key, w, out = NULL, r, phi, vals[2];
	LLVMBasicBlockRef hit, done, bbs[2];
	LLVMValueRef m;

	if (!f) {
		gen_error(g, e->loc, "Cannot generate code for %s()",
			  e->u.call.name);
		return c64(g, 0);
	}
	m = cg_map_get(g->cg, ET_PROTO_MAP);
	if (!m)
		m = cg_map_define(g->cg, ET_PROTO_MAP,
				  BPF_MAP_TYPE_PERCPU_ARRAY, 1, 4,
				  (1 + PROTO_SLOTS) * ET_PROTO_WINDOW);
	key = gen_tmp(g, 4, "pkey");
	hit = gen_block(g, "proto");
	done = gen_block(g, "proto_done");
	w = cg_map_lookup(g->cg, m, key);
	if (LLVMIsACallInst(w)) {
		/* map values are 8-aligned: told, LLVM copies a result
		 * (into a record, a map key) by words, not bytes, which
		 * takes fewer registers and no stack to spill them */
		LLVMContextRef cx = LLVMGetTypeContext(LLVMTypeOf(w));
		unsigned k = LLVMGetEnumAttributeKindForName("align", 5);

		LLVMAddCallSiteAttribute(w, LLVMAttributeReturnIndex,
					 LLVMCreateEnumAttribute(cx, k, 8));
	}
	bbs[0] = LLVMGetInsertBlock(g->b);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, w, ""), done, hit);
	LLVMPositionBuilderAtEnd(g->b, hit);
	if (f->result == PROTO_STRING) {
		unsigned slot = 1 + g->proto_calls++ % PROTO_SLOTS;
		LLVMValueRef o = c64(g, slot * ET_PROTO_WINDOW);

		out = LLVMBuildGEP2(g->b, cg_int(g->cg, 8), w, &o, 1, "out");
		/* zeroed whole: the bytes after the NUL count in a map
		 * key, and the slot holds an earlier call's result */
		LLVMBuildMemSet(g->b, out, cg_const(g->cg, 8, 0),
				c64(g, e->type->size), 8);
		if (f->extra == PROTO_NAME) {
			struct node *name = arg(e, 2);

			LLVMBuildMemCpy(g->b, out, 1,
					gen_string(g, name->u.string.str,
						   name->u.string.len, 32),
					1, c64(g, 32));
		}
	}
	r = parse(g, e, f, w, fill(g, f, arg(e, 0), arg(e, 1), w), out);
	if (!r)
		r = c64(g, -1);
	if (f->result == PROTO_BOOL)
		r = LLVMBuildZExt(
		    g->b, LLVMBuildICmp(g->b, LLVMIntSGT, r, c64(g, 0), ""),
		    cg_int(g->cg, 64), "");
	bbs[1] = LLVMGetInsertBlock(g->b);
	if (out) {
		/* an array map's only key is always there: the miss path
		 * only satisfies the verifier, and ends the probe */
		LLVMBasicBlockRef cont = gen_block(g, "proto_str");

		LLVMBuildBr(g->b, cont);
		LLVMPositionBuilderAtEnd(g->b, done);
		gen_return_now(g);
		LLVMBuildUnreachable(g->b);
		LLVMPositionBuilderAtEnd(g->b, cont);
		return out;
	}
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	phi = LLVMBuildPhi(g->b, cg_int(g->cg, 64), "");
	vals[0] = c64(g, f->result == PROTO_BOOL ? 0 : -1);
	vals[1] = r;
	LLVMAddIncoming(phi, vals, bbs, 2);
	return phi;
}

LLVMValueRef gen_proto_slot(struct gen *g, uint32_t size)
{
	LLVMValueRef m = cg_map_get(g->cg, ET_PROTO_MAP), key, w, o;
	LLVMBasicBlockRef hit, miss;

	if (!m)
		m = cg_map_define(g->cg, ET_PROTO_MAP,
				  BPF_MAP_TYPE_PERCPU_ARRAY, 1, 4,
				  (1 + PROTO_SLOTS) * ET_PROTO_WINDOW);
	key = gen_tmp(g, 4, "pkey");
	hit = gen_block(g, "slot");
	miss = gen_block(g, "slot_miss");
	w = cg_map_lookup(g->cg, m, key);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, w, ""), miss, hit);
	LLVMPositionBuilderAtEnd(g->b, miss);
	gen_return_now(g);
	LLVMBuildUnreachable(g->b);
	LLVMPositionBuilderAtEnd(g->b, hit);
	o = c64(g, (1 + g->proto_calls++ % PROTO_SLOTS) * ET_PROTO_WINDOW);
	w = LLVMBuildGEP2(g->b, cg_int(g->cg, 8), w, &o, 1, "slot");
	LLVMBuildMemSet(g->b, w, cg_const(g->cg, 8, 0),
			c64(g, size < ET_PROTO_WINDOW ? size : ET_PROTO_WINDOW),
			8);
	return w;
}

const struct cg_func cg_func_PROTO = {proto, NULL};

/* h2_feed(conn, dir, buf, len): the frame walker of bpf-helpers/h2.c,
 * given {its state map, its per-CPU record, the ring buffer, the id of
 * this call's ACT_H2 action} (abi.h "HTTP/2"); its result is the number
 * of frame headers it read, -1 for a connection it does not know. */
static LLVMValueRef h2_feed(struct gen *g, struct node *e)
{
	struct action_meta *a = gen_new_action(g, ACT_H2, e->loc);
	LLVMValueRef m[4], args[5], arr = gen_tmp(g, sizeof(m), "h2_maps");

	a->rec_size = ET_H2_REC_HDR;
	m[0] = cg_map_get(g->cg, ET_H2_STATE_MAP);
	if (!m[0])
		m[0] = cg_map_define(g->cg, ET_H2_STATE_MAP,
				     BPF_MAP_TYPE_LRU_HASH, ET_H2_CONNS,
				     sizeof(struct et_h2_key),
				     sizeof(struct et_h2_state));
	m[1] = cg_map_get(g->cg, ET_H2_REC_MAP);
	if (!m[1])
		m[1] = cg_map_define(g->cg, ET_H2_REC_MAP,
				     BPF_MAP_TYPE_PERCPU_ARRAY, 1, 4,
				     sizeof(struct et_h2_rec) + ET_H2_WALK);
	m[2] = g->ringbuf;
	m[3] = LLVMBuildIntToPtr(g->b, c64(g, a->id), cg_ptr(g->cg), "");
	for (unsigned i = 0; i < 4; i++) {
		LLVMValueRef o = c64(g, i * 8);

		LLVMBuildStore(g->b, m[i],
			       LLVMBuildGEP2(g->b, cg_int(g->cg, 8), arr, &o, 1,
					     ""));
	}
	args[0] = arr;
	for (int i = 0; i < 4; i++)
		args[i + 1] = gen_expr(g, arg(e, i));
	if (arg(e, 4)) {
		/* iovecs: dir | 2 | count << 8 (bpf-helpers/h2.c) */
		LLVMValueRef cnt = gen_expr(g, arg(e, 4)), big;

		big = LLVMBuildICmp(g->b, LLVMIntUGT, cnt, c64(g, 1024), "");
		cnt = LLVMBuildSelect(g->b, big, c64(g, 1024), cnt, "");
		args[2] = LLVMBuildOr(
		    g->b, LLVMBuildAnd(g->b, args[2], c64(g, 1), ""),
		    LLVMBuildOr(g->b, c64(g, 2),
				LLVMBuildShl(g->b, cnt, c64(g, 8), ""), ""),
		    "");
	} else {
		args[2] = LLVMBuildAnd(g->b, args[2], c64(g, 1), "");
	}
	gen_loc(g, e);
	return cg_libcall(g->cg, "et_h2_feed", args, 5);
}

const struct cg_func cg_func_H2FEED = {h2_feed, NULL};
