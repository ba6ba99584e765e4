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

/* self:signal:SIGUSR1 (bpftrace 0.26): run by the runtime, as BEGIN is,
 * each time etrace gets SIGUSR1; the only trigger and signal bpftrace
 * has. */
static int self_parse(struct compile_ctx *ctx, struct attach_point *ap,
		      char **parts, int nparts)
{
	if (nparts != 2) {
		diag_error(&ctx->diags, ap->loc,
			   "self probe type requires 2 arguments, found %d",
			   nparts);
		return -EINVAL;
	}
	if (strcmp(parts[0], "signal")) {
		diag_error(&ctx->diags, ap->loc,
			   "%s is not a supported trigger", parts[0]);
		return -EINVAL;
	}
	if (strcmp(parts[1], "SIGUSR1")) {
		diag_error(&ctx->diags, ap->loc,
			   "%s is not a supported signal", parts[1]);
		return -EINVAL;
	}
	return 0;
}

const struct probe_provider probe_SELF = {
	.kind = PK_SELF,
	.flags = PF_NO_CTX,
	.parse = self_parse,
	.section = special_section,
};
