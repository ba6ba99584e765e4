/* OTLP/HTTP's client side (otlp_impl.h): one POST of an encoded request,
 * gzip-compressed (libdeflate, else zlib), through libcurl, which is loaded with dlopen
 * when --otlp is first used: linked, its ~20 shared libraries (TLS,
 * HTTP/2, LDAP, Kerberos, ...) would cost every etrace run's start-up.
 * The reply is read as OTLP/HTTP says: 2xx with an optional
 * partial_success, 429/502/503/504 retryable (with Retry-After), other
 * codes final, with a google.rpc.Status (or JSON) message. */
#include "otlp_impl.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include <opentelemetry/proto/collector/metrics/v1/metrics_service.pb-c.h>
#include <opentelemetry/proto/collector/trace/v1/trace_service.pb-c.h>

/* The libcurl functions etrace calls. */
static struct {
	CURLcode (*global_init)(long);
	CURL *(*init)(void);
	CURLcode (*setopt)(CURL *, CURLoption, ...);
	CURLcode (*perform)(CURL *);
	CURLcode (*getinfo)(CURL *, CURLINFO, ...);
	void (*cleanup)(CURL *);
	void (*reset)(CURL *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	const char *(*strerror)(CURLcode);
	bool loaded;
} curl;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void load_curl(void)
{
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return;
#define SYM(f, name)                                                           \
	*(void **)&curl.f = dlsym(h, name);                                    \
	if (!curl.f)                                                           \
		return;
	SYM(global_init, "curl_global_init")
	SYM(init, "curl_easy_init")
	SYM(setopt, "curl_easy_setopt")
	SYM(perform, "curl_easy_perform")
	SYM(getinfo, "curl_easy_getinfo")
	SYM(cleanup, "curl_easy_cleanup")
	SYM(reset, "curl_easy_reset")
	SYM(slist_append, "curl_slist_append")
	SYM(slist_free_all, "curl_slist_free_all")
	SYM(strerror, "curl_easy_strerror")
#undef SYM
	curl.loaded = curl.global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

struct otlp_http {
	CURL *c;
	enum otlp_protocol protocol;
	struct curl_slist *headers[2]; /* [gzip] */
	/* the reply being read */
	struct otlp_buf body;
	size_t body_cap;
	struct otlp_buf gz; /* the compressed request, reused */
	struct otlp_gz gzip; /* its compressor, kept */
	uint32_t retry_after_ms;
	const volatile bool *abort;
};

bool otlp_url_ok(const char *url, const char *what)
{
	if (!strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8))
		return true;
	fprintf(stderr,
		"etrace: %s %s: expected an http:// or https:// URL "
		"(OTLP/HTTP)\n",
		what, url);
	return false;
}

/* l with line appended; NULL (l freed) on ENOMEM */
static struct curl_slist *append(struct curl_slist *l, const char *line)
{
	struct curl_slist *n = curl.slist_append(l, line);

	if (!n && l)
		curl.slist_free_all(l);
	return n;
}

/* A request's headers: etrace's own, then OTEL_EXPORTER_OTLP_HEADERS /
 * config otlp_headers, which libcurl then sends replacing etrace's;
 * NULL on ENOMEM. */
static struct curl_slist *header_list(enum otlp_protocol protocol,
				      bool gzip,
				      const struct otlp_kv *headers,
				      size_t nheaders)
{
	struct curl_slist *l = append(
	    NULL, protocol == OTLP_JSON
		      ? "Content-Type: application/json"
		      : "Content-Type: application/x-protobuf");

	if (gzip)
		l = append(l, "Content-Encoding: gzip");
	/* no "Expect: 100-continue" round trip for large bodies */
	if (l)
		l = append(l, "Expect:");
	for (size_t i = 0; l && i < nheaders; i++) {
		size_t n = strlen(headers[i].key) + strlen(headers[i].value) + 3;
		char *line = malloc(n);

		if (!line) {
			curl.slist_free_all(l);
			return NULL;
		}
		/* "Key;" is libcurl's way to send a header with no value */
		snprintf(line, n, headers[i].value[0] ? "%s: %s" : "%s;",
			 headers[i].key, headers[i].value);
		l = append(l, line);
		free(line);
	}
	return l;
}

struct otlp_http *otlp_http__new(enum otlp_protocol protocol,
				 const struct otlp_kv *headers,
				 size_t nheaders)
{
	struct otlp_http *h;

	pthread_once(&curl_once, load_curl);
	if (!curl.loaded) {
		fprintf(stderr,
			"etrace: --otlp needs libcurl (libcurl.so.4, "
			"Debian package libcurl4): %s\n",
			dlerror() ?: "not usable");
		errno = ENOENT;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->c = curl.init();
	h->protocol = protocol;
	h->headers[0] = header_list(protocol, false, headers, nheaders);
	h->headers[1] = header_list(protocol, true, headers, nheaders);
	if (!h->c || !h->headers[0] || !h->headers[1] ||
	    otlp_gz_init(&h->gzip, true)) {
		otlp_http__free(h);
		errno = ENOMEM;
		return NULL;
	}
	return h;
}

void otlp_http__free(struct otlp_http *h)
{
	if (!h)
		return;
	if (h->c)
		curl.cleanup(h->c);
	for (int i = 0; i < 2; i++)
		if (h->headers[i])
			curl.slist_free_all(h->headers[i]);
	free(h->body.data);
	free(h->gz.data);
	otlp_gz_free(&h->gzip);
	free(h);
}

/* libdeflate (libdeflate.so.0, loaded with dlopen when present, as
 * libcurl): whole-buffer deflate, its level 1 some 2.5 times as fast as
 * zlib's level 1 for the same size on span requests (about 30% of the
 * protobuf: the ids do not compress), where zlib's gzip was half the
 * exporter's CPU time at 10k spans/s. Its four functions, as
 * libdeflate.h declares them. */
static struct {
	void *(*alloc_compressor)(int level);
	size_t (*gzip_compress)(void *c, const void *in, size_t n, void *out,
				size_t avail);
	size_t (*gzip_compress_bound)(void *c, size_t n);
	void (*free_compressor)(void *c);
	bool loaded;
} ldf;

static pthread_once_t ldf_once = PTHREAD_ONCE_INIT;

static void load_libdeflate(void)
{
	void *h = dlopen("libdeflate.so.0", RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return;
#define SYM(f)                                                                 \
	*(void **)&ldf.f = dlsym(h, "libdeflate_" #f);                         \
	if (!ldf.f)                                                            \
		return;
	SYM(alloc_compressor)
	SYM(gzip_compress)
	SYM(gzip_compress_bound)
	SYM(free_compressor)
#undef SYM
	ldf.loaded = true;
}

int otlp_gz_init(struct otlp_gz *g, bool libdeflate)
{
	*g = (struct otlp_gz){0};
	if (libdeflate) {
		pthread_once(&ldf_once, load_libdeflate);
		/* level 1: spans repeat their keys and resources, which
		 * the fastest level already finds */
		if (ldf.loaded && (g->ldf = ldf.alloc_compressor(1)))
			return 0;
	}
	g->z = calloc(1, sizeof(*g->z));
	if (!g->z)
		return -ENOMEM;
	/* windowBits 15 + 16: a gzip header and trailer; level 1 as above
	 * (the default level cost half the exporter's CPU time) */
	if (deflateInit2(g->z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		free(g->z);
		g->z = NULL;
		return -ENOMEM;
	}
	return 0;
}

void otlp_gz_free(struct otlp_gz *g)
{
	if (g->ldf)
		ldf.free_compressor(g->ldf);
	if (g->z) {
		deflateEnd(g->z);
		free(g->z);
	}
	*g = (struct otlp_gz){0};
}

/* out made at least n bytes large */
static int reserve(struct otlp_buf *out, size_t n)
{
	if (out->data && out->cap >= n)
		return 0;
	free(out->data);
	out->data = malloc(n);
	out->cap = out->data ? n : 0;
	return out->data ? 0 : -ENOMEM;
}

int otlp_gzip(struct otlp_gz *g, const struct otlp_buf *in,
	      struct otlp_buf *out)
{
	z_stream *z = g->z;
	size_t bound;

	if (g->ldf) {
		bound = ldf.gzip_compress_bound(g->ldf, in->len);
		if (reserve(out, bound))
			return -ENOMEM;
		out->len = ldf.gzip_compress(g->ldf, in->data, in->len,
					     out->data, bound);
		return out->len ? 0 : -ENOMEM;
	}
	if (!z || deflateReset(z) != Z_OK)
		return -ENOMEM;
	bound = deflateBound(z, in->len) + 32;
	if (reserve(out, bound))
		return -ENOMEM;
	z->next_in = in->data;
	z->avail_in = (uInt)in->len;
	z->next_out = out->data;
	z->avail_out = (uInt)bound;
	if (deflate(z, Z_FINISH) != Z_STREAM_END)
		return -ENOMEM;
	out->len = z->total_out;
	return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct otlp_http *h = ctx;
	size_t len = size * n;

	/* a refusal's message is short; keep at most 64 KiB */
	if (h->body.len + len > 65536)
		len = 65536 - h->body.len;
	if (h->body.len + len > h->body_cap) {
		size_t cap = h->body.len + len;
		uint8_t *d = realloc(h->body.data, cap);

		if (!d)
			return 0;
		h->body.data = d;
		h->body_cap = cap;
	}
	memcpy(h->body.data + h->body.len, p, len);
	h->body.len += len;
	return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct otlp_http *h = ctx;
	size_t len = size * n;
	char buf[64];

	if (len > 12 && len < sizeof(buf) &&
	    !strncasecmp(p, "Retry-After:", 12)) {
		unsigned long s;
		char *end;

		memcpy(buf, p + 12, len - 12);
		buf[len - 12] = '\0';
		s = strtoul(buf, &end, 10);
		/* seconds; an HTTP date is left to the backoff */
		if (end != buf && s < 3600)
			h->retry_after_ms = (uint32_t)s * 1000;
	}
	return len;
}

static int on_progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c,
		       curl_off_t d)
{
	struct otlp_http *h = ctx;

	(void)a, (void)b, (void)c, (void)d;
	return h->abort && *h->abort;
}

/* The message of a refusal: google.rpc.Status in protobuf, {"message"}
 * in JSON, else the body as text. */
static void refusal_message(struct otlp_http *h, const char *ctype,
			    struct otlp_reply *r)
{
	const uint8_t *b = h->body.data;
	size_t n = h->body.len;
	cJSON *j;

	if (!n)
		return;
	if (ctype && strstr(ctype, "protobuf") &&
	    otlp_status_message(b, n, r->message, sizeof(r->message)))
		return;
	j = cJSON_ParseWithLength((const char *)b, n);
	if (j) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");

		if (cJSON_IsString(m))
			snprintf(r->message, sizeof(r->message), "%s",
				 m->valuestring);
		cJSON_Delete(j);
		if (r->message[0])
			return;
	}
	char *u = otlp_utf8((const char *)b, n < 400 ? n : 400);

	if (u) {
		u[strcspn(u, "\r\n")] = '\0';
		snprintf(r->message, sizeof(r->message), "%s", u);
		free(u);
	}
}

static void partial_json(struct otlp_http *h, bool traces, struct otlp_reply *r)
{
	cJSON *j =
	    cJSON_ParseWithLength((const char *)h->body.data, h->body.len);
	const cJSON *ps, *n, *m;

	ps = cJSON_GetObjectItemCaseSensitive(j, "partialSuccess");
	n = cJSON_GetObjectItemCaseSensitive(ps, traces ? "rejectedSpans"
							: "rejectedDataPoints");
	m = cJSON_GetObjectItemCaseSensitive(ps, "errorMessage");
	if (cJSON_IsString(n))
		r->rejected = strtoll(n->valuestring, NULL, 10);
	else if (cJSON_IsNumber(n))
		r->rejected = (int64_t)n->valuedouble;
	if (cJSON_IsString(m))
		snprintf(r->message, sizeof(r->message), "%s", m->valuestring);
	cJSON_Delete(j);
}

static void partial_pb(struct otlp_http *h, bool traces, struct otlp_reply *r)
{
	const char *msg = NULL;

	if (traces) {
		Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceResponse
		    *t =
			opentelemetry__proto__collector__trace__v1__export_trace_service_response__unpack(
			    NULL, h->body.len, h->body.data);

		if (!t)
			return;
		if (t->partial_success) {
			r->rejected = t->partial_success->rejected_spans;
			msg = t->partial_success->error_message;
		}
		if (msg)
			snprintf(r->message, sizeof(r->message), "%s", msg);
		opentelemetry__proto__collector__trace__v1__export_trace_service_response__free_unpacked(
		    t, NULL);
		return;
	}
	Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceResponse
	    *m =
		opentelemetry__proto__collector__metrics__v1__export_metrics_service_response__unpack(
		    NULL, h->body.len, h->body.data);

	if (!m)
		return;
	if (m->partial_success) {
		r->rejected = m->partial_success->rejected_data_points;
		msg = m->partial_success->error_message;
	}
	if (msg)
		snprintf(r->message, sizeof(r->message), "%s", msg);
	opentelemetry__proto__collector__metrics__v1__export_metrics_service_response__free_unpacked(
	    m, NULL);
}

static void read_reply(struct otlp_http *h, bool traces, struct otlp_reply *r)
{
	char *ctype = NULL;

	curl.getinfo(h->c, CURLINFO_RESPONSE_CODE, &r->status);
	curl.getinfo(h->c, CURLINFO_CONTENT_TYPE, &ctype);
	r->retry_after_ms = h->retry_after_ms;
	if (r->status >= 200 && r->status < 300) {
		if (!h->body.len)
			return;
		if (ctype && strstr(ctype, "json"))
			partial_json(h, traces, r);
		else
			partial_pb(h, traces, r);
		return;
	}
	refusal_message(h, ctype, r);
}

void otlp_http__post(struct otlp_http *h, const char *url,
		     const struct otlp_buf *body, bool gzip, bool traces,
		     uint32_t timeout_ms, const volatile bool *abort,
		     struct otlp_reply *r)
{
	const struct otlp_buf *gz = body;
	CURLcode rc;

	memset(r, 0, sizeof(*r));
	if (gzip && otlp_gzip(&h->gzip, body, &h->gz)) {
		snprintf(r->error, sizeof(r->error), "%s", strerror(ENOMEM));
		return;
	}
	if (gzip)
		gz = &h->gz;
	h->body.len = 0;
	h->retry_after_ms = 0;
	h->abort = abort;
	curl.reset(h->c);
	curl.setopt(h->c, CURLOPT_URL, url);
	curl.setopt(h->c, CURLOPT_POST, 1L);
	curl.setopt(h->c, CURLOPT_HTTPHEADER, h->headers[gzip]);
	curl.setopt(h->c, CURLOPT_POSTFIELDS, gz->data);
	curl.setopt(h->c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)gz->len);
	curl.setopt(h->c, CURLOPT_USERAGENT, "etrace/" ETRACE_VERSION);
	curl.setopt(h->c, CURLOPT_NOSIGNAL, 1L);
	curl.setopt(h->c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl.setopt(h->c, CURLOPT_CONNECTTIMEOUT_MS,
		    (long)(timeout_ms < 5000 ? timeout_ms : 5000));
	curl.setopt(h->c, CURLOPT_WRITEFUNCTION, on_body);
	curl.setopt(h->c, CURLOPT_WRITEDATA, h);
	curl.setopt(h->c, CURLOPT_HEADERFUNCTION, on_header);
	curl.setopt(h->c, CURLOPT_HEADERDATA, h);
	curl.setopt(h->c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl.setopt(h->c, CURLOPT_XFERINFODATA, h);
	curl.setopt(h->c, CURLOPT_NOPROGRESS, 0L);
	/* a redirect would lose the POST body's meaning */
	curl.setopt(h->c, CURLOPT_FOLLOWLOCATION, 0L);
	rc = curl.perform(h->c);
	if (rc != CURLE_OK) {
		snprintf(r->error, sizeof(r->error), "%s",
			 rc == CURLE_ABORTED_BY_CALLBACK ? "cut short at exit"
							 : curl.strerror(rc));
		return;
	}
	read_reply(h, traces, r);
}

bool otlp_retryable(const struct otlp_reply *r)
{
	return r->status == 0 || r->status == 429 || r->status == 502 ||
	       r->status == 503 || r->status == 504;
}
