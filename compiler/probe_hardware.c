/* hardware:event[:count]: a CPU performance counter overflowing every
 * count events. */
#include "probe_impl.h"

static const struct perf_event_name hw_events[] = {
	{ "cpu-cycles", "cycles", 1000000 },
	{ "instructions", NULL, 1000000 },
	{ "cache-references", NULL, 1000000 },
	{ "cache-misses", NULL, 1000000 },
	{ "branch-instructions", "branches", 100000 },
	{ "branch-misses", NULL, 100000 },
	{ "bus-cycles", NULL, 100000 },
	{ "frontend-stalls", NULL, 1000000 },
	{ "backend-stalls", NULL, 1000000 },
	{ "ref-cycles", NULL, 1000000 },
};

static int hardware_parse(struct compile_ctx *ctx, struct attach_point *ap,
			  char **parts, int nparts)
{
	return probe_perf_parse(ctx, ap, parts, nparts, hw_events,
				sizeof(hw_events) / sizeof(*hw_events));
}

const struct probe_provider probe_HARDWARE = {
	.kind = PK_HARDWARE,
	.flags = PF_KERNEL_CTX | PF_USER | PF_TASK_KFUNC,
	.parse = hardware_parse,
	.section = probe_section_perf,
};
