/* The OTLP exporter (otlp.h): a bounded queue of span copies filled by
 * the span sink on the event loop's thread, and one sender thread that
 * batches them into requests (otlp_pb.c / otlp_json.c), snapshots the
 * maps every interval (metrics.h), and POSTs both (otlp_http.c) with
 * OTLP/HTTP's retry rules. Nothing here blocks the event loop but the
 * queue's mutex, held for a pointer copy. */
#define _GNU_SOURCE
#include "otlp_impl.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* spans per request, and how long a span may wait for a fuller batch */
#define BATCH_MAX 1024
#define SCHEDULE_DELAY_NS 200000000ULL
/* a request's own timeout; tries of one request; backoff bounds */
#define REQUEST_TIMEOUT_MS 10000
#define MAX_TRIES 6
#define BACKOFF_FIRST_MS 200
#define BACKOFF_MAX_MS 8000
#define RETRY_AFTER_MAX_MS 60000
/* span copies go into blocks of this size (a larger span into one of
 * its own); free blocks kept for reuse */
#define BLOCK_SIZE (64 * 1024)
#define FREE_BLOCKS 64
/* distinct processes whose resource is kept */
#define MAX_PROCS 65536
#define PROC_BUCKETS 1024

/* Span copies, made one after the other in a block by the sink (the
 * event loop's thread), which fills one block at a time (its current):
 * no malloc or free per span. A block is reused once every span in it
 * was sent and the sink has moved on to the next. */
struct block {
	struct block *next; /* on the free list */
	size_t used, cap;   /* of data (used: the sink's alone) */
	uint32_t refs;	    /* spans in it queued or in flight, +1: current */
	_Alignas(8) char data[];
};

struct proc {
	struct proc *next;
	uint32_t pid;
	struct otlp_resource *res;
};

/* What one kind of request came to (traces: items are spans; metrics:
 * items are exports). */
struct flow {
	const char *path; /* "/v1/traces" */
	char *url;	  /* where to: the endpoint's path or a URL of its own */
	const char *what; /* "spans" */
	bool gzip;	  /* requests gzip-compressed */
	uint64_t sent, dropped_queue, dropped_failed, dropped_exit;
	uint64_t requests_failed, retries;
	char last_error[600]; /* why the last delivery failed */
	/* no request before (monotonic ns): the backoff of a request given
	 * up holds for the next one too */
	uint64_t not_before;
	bool said_unreachable, said_refused;
};

struct otlp {
	struct otlp_config cfg;
	char *service;
	struct otlp_kv *attrs; /* OTEL_RESOURCE_ATTRIBUTES */
	size_t nattrs;
	struct otlp_kv *headers; /* OTEL_EXPORTER_OTLP_HEADERS */
	size_t nheaders;
	char host[256];
	struct metrics *m;
	struct otlp_http *http;
	pthread_t thread;
	bool started;
	bool sync; /* lock and wake initialized */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	/* the span queue, a ring of cfg.queue slots */
	struct otlp_span **q;
	/* the sink's block, and blocks to reuse (under the lock) */
	struct block *cur, *free_blocks;
	uint32_t nfree;
	uint32_t head, count;
	uint64_t first_ns; /* when the oldest queued span came */
	/* the final metrics export, handed over by otlp__finish */
	struct otlp_buf final_metrics;
	struct otlp_buf span_body; /* the sender's, reused */
	bool stop;		   /* drain what is queued, then leave */
	volatile bool abort;	   /* the exit timeout ran out */
	uint64_t deadline_ns;	   /* of the drain, once stop is set */
	struct flow traces, metrics;
	/* per-process resources (spans), and the metrics' own */
	struct proc *procs[PROC_BUCKETS];
	uint32_t nprocs;
	struct otlp_resource *other; /* beyond MAX_PROCS */
	struct otlp_resource *self_res;
	bool finished;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* pthread_cond_timedwait until monotonic time t */
static void wait_until(struct otlp *o, uint64_t t)
{
	struct timespec ts = {
	    .tv_sec = (time_t)(t / 1000000000ULL),
	    .tv_nsec = (long)(t % 1000000000ULL),
	};

	pthread_cond_timedwait(&o->wake, &o->lock, &ts);
}

int otlp_parse_interval(const char *text, uint32_t *ms)
{
	static const struct {
		const char *unit;
		uint64_t ms;
	} units[] = {
	    {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"", 1000}};
	char *end;
	unsigned long long v;

	if (!text || text[0] < '0' || text[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit))
			continue;
		if (v > UINT32_MAX / units[i].ms)
			return -EINVAL;
		*ms = (uint32_t)(v * units[i].ms);
		return 0;
	}
	return -EINVAL;
}

/* otlp_resource_of with the OTEL_RESOURCE_ATTRIBUTES */
static struct otlp_resource *resource_new(struct otlp *o, uint32_t pid,
					  const char *comm, const char *service)
{
	struct otlp_resource *r = otlp_resource_of(pid, comm, service, o->host);

	if (r) {
		r->extra = o->attrs;
		r->nextra = o->nattrs;
	}
	return r;
}

/* The headers and resource attributes of c: 0, or -EINVAL after a
 * message. */
static int parse_lists(struct otlp *o, const struct otlp_config *c)
{
	char why[256];

	if (c->headers &&
	    otlp_kv_parse(c->headers, &o->headers, &o->nheaders, why,
			  sizeof(why))) {
		fprintf(stderr, "etrace: otlp: bad headers '%s': %s\n",
			c->headers, why);
		return -EINVAL;
	}
	if (c->resource_attrs &&
	    otlp_kv_parse(c->resource_attrs, &o->attrs, &o->nattrs, why,
			  sizeof(why))) {
		fprintf(stderr,
			"etrace: otlp: bad OTEL_RESOURCE_ATTRIBUTES '%s': "
			"%s\n",
			c->resource_attrs, why);
		return -EINVAL;
	}
	return 0;
}

/* f's URL: own (as it is) or the endpoint's path; 0 or -EINVAL after a
 * message. */
static int flow_url(struct flow *f, const struct otlp_config *c,
		    const char *own)
{
	const char *base = own ? own : c->endpoint;
	size_t n = base ? strlen(base) : 0;

	if (!base)
		return 0; /* that signal is not exported */
	if (!otlp_url_ok(base, own ? (f->path[4] == 't'
					  ? "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
					  : "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
				   : "--otlp"))
		return -EINVAL;
	while (!own && n && base[n - 1] == '/')
		n--;
	f->url = malloc(n + strlen(f->path) + 1);
	if (!f->url)
		return -ENOMEM;
	memcpy(f->url, base, n);
	strcpy(f->url + n, own ? "" : f->path);
	return 0;
}

/* The resource of process pid, made on its first span. */
static const struct otlp_resource *resource_for(struct otlp *o,
						const struct et_span *s)
{
	struct proc **b = &o->procs[s->pid % PROC_BUCKETS], *p;

	/* the -c command's (its name as given: the process may be gone
	 * from /proc by the time its span is read) or -p's */
	if (o->cfg.target && s->pid == (uint32_t)o->cfg.target)
		return o->self_res;
	for (p = *b; p; p = p->next)
		if (p->pid == s->pid)
			return p->res;
	if (o->nprocs >= MAX_PROCS)
		return o->other;
	p = calloc(1, sizeof(*p));
	if (!p)
		return o->other;
	p->pid = s->pid;
	p->res = resource_new(o, s->pid, s->comm, o->service);
	if (!p->res) {
		free(p);
		return o->other;
	}
	p->next = *b;
	*b = p;
	o->nprocs++;
	return p->res;
}

/* Called with the lock held: one reference to b gone; a block nothing
 * refers to any more is kept for reuse, or freed. */
static void block_put(struct otlp *o, struct block *b)
{
	if (!b || --b->refs)
		return;
	if (b->cap == BLOCK_SIZE && o->nfree < FREE_BLOCKS) {
		b->next = o->free_blocks;
		o->free_blocks = b;
		o->nfree++;
		return;
	}
	free(b);
}

/* The sink's block with room for size bytes: its current one, else a
 * free block or a new one (the current one then let go); NULL on
 * ENOMEM. */
static struct block *block_for(struct otlp *o, size_t size)
{
	struct block *b = o->cur;

	if (b && b->cap - b->used >= size)
		return b;
	pthread_mutex_lock(&o->lock);
	block_put(o, b);
	o->cur = NULL;
	b = size <= BLOCK_SIZE ? o->free_blocks : NULL;
	if (b) {
		o->free_blocks = b->next;
		o->nfree--;
	}
	pthread_mutex_unlock(&o->lock);
	if (!b) {
		size_t cap = size > BLOCK_SIZE ? size : BLOCK_SIZE;

		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->cap = cap;
	}
	b->used = 0;
	b->refs = 1;
	o->cur = b;
	return b;
}

int otlp__span_sink(void *ctx, const struct et_span *s)
{
	struct otlp *o = ctx;
	size_t size = otlp_span_size(s);
	struct block *b = block_for(o, size);
	struct otlp_span *c;
	bool wake;

	if (!b) {
		pthread_mutex_lock(&o->lock);
		o->traces.dropped_queue++;
		pthread_mutex_unlock(&o->lock);
		return -ENOMEM;
	}
	c = otlp_span_copy_to(b->data + b->used, s, resource_for(o, s));
	c->block = b;
	pthread_mutex_lock(&o->lock);
	if (o->count == o->cfg.queue || o->stop) {
		/* its bytes are taken again by the next span */
		o->traces.dropped_queue++;
		pthread_mutex_unlock(&o->lock);
		return -ENOBUFS;
	}
	b->used += size;
	b->refs++;
	if (!o->count)
		o->first_ns = now_ns();
	o->q[(o->head + o->count++) % o->cfg.queue] = c;
	wake = o->count == BATCH_MAX;
	pthread_mutex_unlock(&o->lock);
	if (wake)
		pthread_cond_signal(&o->wake);
	return 0;
}

/* etrace's health metrics (metrics.h): the exporters' counters, for the
 * Prometheus endpoint and the next OTLP export. Called with the lock
 * held (the metrics take their own lock, never ours). */
static void health(struct otlp *o)
{
	const struct flow *t = &o->traces, *m = &o->metrics;
	struct metrics_export_stats s = {
	    .queued = o->count,
	    .queue_capacity = o->cfg.queue,
	    .sent = t->sent,
	    .dropped = t->dropped_queue + t->dropped_failed + t->dropped_exit,
	    .failed = t->requests_failed,
	    .retries = t->retries,
	};

	metrics_health_export("otlp_traces", &s);
	s = (struct metrics_export_stats){
	    .queued = o->final_metrics.data != NULL,
	    .queue_capacity = 1,
	    .sent = m->sent,
	    .dropped = m->dropped_failed + m->dropped_exit,
	    .failed = m->requests_failed,
	    .retries = m->retries,
	};
	metrics_health_export("otlp_metrics", &s);
}

/* Called with the lock held; says why a delivery failed, once per kind
 * of failure, while the run goes on. */
static void note_failure(struct otlp *o, struct flow *f,
			 const struct otlp_reply *r, bool final)
{
	if (r->status)
		snprintf(f->last_error, sizeof(f->last_error), "HTTP %ld%s%s",
			 r->status, r->message[0] ? ": " : "", r->message);
	else
		snprintf(f->last_error, sizeof(f->last_error), "%s", r->error);
	if (!r->status && !f->said_unreachable) {
		f->said_unreachable = true;
		fprintf(stderr,
			"etrace: otlp: cannot reach %s: %s "
			"(trying again with backoff)\n",
			f->url, r->error);
	} else if (final && r->status && !otlp_retryable(r) &&
		   !f->said_refused) {
		f->said_refused = true;
		fprintf(stderr,
			"etrace: otlp: %s refused the %s: %s (not "
			"retried: OTLP/HTTP retries only 429, 502, 503 and "
			"504)\n",
			f->url, f->what, f->last_error);
	}
}

static uint32_t backoff_ms(int tries, const struct otlp_reply *r)
{
	uint32_t ms = BACKOFF_FIRST_MS << (tries - 1);

	if (r->retry_after_ms)
		return r->retry_after_ms < RETRY_AFTER_MAX_MS
			   ? r->retry_after_ms
			   : RETRY_AFTER_MAX_MS;
	return ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS;
}

/* Sends body (n items) until it is delivered, refused, or the tries or
 * the exit deadline run out; counts the outcome. Called unlocked. */
static void deliver(struct otlp *o, struct flow *f, bool traces,
		    const struct otlp_buf *body, uint64_t n)
{
	struct otlp_reply r;
	int tries = 0;

	for (;;) {
		uint32_t timeout = REQUEST_TIMEOUT_MS;
		uint64_t wait_ns, until;
		bool stop;

		pthread_mutex_lock(&o->lock);
		while (!o->abort && now_ns() < f->not_before) {
			if (o->stop && f->not_before >= o->deadline_ns) {
				f->dropped_exit += n;
				health(o);
				pthread_mutex_unlock(&o->lock);
				return;
			}
			wait_until(o, f->not_before);
		}
		stop = o->stop;
		if (stop) {
			uint64_t now = now_ns();
			uint64_t left = o->deadline_ns > now
					    ? (o->deadline_ns - now) / 1000000
					    : 0;

			timeout = left < timeout ? (uint32_t)left : timeout;
		}
		pthread_mutex_unlock(&o->lock);
		if (o->abort || !timeout) {
			pthread_mutex_lock(&o->lock);
			f->dropped_exit += n;
			pthread_mutex_unlock(&o->lock);
			return;
		}
		otlp_http__post(o->http, f->url, body, f->gzip, traces, timeout,
				&o->abort, &r);
		tries++;
		pthread_mutex_lock(&o->lock);
		if (r.status >= 200 && r.status < 300) {
			uint64_t rej =
			    r.rejected > 0 ? (uint64_t)r.rejected : 0;

			rej = rej < n ? rej : n;
			f->sent += n - rej;
			f->dropped_failed += rej;
			if (rej && !f->said_refused) {
				f->said_refused = true;
				fprintf(stderr,
					"etrace: otlp: %s rejected "
					"%" PRIu64 " of %" PRIu64 " %s: %s\n",
					f->url, rej, n, f->what,
					r.message[0] ? r.message
						     : "no reason given");
			}
			health(o);
			pthread_mutex_unlock(&o->lock);
			return;
		}
		f->requests_failed++;
		if (!otlp_retryable(&r) || tries >= MAX_TRIES || o->abort) {
			note_failure(o, f, &r, true);
			if (otlp_retryable(&r))
				f->not_before =
				    now_ns() + (uint64_t)backoff_ms(tries, &r) *
						   1000000ULL;
			if (o->abort && !r.status)
				f->dropped_exit += n;
			else
				f->dropped_failed += n;
			health(o);
			pthread_mutex_unlock(&o->lock);
			return;
		}
		note_failure(o, f, &r, false);
		wait_ns = (uint64_t)backoff_ms(tries, &r) * 1000000ULL;
		until = now_ns() + wait_ns;
		f->retries++;
		health(o);
		/* the whole backoff: the condition also wakes for a full
		 * batch and for the exit, which leaves only once the backoff
		 * would outlast the exit timeout */
		while (!o->abort && now_ns() < until) {
			if (o->stop && until >= o->deadline_ns) {
				f->retries--;
				f->not_before = until;
				f->dropped_exit += n;
				health(o);
				pthread_mutex_unlock(&o->lock);
				return;
			}
			wait_until(o, until);
		}
		pthread_mutex_unlock(&o->lock);
	}
}

static void send_spans(struct otlp *o, struct otlp_span **batch, size_t n)
{
	struct otlp_buf *body = &o->span_body;
	int err = o->cfg.protocol == OTLP_JSON
		      ? otlp_json_traces(batch, n, body)
		      : otlp_pb_traces(batch, n, body);

	if (err) {
		pthread_mutex_lock(&o->lock);
		o->traces.dropped_failed += n;
		snprintf(o->traces.last_error, sizeof(o->traces.last_error),
			 "%s", strerror(-err));
		pthread_mutex_unlock(&o->lock);
	} else {
		deliver(o, &o->traces, true, body, n);
	}
	pthread_mutex_lock(&o->lock);
	for (size_t i = 0; i < n; i++)
		block_put(o, batch[i]->block);
	pthread_mutex_unlock(&o->lock);
}

static int encode_metrics(struct otlp *o, struct otlp_buf *body)
{
	struct metrics_snapshot *s;
	int err = metrics__snapshot(o->m, &s);

	if (err)
		return err;
	err = o->cfg.protocol == OTLP_JSON
		  ? otlp_json_metrics(o->self_res, s, body)
		  : otlp_pb_metrics(o->self_res, s, body);
	metrics__snapshot_free(s);
	return err;
}

/* A snapshot of the maps now, sent. Called unlocked. */
static void send_metrics(struct otlp *o, struct otlp_buf *body)
{
	struct otlp_buf own = {0};
	int err = 0;

	if (!body) {
		err = encode_metrics(o, &own);
		body = &own;
	}
	if (err == -EAGAIN) /* not loaded yet, or unloading */
		return;
	if (err) {
		pthread_mutex_lock(&o->lock);
		o->metrics.dropped_failed++;
		snprintf(o->metrics.last_error, sizeof(o->metrics.last_error),
			 "cannot take a snapshot of the maps: %s",
			 strerror(-err));
		pthread_mutex_unlock(&o->lock);
		return;
	}
	deliver(o, &o->metrics, false, body, 1);
	free(own.data);
}

static void *sender(void *arg)
{
	struct otlp *o = arg;
	struct otlp_span *batch[BATCH_MAX];
	uint64_t interval = (uint64_t)o->cfg.interval_ms * 1000000ULL;
	uint64_t next_metrics = interval ? now_ns() + interval : UINT64_MAX;

	pthread_mutex_lock(&o->lock);
	while (!o->abort) {
		uint64_t now = now_ns(), t;
		size_t n = 0;

		if (o->count && (o->count >= BATCH_MAX || o->stop ||
				 now >= o->first_ns + SCHEDULE_DELAY_NS)) {
			while (n < BATCH_MAX && o->count) {
				batch[n++] = o->q[o->head];
				o->head = (o->head + 1) % o->cfg.queue;
				o->count--;
			}
			o->first_ns = now;
			pthread_mutex_unlock(&o->lock);
			send_spans(o, batch, n);
			pthread_mutex_lock(&o->lock);
			continue;
		}
		if (o->stop && o->final_metrics.data) {
			struct otlp_buf b = o->final_metrics;

			o->final_metrics = (struct otlp_buf){0};
			pthread_mutex_unlock(&o->lock);
			deliver(o, &o->metrics, false, &b, 1);
			free(b.data);
			pthread_mutex_lock(&o->lock);
			continue;
		}
		if (o->stop)
			break;
		if (o->m && now >= next_metrics) {
			pthread_mutex_unlock(&o->lock);
			send_metrics(o, NULL);
			pthread_mutex_lock(&o->lock);
			while (next_metrics <= now_ns())
				next_metrics += interval;
			continue;
		}
		t = o->count ? o->first_ns + SCHEDULE_DELAY_NS
			     : now + 1000000000ULL;
		if (o->m && next_metrics < t)
			t = next_metrics;
		wait_until(o, t);
	}
	pthread_mutex_unlock(&o->lock);
	return NULL;
}

struct otlp *otlp__new(const struct otlp_config *c, struct metrics *m)
{
	struct otlp *o = calloc(1, sizeof(*o));
	pthread_condattr_t ca;

	if (!o)
		return NULL;
	o->cfg = *c;
	if (!o->cfg.queue)
		o->cfg.queue = OTLP_DEFAULT_QUEUE;
	if (!o->cfg.exit_timeout_ms)
		o->cfg.exit_timeout_ms = OTLP_EXIT_TIMEOUT_MS;
	o->m = m;
	o->traces = (struct flow){.path = "/v1/traces",
				  .what = "spans",
				  .gzip = !c->plain_traces};
	o->metrics = (struct flow){.path = "/v1/metrics",
				   .what = "metrics",
				   .gzip = !c->plain_metrics};
	if (parse_lists(o, c) || flow_url(&o->traces, c, c->traces_url) ||
	    flow_url(&o->metrics, c, c->metrics_url))
		goto fail_quiet;
	o->service = c->service_name ? strdup(c->service_name) : NULL;
	for (size_t i = 0; !o->service && i < o->nattrs; i++)
		if (!strcmp(o->attrs[i].key, "service.name") &&
		    o->attrs[i].value[0])
			o->service = strdup(o->attrs[i].value);
	if (gethostname(o->host, sizeof(o->host) - 1))
		o->host[0] = '\0';
	o->q = calloc(o->cfg.queue, sizeof(*o->q));
	o->http = otlp_http__new(c->protocol, o->headers, o->nheaders);
	if (!o->q || !o->http)
		goto fail;
	o->other = resource_new(o, 0, "", o->service);
	/* the metrics describe the traced process (-p, -c), else etrace */
	o->self_res =
	    c->target ? resource_new(o, c->target_exe ? 0 : (uint32_t)c->target,
				     c->target_exe, o->service)
		      : resource_new(o, (uint32_t)getpid(), "etrace",
				     o->service ? o->service : "etrace");
	if (!o->other || !o->self_res)
		goto fail;
	o->self_res->pid = (uint32_t)(c->target ? c->target : getpid());
	pthread_mutex_init(&o->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&o->wake, &ca);
	pthread_condattr_destroy(&ca);
	o->sync = true;
	if (pthread_create(&o->thread, NULL, sender, o)) {
		fprintf(stderr,
			"etrace: otlp: cannot start the sender "
			"thread: %s\n",
			strerror(errno));
		goto fail;
	}
	o->started = true;
	return o;
fail:
	otlp__free(o);
	errno = ENOMEM;
	return NULL;
fail_quiet:
	otlp__free(o);
	errno = EINVAL;
	return NULL;
}

static void report(struct otlp *o, struct flow *f)
{
	uint64_t lost = f->dropped_queue + f->dropped_failed + f->dropped_exit;

	if (!f->url)
		return;
	if (f->dropped_queue)
		fprintf(stderr,
			"etrace: otlp: %" PRIu64 " %s dropped: the "
			"export queue (%u spans) was full; the collector at "
			"%s is slower than the spans come\n",
			f->dropped_queue, f->what, o->cfg.queue, f->url);
	if (f->dropped_failed)
		fprintf(stderr,
			"etrace: otlp: %" PRIu64 " %s not delivered "
			"to %s: %s\n",
			f->dropped_failed,
			f == &o->metrics ? "metric exports" : f->what,
			f->url, f->last_error[0] ? f->last_error : "failed");
	if (f->dropped_exit)
		fprintf(stderr,
			"etrace: otlp: %" PRIu64 " %s not delivered "
			"to %s before the exit timeout (%u ms)%s%s\n",
			f->dropped_exit,
			f == &o->metrics ? "metric exports" : f->what,
			f->url, o->cfg.exit_timeout_ms,
			f->last_error[0] ? ": " : "", f->last_error);
	if (o->cfg.verbose)
		fprintf(stderr,
			"etrace: otlp: %" PRIu64 " %s sent to %s "
			"(%" PRIu64 " failed requests, %" PRIu64
			" retries, %" PRIu64 " lost)\n",
			f->sent, f == &o->metrics ? "metric exports" : f->what,
			f->url, f->requests_failed, f->retries,
			lost);
}

uint64_t otlp__finish(struct otlp *o)
{
	struct otlp_buf b = {0};
	uint64_t lost;
	int err;

	if (!o || o->finished)
		return 0;
	o->finished = true;
	/* the maps' last state, read here: the caller frees them next */
	err = o->m ? encode_metrics(o, &b) : 0;
	pthread_mutex_lock(&o->lock);
	if (err && err != -EAGAIN) {
		o->metrics.dropped_failed++;
		snprintf(o->metrics.last_error, sizeof(o->metrics.last_error),
			 "cannot take a snapshot of the maps: %s",
			 strerror(-err));
	}
	o->final_metrics = b;
	o->stop = true;
	o->deadline_ns = now_ns() + o->cfg.exit_timeout_ms * 1000000ULL;
	pthread_cond_signal(&o->wake);
	pthread_mutex_unlock(&o->lock);
	/* the thread leaves by the deadline: each request's timeout and
	 * each backoff end by then; abort cuts a transfer in progress
	 * should the clock have moved on */
	for (;;) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		if (pthread_timedjoin_np(o->thread, NULL, &ts) == 0)
			break;
		if (now_ns() > o->deadline_ns + 1000000000ULL) {
			o->abort = true;
			pthread_cond_signal(&o->wake);
		}
	}
	o->started = false;
	/* spans the thread left in the queue at the deadline */
	o->traces.dropped_exit += o->count;
	while (o->count) {
		block_put(o, o->q[o->head]->block);
		o->head = (o->head + 1) % o->cfg.queue;
		o->count--;
	}
	if (o->final_metrics.data) {
		o->metrics.dropped_exit++;
		free(o->final_metrics.data);
		o->final_metrics.data = NULL;
	}
	health(o);
	report(o, &o->traces);
	report(o, &o->metrics);
	lost = o->traces.dropped_queue + o->traces.dropped_failed +
	       o->traces.dropped_exit + o->metrics.dropped_failed +
	       o->metrics.dropped_exit;
	return lost;
}

void otlp__free(struct otlp *o)
{
	if (!o)
		return;
	if (o->started) {
		pthread_mutex_lock(&o->lock);
		o->stop = true;
		o->abort = true;
		pthread_cond_signal(&o->wake);
		pthread_mutex_unlock(&o->lock);
		pthread_join(o->thread, NULL);
	}
	if (o->q)
		for (; o->count; o->count--) {
			block_put(o, o->q[o->head]->block);
			o->head = (o->head + 1) % o->cfg.queue;
		}
	block_put(o, o->cur);
	while (o->free_blocks) {
		struct block *b = o->free_blocks;

		o->free_blocks = b->next;
		free(b);
	}
	for (int i = 0; i < PROC_BUCKETS; i++)
		for (struct proc *p = o->procs[i], *n; p; p = n) {
			n = p->next;
			free(p->res);
			free(p);
		}
	free(o->final_metrics.data);
	free(o->span_body.data);
	free(o->other);
	free(o->self_res);
	otlp_http__free(o->http);
	free(o->q);
	free(o->traces.url);
	free(o->metrics.url);
	otlp_kv_free(o->attrs, o->nattrs);
	otlp_kv_free(o->headers, o->nheaders);
	free(o->service);
	if (o->sync) {
		pthread_cond_destroy(&o->wake);
		pthread_mutex_destroy(&o->lock);
	}
	free(o);
}
