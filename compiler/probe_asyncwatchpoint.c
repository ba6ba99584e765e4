/* asyncwatchpoint:func+argN:length:mode: like watchpoint, but the
 * breakpoint is armed asynchronously when func is entered. */
#include "probe_impl.h"

const struct probe_provider probe_ASYNCWATCHPOINT = {
	.kind = PK_ASYNCWATCHPOINT,
	.flags = PF_KERNEL_CTX | PF_USER | PF_TASK_KFUNC,
	.parse = probe_watchpoint_parse,
	.resolve = probe_watchpoint_resolve,
	.section = probe_section_perf,
	.match_name = probe_watchpoint_match_name,
};
