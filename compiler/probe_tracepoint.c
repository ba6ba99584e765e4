/* tracepoint:category:event: a static kernel tracepoint. Existence and
 * wildcard expansion come from tracefs events/; `args` is the record of
 * the event's format file (tracefs.h). */
#include "probe_impl.h"

#include "tracefs.h"

static int tracepoint_parse(struct compile_ctx *ctx, struct attach_point *ap,
			    char **parts, int nparts)
{
	if (probe_nargs(ctx, ap, nparts, 2, 2) < 0)
		return -EINVAL;
	if (!*parts[0] || !*parts[1]) {
		diag_error(&ctx->diags, ap->loc,
			   "tracepoint probe must have a category and an event name");
		return -EINVAL;
	}
	ap->target = parts[0];
	ap->func = parts[1];
	ap->wildcard = probe_has_wildcard(ap->target) ||
		       probe_has_wildcard(ap->func);
	return 0;
}

static int tracepoint_resolve(struct compile_ctx *ctx, struct attach_point *ap)
{
	const char **v;
	int n;

	if (!compile_tracefs(ctx))
		return 0; /* cannot know */
	if (!ap->wildcard) {
		ap->exists = tracefs_event_exists(ctx, ap->target, ap->func);
		return 0;
	}
	n = tracefs_events_match(ctx, ap->target, ap->func, &v);
	if (n < 0)
		return 0;
	ap->matches = v;
	ap->nmatches = n;
	ap->exists = n > 0;
	return 0;
}

static struct type *event_type(struct compile_ctx *ctx,
			       const struct attach_point *ap, const char *cat,
			       const char *name, struct loc use)
{
	struct type *t = tracefs_event_type(ctx, cat, name);

	if (t)
		return t;
	if (!compile_tracefs(ctx))
		diag_error(&ctx->diags, use,
			   "Cannot type args of tracepoint '%s:%s': tracefs is not available",
			   cat, name);
	else if (!tracefs_event_exists(ctx, cat, name))
		diag_error(&ctx->diags, use, "Unknown tracepoint '%s:%s'",
			   cat, name);
	else
		diag_error(&ctx->diags, use,
			   "Cannot read the format of tracepoint '%s:%s'", cat,
			   name);
	return NULL;
}

/* With a wildcard, `args` has the fields that all matched events share
 * with one type (execve and execveat share filename and argv); the back
 * end reads each at its offset in each event's own record. */
static struct type *tracepoint_args(struct compile_ctx *ctx,
				    struct attach_point *ap, struct loc use)
{
	struct type **recs, *common;

	if (!ap->wildcard)
		return event_type(ctx, ap, ap->target, ap->func, use);
	if (!ap->nmatches) {
		diag_error(&ctx->diags, use,
			   "Cannot type args: tracepoint '%s:%s' matches nothing here",
			   ap->target, ap->func);
		return NULL;
	}
	recs = arena_calloc(ctx->arena, ap->nmatches, sizeof(*recs));
	for (int i = 0; i < ap->nmatches; i++) {
		const char *m = ap->matches[i];
		size_t c = strcspn(m, ":");
		char *cat = arena_strndup(ctx->arena, m, c);

		recs[i] = event_type(ctx, ap, cat, m + c + 1, use);
		if (!recs[i])
			return NULL;
	}
	if (ap->nmatches == 1)
		return recs[0];
	common = type_record_common(
		ctx->arena,
		arena_printf(ctx->arena, "struct _tracepoint_%s_%s", ap->target,
			     ap->func),
		recs, ap->nmatches);
	if (!common)
		diag_error(&ctx->diags, use,
			   "The tracepoints matched by '%s:%s' share no argument field; use one probe per tracepoint",
			   ap->target, ap->func);
	return common;
}

/* The record of one program's own event: a match "cat:name", or ap's. */
static struct type *tracepoint_target_args(struct compile_ctx *ctx,
					   const struct attach_point *ap,
					   const char *t)
{
	size_t c;

	if (!t)
		return tracefs_event_type(ctx, ap->target, ap->func);
	c = strcspn(t, ":");
	return tracefs_event_type(ctx, arena_strndup(ctx->arena, t, c),
				  t + c + 1);
}

static const char *tracepoint_section(struct compile_ctx *ctx,
				      const struct attach_point *ap,
				      const char *t, bool sleepable)
{
	if (t)
		return arena_printf(ctx->arena, "tracepoint/%.*s/%s",
				    (int)strcspn(t, ":"), t,
				    t + strcspn(t, ":") + 1);
	return arena_printf(ctx->arena, "tracepoint/%s/%s", ap->target,
			    ap->func);
}

static const char *tracepoint_target(struct compile_ctx *ctx,
				     const struct attach_point *ap)
{
	return arena_printf(ctx->arena, "%s:%s", ap->target, ap->func);
}

const struct probe_provider probe_TRACEPOINT = {
	.kind = PK_TRACEPOINT,
	.flags = PF_ARGS | PF_QUALIFIED | PF_TASK_KFUNC,
	.as = AS_KERNEL,
	.parse = tracepoint_parse,
	.resolve = tracepoint_resolve,
	.args_type = tracepoint_args,
	.section = tracepoint_section,
	.attach_target = tracepoint_target,
	.target_args = tracepoint_target_args,
};
