/* watchpoint:ADDR:LEN:MODE, watchpoint:func+argN:LEN:MODE and
 * asyncwatchpoint:func+argN:LEN:MODE: hardware breakpoints (perf events
 * of type breakpoint). An address is watched from the start: in the -p
 * or -c process, or without one on every CPU (kernel addresses, or any
 * process's), as bpftrace 0.17 does. The function forms are deferred
 * probes: their uprobe sends the argument's value when the function is
 * entered, and run_watch.c arms the breakpoint on it, in the thread that
 * called the function. Every watchpoint's link is the loader's and is
 * listed in the attach_env by address, so that unwatch(addr) detaches
 * it while the program runs. */
#include "attach.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>

#define MAX_CPUS 1024

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

/* The perf event fd linked to prog, the link the loader's and listed
 * under addr. */
static int keep_wp(struct attach_env *env, const struct et_probe *ep,
		   struct bpf_program *prog, int fd, uint64_t addr, int idx)
{
	struct bpf_link *link = bpf_program__attach_perf_event(prog, fd);
	struct attach_wp *w;
	int err = errno;

	if (!link)
		close(fd);
	errno = err;
	err = attach_keep(env, link, ep->raw);
	if (err)
		return err;
	w = arena_calloc(env->arena, 1, sizeof(*w));
	w->link = link;
	w->addr = addr;
	w->probe = idx;
	w->next = env->wps;
	env->wps = w;
	return 0;
}

/* An address without a process: one breakpoint per online CPU. */
static int attach_cpus(struct attach_env *env, const struct et_probe *ep,
		       struct bpf_program *prog, struct perf_event_attr *attr)
{
	static int cpus[MAX_CPUS];
	int n = attach_online_cpus(cpus, MAX_CPUS), fd, err;

	if (n < 0)
		return attach_fail(env, n, "Cannot attach %s: cannot read the "
				   "online CPUs: %s", ep->raw, strerror(-n));
	for (int i = 0; i < n; i++) {
		fd = attach_perf_open(attr, -1, cpus[i]);
		if (fd < 0)
			return attach_fail(env, fd, "Cannot attach %s: %s",
					   ep->raw, strerror(-fd));
		err = keep_wp(env, ep, prog, fd, ep->address, -1);
		if (err)
			return err;
	}
	return 0;
}

static int watchpoint_attach(struct attach_env *env,
			     const struct et_probe *ep,
			     struct bpf_program *prog, struct bpf_program *ret)
{
	struct perf_event_attr attr;
	int fd;

	if (!ep->has_address)
		return 0; /* deferred: armed by its uprobe (run_watch.c) */
	bp_attr(&attr, ep->address, ep->freq, ep->mode ? ep->mode : "rw");
	if (!env->pid)
		return attach_cpus(env, ep, prog, &attr);
	fd = attach_perf_open(&attr, env->pid, -1);
	if (fd < 0)
		return attach_fail(env, fd, "Cannot attach %s: %s", ep->raw,
				   strerror(-fd));
	return keep_wp(env, ep, prog, fd, ep->address, -1);
}

int attach_watchpoint_arm(struct attach_env *env, int idx,
			  const struct et_probe *ep, struct bpf_program *prog,
			  uint64_t addr, pid_t tid)
{
	struct perf_event_attr attr;
	int fd;

	for (struct attach_wp *w = env->wps; w; w = w->next)
		if (w->probe == idx && w->addr == addr)
			return -EEXIST;
	bp_attr(&attr, addr, ep->freq, ep->mode ? ep->mode : "rw");
	fd = attach_perf_open(&attr, tid, -1);
	if (fd == -ENOSPC)
		return attach_fail(env, fd, "Failed to attach watchpoint "
				   "probe. You are out of watchpoint "
				   "registers.");
	if (fd < 0)
		return attach_fail(env, fd, "Cannot attach %s on 0x%llx: %s",
				   ep->raw, (unsigned long long)addr,
				   strerror(-fd));
	return keep_wp(env, ep, prog, fd, addr, idx);
}

int attach_watchpoint_unwatch(struct attach_env *env, uint64_t addr)
{
	struct attach_wp **p = &env->wps;
	int n = 0;

	while (*p) {
		if ((*p)->addr != addr) {
			p = &(*p)->next;
			continue;
		}
		loader__destroy_link(env->loader, (*p)->link);
		*p = (*p)->next;
		n++;
	}
	return n;
}

const struct attach_provider attach_WATCHPOINT = {
	.kind = PK_WATCHPOINT,
	.unavailable = watchpoint_unavailable,
	.attach = watchpoint_attach,
};

const struct attach_provider attach_ASYNCWATCHPOINT = {
	.kind = PK_ASYNCWATCHPOINT,
	.unavailable = watchpoint_unavailable,
	.attach = watchpoint_attach,
};
