/* uprobe:binary:func[+offset], uprobe:binary:address and
 * uprobe:binary:lang:func (lang: cpp): a user function entry. The binary
 * is resolved here; the symbol is looked up when attaching. */
#include "probe_impl.h"

static const char *const langs[] = { "cpp" };

static int uprobe_lang(struct compile_ctx *ctx, struct attach_point *ap,
		       const char *lang)
{
	for (size_t i = 0; i < sizeof(langs) / sizeof(*langs); i++) {
		if (!strcmp(lang, langs[i])) {
			ap->lang = langs[i];
			return 0;
		}
	}
	diag_error(&ctx->diags, ap->loc,
		   "Unsupported language '%s' in %s probe: expected cpp", lang,
		   probe_kind_name(ap->kind));
	return -EINVAL;
}

int probe_uprobe_parse_common(struct compile_ctx *ctx,
			      struct attach_point *ap, char **parts,
			      int nparts, bool allow_offset)
{
	const char *kind = probe_kind_name(ap->kind);
	const char *spec = parts[nparts - 1];
	uint64_t addr;

	if (probe_nargs(ctx, ap, nparts, 2, 3) < 0)
		return -EINVAL;
	if (!*parts[0]) {
		diag_error(&ctx->diags, ap->loc,
			   "%s probe must have a target binary", kind);
		return -EINVAL;
	}
	ap->target = parts[0];
	if (nparts == 3 && uprobe_lang(ctx, ap, parts[1]) < 0)
		return -EINVAL;
	if (!*spec) {
		diag_error(&ctx->diags, ap->loc,
			   "%s probe must be attached to a function or an address",
			   kind);
		return -EINVAL;
	}
	if (!ap->lang && probe_parse_u64(spec, &addr) == 0) {
		ap->address = addr;
		ap->has_address = true;
	} else if (probe_func_offset(ctx, ap, spec, allow_offset) < 0) {
		return -EINVAL;
	}
	ap->wildcard = probe_has_wildcard(ap->target) ||
		       probe_has_wildcard(ap->func);
	return 0;
}

static int uprobe_parse(struct compile_ctx *ctx, struct attach_point *ap,
			char **parts, int nparts)
{
	return probe_uprobe_parse_common(ctx, ap, parts, nparts, true);
}

const struct probe_provider probe_uprobe = {
	.kind = PK_UPROBE,
	.name = "uprobe",
	.aliases = { "u", NULL },
	.flags = PF_ARGN | PF_ENTRY | PF_FUNC | PF_KERNEL_CTX | PF_SARGN |
		 PF_USER,
	.parse = uprobe_parse,
	.resolve = probe_resolve_binary,
};
