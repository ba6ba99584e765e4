/* fentry:func and fentry:module:func (aliases kfunc, f): a BPF trampoline
 * at a kernel function's entry; args typed from its BTF prototype. The
 * function exists when kernel BTF has a FUNC of that name. */
#include "probe_impl.h"

#include <bpf/btf.h>
#include <fnmatch.h>

#include "typereg.h"

int probe_fentry_parse(struct compile_ctx *ctx, struct attach_point *ap,
		       char **parts, int nparts)
{
	if (probe_nargs(ctx, ap, nparts, 1, 2) < 0)
		return -EINVAL;
	ap->func = parts[nparts - 1];
	if (nparts == 2)
		ap->target = parts[0];
	if (!*ap->func || (ap->target && !*ap->target)) {
		diag_error(&ctx->diags, ap->loc,
			   "%s probe must be attached to a function",
			   probe_kind_name(ap->kind));
		return -EINVAL;
	}
	ap->wildcard = probe_has_wildcard(ap->func) ||
		       probe_has_wildcard(ap->target);
	return 0;
}

int probe_resolve_btf_func(struct compile_ctx *ctx, struct attach_point *ap)
{
	struct btf *btf = compile_btf(ctx);
	__u32 n;

	if (!btf)
		return 0; /* cannot know */
	if (!ap->wildcard) {
		ap->exists = btf__find_by_name_kind(btf, ap->func,
						    BTF_KIND_FUNC) > 0;
		return 0;
	}
	n = btf__type_cnt(btf);
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;

		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (name && !fnmatch(ap->func, name, 0))
			probe_add_match(ctx, ap, name);
	}
	ap->exists = ap->nmatches > 0;
	return 0;
}

static bool same_args(const struct type *a, const struct type *b)
{
	if (a->nfields != b->nfields)
		return false;
	for (uint32_t i = 0; i < a->nfields; i++)
		if (strcmp(a->fields[i].name, b->fields[i].name) ||
		    !type_equal(a->fields[i].type, b->fields[i].type))
			return false;
	return true;
}

static struct type *func_args(struct compile_ctx *ctx, const char *kind,
			      const char *func, struct loc use)
{
	struct type *args = NULL, *ret = NULL;

	if (btf_func_proto(ctx, func, &args, &ret) && args)
		return args;
	diag_error(&ctx->diags, use,
		   "Cannot type args of %s '%s': the kernel has no BTF for it",
		   kind, func);
	return NULL;
}

struct type *probe_fentry_args(struct compile_ctx *ctx,
			       struct attach_point *ap, struct loc use)
{
	const char *kind = probe_kind_name(ap->kind);
	struct type *first;

	if (!ap->wildcard)
		return func_args(ctx, kind, ap->func, use);
	if (!ap->nmatches) {
		diag_error(&ctx->diags, use,
			   "Cannot type args: %s '%s' matches nothing here",
			   kind, ap->func);
		return NULL;
	}
	first = func_args(ctx, kind, ap->matches[0], use);
	for (int i = 1; first && i < ap->nmatches; i++) {
		struct type *t = func_args(ctx, kind, ap->matches[i], use);

		if (!t)
			return NULL;
		if (!same_args(first, t)) {
			diag_error(&ctx->diags, use,
				   "args differ between the functions matched by '%s' (%s and %s): use one probe per function",
				   ap->func, ap->matches[0], ap->matches[i]);
			return NULL;
		}
	}
	return first;
}

/* The BTF prototype's arguments of one program's own function. */
struct type *probe_fentry_target_args(struct compile_ctx *ctx,
				      const struct attach_point *ap,
				      const char *t)
{
	struct type *args = NULL, *ret = NULL;

	btf_func_proto(ctx, t ? t : ap->func, &args, &ret);
	return args;
}

/* The function's BTF return type, when it is an integer; a wildcard's
 * functions may differ. */
struct type *probe_fentry_retval(struct compile_ctx *ctx,
				 const struct attach_point *ap)
{
	struct type *args = NULL, *r = NULL;

	if (ap->wildcard || !ap->func ||
	    !btf_func_proto(ctx, ap->func, &args, &r) || !r ||
	    !type_is_int(r))
		return NULL;
	return r;
}

static const char *fentry_section(struct compile_ctx *ctx,
				  const struct attach_point *ap, const char *t,
				  bool sleepable)
{
	return probe_section_func(ctx, "fentry", ap, t);
}

const struct probe_provider probe_FENTRY = {
	.kind = PK_FENTRY,
	.alias_word = "kfunc",
	.flags = PF_ARGS | PF_FUNC | PF_ENTRY | PF_D_PATH | PF_QUALIFIED |
		 PF_TASK_KFUNC | PF_TRACING,
	.as = AS_KERNEL,
	.ret_kind = PK_FEXIT,
	.parse = probe_fentry_parse,
	.resolve = probe_resolve_btf_func,
	.args_type = probe_fentry_args,
	.retval_type = probe_fentry_retval,
	.section = fentry_section,
	.attach_target = probe_attach_func,
	.target_args = probe_fentry_target_args,
};
