/* The compile context's kernel function index (ksyms.h): the runtime's
 * reader (runtime/kfuncs.h) over the file the options or tracefs name. */
#include "ksyms.h"

struct ksym_index *compile_kfuncs(struct compile_ctx *ctx)
{
	const char *path = ctx->opts.kallsyms;
	const char *tfs;

	if (ctx->kfuncs_tried)
		return ctx->kfuncs;
	ctx->kfuncs_tried = true;
	if (path && !*path)
		return NULL;
	if (path) {
		ctx->kfuncs = ksym_index_load(path);
		return ctx->kfuncs;
	}
	tfs = compile_tracefs(ctx);
	if (tfs) {
		char *p = arena_printf(ctx->arena,
				       "%s/available_filter_functions", tfs);
		ctx->kfuncs = ksym_index_load(p);
	}
	if (!ctx->kfuncs)
		ctx->kfuncs = ksym_index_load("/proc/kallsyms");
	return ctx->kfuncs;
}

void compile_kfuncs_free(struct compile_ctx *ctx)
{
	ksym_index_free(ctx->kfuncs);
	ctx->kfuncs = NULL;
	ctx->kfuncs_tried = false;
}
