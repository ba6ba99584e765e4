/* cg_emit.c: the end of a module's life: verification, the optimization
 * pipeline, and the BPF ELF object (in memory or in a file), or its
 * textual IR. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitWriter.h>
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

/* The passes of LLVM 16's "default<O2>" that change our objects, in O2's
 * order: each of the others was dropped when the BPF code of every program
 * of tests/corpus, stdlib and tests/compat stayed byte for byte the same
 * (tests/compile, examples and the fuzz corpus, never used to choose,
 * stayed the same too). The module is small, so O2's cost was per pass,
 * not per instruction: this takes ~55% of O2's time (0.75 instead of 1.4
 * ms for a one-probe program, 2.9 instead of 5.3 for execsnoop).
 * The BPF target's own IR passes have no names in LLVM 16's pipeline
 * parser: "default<O0>" brings them, after the early cleanup as in O2
 * (BPFAdjustOpt, which keeps the rest from making code the verifier
 * rejects; the CO-RE and stacksave passes find nothing in our IR) and
 * always-inline, which finds nothing either. O2's speculative-execution
 * is dropped: parsed from text it does not skip non-GPU targets. */
static const char cg_pipeline[] =
    "function<eager-inv>(simplifycfg,sroa<modify-cfg>,early-cse),"
    "default<O0>,"
    "ipsccp,"
    "function<eager-inv>(instcombine,simplifycfg<hoist-common-insts>),"
    "cgscc(devirt<4>(inline,function<eager-inv>("
    "correlated-propagation,instcombine,reassociate,loop(loop-rotate),"
    "simplifycfg<switch-range-to-icmp>,loop(indvars,loop-unroll-full),"
    "mldst-motion,gvn,instcombine,simplifycfg<hoist-common-insts>,"
    "jump-threading,correlated-propagation,memcpyopt,dse))),"
    "function<eager-inv>(instcombine,div-rem-pairs),"
    "globaldce";

static int run_passes(struct cg *cg, const char *pipeline)
{
	LLVMPassBuilderOptionsRef po;
	LLVMErrorRef e;
	int err;

	err = cg_verify(cg);
	if (!err)
		err = cg_need_tm(cg);
	if (err)
		return err;
	po = LLVMCreatePassBuilderOptions();
	e = LLVMRunPasses(cg->mod, pipeline, cg->tm, po);
	LLVMDisposePassBuilderOptions(po);
	if (e) {
		char *msg = LLVMGetErrorMessage(e);

		cg_fail(cg, EINVAL, "Optimization failed: %s", msg);
		LLVMDisposeErrorMessage(msg);
		return -EINVAL;
	}
	return 0;
}

int cg_optimize(struct cg *cg)
{
	return run_passes(cg, cg_pipeline);
}

/* The BPF target's IR passes alone: instruction selection cannot take
 * the CO-RE intrinsics (cg_core.c) they lower. */
int cg_lower(struct cg *cg)
{
	return run_passes(cg, "default<O0>");
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
	int err = cg_need_tm(cg);

	cg->diag_errors = 0;
	return err || cg->finalized ? err : cg_verify(cg);
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

/* The unoptimized module as bitcode: what the object cache
 * (compiler/objcache.h) keys on. Deterministic for one program, compiler
 * build and working directory (the debug info names the cwd as "."). Not
 * verified here: an object is stored only after its module passed the
 * verifier, so an invalid module can only miss, and a hit is spared the
 * verifier (~0.13 ms); a miss verifies once, in cg_optimize(). */
int cg_bitcode(struct cg *cg, void **buf, size_t *len)
{
	LLVMMemoryBufferRef mb;

	if (cg->fn)
		return cg_fail(cg, EINVAL, "Probe %s is still open",
			       LLVMGetValueName(cg->fn));
	cg_finalize(cg);
	mb = LLVMWriteBitcodeToMemoryBuffer(cg->mod);
	if (!mb)
		return cg_fail(cg, ENOMEM,
			       "Cannot write the module as bitcode");
	*len = LLVMGetBufferSize(mb);
	*buf = malloc(*len ? *len : 1);
	if (*buf)
		memcpy(*buf, LLVMGetBufferStart(mb), *len);
	LLVMDisposeMemoryBuffer(mb);
	return *buf ? 0 : cg_fail(cg, ENOMEM, "Out of memory");
}

/* What else decides the object besides the bitcode and the etrace build:
 * the LLVM version and the target machine's triple, CPU and features
 * (the constants it is made from: a cache hit never makes one). */
int cg_target_id(struct cg *cg, char *buf, size_t size)
{
	unsigned major, minor, patch;
	int n;

	LLVMGetVersion(&major, &minor, &patch);
	n = snprintf(buf, size, "llvm %u.%u.%u\ntarget %s %s %s\n", major,
		     minor, patch, CG_TRIPLE, CG_CPU, CG_FEATURES);
	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}
