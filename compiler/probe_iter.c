/* iter:name[:pin]: a BPF iterator over kernel objects (task, task_file,
 * task_vma), optionally pinned under bpffs instead of run once. args is
 * the kernel's struct bpf_iter__<name> context. */
#include "probe_impl.h"

#include "typereg.h"

static const char *const iters[] = { "task", "task_file", "task_vma" };

static int iter_parse(struct compile_ctx *ctx, struct attach_point *ap,
		      char **parts, int nparts)
{
	if (probe_nargs(ctx, ap, nparts, 1, 2) < 0)
		return -EINVAL;
	if (probe_no_wildcard(ctx, ap, parts[0]) < 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(iters) / sizeof(*iters); i++)
		if (!strcmp(parts[0], iters[i]))
			ap->func = iters[i];
	if (!ap->func) {
		diag_error(&ctx->diags, ap->loc,
			   "Unknown iterator '%s': expected task, task_file or task_vma",
			   parts[0]);
		return -EINVAL;
	}
	if (nparts == 2) {
		if (!*parts[1]) {
			diag_error(&ctx->diags, ap->loc,
				   "iter probe has an empty pin path");
			return -EINVAL;
		}
		ap->target = parts[1];
	}
	return 0;
}

static struct type *iter_args(struct compile_ctx *ctx,
			      struct attach_point *ap, struct loc use)
{
	const char *name = arena_printf(ctx->arena, "struct bpf_iter__%s",
					ap->func);
	struct type *t = typereg_record(ctx, name);

	if (!t)
		diag_error(&ctx->diags, use,
			   "Cannot type args of iter '%s': the kernel has no BTF for %s",
			   ap->func, name);
	return t;
}

static const char *iter_section(struct compile_ctx *ctx,
				const struct attach_point *ap, const char *t,
				bool sleepable)
{
	return probe_section_func(ctx, "iter", ap, t);
}

const struct probe_provider probe_ITER = {
	.kind = PK_ITER,
	.flags = PF_ARGS | PF_D_PATH | PF_ALONE | PF_TASK_KFUNC |
		 PF_TRACING,
	.as = AS_KERNEL,
	.parse = iter_parse,
	.args_type = iter_args,
	.section = iter_section,
};
