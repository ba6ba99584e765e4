/* Maps as metrics (SPEC §5): one neutral snapshot of the program's maps,
 * and of etrace's own health, that both exporters render — Prometheus's
 * text format (runtime/prom.c, --metrics-addr) and OTLP metrics
 * (runtime/otlp.c, --otlp). Kinds map as SPEC §5 says: count()/sum()
 * maps are sums, hist()/lhist() histograms with etrace's own buckets as
 * explicit bounds, stats()/avg()/min()/max() and plain integer maps
 * gauges. Labels come from the map key: the field names of a record key
 * (@req[(method=$m, status=$s)]), otherwise key0..keyN (key0 alone for a
 * scalar key).
 *
 * Ownership: a snapshot and everything in it lives in its own arena;
 * metrics__snapshot_free releases it whole. The function that takes a
 * snapshot, and the health counters it includes, are declared below by
 * runtime/metrics.c's author. */
#ifndef ETRACE_METRICS_H
#define ETRACE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

enum metric_type {
	METRIC_SUM,       /* monotonic says whether it only grows */
	METRIC_GAUGE,
	METRIC_HISTOGRAM,
};

struct metric_point {
	const char **label_values;    /* nlabels of the family, UTF-8 */
	/* METRIC_SUM, METRIC_GAUGE: integer maps are exact in i; as_double
	 * says the value is d instead (avg()). */
	bool as_double;
	int64_t i;
	double d;
	/* METRIC_HISTOGRAM: counts[k] events in (bounds[k-1], bounds[k]],
	 * counts[nbuckets-1] above the last bound (+Inf); not cumulative.
	 * has_sum false: the sum of the observed values is unknown. */
	size_t nbuckets;
	const double *bounds;         /* nbuckets - 1 upper bounds */
	const uint64_t *counts;
	uint64_t count;
	bool has_sum;
	double sum;
};

struct metric_family {
	const char *name;             /* "req" for @req; valid for both */
	const char *help;
	const char *unit;             /* "" or UCUM ("ns", "By") */
	enum metric_type type;
	bool monotonic;
	bool self;                    /* etrace's own health, not a map */
	const char **label_names;
	size_t nlabels;
	struct metric_point *points;
	size_t npoints;
};

struct metrics_snapshot {
	struct arena *arena;
	struct metrics *owner;        /* takes the arena back */
	uint64_t time_unix_ns;        /* when it was taken */
	uint64_t start_unix_ns;       /* when etrace started (sums' start) */
	struct metric_family *families;
	size_t nfamilies;
};

/* The snapshot taker (runtime/metrics.c) ------------------------------
 *
 * Families, in this order: the program's maps by name, then etrace's own
 * health (self = true, names etrace_*). Names: the map's name without
 * "@", characters outside [a-zA-Z0-9_] as "_", "@" alone "map"; a name
 * already taken gets "_2", "_3"... Kinds:
 *   count()                      SUM, monotonic       (Prometheus counter)
 *   sum() of unsigned values     SUM, monotonic
 *   sum() of signed values       SUM, not monotonic   (Prometheus gauge)
 *   min(), max(), integers       GAUGE
 *   avg()                        GAUGE, as_double: total / count exactly
 *   stats()                      GAUGE with a last label stat
 *                                (stat_ when the key has a field stat):
 *                                count, total, avg (as_double)
 *   hist(), lhist()              HISTOGRAM with the sum of the values
 *                                (has_sum false only for an artifact
 *                                whose hist maps keep counts only)
 * Maps of other values (strings, stacks as values, tseries) are left
 * out. Integer bounds: a value v falls in the first bucket whose bound
 * is >= v (log2: -1, 0, 1, 3, 7, ..., 2^63-1; lhist(min, max, step):
 * min-1, min+step-1, ..., max-1), then +Inf.
 * Labels: the fields of a record key by name, else key0..keyN (key0 for
 * a key that is no tuple); values as the text output prints keys.
 * Health (self): etrace_probe_events_total{probe} and
 * etrace_probe_run_seconds_total{probe} (bpf_prog_info run_cnt and
 * run_time_ns, counted while metrics__enable_stats is on),
 * etrace_lost_records_total, etrace_dropped_total{cause,map},
 * etrace_spans_*_total (metrics_health_spans), and per exporter
 * etrace_export_{queued,queue_capacity} gauges and
 * etrace_export_{sent,dropped,failed,retries}_total{exporter}. */
struct et_program;
struct et_map;
struct et_span_stats;

struct metrics;

/* The fd of map m of the loaded program, or -errno (as output.h's
 * output_map_fd_fn). */
typedef int (*metrics_map_fd_fn)(void *ctx, const struct et_map *m);

/* The program's metrics; map_fd is asked for fds at each snapshot.
 * NULL and errno on failure. Borrows prog, which must outlive it. */
struct metrics *metrics__new(const struct et_program *prog,
			     metrics_map_fd_fn map_fd, void *ctx);
/* NULL is a no-op. */
void metrics__free(struct metrics *m);
/* Probe i's BPF programs (its entry and its return program; -1: none),
 * for the per-probe health families. */
void metrics__set_probe_progs(struct metrics *m, int probe, int fd,
			      int ret_fd);
/* Turns on the kernel's BPF run-time statistics (bpf_enable_stats,
 * BPF_STATS_RUN_TIME) until metrics__free: 0 or -errno. Costs two
 * clock reads per BPF program run, so only exporters call it. */
int metrics__enable_stats(struct metrics *m);
/* Whether the maps can be read: false before the program is loaded and
 * from the moment its fds go away; a snapshot then fails with -EAGAIN.
 * Waits for a snapshot in progress. */
void metrics__set_ready(struct metrics *m, bool ready);

/* A snapshot, now: thread-safe (snapshots are serialized; the event
 * loop may run meanwhile). 0 and *out, or -errno. */
int metrics__snapshot(struct metrics *m, struct metrics_snapshot **out);
/* NULL is a no-op. */
void metrics__snapshot_free(struct metrics_snapshot *s);

/* Health counters set by other parts of the runtime, process-wide,
 * thread-safe; each call replaces the previous values (totals since the
 * start, not increments). Included in every snapshot once set. */
void metrics_health_spans(const struct et_span_stats *s);
/* The overhead guard (loadguard.h): the last period's overhead (a
 * ratio: 0.02 is 2%), and probe i's divisor and whether it was
 * detached. Shown as etrace_overhead_ratio,
 * etrace_probe_sample_divisor{probe} and etrace_probe_detached{probe}
 * once set; the gates' drops as etrace_probe_dropped_total{probe,cause}. */
void metrics_health_overhead(double ratio);
void metrics_health_probe_load(int probe, uint64_t divisor, bool detached);

struct metrics_export_stats {
	uint64_t queued;          /* items waiting in the queue now */
	uint64_t queue_capacity;  /* its bound */
	uint64_t sent;            /* items delivered */
	uint64_t dropped;         /* items dropped: queue full, given up */
	uint64_t failed;          /* failed requests (each try) */
	uint64_t retries;         /* requests tried again */
};
/* exporter: "otlp_traces", "otlp_metrics", ... (copied). */
void metrics_health_export(const char *exporter,
			   const struct metrics_export_stats *s);

#endif
