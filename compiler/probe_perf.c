/* Shared by software and hardware: event:[count], the event by its
 * canonical name or alias (bpftrace's SW/HW probe lists), the count
 * (sampling period) optional: 0 means the event's default. */
#include "probe_impl.h"

#include <stdio.h>

static const struct perf_event_name *
find_event(const struct perf_event_name *ev, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(name, ev[i].name) ||
		    (ev[i].alias && !strcmp(name, ev[i].alias)))
			return &ev[i];
	return NULL;
}

static void unknown_event(struct compile_ctx *ctx, struct attach_point *ap,
			  const char *name, const struct perf_event_name *ev,
			  int n)
{
	size_t len = 1;
	char *list, *w;

	for (int i = 0; i < n; i++)
		len += strlen(ev[i].name) + 2;
	w = list = arena_alloc(ctx->arena, len);
	for (int i = 0; i < n; i++)
		w += sprintf(w, "%s%s", i ? ", " : "", ev[i].name);
	diag_error(&ctx->diags, ap->loc,
		   "Unknown %s event '%s': expected one of %s",
		   probe_kind_name(ap->kind), name, list);
}

int probe_perf_parse(struct compile_ctx *ctx, struct attach_point *ap,
		     char **parts, int nparts,
		     const struct perf_event_name *events, int nevents)
{
	const char *kind = probe_kind_name(ap->kind);
	const struct perf_event_name *e;

	if (probe_nargs(ctx, ap, nparts, 1, 2) < 0)
		return -EINVAL;
	if (!*parts[0]) {
		diag_error(&ctx->diags, ap->loc,
			   "%s probe must have an event name", kind);
		return -EINVAL;
	}
	if (probe_no_wildcard(ctx, ap, parts[0]) < 0)
		return -EINVAL;
	e = find_event(events, nevents, parts[0]);
	if (!e) {
		unknown_event(ctx, ap, parts[0], events, nevents);
		return -EINVAL;
	}
	ap->func = e->name;
	if (nparts == 1)
		return 0;
	if (parts[1][0] == '-') {
		diag_error(&ctx->diags, ap->loc,
			   "%s count must be a positive integer, found %s",
			   kind, parts[1]);
		return -EINVAL;
	}
	return probe_number(ctx, ap,
			    arena_printf(ctx->arena, "%s count", kind),
			    parts[1], &ap->freq);
}
