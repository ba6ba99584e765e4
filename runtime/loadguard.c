/* loadguard.c: rate limits' buckets and the overhead guard
 * (loadguard.h). The guard's measure of a period: the BPF run time of
 * every program (bpf_prog_info.run_time_ns, entry and return program,
 * BPF_STATS_RUN_TIME on while the guard lives) plus etrace's own user
 * and system time (getrusage, every thread), over the period's wall time
 * times the online CPUs. */
#include "loadguard.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "abi.h"
#include "metrics.h"

struct lg_probe {
	int shed;	  /* its DROP_SHED slot, or -1 */
	uint64_t divisor; /* 1: every event */
	bool detached;
	uint64_t ns;	 /* BPF run time at the last measure */
	uint64_t period; /* and in the last period */
};

struct loadguard {
	const struct et_program *p;
	int gate_fd;
	const int *prog_fds;
	uint32_t budget; /* hundredths of a percent; 0: no guard */
	int stats_fd;
	int ncpus;
	loadguard_detach_fn detach;
	void *ctx;
	struct lg_probe *probes;
	uint64_t last_ns; /* wall clock of the last measure */
	uint64_t cpu_ns;  /* etrace's CPU time then */
};

int loadguard_parse_budget(const char *text, uint32_t *hundredths)
{
	uint64_t whole = 0, frac = 0, scale = 100;
	const char *s = text;

	if (!s || !*s)
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		whole = whole * 10 + (uint64_t)(*s - '0');
		if (whole > 100)
			return -EINVAL;
	}
	if (s == text)
		return -EINVAL;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return -EINVAL;
		for (; *s >= '0' && *s <= '9'; s++) {
			scale /= 10;
			if (!scale && *s != '0')
				return -EINVAL; /* finer than 0.01% */
			frac += (uint64_t)(*s - '0') * scale;
		}
	}
	if (*s == '%')
		s++;
	whole = whole * 100 + frac;
	if (*s || !whole || whole > 10000)
		return -EINVAL;
	*hundredths = (uint32_t)whole;
	return 0;
}

void loadguard_rate_share(uint32_t rate, int ncpus, uint64_t *interval_ns,
			  uint64_t *tau_ns)
{
	uint64_t n = ncpus > 0 ? (uint64_t)ncpus : 1;
	/* each CPU: rate / n events a second (at least 1), one every
	 * interval ns (rounded up: never more), and a burst of one second's
	 * share at once; in all at most rate * (seconds + 1) */
	uint64_t share = rate / n ? rate / n : 1;

	*interval_ns = (1000000000ull + share - 1) / share;
	*tau_ns = (share - 1) * *interval_ns;
}

static int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

static int write_gate(struct loadguard *g, uint32_t slot,
		      const struct et_gate *v)
{
	if (g->gate_fd < 0)
		return -ENOENT;
	return bpf_map_update_elem(g->gate_fd, &slot, v, BPF_ANY) ? -errno : 0;
}

static int set_rates(struct loadguard *g)
{
	for (int i = 0; i < g->p->ndrops; i++) {
		const struct et_drop *d = &g->p->drops[i];
		struct et_gate v = {0};
		int err;

		if (d->cause != DROP_RATE_LIMIT)
			continue;
		loadguard_rate_share(d->limit, g->ncpus, &v.interval_ns,
				     &v.tau_ns);
		err = write_gate(g, (uint32_t)i, &v);
		if (err) {
			fprintf(stderr,
				"etrace: cannot set the rate limit of "
				"%s: %s\n",
				d->what ? d->what : "a probe", strerror(-err));
			return err;
		}
	}
	return 0;
}

static uint64_t own_cpu_ns(void)
{
	struct rusage u;

	if (getrusage(RUSAGE_SELF, &u))
		return 0;
	return ((uint64_t)u.ru_utime.tv_sec + (uint64_t)u.ru_stime.tv_sec) *
		   1000000000ull +
	       ((uint64_t)u.ru_utime.tv_usec + (uint64_t)u.ru_stime.tv_usec) *
		   1000ull;
}

static uint64_t run_ns(int fd)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.run_time_ns;
}

static uint64_t probe_ns(const struct loadguard *g, int i)
{
	return run_ns(g->prog_fds[2 * i]) + run_ns(g->prog_fds[2 * i + 1]);
}

static const char *probe_name(const struct loadguard *g, int i)
{
	const struct et_probe *ep = &g->p->probes[i];

	return ep->raw ? ep->raw : ep->prog_name;
}

struct loadguard *loadguard__new(const struct et_program *p, int gate_fd,
				 const int *prog_fds, uint32_t budget,
				 loadguard_detach_fn detach, void *ctx)
{
	struct loadguard *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->p = p;
	g->gate_fd = gate_fd;
	g->prog_fds = prog_fds;
	g->budget = budget;
	g->stats_fd = -1;
	g->ncpus = online_cpus();
	g->detach = detach;
	g->ctx = ctx;
	g->probes = calloc((size_t)p->nprobes + 1, sizeof(*g->probes));
	if (!g->probes || set_rates(g)) {
		loadguard__free(g);
		return NULL;
	}
	for (int i = 0; i < p->nprobes; i++) {
		g->probes[i].shed = -1;
		g->probes[i].divisor = 1;
	}
	for (int i = 0; i < p->ndrops; i++)
		if (p->drops[i].cause == DROP_SHED && p->drops[i].probe >= 0 &&
		    p->drops[i].probe < p->nprobes)
			g->probes[p->drops[i].probe].shed = i;
	if (!budget)
		return g;
	g->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (g->stats_fd < 0) {
		fprintf(stderr,
			"etrace: --max-overhead needs the kernel's BPF "
			"statistics, which it refused: %s\n",
			strerror(errno));
		loadguard__free(g);
		return NULL;
	}
	return g;
}

void loadguard__free(struct loadguard *g)
{
	if (!g)
		return;
	if (g->stats_fd >= 0)
		close(g->stats_fd);
	free(g->probes);
	free(g);
}

bool loadguard__active(const struct loadguard *g)
{
	return g && g->budget;
}

uint64_t loadguard__divisor(const struct loadguard *g, int probe)
{
	return g && probe >= 0 && probe < g->p->nprobes
		   ? g->probes[probe].divisor
		   : 1;
}

bool loadguard__detached(const struct loadguard *g, int probe)
{
	return g && probe >= 0 && probe < g->p->nprobes &&
	       g->probes[probe].detached;
}

/* "2%", "0.5%", "12.34%" */
static const char *pct(uint64_t hundredths, char *buf, size_t len)
{
	if (hundredths % 100)
		snprintf(buf, len, "%" PRIu64 ".%02" PRIu64 "%%",
			 hundredths / 100, hundredths % 100);
	else
		snprintf(buf, len, "%" PRIu64 "%%", hundredths / 100);
	return buf;
}

/* The live probe with the most BPF time in the period, or -1. */
static int costliest(const struct loadguard *g)
{
	int best = -1;

	for (int i = 0; i < g->p->nprobes; i++) {
		const struct lg_probe *q = &g->probes[i];

		if (q->detached || !q->period)
			continue;
		if (best < 0 || q->period > g->probes[best].period)
			best = i;
	}
	return best;
}

/* Sheds load from the costliest probe: its divisor up, else it goes. */
static void shed(struct loadguard *g, uint64_t used, uint64_t cap)
{
	int i = costliest(g);
	struct lg_probe *q;
	char a[32], b[32], c[32];
	uint64_t factor, d;
	struct et_gate v = {0};

	if (i < 0)
		return;
	q = &g->probes[i];
	pct(used, a, sizeof(a));
	pct(g->budget, b, sizeof(b));
	pct(q->period * 10000 / (cap ? cap : 1), c, sizeof(c));
	if (q->shed >= 0 && q->divisor < LOADGUARD_MAX_DIVISOR) {
		factor = (used + g->budget - 1) / g->budget;
		d = q->divisor * (factor < 2 ? 2 : factor);
		if (d > LOADGUARD_MAX_DIVISOR)
			d = LOADGUARD_MAX_DIVISOR;
		v.divisor = d;
		if (!write_gate(g, (uint32_t)q->shed, &v)) {
			q->divisor = d;
			fprintf(stderr,
				"etrace: overhead %s over the budget "
				"of %s: %s (%s) now runs 1 event in %" PRIu64
				"\n",
				a, b, probe_name(g, i), c, d);
			metrics_health_probe_load(i, d, false);
			return;
		}
	}
	fprintf(stderr,
		"etrace: overhead %s over the budget of %s: "
		"detaching %s, the costliest probe (%s%s)\n",
		a, b, probe_name(g, i), c,
		q->shed >= 0 ? ", already at its largest divisor" : "");
	if (g->detach && g->detach(g->ctx, i)) {
		fprintf(stderr, "etrace: could not detach %s\n",
			probe_name(g, i));
		return;
	}
	q->detached = true;
	metrics_health_probe_load(i, q->divisor, true);
}

void loadguard__tick(struct loadguard *g, uint64_t now_ns)
{
	uint64_t wall, cpu, used, bpf = 0, cap;

	if (!loadguard__active(g))
		return;
	if (!g->last_ns) {
		/* the first measure: the baseline */
		g->last_ns = now_ns;
		g->cpu_ns = own_cpu_ns();
		for (int i = 0; i < g->p->nprobes; i++)
			g->probes[i].ns = probe_ns(g, i);
		return;
	}
	if (now_ns - g->last_ns < LOADGUARD_PERIOD_MS * 1000000ull)
		return;
	wall = now_ns - g->last_ns;
	cpu = own_cpu_ns();
	for (int i = 0; i < g->p->nprobes; i++) {
		struct lg_probe *q = &g->probes[i];
		uint64_t ns = probe_ns(g, i);

		q->period = ns > q->ns ? ns - q->ns : 0;
		q->ns = ns;
		bpf += q->period;
	}
	cap = wall * (uint64_t)g->ncpus;
	used = (bpf + (cpu > g->cpu_ns ? cpu - g->cpu_ns : 0)) * 10000 / cap;
	g->cpu_ns = cpu;
	g->last_ns = now_ns;
	metrics_health_overhead((double)used / 10000.0);
	if (used > g->budget)
		shed(g, used, cap);
}
