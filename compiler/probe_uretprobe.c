/* uretprobe:binary:func and uretprobe:binary:address: a user function's
 * return; no offset. */
#include "probe_impl.h"

static int uretprobe_parse(struct compile_ctx *ctx, struct attach_point *ap,
			   char **parts, int nparts)
{
	return probe_uprobe_parse_common(ctx, ap, parts, nparts, false);
}

static const char *uretprobe_section(struct compile_ctx *ctx,
				     const struct attach_point *ap,
				     const char *t, bool sleepable)
{
	return probe_user_section(ctx, "uretprobe", ap, t, sleepable);
}

const struct probe_provider probe_URETPROBE = {
	.kind = PK_URETPROBE,
	.flags = PF_RETVAL | PF_FUNC | PF_KERNEL_CTX | PF_USER | PF_SLEEPABLE |
		 PF_BINARY,
	.as = AS_USER,
	.parse = uretprobe_parse,
	.resolve = probe_resolve_uprobe,
	.section = uretprobe_section,
	.match_name = probe_user_match_name,
	.attach_target = probe_attach_func,
};
