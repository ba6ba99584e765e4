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
	uint64_t time_unix_ns;        /* when it was taken */
	uint64_t start_unix_ns;       /* when etrace started (sums' start) */
	struct metric_family *families;
	size_t nfamilies;
};

#endif
