/* kprobe:func[+offset] and kprobe:module:func: a kernel function entry
 * (or an instruction inside it). Targets are checked against the kernel
 * function index (ksyms.h). */
#include "probe_impl.h"

#include "ksyms.h"

int probe_kprobe_parse_common(struct compile_ctx *ctx,
			      struct attach_point *ap, char **parts,
			      int nparts, bool allow_offset)
{
	const char *spec;

	if (probe_nargs(ctx, ap, nparts, 1, 2) < 0)
		return -EINVAL;
	spec = parts[nparts - 1];
	if (nparts == 2) {
		if (!*parts[0]) {
			diag_error(&ctx->diags, ap->loc,
				   "%s probe has an empty module name",
				   probe_kind_name(ap->kind));
			return -EINVAL;
		}
		ap->target = parts[0];
	}
	if (probe_func_offset(ctx, ap, spec, allow_offset) < 0)
		return -EINVAL;
	if (!*ap->func) {
		diag_error(&ctx->diags, ap->loc,
			   "%s probe must be attached to a function",
			   probe_kind_name(ap->kind));
		return -EINVAL;
	}
	ap->wildcard = probe_has_wildcard(ap->func) ||
		       probe_has_wildcard(ap->target);
	if (ap->wildcard && ap->has_offset) {
		diag_error(&ctx->diags, ap->loc,
			   "Offset not allowed with a wildcard ('%s')", spec);
		return -EINVAL;
	}
	return 0;
}

static int kprobe_parse(struct compile_ctx *ctx, struct attach_point *ap,
			char **parts, int nparts)
{
	return probe_kprobe_parse_common(ctx, ap, parts, nparts, true);
}

struct collect_arg {
	struct compile_ctx *ctx;
	struct attach_point *ap;
};

static int collect(const char *name, void *arg)
{
	struct collect_arg *c = arg;

	probe_add_match(c->ctx, c->ap, name);
	return 0;
}

int probe_resolve_kfunc(struct compile_ctx *ctx, struct attach_point *ap)
{
	struct ksym_index *idx = compile_kfuncs(ctx);
	struct collect_arg c = { ctx, ap };

	if (!idx)
		return 0; /* cannot know: assume it exists */
	if (!ap->wildcard) {
		ap->exists = ksym_index_has(idx, ap->func);
		return 0;
	}
	ksym_index_match(idx, ap->func, collect, &c);
	ap->exists = ap->nmatches > 0;
	return 0;
}

static const char *kprobe_section(struct compile_ctx *ctx,
				  const struct attach_point *ap, const char *t,
				  bool sleepable)
{
	if (ap->has_offset)
		return arena_printf(ctx->arena, "kprobe/%s+%llu",
				    t ? t : ap->func,
				    (unsigned long long)ap->offset);
	return probe_section_func(ctx, "kprobe", ap, t);
}

const struct probe_provider probe_KPROBE = {
	.kind = PK_KPROBE,
	.flags = PF_ARGN | PF_ENTRY | PF_FUNC | PF_KERNEL_CTX | PF_SARGN |
		 PF_OVERRIDE | PF_QUALIFIED,
	.as = AS_KERNEL,
	.max_args = 6,
	.ret_kind = PK_KRETPROBE,
	.parse = kprobe_parse,
	.resolve = probe_resolve_kfunc,
	.section = kprobe_section,
	.attach_target = probe_attach_func,
};
