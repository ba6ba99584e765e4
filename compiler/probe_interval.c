/* interval:unit:rate: a timer on one CPU, for periodic output. */
#include "probe_impl.h"

const struct probe_provider probe_INTERVAL = {
	.kind = PK_INTERVAL,
	.flags = PF_KERNEL_CTX | PF_TASK_KFUNC,
	.parse = probe_timer_parse,
	.section = probe_section_perf,
};
