/* The run's metrics (metrics.h) and its Prometheus endpoint (prom.h):
 * the endpoint listens before the program is loaded (a port in use is
 * one error before anything attaches), answers 503 until the maps are
 * there, and serves until the run closes, END and the maps printed at
 * exit included; it stops before the maps go away. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "bpf/loader.h"
#include "metrics.h"
#include "prom.h"
#include "run_impl.h"

static int metrics_map_fd(void *ctx, const struct et_map *m)
{
	struct run *r = ctx;

	return r->l ? loader__map_fd(r->l, m->bpf_name) : -ENOENT;
}

struct metrics *run_metrics(struct run *r)
{
	if (!r->metrics)
		r->metrics = metrics__new(r->prog, metrics_map_fd, r);
	return r->metrics;
}

int run_metrics_open(struct run *r)
{
	const char *addr = r->o->metrics_addr ? r->o->metrics_addr
					      : r->prog->settings.metrics_addr;
	char err[512];
	size_t n;

	if (!addr)
		return 0;
	if (!run_metrics(r)) {
		run_error("cannot set up the metrics: %s", strerror(errno));
		return -ENOMEM;
	}
	r->prom = prom__start(addr, r->metrics, err, sizeof(err));
	if (!r->prom) {
		run_error("%s", err);
		return -EINVAL;
	}
	/* port 0: the kernel chose one, which the user must learn */
	n = strlen(addr);
	if (n >= 2 && !strcmp(addr + n - 2, ":0"))
		fprintf(stderr, "etrace: serving metrics on port %d\n",
			prom__port(r->prom));
	return 0;
}

void run_metrics_ready(struct run *r)
{
	int err;

	if (!r->metrics)
		return;
	for (int i = 0; i < r->prog->nprobes; i++)
		metrics__set_probe_progs(
		    r->metrics, i,
		    r->progs[i] ? bpf_program__fd(r->progs[i]) : -1,
		    r->rets[i] ? bpf_program__fd(r->rets[i]) : -1);
	err = metrics__enable_stats(r->metrics);
	if (err)
		run_error("the kernel's BPF statistics are off (%s): "
			  "etrace_probe_events_total and "
			  "etrace_probe_run_seconds_total stay 0",
			  strerror(-err));
	metrics__set_ready(r->metrics, true);
}

void run_metrics_close(struct run *r)
{
	prom__stop(r->prom);
	r->prom = NULL;
	if (r->metrics)
		metrics__set_ready(r->metrics, false);
}

void run_metrics_free(struct run *r)
{
	run_metrics_close(r);
	metrics__free(r->metrics);
	r->metrics = NULL;
}
