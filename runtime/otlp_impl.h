/* Internals of the OTLP exporter (otlp.h): the queued span copies, the
 * resource of a process (otlp_resource.c), the encoders of both wire
 * formats (otlp_pb.c, otlp_json.c) and the HTTP client (otlp_http.c).
 * The encoders are pure: tests/unit/test_otlp.c feeds them hand-made
 * spans and snapshots. */
#ifndef ETRACE_OTLP_IMPL_H
#define ETRACE_OTLP_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "otlp.h"
#include "span.h"

/* The keys of struct otlp_resource's pod[] */
#define OTLP_POD_ATTRS 4
extern const char *const otlp_pod_keys[OTLP_POD_ATTRS];

/* A resource: the process a span's begin probe ran in, or the one the
 * metrics describe. Strings owned by whoever made it. */
struct otlp_resource {
	const char *service;   /* service.name */
	const char *host;      /* host.name ("" : left out) */
	uint32_t pid;	       /* process.pid (0: left out) */
	const char *exe;       /* process.executable.name (NULL: left out) */
	const char *container; /* container.id (NULL: left out) */
	/* container.name, k8s.pod.name, k8s.namespace.name, k8s.pod.uid
	 * (container.h; NULL: left out) */
	const char *pod[OTLP_POD_ATTRS];
	/* OTEL_RESOURCE_ATTRIBUTES (owned by the exporter): added after
	 * the attributes above, replacing one of them of the same key */
	const struct otlp_kv *extra;
	size_t nextra;
};

/* Whether r's extra attributes have key (which then replaces etrace's
 * own attribute of that key). */
bool otlp_resource_has(const struct otlp_resource *r, const char *key);

/* A completed span as queued: a deep copy in one piece of memory, and
 * the resource of its process (owned by the exporter). */
struct otlp_span {
	struct et_span s;
	const struct otlp_resource *res;
	void *block; /* the exporter's block it was copied into (otlp.c) */
};

/* The bytes otlp_span_copy_to takes for s (a multiple of 8). */
size_t otlp_span_size(const struct et_span *s);
/* Copies s into mem (otlp_span_size(s) bytes, 8-aligned); block NULL. */
struct otlp_span *otlp_span_copy_to(void *mem, const struct et_span *s,
				    const struct otlp_resource *res);
/* Copies s into one malloc'd block (free() it); NULL on ENOMEM. */
struct otlp_span *otlp_span_copy(const struct et_span *s,
				 const struct otlp_resource *res);

/* An encoded request body: data (malloc'd, cap bytes) is reused by the
 * next encoding into the same buffer when it is large enough; free()
 * it once done. Start from { 0 }. */
struct otlp_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

/* ExportTraceServiceRequest of spans[0..n), one ResourceSpans per
 * distinct resource (in order of first appearance), one ScopeSpans
 * (etrace and its version) each. 0 or -ENOMEM. */
int otlp_pb_traces(struct otlp_span *const *spans, size_t n,
		   struct otlp_buf *out);
int otlp_json_traces(struct otlp_span *const *spans, size_t n,
		     struct otlp_buf *out);

/* ExportMetricsServiceRequest of snapshot s: one ResourceMetrics of res.
 * 0 or -ENOMEM. */
int otlp_pb_metrics(const struct otlp_resource *res,
		    const struct metrics_snapshot *s, struct otlp_buf *out);
int otlp_json_metrics(const struct otlp_resource *res,
		      const struct metrics_snapshot *s, struct otlp_buf *out);

/* The instrumentation scope's name; its version is ETRACE_VERSION. */
#define OTLP_SCOPE "etrace"

/* s[0..len) as valid UTF-8, NUL-terminated (malloc'd): what OTLP's
 * strings must be; each byte of an invalid sequence becomes U+FFFD. */
char *otlp_utf8(const char *s, size_t len);
/* Whether s[0..len) is valid UTF-8 without a NUL (otlp_utf8 would give
 * it back unchanged). */
bool otlp_utf8_valid(const char *s, size_t len);

/* The span flags field: W3C trace flags and whether the parent is
 * remote (SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK, _IS_REMOTE_MASK). */
uint32_t otlp_span_flags(const struct et_span *s);

/* A process's resource (otlp_resource.c): its executable's name from
 * /proc/PID/exe (else comm), its container id from /proc/PID/cgroup,
 * service.name service or else the executable's name. The strings are
 * malloc'd with the struct; free() the whole. NULL on ENOMEM. */
struct otlp_resource *otlp_resource_of(uint32_t pid, const char *comm,
				       const char *service, const char *host);
/* The container id in one line of /proc/PID/cgroup (docker, podman,
 * containerd, cri-o: 64 hex digits in the last path element that has
 * them), copied to id[65]; false when none. */
bool otlp_container_id(const char *cgroup_line, char id[65]);

/* HTTP (otlp_http.c) ------------------------------------------------ */

struct otlp_http;

/* What one POST came to. */
struct otlp_reply {
	long status;		 /* HTTP status; 0: no response */
	char error[256];	 /* no response: libcurl's reason */
	uint32_t retry_after_ms; /* Retry-After, 0: none */
	char message[512];	 /* a refusal's message (google.rpc.Status
				    or JSON "message", else the text) */
	/* 2xx with partial_success: what the collector rejected */
	int64_t rejected;
};

/* libcurl loaded (dlopen) and a handle for endpoint; NULL after a
 * message on stderr. */
struct otlp_http *otlp_http__new(enum otlp_protocol protocol,
				 const struct otlp_kv *headers,
				 size_t nheaders);
/* Whether url is an http:// or https:// URL; else false after a
 * message naming what (the flag or variable that gave it). */
bool otlp_url_ok(const char *url, const char *what);
void otlp_http__free(struct otlp_http *h);
/* POSTs body (gzip-compressed when gzip) to url,
 * within timeout_ms; *abort, when it becomes true, cuts the transfer.
 * traces: a partial success counts spans, else data points. */
void otlp_http__post(struct otlp_http *h, const char *url,
		     const struct otlp_buf *body, bool gzip, bool traces,
		     uint32_t timeout_ms, const volatile bool *abort,
		     struct otlp_reply *r);
/* Whether OTLP/HTTP says to try again: 429, 502, 503, 504, or no
 * response at all. */
bool otlp_retryable(const struct otlp_reply *r);
/* A gzip compressor kept from one request to the next: libdeflate's
 * (dlopen'd) when libdeflate is true and libdeflate.so.0 loads, else a
 * zlib stream, reset for each. 0 or -ENOMEM. */
struct otlp_gz {
	void *ldf;		/* struct libdeflate_compressor */
	struct z_stream_s *z;
};
int otlp_gz_init(struct otlp_gz *g, bool libdeflate);
void otlp_gz_free(struct otlp_gz *g);
/* gzip of in, into out (grown as needed, reused): 0 or -ENOMEM. */
int otlp_gzip(struct otlp_gz *g, const struct otlp_buf *in,
	      struct otlp_buf *out);
/* A google.rpc.Status's message (field 2) in a protobuf body. */
bool otlp_status_message(const uint8_t *body, size_t len, char *msg,
			 size_t size);

#endif
