/* codegen: the typed AST of a compile context (after compile_run) to a
 * BPF ELF object and the metadata the runtime needs (compiler/program.h).
 * Errors in the script that only code generation finds are reported as
 * diagnostics in ctx->diags; LLVM failures too (as errors at no place). */
#ifndef ETRACE_CODEGEN_H
#define ETRACE_CODEGEN_H

#include <stdio.h>

#include "compile.h"
#include "objcache.h"
#include "prog_meta.h"

struct codegen_opts {
	FILE *ir;             /* -d ir: the optimized IR is printed here */
	const char *llvm_out; /* --emit-llvm FILE: the optimized IR */
	const char *elf_out;  /* --emit-elf FILE: the object */
	bool no_opt;          /* skip the optimization pipeline (tests);
				 * the BPF target's own passes still run */
	/* The object cache (objcache.h), or NULL. When it is open, the
	 * object of a known module comes from it (no O2, no emission) and a
	 * new one is stored; ignored with ir, llvm_out or no_opt, which need
	 * the compiler's own output. Its note tells -v what happened. */
	struct objcache *cache;
	/* -k (1) and -kk (2): a helper call that fails sends a warning
	 * record (ACT_HELPER_ERROR); 0: no check, no code added */
	int helper_checks;
	/* tests: no drop counters (cg_drops.c), to measure what they add */
	bool no_drop_counts;
};

/* The artifact of ctx's program (runtime/artifact.h: the BPF object with
 * its metadata section) in *art, malloc'ed. Returns 0, or <0 with
 * diagnostics. What the driver runs and --compile-only writes. */
int codegen_artifact(struct compile_ctx *ctx, const struct codegen_opts *opts,
		     void **art, size_t *len);

/* The object and the compiler's metadata (prog_meta.h), without the
 * artifact or the cache: for tests. Fills *out (zeroed first). Returns
 * 0, or <0 with diagnostics. On failure out holds nothing to free. */
int codegen(struct compile_ctx *ctx, struct prog_meta *out);
int codegen_ex(struct compile_ctx *ctx, struct prog_meta *out,
	       const struct codegen_opts *opts);

#endif
