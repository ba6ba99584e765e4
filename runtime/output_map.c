/* Map dumps: reads a BPF map (or takes its bytes from a test), sums the
 * per-CPU values of aggregations (program.h layouts), groups hist/lhist
 * buckets and tseries intervals by key, sorts entries as bpftrace 0.17 does and hands the
 * result to the text or JSON printer. Also clear() and zero(). */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output_impl.h"

#define HIST_BUCKETS 66 /* et_log2_bucket: 0 .. 2 + 63 */
#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's, seen by user space */
#endif
#define LHIST_MAX_BUCKETS 100002

static bool map_percpu(const struct et_map *m)
{
	return m->storage == MS_PERCPU_HASH || m->storage == MS_PERCPU_ARRAY ||
	       m->storage == MS_LRU_PERCPU_HASH;
}

static bool map_array(const struct et_map *m)
{
	return m->storage == MS_ARRAY || m->storage == MS_PERCPU_ARRAY;
}

/* Bytes of one CPU's value in a lookup result. */
static size_t value_stride(const struct et_map *m)
{
	return map_percpu(m) ? (m->value_size + 7) & ~7u : m->value_size;
}

static enum dump_kind dump_kind_of(const struct et_map *m)
{
	switch (m->value->kind) {
	case T_HIST:
	case T_LHIST:
		return DUMP_HIST;
	case T_AVG:
	case T_STATS:
		return DUMP_STATS;
	case T_TSERIES:
		return DUMP_TSERIES;
	default:
		return DUMP_PLAIN;
	}
}

static uint32_t user_key_size(const struct et_map *m)
{
	if (!m->key)
		return 0;
	return m->bucketed ? m->key_size - 8 : m->key_size;
}

struct dump_ctx {
	struct output *o;
	struct value_env env;
	const struct et_map *m;
	const struct output_raw *raw;
	size_t nraw;
	int ncpus;
	size_t stride;
};

static uint64_t cpu_u64(const struct dump_ctx *c, const uint8_t *v, int cpu,
			size_t off)
{
	uint64_t x;

	memcpy(&x, v + cpu * c->stride + off, 8);
	return x;
}

/* min/max over the CPUs that wrote one ({ s64 value; u64 set; }). */
static bool reduce_minmax(const struct dump_ctx *c, const uint8_t *v,
			  bool is_max, int64_t *out)
{
	bool any = false;

	*out = 0;
	for (int i = 0; i < c->ncpus; i++) {
		int64_t x = (int64_t)cpu_u64(c, v, i, 0);

		if (!cpu_u64(c, v, i, 8))
			continue;
		if (!any || (is_max ? x > *out : x < *out))
			*out = x;
		any = true;
	}
	return any;
}

/* A plain map's value (count, sum, min, max or a stored value); false
 * when the entry holds nothing (min/max never written in an array). */
static bool plain_value(struct dump_ctx *c, const uint8_t *v,
			struct map_entry *e)
{
	const struct et_type *t = c->m->value;
	uint64_t sum = 0;
	int64_t mm;

	switch (t->kind) {
	case T_COUNT:
	case T_SUM:
		for (int i = 0; i < c->ncpus; i++)
			sum += cpu_u64(c, v, i, 0);
		e->val.kind = t->kind == T_SUM && t->is_signed ? V_INT : V_UINT;
		e->val.u.u = sum;
		break;
	case T_MIN:
	case T_MAX:
		if (!reduce_minmax(c, v, t->kind == T_MAX, &mm) &&
		    map_array(c->m))
			return false;
		e->val.kind = V_INT;
		e->val.u.i = mm;
		break;
	default:
		value_decode(&c->env, t, v, c->m->value_size, &e->val);
		break;
	}
	e->sort = e->val.u.u;
	e->sort_signed = e->val.kind == V_INT;
	return true;
}

static bool stats_value(struct dump_ctx *c, const uint8_t *v,
			struct map_entry *e)
{
	uint64_t total = 0, count = 0; /* wraps like the s64 sums */

	for (int i = 0; i < c->ncpus; i++) {
		total += cpu_u64(c, v, i, 0);
		count += cpu_u64(c, v, i, 8);
	}
	if (!count && map_array(c->m))
		return false;
	e->val.kind = c->m->value->kind == T_AVG ? V_AVG : V_STATS;
	e->val.u.stats.count = (int64_t)count;
	e->val.u.stats.total = (int64_t)total;
	e->sort = (uint64_t)value_average(&e->val);
	e->sort_signed = true;
	return true;
}

static void key_as_bpftrace(struct arena *a, const struct et_type *t,
			    struct value *v, bool packed);

/* The fields of a record key, in the order value_decode() lists them
 * (anonymous members' fields inline); bitfields print their bits. */
static void key_record(struct arena *a, const struct et_type *t,
		       struct value *v, int *n)
{
	for (uint32_t i = 0; i < t->nfields && *n < v->u.tuple.n; i++) {
		const struct et_field *f = &t->fields[i];

		if (!f->name) {
			if (f->type && f->type->kind == T_RECORD)
				key_record(a, f->type, v, n);
			continue;
		}
		if (f->bit_size)
			v->u.tuple.items[*n].kind = V_INT;
		else
			key_as_bpftrace(a, f->type, &v->u.tuple.items[*n],
					true);
		(*n)++;
	}
}

/* bpftrace 0.17 prints integer keys, tuple members too, as int64 (its
 * MapKey reads 8-byte integers signed): a kretprobe's retval of -9 is
 * @[-9], not @[18446744073709551607]; integers inside a struct or an
 * array key (packed: kept at their size) signed at their size
 * (@[{.u=-15}] for a uint8 of 241); and pointer keys in hex
 * (@[0xffff8881...], as in a kprobe's @[(struct request *)arg0]).
 * Done after sorting, which stays numeric. */
static void key_as_bpftrace(struct arena *a, const struct et_type *t,
			    struct value *v, bool packed)
{
	int n = 0;

	if ((v->kind == V_UINT || v->kind == V_INT) && t->kind == T_INT) {
		v->kind = V_INT;
		if (packed && t->size && t->size < 8)
			v->u.i = (int64_t)(v->u.u << (64 - 8 * t->size)) >>
				 (64 - 8 * t->size);
	} else if ((v->kind == V_UINT || v->kind == V_INT) &&
		   t->kind == T_PTR) {
		v->kind = V_STR;
		v->u.str.s = arena_printf(a, "0x%" PRIx64, v->u.u);
		v->u.str.len = strlen(v->u.str.s);
	} else if (v->kind == V_TUPLE && t->kind == T_TUPLE) {
		for (int i = 0; i < v->u.tuple.n && i < (int)t->nfields; i++)
			key_as_bpftrace(a, t->fields[i].type,
					&v->u.tuple.items[i], false);
	} else if (v->kind == V_ARRAY && t->kind == T_ARRAY && t->elem) {
		for (int i = 0; i < v->u.tuple.n; i++)
			key_as_bpftrace(a, t->elem, &v->u.tuple.items[i], true);
	} else if (v->kind == V_RECORD && t->kind == T_RECORD) {
		key_record(a, t, v, &n);
	}
}

static void entry_key(struct dump_ctx *c, const uint8_t *key,
		      struct map_entry *e)
{
	e->raw_key = key;
	e->raw_len = user_key_size(c->m);
	if (c->m->key)
		value_decode(&c->env, c->m->key, key, e->raw_len,
			     &e->key);
	else
		e->key.kind = V_NONE;
}

static size_t build_flat(struct dump_ctx *c, struct map_entry *out)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nraw; i++) {
		struct map_entry *e = &out[n];
		bool keep;

		memset(e, 0, sizeof(*e));
		entry_key(c, c->raw[i].key, e);
		if (dump_kind_of(c->m) == DUMP_STATS)
			keep = stats_value(c, c->raw[i].value, e);
		else
			keep = plain_value(c, c->raw[i].value, e);
		n += keep;
	}
	return n;
}

/* qsort has no context argument; per thread: metrics (runtime/metrics.c)
 * read maps on the metrics endpoint's thread */
static _Thread_local uint32_t g_prefix_len;

static int raw_prefix_cmp(const void *a, const void *b)
{
	const struct output_raw *x = a, *y = b;

	return memcmp(x->key, y->key, g_prefix_len);
}

static void hist_init(struct dump_ctx *c, struct value *h)
{
	const struct et_type *t = c->m->value;
	int n = HIST_BUCKETS;

	h->kind = V_HIST;
	if (t->kind == T_LHIST) {
		int64_t span = t->lh_step > 0 ?
			(t->lh_max - t->lh_min) / t->lh_step : 0;

		n = span + 2 > LHIST_MAX_BUCKETS ? LHIST_MAX_BUCKETS :
			(int)span + 2;
		h->u.hist.linear = true;
		h->u.hist.min = t->lh_min;
		h->u.hist.max = t->lh_max;
		h->u.hist.step = t->lh_step;
	}
	h->u.hist.n = n;
	h->u.hist.has_sum = c->m->value_size >= 16;
	h->u.hist.counts = arena_calloc(c->env.arena, n, sizeof(uint64_t));
}

/* Bucketed maps: entries sorted by key bytes, one hist per key prefix. */
static size_t build_hist(struct dump_ctx *c, struct map_entry *out)
{
	uint32_t uks = user_key_size(c->m);
	struct output_raw *r = arena_calloc(c->env.arena, c->nraw + 1,
					    sizeof(*r));
	size_t n = 0;

	memcpy(r, c->raw, c->nraw * sizeof(*r));
	g_prefix_len = uks;
	qsort(r, c->nraw, sizeof(*r), raw_prefix_cmp);
	for (size_t i = 0; i < c->nraw; i++) {
		struct map_entry *e = &out[n];
		uint64_t bucket, count = 0, sum = 0;

		if (!i || memcmp(r[i].key, r[i - 1].key, uks)) {
			memset(e, 0, sizeof(*e));
			entry_key(c, r[i].key, e);
			hist_init(c, &e->val);
			n++;
		}
		e = &out[n - 1];
		memcpy(&bucket, (const uint8_t *)r[i].key + uks, 8);
		for (int cpu = 0; cpu < c->ncpus; cpu++) {
			count += cpu_u64(c, r[i].value, cpu, 0);
			if (e->val.u.hist.has_sum)
				sum += cpu_u64(c, r[i].value, cpu, 8);
		}
		if (bucket < (uint64_t)e->val.u.hist.n) {
			e->val.u.hist.counts[bucket] += count;
			e->val.u.hist.sum =
			    (int64_t)((uint64_t)e->val.u.hist.sum + sum);
		}
		e->sort += count;
	}
	return n;
}

/* a before b in the order of the series' values */
static bool ts_less(bool is_signed, uint64_t a, uint64_t b)
{
	return is_signed ? (int64_t)a < (int64_t)b : a < b;
}

/* One slot (key, epoch % n) over the CPUs: the value of its newest
 * epoch, merged from the CPUs that wrote in that epoch (abi.h layout);
 * false when no CPU ever wrote it. */
static bool ts_reduce(const struct dump_ctx *c, const uint8_t *v,
		      uint64_t *epoch, uint64_t *out)
{
	const struct et_type *t = c->m->value;
	uint64_t val = 0, meta = 0, e = 0;
	bool any = false;

	for (int i = 0; i < c->ncpus; i++)
		if (cpu_u64(c, v, i, 16) > e)
			e = cpu_u64(c, v, i, 16);
	for (int i = 0; e && i < c->ncpus; i++) {
		uint64_t x = cpu_u64(c, v, i, 0), m = cpu_u64(c, v, i, 8);

		if (cpu_u64(c, v, i, 16) != e)
			continue;
		if (!any) {
			val = x;
			meta = m;
		} else if (t->ts_agg == TS_LAST) {
			if (m > meta) {
				val = x;
				meta = m;
			}
		} else if (t->ts_agg == TS_SUM || t->ts_agg == TS_AVG) {
			val += x;
			meta += m;
		} else if (ts_less(t->is_signed, x, val) ==
			   (t->ts_agg == TS_MIN)) {
			val = x;
		}
		any = true;
	}
	if (any && t->ts_agg == TS_AVG && meta)
		val = t->is_signed ? (uint64_t)((int64_t)val / (int64_t)meta)
				   : val / meta;
	*epoch = e;
	*out = val;
	return any;
}

/* CLOCK_TAI - CLOCK_REALTIME in whole seconds, as ns (the intervals are
 * counted in TAI; they print in wall clock time) */
static int64_t tai_offset_ns(void)
{
	struct timespec tai, real;

	if (clock_gettime(CLOCK_TAI, &tai) || clock_gettime(CLOCK_REALTIME,
							    &real))
		return 0;
	return (int64_t)(tai.tv_sec - real.tv_sec +
			 (tai.tv_nsec - real.tv_nsec >= 500000000L)) *
	       1000000000LL;
}

/* The intervals of one key from raw slots r[0..n) (same key prefix):
 * from its oldest written epoch inside [first, last] to last, the
 * global newest epoch (as bpftrace 0.26's build_time_series). */
static void ts_series(struct dump_ctx *c, const struct output_raw *r,
		      size_t n, uint64_t first, uint64_t last,
		      struct value *v)
{
	const struct et_type *t = c->m->value;
	int64_t off = tai_offset_ns();
	uint64_t lo = last + 1, e, x;

	for (size_t i = 0; i < n; i++)
		if (ts_reduce(c, r[i].value, &e, &x) && e >= first && e < lo)
			lo = e;
	v->kind = V_TSERIES;
	v->u.ts.is_signed = t->is_signed;
	v->u.ts.n = lo <= last ? (int)(last - lo + 1) : 0;
	v->u.ts.pts = arena_calloc(c->env.arena, v->u.ts.n + 1,
				   sizeof(*v->u.ts.pts));
	for (int i = 0; i < v->u.ts.n; i++)
		v->u.ts.pts[i].start_ns =
		    (int64_t)((lo + i) * t->ts_interval) - off;
	for (size_t i = 0; i < n; i++) {
		if (!ts_reduce(c, r[i].value, &e, &x) || e < lo || e > last)
			continue;
		v->u.ts.pts[e - lo].set = true;
		v->u.ts.pts[e - lo].v = x;
	}
}

/* tseries maps: one series per key prefix, all over the same window of
 * n intervals ending at the newest epoch any key wrote; keys sorted from
 * the least to the most recently written. */
static size_t build_tseries(struct dump_ctx *c, struct map_entry *out)
{
	uint32_t uks = user_key_size(c->m);
	struct output_raw *r = arena_calloc(c->env.arena, c->nraw + 1,
					    sizeof(*r));
	uint64_t last = 0, first, e, x;
	size_t n = 0, start = 0;

	memcpy(r, c->raw, c->nraw * sizeof(*r));
	g_prefix_len = uks;
	qsort(r, c->nraw, sizeof(*r), raw_prefix_cmp);
	for (size_t i = 0; i < c->nraw; i++)
		if (ts_reduce(c, r[i].value, &e, &x) && e > last)
			last = e;
	if (!last)
		return 0;
	first = last >= c->m->value->ts_num ? last - c->m->value->ts_num + 1
					    : 0;
	for (size_t i = 0; i <= c->nraw; i++) {
		struct map_entry *ent = &out[n];

		if (i && i < c->nraw && !memcmp(r[i].key, r[i - 1].key, uks))
			continue;
		if (i > start) {
			memset(ent, 0, sizeof(*ent));
			entry_key(c, r[start].key, ent);
			ts_series(c, r + start, i - start, first, last,
				  &ent->val);
			for (size_t j = start; j < i; j++)
				if (ts_reduce(c, r[j].value, &e, &x) &&
				    e > ent->sort)
					ent->sort = e;
			n += ent->val.u.ts.n > 0;
		}
		start = i;
	}
	return n;
}

/* Keys with runtime frames (value.h: u.stack.runtime) print without the
 * frames' addresses: two stack ids, e.g. two pcs in one JIT-compiled
 * method or two instructions of one Python line, print alike. bpftrace
 * prints a key once; so do we, with the entries' values combined as
 * the per-CPU values of one entry are. Keys without runtime frames are
 * left as they are (two processes' identical native stacks stay two
 * entries, as in bpftrace 0.17). */
static bool key_has_runtime(const struct value *v)
{
	if (v->kind == V_STACK)
		return v->u.stack.runtime;
	if (v->kind == V_TUPLE || v->kind == V_ARRAY || v->kind == V_RECORD)
		for (int i = 0; i < v->u.tuple.n; i++)
			if (key_has_runtime(&v->u.tuple.items[i]))
				return true;
	return false;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t key_hash(uint64_t h, const struct value *v)
{
	h = fnv(h, &v->kind, sizeof(v->kind));
	switch (v->kind) {
	case V_INT:
	case V_UINT:
	case V_BOOL:
		return fnv(h, &v->u.u, sizeof(v->u.u));
	case V_STR:
		return fnv(h, v->u.str.s, v->u.str.len);
	case V_TUPLE:
	case V_ARRAY:
	case V_RECORD:
		for (int i = 0; i < v->u.tuple.n; i++)
			h = key_hash(h, &v->u.tuple.items[i]);
		return h;
	case V_STACK:
		for (int i = 0; i < v->u.stack.n; i++)
			h = fnv(h, v->u.stack.frames[i],
				strlen(v->u.stack.frames[i]) + 1);
		return h;
	default:
		return h;
	}
}

static bool key_same(const struct value *a, const struct value *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case V_INT:
	case V_UINT:
	case V_BOOL:
		return a->u.u == b->u.u;
	case V_STR:
		return a->u.str.len == b->u.str.len &&
		       !memcmp(a->u.str.s, b->u.str.s, a->u.str.len);
	case V_TUPLE:
	case V_ARRAY:
	case V_RECORD:
		if (a->u.tuple.n != b->u.tuple.n)
			return false;
		for (int i = 0; i < a->u.tuple.n; i++)
			if (!key_same(&a->u.tuple.items[i],
				      &b->u.tuple.items[i]))
				return false;
		return true;
	case V_STACK:
		if (a->u.stack.n != b->u.stack.n ||
		    a->u.stack.perf != b->u.stack.perf)
			return false;
		for (int i = 0; i < a->u.stack.n; i++)
			if (strcmp(a->u.stack.frames[i], b->u.stack.frames[i]))
				return false;
		return true;
	default:
		return a->kind == V_NONE;
	}
}

/* into += from, for the aggregations; false for what does not combine
 * (a stored value, a tseries) */
static bool value_combine(const struct et_type *t, struct map_entry *into,
			  const struct map_entry *from)
{
	struct value *a = &into->val;
	const struct value *b = &from->val;

	switch (a->kind) {
	case V_UINT:
	case V_INT:
		if (t->kind == T_COUNT || t->kind == T_SUM)
			a->u.u += b->u.u;
		else if (t->kind == T_MIN)
			a->u.i = b->u.i < a->u.i ? b->u.i : a->u.i;
		else if (t->kind == T_MAX)
			a->u.i = b->u.i > a->u.i ? b->u.i : a->u.i;
		else
			return false;
		into->sort = a->u.u;
		return true;
	case V_STATS:
	case V_AVG:
		a->u.stats.count += b->u.stats.count;
		a->u.stats.total = (int64_t)((uint64_t)a->u.stats.total +
					     (uint64_t)b->u.stats.total);
		into->sort = (uint64_t)value_average(a);
		return true;
	case V_HIST:
		if (a->u.hist.n != b->u.hist.n)
			return false;
		for (int i = 0; i < a->u.hist.n; i++)
			a->u.hist.counts[i] += b->u.hist.counts[i];
		a->u.hist.sum = (int64_t)((uint64_t)a->u.hist.sum +
					  (uint64_t)b->u.hist.sum);
		into->sort += from->sort;
		return true;
	default:
		return false;
	}
}

struct keyref {
	uint64_t hash;
	size_t i;
};

static int keyref_cmp(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* whether a key of type t can hold a user stack (so runtime frames) */
static bool type_has_ustack(const struct et_type *t)
{
	if (t->kind == T_STACK)
		return !t->kernel;
	if (t->kind == T_ARRAY)
		return type_has_ustack(t->elem);
	if (t->kind == T_TUPLE || t->kind == T_RECORD)
		for (uint32_t i = 0; i < t->nfields; i++)
			if (type_has_ustack(t->fields[i].type))
				return true;
	return false;
}

static size_t merge_runtime_keys(struct dump_ctx *c, struct map_entry *e,
				 size_t n)
{
	struct keyref *r;
	size_t nr = 0, out = 0;
	bool *gone;

	if (!c->m->key || n < 2 || !type_has_ustack(c->m->key))
		return n;
	r = arena_calloc(c->env.arena, n + 1, sizeof(*r));
	gone = arena_calloc(c->env.arena, n + 1, sizeof(*gone));
	for (size_t i = 0; i < n; i++)
		if (key_has_runtime(&e[i].key))
			r[nr++] = (struct keyref){
				key_hash(0xcbf29ce484222325ULL, &e[i].key), i
			};
	if (nr < 2)
		return n;
	qsort(r, nr, sizeof(*r), keyref_cmp);
	for (size_t i = 0; i < nr; i++) {
		if (gone[r[i].i])
			continue;
		for (size_t j = i + 1; j < nr && r[j].hash == r[i].hash; j++)
			if (!gone[r[j].i] &&
			    key_same(&e[r[i].i].key, &e[r[j].i].key) &&
			    value_combine(c->m->value, &e[r[i].i], &e[r[j].i]))
				gone[r[j].i] = true;
	}
	for (size_t i = 0; i < n; i++)
		if (!gone[i])
			e[out++] = e[i];
	return out;
}

static _Thread_local enum dump_kind g_sort_kind;
static _Thread_local bool g_sort_by_value;

static int entry_cmp(const void *a, const void *b)
{
	const struct map_entry *x = a, *y = b;
	int c = 0;

	if (g_sort_by_value && x->sort != y->sort) {
		if (x->sort_signed)
			return (int64_t)x->sort < (int64_t)y->sort ? -1 : 1;
		return x->sort < y->sort ? -1 : 1;
	}
	/* bpftrace keeps hist and stats keys in a std::map of key bytes */
	if (g_sort_kind == DUMP_PLAIN)
		c = value_cmp_key(&x->key, &y->key);
	return c ? c : memcmp(x->raw_key, y->raw_key, x->raw_len);
}

static bool sorts_by_value(const struct map_dump *d, const struct et_map *m)
{
	if (d->kind != DUMP_PLAIN)
		return true;
	switch (m->value->kind) {
	case T_COUNT: case T_SUM: case T_MIN: case T_MAX: case T_INT:
		return true;
	default:
		return false;
	}
}

static void dump_print(struct output *o, const struct et_map *m,
		       const struct map_dump *d, struct arena *a)
{
	if (o->dump_fn) {
		o->dump_fn(o->dump_ctx, m, d);
	} else if (o->collect) {
		if (folded_add(o->collect, a, d, o->collect_root ?
			       m->name : NULL))
			o->collect = NULL; /* output__collect_stacks: -ENOMEM */
	} else if (o->fmt == OUT_FOLDED)
		folded_map(o, m, d, a);
	else if (o->fmt == OUT_JSON)
		json_map(o->out, d);
	else
		text_map(o->out, d);
}

int output__print_map_raw(struct output *o, const struct et_map *m,
			  const struct output_raw *raw, size_t nraw, int ncpus,
			  uint64_t top, uint64_t div)
{
	struct dump_ctx c = { .o = o, .m = m, .raw = raw, .nraw = nraw,
			      .ncpus = map_percpu(m) ? ncpus : 1,
			      .stride = value_stride(m) };
	struct map_dump d = { .name = m->name, .div = div ? div : 1 };
	struct arena *ar;

	if (!m->value)
		return -EINVAL;
	d.kind = dump_kind_of(m);
	d.has_key = m->key != NULL;
	ar = o->scratch ? o->scratch : arena__new();
	if (!ar)
		return -ENOMEM;
	output_env(o, ar, &c.env);
	c.env.bare_frames = o->collect || o->fmt == OUT_FOLDED;
	d.e = arena_calloc(ar, nraw + 1, sizeof(*d.e));
	if (d.kind == DUMP_HIST)
		d.n = build_hist(&c, d.e);
	else if (d.kind == DUMP_TSERIES)
		d.n = build_tseries(&c, d.e);
	else
		d.n = build_flat(&c, d.e);
	if (d.kind != DUMP_TSERIES)
		d.n = merge_runtime_keys(&c, d.e, d.n);
	/* bpftrace 0.17 keeps `@ = count()` in an array: never written,
	 * cleared or deleted, it still prints "@: 0" */
	if (!d.n && !d.has_key && m->value->kind == T_COUNT) {
		d.e[0].val.kind = V_UINT;
		d.n = 1;
	}
	g_sort_kind = d.kind;
	g_sort_by_value = sorts_by_value(&d, m);
	/* metrics have no order (a scrape of 10k keys spends a sixth of
	 * its time sorting otherwise) */
	if (!o->dump_fn)
		qsort(d.e, d.n, sizeof(*d.e), entry_cmp);
	for (size_t i = 0; d.has_key && i < d.n; i++)
		key_as_bpftrace(ar, m->key, &d.e[i].key, false);
	/* bpftrace ignores top and div for stats() (not for avg()) */
	if (m->value->kind == T_STATS)
		top = 0;
	if (top && d.n > top) {
		d.e += d.n - top;
		d.n = top;
	}
	dump_print(o, m, &d, ar);
	if (ar == o->scratch)
		arena__reset(ar, OUTPUT_SCRATCH_KEEP);
	else
		arena__free(ar);
	return 0;
}

static int map_grow(uint8_t **keys, uint8_t **vals, size_t *cap, size_t ks,
		    size_t vsize)
{
	size_t c = *cap * 2 + 16;
	uint8_t *k = realloc(*keys, c * ks), *v;

	if (!k)
		return -ENOMEM;
	*keys = k;
	v = realloc(*vals, c * vsize);
	if (!v)
		return -ENOMEM;
	*vals = v;
	*cap = c;
	return 0;
}

/* The whole hash map in batches of up to 4096 entries, one system call
 * each (a large map is read for the metrics endpoint at every scrape):
 * 0, -EOPNOTSUPP/-EINVAL when the kernel or the map has no batch lookup
 * (the caller then walks it key by key), or another -errno. */
static int map_read_batch(int fd, size_t ks, size_t vsize, uint8_t **keys,
			  uint8_t **vals, size_t *n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	uint64_t in = 0, out = 0; /* hash maps: a u32 bucket cursor */
	size_t cap = 0;
	bool first = true;

	for (;;) {
		uint32_t count;
		int err;

		if (cap - *n < 4096) {
			size_t c = cap * 2 + 4096;
			uint8_t *k = realloc(*keys, c * ks), *v;

			if (!k)
				return -ENOMEM;
			*keys = k;
			v = realloc(*vals, c * vsize);
			if (!v)
				return -ENOMEM;
			*vals = v;
			cap = c;
		}
		count = (uint32_t)(cap - *n);
		err = bpf_map_lookup_batch(fd, first ? NULL : &in, &out,
					   *keys + *n * ks, *vals + *n * vsize,
					   &count, &opts);
		err = err ? -errno : 0;
		if (err && err != -ENOENT)
			return err == -ENOTSUPP || err == -EOPNOTSUPP ?
			       -EOPNOTSUPP : err;
		*n += count;
		if (err == -ENOENT)
			return 0;
		in = out;
		first = false;
	}
}

/* A snapshot of the map: every key, then its value. A map without keys
 * is its key 0. */
static int map_read(int fd, const struct et_map *m, size_t vsize,
		    uint8_t **keys, uint8_t **vals, size_t *n)
{
	size_t cap = 0, ks = m->key_size ? m->key_size : 4;
	bool scalar = !m->key && !m->bucketed;
	int err = 0;

	*keys = *vals = NULL;
	*n = 0;
	if (!scalar && !map_array(m)) {
		err = map_read_batch(fd, ks, vsize, keys, vals, n);
		if (err != -EOPNOTSUPP && err != -EINVAL)
			return err;
		free(*keys);
		free(*vals);
		*keys = *vals = NULL;
		*n = 0;
		err = 0;
	}
	for (;;) {
		uint8_t *prev, *key;

		if (*n == cap && (err = map_grow(keys, vals, &cap, ks, vsize)))
			return err;
		prev = *n ? *keys + (*n - 1) * ks : NULL;
		key = *keys + *n * ks;
		if (scalar && *n)
			return 0;
		if (scalar)
			memset(key, 0, ks);
		else if (bpf_map_get_next_key(fd, prev, key))
			return errno == ENOENT ? 0 : -errno;
		if (!bpf_map_lookup_elem(fd, key, *vals + *n * vsize))
			(*n)++;
		else if (errno != ENOENT)
			return -errno;
		else if (scalar)
			return 0;
	}
}

int output__print_map(struct output *o, const struct et_map *m,
		      uint64_t top, uint64_t div)
{
	int ncpus = map_percpu(m) ? libbpf_num_possible_cpus() : 1;
	int fd = o->map_fd ? o->map_fd(o->map_fd_ctx, m) : -ENOENT;
	size_t n, ks = m->key_size ? m->key_size : 4;
	uint8_t *keys, *vals;
	struct output_raw *raw;
	int err;

	if (o->raw_fn) {
		const struct output_raw *e;

		err = o->raw_fn(o->raw_ctx, m, &e, &n, &ncpus);
		return err ? err : output__print_map_raw(o, m, e, n, ncpus,
							 top, div);
	}
	if (fd < 0)
		return fd;
	if (ncpus < 0)
		return ncpus;
	err = map_read(fd, m, value_stride(m) * ncpus, &keys, &vals, &n);
	raw = err ? NULL : calloc(n + 1, sizeof(*raw));
	if (!err && !raw)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < n; i++) {
		raw[i].key = keys + i * ks;
		raw[i].value = vals + i * value_stride(m) * ncpus;
	}
	if (!err)
		err = output__print_map_raw(o, m, raw, n, ncpus, top, div);
	free(raw);
	free(keys);
	free(vals);
	return err;
}

static int map_name_cmp(const void *a, const void *b)
{
	const struct et_map *x = *(const struct et_map *const *)a;
	const struct et_map *y = *(const struct et_map *const *)b;

	return strcmp(x->name, y->name);
}

int output__print_all_maps(struct output *o)
{
	/* a folded file has only stacks in it */
	if (o->fmt == OUT_FOLDED)
		return output__print_maps(o);
	fputs("\n\n", o->sep ? o->sep : o->out);
	if (o->sep && o->sep != o->out)
		fflush(o->sep);
	return output__print_maps(o);
}

/* The program's named maps with values (and, with fit, those fit
 * accepts) by name into *order (free it): their number, or -ENOMEM. */
static int maps_by_name(const struct et_program *p,
			bool (*fit)(const struct et_map *),
			const struct et_map ***order)
{
	int n = 0;

	*order = NULL;
	if (!p || !p->nmaps)
		return 0;
	*order = calloc(p->nmaps, sizeof(**order));
	if (!*order)
		return -ENOMEM;
	for (int i = 0; i < p->nmaps; i++)
		if (p->maps[i].value && p->maps[i].name &&
		    (!fit || fit(&p->maps[i])))
			(*order)[n++] = &p->maps[i];
	qsort(*order, n, sizeof(**order), map_name_cmp);
	return n;
}

int output__print_maps(struct output *o)
{
	const struct et_map **order;
	int err = 0, n = maps_by_name(o->prog, NULL, &order);

	if (n < 0)
		return n;
	for (int i = 0; i < n && !err; i++)
		err = output__print_map(o, order[i], 0, 0);
	free(order);
	return err;
}

/* clear(): delete every key (arrays cannot: zero them); zero(): write
 * zeroes into every value. */
int output__clear_map(struct output *o, const struct et_map *m, bool zero)
{
	int ncpus = map_percpu(m) ? libbpf_num_possible_cpus() : 1;
	int fd = o->map_fd ? o->map_fd(o->map_fd_ctx, m) : -ENOENT;
	size_t n, ks = m->key_size ? m->key_size : 4, vs;
	uint8_t *keys, *vals;
	int err;

	if (fd < 0)
		return fd;
	if (ncpus < 0)
		return ncpus;
	vs = value_stride(m) * ncpus;
	err = map_read(fd, m, vs, &keys, &vals, &n);
	if (!err)
		memset(vals, 0, n * vs);
	for (size_t i = 0; !err && i < n; i++) {
		if (zero || map_array(m))
			err = bpf_map_update_elem(fd, keys + i * ks, vals,
						  BPF_EXIST);
		else
			err = bpf_map_delete_elem(fd, keys + i * ks);
		if (err && errno == ENOENT)
			err = 0;
		else if (err)
			err = -errno;
	}
	free(keys);
	free(vals);
	return err;
}

static bool folded_fit(const struct et_map *m)
{
	return !folded_unfit(m);
}

int output__collect_stacks(struct output *o, struct flamegraph *fg)
{
	const struct et_map **order;
	int err = 0, n = maps_by_name(o->prog, folded_fit, &order);

	if (n < 0)
		return n;
	o->collect_root = n > 1;
	for (int i = 0; i < n && !err; i++) {
		o->collect = fg;
		err = output__print_map(o, order[i], 0, 0);
		if (!err && !o->collect)
			err = -ENOMEM;
	}
	o->collect = NULL;
	free(order);
	return err ? err : n;
}
