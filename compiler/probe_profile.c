/* profile:unit:rate: a timer on every CPU, sampling whatever runs. */
#include "probe_impl.h"

const struct probe_provider probe_PROFILE = {
	.kind = PK_PROFILE,
	.flags = PF_KERNEL_CTX | PF_USER | PF_TASK_KFUNC,
	.parse = probe_timer_parse,
	.section = probe_section_perf,
};
