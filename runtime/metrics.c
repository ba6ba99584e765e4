/* Maps as metrics (metrics.h): a snapshot of the program's maps, read and
 * decoded by the output module (output_map.c: per-CPU sums, hist
 * buckets, keys as the text output prints them) into its own output
 * object, whose map dumps come here instead of being printed; and
 * etrace's health, from the BPF programs' statistics, the lost and drops
 * counters, and the values other parts of the runtime set.
 *
 * Threads: a snapshot may be taken on any thread (the metrics endpoint's,
 * an exporter's) while the event loop prints; snapshots are serialized
 * by m->lock and use only state of their own (their output object, the
 * output module's per-thread sort state). User-space symbols are the one
 * exception: the ELF symbol cache (elf_syms.c) belongs to the event
 * loop's thread, so user addresses in labels stay numbers. */
#include "metrics.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output_impl.h"
#include "span.h"
#include "usyms.h"

#define HIST_LOG2_BUCKETS 66 /* output_map.c: et_log2_bucket 0 .. 65 */

struct metrics {
	const struct et_program *prog;
	metrics_map_fd_fn map_fd;
	void *ctx;
	struct output *out;
	pthread_mutex_t lock;
	bool ready;
	int stats_fd;
	int *fds; /* per probe: entry, return (-1: none) */
	uint64_t start_unix_ns;
	/* a snapshot's arena given back, for the next one: a scrape of
	 * 10k series faulted its few MB in afresh each time otherwise */
	struct arena *spare;
};

/* The families of one snapshot while it is built. */
struct builder {
	struct arena *a;
	struct metric_family *f;
	size_t n, cap;
	bool failed;
};

/* ---- health set by others ---- */

#define MAX_EXPORTERS 8

static pthread_mutex_t health_lock = PTHREAD_MUTEX_INITIALIZER;
static bool health_spans_set;
static struct et_span_stats health_spans;
static struct {
	char name[32];
	struct metrics_export_stats s;
} health_export[MAX_EXPORTERS];
static size_t health_nexport;

void metrics_health_spans(const struct et_span_stats *s)
{
	pthread_mutex_lock(&health_lock);
	health_spans = *s;
	health_spans_set = true;
	pthread_mutex_unlock(&health_lock);
}

/* The overhead guard's state (loadguard.h): per probe, by index */
#define MAX_LOAD_PROBES 4096
static bool health_load_set;
static double health_overhead = -1;
static struct {
	uint64_t divisor;
	bool detached, set;
} health_load[MAX_LOAD_PROBES];

void metrics_health_overhead(double ratio)
{
	pthread_mutex_lock(&health_lock);
	health_overhead = ratio;
	health_load_set = true;
	pthread_mutex_unlock(&health_lock);
}

void metrics_health_probe_load(int probe, uint64_t divisor, bool detached)
{
	if (probe < 0 || probe >= MAX_LOAD_PROBES)
		return;
	pthread_mutex_lock(&health_lock);
	health_load[probe].divisor = divisor;
	health_load[probe].detached = detached;
	health_load[probe].set = true;
	health_load_set = true;
	pthread_mutex_unlock(&health_lock);
}

void metrics_health_export(const char *exporter,
			   const struct metrics_export_stats *s)
{
	size_t i;

	pthread_mutex_lock(&health_lock);
	for (i = 0; i < health_nexport; i++)
		if (!strcmp(health_export[i].name, exporter))
			break;
	if (i == health_nexport && i < MAX_EXPORTERS) {
		snprintf(health_export[i].name, sizeof(health_export[i].name),
			 "%s", exporter);
		health_nexport++;
	}
	if (i < MAX_EXPORTERS)
		health_export[i].s = *s;
	pthread_mutex_unlock(&health_lock);
}

/* ---- the object ---- */

static uint64_t unix_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int out_map_fd(void *ctx, const struct et_map *m)
{
	struct metrics *mt = ctx;

	return mt->map_fd(mt->ctx, m);
}

struct metrics *metrics__new(const struct et_program *prog,
			     metrics_map_fd_fn map_fd, void *ctx)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->prog = prog;
	m->map_fd = map_fd;
	m->ctx = ctx;
	m->stats_fd = -1;
	m->start_unix_ns = unix_ns();
	m->fds = malloc(sizeof(int) * 2 * (prog->nprobes + 1));
	m->out = output__new(prog, OUT_TEXT, NULL, out_map_fd, m);
	if (m->out)
		m->out->scratch = arena__new();
	if (!m->fds || !m->out || !m->out->scratch) {
		if (m->out) {
			arena__free(m->out->scratch);
			m->out->scratch = NULL;
		}
		output__free(m->out);
		free(m->fds);
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	for (int i = 0; i < 2 * prog->nprobes; i++)
		m->fds[i] = -1;
	/* no user symbols: the ELF cache is the event loop's (see above),
	 * and usyms reads it even to print numbers */
	usyms__free(m->out->usyms);
	m->out->usyms = NULL;
	pthread_mutex_init(&m->lock, NULL);
	return m;
}

void metrics__free(struct metrics *m)
{
	if (!m)
		return;
	if (m->stats_fd >= 0)
		close(m->stats_fd);
	arena__free(m->out->scratch);
	m->out->scratch = NULL;
	output__free(m->out);
	arena__free(m->spare);
	pthread_mutex_destroy(&m->lock);
	free(m->fds);
	free(m);
}

void metrics__set_probe_progs(struct metrics *m, int probe, int fd, int ret_fd)
{
	if (probe < 0 || probe >= m->prog->nprobes)
		return;
	pthread_mutex_lock(&m->lock);
	m->fds[2 * probe] = fd;
	m->fds[2 * probe + 1] = ret_fd;
	pthread_mutex_unlock(&m->lock);
}

int metrics__enable_stats(struct metrics *m)
{
	int fd;

	if (m->stats_fd >= 0)
		return 0;
	fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (fd < 0)
		return fd;
	m->stats_fd = fd;
	return 0;
}

void metrics__set_ready(struct metrics *m, bool ready)
{
	pthread_mutex_lock(&m->lock);
	m->ready = ready;
	pthread_mutex_unlock(&m->lock);
}

/* ---- building families ---- */

static struct metric_family *family_add(struct builder *b, const char *name,
					enum metric_type type)
{
	struct metric_family *f;

	if (b->n == b->cap) {
		size_t cap = b->cap * 2 + 16;
		struct metric_family *nf = realloc(b->f, cap * sizeof(*nf));

		if (!nf) {
			b->failed = true;
			return NULL;
		}
		b->f = nf;
		b->cap = cap;
	}
	f = &b->f[b->n++];
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->type = type;
	f->help = "";
	f->unit = "";
	return f;
}

static bool name_taken(const struct builder *b, const char *name)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->f[i].name, name))
			return true;
	return false;
}

/* A metric name from map name mn plus suffix: "@" gone, other characters
 * outside [a-zA-Z0-9_] as "_", "@" alone "map"; "_2", "_3"... when taken
 * (by an earlier map, or etrace_ health). */
static const char *family_name(struct builder *b, const char *mn,
			       const char *suffix)
{
	char *s, *t;

	if (mn[0] == '@')
		mn++;
	s = arena_printf(b->a, "%s%s", mn[0] ? mn : "map", suffix);
	for (t = s; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
		      (*t >= '0' && *t <= '9' && t != s) || *t == '_'))
			*t = '_';
	if (!strncmp(s, "etrace_", 7) || name_taken(b, s)) {
		for (int i = 2;; i++) {
			char *u = arena_printf(b->a, "%s_%d", s, i);

			if (!name_taken(b, u))
				return u;
		}
	}
	return s;
}

/* v in decimal (a minus sign when neg), in a: what "%" PRId64 and
 * "%" PRIu64 print, without stdio's two passes per label */
static const char *label_int(struct arena *a, uint64_t v, bool neg)
{
	char t[24], *e = t + sizeof(t), *p = e;

	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	if (neg)
		*--p = '-';
	return arena_strndup(a, p, (size_t)(e - p));
}

/* A key (or one of its fields) as a label value: as the text output
 * prints it in a map key; a stack one frame a line. */
static const char *label_text(struct arena *a, const struct value *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	const char *s;

	switch (v->kind) {
	case V_STR:
		return arena_strndup(a, v->u.str.s, v->u.str.len);
	case V_INT:
		if (!v->sym)
			return label_int(a,
					 v->u.i < 0 ? 0 - (uint64_t)v->u.i
						    : (uint64_t)v->u.i,
					 v->u.i < 0);
		break;
	case V_UINT:
		if (!v->sym)
			return label_int(a, v->u.u, false);
		break;
	case V_STACK:
		f = open_memstream(&buf, &len);
		if (!f)
			return "";
		for (int i = 0; i < v->u.stack.n; i++)
			fprintf(f, "%s%s", i ? "\n" : "", v->u.stack.frames[i]);
		fclose(f);
		s = arena_strdup(a, buf ? buf : "");
		free(buf);
		return s;
	default:
		break;
	}
	f = open_memstream(&buf, &len);
	if (!f)
		return "";
	text_key_value(f, v);
	fclose(f);
	s = arena_strdup(a, buf ? buf : "");
	free(buf);
	return s;
}

/* Label i of a key: its field's name, else keyI; names Prometheus
 * reserves changed: a histogram's "le" is "le_", "__x" is "_x". */
static const char *label_name(struct arena *a, const char *field, size_t i,
			      bool hist)
{
	if (!field)
		return arena_printf(a, "key%zu", i);
	if (hist && !strcmp(field, "le"))
		return "le_";
	if (!strncmp(field, "__", 2))
		return arena_strdup(a, field + 1);
	return arena_strdup(a, field);
}

/* Label names from the first entry's key: a record's field names, else
 * key0..keyN. */
static void family_labels(struct arena *a, struct metric_family *f,
			  const struct map_dump *d)
{
	const struct value *k = d->n ? &d->e[0].key : NULL;

	if (!d->has_key || !k || k->kind == V_NONE)
		return;
	if (k->kind == V_RECORD || k->kind == V_TUPLE) {
		f->nlabels = k->u.tuple.n;
		f->label_names =
		    arena_calloc(a, f->nlabels + 1, sizeof(char *));
		for (size_t i = 0; i < f->nlabels; i++)
			f->label_names[i] = label_name(
			    a, k->kind == V_RECORD ? k->u.tuple.names[i] : NULL,
			    i, f->type == METRIC_HISTOGRAM);
		return;
	}
	f->nlabels = 1;
	f->label_names = arena_calloc(a, 2, sizeof(char *));
	f->label_names[0] = "key0";
}

static const char **point_labels(struct arena *a, const struct metric_family *f,
				 const struct value *k)
{
	const char **v = arena_calloc(a, f->nlabels + 1, sizeof(char *));

	if (f->nlabels == 1 && k->kind != V_RECORD && k->kind != V_TUPLE) {
		v[0] = label_text(a, k);
		return v;
	}
	for (size_t i = 0; i < f->nlabels; i++)
		v[i] = (k->kind == V_RECORD || k->kind == V_TUPLE) &&
			       (int)i < k->u.tuple.n
			   ? label_text(a, &k->u.tuple.items[i])
			   : "";
	return v;
}

/* A family of d's entries, with labels and zeroed points. */
static struct metric_family *
map_family(struct builder *b, const struct et_map *m, const struct map_dump *d,
	   const char *suffix, enum metric_type type, const char *help)
{
	const char *name = family_name(b, m->name, suffix);
	struct metric_family *f = family_add(b, name, type);

	if (!f)
		return NULL;
	f->help = arena_printf(b->a, "%s of etrace map %s", help, m->name);
	family_labels(b->a, f, d);
	f->npoints = d->n;
	f->points = arena_calloc(b->a, d->n + 1, sizeof(*f->points));
	for (size_t i = 0; i < d->n; i++)
		f->points[i].label_values = point_labels(b->a, f, &d->e[i].key);
	return f;
}

/* The upper bounds of etrace's buckets (metrics.h): n counts, n - 1
 * bounds, the last bucket above them. */
static double *hist_bounds(struct arena *a, const struct value *h)
{
	int n = h->u.hist.n;
	double *b = arena_calloc(a, n, sizeof(double));

	for (int i = 0; i + 1 < n; i++) {
		if (h->u.hist.linear)
			b[i] = (double)(h->u.hist.min +
					(int64_t)i * h->u.hist.step - 1);
		else if (i == 0)
			b[i] = -1;
		else
			b[i] = i - 1 >= 63 ? 9223372036854775807.0
					   : (double)((1ULL << (i - 1)) - 1);
	}
	return b;
}

static void map_hist(struct builder *b, const struct et_map *m,
		     const struct map_dump *d)
{
	struct metric_family *f =
	    map_family(b, m, d, "", METRIC_HISTOGRAM,
		       m->value->kind == T_LHIST ? "lhist()" : "hist()");
	const double *bounds = NULL;

	if (!f)
		return;
	if (d->n && !d->e[0].val.u.hist.has_sum)
		f->help = arena_printf(b->a,
				       "%s (no _sum: the artifact's "
				       "histograms keep bucket counts only)",
				       f->help);
	for (size_t i = 0; i < d->n; i++) {
		const struct value *h = &d->e[i].val;
		struct metric_point *p = &f->points[i];
		uint64_t *c =
		    arena_calloc(b->a, h->u.hist.n + 1, sizeof(uint64_t));

		if (!bounds)
			bounds = hist_bounds(b->a, h);
		memcpy(c, h->u.hist.counts, h->u.hist.n * sizeof(uint64_t));
		p->nbuckets = h->u.hist.n;
		p->bounds = bounds;
		p->counts = c;
		for (int j = 0; j < h->u.hist.n; j++)
			p->count += c[j];
		p->has_sum = h->u.hist.has_sum;
		p->sum = (double)h->u.hist.sum;
	}
}

/* avg(): one gauge, the exact average. stats(): one gauge family with a
 * label stat (stat_ when a key field has that name): count, total and
 * avg, three series per key. */
static void map_stats(struct builder *b, const struct et_map *m,
		      const struct map_dump *d)
{
	static const char *const stat[] = {"count", "total", "avg"};
	bool avg = m->value->kind == T_AVG;
	struct metric_family *f =
	    map_family(b, m, d, "", METRIC_GAUGE,
		       avg ? "avg()" : "stats() count, total and avg");
	struct metric_point *pts;
	const char **names, *sl = "stat";

	if (!f)
		return;
	if (avg) {
		for (size_t i = 0; i < d->n; i++) {
			int64_t cnt = d->e[i].val.u.stats.count;

			f->points[i].as_double = true;
			f->points[i].d =
			    cnt ? (double)d->e[i].val.u.stats.total /
				      (double)cnt
				: 0;
		}
		return;
	}
	for (size_t j = 0; j < f->nlabels; j++)
		if (!strcmp(f->label_names[j], sl))
			sl = "stat_";
	names = arena_calloc(b->a, f->nlabels + 2, sizeof(char *));
	memcpy(names, f->label_names, f->nlabels * sizeof(char *));
	names[f->nlabels] = sl;
	pts = arena_calloc(b->a, 3 * d->n + 1, sizeof(*pts));
	for (size_t i = 0; i < d->n; i++) {
		int64_t cnt = d->e[i].val.u.stats.count;
		int64_t tot = d->e[i].val.u.stats.total;

		for (int k = 0; k < 3; k++) {
			struct metric_point *p = &pts[3 * i + k];
			const char **lv =
			    arena_calloc(b->a, f->nlabels + 2, sizeof(char *));

			memcpy(lv, f->points[i].label_values,
			       f->nlabels * sizeof(char *));
			lv[f->nlabels] = stat[k];
			p->label_values = lv;
			p->i = k == 0 ? cnt : tot;
			p->as_double = k == 2;
			p->d = cnt ? (double)tot / (double)cnt : 0;
		}
	}
	f->label_names = names;
	f->nlabels++;
	f->points = pts;
	f->npoints = 3 * d->n;
}

static void map_plain(struct builder *b, const struct et_map *m,
		      const struct map_dump *d)
{
	const struct et_type *t = m->value;
	bool sum = t->kind == T_COUNT || t->kind == T_SUM;
	const char *help = t->kind == T_COUNT ? "count()"
			   : t->kind == T_SUM ? "sum()"
			   : t->kind == T_MIN ? "min()"
			   : t->kind == T_MAX ? "max()"
					      : "value";
	struct metric_family *f =
	    map_family(b, m, d, "", sum ? METRIC_SUM : METRIC_GAUGE, help);

	if (!f)
		return;
	f->monotonic =
	    t->kind == T_COUNT || (t->kind == T_SUM && !t->is_signed);
	for (size_t i = 0; i < d->n; i++) {
		const struct value *v = &d->e[i].val;

		f->points[i].i =
		    v->kind == V_BOOL ? (int64_t)(v->u.u != 0) : v->u.i;
	}
}

static void on_dump(void *ctx, const struct et_map *m, const struct map_dump *d)
{
	struct builder *b = ctx;

	if (d->kind == DUMP_HIST)
		map_hist(b, m, d);
	else if (d->kind == DUMP_STATS)
		map_stats(b, m, d);
	else if (d->kind == DUMP_PLAIN)
		map_plain(b, m, d);
}

/* Maps whose values are numbers: the others (strings, stacks, tseries)
 * are no metrics. */
static bool map_is_metric(const struct et_map *m)
{
	if (!m->value || !m->name)
		return false;
	switch (m->value->kind) {
	case T_COUNT:
	case T_SUM:
	case T_MIN:
	case T_MAX:
	case T_AVG:
	case T_STATS:
	case T_HIST:
	case T_LHIST:
	case T_INT:
	case T_BOOL:
		return true;
	default:
		return false;
	}
}

static int map_order_cmp(const void *x, const void *y)
{
	const struct et_map *a = *(const struct et_map *const *)x;
	const struct et_map *b = *(const struct et_map *const *)y;

	return strcmp(a->name, b->name);
}

static int snapshot_maps(struct metrics *mt, struct builder *b)
{
	const struct et_program *p = mt->prog;
	const struct et_map **order = calloc(p->nmaps + 1, sizeof(*order));
	int n = 0, err = 0;

	if (!order)
		return -ENOMEM;
	for (int i = 0; i < p->nmaps; i++)
		if (map_is_metric(&p->maps[i]))
			order[n++] = &p->maps[i];
	qsort(order, n, sizeof(*order), map_order_cmp);
	mt->out->dump_fn = on_dump;
	mt->out->dump_ctx = b;
	for (int i = 0; i < n && !err && !b->failed; i++) {
		err = output__print_map(mt->out, order[i], 0, 0);
		/* a map the kernel does not have (never created) is none */
		if (err == -ENOENT)
			err = 0;
	}
	mt->out->dump_fn = NULL;
	free(order);
	return err ? err : b->failed ? -ENOMEM : 0;
}

/* ---- health ---- */

/* A family with one point per distinct label value of label (NULL: no
 * label). */
static struct metric_family *self_family(struct builder *b, const char *name,
					 enum metric_type type,
					 const char *help, size_t cap,
					 const char *const *labels,
					 size_t nlabels)
{
	struct metric_family *f = family_add(b, name, type);

	if (!f)
		return NULL;
	f->self = true;
	f->monotonic = type == METRIC_SUM;
	f->help = help;
	f->nlabels = nlabels;
	f->label_names = arena_calloc(b->a, nlabels + 1, sizeof(char *));
	for (size_t i = 0; i < nlabels; i++)
		f->label_names[i] = labels[i];
	f->points = arena_calloc(b->a, cap + 1, sizeof(*f->points));
	return f;
}

/* The point of f with these label values, added when new. */
static struct metric_point *self_point(struct builder *b,
				       struct metric_family *f,
				       const char *const *values)
{
	struct metric_point *p;

	for (size_t i = 0; i < f->npoints; i++) {
		size_t j = 0;

		while (j < f->nlabels &&
		       !strcmp(f->points[i].label_values[j], values[j]))
			j++;
		if (j == f->nlabels)
			return &f->points[i];
	}
	p = &f->points[f->npoints++];
	p->label_values = arena_calloc(b->a, f->nlabels + 1, sizeof(char *));
	for (size_t j = 0; j < f->nlabels; j++)
		p->label_values[j] = arena_strdup(b->a, values[j]);
	return p;
}

static bool prog_stats(int fd, uint64_t *cnt, uint64_t *ns)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return false;
	*cnt += info.run_cnt;
	*ns += info.run_time_ns;
	return true;
}

static void health_probes(struct metrics *mt, struct builder *b)
{
	static const char *const lbl[] = {"probe"};
	const struct et_program *p = mt->prog;
	struct metric_family *ev, *rt;

	ev = self_family(b, "etrace_probe_events_total", METRIC_SUM,
			 "Runs of each probe's BPF program (events), counted "
			 "by the kernel while metrics are on",
			 p->nprobes, lbl, 1);
	rt = self_family(b, "etrace_probe_run_seconds_total", METRIC_SUM,
			 "Time spent in each probe's BPF programs (entry and "
			 "return), counted by the kernel while metrics are on",
			 p->nprobes, lbl, 1);
	if (!ev || !rt)
		return;
	rt->unit = "s";
	for (int i = 0; i < p->nprobes; i++) {
		const struct et_probe *ep = &p->probes[i];
		const char *name = ep->raw ? ep->raw : ep->prog_name;
		uint64_t cnt = 0, ns = 0, rcnt = 0;
		struct metric_point *pe, *pr;

		if (!prog_stats(mt->fds[2 * i], &cnt, &ns))
			continue;
		prog_stats(mt->fds[2 * i + 1], &rcnt, &ns);
		pe = self_point(b, ev, &name);
		pr = self_point(b, rt, &name);
		pe->i += (int64_t)cnt;
		pr->as_double = true;
		pr->d += (double)ns / 1e9;
	}
}

/* Counter slot key of a per-CPU u64 array, summed over the CPUs. */
static bool percpu_sum(int fd, uint32_t key, uint64_t *buf, int ncpus,
		       uint64_t *out)
{
	*out = 0;
	if (fd < 0 || bpf_map_lookup_elem(fd, &key, buf))
		return false;
	for (int c = 0; c < ncpus; c++)
		*out += buf[c];
	return true;
}

static int special_fd(struct metrics *mt, const char *bpf_name)
{
	struct et_map m = {.id = -1, .bpf_name = bpf_name};

	return mt->map_fd(mt->ctx, &m);
}

/* What the load gates kept from running, per probe (their drops). */
static void health_gates(struct metrics *mt, struct builder *b, int fd,
			 uint64_t *buf, int ncpus)
{
	static const char *const gl[] = {"probe", "cause"};
	const struct et_program *p = mt->prog;
	struct metric_family *f = NULL;
	uint64_t v;

	for (int i = 0; i < p->ndrops; i++) {
		const struct et_drop *d = &p->drops[i];
		const char *val[2];

		if (d->probe < 0 || d->probe >= p->nprobes ||
		    (d->cause != DROP_RATE_LIMIT && d->cause != DROP_SHED))
			continue;
		if (!f)
			f = self_family(b, "etrace_probe_dropped_total",
					METRIC_SUM,
					"Events a probe's rate limit (cause "
					"rate_limit) or the overhead guard's "
					"divisor (shed) kept from running",
					p->ndrops, gl, 2);
		if (!f || !percpu_sum(fd, (uint32_t)i, buf, ncpus, &v))
			continue;
		val[0] = p->probes[d->probe].raw ? p->probes[d->probe].raw
						 : p->probes[d->probe].prog_name;
		val[1] = et_drop_cause_name(d->cause);
		self_point(b, f, val)->i += (int64_t)v;
	}
}

static void health_counters(struct metrics *mt, struct builder *b)
{
	static const char *const dl[] = {"cause", "map"};
	const struct et_program *p = mt->prog;
	int ncpus = libbpf_num_possible_cpus();
	uint64_t *buf, v;
	struct metric_family *f;
	int fd;

	if (ncpus <= 0)
		return;
	buf = calloc(ncpus, sizeof(uint64_t));
	if (!buf)
		return;
	fd = special_fd(mt, ET_LOST_MAP);
	f = self_family(b, "etrace_lost_records_total", METRIC_SUM,
			"Records the ring buffer refused (lost events)", 1,
			NULL, 0);
	if (f && percpu_sum(fd, ET_LOST_RECORDS, buf, ncpus, &v)) {
		f->npoints = 1;
		f->points[0].label_values =
		    arena_calloc(b->a, 1, sizeof(char *));
		f->points[0].i = (int64_t)v;
	}
	fd = special_fd(mt, ET_DROPS_MAP);
	f = self_family(b, "etrace_dropped_total", METRIC_SUM,
			"What the BPF programs lost, by cause and map "
			"(etrace's drop report)",
			p->ndrops, dl, 2);
	for (int i = 0; f && i < p->ndrops; i++) {
		const struct et_drop *d = &p->drops[i];
		const char *val[2];

		if (!percpu_sum(fd, (uint32_t)i, buf, ncpus, &v))
			continue;
		val[0] = et_drop_cause_name(d->cause);
		val[1] = d->map_id >= 0 && d->map_id < p->nmaps
			     ? p->maps[d->map_id].name
			     : "";
		self_point(b, f, val)->i += (int64_t)v;
	}
	health_gates(mt, b, fd, buf, ncpus);
	free(buf);
}

/* etrace_overhead_ratio, etrace_probe_sample_divisor{probe} and
 * etrace_probe_detached{probe}, once the overhead guard measured. */
static void health_load_families(struct metrics *mt, struct builder *b)
{
	static const char *const lbl[] = {"probe"};
	const struct et_program *p = mt->prog;
	struct metric_family *ov, *dv, *dt;
	int n = p->nprobes < MAX_LOAD_PROBES ? p->nprobes : MAX_LOAD_PROBES;

	pthread_mutex_lock(&health_lock);
	if (!health_load_set)
		goto out;
	ov = self_family(b, "etrace_overhead_ratio", METRIC_GAUGE,
			 "BPF run time and etrace's own CPU time over the "
			 "CPUs' time in the last second (--max-overhead)",
			 1, NULL, 0);
	if (ov && health_overhead >= 0) {
		ov->npoints = 1;
		ov->points[0].label_values =
		    arena_calloc(b->a, 1, sizeof(char *));
		ov->points[0].as_double = true;
		ov->points[0].d = health_overhead;
	}
	dv = self_family(b, "etrace_probe_sample_divisor", METRIC_GAUGE,
			 "The overhead guard's divisor: 1 event in N runs",
			 (size_t)n, lbl, 1);
	dt = self_family(b, "etrace_probe_detached", METRIC_GAUGE,
			 "1 when the overhead guard detached the probe",
			 (size_t)n, lbl, 1);
	for (int i = 0; dv && dt && i < n; i++) {
		const struct et_probe *ep = &p->probes[i];
		const char *name = ep->raw ? ep->raw : ep->prog_name;

		if (ep->kind == PK_BEGIN || ep->kind == PK_END)
			continue;
		self_point(b, dv, &name)->i =
		    health_load[i].set ? (int64_t)health_load[i].divisor : 1;
		self_point(b, dt, &name)->i = health_load[i].detached;
	}
out:
	pthread_mutex_unlock(&health_lock);
}

static void self_scalar(struct builder *b, const char *name,
			enum metric_type type, const char *help, uint64_t v)
{
	struct metric_family *f = self_family(b, name, type, help, 1, NULL, 0);

	if (!f)
		return;
	f->npoints = 1;
	f->points[0].label_values = arena_calloc(b->a, 1, sizeof(char *));
	f->points[0].i = (int64_t)v;
}

static void health_set(struct builder *b)
{
	static const char *const el[] = {"exporter"};
	static const struct {
		const char *name, *help;
		bool gauge;
		size_t off;
	} ex[] = {
	    {"etrace_export_queued", "Items waiting in the export queue", true,
	     offsetof(struct metrics_export_stats, queued)},
	    {"etrace_export_queue_capacity", "Bound of the export queue", true,
	     offsetof(struct metrics_export_stats, queue_capacity)},
	    {"etrace_export_sent_total", "Items delivered", false,
	     offsetof(struct metrics_export_stats, sent)},
	    {"etrace_export_dropped_total",
	     "Items dropped (queue full, or given up)", false,
	     offsetof(struct metrics_export_stats, dropped)},
	    {"etrace_export_failed_total", "Failed export requests", false,
	     offsetof(struct metrics_export_stats, failed)},
	    {"etrace_export_retries_total", "Export requests tried again",
	     false, offsetof(struct metrics_export_stats, retries)},
	};
	struct et_span_stats sp;
	bool spans;
	size_t nex;

	pthread_mutex_lock(&health_lock);
	spans = health_spans_set;
	sp = health_spans;
	nex = health_nexport;
	for (size_t k = 0; k < sizeof(ex) / sizeof(ex[0]) && nex; k++) {
		struct metric_family *f = self_family(
		    b, ex[k].name, ex[k].gauge ? METRIC_GAUGE : METRIC_SUM,
		    ex[k].help, nex, el, 1);

		for (size_t i = 0; f && i < nex; i++) {
			const char *name = health_export[i].name;
			uint64_t v;

			memcpy(&v,
			       (const char *)&health_export[i].s + ex[k].off,
			       sizeof(v));
			self_point(b, f, &name)->i = (int64_t)v;
		}
	}
	pthread_mutex_unlock(&health_lock);
	if (!spans)
		return;
	self_scalar(b, "etrace_spans_completed_total", METRIC_SUM,
		    "Spans completed and delivered", sp.completed);
	self_scalar(b, "etrace_spans_expired_total", METRIC_SUM,
		    "Spans begun and never ended before their timeout",
		    sp.expired);
	self_scalar(b, "etrace_spans_overflow_total", METRIC_SUM,
		    "Span begins refused: the instance map was full",
		    sp.overflow);
	self_scalar(b, "etrace_spans_unmatched_end_total", METRIC_SUM,
		    "Span ends with no open instance", sp.unmatched_end);
	self_scalar(b, "etrace_spans_dropped_events_total", METRIC_SUM,
		    "Span events beyond the per-span bound", sp.dropped_events);
	self_scalar(b, "etrace_spans_lost_total", METRIC_SUM,
		    "Completed spans lost in the ring buffer", sp.lost);
}

/* ---- the snapshot ---- */

int metrics__snapshot(struct metrics *m, struct metrics_snapshot **out)
{
	struct builder b = {0};
	struct metrics_snapshot *s;
	int err;

	*out = NULL;
	pthread_mutex_lock(&m->lock);
	b.a = m->spare;
	m->spare = NULL;
	pthread_mutex_unlock(&m->lock);
	if (!b.a)
		b.a = arena__new();
	if (!b.a)
		return -ENOMEM;
	pthread_mutex_lock(&m->lock);
	if (!m->ready) {
		pthread_mutex_unlock(&m->lock);
		arena__free(b.a);
		return -EAGAIN;
	}
	s = arena_calloc(b.a, 1, sizeof(*s));
	s->arena = b.a;
	s->owner = m;
	s->start_unix_ns = m->start_unix_ns;
	err = snapshot_maps(m, &b);
	if (!err) {
		health_probes(m, &b);
		health_counters(m, &b);
		health_set(&b);
		health_load_families(m, &b);
	}
	s->time_unix_ns = unix_ns();
	pthread_mutex_unlock(&m->lock);
	if (!err && b.failed)
		err = -ENOMEM;
	if (err) {
		free(b.f);
		arena__free(b.a);
		return err;
	}
	s->nfamilies = b.n;
	s->families = arena_calloc(b.a, b.n + 1, sizeof(*s->families));
	memcpy(s->families, b.f, b.n * sizeof(*b.f));
	free(b.f);
	*out = s;
	return 0;
}

void metrics__snapshot_free(struct metrics_snapshot *s)
{
	struct metrics *m = s ? s->owner : NULL;
	struct arena *a = s ? s->arena : NULL;

	if (!s)
		return;
	pthread_mutex_lock(&m->lock);
	if (!m->spare) {
		arena__reset(a, OUTPUT_SCRATCH_KEEP);
		m->spare = a;
		a = NULL;
	}
	pthread_mutex_unlock(&m->lock);
	arena__free(a);
}
