/* Scaffolding for the output tests (test_output*.c): builds maps, map
 * contents and printf-like records by hand, runs the output module into
 * a memory stream and compares with bpftrace 0.17's output saved under
 * tests/data/output/ (NAME.bt is the program, NAME.txt what it printed).
 *
 * Types are built as the compiler builds them (compiler/types.h) and
 * handed to the output module as the artifact carries them
 * (type_to_et, compiler/artifact_out.h). */
#ifndef ETRACE_TEST_OUTPUT_UTIL_H
#define ETRACE_TEST_OUTPUT_UTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* the included sources need it before any header */
#endif

#include "unit.h"


#include "artifact_out.h"
#include "compile.h"
#include "kallsyms.h"
#include "events.h"
#include "output.h"
#include "output_impl.h"
#include "printf_fmt.h"
#include "types.h"
#include "umaps.h"
#include "usyms.h"
#include "value.h"

/* each test program uses some of the helpers below */
#pragma GCC diagnostic ignored "-Wunused-function"

#define T_NCPUS 2
#define T_MAX_MAPS 32
#define T_MAX_ENTRIES 64

static struct arena *ta;

struct tmap {
	struct et_map m;
	struct map_info info;
	struct output_raw raw[T_MAX_ENTRIES];
	size_t n;
};

static struct tmap tmaps[T_MAX_MAPS];
static struct et_map prog_maps[T_MAX_MAPS];
static int ntmaps;
static struct et_program tprog;

static void t_reset(void)
{
	arena__free(ta);
	ta = arena__new();
	memset(tmaps, 0, sizeof(tmaps));
	ntmaps = 0;
	memset(&tprog, 0, sizeof(tprog));
}

static struct type *t_str(uint32_t n)
{
	return type_string(ta, n);
}

static struct type *t_agg(enum type_kind k)
{
	struct type *t = type_simple(ta, k, 8);

	t->is_signed = k != T_COUNT;
	return t;
}

static struct type *t_lhist(int64_t min, int64_t max, int64_t step)
{
	struct type *t = type_simple(ta, T_LHIST, 8);

	t->lh_min = min;
	t->lh_max = max;
	t->lh_step = step;
	return t;
}

static struct type *t_tuple2(struct type *a, struct type *b)
{
	struct type *e[2] = { a, b };

	return type_tuple(ta, e, 2);
}

/* A map as the code generator describes it (program.h). */
static struct tmap *t_map(const char *name, struct type *key,
			  struct type *val)
{
	struct tmap *t = &tmaps[ntmaps];
	bool agg = type_is_aggregation(val);
	bool hist = val->kind == T_HIST || val->kind == T_LHIST;

	t->info.name = name;
	t->info.key = key;
	t->info.value = val;
	t->info.id = ntmaps;
	t->m.id = ntmaps++;
	t->m.name = name;
	t->m.key = type_to_et(ta, key);
	t->m.value = type_to_et(ta, val);
	t->m.bucketed = hist;
	t->m.key_size = (key ? key->size : hist ? 0 : 4) + (hist ? 8 : 0);
	if (!key && !hist)
		t->m.storage = agg ? MS_PERCPU_ARRAY : MS_ARRAY;
	else
		t->m.storage = agg ? MS_PERCPU_HASH : MS_HASH;
	switch (val->kind) {
	case T_MIN: case T_MAX: case T_AVG: case T_STATS:
		t->m.value_size = 16;
		break;
	default:
		t->m.value_size = agg ? 8 : val->size;
	}
	return t;
}

/* Key bytes: ints are 8 bytes, strings their size (zero padded). */
static uint8_t *t_key(struct tmap *t, const uint8_t *user, uint64_t bucket)
{
	uint8_t *k = arena_calloc(ta, t->m.key_size + 8, 1);
	uint32_t uks = t->m.bucketed ? t->m.key_size - 8 : t->m.key_size;

	if (t->info.key && user)
		memcpy(k, user, uks);
	if (t->m.bucketed)
		memcpy(k + uks, &bucket, 8);
	return k;
}

static uint8_t *t_ikey(int64_t v)
{
	uint8_t *k = arena_calloc(ta, 8, 1);

	memcpy(k, &v, 8);
	return k;
}

static uint8_t *t_skey(const char *s, uint32_t size)
{
	uint8_t *k = arena_calloc(ta, size, 1);

	memcpy(k, s, strlen(s));
	return k;
}

/* A tuple key (int64 or string fields) from already built field bytes. */
static uint8_t *t_tkey(const struct type *tt, const uint8_t *a,
		       const uint8_t *b)
{
	uint8_t *k = arena_calloc(ta, tt->size, 1);

	memcpy(k + tt->fields[0].offset, a, tt->fields[0].type->size);
	memcpy(k + tt->fields[1].offset, b, tt->fields[1].type->size);
	return k;
}

static uint8_t *t_val(struct tmap *t)
{
	size_t stride = (t->m.value_size + 7) & ~7u;
	bool percpu = t->m.storage == MS_PERCPU_HASH ||
		      t->m.storage == MS_PERCPU_ARRAY;

	return arena_calloc(ta, percpu ? stride * T_NCPUS : stride, 1);
}

static void t_put(struct tmap *t, const uint8_t *key, const uint8_t *val)
{
	t->raw[t->n].key = key;
	t->raw[t->n++].value = val;
}

/* count/sum/int: split over the CPUs (aggregations) to test the sum. */
static void t_add_int(struct tmap *t, const uint8_t *user, int64_t v)
{
	uint8_t *val = t_val(t);
	bool agg = type_is_aggregation(t->info.value);
	int64_t a = agg ? v / 2 : v, b = v - a;

	memcpy(val, &a, 8);
	if (agg)
		memcpy(val + 8, &b, 8);
	t_put(t, t_key(t, user, 0), val);
}

/* min/max: CPU 0 holds a value that must be ignored (not set). */
static void t_add_minmax(struct tmap *t, const uint8_t *user, int64_t v)
{
	uint8_t *val = t_val(t);
	int64_t junk = t->info.value->kind == T_MAX ? INT64_MAX : INT64_MIN;
	uint64_t set = 1;

	memcpy(val, &junk, 8);
	memcpy(val + 16, &v, 8);
	memcpy(val + 24, &set, 8);
	t_put(t, t_key(t, user, 0), val);
}

static void t_add_stats(struct tmap *t, const uint8_t *user, int64_t sum,
			uint64_t count)
{
	uint8_t *val = t_val(t);
	int64_t s0 = sum / 2, s1 = sum - s0;
	uint64_t c0 = count / 2, c1 = count - c0;

	memcpy(val, &s0, 8);
	memcpy(val + 8, &c0, 8);
	memcpy(val + 16, &s1, 8);
	memcpy(val + 24, &c1, 8);
	t_put(t, t_key(t, user, 0), val);
}

static void t_add_bucket(struct tmap *t, const uint8_t *user,
			 uint64_t bucket, uint64_t count)
{
	uint8_t *val = t_val(t);
	uint64_t c0 = count / 2, c1 = count - c0;

	memcpy(val, &c0, 8);
	memcpy(val + 8, &c1, 8);
	t_put(t, t_key(t, user, bucket), val);
}

static void t_add_bytes(struct tmap *t, const uint8_t *user, const void *v,
			size_t len)
{
	uint8_t *val = t_val(t);

	memcpy(val, v, len);
	t_put(t, t_key(t, user, 0), val);
}

static int t_raw_fn(void *ctx, const struct et_map *m,
		    const struct output_raw **e, size_t *n, int *ncpus)
{
	struct tmap *t = &tmaps[m->id];

	*e = t->raw;
	*n = t->n;
	*ncpus = T_NCPUS;
	return 0;
}

static struct et_program *t_prog(void)
{
	for (int i = 0; i < ntmaps; i++)
		prog_maps[i] = tmaps[i].m;
	tprog.maps = prog_maps;
	tprog.nmaps = ntmaps;
	return &tprog;
}

/* An output writing to a memory stream, maps from the t_map()s. */
struct tout {
	struct output *o;
	FILE *f;
	char *buf;
	size_t len;
};

static void t_open(struct tout *t, enum output_format fmt)
{
	t->buf = NULL;
	t->f = open_memstream(&t->buf, &t->len);
	t->o = output__new(t_prog(), fmt, t->f, NULL, NULL);
	t->o->raw_fn = t_raw_fn;
	output__set_sources(t->o, ETRACE_TEST_DATA "/output/kallsyms",
			    ETRACE_TEST_DATA "/output/passwd");
}

static char *t_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return strdup("(missing fixture)");
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return buf;
}

/* Closes the stream and compares with tests/data/output/NAME.txt. */
static void t_check(struct tout *t, const char *name)
{
	char path[512];
	char *want;

	fclose(t->f);
	output__free(t->o);
	snprintf(path, sizeof(path), ETRACE_TEST_DATA "/output/%s.txt",
		 name);
	want = t_read_file(path);
	if (strcmp(want, t->buf))
		fprintf(stderr, "\n--- %s: want\n%s--- got\n%s---\n", name,
			want, t->buf);
	CU_ASSERT_STRING_EQUAL(t->buf, want);
	free(want);
	free(t->buf);
}

static void t_check_str(struct tout *t, const char *want)
{
	fclose(t->f);
	output__free(t->o);
	if (strcmp(want, t->buf))
		fprintf(stderr, "\n--- want\n%s--- got\n%s---\n", want,
			t->buf);
	CU_ASSERT_STRING_EQUAL(t->buf, want);
	free(t->buf);
}

/* printf-like records: arguments appended after the 8-byte header. */
struct trec {
	uint8_t buf[1024];
	uint32_t off;
	struct et_arg args[16];
	int n;
	struct et_action a;
};

static void r_init(struct trec *r, enum et_action_kind kind, const char *fmt)
{
	memset(r, 0, sizeof(*r));
	r->off = 8;
	r->a.kind = kind;
	r->a.fmt_str = fmt;
	r->a.args = r->args;
	if (fmt)
		printf_fmt_parse(ta, fmt, strlen(fmt), &r->a.fmt);
}

static void r_arg(struct trec *r, struct type *t, const void *p,
		  uint32_t size)
{
	r->off = (r->off + 7) & ~7u;
	memcpy(r->buf + r->off, p, size);
	r->args[r->n].type = type_to_et(ta, t);
	r->args[r->n].offset = r->off;
	r->args[r->n++].size = size;
	r->a.nargs = r->n;
	r->off += size;
	r->a.rec_size = r->off;
}

static void r_int(struct trec *r, int bytes, bool is_signed, int64_t v)
{
	r_arg(r, type_int(bytes, is_signed), &v, bytes);
}

static void r_str(struct trec *r, const char *s, uint32_t size)
{
	char buf[256] = { 0 };

	memcpy(buf, s, strlen(s) < size ? strlen(s) : size);
	r_arg(r, t_str(size), buf, size);
}

static void r_emit(struct tout *t, struct trec *r)
{
	CU_ASSERT_EQUAL(output__record(t->o, &r->a, r->buf, r->off), 0);
}

#endif
