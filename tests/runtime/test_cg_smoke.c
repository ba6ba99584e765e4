/* Smoke test of the whole back end, as root: a program built by hand with
 * the cg_* API (per-CPU array, u64-keyed hash, ring buffer, tracepoint on
 * syscalls:sys_enter_getppid, the bpf-helpers string and log2 functions),
 * loaded and attached by the loader, fed 1000 getppid() calls; then the
 * counts, the ring buffer records and the histogram buckets are checked.
 * Also: a program the verifier rejects keeps its log and script line.
 * Prints the back end's timings and peak RSS. Exit 77 when not root. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cg.h"
#include "loader.h"
#include "ringbuf.h"
#include "unit.h"

#define CALLS 1000
#define ACTION_PID 7
#define ACTION_OTHER 3
#define ACTION_UNKNOWN 9 /* sent, but no callback registered */
#define NBUCKETS 66

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* a NUL-padded string of size bytes on the BPF stack */
static LLVMValueRef literal(struct cg *cg, const char *s, unsigned size)
{
	LLVMTypeRef ty = LLVMArrayType(cg_int(cg, 8), size);
	LLVMValueRef a = cg_alloca(cg, ty, "lit");
	char buf[64] = {0};

	strncpy(buf, s, size);
	LLVMBuildStore(cg_builder(cg),
		       LLVMConstStringInContext(cg_context(cg), buf, size, 1),
		       a);
	return a;
}

static LLVMBasicBlockRef block(struct cg *cg, const char *name)
{
	LLVMValueRef fn =
	    LLVMGetBasicBlockParent(LLVMGetInsertBlock(cg_builder(cg)));

	return LLVMAppendBasicBlockInContext(cg_context(cg), fn, name);
}

/* if (cond) counts[idx]++ : the per-CPU counter pattern of count() */
static void count_if(struct cg *cg, LLVMValueRef counts, unsigned idx,
		     LLVMValueRef cond)
{
	LLVMBuilderRef b = cg_builder(cg);
	LLVMBasicBlockRef yes = block(cg, "yes"), hit = block(cg, "hit"),
			  done = block(cg, "done");
	LLVMValueRef key = cg_alloca(cg, cg_int(cg, 32), "key"), v, n;

	LLVMBuildCondBr(b, cond, yes, done);
	LLVMPositionBuilderAtEnd(b, yes);
	LLVMBuildStore(b, cg_const(cg, 32, idx), key);
	v = cg_map_lookup(cg, counts, key);
	LLVMBuildCondBr(b, LLVMBuildIsNull(b, v, ""), done, hit);
	LLVMPositionBuilderAtEnd(b, hit);
	n = LLVMBuildLoad2(b, cg_int(cg, 64), v, "n");
	LLVMBuildStore(b, LLVMBuildAdd(b, n, cg_const(cg, 64, 1), ""), v);
	LLVMBuildBr(b, done);
	LLVMPositionBuilderAtEnd(b, done);
}

/* buckets[et_log2_bucket(n)]++ in the u64-keyed hash */
static void bucket_inc(struct cg *cg, LLVMValueRef buckets, LLVMValueRef n)
{
	LLVMBuilderRef b = cg_builder(cg);
	LLVMBasicBlockRef inc = block(cg, "inc"), add = block(cg, "add"),
			  done = block(cg, "bdone");
	LLVMValueRef key = cg_alloca(cg, cg_int(cg, 64), "bkey");
	LLVMValueRef one = cg_alloca(cg, cg_int(cg, 64), "one"), p;

	LLVMBuildStore(b, cg_libcall(cg, "et_log2_bucket", &n, 1), key);
	p = cg_map_lookup(cg, buckets, key);
	LLVMBuildCondBr(b, LLVMBuildIsNull(b, p, ""), add, inc);
	LLVMPositionBuilderAtEnd(b, inc);
	LLVMBuildAtomicRMW(b, LLVMAtomicRMWBinOpAdd, p, cg_const(cg, 64, 1),
			   LLVMAtomicOrderingMonotonic, 0);
	LLVMBuildBr(b, done);
	LLVMPositionBuilderAtEnd(b, add);
	LLVMBuildStore(b, cg_const(cg, 64, 1), one);
	cg_map_update(cg, buckets, key, one, BPF_NOEXIST);
	LLVMBuildBr(b, done);
	LLVMPositionBuilderAtEnd(b, done);
}

/* the string helpers against our own comm */
static void strings(struct cg *cg, LLVMValueRef counts, const char *comm)
{
	LLVMBuilderRef b = cg_builder(cg);
	LLVMTypeRef c16 = LLVMArrayType(cg_int(cg, 8), 16);
	LLVMValueRef cur = cg_alloca_zero(cg, c16, "comm"), a[4], r, z;
	char other[16];

	memcpy(other, comm, sizeof(other));
	other[0] ^= 1;
	cg_get_current_comm(cg, cur, 16);
	z = cg_const(cg, 64, 0);
	a[0] = cur, a[1] = literal(cg, comm, 16), a[2] = cg_const(cg, 64, 16);
	r = cg_libcall(cg, "et_strncmp", a, 3);
	count_if(cg, counts, 1, LLVMBuildICmp(b, LLVMIntEQ, r, z, ""));
	a[0] = cur, a[1] = cg_const(cg, 64, 16);
	a[2] = literal(cg, comm + 2, 8), a[3] = cg_const(cg, 64, 8);
	r = cg_libcall(cg, "et_strcontains", a, 4);
	count_if(cg, counts, 2, LLVMBuildICmp(b, LLVMIntNE, r, z, ""));
	a[2] = literal(cg, "zq!", 4), a[3] = cg_const(cg, 64, 4);
	r = cg_libcall(cg, "et_strcontains", a, 4);
	count_if(cg, counts, 3, LLVMBuildICmp(b, LLVMIntNE, r, z, ""));
	a[0] = cur, a[1] = literal(cg, other, 16), a[2] = cg_const(cg, 64, 16);
	r = cg_libcall(cg, "et_strncmp", a, 3);
	count_if(cg, counts, 3, LLVMBuildICmp(b, LLVMIntEQ, r, z, ""));
}

struct maps {
	LLVMValueRef counts, buckets, rb;
};

static void define_maps(struct cg *cg, struct maps *m)
{
	m->counts =
	    cg_map_define(cg, "counts", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 8);
	m->buckets =
	    cg_map_define(cg, "buckets", BPF_MAP_TYPE_HASH, NBUCKETS, 8, 8);
	m->rb =
	    cg_map_define(cg, "events", BPF_MAP_TYPE_RINGBUF, 256 * 1024, 0, 0);
}

/* {ACTION_PID, tgid}, then {ACTION_UNKNOWN} and a record too short */
static void output_records(struct cg *cg, LLVMValueRef rb, LLVMValueRef tgid)
{
	LLVMBuilderRef b = cg_builder(cg);
	LLVMTypeRef f[2] = {cg_int(cg, 64), cg_int(cg, 64)}, rect;
	LLVMValueRef rec;

	rect = LLVMStructTypeInContext(cg_context(cg), f, 2, 0);
	rec = cg_alloca(cg, rect, "rec");
	LLVMBuildStore(b, cg_const(cg, 64, ACTION_PID),
		       LLVMBuildStructGEP2(b, rect, rec, 0, ""));
	LLVMBuildStore(b, tgid, LLVMBuildStructGEP2(b, rect, rec, 1, ""));
	cg_ringbuf_output(cg, rb, rec, 16);
	LLVMBuildStore(b, cg_const(cg, 64, ACTION_UNKNOWN),
		       LLVMBuildStructGEP2(b, rect, rec, 0, ""));
	cg_ringbuf_output(cg, rb, rec, 8);
	cg_ringbuf_output(cg, rb, rec, 4); /* too short for an id */
}

/* if (tgid == pid) { counts[0]++; output {7, tgid}; buckets[...]++; ... } */
static void build_smoke(struct cg *cg, uint32_t pid, const char *comm)
{
	LLVMBuilderRef b = cg_builder(cg);
	LLVMBasicBlockRef mine, hit, out;
	LLVMValueRef tgid, key, v, n;
	LLVMTypeRef i64 = cg_int(cg, 64);
	struct maps m;

	define_maps(cg, &m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cg_probe_begin(
	    cg, "smoke", "tracepoint/syscalls/sys_enter_getppid"));
	mine = block(cg, "mine"), hit = block(cg, "hit"),
	out = block(cg, "out");
	key = cg_alloca(cg, cg_int(cg, 32), "key");
	tgid = LLVMBuildLShr(b, cg_get_pid_tgid(cg), cg_const(cg, 64, 32), "");
	LLVMBuildCondBr(
	    b, LLVMBuildICmp(b, LLVMIntEQ, tgid, cg_const(cg, 64, pid), ""),
	    mine, out);
	LLVMPositionBuilderAtEnd(b, mine);
	cg_set_loc(cg, 2, 1);
	LLVMBuildStore(b, cg_const(cg, 32, 0), key);
	v = cg_map_lookup(cg, m.counts, key);
	LLVMBuildCondBr(b, LLVMBuildIsNull(b, v, ""), out, hit);
	LLVMPositionBuilderAtEnd(b, hit);
	n = LLVMBuildAdd(b, LLVMBuildLoad2(b, i64, v, ""), cg_const(cg, 64, 1),
			 "n");
	LLVMBuildStore(b, n, v);
	output_records(cg, m.rb, tgid);
	bucket_inc(cg, m.buckets, n);
	strings(cg, m.counts, comm);
	LLVMBuildBr(b, out);
	LLVMPositionBuilderAtEnd(b, out);
	cg_return(cg, 0);
	CU_ASSERT_EQUAL_FATAL(cg_probe_end(cg), 0);
}

struct seen {
	unsigned mine, other, unknown;
};

static int on_pid(void *ctx, const void *rec, size_t size)
{
	const uint64_t *r = rec;
	struct seen *s = ctx;

	if (size == 16 && r[0] == ACTION_PID && r[1] == (uint64_t)getpid())
		s->mine++;
	return 0;
}

static int on_other(void *ctx, const void *rec, size_t size)
{
	((struct seen *)ctx)->other++;
	return 0;
}

static int on_unknown(void *ctx, const void *rec, size_t size)
{
	const uint64_t *r = rec;

	if (size == 8 && r[0] == ACTION_UNKNOWN)
		((struct seen *)ctx)->unknown++;
	return 0;
}

static uint64_t percpu_sum(int fd, uint32_t key)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[ncpu], sum = 0;

	if (bpf_map_lookup_elem(fd, &key, vals))
		return UINT64_MAX;
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

/* what bpftrace's hist() counts for n = 1..CALLS, computed independently */
static void check_buckets(int fd)
{
	uint64_t want[NBUCKETS] = {0}, got;

	for (uint64_t n = 1; n <= CALLS; n++)
		want[2 + 63 - __builtin_clzll(n)]++;
	for (uint64_t k = 0; k < NBUCKETS; k++) {
		got = 0;
		bpf_map_lookup_elem(fd, &k, &got);
		CU_ASSERT_EQUAL(got, want[k]);
	}
}

static void pin_cpu(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(sched_getcpu(), &set);
	CU_ASSERT_EQUAL(sched_setaffinity(0, sizeof(set), &set), 0);
}

static void build_and_emit(const char *comm, bool opt, void **obj, size_t *len)
{
	double t0, t1, t2, t3, t4;
	struct cg *cg;

	t0 = now_ms();
	cg = cg__new("smoke.et");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cg);
	t1 = now_ms();
	build_smoke(cg, getpid(), comm);
	t2 = now_ms();
	CU_ASSERT_EQUAL(opt ? cg_optimize(cg) : cg_verify(cg), 0);
	t3 = now_ms();
	CU_ASSERT_EQUAL_FATAL(cg_emit(cg, obj, len), 0);
	t4 = now_ms();
	printf("\n  cg__new %.2f ms, build+link %.2f ms, %s %.2f ms, emit "
	       "%.2f ms, object %zu bytes\n",
	       t1 - t0, t2 - t1, opt ? "O2" : "verify", t3 - t2, t4 - t3, *len);
	if (getenv("ETRACE_TEST_IR"))
		cg_print_ir(cg, stdout);
	cg__free(cg);
}

/* every record once to its callback; the unknown and the short ones */
static void check_ringbuf(int fd)
{
	struct seen seen = {0};
	struct ringbuf *rb;

	rb = ringbuf__new(fd);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rb);
	CU_ASSERT_EQUAL(ringbuf__on(rb, ACTION_PID, on_pid, &seen), 0);
	CU_ASSERT_EQUAL(ringbuf__on(rb, ACTION_OTHER, on_other, &seen), 0);
	CU_ASSERT_EQUAL(ringbuf__on(rb, RINGBUF_MAX_ACTIONS, on_other, &seen),
			-EINVAL);
	ringbuf__on_unknown(rb, on_unknown, &seen);
	CU_ASSERT_EQUAL(ringbuf__consume(rb), 3 * CALLS);
	CU_ASSERT_EQUAL(seen.mine, CALLS);
	CU_ASSERT_EQUAL(seen.other, 0);
	CU_ASSERT_EQUAL(seen.unknown, CALLS);
	CU_ASSERT_EQUAL(ringbuf__dropped(rb), CALLS);
	CU_ASSERT_EQUAL(ringbuf__poll(rb, 0), 0);
	ringbuf__free(rb);
}

static void smoke(bool opt)
{
	struct loader *l = loader__new();
	char comm[16] = {0};
	double t0, t1;
	void *obj;
	size_t len;

	pin_cpu();
	prctl(PR_GET_NAME, comm);
	build_and_emit(comm, opt, &obj, &len);
	t0 = now_ms();
	CU_ASSERT_EQUAL_FATAL(loader__open_mem(l, obj, len, "smoke"), 0);
	free(obj);
	if (loader__load(l))
		fprintf(stderr, "%s\n%s\n", loader__strerror(l),
			loader__verifier_log(l) ? loader__verifier_log(l) : "");
	CU_ASSERT_PTR_NULL_FATAL(loader__failed_prog(l));
	CU_ASSERT_EQUAL_FATAL(loader__attach(l), 0);
	t1 = now_ms();
	printf("  open+load+attach %.2f ms\n", t1 - t0);
	CU_ASSERT_EQUAL(loader__nlinks(l), 1);
	for (int i = 0; i < CALLS; i++)
		syscall(SYS_getppid);
	loader__detach(l);
	CU_ASSERT_EQUAL(percpu_sum(loader__map_fd(l, "counts"), 0), CALLS);
	CU_ASSERT_EQUAL(percpu_sum(loader__map_fd(l, "counts"), 1), CALLS);
	CU_ASSERT_EQUAL(percpu_sum(loader__map_fd(l, "counts"), 2), CALLS);
	CU_ASSERT_EQUAL(percpu_sum(loader__map_fd(l, "counts"), 3), 0);
	check_buckets(loader__map_fd(l, "buckets"));
	check_ringbuf(loader__map_fd(l, "events"));
	loader__free(l);
}

static void test_smoke(void)
{
	smoke(true);
}

/* unoptimized, the helpers are BPF-to-BPF calls the verifier must pass */
static void test_smoke_unoptimized(void)
{
	smoke(false);
}

/* the value of a lookup used without the null check, at script line 7 */
static void build_bad(struct cg *cg)
{
	LLVMBuilderRef b = cg_builder(cg);
	LLVMValueRef m, key, v;

	m = cg_map_define(cg, "m", BPF_MAP_TYPE_HASH, 8, 8, 8);
	cg_probe_begin(cg, "bad_probe",
		       "tracepoint/syscalls/sys_enter_getppid");
	key = cg_alloca_zero(cg, cg_int(cg, 64), "key");
	cg_set_loc(cg, 7, 3);
	v = cg_map_lookup(cg, m, key);
	LLVMBuildRet(b, LLVMBuildLoad2(b, cg_int(cg, 64), v, ""));
	CU_ASSERT_EQUAL_FATAL(cg_probe_end(cg), 0);
}

static void test_verifier_log(void)
{
	struct cg *cg = cg__new("bad.et");
	struct loader *l = loader__new();
	const char *log;
	void *obj;
	size_t len;

	build_bad(cg);
	CU_ASSERT_EQUAL_FATAL(cg_optimize(cg), 0);
	CU_ASSERT_EQUAL_FATAL(cg_emit(cg, &obj, &len), 0);
	CU_ASSERT_EQUAL_FATAL(loader__open_mem(l, obj, len, "bad"), 0);
	CU_ASSERT_EQUAL(loader__load(l), -EACCES);
	CU_ASSERT_STRING_EQUAL(loader__failed_prog(l), "bad_probe");
	log = loader__verifier_log(l);
	CU_ASSERT_PTR_NOT_NULL_FATAL(log);
	CU_ASSERT_PTR_NOT_NULL(strstr(log, "invalid mem access"));
	CU_ASSERT_EQUAL(loader__log_line(l), 7);
	CU_ASSERT_PTR_NOT_NULL(strstr(loader__strerror(l), "bad_probe"));
	free(obj);
	loader__free(l);
	cg__free(cg);
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return getenv("ETRACE_TEST_VERBOSE") ? vfprintf(stderr, fmt, ap) : 0;
}

int main(void)
{
	static const struct unit_test t[] = {
	    UNIT_TEST(test_smoke),
	    UNIT_TEST(test_smoke_unoptimized),
	    UNIT_TEST(test_verifier_log),
	};
	struct rusage ru;
	int ret;

	if (geteuid() != 0) {
		fprintf(stderr, "test_cg_smoke: needs root, skipped\n");
		return 77;
	}
	libbpf_set_print(quiet);
	if (loader_tracefs_ensure())
		fprintf(stderr, "test_cg_smoke: cannot mount tracefs\n");
	ret = unit_run("cg_smoke", t, sizeof(t) / sizeof(t[0]));
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS %ld KiB\n", ru.ru_maxrss);
	return ret;
}
