/* The Prometheus endpoint (--metrics-addr, config metrics_addr): serves
 * GET /metrics in the Prometheus text format 0.0.4 from snapshots of a
 * run's metrics (metrics.h), on libmicrohttpd's own thread, from the
 * moment it listens until prom__stop. Kinds: a monotonic sum is a
 * counter (its name ends in _total, added when the map's name does not
 * end so), other sums and gauges are gauges, histograms _bucket{le=..}
 * (cumulative, up to +Inf), _count and, when known, _sum. */
#ifndef ETRACE_PROM_H
#define ETRACE_PROM_H

#include <stddef.h>

#include "metrics.h"

struct prom;

/* Listens on addr, "[HOST]:PORT" (no host: every address, IPv6 and
 * IPv4; "[::1]:PORT" for an IPv6 host; PORT 0: one the kernel picks),
 * and serves m's snapshots (503 while m is not ready). NULL after
 * writing why, one line, into err. */
struct prom *prom__start(const char *addr, struct metrics *m, char *err,
			 size_t errlen);
/* The port it listens on. */
int prom__port(const struct prom *p);
/* Stops listening and waits for a scrape in progress; NULL is a no-op. */
void prom__stop(struct prom *p);

/* s in the text format into a malloc'ed buffer (*len bytes, NUL-
 * terminated): 0 or -ENOMEM. */
int prom__render(const struct metrics_snapshot *s, char **buf, size_t *len);

#endif
