/* cg_module.c: the life of a struct cg (module, builders, debug-info
 * compile unit, the shared BPF target machine) and of the probe functions
 * built in it: entry-block allocas, source locations, the license. */
#define _GNU_SOURCE /* vasprintf */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Support.h>
#include <llvm-c/Target.h>

#include "cg_impl.h"

/* Declared by LLVM's Target.h only through the all-targets macros, which
 * would pull in every target: we link the BPF one alone. */
void LLVMInitializeBPFTargetInfo(void);
void LLVMInitializeBPFTarget(void);
void LLVMInitializeBPFTargetMC(void);
void LLVMInitializeBPFAsmPrinter(void);

static pthread_once_t tm_once = PTHREAD_ONCE_INIT;
static LLVMTargetMachineRef tm_shared;
static char *tm_err;

static void tm_create(void)
{
	/* InstCombine runs four times in our pipeline (cg_emit.c); one sweep
	 * per run instead of iterating to a fixed point (LLVM 18's default)
	 * saved ~5% of O2 and changed no object of tests/corpus, stdlib,
	 * compat. The codegen passes switched off below changed none of
	 * these objects either; fewer passes to build and run made the
	 * emission ~4% faster (each did nothing for our code).
	 * CodeGenLevelLess emits the same code at the same cost; None's
	 * fast register allocator spills every value live across blocks:
	 * 19-37% more code, and "BPF stack limit exceeded" in 5 of 50. */
	static const char *const argv[] = {
	    "etrace", "-instcombine-max-iterations=1",
	    "-disable-mergeicmps", "-disable-constant-hoisting",
	    "-disable-partial-libcall-inlining", "-disable-expand-reductions",
	    "-disable-machine-licm", "-disable-postra-machine-licm",
	    "-disable-postra-machine-sink", "-disable-post-ra",
	    "-disable-peephole", "-disable-phi-elim-edge-splitting",
	    "-enable-shrink-wrap=false", "-enable-misched=false"};
	LLVMTargetRef t;
	LLVMTargetDataRef td;
	char *layout;

	LLVMParseCommandLineOptions(sizeof(argv) / sizeof(*argv), argv, NULL);
	LLVMInitializeBPFTargetInfo();
	LLVMInitializeBPFTarget();
	LLVMInitializeBPFTargetMC();
	LLVMInitializeBPFAsmPrinter();
	if (LLVMGetTargetFromTriple(CG_TRIPLE, &t, &tm_err))
		return;
	tm_shared = LLVMCreateTargetMachine(
	    t, CG_TRIPLE, CG_CPU, CG_FEATURES, LLVMCodeGenLevelDefault,
	    LLVMRelocDefault, LLVMCodeModelDefault);
	if (!tm_shared)
		return;
	td = LLVMCreateTargetDataLayout(tm_shared);
	layout = LLVMCopyStringRepOfTargetData(td);
	LLVMDisposeTargetData(td);
	if (strcmp(layout, CG_DATALAYOUT)) {
		/* an LLVM whose BPF layout changed: CG_DATALAYOUT is stale */
		tm_err = "the BPF target's data layout is not CG_DATALAYOUT";
		tm_shared = NULL;
	}
	LLVMDisposeMessage(layout);
}

LLVMTargetMachineRef cg_target_machine(char **err)
{
	pthread_once(&tm_once, tm_create);
	if (!tm_shared && err)
		*err = tm_err ? tm_err : "cannot create the BPF target machine";
	return tm_shared;
}

int cg_need_tm(struct cg *cg)
{
	char *err = NULL;

	if (!cg->tm)
		cg->tm = cg_target_machine(&err);
	return cg->tm ? 0 : cg_fail(cg, ENOSYS, "BPF target: %s", err);
}

int cg_fail(struct cg *cg, int errnum, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) >= 0) {
		free(cg->err);
		cg->err = msg;
	}
	va_end(ap);
	return -errnum;
}

const char *cg_strerror(const struct cg *cg)
{
	return cg->err ? cg->err : "";
}

/* A module flag as clang writes it, so that the helpers' bitcode links
 * without "conflicting behaviors" (the C API has no Max behavior). */
static void add_flag(struct cg *cg, unsigned behavior, const char *name,
		     unsigned v)
{
	LLVMTypeRef i32 = LLVMInt32TypeInContext(cg->ctx);
	LLVMMetadataRef ops[3] = {
	    LLVMValueAsMetadata(LLVMConstInt(i32, behavior, 0)),
	    LLVMMDStringInContext2(cg->ctx, name, strlen(name)),
	    LLVMValueAsMetadata(LLVMConstInt(i32, v, 0)),
	};
	LLVMMetadataRef n = LLVMMDNodeInContext2(cg->ctx, ops, 3);

	LLVMAddNamedMetadataOperand(cg->mod, "llvm.module.flags",
				    LLVMMetadataAsValue(cg->ctx, n));
}

static void init_debug_info(struct cg *cg, const char *name)
{
	static const char producer[] = "etrace";

	cg->di = LLVMCreateDIBuilder(cg->mod);
	cg->file = LLVMDIBuilderCreateFile(cg->di, name, strlen(name), ".", 1);
	cg->cu = LLVMDIBuilderCreateCompileUnit(
	    cg->di, LLVMDWARFSourceLanguageC, cg->file, producer,
	    sizeof(producer) - 1, 1, "", 0, 0, "", 0, LLVMDWARFEmissionFull, 0,
	    0, 0, "", 0, "", 0);
	add_flag(cg, 7 /* Max */, "Dwarf Version", 4);
	add_flag(cg, 2 /* Warning */, "Debug Info Version",
		 LLVMDebugMetadataVersion());
}

/* Without a handler LLVM prints errors (e.g. the BPF backend's "stack
 * limit exceeded") and exits the process; keep them instead. */
static void on_diagnostic(LLVMDiagnosticInfoRef di, void *arg)
{
	struct cg *cg = arg;
	char *msg;

	if (LLVMGetDiagInfoSeverity(di) != LLVMDSError)
		return;
	msg = LLVMGetDiagInfoDescription(di);
	cg_fail(cg, EINVAL, "%s", msg);
	LLVMDisposeMessage(msg);
	cg->diag_errors++;
}

struct cg *cg__new(const char *name)
{
	struct cg *cg = calloc(1, sizeof(*cg));

	if (!cg)
		return NULL;
	cg->ctx = LLVMContextCreate();
	LLVMContextSetDiagnosticHandler(cg->ctx, on_diagnostic, cg);
	cg->mod = LLVMModuleCreateWithNameInContext(name, cg->ctx);
	LLVMSetTarget(cg->mod, CG_TRIPLE);
	LLVMSetDataLayout(cg->mod, CG_DATALAYOUT);
	cg->b = LLVMCreateBuilderInContext(cg->ctx);
	cg->alloca_b = LLVMCreateBuilderInContext(cg->ctx);
	init_debug_info(cg, name);
	strcpy(cg->license, "GPL");
	return cg;
}

void cg__free(struct cg *cg)
{
	if (!cg)
		return;
	/* unfinalized, the DIBuilder leaks its temporary nodes */
	if (!cg->finalized)
		LLVMDIBuilderFinalize(cg->di);
	LLVMDisposeDIBuilder(cg->di);
	LLVMDisposeBuilder(cg->alloca_b);
	LLVMDisposeBuilder(cg->b);
	LLVMDisposeModule(cg->mod);
	LLVMContextDispose(cg->ctx);
	free(cg->err);
	free(cg);
}

LLVMContextRef cg_context(struct cg *cg)
{
	return cg->ctx;
}

LLVMModuleRef cg_module(struct cg *cg)
{
	return cg->mod;
}

LLVMBuilderRef cg_builder(struct cg *cg)
{
	return cg->b;
}

LLVMDIBuilderRef cg_dibuilder(struct cg *cg)
{
	return cg->di;
}

LLVMMetadataRef cg_difile(struct cg *cg)
{
	return cg->file;
}

LLVMTypeRef cg_int(struct cg *cg, unsigned bits)
{
	return LLVMIntTypeInContext(cg->ctx, bits);
}

LLVMTypeRef cg_ptr(struct cg *cg)
{
	return LLVMPointerTypeInContext(cg->ctx, 0);
}

LLVMValueRef cg_const(struct cg *cg, unsigned bits, uint64_t v)
{
	return LLVMConstInt(cg_int(cg, bits), v, 0);
}

static void add_fn_attr(struct cg *cg, LLVMValueRef fn, const char *name)
{
	unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));

	LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(cg->ctx, kind, 0));
}

/* The DISubprogram the BPF backend's BTF writer needs for each function. */
static LLVMMetadataRef probe_subprogram(struct cg *cg, const char *name)
{
	LLVMMetadataRef ty[2], st, sp, var;

	ty[0] = LLVMDIBuilderCreateBasicType(cg->di, "long", 4, 64,
					     5 /* DW_ATE_signed */, 0);
	ty[1] = LLVMDIBuilderCreatePointerType(cg->di, NULL, 64, 64, 0, "", 0);
	st = LLVMDIBuilderCreateSubroutineType(cg->di, cg->file, ty, 2, 0);
	sp = LLVMDIBuilderCreateFunction(cg->di, cg->file, name, strlen(name),
					 name, strlen(name), cg->file, 1, st, 0,
					 1, 1, LLVMDIFlagPrototyped, 1);
	var = LLVMDIBuilderCreateParameterVariable(cg->di, sp, "ctx", 3, 1,
						   cg->file, 1, ty[1], 1, 0);
	(void)var;
	return sp;
}

LLVMValueRef cg_probe_begin(struct cg *cg, const char *fn_name,
			    const char *section)
{
	LLVMTypeRef p = cg_ptr(cg), ft;

	if (cg->fn || cg->finalized) {
		cg_fail(cg, EBUSY, "Cannot start probe %s: %s", fn_name,
			cg->fn ? "another probe is open" : "module finalized");
		return NULL;
	}
	if (LLVMGetNamedFunction(cg->mod, fn_name)) {
		cg_fail(cg, EEXIST, "Function %s already exists", fn_name);
		return NULL;
	}
	ft = LLVMFunctionType(cg_int(cg, 64), &p, 1, 0);
	cg->fn = LLVMAddFunction(cg->mod, fn_name, ft);
	LLVMSetSection(cg->fn, section);
	cg->sleepable = !strncmp(section, "uprobe.s/", 9) ||
			!strncmp(section, "uretprobe.s/", 12);
	add_fn_attr(cg, cg->fn, "nounwind");
	cg->sp = probe_subprogram(cg, fn_name);
	LLVMSetSubprogram(cg->fn, cg->sp);
	cg->entry = LLVMAppendBasicBlockInContext(cg->ctx, cg->fn, "entry");
	cg->body = LLVMAppendBasicBlockInContext(cg->ctx, cg->fn, "body");
	LLVMPositionBuilderAtEnd(cg->alloca_b, cg->entry);
	LLVMPositionBuilderAtEnd(cg->b, cg->body);
	cg_set_loc(cg, 1, 0);
	return cg->fn;
}

LLVMValueRef cg_probe_ctx(struct cg *cg)
{
	return cg->fn ? LLVMGetParam(cg->fn, 0) : NULL;
}

int cg_probe_end(struct cg *cg)
{
	LLVMBasicBlockRef bb;

	if (!cg->fn)
		return cg_fail(cg, EINVAL, "No probe is open");
	for (bb = cg->body; bb; bb = LLVMGetNextBasicBlock(bb))
		if (!LLVMGetBasicBlockTerminator(bb))
			return cg_fail(cg, EINVAL,
				       "Probe %s: block %s has no terminator",
				       LLVMGetValueName(cg->fn),
				       LLVMGetBasicBlockName(bb));
	LLVMPositionBuilderAtEnd(cg->alloca_b, cg->entry);
	LLVMBuildBr(cg->alloca_b, cg->body);
	/* a location names a subprogram: it must not leak into the next */
	LLVMSetCurrentDebugLocation2(cg->b, NULL);
	cg->fn = NULL;
	cg->sp = NULL;
	return 0;
}

void cg_return(struct cg *cg, uint64_t v)
{
	LLVMBuildRet(cg->b, cg_const(cg, 64, v));
}

LLVMValueRef cg_alloca(struct cg *cg, LLVMTypeRef ty, const char *name)
{
	if (!cg->fn) {
		cg_fail(cg, EINVAL, "No probe is open for alloca %s", name);
		return NULL;
	}
	LLVMPositionBuilderAtEnd(cg->alloca_b, cg->entry);
	return LLVMBuildAlloca(cg->alloca_b, ty, name);
}

LLVMValueRef cg_alloca_zero(struct cg *cg, LLVMTypeRef ty, const char *name)
{
	LLVMTargetDataRef td = LLVMGetModuleDataLayout(cg->mod);
	LLVMValueRef a = cg_alloca(cg, ty, name);
	unsigned align = LLVMABIAlignmentOfType(td, ty);

	if (!a)
		return NULL;
	LLVMBuildMemSet(cg->b, a, cg_const(cg, 8, 0),
			cg_const(cg, 64, LLVMABISizeOfType(td, ty)), align);
	return a;
}

static void lifetime(struct cg *cg, const char *name, LLVMValueRef alloca)
{
	LLVMTypeRef p = cg_ptr(cg);
	unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cg->mod, id, &p, 1);
	LLVMValueRef args[2] = {cg_const(cg, 64, UINT64_MAX), alloca};

	LLVMBuildCall2(cg->b, LLVMGlobalGetValueType(fn), fn, args, 2, "");
}

void cg_lifetime_start(struct cg *cg, LLVMValueRef alloca)
{
	lifetime(cg, "llvm.lifetime.start", alloca);
}

void cg_lifetime_end(struct cg *cg, LLVMValueRef alloca)
{
	lifetime(cg, "llvm.lifetime.end", alloca);
}

void cg_set_loc(struct cg *cg, unsigned line, unsigned col)
{
	LLVMMetadataRef loc;

	if (!cg->sp)
		return;
	loc =
	    LLVMDIBuilderCreateDebugLocation(cg->ctx, line, col, cg->sp, NULL);
	LLVMSetCurrentDebugLocation2(cg->b, loc);
}

void cg_set_license(struct cg *cg, const char *license)
{
	snprintf(cg->license, sizeof(cg->license), "%s", license);
}

void cg_finalize(struct cg *cg)
{
	size_t n = strlen(cg->license) + 1;
	LLVMValueRef lic;

	if (cg->finalized)
		return;
	cg->finalized = true;
	lic =
	    LLVMAddGlobal(cg->mod, LLVMArrayType(cg_int(cg, 8), n), "_license");
	LLVMSetInitializer(
	    lic, LLVMConstStringInContext(cg->ctx, cg->license, n - 1, 0));
	LLVMSetSection(lic, "license");
	LLVMDIBuilderFinalize(cg->di);
}
