/* cg_probe_plain.c: the kinds whose programs read nothing from their
 * context but the context itself (ctx, and what helpers take from it:
 * stacks, reg()). BEGIN and END run once from user space; timers,
 * software and hardware events and watchpoints get the perf event's
 * bpf_perf_event_data, whose first member is pt_regs; an iterator gets
 * its struct bpf_iter__<name>. */
#include "cg_probe.h"

const struct cg_probe cg_probe_BEGIN = { 0 };
const struct cg_probe cg_probe_END = { 0 };
const struct cg_probe cg_probe_PROFILE = { 0 };
const struct cg_probe cg_probe_INTERVAL = { 0 };
const struct cg_probe cg_probe_SOFTWARE = { 0 };
const struct cg_probe cg_probe_HARDWARE = { 0 };
const struct cg_probe cg_probe_WATCHPOINT = { 0 };
const struct cg_probe cg_probe_ASYNCWATCHPOINT = { 0 };
const struct cg_probe cg_probe_ITER = { 0 };
