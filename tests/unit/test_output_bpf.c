/* Output module against real BPF maps (root only; without root every
 * test returns at once and says so): maps created with bpf_map_create and
 * filled from user space as the BPF side would, read back through the
 * map_fd callback, per-CPU values summed over every possible CPU, and
 * clear()/zero() on hashes and arrays. */
#include "test_output_util.h"

#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int fds[T_MAX_MAPS];
static int ncpu;

static int fd_of(void *ctx, const struct et_map *m)
{
	return m->id >= 0 && m->id < ntmaps ? fds[m->id] : -ENOENT;
}

static bool root(void)
{
	if (geteuid() == 0)
		return true;
	fprintf(stderr, "(skipped: needs root for BPF maps) ");
	return false;
}

static int create(struct tmap *t)
{
	static const enum bpf_map_type type[] = {
		[MS_HASH] = BPF_MAP_TYPE_HASH,
		[MS_PERCPU_HASH] = BPF_MAP_TYPE_PERCPU_HASH,
		[MS_ARRAY] = BPF_MAP_TYPE_ARRAY,
		[MS_PERCPU_ARRAY] = BPF_MAP_TYPE_PERCPU_ARRAY,
	};
	int fd = bpf_map_create(type[t->m.storage], NULL, t->m.key_size,
				t->m.value_size, 64, NULL);

	CU_ASSERT_FATAL(fd >= 0);
	fds[t->m.id] = fd;
	return fd;
}

/* cpu c of every entry holds base + c */
static void put_u64(int fd, const void *key, uint64_t base, bool percpu)
{
	uint64_t v[256];

	for (int c = 0; c < ncpu; c++)
		v[c] = base + c;
	CU_ASSERT_EQUAL(bpf_map_update_elem(fd, key, v, 0), 0);
	(void)percpu;
}

static void b_open(struct tout *t, enum output_format fmt)
{
	t->buf = NULL;
	t->f = open_memstream(&t->buf, &t->len);
	t->o = output__new(t_prog(), fmt, t->f, fd_of, NULL);
}

static void test_bpf_counts(void)
{
	struct tmap *c, *h;
	uint64_t key[2], sum;
	char want[512];
	struct tout o;
	int fc, fh;

	if (!root())
		return;
	t_reset();
	ncpu = libbpf_num_possible_cpus();
	CU_ASSERT_FATAL(ncpu > 0 && ncpu <= 256);
	c = t_map("@c", type_s64(), t_agg(T_COUNT));
	h = t_map("@h", type_s64(), t_agg(T_HIST));
	fc = create(c);
	fh = create(h);
	for (int k = 1; k <= 3; k++) {
		key[0] = k;
		put_u64(fc, key, 10 * (4 - k), true);
	}
	key[0] = 5;
	key[1] = 4; /* bucket [4, 8) */
	put_u64(fh, key, 1, true);
	b_open(&o, OUT_TEXT);
	CU_ASSERT_EQUAL(output__print_map(o.o, &c->m, 0, 0), 0);
	CU_ASSERT_EQUAL(output__print_map(o.o, &h->m, 0, 0), 0);
	/* key k holds sum over c of 10 * (4 - k) + c: sorted 3, 2, 1 */
	sum = (uint64_t)ncpu * (ncpu - 1) / 2;
	snprintf(want, sizeof(want),
		 "@c[3]: %lu\n@c[2]: %lu\n@c[1]: %lu\n@h[5]: \n"
		 "[4, 8)      %12lu |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@"
		 "@@@@@@@@@@@@|\n\n",
		 10 * ncpu + sum, 20 * ncpu + sum, 30 * ncpu + sum,
		 ncpu + sum);
	t_check_str(&o, want);
	close(fc);
	close(fh);
}

static void test_bpf_clear_zero(void)
{
	struct tmap *c, *s, *a;
	uint64_t key = 1, v[512] = { 0 };
	uint32_t zero_key = 0;
	struct tout o;
	int fc, fs, fa;

	if (!root())
		return;
	t_reset();
	ncpu = libbpf_num_possible_cpus();
	c = t_map("@c", type_s64(), t_agg(T_COUNT));
	s = t_map("@s", type_s64(), t_agg(T_STATS));
	a = t_map("@a", NULL, t_agg(T_SUM));
	fc = create(c);
	fs = create(s);
	fa = create(a);
	put_u64(fc, &key, 1, true);
	for (int i = 0; i < ncpu; i++) {
		v[2 * i] = 10;     /* sum */
		v[2 * i + 1] = 1;  /* count */
	}
	CU_ASSERT_EQUAL(bpf_map_update_elem(fs, &key, v, 0), 0);
	put_u64(fa, &zero_key, 2, true);
	b_open(&o, OUT_TEXT);
	CU_ASSERT_EQUAL(output__clear_map(o.o, &c->m, false), 0);
	CU_ASSERT_EQUAL(output__clear_map(o.o, &s->m, true), 0);
	CU_ASSERT_EQUAL(output__clear_map(o.o, &a->m, false), 0);
	output__print_map(o.o, &c->m, 0, 0);
	output__print_map(o.o, &s->m, 0, 0);
	output__print_map(o.o, &a->m, 0, 0);
	/* cleared hash: empty; zeroed stats: zeroes; array: zeroed */
	t_check_str(&o, "\n@s[1]: count 0, average 0, total 0\n\n@a: 0\n");
	close(fc);
	close(fs);
	close(fa);
}

/* more entries than the first snapshot buffer holds */
static void test_bpf_many(void)
{
	struct tmap *m;
	struct tout o;
	int64_t v;
	int fd;

	if (!root())
		return;
	t_reset();
	m = t_map("@m", type_s64(), type_s64());
	fd = create(m);
	for (int64_t k = 0; k < 60; k++) {
		v = 1000 - k;
		CU_ASSERT_EQUAL(bpf_map_update_elem(fd, &k, &v, 0), 0);
	}
	b_open(&o, OUT_TEXT);
	CU_ASSERT_EQUAL(output__print_map(o.o, &m->m, 3, 0), 0);
	t_check_str(&o, "@m[2]: 998\n@m[1]: 999\n@m[0]: 1000\n");
	b_open(&o, OUT_JSON);
	CU_ASSERT_EQUAL(output__print_map(o.o, &m->m, 0, 0), 0);
	fclose(o.f);
	output__free(o.o);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "\"59\": 941, \"58\": 942,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "\"0\": 1000}}}\n"));
	free(o.buf);
	close(fd);
}

UNIT_MAIN("output_bpf",
	  UNIT_TEST(test_bpf_many),
	  UNIT_TEST(test_bpf_counts),
	  UNIT_TEST(test_bpf_clear_zero))
