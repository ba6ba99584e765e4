/* watchpoint:address:length:mode and watchpoint:func+argN:length:mode: a
 * hardware breakpoint on a memory address (or the address a function's
 * argument holds when the function is entered). */
#include "probe_impl.h"

#include <stdlib.h>

/* func+argN: sets ap->func and ap->address = N (the argument index). */
static int wp_func_arg(struct compile_ctx *ctx, struct attach_point *ap,
		       const char *spec)
{
	const char *plus = strchr(spec, '+');
	char *end;
	long n;

	if (plus == spec || strncmp(plus + 1, "arg", 3) || !plus[4]) {
		diag_error(&ctx->diags, ap->loc,
			   "Invalid %s function argument '%s': expected func+argN",
			   probe_kind_name(ap->kind), spec);
		return -EINVAL;
	}
	n = strtol(plus + 4, &end, 10);
	if (*end || n < 0 || !isdigit((unsigned char)plus[4])) {
		diag_error(&ctx->diags, ap->loc,
			   "Invalid %s function argument '%s': expected func+argN",
			   probe_kind_name(ap->kind), spec);
		return -EINVAL;
	}
	ap->func = arena_strndup(ctx->arena, spec, plus - spec);
	ap->address = (uint64_t)n;
	return 0;
}

static int wp_address(struct compile_ctx *ctx, struct attach_point *ap,
		      const char *spec)
{
	const char *kind = probe_kind_name(ap->kind);

	if (strchr(spec, '+'))
		return wp_func_arg(ctx, ap, spec);
	if (ap->kind == PK_ASYNCWATCHPOINT) {
		diag_error(&ctx->diags, ap->loc,
			   "asyncwatchpoint requires a function argument (func+argN), found '%s'",
			   spec);
		return -EINVAL;
	}
	if (probe_number(ctx, ap, arena_printf(ctx->arena, "%s address",
					       kind), spec, &ap->address) < 0)
		return -EINVAL;
	if (!ap->address) {
		diag_error(&ctx->diags, ap->loc,
			   "%s must be attached to a non-zero address", kind);
		return -EINVAL;
	}
	ap->has_address = true;
	return 0;
}

/* r, w, x combined without repeats; x only alone (the hardware cannot
 * trap execution together with data access). Stored sorted: "rw". */
static int wp_mode(struct compile_ctx *ctx, struct attach_point *ap,
		   const char *mode)
{
	bool r = false, w = false, x = false;
	const char *kind = probe_kind_name(ap->kind);

	for (const char *p = mode; *p; p++) {
		bool *flag = *p == 'r' ? &r : *p == 'w' ? &w : *p == 'x' ? &x :
			     NULL;

		if (!flag) {
			diag_error(&ctx->diags, ap->loc,
				   "Invalid %s mode '%s': expected a combination of r, w and x",
				   kind, mode);
			return -EINVAL;
		}
		if (*flag) {
			diag_error(&ctx->diags, ap->loc,
				   "Invalid %s mode '%s': '%c' is repeated",
				   kind, mode, *p);
			return -EINVAL;
		}
		*flag = true;
	}
	if (!*mode || (x && (r || w))) {
		diag_error(&ctx->diags, ap->loc,
			   "Invalid %s mode '%s': expected r, w, rw or x", kind,
			   mode);
		return -EINVAL;
	}
	ap->mode = x ? "x" : r && w ? "rw" : r ? "r" : "w";
	return 0;
}

int probe_watchpoint_parse(struct compile_ctx *ctx, struct attach_point *ap,
			   char **parts, int nparts)
{
	const char *kind = probe_kind_name(ap->kind);

	if (probe_nargs(ctx, ap, nparts, 3, 3) < 0)
		return -EINVAL;
	for (int i = 0; i < 3; i++)
		if (probe_no_wildcard(ctx, ap, parts[i]) < 0)
			return -EINVAL;
	if (wp_address(ctx, ap, parts[0]) < 0)
		return -EINVAL;
	if (probe_number(ctx, ap, arena_printf(ctx->arena, "%s length",
					       kind), parts[1], &ap->freq) < 0)
		return -EINVAL;
	if (ap->freq != 1 && ap->freq != 2 && ap->freq != 4 && ap->freq != 8) {
		diag_error(&ctx->diags, ap->loc,
			   "%s length must be 1, 2, 4 or 8, found %s", kind,
			   parts[1]);
		return -EINVAL;
	}
	return wp_mode(ctx, ap, parts[2]);
}

const struct probe_provider probe_WATCHPOINT = {
	.kind = PK_WATCHPOINT,
	.flags = PF_KERNEL_CTX | PF_USER,
	.parse = probe_watchpoint_parse,
	.section = probe_section_perf,
};
