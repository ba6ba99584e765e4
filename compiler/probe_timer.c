/* Shared by profile and interval: unit:rate (hz, s, ms, us) and the
 * shorter forms newer bpftrace accepts: profile:99 (hz), interval:1s. */
#include "probe_impl.h"

static const char *const units[] = { "hz", "s", "ms", "us" };

static const char *find_unit(const char *u)
{
	for (size_t i = 0; i < sizeof(units) / sizeof(*units); i++)
		if (!strcmp(u, units[i]))
			return units[i];
	return NULL;
}

static int timer_rate(struct compile_ctx *ctx, struct attach_point *ap,
		      const char *s)
{
	const char *kind = probe_kind_name(ap->kind);
	const char *what = arena_printf(ctx->arena, "%s rate", kind);

	if (probe_no_wildcard(ctx, ap, s) < 0)
		return -EINVAL;
	if (*s == '-') {
		diag_error(&ctx->diags, ap->loc,
			   "%s rate must be a positive integer, found %s", kind,
			   s);
		return -EINVAL;
	}
	if (probe_number(ctx, ap, what, s, &ap->freq) < 0)
		return -EINVAL;
	if (ap->freq == 0) {
		diag_error(&ctx->diags, ap->loc,
			   "%s rate must be a positive integer, found %s", kind,
			   s);
		return -EINVAL;
	}
	return 0;
}

static int timer_unit(struct compile_ctx *ctx, struct attach_point *ap,
		      const char *u)
{
	if (probe_no_wildcard(ctx, ap, u) < 0)
		return -EINVAL;
	if (!*u) {
		diag_error(&ctx->diags, ap->loc,
			   "%s probe must have a unit of time",
			   probe_kind_name(ap->kind));
		return -EINVAL;
	}
	ap->target = find_unit(u);
	if (!ap->target) {
		diag_error(&ctx->diags, ap->loc,
			   "Invalid %s unit '%s': expected hz, s, ms or us",
			   probe_kind_name(ap->kind), u);
		return -EINVAL;
	}
	return 0;
}

/* "99", "1s", "250ms": the number, then an optional unit. */
static int timer_short(struct compile_ctx *ctx, struct attach_point *ap,
		       const char *spec)
{
	size_t n = 0;

	while (spec[n] && (isdigit((unsigned char)spec[n]) || spec[n] == '_'))
		n++;
	if (!n) {
		diag_error(&ctx->diags, ap->loc,
			   "Invalid %s rate '%s': expected a positive integer",
			   probe_kind_name(ap->kind), spec);
		return -EINVAL;
	}
	if (timer_unit(ctx, ap, spec[n] ? spec + n : "hz") < 0)
		return -EINVAL;
	return timer_rate(ctx, ap, arena_strndup(ctx->arena, spec, n));
}

int probe_timer_parse(struct compile_ctx *ctx, struct attach_point *ap,
		      char **parts, int nparts)
{
	if (probe_nargs(ctx, ap, nparts, 1, 2) < 0)
		return -EINVAL;
	if (nparts == 1)
		return timer_short(ctx, ap, parts[0]);
	if (timer_unit(ctx, ap, parts[0]) < 0)
		return -EINVAL;
	return timer_rate(ctx, ap, parts[1]);
}
