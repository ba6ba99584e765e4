/* cg_core.c: the LLVM intrinsics of relocatable (CO-RE) accesses, in the
 * shape clang gives __builtin_preserve_access_index and
 * __builtin_preserve_field_info: llvm.preserve.{struct,union,array}.
 * access.index calls, each tagged !llvm.preserve.access.index with the
 * debug info type of what it indexes, and llvm.bpf.preserve.field.info.
 * The BPF target's BPFAbstractMemberAccess pass (brought by "default<O0>"
 * in cg_emit.c's pipeline) turns a chain of them into one instruction
 * whose constant libbpf patches from the running kernel's BTF (a record in
 * .BTF.ext); the chain must be direct, call on call, for that. */
#include <string.h>

#include "cg_impl.h"

#define MD_PRESERVE "llvm.preserve.access.index"

static LLVMValueRef core_call(struct cg *cg, const char *name,
			      LLVMTypeRef *types, unsigned ntypes,
			      LLVMValueRef *args, unsigned nargs,
			      LLVMMetadataRef di)
{
	unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
	LLVMValueRef fn =
	    LLVMGetIntrinsicDeclaration(cg->mod, id, types, ntypes);
	LLVMValueRef c = LLVMBuildCall2(cg->b, LLVMGlobalGetValueType(fn), fn,
					args, nargs, "");
	unsigned kind;

	if (di) {
		kind = LLVMGetMDKindIDInContext(cg->ctx, MD_PRESERVE,
						strlen(MD_PRESERVE));
		LLVMSetMetadata(c, kind, LLVMMetadataAsValue(cg->ctx, di));
	}
	return c;
}

/* elementtype(ty) on the base argument: LLVM's verifier requires it of
 * the struct and array intrinsics, and the pass takes the record's
 * alignment from it (where the storage of a bitfield starts). */
static void element_type(struct cg *cg, LLVMValueRef call, LLVMTypeRef ty)
{
	unsigned kind = LLVMGetEnumAttributeKindForName("elementtype", 11);

	LLVMAddCallSiteAttribute(call, 1,
				 LLVMCreateTypeAttribute(cg->ctx, kind, ty));
}

LLVMValueRef cg_core_struct(struct cg *cg, LLVMValueRef base, LLVMTypeRef rec,
			    unsigned idx, LLVMMetadataRef di)
{
	LLVMTypeRef types[2] = {cg_ptr(cg), cg_ptr(cg)};
	/* the GEP index only serves if the pass leaves the call alone
	 * (then it is a GEP into rec): 0 keeps that GEP valid */
	LLVMValueRef args[3] = {base, cg_const(cg, 32, 0),
				cg_const(cg, 32, idx)};
	LLVMValueRef c = core_call(cg, "llvm.preserve.struct.access.index",
				   types, 2, args, 3, di);

	element_type(cg, c, rec);
	return c;
}

LLVMValueRef cg_core_union(struct cg *cg, LLVMValueRef base, unsigned idx,
			   LLVMMetadataRef di)
{
	LLVMTypeRef types[2] = {cg_ptr(cg), cg_ptr(cg)};
	LLVMValueRef args[2] = {base, cg_const(cg, 32, idx)};

	return core_call(cg, "llvm.preserve.union.access.index", types, 2, args,
			 2, di);
}

LLVMValueRef cg_core_array(struct cg *cg, LLVMValueRef base, LLVMTypeRef arr,
			   unsigned idx, LLVMMetadataRef di)
{
	LLVMTypeRef types[2] = {cg_ptr(cg), cg_ptr(cg)};
	/* dimension 1: base points to the array itself, as &s->a[i] */
	LLVMValueRef args[3] = {base, cg_const(cg, 32, 1),
				cg_const(cg, 32, idx)};
	LLVMValueRef c = core_call(cg, "llvm.preserve.array.access.index",
				   types, 2, args, 3, di);

	element_type(cg, c, arr);
	return c;
}

LLVMValueRef cg_core_field_info(struct cg *cg, LLVMValueRef field,
				enum cg_field_info kind)
{
	LLVMTypeRef p = cg_ptr(cg);
	LLVMValueRef args[2] = {field, cg_const(cg, 64, kind)};

	return core_call(cg, "llvm.bpf.preserve.field.info", &p, 1, args, 2,
			 NULL);
}
