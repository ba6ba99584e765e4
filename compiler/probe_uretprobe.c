/* uretprobe:binary:func and uretprobe:binary:address: a user function's
 * return; no offset. */
#include "probe_impl.h"

static int uretprobe_parse(struct compile_ctx *ctx, struct attach_point *ap,
			   char **parts, int nparts)
{
	return probe_uprobe_parse_common(ctx, ap, parts, nparts, false);
}

const struct probe_provider probe_uretprobe = {
	.kind = PK_URETPROBE,
	.flags = PF_RETVAL | PF_FUNC | PF_KERNEL_CTX | PF_USER,
	.parse = uretprobe_parse,
	.resolve = probe_resolve_uprobe,
};
