/* The run's OTLP exporter (otlp.h): made after the output when --otlp
 * or config otlp_endpoint or OpenTelemetry's environment
 * (otlp_config_resolve) names a collector, a sink of the program's
 * completed spans, and a reader of its maps as metrics (the run's
 * metrics, run_metrics.c, made here when the Prometheus endpoint did
 * not). At the end, before the maps go away, it sends their last state
 * and flushes what is queued within its exit timeout. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "otlp.h"
#include "run_impl.h"

static const char *getenv_fn(const char *name)
{
	return getenv(name);
}

int run_otlp_open(struct run *r)
{
	const struct et_settings *s = &r->prog->settings;
	struct otlp_config c = {
	    .interval_ms = s->otlp_interval_set ? s->otlp_interval_ms
						: OTLP_DEFAULT_INTERVAL_MS,
	    .target = r->child.pid ? r->child.pid : r->o->pid,
	    .queue = s->otlp_queue,
	    .verbose = r->o->verbose > 0,
	};
	char exe[256] = "";
	struct metrics *m;
	int err;

	err = otlp_config_resolve(&c, r->o->otlp, s, getenv_fn);
	if (err <= 0)
		return err;
	/* the -c child has not run its command yet: /proc says etrace */
	if (r->o->cmd) {
		size_t n = strcspn(r->o->cmd + strspn(r->o->cmd, " "), " ");
		const char *w = r->o->cmd + strspn(r->o->cmd, " "), *b = w;

		for (size_t i = 0; i < n; i++)
			if (w[i] == '/')
				b = w + i + 1;
		snprintf(exe, sizeof(exe), "%.*s", (int)(w + n - b), b);
		c.target_exe = exe;
	}
	m = c.no_metrics ? NULL : run_metrics(r);
	if (!m && !c.no_metrics) {
		run_error("cannot set up the metrics: %s", strerror(errno));
		return -ENOMEM;
	}
	r->otlp = otlp__new(&c, m);
	if (!r->otlp)
		return -errno;
	if (r->spans && !c.no_traces) {
		err = span_rt__add_sink(r->spans, otlp__span_sink, r->otlp);
		if (err)
			return err;
	}
	return 0;
}

void run_otlp_finish(struct run *r)
{
	if (r->otlp && otlp__finish(r->otlp) && !r->exit_code)
		r->exit_code = 1;
}

void run_otlp_free(struct run *r)
{
	otlp__free(r->otlp);
	r->otlp = NULL;
}
