/* cg_emit.c: the end of a module's life: verification, the O2 pipeline,
 * and the BPF ELF object (in memory or in a file), or its textual IR. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Error.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "cg_impl.h"

int cg_verify(struct cg *cg)
{
	char *msg = NULL;
	int bad;

	if (cg->fn)
		return cg_fail(cg, EINVAL, "Probe %s is still open",
			       LLVMGetValueName(cg->fn));
	cg_finalize(cg);
	bad = LLVMVerifyModule(cg->mod, LLVMReturnStatusAction, &msg);
	if (bad)
		cg_fail(cg, EINVAL, "Invalid module: %s", msg);
	LLVMDisposeMessage(msg);
	return bad ? -EINVAL : 0;
}

int cg_optimize(struct cg *cg)
{
	LLVMPassBuilderOptionsRef po;
	LLVMErrorRef e;
	int err;

	err = cg_verify(cg);
	if (err)
		return err;
	po = LLVMCreatePassBuilderOptions();
	e = LLVMRunPasses(cg->mod, "default<O2>", cg->tm, po);
	LLVMDisposePassBuilderOptions(po);
	if (e) {
		char *msg = LLVMGetErrorMessage(e);

		cg_fail(cg, EINVAL, "Optimization failed: %s", msg);
		LLVMDisposeErrorMessage(msg);
		return -EINVAL;
	}
	return 0;
}

/* Codegen errors (stack too large, unsupported operation) reach us
 * through the context's diagnostic handler, not the return value. */
static int emit_check(struct cg *cg, int bad, char *msg)
{
	if (bad)
		cg_fail(cg, EINVAL, "BPF code generation failed: %s",
			msg ? msg : cg_strerror(cg));
	LLVMDisposeMessage(msg);
	if (!bad && cg->diag_errors)
		return cg_fail(cg, EINVAL, "BPF code generation failed: %s",
			       cg_strerror(cg));
	return bad ? -EINVAL : 0;
}

static int emit_prepare(struct cg *cg)
{
	cg->diag_errors = 0;
	return cg->finalized ? 0 : cg_verify(cg);
}

int cg_emit(struct cg *cg, void **buf, size_t *len)
{
	LLVMMemoryBufferRef mb = NULL;
	char *msg = NULL;
	int err;

	err = emit_prepare(cg);
	if (err)
		return err;
	err = emit_check(cg,
			 LLVMTargetMachineEmitToMemoryBuffer(
			     cg->tm, cg->mod, LLVMObjectFile, &msg, &mb),
			 msg);
	if (!err) {
		*len = LLVMGetBufferSize(mb);
		*buf = malloc(*len);
		if (*buf)
			memcpy(*buf, LLVMGetBufferStart(mb), *len);
		else
			err = cg_fail(cg, ENOMEM, "Out of memory");
	}
	if (mb)
		LLVMDisposeMemoryBuffer(mb);
	return err;
}

int cg_emit_file(struct cg *cg, const char *path)
{
	char *msg = NULL;
	int err;

	err = emit_prepare(cg);
	if (err)
		return err;
	return emit_check(cg,
			  LLVMTargetMachineEmitToFile(cg->tm, cg->mod,
						      (char *)path,
						      LLVMObjectFile, &msg),
			  msg);
}

int cg_print_ir(struct cg *cg, FILE *f)
{
	char *s = LLVMPrintModuleToString(cg->mod);
	int err = fputs(s, f) < 0 ? -EIO : 0;

	LLVMDisposeMessage(s);
	return err;
}
