/* cg_helper.c: calls of kernel BPF helpers. A helper is called through
 * its number cast to a function pointer, which the BPF backend turns into
 * `call id`; the wrappers give each helper its C signature. With -k, a
 * hook (cg_set_helper_hook) checks the results. */
#include <errno.h>

#include "cg_impl.h"

/* The call itself, never hooked. */
static LLVMValueRef helper_raw(struct cg *cg, enum bpf_func_id id,
			       LLVMTypeRef ret, LLVMValueRef *args, unsigned n)
{
	LLVMTypeRef at[8], ft;
	LLVMValueRef fp;

	if (n > 5) { /* BPF passes at most 5 arguments in registers */
		cg_fail(cg, E2BIG, "Helper %d called with %u arguments", id, n);
		return NULL;
	}
	for (unsigned i = 0; i < n; i++)
		at[i] = LLVMTypeOf(args[i]);
	ft = LLVMFunctionType(ret ? ret : cg_int(cg, 64), at, n, 0);
	fp = LLVMConstIntToPtr(cg_const(cg, 64, id), cg_ptr(cg));
	return LLVMBuildCall2(cg->b, ft, fp, args, n, "");
}

void cg_set_helper_hook(struct cg *cg, cg_helper_hook fn, void *arg)
{
	cg->helper_hook = fn;
	cg->helper_hook_arg = arg;
}

/* The -k hook on the result r of helper id, unless it is running. */
static void hook(struct cg *cg, enum bpf_func_id id, LLVMValueRef r,
		 LLVMValueRef *args, unsigned n)
{
	if (!cg->helper_hook || cg->helper_hook_busy || !r)
		return;
	cg->helper_hook_busy = true;
	cg->helper_hook(cg->helper_hook_arg, id, r, args, n);
	cg->helper_hook_busy = false;
}

LLVMValueRef cg_helper_call(struct cg *cg, enum bpf_func_id id, LLVMTypeRef ret,
			    LLVMValueRef *args, unsigned n)
{
	LLVMValueRef r = helper_raw(cg, id, ret, args, n);

	hook(cg, id, r, args, n);
	return r;
}

LLVMValueRef cg_map_lookup(struct cg *cg, LLVMValueRef map, LLVMValueRef key)
{
	LLVMValueRef a[2] = {map, key};

	return cg_helper_call(cg, BPF_FUNC_map_lookup_elem, cg_ptr(cg), a, 2);
}

LLVMValueRef cg_map_update(struct cg *cg, LLVMValueRef map, LLVMValueRef key,
			   LLVMValueRef value, uint64_t flags)
{
	LLVMValueRef a[4] = {map, key, value, cg_const(cg, 64, flags)};

	return cg_helper_call(cg, BPF_FUNC_map_update_elem, NULL, a, 4);
}

LLVMValueRef cg_map_delete(struct cg *cg, LLVMValueRef map, LLVMValueRef key)
{
	LLVMValueRef a[2] = {map, key};

	return cg_helper_call(cg, BPF_FUNC_map_delete_elem, NULL, a, 2);
}

/* Helpers take sizes as u32: widen or narrow whatever the caller has. */
static LLVMValueRef as_u32(struct cg *cg, LLVMValueRef v)
{
	unsigned w = LLVMGetIntTypeWidth(LLVMTypeOf(v));

	if (w > 32)
		return LLVMBuildTrunc(cg->b, v, cg_int(cg, 32), "");
	if (w < 32)
		return LLVMBuildZExt(cg->b, v, cg_int(cg, 32), "");
	return v;
}

/* In a sleepable program, a user read that failed (a page not present)
 * is tried again after fault: calls fault(cg, a) when r != 0 (r < 0 for
 * strings) and returns the result of the first or second attempt. */
static LLVMValueRef retry_faulted(struct cg *cg, LLVMValueRef r, bool str,
				  LLVMValueRef (*fault)(struct cg *,
							LLVMValueRef *),
				  LLVMValueRef *a)
{
	LLVMBasicBlockRef from = LLVMGetInsertBlock(cg->b), slow, done;
	LLVMValueRef zero = LLVMConstNull(LLVMTypeOf(r)), r2, phi;
	LLVMValueRef vals[2];
	LLVMBasicBlockRef blocks[2];

	slow = LLVMAppendBasicBlockInContext(cg->ctx, cg->fn, "user_fault");
	done = LLVMAppendBasicBlockInContext(cg->ctx, cg->fn, "user_read");
	LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, str ? LLVMIntSLT :
					     LLVMIntNE, r, zero, ""),
			slow, done);
	LLVMPositionBuilderAtEnd(cg->b, slow);
	r2 = fault(cg, a);
	slow = LLVMGetInsertBlock(cg->b);
	LLVMBuildBr(cg->b, done);
	LLVMPositionBuilderAtEnd(cg->b, done);
	phi = LLVMBuildPhi(cg->b, LLVMTypeOf(r), "");
	vals[0] = r;
	vals[1] = r2;
	blocks[0] = from;
	blocks[1] = slow;
	LLVMAddIncoming(phi, vals, blocks, 2);
	return phi;
}

static LLVMValueRef copy_from_user(struct cg *cg, LLVMValueRef *a)
{
	return helper_raw(cg, BPF_FUNC_copy_from_user, NULL, a, 3);
}

/* Pages in the first and the last byte the string may span (one page
 * boundary for strings up to 4 KiB), then reads it again. */
static LLVMValueRef copy_str_from_user(struct cg *cg, LLVMValueRef *a)
{
	LLVMTypeRef i64 = cg_int(cg, 64);
	LLVMValueRef byte = cg_alloca(cg, cg_int(cg, 8), "fault_in");
	LLVMValueRef src = LLVMBuildPtrToInt(cg->b, a[2], i64, ""), last;
	LLVMValueRef f[3] = {byte, cg_const(cg, 32, 1), a[2]};

	helper_raw(cg, BPF_FUNC_copy_from_user, NULL, f, 3);
	last = LLVMBuildAdd(cg->b, src, LLVMBuildZExt(cg->b, a[1], i64, ""),
			    "");
	last = LLVMBuildSub(cg->b, last, cg_const(cg, 64, 1), "");
	f[2] = LLVMBuildIntToPtr(cg->b, last, cg_ptr(cg), "");
	helper_raw(cg, BPF_FUNC_copy_from_user, NULL, f, 3);
	return helper_raw(cg, BPF_FUNC_probe_read_user_str, NULL, a, 3);
}

LLVMValueRef cg_probe_read(struct cg *cg, enum cg_space sp, LLVMValueRef dst,
			   LLVMValueRef size, LLVMValueRef src)
{
	LLVMValueRef a[3] = {dst, as_u32(cg, size), src}, r;
	enum bpf_func_id id = sp == CG_USER ? BPF_FUNC_probe_read_user
					    : BPF_FUNC_probe_read_kernel;

	r = helper_raw(cg, id, NULL, a, 3);
	if (sp == CG_USER && cg->sleepable)
		r = retry_faulted(cg, r, false, copy_from_user, a);
	hook(cg, id, r, a, 3);
	return r;
}

LLVMValueRef cg_probe_read_str(struct cg *cg, enum cg_space sp,
			       LLVMValueRef dst, LLVMValueRef size,
			       LLVMValueRef src)
{
	LLVMValueRef a[3] = {dst, as_u32(cg, size), src}, r;
	enum bpf_func_id id = sp == CG_USER ? BPF_FUNC_probe_read_user_str
					    : BPF_FUNC_probe_read_kernel_str;

	r = helper_raw(cg, id, NULL, a, 3);
	if (sp == CG_USER && cg->sleepable)
		r = retry_faulted(cg, r, true, copy_str_from_user, a);
	hook(cg, id, r, a, 3);
	return r;
}

LLVMValueRef cg_ringbuf_output(struct cg *cg, LLVMValueRef map,
			       LLVMValueRef data, uint64_t size)
{
	LLVMValueRef a[4] = {map, data, cg_const(cg, 64, size),
			     cg_const(cg, 64, 0)};

	return cg_helper_call(cg, BPF_FUNC_ringbuf_output, NULL, a, 4);
}

LLVMValueRef cg_get_pid_tgid(struct cg *cg)
{
	return cg_helper_call(cg, BPF_FUNC_get_current_pid_tgid, NULL, NULL, 0);
}

LLVMValueRef cg_get_uid_gid(struct cg *cg)
{
	return cg_helper_call(cg, BPF_FUNC_get_current_uid_gid, NULL, NULL, 0);
}

LLVMValueRef cg_ktime_get_ns(struct cg *cg)
{
	return cg_helper_call(cg, BPF_FUNC_ktime_get_ns, NULL, NULL, 0);
}

LLVMValueRef cg_get_cpu(struct cg *cg)
{
	return cg_helper_call(cg, BPF_FUNC_get_smp_processor_id, NULL, NULL, 0);
}

LLVMValueRef cg_get_current_comm(struct cg *cg, LLVMValueRef buf, uint32_t size)
{
	LLVMValueRef a[2] = {buf, cg_const(cg, 32, size)};

	return cg_helper_call(cg, BPF_FUNC_get_current_comm, NULL, a, 2);
}
