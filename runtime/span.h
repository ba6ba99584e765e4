/* Completed spans as the runtime hands them to their consumers: the text
 * and NDJSON printers, the OTLP exporter (runtime/otlp.c), the metrics of
 * etrace's own health. The BPF side matches begin and end (SPEC §3.3) and
 * sends one ring buffer record per completed span; runtime/span.c decodes
 * it into a struct et_span and calls every registered sink, in
 * registration order, from the event loop's thread.
 *
 * Ownership: a struct et_span and everything it points to lives only for
 * the duration of the sink call; a sink that keeps anything copies it. */
#ifndef ETRACE_SPAN_H
#define ETRACE_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* OpenTelemetry's SpanKind values, so exporters pass them through. */
enum et_span_kind {
	ET_SPAN_UNSPECIFIED = 0,
	ET_SPAN_INTERNAL = 1,
	ET_SPAN_SERVER = 2,
	ET_SPAN_CLIENT = 3,
	ET_SPAN_PRODUCER = 4,
	ET_SPAN_CONSUMER = 5,
};

/* OpenTelemetry's Status.code values. */
enum et_span_status {
	ET_STATUS_UNSET = 0,
	ET_STATUS_OK = 1,
	ET_STATUS_ERROR = 2,
};

enum et_attr_kind {
	ET_ATTR_INT,    /* i */
	ET_ATTR_UINT,   /* u (exporters that have only int64 clamp) */
	ET_ATTR_BOOL,   /* u: 0 false */
	ET_ATTR_STR,    /* s, len bytes, not NUL-terminated in general */
	ET_ATTR_DOUBLE, /* d */
};

/* One attribute: span.NAME = expr in the script. A stack is rendered to
 * a string (one frame a line) before it reaches a sink. */
struct et_attr {
	const char *key;
	enum et_attr_kind kind;
	union {
		int64_t i;
		uint64_t u;
		double d;
		struct {
			const char *s;
			size_t len;
		} str;
	};
};

/* A span event: an `event` probe of the span block. */
struct et_span_event {
	uint64_t time_unix_ns;
	const char *name;
	const struct et_attr *attrs;
	size_t nattrs;
};

struct et_span {
	const char *name;             /* the span block's name, or span("x") */
	uint8_t trace_id[16];         /* never all zero */
	uint8_t span_id[8];           /* never all zero */
	uint8_t parent_span_id[8];    /* all zero: a root span */
	bool remote_parent;           /* parent taken from a traceparent */
	uint8_t trace_flags;          /* W3C flags (01: sampled) */
	enum et_span_kind kind;
	enum et_span_status status;
	const char *status_message;   /* NULL or text */
	uint64_t start_unix_ns;       /* wall clock, ns since the Epoch */
	uint64_t end_unix_ns;
	uint32_t pid, tid;            /* of the begin probe's thread */
	const char *comm;             /* of the begin probe's thread */
	const struct et_attr *attrs;
	size_t nattrs;
	const struct et_span_event *events;
	size_t nevents;
	uint32_t dropped_events;      /* events beyond the per-span bound */
};

/* A consumer of completed spans. Returns 0, or a negative errno that the
 * caller counts as a failed delivery (the sink reports its own errors). */
typedef int (*et_span_sink_fn)(void *ctx, const struct et_span *s);

/* Counters of the span machinery, for the exit report and the metrics
 * endpoint. Filled by runtime/span.c from the BPF side's counters. */
struct et_span_stats {
	uint64_t completed;           /* delivered to the sinks */
	uint64_t expired;             /* begun, never ended before timeout */
	uint64_t overflow;            /* begin refused: instance map full */
	uint64_t unmatched_end;       /* end with no open instance */
	uint64_t dropped_events;      /* span events beyond the bound */
	uint64_t lost;                /* records lost in the ring buffer */
	/* added by the spans helper: */
	uint64_t rebegun;             /* begin ignored: its key was open */
	uint64_t still_open;          /* open at exit (span_rt__report
					 counts them; span_rt__stats: 0) */
};

/* The span runtime of one run (runtime/span.c). run.c creates it, when
 * the program has span blocks (et_program.nspans > 0), in setup_output
 * right after the output (r->spans, NULL otherwise); the text/NDJSON
 * printer is its first sink unless the run is told not to print spans.
 * Other consumers (OTLP, metrics) add theirs after that, before any
 * probe is attached; sinks are called in registration order from the
 * event loop's thread for each completed span.
 *
 * Ownership: span_rt__new borrows the program and the FILE; span_rt__free
 * (NULL is a no-op) frees what it allocated; it does not free sink ctxs. */
struct span_rt;
struct et_program;

/* The run's ring buffer record of a completed span (its action) and the
 * BPF maps it counts in come through span_rt__record/span_rt__sweep;
 * map_fd < 0: no such map. print: register the text/JSON printer as the
 * first sink (json: NDJSON records {"type": "span", "data": {...}}). */
struct span_rt *span_rt__new(const struct et_program *p, FILE *out,
			     bool json, bool print);
void span_rt__free(struct span_rt *rt);

/* Adds a sink; 0 or -ENOMEM. */
int span_rt__add_sink(struct span_rt *rt, et_span_sink_fn fn, void *ctx);

/* The counters so far (completed, expired, overflow, ...). */
void span_rt__stats(const struct span_rt *rt, struct et_span_stats *st);

/* For run.c: the number of span blocks; the BPF maps (cnt_fd:
 * ET_SPAN_CNT_MAP's; map_fd gives a block's instance map by name);
 * one ACT_SPAN record to the sinks (0 or -EINVAL); the sweep of expired
 * instances (every second or so); the report of every counter that is
 * not zero (text on stderr, or JSON records on the output), at exit. */
struct et_action;
int span_rt__ndefs(const struct span_rt *rt);
struct output;
/* The output that renders stack attributes (one frame a line). */
void span_rt__set_output(struct span_rt *rt, struct output *o);
void span_rt__set_maps(struct span_rt *rt, int cnt_fd,
		       int (*map_fd)(void *ctx, const char *bpf_name),
		       void *ctx);
int span_rt__record(struct span_rt *rt, const struct et_action *a,
		    const void *rec, size_t size);
void span_rt__sweep(struct span_rt *rt);
/* A span made in user space (runtime/h2.c: HTTP/2 streams) to every
 * sink, counted as completed; 0. */
int span_rt__deliver(struct span_rt *rt, const struct et_span *s);
/* CLOCK_REALTIME - CLOCK_MONOTONIC at the start, ns: a BPF time plus
 * this is a wall-clock time. */
int64_t span_rt__wall_offset(const struct span_rt *rt);
void span_rt__report(struct span_rt *rt);

#endif
