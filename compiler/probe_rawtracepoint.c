/* rawtracepoint:event and rawtracepoint:module:event: a tracepoint's raw
 * arguments (arg0..N). The event exists when tracefs lists it in any
 * category or kernel BTF has its btf_trace_<event> typedef. */
#include "probe_impl.h"

#include "tracefs.h"
#include "typereg.h"

static int raw_parse(struct compile_ctx *ctx, struct attach_point *ap,
		     char **parts, int nparts)
{
	if (probe_nargs(ctx, ap, nparts, 1, 2) < 0)
		return -EINVAL;
	ap->func = parts[nparts - 1];
	if (nparts == 2)
		ap->target = parts[0];
	if (!*ap->func || (ap->target && !*ap->target)) {
		diag_error(&ctx->diags, ap->loc,
			   "rawtracepoint probe must be attached to a tracepoint name");
		return -EINVAL;
	}
	ap->wildcard = probe_has_wildcard(ap->func) ||
		       probe_has_wildcard(ap->target);
	return 0;
}

static int raw_resolve(struct compile_ctx *ctx, struct attach_point *ap)
{
	const char **v;
	int n;

	if (!ap->wildcard) {
		if (tracefs_event_category(ctx, ap->func))
			return 0;
		if (compile_btf(ctx) &&
		    btf_find_typedef(ctx, arena_printf(ctx->arena,
						       "btf_trace_%s",
						       ap->func)))
			return 0;
		ap->exists = !compile_tracefs(ctx) && !compile_btf(ctx);
		return 0;
	}
	n = tracefs_events_match(ctx, "*", ap->func, &v);
	if (n < 0)
		return 0;
	for (int i = 0; i < n; i++) {
		const char *name = strchr(v[i], ':') + 1;
		bool dup = false;

		for (int j = 0; j < ap->nmatches && !dup; j++)
			dup = !strcmp(ap->matches[j], name);
		if (!dup)
			probe_add_match(ctx, ap, name);
	}
	ap->exists = ap->nmatches > 0;
	return 0;
}

static const char *raw_section(struct compile_ctx *ctx,
			       const struct attach_point *ap, const char *t,
			       bool sleepable)
{
	return probe_section_func(ctx, "raw_tp", ap, t);
}

const struct probe_provider probe_RAWTRACEPOINT = {
	.kind = PK_RAWTRACEPOINT,
	.flags = PF_ARGN | PF_QUALIFIED,
	.as = AS_KERNEL,
	.max_args = 6,
	.parse = raw_parse,
	.resolve = raw_resolve,
	.section = raw_section,
	.attach_target = probe_attach_func,
};
