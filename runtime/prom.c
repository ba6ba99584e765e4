/* The Prometheus endpoint (prom.h) with libmicrohttpd. The listening
 * socket is etrace's own (bound before anything attaches, so that a port
 * in use is one clear error); MHD serves it on its internal thread, where
 * each scrape takes a snapshot (metrics__snapshot is thread-safe) and
 * renders it. prom__stop ends the thread after the scrape in progress:
 * a scrape during exit is served whole, or its connection closed.
 * libmicrohttpd is loaded with dlopen when --metrics-addr is used:
 * linked, it and its TLS libraries (GnuTLS, p11-kit, nettle, ...) cost
 * every etrace and etrace-run start ~3 ms of CPU. */
#include "prom.h"
#include "textbuf.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
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
 * 10k series are ~0.6 MB of text: it is formatted into one growing
 * buffer (textbuf.h), integers by hand, doubles with snprintf (a
 * scrape's CPU time was a third stdio, tests/bench/metrics.sh). */

/* HELP text: \ and newline escaped; label values also ". */
static void put_escaped(struct textbuf *b, const char *s, bool quote)
{
	size_t plain = strcspn(s, quote ? "\\\n\"" : "\\\n");

	if (!s[plain]) {
		tb_put(b, s, plain);
		return;
	}
	for (; *s; s++) {
		if (*s == '\\')
			tb_put(b, "\\\\", 2);
		else if (*s == '\n')
			tb_put(b, "\\n", 2);
		else if (*s == '"' && quote)
			tb_put(b, "\\\"", 2);
		else
			tb_putc(b, *s);
	}
}

static void put_double(struct textbuf *b, double d)
{
	char t[64];
	int n;

	if (isnan(d)) {
		tb_puts(b, "NaN");
		return;
	}
	if (isinf(d)) {
		tb_puts(b, d > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (d == floor(d) && fabs(d) < 9007199254740992.0)
		n = snprintf(t, sizeof(t), "%.0f", d);
	else
		n = snprintf(t, sizeof(t), "%.17g", d);
	if (n > 0)
		tb_put(b, t, (size_t)n < sizeof(t) ? (size_t)n : sizeof(t) - 1);
}

/* {a="x",b="y"[,le="bound"]}, nothing without labels */
static void put_labels(struct textbuf *b, const struct metric_family *fam,
		       const struct metric_point *p, const char *le)
{
	if (!fam->nlabels && !le)
		return;
	tb_putc(b, '{');
	for (size_t i = 0; i < fam->nlabels; i++) {
		if (i)
			tb_putc(b, ',');
		tb_puts(b, fam->label_names[i]);
		tb_put(b, "=\"", 2);
		put_escaped(b, p->label_values[i] ? p->label_values[i] : "",
			    true);
		tb_putc(b, '"');
	}
	if (le) {
		tb_puts(b, fam->nlabels ? ",le=\"" : "le=\"");
		tb_puts(b, le);
		tb_putc(b, '"');
	}
	tb_putc(b, '}');
}

static void put_value(struct textbuf *b, const struct metric_point *p)
{
	if (p->as_double)
		put_double(b, p->d);
	else
		tb_i64(b, p->i);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* name + suffix + labels + ' ' */
static void put_series(struct textbuf *b, const char *name,
		       const char *suffix, const struct metric_family *fam,
		       const struct metric_point *p, const char *le)
{
	tb_puts(b, name);
	tb_puts(b, suffix);
	put_labels(b, fam, p, le);
	tb_putc(b, ' ');
}

static void put_histogram(struct textbuf *b, const char *name,
			  const struct metric_family *fam)
{
	struct textbuf bounds = {0};
	size_t *le = NULL, nle = 0;

	for (size_t i = 0; i < fam->npoints; i++) {
		const struct metric_point *p = &fam->points[i];
		uint64_t cum = 0;

		/* the bounds are the family's: formatted once, each
		 * NUL-terminated at le[k] in bounds */
		if (!le || nle + 1 != p->nbuckets) {
			free(le);
			tb_reset(&bounds);
			nle = p->nbuckets ? p->nbuckets - 1 : 0;
			le = calloc(nle + 1, sizeof(*le));
			if (!le)
				break;
			for (size_t k = 0; k < nle; k++) {
				le[k] = bounds.len;
				put_double(&bounds, p->bounds[k]);
				tb_putc(&bounds, 0);
			}
			if (bounds.oom)
				break;
		}
		for (size_t k = 0; k < nle; k++) {
			cum += p->counts[k];
			put_series(b, name, "_bucket", fam, p,
				   bounds.data + le[k]);
			tb_u64(b, cum);
			tb_putc(b, '\n');
		}
		put_series(b, name, "_bucket", fam, p, "+Inf");
		tb_u64(b, p->count);
		tb_putc(b, '\n');
		if (p->has_sum) {
			put_series(b, name, "_sum", fam, p, NULL);
			put_double(b, p->sum);
			tb_putc(b, '\n');
		}
		put_series(b, name, "_count", fam, p, NULL);
		tb_u64(b, p->count);
		tb_putc(b, '\n');
	}
	if (!le || bounds.oom)
		b->oom = b->oom || fam->npoints;
	free(le);
	tb_free(&bounds);
}

static void put_family(struct textbuf *b, const struct metric_family *fam)
{
	bool counter = fam->type == METRIC_SUM && fam->monotonic;
	const char *type = fam->type == METRIC_HISTOGRAM ? "histogram"
			   : counter			 ? "counter"
							 : "gauge";
	const char *name = fam->name;
	const char *suffix = counter && !ends_with(fam->name, "_total")
				 ? "_total"
				 : "";

	tb_puts(b, "# HELP ");
	tb_puts(b, name);
	tb_puts(b, suffix);
	tb_putc(b, ' ');
	put_escaped(b, fam->help ? fam->help : "", false);
	tb_puts(b, "\n# TYPE ");
	tb_puts(b, name);
	tb_puts(b, suffix);
	tb_putc(b, ' ');
	tb_puts(b, type);
	tb_putc(b, '\n');
	if (fam->type == METRIC_HISTOGRAM) {
		put_histogram(b, fam->name, fam);
		return;
	}
	for (size_t i = 0; i < fam->npoints; i++) {
		put_series(b, name, suffix, fam, &fam->points[i], NULL);
		put_value(b, &fam->points[i]);
		tb_putc(b, '\n');
	}
}

int prom__render(const struct metrics_snapshot *s, char **buf, size_t *len)
{
	struct textbuf b = {0};

	/* a guess at the size, so that the buffer grows few times */
	tb_reserve(&b, 64 * 1024);
	for (size_t i = 0; i < s->nfamilies; i++)
		put_family(&b, &s->families[i]);
	/* a NUL after the text (not counted): a buffer even when empty */
	tb_putc(&b, 0);
	if (b.oom) {
		tb_free(&b);
		*buf = NULL;
		return -ENOMEM;
	}
	*buf = b.data;
	*len = b.len - 1;
	return 0;
}

/* ---- serving ---- */

/* The libmicrohttpd functions etrace calls. */
static struct {
	struct MHD_Response *(*create_response_from_buffer)(
	    size_t, void *, enum MHD_ResponseMemoryMode);
	enum MHD_Result (*add_response_header)(struct MHD_Response *,
					       const char *, const char *);
	enum MHD_Result (*queue_response)(struct MHD_Connection *,
					  unsigned int, struct MHD_Response *);
	void (*destroy_response)(struct MHD_Response *);
	struct MHD_Daemon *(*start_daemon)(unsigned int, uint16_t,
					   MHD_AcceptPolicyCallback, void *,
					   MHD_AccessHandlerCallback, void *,
					   ...);
	MHD_socket (*quiesce_daemon)(struct MHD_Daemon *);
	void (*stop_daemon)(struct MHD_Daemon *);
	bool loaded;
	char why[160];
} mhd;

static pthread_once_t mhd_once = PTHREAD_ONCE_INIT;

static void load_mhd(void)
{
	void *h = dlopen("libmicrohttpd.so.12", RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(mhd.why, sizeof(mhd.why), "%s", dlerror());
		return;
	}
#define SYM(f, name)                                                           \
	*(void **)&mhd.f = dlsym(h, name);                                     \
	if (!mhd.f) {                                                          \
		snprintf(mhd.why, sizeof(mhd.why), "no %s in it", name);       \
		return;                                                        \
	}
	SYM(create_response_from_buffer, "MHD_create_response_from_buffer")
	SYM(add_response_header, "MHD_add_response_header")
	SYM(queue_response, "MHD_queue_response")
	SYM(destroy_response, "MHD_destroy_response")
	SYM(start_daemon, "MHD_start_daemon")
	SYM(quiesce_daemon, "MHD_quiesce_daemon")
	SYM(stop_daemon, "MHD_stop_daemon")
#undef SYM
	mhd.loaded = true;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
			     const char *type, char *body, size_t len,
			     bool owned)
{
	struct MHD_Response *r = mhd.create_response_from_buffer(
	    len, body, owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r) {
		if (owned)
			free(body);
		return MHD_NO;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = mhd.queue_response(c, status, r);
	mhd.destroy_response(r);
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
	pthread_once(&mhd_once, load_mhd);
	if (!mhd.loaded) {
		snprintf(err, errlen,
			 "cannot serve metrics on %s: libmicrohttpd.so.12 "
			 "(package libmicrohttpd12) cannot be loaded: %s",
			 addr, mhd.why);
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
	p->d = mhd.start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
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
	fd = mhd.quiesce_daemon(p->d);
	mhd.stop_daemon(p->d);
	if (fd >= 0)
		close(fd);
	free(p);
}
