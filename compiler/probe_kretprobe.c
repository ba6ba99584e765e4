/* kretprobe:func and kretprobe:module:func: a kernel function's return;
 * no offset. */
#include "probe_impl.h"

static int kretprobe_parse(struct compile_ctx *ctx, struct attach_point *ap,
			   char **parts, int nparts)
{
	return probe_kprobe_parse_common(ctx, ap, parts, nparts, false);
}

const struct probe_provider probe_kretprobe = {
	.kind = PK_KRETPROBE,
	.flags = PF_RETVAL | PF_FUNC | PF_KERNEL_CTX,
	.parse = kretprobe_parse,
	.resolve = probe_resolve_kfunc,
};
