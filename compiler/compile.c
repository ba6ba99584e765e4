/* The compile context and the pass pipeline: parse, then each pass in
 * order, stopping after the first pass that reported errors. */
#include "compile.h"

#include <errno.h>
#include <string.h>

#include "prog_options.h"
#include "settings.h"

/* Parses, then sets aside the command line's named options (getopt)
 * before any pass reads the positional parameters. */
static int pass_parse(struct compile_ctx *ctx)
{
	int err = compile_parse(ctx);

	if (!err && ctx->ast)
		getopt_split_params(ctx);
	return err;
}

/* Order matters: probes before resolve (builtins depend on the probe
 * kind), resolve before types, types before check. Imports bring in
 * probes, macros and C definitions; macros are expanded before anything
 * looks at a call. The preamble runs next so that types and C macros are
 * known to everything after it. */
const struct pass compile_passes[] = {
	{ "ast", pass_parse },
	{ "imports", pass_imports },
	{ "macros", pass_macros },
	{ "preamble", pass_preamble },
	{ "probes", pass_probes },
	{ "resolve", pass_resolve },
	{ "types", pass_types },
	{ "mapdecl", pass_mapdecl },
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

const struct source *compile_add_source(struct compile_ctx *ctx,
					const char *name, const char *text,
					size_t len)
{
	struct source *s, *last = &ctx->src;
	uint32_t base = ctx->src_next ? ctx->src_next : ctx->src.len + 1;

	if (len > UINT32_MAX / 4 || base > UINT32_MAX / 2 - len)
		return NULL;
	s = arena_calloc(ctx->arena, 1, sizeof(*s));
	s->name = arena_strdup(ctx->arena, name);
	s->text = arena_strndup(ctx->arena, text, len);
	s->len = (uint32_t)len;
	s->base = base;
	ctx->src_next = base + (uint32_t)len + 1;
	while (last->next)
		last = (struct source *)last->next;
	last->next = s;
	return s;
}

const struct source *compile_add_view(struct compile_ctx *ctx,
				      const struct source *of,
				      const char *macro, struct loc called_at)
{
	struct source *s, *last = &ctx->src;
	uint32_t base = ctx->src_next ? ctx->src_next : ctx->src.len + 1;

	if (base > UINT32_MAX / 2 - of->len)
		return NULL;
	s = arena_calloc(ctx->arena, 1, sizeof(*s));
	*s = *of;
	s->next = NULL;
	s->base = base;
	s->macro = macro;
	s->called_at = called_at;
	ctx->src_next = base + of->len + 1;
	/* newest first after the main source: lookups favour recent ones */
	s->next = last->next;
	last->next = s;
	return s;
}

struct loc compile_main_loc(const struct compile_ctx *ctx, struct loc l)
{
	for (int n = 0; loc_valid(l) && l.begin > ctx->src.len; n++) {
		const struct source *s = source_of(&ctx->src, l.begin);

		if (n > 64 || s == &ctx->src || !s->macro)
			return LOC_NONE;
		l = s->called_at;
	}
	return l;
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
