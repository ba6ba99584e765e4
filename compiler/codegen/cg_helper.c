/* cg_helper.c: calls of kernel BPF helpers. A helper is called through
 * its number cast to a function pointer, which the BPF backend turns into
 * `call id`; the wrappers give each helper its C signature. */
#include <errno.h>

#include "cg_impl.h"

LLVMValueRef cg_helper_call(struct cg *cg, enum bpf_func_id id, LLVMTypeRef ret,
			    LLVMValueRef *args, unsigned n)
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

LLVMValueRef cg_probe_read(struct cg *cg, enum cg_space sp, LLVMValueRef dst,
			   LLVMValueRef size, LLVMValueRef src)
{
	LLVMValueRef a[3] = {dst, as_u32(cg, size), src};

	return cg_helper_call(cg,
			      sp == CG_USER ? BPF_FUNC_probe_read_user
					    : BPF_FUNC_probe_read_kernel,
			      NULL, a, 3);
}

LLVMValueRef cg_probe_read_str(struct cg *cg, enum cg_space sp,
			       LLVMValueRef dst, LLVMValueRef size,
			       LLVMValueRef src)
{
	LLVMValueRef a[3] = {dst, as_u32(cg, size), src};

	return cg_helper_call(cg,
			      sp == CG_USER ? BPF_FUNC_probe_read_user_str
					    : BPF_FUNC_probe_read_kernel_str,
			      NULL, a, 3);
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
