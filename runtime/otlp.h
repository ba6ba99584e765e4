/* OpenTelemetry export over OTLP/HTTP (--otlp URL, config otlp_*):
 * completed spans (span.h) as traces to URL/v1/traces, the program's
 * maps as metrics (metrics.h) to URL/v1/metrics every interval and at
 * exit. Protobuf (default) or JSON, gzip-compressed, sent by a thread of
 * its own: the event loop only copies a span into a bounded queue, and
 * a full queue drops (counted, reported) rather than block. Retries with
 * exponential backoff on what OTLP/HTTP says is retryable (429, 502,
 * 503, 504 honoring Retry-After, and an unreachable collector); every
 * other refusal is reported once with its status and message. libcurl is
 * loaded with dlopen on first use. */
#ifndef ETRACE_OTLP_H
#define ETRACE_OTLP_H

#include <stdbool.h>
#include <stdint.h>
#include <unistd.h> /* pid_t */

#include "span.h"

struct metrics;

enum otlp_protocol {
	OTLP_PROTOBUF, /* application/x-protobuf */
	OTLP_JSON,     /* application/json, OTLP/JSON's rules */
};

#define OTLP_DEFAULT_INTERVAL_MS 10000
#define OTLP_DEFAULT_QUEUE 16384
/* the bounded wait for the last exports at exit */
#define OTLP_EXIT_TIMEOUT_MS 5000

struct otlp_config {
	/* base URL (a trailing "/" is fine): ENDPOINT/v1/traces and
	 * ENDPOINT/v1/metrics, unless a signal has a URL of its own
	 * (OTEL_EXPORTER_OTLP_{TRACES,METRICS}_ENDPOINT, used as they
	 * are); no_traces / no_metrics: that signal is not exported */
	const char *endpoint;
	const char *traces_url, *metrics_url;
	bool no_traces, no_metrics;
	/* extra request headers and resource attributes, "k=v,k2=v2"
	 * with percent-encoded values (W3C Baggage syntax, as
	 * OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES); NULL:
	 * none */
	const char *headers;
	const char *resource_attrs;
	enum otlp_protocol protocol;
	/* requests sent as they are, not gzip-compressed
	 * (OTEL_EXPORTER_OTLP_COMPRESSION=none, or the signal's own
	 * OTEL_EXPORTER_OTLP_{TRACES,METRICS}_COMPRESSION) */
	bool plain_traces, plain_metrics;
	uint32_t interval_ms;	  /* metrics every; 0: at exit only */
	const char *service_name; /* NULL: each process's executable */
	pid_t target;		  /* -p / -c process, 0: none */
	/* its executable's name (-c: the command's), NULL: from /proc */
	const char *target_exe;
	uint32_t queue; /* spans waiting at most */
	uint32_t exit_timeout_ms;
	bool verbose; /* -v: what was sent, at exit */
};

/* One "key=value" of a header or resource attribute list. */
struct otlp_kv {
	char *key;
	char *value;
};

/* Parses "k=v,k2=v2" (blanks around keys and values left out, values
 * percent-decoded, empty members skipped) into *out (malloc'd, n
 * members; otlp_kv_free). 0, or -EINVAL / -ENOMEM with the reason in
 * why. */
int otlp_kv_parse(const char *text, struct otlp_kv **out, size_t *n,
		  char *why, size_t why_size);
void otlp_kv_free(struct otlp_kv *kv, size_t n);

struct otlp;
struct et_settings;

typedef const char *(*otlp_getenv_fn)(const char *name);

/* The exporter's endpoint(s), protocol, headers, resource attributes
 * and service name (the other fields of c are left alone) from, first
 * to last: the --otlp flag (flag_endpoint, NULL: none), the program's
 * config s, and the OpenTelemetry environment read through env
 * (getenv): OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
 * OTEL_EXPORTER_OTLP_METRICS_ENDPOINT (only when neither the flag nor
 * the config names an endpoint), OTEL_EXPORTER_OTLP_HEADERS,
 * OTEL_EXPORTER_OTLP_PROTOCOL (http/protobuf, http/json),
 * OTEL_EXPORTER_OTLP_COMPRESSION and the signals' own (gzip, none),
 * OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES (the strings of c point
 * into s and the environment). 1: export, 0: no endpoint anywhere,
 * -EINVAL after a message (a protocol or compression etrace does not
 * speak). */
int otlp_config_resolve(struct otlp_config *c, const char *flag_endpoint,
			const struct et_settings *s, otlp_getenv_fn env);

/* Starts the exporter and its thread. m (may be NULL: no metrics) is
 * snapshotted by that thread every interval (metrics.h: thread-safe);
 * it must outlive otlp__free. NULL and errno on failure, after a
 * message (a bad URL, libcurl missing). */
struct otlp *otlp__new(const struct otlp_config *c, struct metrics *m);

/* The span sink (et_span_sink_fn): copies s into the queue, or counts a
 * drop when it is full. Never blocks on the network. */
int otlp__span_sink(void *ctx, const struct et_span *s);

/* At the end, while the maps can still be read: the last metrics
 * snapshot, then everything queued sent within the exit timeout; what
 * was lost is reported on stderr. Returns the number of spans and
 * metric exports lost (0: all delivered). */
uint64_t otlp__finish(struct otlp *o);

/* Stops the thread (after otlp__finish, or dropping what is queued);
 * NULL is a no-op. */
void otlp__free(struct otlp *o);

/* Parses an otlp_interval duration ("10s", "500ms", "2m", "1h", a bare
 * number of seconds) into ms: 0, or -EINVAL. */
int otlp_parse_interval(const char *text, uint32_t *ms);

#endif
