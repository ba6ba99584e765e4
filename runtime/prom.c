/* The Prometheus endpoint (prom.h) with libmicrohttpd. The listening
 * socket is etrace's own (bound before anything attaches, so that a port
 * in use is one clear error); MHD serves it on its internal thread, where
 * each scrape takes a snapshot (metrics__snapshot is thread-safe) and
 * renders it. prom__stop ends the thread after the scrape in progress:
 * a scrape during exit is served whole, or its connection closed. */
#include "prom.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct prom {
	struct MHD_Daemon *d;
	struct metrics *m;
	int fd;
	int port;
};

/* ---- rendering ----
 * 10k series are ~0.6 MB of text: integers are written by hand and the
 * memstream is not locked per call (a scrape's CPU time was a third
 * stdio: tests/bench/metrics.sh). */

static void put_u64(FILE *f, uint64_t v)
{
	char b[24], *p = b + sizeof(b);

	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	fwrite(p, 1, (size_t)(b + sizeof(b) - p), f);
}

static void put_i64(FILE *f, int64_t v)
{
	if (v < 0) {
		fputc('-', f);
		put_u64(f, -(uint64_t)v);
	} else {
		put_u64(f, (uint64_t)v);
	}
}

/* HELP text: \ and newline escaped; label values also ". */
static void put_escaped(FILE *f, const char *s, bool quote)
{
	size_t plain = strcspn(s, quote ? "\\\n\"" : "\\\n");

	if (!s[plain]) {
		fwrite(s, 1, plain, f);
		return;
	}
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '"' && quote)
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
}

static void put_double(FILE *f, double d)
{
	if (isnan(d))
		fputs("NaN", f);
	else if (isinf(d))
		fputs(d > 0 ? "+Inf" : "-Inf", f);
	else if (d == floor(d) && fabs(d) < 9007199254740992.0)
		fprintf(f, "%.0f", d);
	else
		fprintf(f, "%.17g", d);
}

/* {a="x",b="y"[,le="bound"]}, nothing without labels */
static void put_labels(FILE *f, const struct metric_family *fam,
		       const struct metric_point *p, const char *le)
{
	if (!fam->nlabels && !le)
		return;
	fputc('{', f);
	for (size_t i = 0; i < fam->nlabels; i++) {
		if (i)
			fputc(',', f);
		fputs(fam->label_names[i], f);
		fputs("=\"", f);
		put_escaped(f, p->label_values[i] ? p->label_values[i] : "",
			    true);
		fputc('"', f);
	}
	if (le) {
		fputs(fam->nlabels ? ",le=\"" : "le=\"", f);
		fputs(le, f);
		fputc('"', f);
	}
	fputc('}', f);
}

static void put_value(FILE *f, const struct metric_point *p)
{
	if (p->as_double)
		put_double(f, p->d);
	else
		put_i64(f, p->i);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

static void put_histogram(FILE *f, const char *name,
			  const struct metric_family *fam)
{
	char **le = NULL;
	size_t nle = 0;

	for (size_t i = 0; i < fam->npoints; i++) {
		const struct metric_point *p = &fam->points[i];
		uint64_t cum = 0;

		/* the bounds are the family's: formatted once */
		if (!le || nle + 1 != p->nbuckets) {
			for (size_t k = 0; le && k < nle; k++)
				free(le[k]);
			free(le);
			nle = p->nbuckets ? p->nbuckets - 1 : 0;
			le = calloc(nle + 1, sizeof(char *));
			for (size_t k = 0; le && k < nle; k++) {
				size_t n;
				FILE *s = open_memstream(&le[k], &n);

				if (s) {
					put_double(s, p->bounds[k]);
					fclose(s);
				}
			}
			if (!le)
				return;
		}
		for (size_t k = 0; k < nle; k++) {
			cum += p->counts[k];
			fputs(name, f);
			fputs("_bucket", f);
			put_labels(f, fam, p, le[k] ? le[k] : "NaN");
			fputc(' ', f);
			put_u64(f, cum);
			fputc('\n', f);
		}
		fprintf(f, "%s_bucket", name);
		put_labels(f, fam, p, "+Inf");
		fprintf(f, " %" PRIu64 "\n", p->count);
		if (p->has_sum) {
			fprintf(f, "%s_sum", name);
			put_labels(f, fam, p, NULL);
			fputc(' ', f);
			put_double(f, p->sum);
			fputc('\n', f);
		}
		fprintf(f, "%s_count", name);
		put_labels(f, fam, p, NULL);
		fprintf(f, " %" PRIu64 "\n", p->count);
	}
	for (size_t k = 0; le && k < nle; k++)
		free(le[k]);
	free(le);
}

static void put_family(FILE *f, const struct metric_family *fam)
{
	bool counter = fam->type == METRIC_SUM && fam->monotonic;
	const char *type = fam->type == METRIC_HISTOGRAM ? "histogram"
			   : counter			 ? "counter"
							 : "gauge";
	char *name = NULL;

	if (counter && !ends_with(fam->name, "_total")) {
		size_t n = strlen(fam->name);

		name = malloc(n + 7);
		if (!name)
			return;
		memcpy(name, fam->name, n);
		memcpy(name + n, "_total", 7);
	}
	fprintf(f, "# HELP %s ", name ? name : fam->name);
	put_escaped(f, fam->help ? fam->help : "", false);
	fprintf(f, "\n# TYPE %s %s\n", name ? name : fam->name, type);
	if (fam->type == METRIC_HISTOGRAM) {
		put_histogram(f, fam->name, fam);
	} else {
		for (size_t i = 0; i < fam->npoints; i++) {
			fputs(name ? name : fam->name, f);
			put_labels(f, fam, &fam->points[i], NULL);
			fputc(' ', f);
			put_value(f, &fam->points[i]);
			fputc('\n', f);
		}
	}
	free(name);
}

int prom__render(const struct metrics_snapshot *s, char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (!f)
		return -ENOMEM;
	__fsetlocking(f, FSETLOCKING_BYCALLER); /* this thread's only */
	for (size_t i = 0; i < s->nfamilies; i++)
		put_family(f, &s->families[i]);
	if (fclose(f)) {
		free(*buf);
		*buf = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* ---- serving ---- */

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
			     const char *type, char *body, size_t len,
			     bool owned)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    len, body, owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r) {
		if (owned)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result text_reply(struct MHD_Connection *c, unsigned status,
				  const char *msg)
{
	return reply(c, status, "text/plain; charset=utf-8", (char *)msg,
		     strlen(msg), false);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct prom *p = cls;
	struct metrics_snapshot *s;
	char *buf;
	size_t len;
	int err;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return text_reply(c, MHD_HTTP_METHOD_NOT_ALLOWED,
				  "only GET /metrics\n");
	if (!strcmp(url, "/"))
		return text_reply(c, MHD_HTTP_OK,
				  "etrace: the metrics are at /metrics\n");
	if (strcmp(url, "/metrics"))
		return text_reply(c, MHD_HTTP_NOT_FOUND,
				  "not found: the metrics are at /metrics\n");
	err = metrics__snapshot(p->m, &s);
	if (err == -EAGAIN)
		return text_reply(c, MHD_HTTP_SERVICE_UNAVAILABLE,
				  "etrace: no metrics now: the program is "
				  "not loaded yet, or etrace is exiting\n");
	if (err)
		return text_reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "etrace: cannot read the maps\n");
	err = prom__render(s, &buf, &len);
	metrics__snapshot_free(s);
	if (err)
		return text_reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "etrace: out of memory\n");
	return reply(c, MHD_HTTP_OK, PROM_CONTENT_TYPE, buf, len, true);
}

/* "[HOST]:PORT" into host (empty: any) and port; false when malformed */
static bool split_addr(const char *addr, char *host, size_t hlen, char *port,
		       size_t plen)
{
	const char *colon;
	size_t n;
	char *end;
	long v;

	if (addr[0] == '[') {
		const char *close = strchr(addr, ']');

		if (!close || close[1] != ':')
			return false;
		n = close - addr - 1;
		colon = close + 1;
		addr++;
	} else {
		colon = strrchr(addr, ':');
		if (!colon)
			return false;
		n = colon - addr;
	}
	if (n >= hlen || strlen(colon + 1) >= plen || !colon[1])
		return false;
	memcpy(host, addr, n);
	host[n] = '\0';
	strcpy(port, colon + 1);
	errno = 0;
	v = strtol(port, &end, 10);
	return !*end && !errno && v >= 0 && v <= 65535 && port[0] != '-' &&
	       port[0] != '+';
}

static int listen_on(const struct sockaddr *sa, socklen_t len, int *err)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1, zero = 0;

	if (fd < 0) {
		*err = errno;
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (sa->sa_family == AF_INET6 &&
	    IN6_IS_ADDR_UNSPECIFIED(
		&((const struct sockaddr_in6 *)sa)->sin6_addr))
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, sa, len) || listen(fd, 64)) {
		*err = errno;
		close(fd);
		return -1;
	}
	return fd;
}

/* The socket listening on host:port, or -1 with *err an errno. */
static int open_listener(const char *host, const char *port, int *err)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res, *ai;
	int fd = -1, rc;

	if (!host[0]) {
		struct sockaddr_in6 s6 = {.sin6_family = AF_INET6,
					  .sin6_addr = IN6ADDR_ANY_INIT,
					  .sin6_port = htons(atoi(port))};
		struct sockaddr_in s4 = {.sin_family = AF_INET,
					 .sin_addr.s_addr = INADDR_ANY,
					 .sin_port = htons(atoi(port))};

		fd = listen_on((struct sockaddr *)&s6, sizeof(s6), err);
		if (fd < 0 && (*err == EAFNOSUPPORT || *err == EADDRNOTAVAIL))
			fd = listen_on((struct sockaddr *)&s4, sizeof(s4), err);
		return fd;
	}
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc) {
		*err = rc == EAI_SYSTEM ? errno : EADDRNOTAVAIL;
		return -1;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next)
		fd = listen_on(ai->ai_addr, ai->ai_addrlen, err);
	freeaddrinfo(res);
	return fd;
}

static int sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -1;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

struct prom *prom__start(const char *addr, struct metrics *m, char *err,
			 size_t errlen)
{
	char host[256], port[16];
	sigset_t all, old;
	struct prom *p;
	int e = 0;

	if (!split_addr(addr, host, sizeof(host), port, sizeof(port))) {
		snprintf(err, errlen,
			 "metrics address '%s' (--metrics-addr, "
			 "config metrics_addr): not [HOST]:PORT (e.g. :9469, "
			 "127.0.0.1:9469, [::1]:9469)",
			 addr);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	p->m = m;
	p->fd = open_listener(host, port, &e);
	if (p->fd < 0) {
		snprintf(err, errlen, "cannot serve metrics on %s: %s%s", addr,
			 e == EADDRNOTAVAIL && host[0] ? "no such local address"
						       : strerror(e),
			 e == EADDRINUSE
			     ? " (another process listens on "
			       "that port; choose another with --metrics-addr)"
			     : "");
		free(p);
		return NULL;
	}
	p->port = sock_port(p->fd);
	/* MHD's thread takes no signal: SIGINT, SIGTERM and SIGUSR1 are
	 * the event loop's (its signalfd), whatever the mask now */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	p->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
				on_request, p, MHD_OPTION_LISTEN_SOCKET, p->fd,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
				MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!p->d) {
		snprintf(err, errlen,
			 "cannot serve metrics on %s: "
			 "libmicrohttpd did not start",
			 addr);
		close(p->fd);
		free(p);
		return NULL;
	}
	return p;
}

int prom__port(const struct prom *p)
{
	return p->port;
}

void prom__stop(struct prom *p)
{
	int fd;

	if (!p)
		return;
	/* no new connection; the listening socket back to us */
	fd = MHD_quiesce_daemon(p->d);
	MHD_stop_daemon(p->d);
	if (fd >= 0)
		close(fd);
	free(p);
}
