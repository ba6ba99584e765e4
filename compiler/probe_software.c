/* software:event[:count]: a kernel software perf event (page faults,
 * context switches...), sampled every count occurrences. */
#include "probe_impl.h"

static const struct perf_event_name sw_events[] = {
	{ "cpu-clock", "cpu", 1000000 },
	{ "task-clock", NULL, 1000000 },
	{ "page-faults", "faults", 100 },
	{ "context-switches", "cs", 1000 },
	{ "cpu-migrations", NULL, 1 },
	{ "minor-faults", NULL, 100 },
	{ "major-faults", NULL, 1 },
	{ "alignment-faults", NULL, 1 },
	{ "emulation-faults", NULL, 1 },
	{ "dummy", NULL, 1 },
	{ "bpf-output", NULL, 1 },
};

static int software_parse(struct compile_ctx *ctx, struct attach_point *ap,
			  char **parts, int nparts)
{
	return probe_perf_parse(ctx, ap, parts, nparts, sw_events,
				sizeof(sw_events) / sizeof(*sw_events));
}

const struct probe_provider probe_SOFTWARE = {
	.kind = PK_SOFTWARE,
	.flags = PF_KERNEL_CTX | PF_USER | PF_TASK_KFUNC,
	.parse = software_parse,
	.section = probe_section_perf,
};
