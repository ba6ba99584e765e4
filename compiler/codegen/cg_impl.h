/* Private to compiler/codegen: the layout of struct cg and the helpers
 * its files share. Not to be included outside this directory. */
#ifndef ETRACE_CG_IMPL_H
#define ETRACE_CG_IMPL_H

#include <stdbool.h>

#include <llvm-c/TargetMachine.h>

#include "cg.h"

#define CG_TRIPLE "bpf"
#define CG_CPU "v3"
#define CG_FEATURES ""
/* BPFTargetMachine's data layout (little endian). Modules get it without
 * a target machine, which only the optimizer and the emitter need: a run
 * whose object comes from the cache never creates one (~0.3 ms). The
 * target machine's own layout is checked against it when it is made. */
#define CG_DATALAYOUT "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128"

struct cg {
	LLVMContextRef ctx;
	LLVMModuleRef mod;
	LLVMBuilderRef b;
	LLVMBuilderRef alloca_b; /* at the end of the probe's entry block */
	LLVMDIBuilderRef di;
	LLVMMetadataRef file;
	LLVMMetadataRef cu;
	/* shared by the process, not owned; NULL until cg_need_tm() */
	LLVMTargetMachineRef tm;

	/* the open probe */
	LLVMValueRef fn;
	LLVMBasicBlockRef entry, body;
	LLVMMetadataRef sp;
	/* a sleepable program (section uprobe.s/ or uretprobe.s/): user
	 * reads that fault retry with bpf_copy_from_user, which pages in */
	bool sleepable;

	char license[64];
	bool finalized;
	bool linked;
	int diag_errors; /* errors LLVM reported through the context */
	char *err;

	/* -k: called after each helper call (cg_set_helper_hook); busy
	 * while it runs, so that its own helper calls are not checked */
	cg_helper_hook helper_hook;
	void *helper_hook_arg;
	bool helper_hook_busy;
};

/* Keep a printf-style message as the last failure; returns -errnum. */
int cg_fail(struct cg *cg, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The process-wide BPF target machine, created on first use. */
LLVMTargetMachineRef cg_target_machine(char **err);
/* cg->tm set (created if need be); 0 or a cg_fail() error. */
int cg_need_tm(struct cg *cg);

/* Finalize the debug info and add the license; idempotent. */
void cg_finalize(struct cg *cg);

#endif
