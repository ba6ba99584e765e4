/* usdt:binary:name and usdt:binary:provider:name: a static user probe.
 * Resolving finds the binary and the probe in its .note.stapsdt
 * (usdt_notes.h): a name alone must name one provider's probe, which
 * fills ap->ns; wildcards fill ap->matches with "provider:name". */
#include "probe_impl.h"

#include "usdt_notes.h"

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

static const char *usdt_spec(struct compile_ctx *ctx,
			     const struct attach_point *ap)
{
	return ap->ns ? arena_printf(ctx->arena, "%s:%s", ap->ns, ap->func) :
			ap->func;
}

/* In a probe with other attach points, a missing probe is the probe
 * pass's to report (a warning while another exists). */
static bool usdt_missing_ok(struct compile_ctx *ctx, struct attach_point *ap)
{
	struct node *p = probe_of_ap(ctx, ap);

	if (!p || !p->u.probe.attach || !p->u.probe.attach->next)
		return false;
	ap->exists = false;
	return true;
}

static int usdt_wildcard(struct compile_ctx *ctx, struct attach_point *ap,
			 const struct usdt_notes *un)
{
	const struct usdt_probe *p;

	for (p = usdt_notes__find(un, ap->ns, ap->func, true, 0); p;
	     p = usdt_notes__find(un, ap->ns, ap->func, true,
				  p - un->probes + 1)) {
		const char *m = arena_printf(ctx->arena, "%s:%s", p->provider,
					     p->name);
		bool dup = false;

		/* a probe used at several places is one note per place */
		for (int i = 0; i < ap->nmatches && !dup; i++)
			dup = !strcmp(ap->matches[i], m);
		if (!dup)
			probe_add_match(ctx, ap, m);
	}
	if (ap->nmatches)
		return 0;
	if (usdt_missing_ok(ctx, ap))
		return 0;
	diag_error(&ctx->diags, ap->loc, "No USDT probe matches '%s' in %s",
		   usdt_spec(ctx, ap), ap->target);
	return -EINVAL;
}

static int usdt_exact(struct compile_ctx *ctx, struct attach_point *ap,
		      const struct usdt_notes *un)
{
	const struct usdt_probe *p = usdt_notes__find(un, ap->ns, ap->func,
						      false, 0);
	const struct usdt_probe *q = p;

	if (!p && usdt_missing_ok(ctx, ap))
		return 0;
	if (!p) {
		diag_error(&ctx->diags, ap->loc, "No USDT probe '%s' in %s",
			   usdt_spec(ctx, ap), ap->target);
		return -EINVAL;
	}
	while (!ap->ns && (q = usdt_notes__find(un, NULL, ap->func, false,
						q - un->probes + 1))) {
		if (strcmp(q->provider, p->provider)) {
			diag_error(&ctx->diags, ap->loc,
				   "USDT probe name '%s' is ambiguous in %s: "
				   "providers '%s' and '%s' have it; write "
				   "usdt:%s:PROVIDER:%s", ap->func, ap->target,
				   p->provider, q->provider, ap->target,
				   ap->func);
			return -EINVAL;
		}
	}
	if (!ap->ns)
		ap->ns = arena_strdup(ctx->arena, p->provider);
	return 0;
}

int probe_resolve_usdt(struct compile_ctx *ctx, struct attach_point *ap)
{
	struct usdt_notes *un;
	int err;

	err = probe_resolve_binary(ctx, ap);
	if (err || probe_has_wildcard(ap->target))
		return err;
	un = usdt_notes__open(ap->target);
	if (!un) {
		if (errno == ENOEXEC)
			diag_error(&ctx->diags, ap->loc,
				   "usdt target file '%s' is not an ELF file",
				   ap->target);
		else
			diag_error(&ctx->diags, ap->loc,
				   "Cannot read the USDT probes of %s: %s",
				   ap->target, strerror(errno));
		return -EINVAL;
	}
	err = ap->wildcard ? usdt_wildcard(ctx, ap, un) :
			     usdt_exact(ctx, ap, un);
	usdt_notes__free(un);
	return err;
}

/* Attached as a uprobe at the note: libbpf's usdt/ section, or
 * uprobe.s/ for a sleepable program (libbpf has no sleepable usdt);
 * the runtime finds the note (etrace's metadata, not the section). */
static const char *usdt_section(struct compile_ctx *ctx,
				const struct attach_point *ap, const char *t,
				bool sleepable)
{
	const char *prefix = sleepable ? "uprobe.s" : "usdt";

	if (t) /* "provider:name" */
		return arena_printf(ctx->arena, "%s/%s:%s", prefix,
				    ap->target, t);
	return arena_printf(ctx->arena, "%s/%s:%s:%s", prefix, ap->target,
			    ap->ns ? ap->ns : "", ap->func);
}

const struct probe_provider probe_USDT = {
	.kind = PK_USDT,
	.flags = PF_ARGN | PF_FUNC | PF_KERNEL_CTX | PF_USER |
		 PF_SIGNED_ARGS | PF_SLEEPABLE | PF_BINARY,
	.as = AS_USER,
	.max_args = 12,
	.parse = usdt_parse,
	.resolve = probe_resolve_usdt,
	.section = usdt_section,
	.match_name = probe_user_match_name,
};
