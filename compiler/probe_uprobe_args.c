/* args in uprobes: the function's parameters, typed from the binary's
 * debug info (dwarf_reader.h), as bpftrace 0.17 does for binaries built with
 * -g. Each field lies at its parameter's place at the function's entry
 * (dwarf_args.c): the code generator reads it from its register or the
 * stack (cg_probe_regs.c), so args are known at the entry only, not at
 * an offset into the function. A wildcard's functions share the fields
 * they all have; each program reads them at its own function's places
 * (target_args). */
#include "probe_impl.h"

#include "dwarf_reader.h"

/* The record of function func of ap's binary, or NULL after reporting
 * at use (with report false: silently). */
static struct type *func_args(struct compile_ctx *ctx,
			      const struct attach_point *ap, const char *func,
			      struct loc use, bool report)
{
	struct dwarf_file *df = dwarf_open(ctx, ap->target);
	struct type *rec = df ? dwarf_func_args(ctx, df, func) : NULL;

	if (rec || !report)
		return rec;
	if (!df && errno == ENODATA)
		diag_error(&ctx->diags, use, "No debuginfo found for %s",
			   ap->target);
	else if (!df)
		diag_error(&ctx->diags, use, "Cannot read the debug info of "
			   "%s: %s", ap->target, strerror(errno));
	else
		diag_error(&ctx->diags, use, "Cannot type args of %s: the "
			   "debug info of %s does not describe it", func,
			   ap->target);
	return NULL;
}

/* The fields every matched function has, under the same name and type. */
static struct type *wildcard_args(struct compile_ctx *ctx,
				  const struct attach_point *ap,
				  struct loc use)
{
	struct type **recs = arena_calloc(ctx->arena, ap->nmatches,
					  sizeof(*recs));
	struct type *common;

	if (!ap->nmatches)
		return NULL;
	for (int i = 0; i < ap->nmatches; i++) {
		recs[i] = func_args(ctx, ap, ap->matches[i], use, true);
		if (!recs[i])
			return NULL;
	}
	if (ap->nmatches == 1)
		return recs[0];
	common = type_record_common(ctx->arena,
				    arena_printf(ctx->arena,
						 "struct _func_args_%s",
						 ap->func),
				    recs, ap->nmatches);
	if (!common)
		diag_error(&ctx->diags, use, "args: the functions matched by "
			   "'%s' share no parameter of the same name and "
			   "type; use one probe per function", ap->func);
	return common;
}

struct type *probe_uprobe_args(struct compile_ctx *ctx,
			       struct attach_point *ap, struct loc use)
{
	if (ap->src_file) {
		diag_error(&ctx->diags, use, "args of %s: a function's "
			   "arguments are known at its entry only, not at "
			   "a source line", ap->raw);
		return NULL;
	}
	if (ap->has_offset) {
		diag_error(&ctx->diags, use, "args of %s: a function's "
			   "arguments are known at its entry only, not at "
			   "an offset into it", ap->raw);
		return NULL;
	}
	if (ap->wildcard)
		return wildcard_args(ctx, ap, use);
	return func_args(ctx, ap, ap->func, use, true);
}

struct type *probe_uprobe_target_args(struct compile_ctx *ctx,
				      const struct attach_point *ap,
				      const char *t)
{
	return func_args(ctx, ap, t ? t : ap->func, LOC_NONE, false);
}

struct type *probe_uretprobe_pointer_ret(struct compile_ctx *ctx,
					 const struct attach_point *ap)
{
	struct dwarf_file *df;
	struct type *t;

	if ((ap->kind != PK_URETPROBE &&
	     (ap->kind != PK_UPROBE || ap->has_offset)) ||
	    ap->wildcard || !ap->func)
		return NULL;
	df = dwarf_open(ctx, ap->target);
	t = df ? dwarf_func_ret(df, ap->func) : NULL;
	return t && t->kind == T_PTR ? t : NULL;
}
