/* BEGIN and END: run once before the first and after the last event;
 * no arguments, no event context. */
#include "probe_impl.h"

static int special_parse(struct compile_ctx *ctx, struct attach_point *ap,
			 char **parts, int nparts)
{
	if (nparts) {
		diag_error(&ctx->diags, ap->loc,
			   "%s probe type takes no arguments, found %d",
			   probe_kind_name(ap->kind), nparts);
		return -EINVAL;
	}
	return 0;
}

const struct probe_provider probe_begin = {
	.kind = PK_BEGIN,
	.flags = PF_NO_CTX,
	.parse = special_parse,
};

const struct probe_provider probe_end = {
	.kind = PK_END,
	.flags = PF_NO_CTX,
	.parse = special_parse,
};
