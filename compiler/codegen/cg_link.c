/* cg_link.c: links the C helpers of bpf-helpers/ (embedded LLVM bitcode,
 * see bpf-helpers/CMakeLists.txt) into a module and calls them. Linked
 * functions become internal, so that the optimization pipeline inlines
 * them into the probes and deletes the unused ones; whatever stays out of
 * line is a static BPF-to-BPF call, which the verifier checks at each
 * call site.
 * The module must not use llvm.used itself: linking drops it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/BitReader.h>
#include <llvm-c/Linker.h>

#include "cg_impl.h"

extern const unsigned char et_helpers_bc[];
extern const size_t et_helpers_bc_len;

static int parse_helpers(struct cg *cg, LLVMModuleRef *out)
{
	LLVMMemoryBufferRef buf;
	LLVMTargetDataRef td;
	int bad;

	buf = LLVMCreateMemoryBufferWithMemoryRange(
	    (const char *)et_helpers_bc, et_helpers_bc_len, "bpf-helpers", 0);
	bad = LLVMParseBitcodeInContext2(cg->ctx, buf, out);
	LLVMDisposeMemoryBuffer(buf);
	if (bad)
		return cg_fail(cg, EINVAL,
			       "Cannot parse the BPF helpers' bitcode");
	/* same strings as ours, or the linker warns about the triple */
	LLVMSetTarget(*out, LLVMGetTarget(cg->mod));
	td = LLVMGetModuleDataLayout(cg->mod);
	LLVMSetModuleDataLayout(*out, td);
	return 0;
}

static void free_names(char **names)
{
	for (char **p = names; p && *p; p++)
		free(*p);
	free(names);
}

/* Names of the functions the helpers define, strdup'ed, NULL-ended.
 * The name is read before its length: as two arguments of strndup()
 * their order of evaluation is unspecified, and gcc read len first, a
 * stale or uninitialized (ASLR-dependent) length that cut the first
 * name short, left that helper with its target attributes and so kept
 * it out of line in ~7% of the runs. */
static char **defined_names(LLVMModuleRef m)
{
	LLVMValueRef f;
	const char *name;
	size_t n = 0, len;
	char **v;

	for (f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		n++;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	n = 0;
	for (f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
		if (LLVMIsDeclaration(f))
			continue;
		name = LLVMGetValueName2(f, &len);
		v[n] = strndup(name, len);
		if (!v[n++]) {
			free_names(v);
			return NULL;
		}
	}
	return v;
}

/* The linker would rename a helper whose name the module already uses
 * (they are internal), and internalize() would then take the wrong one. */
static int names_free(struct cg *cg, char **names)
{
	for (char **p = names; *p; p++)
		if (LLVMGetNamedFunction(cg->mod, *p))
			return cg_fail(cg, EEXIST,
				       "Cannot link the BPF helpers: function "
				       "%s already exists",
				       *p);
	return 0;
}

/* Internal, and free of clang's target attributes: a callee whose
 * "target-cpu" differs from the caller's is never inlined. Every helper
 * must be found: one missed silently is one that stays out of line. */
static int internalize(struct cg *cg, char **names)
{
	for (char **p = names; *p; p++) {
		LLVMValueRef f = LLVMGetNamedFunction(cg->mod, *p);

		if (!f || LLVMIsDeclaration(f))
			return cg_fail(cg, ENOENT,
				       "BPF helper %s is missing after linking",
				       *p);
		LLVMSetLinkage(f, LLVMInternalLinkage);
		LLVMRemoveStringAttributeAtIndex(f, LLVMAttributeFunctionIndex,
						 "target-cpu", 10);
		LLVMRemoveStringAttributeAtIndex(f, LLVMAttributeFunctionIndex,
						 "target-features", 15);
	}
	return 0;
}

/* The helpers are static and "used" so that clang keeps them; once they
 * are in our module nothing needs them kept: let O2 drop the unused. */
static void drop_used_lists(struct cg *cg)
{
	static const char *const lists[] = {"llvm.used", "llvm.compiler.used"};

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		LLVMValueRef g = LLVMGetNamedGlobal(cg->mod, lists[i]);

		if (g)
			LLVMDeleteGlobal(g);
	}
}

int cg_link_helpers(struct cg *cg)
{
	LLVMModuleRef src;
	char **names;
	int err;

	if (cg->linked)
		return 0;
	err = parse_helpers(cg, &src);
	if (err)
		return err;
	names = defined_names(src);
	if (!names) {
		LLVMDisposeModule(src);
		return cg_fail(cg, ENOMEM, "Out of memory linking helpers");
	}
	err = names_free(cg, names);
	if (err) {
		LLVMDisposeModule(src);
	} else if (LLVMLinkModules2(cg->mod, src)) {
		/* LLVMLinkModules2 destroys src whatever happens */
		err = cg_fail(cg, EINVAL, "Cannot link the BPF helpers: %s",
			      cg_strerror(cg));
	} else {
		err = internalize(cg, names);
	}
	free_names(names);
	if (err)
		return err;
	drop_used_lists(cg);
	cg->linked = true;
	return 0;
}

LLVMValueRef cg_libcall(struct cg *cg, const char *name, LLVMValueRef *args,
			unsigned n)
{
	LLVMValueRef f, a[8];
	LLVMTypeRef ft, pt[8];

	if (cg_link_helpers(cg))
		return NULL;
	f = LLVMGetNamedFunction(cg->mod, name);
	if (!f || LLVMIsDeclaration(f)) {
		cg_fail(cg, ENOENT, "No BPF helper function %s", name);
		return NULL;
	}
	ft = LLVMGlobalGetValueType(f);
	if (LLVMCountParamTypes(ft) != n || n > 8) {
		cg_fail(cg, EINVAL, "%s takes %u arguments, not %u", name,
			LLVMCountParamTypes(ft), n);
		return NULL;
	}
	LLVMGetParamTypes(ft, pt);
	/* integers of any width are accepted; the helpers take 64 bits */
	for (unsigned i = 0; i < n; i++)
		a[i] = LLVMGetTypeKind(pt[i]) == LLVMIntegerTypeKind
			   ? LLVMBuildIntCast2(cg->b, args[i], pt[i], 1, "")
			   : args[i];
	return LLVMBuildCall2(cg->b, ft, f, a, n, "");
}
