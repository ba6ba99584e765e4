/* BEGIN and END (begin and end, as bpftrace 0.26 writes them): run once
 * before the first and after the last event; no arguments, no event
 * context. A program may have several of each (bpftrace 0.26): they run
 * in the order of the script. */
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

/* Run by the runtime (bpf_prog_test_run) as a raw tracepoint program. */
static const char *special_section(struct compile_ctx *ctx,
				   const struct attach_point *ap,
				   const char *t, bool sleepable)
{
	return "raw_tp";
}

const struct probe_provider probe_BEGIN = {
	.kind = PK_BEGIN,
	.flags = PF_NO_CTX,
	.parse = special_parse,
	.section = special_section,
};

const struct probe_provider probe_END = {
	.kind = PK_END,
	.flags = PF_NO_CTX,
	.parse = special_parse,
	.section = special_section,
};
