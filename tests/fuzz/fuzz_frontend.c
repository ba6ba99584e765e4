/* libFuzzer target over the whole front end: any byte sequence as a
 * program goes through parse and every pass, diagnostics are printed (to
 * /dev/null) and the context is freed. Crashes, hangs, leaks and UB are
 * findings (SPEC §7 "Bad input").
 *
 * Kernel information is real but loaded once per process, not per input:
 * the kernel BTF and the kernel function index are parsed in
 * LLVMFuzzerInitialize and lent to each context (compile.h lets the
 * lazily-filled fields be preset; they are taken back before
 * compile_ctx_fini so it does not free them). tracefs format files are
 * read per input (small). libclang is skipped (opts.no_clang).
 * ETRACE_FUZZ_BTF="" disables BTF, ETRACE_FUZZ_KALLSYMS="" the function
 * index. */
#include <bpf/btf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "compile.h"
#include "ksyms.h"

static FILE *devnull;
static struct btf *btf;
static struct ksym_index *kfuncs;
static const char *const params[] = { "42", "comm" };

static const char *env_or(const char *name, const char *def)
{
	const char *s = getenv(name);

	return s ? s : def;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path = env_or("ETRACE_FUZZ_BTF", "/sys/kernel/btf/vmlinux");
	const char *ks = env_or("ETRACE_FUZZ_KALLSYMS", "/proc/kallsyms");

	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	if (*path)
		btf = btf__parse(path, NULL);
	if (*ks)
		kfuncs = ksym_index_load(ks);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct compile_opts opts = {
		.no_clang = true,
		/* "" (none) unless preloaded: never read per input */
		.btf_path = btf ? NULL : "",
		.kallsyms = kfuncs ? NULL : "",
		.params = params,
		.nparams = 2,
	};
	struct compile_ctx ctx;

	if (compile_ctx_init(&ctx, "fuzz.et", (const char *)data, size,
			     &opts))
		return 0;
	ctx.btf = btf;
	ctx.btf_tried = true;
	ctx.kfuncs = kfuncs;
	ctx.kfuncs_tried = true;
	/* dump after the last pass so ast_dump runs over typed trees too */
	compile_run(&ctx, "check", devnull);
	diags_print(&ctx.diags, devnull);
	ctx.btf = NULL;
	ctx.kfuncs = NULL;
	compile_ctx_fini(&ctx);
	return 0;
}
