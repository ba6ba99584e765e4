/* A minimal OTLP/HTTP receiver for tests/bench/otlp.sh: libmicrohttpd,
 * one thread; each POST to /v1/traces is read, gunzipped (unless sent
 * as it is) and unpacked with protobuf-c only to count its spans
 * (protobuf; a JSON body is counted as a request with no spans), then
 * answered 200 with an empty ExportTraceServiceResponse. Much cheaper
 * than the Node receiver, so that the bench shows what etrace's
 * exporter alone can send on this machine. On SIGTERM/SIGINT it writes
 * "REQUESTS SPANS BYTES" to OUT.
 *   otlp_sink PORT_FILE OUT */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <opentelemetry/proto/collector/trace/v1/trace_service.pb-c.h>

struct req {
	unsigned char *data;
	size_t len, cap;
};

static unsigned long long requests, spans, bytes;
static unsigned char *plain;
static size_t plain_cap;

static size_t gunzip(const unsigned char *in, size_t len)
{
	z_stream z = {0};
	size_t out = 0;

	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return 0;
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	for (;;) {
		int rc;

		if (out == plain_cap) {
			plain_cap = plain_cap ? plain_cap * 2 : 1 << 20;
			plain = realloc(plain, plain_cap);
			if (!plain)
				exit(1);
		}
		z.next_out = plain + out;
		z.avail_out = (uInt)(plain_cap - out);
		rc = inflate(&z, Z_NO_FLUSH);
		out = plain_cap - z.avail_out;
		if (rc == Z_STREAM_END)
			break;
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			out = 0;
			break;
		}
	}
	inflateEnd(&z);
	return out;
}

static void count(const struct req *r)
{
	Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest
	    *m;
	/* gzip's magic, else a body sent as it is
	 * (OTEL_EXPORTER_OTLP_COMPRESSION=none) */
	bool gz = r->len >= 2 && r->data[0] == 0x1f && r->data[1] == 0x8b;
	size_t n = gz ? gunzip(r->data, r->len) : r->len;

	requests++;
	bytes += r->len;
	m = opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(
	    NULL, n, gz ? plain : r->data);
	if (!m)
		return;
	for (size_t i = 0; i < m->n_resource_spans; i++)
		for (size_t j = 0; j < m->resource_spans[i]->n_scope_spans; j++)
			spans += m->resource_spans[i]->scope_spans[j]->n_spans;
	opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(
	    m, NULL);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *data,
				  size_t *size, void **ctx)
{
	struct req *r = *ctx;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	(void)cls, (void)method, (void)version;
	if (!r) {
		*ctx = calloc(1, sizeof(*r));
		return *ctx ? MHD_YES : MHD_NO;
	}
	if (*size) {
		if (r->len + *size > r->cap) {
			r->cap = (r->len + *size) * 2;
			r->data = realloc(r->data, r->cap);
			if (!r->data)
				return MHD_NO;
		}
		memcpy(r->data + r->len, data, *size);
		r->len += *size;
		*size = 0;
		return MHD_YES;
	}
	if (!strcmp(url, "/v1/traces"))
		count(r);
	resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(resp, "Content-Type",
				"application/x-protobuf");
	ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void on_done(void *cls, struct MHD_Connection *c, void **ctx,
		    enum MHD_RequestTerminationCode why)
{
	struct req *r = *ctx;

	(void)cls, (void)c, (void)why;
	if (r) {
		free(r->data);
		free(r);
	}
	*ctx = NULL;
}

int main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	sigset_t set;
	int sig;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: otlp_sink PORT_FILE OUT\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
				 MHD_USE_EPOLL,
			     0, NULL, NULL, on_request, NULL,
			     MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
			     MHD_OPTION_SOCK_ADDR,
			     (const struct sockaddr *)&(struct sockaddr_in){
				 .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)},
			     MHD_OPTION_END);
	if (!d)
		return 1;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	f = fopen(argv[1], "w");
	if (!f || !info)
		return 1;
	fprintf(f, "%u\n", info->port);
	fclose(f);
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	f = fopen(argv[2], "w");
	if (!f)
		return 1;
	fprintf(f, "%llu %llu %llu\n", requests, spans, bytes);
	fclose(f);
	return 0;
}
