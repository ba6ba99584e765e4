/* fexit:func and fexit:module:func (aliases kretfunc, fr): a BPF
 * trampoline at a kernel function's return: args as at entry, retval. */
#include "probe_impl.h"

const struct probe_provider probe_fexit = {
	.kind = PK_FEXIT,
	.flags = PF_ARGS | PF_RETVAL | PF_FUNC,
	.parse = probe_fentry_parse,
	.resolve = probe_resolve_btf_func,
	.args_type = probe_fentry_args,
};
