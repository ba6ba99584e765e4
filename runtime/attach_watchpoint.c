/* watchpoint:ADDR:LEN:MODE: a hardware breakpoint (perf event of type
 * breakpoint) on an address of the -p/-c process. The function argument
 * forms (watchpoint:func+argN, asyncwatchpoint) set the breakpoint from
 * a uprobe at run time, which etrace does not do: they fail with a
 * sentence saying so. */
#include "attach.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>

static int bp_type(const char *mode)
{
	if (!strcmp(mode, "x"))
		return HW_BREAKPOINT_X;
	if (!strcmp(mode, "r"))
		return HW_BREAKPOINT_R;
	if (!strcmp(mode, "w"))
		return HW_BREAKPOINT_W;
	return HW_BREAKPOINT_RW;
}

static void bp_attr(struct perf_event_attr *attr, uint64_t addr,
		    uint64_t len, const char *mode)
{
	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = PERF_TYPE_BREAKPOINT;
	attr->bp_type = bp_type(mode);
	attr->bp_addr = addr;
	attr->bp_len = len;
	attr->sample_period = 1;
	attr->precise_ip = 2;
	attr->wakeup_events = 1;
}

static const char *watchpoint_unavailable(void)
{
	static int state;
	static volatile long probe_me;
	struct perf_event_attr attr;
	int fd;

	if (!state) {
		bp_attr(&attr, (uintptr_t)&probe_me, sizeof(probe_me), "w");
		fd = attach_perf_open(&attr, 0, -1);
		state = fd < 0 ? 2 : 1;
		if (fd >= 0)
			close(fd);
	}
	return state == 1 ? NULL :
	       "watchpoints are not available: the kernel refuses hardware "
	       "breakpoints (perf events of type breakpoint)";
}

static int watchpoint_attach(struct attach_env *env,
			     const struct et_probe *ep,
			     struct bpf_program *prog, struct bpf_program *ret)
{
	struct perf_event_attr attr;
	int fd;

	if (ep->kind == PK_ASYNCWATCHPOINT || !ep->has_address)
		return attach_fail(env, -EOPNOTSUPP, "Cannot attach %s: "
				   "watchpoints on function arguments are not "
				   "supported by etrace yet", ep->raw);
	if (!env->pid)
		return attach_fail(env, -EINVAL, "Cannot attach %s: a "
				   "watchpoint needs a process: use -p PID or "
				   "-c CMD", ep->raw);
	bp_attr(&attr, ep->address, ep->freq, ep->mode ? ep->mode : "rw");
	fd = attach_perf_open(&attr, env->pid, -1);
	if (fd < 0)
		return attach_fail(env, fd, "Cannot attach %s: %s", ep->raw,
				   strerror(-fd));
	return attach_perf_link(env, ep, prog, fd);
}

const struct attach_provider attach_WATCHPOINT = {
	.kind = PK_WATCHPOINT,
	.unavailable = watchpoint_unavailable,
	.attach = watchpoint_attach,
};

static const char *async_unavailable(void)
{
	const char *why = watchpoint_unavailable();

	return why ? why :
	       "asyncwatchpoint probes are not supported by etrace yet "
	       "(watchpoints on function arguments)";
}

const struct attach_provider attach_ASYNCWATCHPOINT = {
	.kind = PK_ASYNCWATCHPOINT,
	.unavailable = async_unavailable,
	.attach = watchpoint_attach,
};
