/* The compile context and the pass pipeline: parse, then each pass in
 * order, stopping after the first pass that reported errors. */
#include "compile.h"

#include <errno.h>
#include <string.h>

#include "settings.h"

static int pass_parse(struct compile_ctx *ctx)
{
	return compile_parse(ctx);
}

/* Order matters: probes before resolve (builtins depend on the probe
 * kind), resolve before types, types before check. The preamble runs
 * first so that types and macros are known to everything after it. */
const struct pass compile_passes[] = {
	{ "ast", pass_parse },
	{ "preamble", pass_preamble },
	{ "probes", pass_probes },
	{ "resolve", pass_resolve },
	{ "types", pass_types },
	{ "check", pass_check },
};
const int compile_npasses = sizeof(compile_passes) / sizeof(compile_passes[0]);

int compile_ctx_init(struct compile_ctx *ctx, const char *name,
		     const char *text, size_t len,
		     const struct compile_opts *opts)
{
	memset(ctx, 0, sizeof(*ctx));
	if (len > UINT32_MAX - 1)
		return -EFBIG;
	ctx->arena = arena__new();
	if (!ctx->arena)
		return -ENOMEM;
	ctx->src.name = arena_strdup(ctx->arena, name);
	ctx->src.text = arena_strndup(ctx->arena, text, len);
	ctx->src.len = (uint32_t)len;
	if (opts)
		ctx->opts = *opts;
	settings_defaults(&ctx->opts);
	diags_init(&ctx->diags, ctx->arena, &ctx->src);
	return 0;
}

void compile_ctx_fini(struct compile_ctx *ctx)
{
	compile_btf_free(ctx);
	compile_kfuncs_free(ctx);
	compile_dwarf_free(ctx);
	arena__free(ctx->arena);
	memset(ctx, 0, sizeof(*ctx));
}

int compile_run(struct compile_ctx *ctx, const char *dump_after, FILE *dump)
{
	for (int i = 0; i < compile_npasses; i++) {
		const struct pass *p = &compile_passes[i];
		int err = p->run(ctx);

		if (err < 0 || diag_has_errors(&ctx->diags))
			return err < 0 ? err : -EINVAL;
		if (dump_after && dump && !strcmp(dump_after, p->name)) {
			ast_dump(ctx->ast, &ctx->src, dump);
			dump_after = NULL;
		}
	}
	return 0;
}
