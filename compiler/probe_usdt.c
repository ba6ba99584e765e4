/* usdt:binary:name and usdt:binary:provider:name: a static user probe.
 * The binary is resolved here; its notes are read when attaching. */
#include "probe_impl.h"

static int usdt_parse(struct compile_ctx *ctx, struct attach_point *ap,
		      char **parts, int nparts)
{
	if (probe_nargs(ctx, ap, nparts, 2, 3) < 0)
		return -EINVAL;
	if (!*parts[0]) {
		diag_error(&ctx->diags, ap->loc,
			   "usdt probe must have a target binary");
		return -EINVAL;
	}
	ap->target = parts[0];
	if (nparts == 3)
		ap->ns = parts[1];
	ap->func = parts[nparts - 1];
	if (!*ap->func) {
		diag_error(&ctx->diags, ap->loc,
			   "usdt probe must have a target function or wildcard");
		return -EINVAL;
	}
	if (ap->ns && !*ap->ns) {
		diag_error(&ctx->diags, ap->loc,
			   "usdt probe has an empty provider name");
		return -EINVAL;
	}
	ap->wildcard = probe_has_wildcard(ap->target) ||
		       probe_has_wildcard(ap->ns) ||
		       probe_has_wildcard(ap->func);
	return 0;
}

const struct probe_provider probe_usdt = {
	.kind = PK_USDT,
	.name = "usdt",
	.aliases = { "U", NULL },
	.flags = PF_ARGN | PF_FUNC | PF_KERNEL_CTX | PF_USER,
	.parse = usdt_parse,
	.resolve = probe_resolve_binary,
};
