/* Perf event probes: profile (a CPU clock on every online CPU), interval
 * (one CPU), software and hardware events (every online CPU, sampled
 * every N events, N defaulting as in bpftrace 0.17). Each perf event is
 * a BPF link owning its fd. */
#include "attach.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>

#define MAX_CPUS 4096

struct perf_event_def {
	const char *name;   /* canonical, as the compiler stores it */
	uint64_t config;
	uint64_t period;    /* default sampling period */
};

static const struct perf_event_def sw_events[] = {
	{ "cpu-clock", PERF_COUNT_SW_CPU_CLOCK, 1000000 },
	{ "task-clock", PERF_COUNT_SW_TASK_CLOCK, 1000000 },
	{ "page-faults", PERF_COUNT_SW_PAGE_FAULTS, 100 },
	{ "context-switches", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000 },
	{ "cpu-migrations", PERF_COUNT_SW_CPU_MIGRATIONS, 1 },
	{ "minor-faults", PERF_COUNT_SW_PAGE_FAULTS_MIN, 100 },
	{ "major-faults", PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1 },
	{ "alignment-faults", PERF_COUNT_SW_ALIGNMENT_FAULTS, 1 },
	{ "emulation-faults", PERF_COUNT_SW_EMULATION_FAULTS, 1 },
	{ "dummy", PERF_COUNT_SW_DUMMY, 1 },
	{ "bpf-output", PERF_COUNT_SW_BPF_OUTPUT, 1 },
};

static const struct perf_event_def hw_events[] = {
	{ "cpu-cycles", PERF_COUNT_HW_CPU_CYCLES, 1000000 },
	{ "instructions", PERF_COUNT_HW_INSTRUCTIONS, 1000000 },
	{ "cache-references", PERF_COUNT_HW_CACHE_REFERENCES, 1000000 },
	{ "cache-misses", PERF_COUNT_HW_CACHE_MISSES, 1000000 },
	{ "branch-instructions", PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000 },
	{ "branch-misses", PERF_COUNT_HW_BRANCH_MISSES, 100000 },
	{ "bus-cycles", PERF_COUNT_HW_BUS_CYCLES, 100000 },
	{ "frontend-stalls", PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000 },
	{ "backend-stalls", PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000 },
	{ "ref-cycles", PERF_COUNT_HW_REF_CPU_CYCLES, 1000000 },
};

static const struct perf_event_def *
find_event(const struct perf_event_def *ev, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (name && !strcmp(ev[i].name, name))
			return &ev[i];
	return NULL;
}

int attach_online_cpus(int *cpus, int max)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
	int a, b, n = 0;
	char sep;

	if (!f)
		return -errno;
	while (fscanf(f, "%d", &a) == 1) {
		b = a;
		sep = (char)fgetc(f);
		if (sep == '-' && fscanf(f, "%d", &b) == 1)
			sep = (char)fgetc(f);
		for (int c = a; c <= b && n < max; c++)
			cpus[n++] = c;
		if (sep != ',')
			break;
	}
	fclose(f);
	return n ? n : -ENOENT;
}

/* One event per online CPU (or only CPU 0), each linked to prog. */
static int attach_cpus(struct attach_env *env, const struct et_probe *ep,
		       struct bpf_program *prog,
		       struct perf_event_attr *attr, bool all_cpus)
{
	static int cpus[MAX_CPUS];
	int n = 1, fd, err;

	cpus[0] = 0;
	if (all_cpus) {
		n = attach_online_cpus(cpus, MAX_CPUS);
		if (n < 0)
			return attach_fail(env, n, "Cannot attach %s: cannot "
					   "read the online CPUs: %s",
					   ep->raw, strerror(-n));
	}
	for (int i = 0; i < n; i++) {
		fd = attach_perf_open(attr, -1, cpus[i]);
		if (fd < 0)
			return attach_fail(env, fd, "Cannot attach %s: "
					   "perf_event_open on CPU %d: %s",
					   ep->raw, cpus[i],
					   strerror(-fd));
		err = attach_perf_link(env, ep, prog, fd);
		if (err)
			return err;
	}
	return 0;
}

static uint64_t unit_ns(const char *unit)
{
	if (!strcmp(unit, "s"))
		return 1000000000ULL;
	if (!strcmp(unit, "ms"))
		return 1000000ULL;
	if (!strcmp(unit, "us"))
		return 1000ULL;
	return 0; /* hz */
}

static void timer_attr(struct perf_event_attr *attr,
		       const struct et_probe *ep, bool hz_as_freq)
{
	uint64_t ns = unit_ns(ep->target ? ep->target : "hz");

	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = PERF_TYPE_SOFTWARE;
	attr->config = PERF_COUNT_SW_CPU_CLOCK;
	if (!ns && hz_as_freq) {
		attr->freq = 1;
		attr->sample_freq = ep->freq;
	} else {
		attr->sample_period = ns ? ep->freq * ns :
				      1000000000ULL / ep->freq;
	}
}

static int profile_attach(struct attach_env *env, const struct et_probe *ep,
			  struct bpf_program *prog, struct bpf_program *ret)
{
	struct perf_event_attr attr;

	timer_attr(&attr, ep, true);
	return attach_cpus(env, ep, prog, &attr, true);
}

static int interval_attach(struct attach_env *env,
			   const struct et_probe *ep,
			   struct bpf_program *prog, struct bpf_program *ret)
{
	struct perf_event_attr attr;

	timer_attr(&attr, ep, false);
	return attach_cpus(env, ep, prog, &attr, false);
}

static int event_attach(struct attach_env *env, const struct et_probe *ep,
			struct bpf_program *prog, uint32_t type,
			const struct perf_event_def *def)
{
	struct perf_event_attr attr;

	if (!def)
		return attach_fail(env, -EINVAL, "Cannot attach %s: unknown "
				   "event '%s'", ep->raw,
				   ep->func ? ep->func : "");
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config = def->config;
	attr.sample_period = ep->freq ? ep->freq : def->period;
	return attach_cpus(env, ep, prog, &attr, true);
}

static int software_attach(struct attach_env *env,
			   const struct et_probe *ep,
			   struct bpf_program *prog, struct bpf_program *ret)
{
	return event_attach(env, ep, prog, PERF_TYPE_SOFTWARE,
			    find_event(sw_events, sizeof(sw_events) /
					   sizeof(*sw_events), ep->func));
}

static int hardware_attach(struct attach_env *env,
			   const struct et_probe *ep,
			   struct bpf_program *prog, struct bpf_program *ret)
{
	return event_attach(env, ep, prog, PERF_TYPE_HARDWARE,
			    find_event(hw_events, sizeof(hw_events) /
					   sizeof(*hw_events), ep->func));
}

/* Can this kernel open a perf event of type/config on CPU 0? */
static int perf_works(uint32_t type, uint64_t config)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = type,
		.config = config,
		.sample_period = 1000000,
		.disabled = 1,
	};
	int fd = attach_perf_open(&attr, -1, 0);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static const char *timer_unavailable(void)
{
	static int state;

	if (!state)
		state = perf_works(PERF_TYPE_SOFTWARE,
				   PERF_COUNT_SW_CPU_CLOCK) == 0 ? 1 : 2;
	return state == 1 ? NULL :
	       "perf events are not available: the kernel refuses a "
	       "software CPU clock event";
}

static const char *perf_unloadable(void)
{
	static int state;

	if (!state)
		state = attach_prog_type_ok(BPF_PROG_TYPE_PERF_EVENT) ? 1 : 2;
	return state == 1 ? NULL :
	       "perf events are not available: the kernel cannot load "
	       "perf_event programs";
}

static const char *hardware_unavailable(void)
{
	static int state;

	if (!state)
		state = perf_works(PERF_TYPE_HARDWARE,
				   PERF_COUNT_HW_CPU_CYCLES) == 0 ? 1 : 2;
	return state == 1 ? NULL :
	       "hardware probes are not available: this machine has no "
	       "hardware performance counters";
}

const struct attach_provider attach_PROFILE = {
	.kind = PK_PROFILE,
	.unavailable = timer_unavailable,
	.unloadable = perf_unloadable,
	.attach = profile_attach,
};

const struct attach_provider attach_INTERVAL = {
	.kind = PK_INTERVAL,
	.unavailable = timer_unavailable,
	.unloadable = perf_unloadable,
	.attach = interval_attach,
};

const struct attach_provider attach_SOFTWARE = {
	.kind = PK_SOFTWARE,
	.unavailable = timer_unavailable,
	.unloadable = perf_unloadable,
	.attach = software_attach,
	.last_first = true,
};

const struct attach_provider attach_HARDWARE = {
	.kind = PK_HARDWARE,
	.unavailable = hardware_unavailable,
	.unloadable = perf_unloadable,
	.attach = hardware_attach,
};
