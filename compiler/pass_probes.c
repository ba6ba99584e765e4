/* The probe pass. Reads every N_PROBE and its N_ATTACH list; writes
 * u.probe.index, ctx->nprobes and u.attach.ap (parsed by the provider of
 * its kind, then resolved where the target can be checked without loading:
 * kernel functions, tracepoints, BTF, binaries; one written for several
 * targets becomes one attach point per target). After it, every attach
 * point of an error-free program has an ap, each PF_ONCE kind appears at
 * most once, and every probe has at least one target that exists (or whose
 * existence cannot be known here). */
#include "compile.h"
#include "probe.h"
#include "probe_impl.h"

struct probes_state {
	const struct node *seen[PK_COUNT]; /* PF_ONCE kinds */
};

/* bpftrace 0.17: "More than one BEGIN probe defined". */
static void check_once(struct compile_ctx *ctx, struct probes_state *st,
		       const struct node *attach)
{
	enum probe_kind k = attach->u.attach.ap->kind;
	const struct node **seen = &st->seen[k];

	if (!(probe_provider(k)->flags & PF_ONCE))
		return;
	if (*seen)
		diag_error(&ctx->diags, attach->loc,
			   "More than one %s probe defined",
			   probe_kind_name(k));
	else
		*seen = attach;
}

/* An iterator program runs over its objects, not on events: it cannot
 * share its body with other attach points. */
static void check_alone(struct compile_ctx *ctx, struct node *probe)
{
	if (!probe->u.probe.attach || !probe->u.probe.attach->next)
		return;
	for (struct node *a = probe->u.probe.attach; a; a = a->next) {
		const struct attach_point *ap = a->u.attach.ap;

		if (ap && (probe_provider(ap->kind)->flags & PF_ALONE)) {
			diag_error(&ctx->diags, a->loc,
				   "Only a single %s attach point is allowed in a probe",
				   probe_kind_name(ap->kind));
			return;
		}
	}
}

/* The attach points of probe whose target exists, the others dropped. */
static void drop_missing(struct node *probe)
{
	struct node **link = &probe->u.probe.attach;

	while (*link) {
		if ((*link)->u.attach.ap->exists)
			link = &(*link)->next;
		else
			*link = (*link)->next;
	}
}

/* A missing target, by config missing_probes: by default (bpftrace
 * 0.17) a warning while another attach point of the probe exists, an
 * error when none does; "error" an error, "warn" a warning, "ignore"
 * nothing (bpftrace 0.26). Under warn and ignore the missing attach
 * points are dropped; false: the probe has none left and goes too. */
static bool check_targets(struct compile_ctx *ctx, struct node *probe)
{
	enum missing_probes mode = ctx->opts.missing_probes;
	int missing = 0, present = 0;

	for (struct node *a = probe->u.probe.attach; a; a = a->next) {
		if (!a->u.attach.ap)
			return true;
		if (a->u.attach.ap->exists)
			present++;
		else
			missing++;
	}
	if (!missing)
		return true;
	for (struct node *a = probe->u.probe.attach; a; a = a->next) {
		if (a->u.attach.ap->exists || mode == MP_IGNORE)
			continue;
		probe_report_missing(ctx, a->u.attach.ap,
				     mode == MP_ERROR ||
					 (mode == MP_DEFAULT && !present));
	}
	if (mode != MP_WARN && mode != MP_IGNORE)
		return true;
	drop_missing(probe);
	if (present)
		return true;
	if (mode == MP_WARN)
		diag_warning(&ctx->diags, probe->loc,
			     "Probe has no valid "
			     "attach points. It is being removed which may "
			     "cause issues with program behavior.");
	return false;
}

static bool same_target(const struct attach_point *a,
			const struct attach_point *b)
{
	return a->kind == b->kind && a->target && b->target && a->func &&
	       b->func && !strcmp(a->target, b->target) &&
	       !strcmp(a->func, b->func) && a->offset == b->offset &&
	       !a->wildcard && !b->wildcard;
}

/* bpftrace 0.26's tools list a function under libc and a glibc stub
 * library (uprobe:libc:pthread_create, uprobe:libpthread:pthread_create):
 * the stub's, moved into libc, is dropped when the probe has libc's
 * already, so that each call is seen once. */
static void drop_moved_duplicates(struct node *probe)
{
	struct node **link = &probe->u.probe.attach;

	while (*link) {
		const struct attach_point *ap = (*link)->u.attach.ap;
		bool dup = false;

		for (struct node *o = probe->u.probe.attach;
		     ap && ap->moved_to_libc && o && !dup; o = o->next)
			dup = o != *link && o->u.attach.ap &&
			      same_target(ap, o->u.attach.ap);
		if (dup)
			*link = (*link)->next;
		else
			link = &(*link)->next;
	}
}

/* The attach points resolve found beside a's (ap->more), each a node
 * after a, at a's place in the source. Returns the last node. */
static struct node *add_more(struct compile_ctx *ctx, struct node *a)
{
	for (struct attach_point *m = a->u.attach.ap->more; m; m = m->more) {
		struct node *n = ast_attach(ctx->arena, a->loc, m->raw);

		n->u.attach.ap = m;
		n->next = a->next;
		a->next = n;
		a = n;
	}
	return a;
}

/* false: the probe has no attach point left (missing_probes) */
static bool probe_attach_points(struct compile_ctx *ctx,
				struct probes_state *st, struct node *probe)
{
	bool parsed = true;

	for (struct node *a = probe->u.probe.attach; a; a = a->next) {
		struct attach_point *ap;
		const struct probe_provider *p;

		ap = attach_point_parse(ctx, a->u.attach.raw, a->loc);
		a->u.attach.ap = ap;
		if (!ap) {
			parsed = false;
			continue;
		}
		check_once(ctx, st, a);
		p = probe_provider(ap->kind);
		if (p->resolve && p->resolve(ctx, ap) < 0)
			parsed = false;
		else
			a = add_more(ctx, a);
	}
	if (!parsed)
		return true;
	drop_moved_duplicates(probe);
	check_alone(ctx, probe);
	return check_targets(ctx, probe);
}

int pass_probes(struct compile_ctx *ctx)
{
	struct probes_state st = { 0 };
	struct node **link;
	int index = 0;

	if (!ctx->ast)
		return 0;
	resolve_config(ctx);
	if (diag_has_errors(&ctx->diags))
		return -EINVAL;
	link = &ctx->ast->u.program.probes;
	while (*link) {
		struct node *p = *link;

		if (!probe_attach_points(ctx, &st, p)) {
			*link = p->next; /* missing_probes: removed */
			continue;
		}
		p->u.probe.index = index++;
		link = &p->next;
	}
	ctx->nprobes = index;
	return diag_has_errors(&ctx->diags) ? -EINVAL : 0;
}
