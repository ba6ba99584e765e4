/* fexit:func and fexit:module:func (aliases kretfunc, fr): a BPF
 * trampoline at a kernel function's return: args as at entry, retval. */
#include "probe_impl.h"

static const char *fexit_section(struct compile_ctx *ctx,
				 const struct attach_point *ap, const char *t,
				 bool sleepable)
{
	return probe_section_func(ctx, "fexit", ap, t);
}

const struct probe_provider probe_FEXIT = {
	.kind = PK_FEXIT,
	.alias_word = "kretfunc",
	.flags = PF_ARGS | PF_RETVAL | PF_FUNC | PF_D_PATH | PF_QUALIFIED |
		 PF_TASK_KFUNC | PF_TRACING,
	.as = AS_KERNEL,
	.parse = probe_fentry_parse,
	.resolve = probe_resolve_btf_func,
	.args_type = probe_fentry_args,
	.retval_type = probe_fentry_retval,
	.section = fexit_section,
	.attach_target = probe_attach_func,
	.target_args = probe_fentry_target_args,
};
