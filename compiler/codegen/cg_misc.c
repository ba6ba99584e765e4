/* cg_misc.c: values user space finishes: kstack/ustack (an id in a
 * stack trace map, program.h), ntop (address family and bytes), buf (raw
 * bytes), macaddr, pton (compile time), strftime and cgroup_path (what
 * user space formats later), path (bpf_d_path), and the join() action
 * (the strings of a NULL-terminated array of pointers, copied into one
 * ring buffer record); debugf, override, len. The file ends in the
 * cg_func generators of those rows (compiler/funcs.def). */
#include <arpa/inet.h>
#include <string.h>

#include "gen.h"
#include "rt_frames.h"

#define AF_INET_ 2
#define AF_INET6_ 10

/* The maps of the CFI unwinder (abi.h ET_UW_*), defined once. */
static LLVMValueRef uw_map(struct gen *g, const char *name,
			   enum bpf_map_type type, uint32_t n, uint32_t ksize,
			   uint32_t vsize)
{
	LLVMValueRef m = cg_map_get(g->cg, name);

	return m ? m : cg_map_define(g->cg, name, type, n, ksize, vsize);
}

/* A ustack value (abi.h): the stack id in the low 32 bits, the tgid
 * (whose mappings symbolize it) in the high 32 */
static LLVMValueRef ustack_value(struct gen *g, LLVMValueRef id)
{
	LLVMValueRef v = LLVMBuildAnd(g->b, id, cg_const(g->cg, 64, 0xffffffff),
				      "stackid");

	return LLVMBuildOr(g->b, v,
			   LLVMBuildAnd(g->b, cg_get_pid_tgid(g->cg),
					cg_const(g->cg, 64,
						 0xffffffff00000000ull),
					""),
			   "ustack");
}

/* The unwinder's and the Python walker's maps in an array on the stack
 * (a BPF call takes five arguments): what et_ustack_unwind and
 * et_py_top take. */
static LLVMValueRef uw_maps(struct gen *g)
{
	LLVMValueRef maps[8], stacks, arr, fn;

	g->prog->needs_usyms = true;
	g->prog->needs_unwind = true;
	stacks = uw_map(g, ET_USTACK_MAP, BPF_MAP_TYPE_HASH, ET_STACK_ENTRIES,
			4, ET_STACK_DEPTH * 8);
	maps[0] = uw_map(g, ET_UW_ROWS_MAP, BPF_MAP_TYPE_ARRAY, ET_UW_ROWS_MAX,
			 4, sizeof(struct et_uw_row));
	maps[1] = uw_map(g, ET_UW_MAPS_MAP, BPF_MAP_TYPE_ARRAY,
			 ET_UW_PROCS * ET_UW_MAPS, 4, sizeof(struct et_uw_map));
	maps[2] = uw_map(g, ET_UW_PROCS_MAP, BPF_MAP_TYPE_HASH, ET_UW_PROCS, 4,
			 sizeof(struct et_uw_proc));
	maps[3] = uw_map(g, ET_UW_MISS_MAP, BPF_MAP_TYPE_HASH, ET_UW_PROCS, 4,
			 4);
	maps[4] = uw_map(g, ET_UW_SCRATCH_MAP, BPF_MAP_TYPE_PERCPU_ARRAY, 1, 4,
			 ET_UW_SCRATCH_SIZE);
	maps[5] = stacks;
	maps[6] = uw_map(g, ET_PY_PROCS_MAP, BPF_MAP_TYPE_HASH, ET_PY_PROCS, 4,
			 sizeof(struct et_py_proc));
	maps[7] = uw_map(g, ET_PY_TSTATE_MAP, BPF_MAP_TYPE_LRU_HASH,
			 ET_PY_TSTATES, 4, 8);
	/* the maps in an array on the stack: a BPF call takes five
	 * arguments; one array per probe function (no lifetime markers:
	 * each use stores the pointers again), so that ustack, pyfunc,
	 * pyfile and pyline in one probe stay within the 512-byte stack */
	fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(g->b));
	if (fn != g->uw_maps_fn) {
		g->uw_maps_fn = fn;
		g->uw_maps_arr = cg_alloca(g->cg,
					   LLVMArrayType(cg_int(g->cg, 64), 8),
					   "uw_maps");
	}
	arr = g->uw_maps_arr;
	for (unsigned i = 0; i < 8; i++) {
		LLVMValueRef off = cg_const(g->cg, 64, i * 8);

		LLVMBuildStore(g->b, maps[i],
			       LLVMBuildGEP2(g->b, cg_int(g->cg, 8), arr, &off,
					     1, ""));
	}
	return arr;
}

static bool count_rt_ustack(struct node *n, void *arg)
{
	const struct type *t = n->type;

	if ((n->kind == N_IDENT || n->kind == N_CALL) && t &&
	    t->kind == T_STACK && !t->kernel &&
	    (t->mode == STACK_BPFTRACE || t->mode == STACK_PERF))
		(*(int *)arg)++;
	return true;
}

/* Whether this probe's ustacks may add runtimes' frames. The Python
 * walker (bpf-helpers/python.c) is verified again at each call, and two
 * of them with the unwinder pass the verifier's 1M instructions: a probe
 * with more than one such ustack takes them all native, and says so. */
static bool rt_frames_ok(struct gen *g)
{
	int n = 0;

	if (!g->probe)
		return true;
	if (g->rt_probe == g->probe)
		return g->rt_ok;
	ast_walk((struct node *)g->probe, count_rt_ustack, &n);
	g->rt_probe = g->probe;
	g->rt_ok = n <= 1;
	if (!g->rt_ok)
		diag_warning(&g->ctx->diags, g->probe->loc,
			     "This probe has %d ustack expressions: they show "
			     "native frames only, without Python frames (one "
			     "ustack a probe can walk them, within the "
			     "verifier's limit); ustack(native) says so "
			     "explicitly", n);
	return g->rt_ok;
}

/* ustack by the CFI unwinder: a u32 id in the HASH ET_USTACK_MAP, and
 * the tgid. Modes bpftrace and perf add the frames of interpreted
 * runtimes (rt_frames.h: flag 2, maps 6 and 7), which user space puts
 * in place of their evaluation loops' native frames. */
static LLVMValueRef gen_ustack_cfi(struct gen *g, const struct type *t)
{
	bool entry = g->ap && g->kind == PK_UPROBE && g->ap->func &&
		     !g->ap->offset && !g->ap->has_address;
	bool rt = (t->mode == STACK_BPFTRACE || t->mode == STACK_PERF) &&
		  rt_frames_ok(g);
	LLVMValueRef args[4], r, fn;

	args[0] = uw_maps(g);
	args[1] = cg_const(g->cg, 64, entry | (rt ? 2 : 0));
	/* HotSpot's code caches (bpf-helpers/java.c): an argument, so that
	 * the maps array of pyfunc's probes stays as it was (512 bytes) */
	args[2] = uw_map(g, ET_JAVA_PROCS_MAP, BPF_MAP_TYPE_HASH,
			 ET_JAVA_PROCS, 4, sizeof(struct et_java_proc));
	/* V8's (bpf-helpers/v8.c) too, for the same reason */
	args[3] = uw_map(g, ET_V8_PROCS_MAP, BPF_MAP_TYPE_HASH, ET_V8_PROCS, 4,
			 sizeof(struct et_v8_proc));
	r = cg_libcall(g->cg, "et_ustack_unwind", args, 4);
	/* the runtimes' frame walkers (bpf-helpers/rt_step.c: HotSpot's,
	 * V8's) a global BPF function, verified once, not at each step of
	 * the walk: external where the unwinder is (cg_link.c makes every
	 * helper internal) */
	if ((fn = LLVMGetNamedFunction(cg_module(g->cg),
				       "et_global_rt_step")))
		LLVMSetLinkage(fn, LLVMExternalLinkage);
	gen_stack_fail(g, cg_map_get(g->cg, ET_USTACK_MAP), r);
	return ustack_value(g, r);
}

/* A stack taken by HELPER (bpf_get_stack into the per-CPU scratch) and
 * stored by its frames in the HASH map NAME (defined on first use, with
 * *needs set): the helper's result, a u32 id or a negative errno, checked
 * by gen_stack_fail */
static LLVMValueRef gen_stack_store(struct gen *g, const char *name,
				    bool *needs, const char *helper)
{
	LLVMValueRef args[3], r, map = cg_map_get(g->cg, name);

	if (!map) {
		*needs = true;
		map = cg_map_define(g->cg, name, BPF_MAP_TYPE_HASH,
				    ET_STACK_ENTRIES, 4, ET_STACK_DEPTH * 8);
	}
	args[0] = gen_probe_ctx(g);
	args[1] = map;
	args[2] = uw_map(g, ET_UW_SCRATCH_MAP, BPF_MAP_TYPE_PERCPU_ARRAY, 1, 4,
			 ET_UW_SCRATCH_SIZE);
	r = cg_libcall(g->cg, helper, args, 3);
	gen_stack_fail(g, map, r);
	return r;
}

/* kstack: bpf_get_stack into the per-CPU scratch, stored by its frames
 * in a HASH (bpf-helpers/kstack.c) rather than bpf_get_stackid's
 * STACK_TRACE map, whose buckets (the hash modulo 4096 entries) collide
 * often enough under a busy kernel to lose stacks of a few hundred */
static LLVMValueRef gen_kstack(struct gen *g)
{
	LLVMValueRef r = gen_stack_store(g, ET_KSTACK_MAP,
					 &g->prog->needs_kallsyms,
					 "et_kstack_store");

	return LLVMBuildAnd(g->b, r, cg_const(g->cg, 64, 0xffffffff),
			    "stackid");
}

/* pyfunc, pyfile (a string: what, into a buffer) and pyline (the
 * result): the innermost Python frame of the current thread, read by
 * et_py_top (bpf-helpers/python.c) */
LLVMValueRef gen_pytop(struct gen *g, int what, const struct type *t)
{
	LLVMValueRef args[4], buf = NULL, r;

	if (what != ET_PY_TOP_LINE)
		buf = gen_tmp(g, t->size, "py");
	args[0] = uw_maps(g);
	args[1] = cg_const(g->cg, 64, what);
	args[2] = buf ? buf : LLVMConstNull(LLVMPointerType(cg_int(g->cg, 8), 0));
	args[3] = cg_const(g->cg, 64, buf ? t->size : 0);
	r = cg_libcall(g->cg, "et_py_top", args, 4);
	return buf ? buf : r;
}

/* ustack under config ustack_unwind = "fp": the kernel's frame-pointer
 * walk (bpf_get_stack), stored by its frames as kstack's are */
static LLVMValueRef gen_ustack_fp(struct gen *g)
{
	return ustack_value(g, gen_stack_store(g, ET_USTACK_MAP,
					       &g->prog->needs_usyms,
					       "et_ustack_fp_store"));
}

LLVMValueRef gen_stack(struct gen *g, const struct type *t)
{
	if (t->kernel)
		return gen_kstack(g);
	if (!g->ctx->opts.ustack_fp)
		return gen_ustack_cfi(g, t);
	return gen_ustack_fp(g);
}

static LLVMValueRef at(struct gen *g, LLVMValueRef p, uint32_t off)
{
	LLVMValueRef i = cg_const(g->cg, 64, off);

	return off ? LLVMBuildGEP2(g->b, cg_int(g->cg, 8), p, &i, 1, "") : p;
}

/* an address value (integer: IPv4 bytes; array: its bytes) into dst */
static void addr_bytes(struct gen *g, LLVMValueRef dst, struct node *a,
		       uint32_t max)
{
	LLVMValueRef v = gen_expr(g, a);
	uint32_t n = a->type->size < max ? a->type->size : max;

	if (gen_is_scalar(a->type)) {
		LLVMSetAlignment(
		    LLVMBuildStore(g->b,
				   LLVMBuildTrunc(g->b, v, cg_int(g->cg, 32),
						  ""),
				   dst),
		    1);
		return;
	}
	LLVMBuildMemCpy(g->b, dst, 1, v, 1, cg_const(g->cg, 64, n));
}

static LLVMValueRef ntop_call(struct gen *g, struct node *e)
{
	struct node *a = e->u.call.args, *addr = a->next ? a->next : a;
	LLVMValueRef buf = gen_tmp(g, 24, "inet"), af;
	bool v6 = addr->type->kind == T_ARRAY && addr->type->size == 16;

	if (a->next)
		af = gen_expr(g, a);
	else
		af = cg_const(g->cg, 64, v6 ? AF_INET6_ : AF_INET_);
	gen_store(g, buf, type_s64(), true, af, type_s64());
	addr_bytes(g, at(g, buf, 8), addr, 16);
	return buf;
}

/* buf(v [, n]) of a value already on the stack (a string, an array):
 * n bytes (all of it without n, at most the buf's size), copied from v
 * as far as v goes and zero after it (bpftrace's buf("abc", 8) is "abc"
 * and five NULs); no byte after the length is ever set */
static LLVMValueRef buf_of_value(struct gen *g, struct node *e,
				 LLVMValueRef buf, LLVMValueRef v)
{
	struct node *a = e->u.call.args, *n = a->next;
	uint32_t size = e->type->size;
	uint32_t k = a->type->size < size ? a->type->size : size;
	LLVMValueRef len;

	if (!n || n->kind == N_INT) {
		len = gen_bounded_len(g, n, 0, size);
		if (LLVMConstIntGetZExtValue(len) < k)
			k = LLVMConstIntGetZExtValue(len);
		LLVMBuildMemCpy(g->b, at(g, buf, 8), 1, v, 1,
				cg_const(g->cg, 64, k));
	} else {
		/* a length known at run time: copy that much of v */
		cg_probe_read(g->cg, CG_KERNEL, at(g, buf, 8),
			      gen_bounded_len(g, n, 0, k), v);
		len = gen_bounded_len(g, n, 0, size);
	}
	gen_store(g, buf, type_u64(), true,
		  LLVMBuildZExt(g->b, len, cg_int(g->cg, 64), ""), type_u64());
	return buf;
}

/* buf(p [, n]): {u64 length, bytes} (program.h), read at address p */
static LLVMValueRef buf_call(struct gen *g, struct node *e)
{
	struct node *a = e->u.call.args, *n = a->next;
	uint32_t size = e->type->size;
	LLVMValueRef buf = gen_tmp(g, size + 8, "buf"), v, len;

	v = gen_expr(g, a);
	if (!gen_is_scalar(a->type))
		return buf_of_value(g, e, buf, v);
	len = gen_bounded_len(g, n, 0, size);
	gen_loc(g, e);
	cg_probe_read(g->cg, gen_space(g, a->type), at(g, buf, 8), len,
		      LLVMBuildIntToPtr(g->b, v, cg_ptr(g->cg), ""));
	gen_store(g, buf, type_u64(), true,
		  LLVMBuildZExt(g->b, len, cg_int(g->cg, 64), ""), type_u64());
	return buf;
}

/* record: hdr, u64 n, then ET_JOIN_MAX strings of ET_JOIN_ARG_SIZE */
static void join_strings(struct gen *g, LLVMValueRef rec, LLVMValueRef base,
			 enum cg_space sp)
{
	LLVMBasicBlockRef done = gen_block(g, "join_done"), next;
	LLVMValueRef p, slot = gen_tmp(g, 8, "join_ptr"), dst;
	LLVMValueRef size = cg_const(g->cg, 32, ET_JOIN_ARG_SIZE);

	for (int i = 0; i < ET_JOIN_MAX; i++) {
		cg_probe_read(g->cg, sp, slot, cg_const(g->cg, 32, 8),
			      LLVMBuildIntToPtr(
				  g->b,
				  LLVMBuildAdd(g->b, base,
					       cg_const(g->cg, 64, 8 * i), ""),
				  cg_ptr(g->cg), ""));
		p = gen_load(g, slot, type_u64(), true);
		next = gen_block(g, "join_arg");
		LLVMBuildCondBr(g->b,
				LLVMBuildICmp(g->b, LLVMIntEQ, p,
					      cg_const(g->cg, 64, 0), ""),
				done, next);
		LLVMPositionBuilderAtEnd(g->b, next);
		dst = at(g, rec, 16 + i * ET_JOIN_ARG_SIZE);
		p = LLVMBuildIntToPtr(g->b, p, cg_ptr(g->cg), "");
		cg_probe_read_str(g->cg, sp, dst, size, p);
		gen_store_al(g, at(g, rec, 8), GEN_ALIGN, type_u64(), true,
			     cg_const(g->cg, 64, i + 1), type_u64());
	}
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

static LLVMValueRef join_call(struct gen *g, struct node *call)
{
	struct node *arr = call->u.call.args, *d = arr->next;
	struct action_meta *a = gen_new_action(g, ACT_JOIN, call->loc);
	uint32_t size = 16 + ET_JOIN_MAX * ET_JOIN_ARG_SIZE;
	LLVMBasicBlockRef ok = gen_block(g, "join_ok");
	LLVMBasicBlockRef full = gen_block(g, "join_full");
	LLVMBasicBlockRef done = gen_block(g, "join_end");
	LLVMValueRef base = gen_expr(g, arr), args[3], r;

	a->fmt_str = d && d->kind == N_STRING ? d->u.string.str : " ";
	a->args = arena_calloc(g->ctx->arena, 1, sizeof(*a->args));
	a->args[0].type = type_string(g->ctx->arena, ET_JOIN_ARG_SIZE);
	a->args[0].offset = 16;
	a->args[0].size = ET_JOIN_ARG_SIZE;
	a->nargs = 1;
	a->rec_size = size;
	gen_loc(g, call);
	args[0] = g->ringbuf;
	args[1] = cg_const(g->cg, 64, size);
	args[2] = cg_const(g->cg, 64, 0);
	r = cg_helper_call(g->cg, BPF_FUNC_ringbuf_reserve, cg_ptr(g->cg),
			   args, 3);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, r, ""), full, ok);
	LLVMPositionBuilderAtEnd(g->b, ok);
	gen_store_al(g, r, GEN_ALIGN, type_u64(), true,
		     cg_const(g->cg, 64, a->id), type_u64());
	gen_store_al(g, at(g, r, 8), GEN_ALIGN, type_u64(), true,
		     cg_const(g->cg, 64, 0), type_u64());
	join_strings(g, r, base, gen_space(g, arr->type));
	args[0] = r;
	args[1] = cg_const(g->cg, 64, 0);
	cg_helper_call(g->cg, BPF_FUNC_ringbuf_submit, NULL, args, 2);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, full);
	gen_count_lost(g, ET_LOST_RECORDS);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return NULL;
}

/* macaddr(p): 6 bytes read at p, or copied from an array */
static LLVMValueRef macaddr_call(struct gen *g, struct node *e)
{
	struct node *a = e->u.call.args;
	LLVMValueRef buf = gen_tmp(g, 6, "mac"), v = gen_expr(g, a);
	uint32_t n = a->type->size < 6 ? a->type->size : 6;

	if (!gen_is_scalar(a->type)) {
		LLVMBuildMemCpy(g->b, buf, 1, v, 1, cg_const(g->cg, 64, n));
		return buf;
	}
	gen_loc(g, e);
	cg_probe_read(g->cg, gen_space(g, a->type), buf, cg_const(g->cg, 32, 6),
		      LLVMBuildIntToPtr(g->b, v, cg_ptr(g->cg), ""));
	return buf;
}

static LLVMValueRef pton_call(struct gen *g, struct node *e)
{
	struct node *a = e->u.call.args;
	char bytes[16] = {0};

	if (a->kind != N_STRING ||
	    inet_pton(e->type->size == 4 ? AF_INET : AF_INET6, a->u.string.str,
		      bytes) != 1)
		gen_error(g, e->loc, "pton: invalid address");
	return gen_string(g, bytes, e->type->size, e->type->size + 1);
}

/* strftime(fmt, ns): {u64 id of an ACT_STRFTIME action, u64 ns} */
static LLVMValueRef strftime_call(struct gen *g, struct node *e)
{
	struct node *f = e->u.call.args;
	struct action_meta *a = gen_new_action(g, ACT_STRFTIME, e->loc);
	LLVMValueRef buf = gen_tmp(g, 16, "strftime");

	a->fmt_str = f->kind == N_STRING ? f->u.string.str : "";
	gen_store(g, buf, type_u64(), true, cg_const(g->cg, 64, a->id),
		  type_u64());
	gen_store(g, at(g, buf, 8), type_u64(), true, gen_expr(g, f->next),
		  type_u64());
	return buf;
}

/* cgroup_path(id): {u64 id, u64 0}: user space finds the path */
static LLVMValueRef cgroup_path_call(struct gen *g, struct node *e)
{
	LLVMValueRef buf = gen_tmp(g, 16, "cgpath");

	gen_store(g, buf, type_u64(), true, gen_expr(g, e->u.call.args),
		  type_u64());
	return buf;
}

/* override(rc): bpf_override_return(ctx, rc) (kprobes) */
static LLVMValueRef override_call(struct gen *g, struct node *e)
{
	LLVMValueRef args[2] = {gen_probe_ctx(g),
				gen_expr(g, e->u.call.args)};

	gen_loc(g, e);
	cg_helper_call(g->cg, BPF_FUNC_override_return, NULL, args, 2);
	return NULL;
}

/* debugf(fmt, a, b, c): bpf_trace_printk, integer arguments */
static LLVMValueRef debugf_call(struct gen *g, struct node *e)
{
	struct node *f = e->u.call.args, *x;
	LLVMValueRef args[5];
	unsigned n = 2;

	args[0] = gen_string(g, f->u.string.str, f->u.string.len,
			     f->u.string.len + 1);
	args[1] = cg_const(g->cg, 32, f->u.string.len + 1);
	for (x = f->next; x && n < 5; x = x->next)
		args[n++] = gen_expr(g, x);
	gen_loc(g, e);
	cg_helper_call(g->cg, BPF_FUNC_trace_printk, NULL, args, n);
	return NULL;
}

/* The callback of bpf_for_each_map_elem for len(): it only continues
 * (returns 0); the helper returns how many elements it visited. A static
 * BPF subprogram in .text, with the debug info BTF needs. */
static LLVMValueRef len_callback(struct gen *g)
{
	static const char name[] = "et_len_cb";
	static const char *const pnames[] = {"map", "key", "value", "ctx"};
	LLVMModuleRef mod = cg_module(g->cg);
	LLVMDIBuilderRef di = cg_dibuilder(g->cg);
	LLVMMetadataRef f = cg_difile(g->cg), ty[5], st, sp;
	LLVMTypeRef p = cg_ptr(g->cg), args[4] = {p, p, p, p};
	LLVMValueRef fn = LLVMGetNamedFunction(mod, name);
	LLVMBuilderRef b;
	unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);

	if (fn)
		return fn;
	fn = LLVMAddFunction(mod, name,
			     LLVMFunctionType(cg_int(g->cg, 64), args, 4, 0));
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	LLVMAddAttributeAtIndex(
	    fn, LLVMAttributeFunctionIndex,
	    LLVMCreateEnumAttribute(cg_context(g->cg), nounwind, 0));
	ty[0] = LLVMDIBuilderCreateBasicType(di, "long", 4, 64, 5, 0);
	for (int i = 1; i < 5; i++)
		ty[i] = LLVMDIBuilderCreatePointerType(di, NULL, 64, 64, 0,
						       "", 0);
	st = LLVMDIBuilderCreateSubroutineType(di, f, ty, 5, 0);
	sp = LLVMDIBuilderCreateFunction(di, f, name, sizeof(name) - 1, name,
					 sizeof(name) - 1, f, 1, st, 1, 1, 1,
					 LLVMDIFlagPrototyped, 1);
	/* the kernel rejects a BTF function whose parameters are unnamed */
	for (unsigned i = 0; i < 4; i++)
		LLVMDIBuilderCreateParameterVariable(
		    di, sp, pnames[i], strlen(pnames[i]), i + 1, f, 1,
		    ty[i + 1], 1, 0);
	LLVMSetSubprogram(fn, sp);
	b = LLVMCreateBuilderInContext(cg_context(g->cg));
	LLVMPositionBuilderAtEnd(
	    b, LLVMAppendBasicBlockInContext(cg_context(g->cg), fn, "entry"));
	LLVMSetCurrentDebugLocation2(
	    b, LLVMDIBuilderCreateDebugLocation(cg_context(g->cg), 1, 0, sp,
						NULL));
	LLVMBuildRet(b, cg_const(g->cg, 64, 0));
	LLVMDisposeBuilder(b);
	return fn;
}

/* len(@m): the number of elements (of keys and buckets for a hist) */
static LLVMValueRef len_call(struct gen *g, struct node *e)
{
	const struct map_meta *em = gen_map(g, e->u.call.args);
	LLVMValueRef args[4];

	args[0] = g->maps[em->id];
	args[1] = len_callback(g);
	args[2] = gen_tmp(g, 8, "len_ctx");
	args[3] = cg_const(g->cg, 64, 0);
	gen_loc(g, e);
	return cg_helper_call(g->cg, BPF_FUNC_for_each_map_elem, NULL, args,
			      4);
}

/* usym(addr) and func in user probes: {u64 address, u64 tgid}, the
 * process being what user space symbolizes the address in (its mappings
 * are kept at its exit for that: needs_usyms) */
LLVMValueRef gen_usym(struct gen *g, LLVMValueRef addr)
{
	LLVMValueRef buf = gen_tmp(g, 16, "usym");
	LLVMValueRef tgid;

	g->prog->needs_usyms = true;
	tgid = LLVMBuildLShr(g->b, cg_get_pid_tgid(g->cg),
			     cg_const(g->cg, 64, 32), "tgid");

	gen_store(g, buf, type_u64(), true, addr, type_u64());
	gen_store(g, at(g, buf, 8), type_u64(), true, tgid, type_u64());
	return buf;
}

/* path(p): bpf_d_path(p, buf, size) into a string. p is a struct path
 * pointer the verifier knows from BTF (an fentry argument) or a struct
 * path reached through one (args->file->f_path), whose address is
 * passed: the verifier walks the fields to it. Which functions may call
 * the helper (the kernel's d_path allowlist, iterators) is the kernel's
 * to say when the program is loaded. */
static LLVMValueRef path_call(struct gen *g, struct node *e)
{
	struct node *a = e->u.call.args;
	uint32_t size = e->type->size;
	LLVMValueRef buf = gen_tmp(g, size, "path"), args[3];
	enum cg_space sp;

	args[0] = a->type->kind == T_RECORD ? gen_addr(g, a, &sp)
					    : gen_expr(g, a);
	if (!args[0]) {
		gen_error(g, a->loc, "Cannot generate code for the address "
			  "of this struct path");
		return buf;
	}
	args[1] = buf;
	args[2] = cg_const(g->cg, 32, size);
	gen_loc(g, e);
	cg_helper_call(g->cg, BPF_FUNC_d_path, NULL, args, 3);
	return buf;
}

static LLVMValueRef stack_call(struct gen *g, struct node *e)
{
	return gen_stack(g, e->type);
}

const struct cg_func cg_func_STACK = { .call = stack_call };
const struct cg_func cg_func_NTOP = { .call = ntop_call };
const struct cg_func cg_func_BUF = { .call = buf_call };
const struct cg_func cg_func_JOIN = { .call = join_call };
const struct cg_func cg_func_MACADDR = { .call = macaddr_call };
const struct cg_func cg_func_PTON = { .call = pton_call };
const struct cg_func cg_func_STRFTIME = { .call = strftime_call };
const struct cg_func cg_func_CGROUP_PATH = { .call = cgroup_path_call };
const struct cg_func cg_func_OVERRIDE = { .call = override_call };
const struct cg_func cg_func_DEBUGF = { .call = debugf_call };
const struct cg_func cg_func_LEN = { .call = len_call };
const struct cg_func cg_func_PATH = { .call = path_call };
