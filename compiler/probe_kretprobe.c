/* kretprobe:func and kretprobe:module:func: a kernel function's return;
 * no offset. */
#include "probe_impl.h"

static int kretprobe_parse(struct compile_ctx *ctx, struct attach_point *ap,
			   char **parts, int nparts)
{
	return probe_kprobe_parse_common(ctx, ap, parts, nparts, false);
}

static const char *kretprobe_section(struct compile_ctx *ctx,
				     const struct attach_point *ap,
				     const char *t, bool sleepable)
{
	return probe_section_func(ctx, "kretprobe", ap, t);
}

const struct probe_provider probe_KRETPROBE = {
	.kind = PK_KRETPROBE,
	.flags = PF_RETVAL | PF_FUNC | PF_KERNEL_CTX | PF_QUALIFIED,
	.as = AS_KERNEL,
	.parse = kretprobe_parse,
	.resolve = probe_resolve_kfunc,
	.section = kretprobe_section,
	.attach_target = probe_attach_func,
};
