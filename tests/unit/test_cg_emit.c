/* Unit tests of the cg_* code generation layer, no root needed: emitted
 * objects open with libbpf (bpf_object__open_mem, through the loader)
 * and show the maps and programs that were defined; the bpf-helpers
 * bitcode links and inlines, every time; the same module optimizes to
 * the same IR and object; errors come back as messages, not exits. */
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "cg.h"
#include "loader.h"
#include "unit.h"

static void count_probe(struct cg *cg, const char *name, const char *sec,
			LLVMValueRef map)
{
	LLVMBuilderRef b = cg_builder(cg);
	LLVMValueRef key, one;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cg_probe_begin(cg, name, sec));
	key = cg_alloca(cg, cg_int(cg, 64), "key");
	one = cg_alloca(cg, cg_int(cg, 64), "one");
	LLVMBuildStore(b, cg_get_pid_tgid(cg), key);
	LLVMBuildStore(b, cg_const(cg, 64, 1), one);
	cg_map_update(cg, map, key, one, BPF_ANY);
	cg_return(cg, 0);
	CU_ASSERT_EQUAL_FATAL(cg_probe_end(cg), 0);
}

static void build_two(struct cg *cg)
{
	struct cg_map_spec s = {
	    .name = "nopre",
	    .type = BPF_MAP_TYPE_HASH,
	    .max_entries = 100,
	    .key_size = 8,
	    .value_size = 24,
	    .map_flags = BPF_F_NO_PREALLOC,
	};
	LLVMValueRef h;

	CU_ASSERT_PTR_NOT_NULL(
	    cg_map_define(cg, "counts", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 8));
	h = cg_map_define(cg, "byid", BPF_MAP_TYPE_HASH, 1024, 8, 8);
	CU_ASSERT_PTR_NOT_NULL(h);
	CU_ASSERT_PTR_NOT_NULL(
	    cg_map_define(cg, "events", BPF_MAP_TYPE_RINGBUF, 1 << 20, 0, 0));
	CU_ASSERT_PTR_NOT_NULL(cg_map_define_spec(cg, &s));
	CU_ASSERT_PTR_EQUAL(cg_map_get(cg, "byid"), h);
	count_probe(cg, "tp_1", "tracepoint/syscalls/sys_enter_getppid", h);
	count_probe(cg, "kp_2", "kprobe/do_nanosleep", h);
}

static void check_map(struct bpf_object *o, const char *name,
		      enum bpf_map_type type, uint32_t max, uint32_t ks,
		      uint32_t vs, uint32_t flags)
{
	struct bpf_map *m = bpf_object__find_map_by_name(o, name);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(bpf_map__type(m), type);
	CU_ASSERT_EQUAL(bpf_map__max_entries(m), max);
	CU_ASSERT_EQUAL(bpf_map__key_size(m), ks);
	CU_ASSERT_EQUAL(bpf_map__value_size(m), vs);
	CU_ASSERT_EQUAL(bpf_map__map_flags(m), flags);
}

static void check_prog(struct bpf_object *o, const char *name, const char *sec,
		       enum bpf_prog_type type)
{
	struct bpf_program *p = bpf_object__find_program_by_name(o, name);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(bpf_program__section_name(p), sec);
	CU_ASSERT_EQUAL(bpf_program__type(p), type);
}

static void check_object(const void *buf, size_t len)
{
	struct loader *l = loader__new();
	struct bpf_object *o;
	struct bpf_map *m;
	int nmaps = 0;

	CU_ASSERT_EQUAL_FATAL(loader__open_mem(l, buf, len, "t"), 0);
	o = loader__object(l);
	check_map(o, "counts", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 8, 0);
	check_map(o, "byid", BPF_MAP_TYPE_HASH, 1024, 8, 8, 0);
	check_map(o, "events", BPF_MAP_TYPE_RINGBUF, 1 << 20, 0, 0, 0);
	check_map(o, "nopre", BPF_MAP_TYPE_HASH, 100, 8, 24, BPF_F_NO_PREALLOC);
	bpf_object__for_each_map(m, o) nmaps++;
	CU_ASSERT_EQUAL(nmaps, 4);
	check_prog(o, "tp_1", "tracepoint/syscalls/sys_enter_getppid",
		   BPF_PROG_TYPE_TRACEPOINT);
	check_prog(o, "kp_2", "kprobe/do_nanosleep", BPF_PROG_TYPE_KPROBE);
	CU_ASSERT_EQUAL(loader__map_fd(l, "nosuch"), -ENOENT);
	loader__free(l);
}

static void test_emit_opens(void)
{
	struct cg *cg = cg__new("t.et");
	void *buf;
	size_t len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cg);
	build_two(cg);
	CU_ASSERT_EQUAL_FATAL(cg_optimize(cg), 0);
	CU_ASSERT_EQUAL_FATAL(cg_emit(cg, &buf, &len), 0);
	CU_ASSERT(len > 0);
	check_object(buf, len);
	free(buf);
	cg__free(cg);
}

/* without O2 too, and through a file */
static void test_emit_file(void)
{
	char path[] = "/tmp/etrace-cg-XXXXXX";
	struct cg *cg = cg__new("t.et");
	char buf[64 * 1024];
	ssize_t n;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	build_two(cg);
	CU_ASSERT_EQUAL_FATAL(cg_emit_file(cg, path), 0);
	n = read(fd, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0 && n < (ssize_t)sizeof(buf));
	check_object(buf, n);
	close(fd);
	unlink(path);
	cg__free(cg);
}

/* return et_log2_bucket(et_linear_bucket(ktime, 0, 100, 10)) */
static void build_libcalls(struct cg *cg)
{
	LLVMValueRef a[4], r;

	cg_probe_begin(cg, "p", "tracepoint/syscalls/sys_enter_getppid");
	a[0] = cg_ktime_get_ns(cg);
	a[1] = cg_const(cg, 32, 0); /* narrower ints are widened */
	a[2] = cg_const(cg, 64, 100);
	a[3] = cg_const(cg, 64, 10);
	r = cg_libcall(cg, "et_linear_bucket", a, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	r = cg_libcall(cg, "et_log2_bucket", &r, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	LLVMBuildRet(cg_builder(cg), r);
	CU_ASSERT_EQUAL_FATAL(cg_probe_end(cg), 0);
}

static void test_helpers_inline(void)
{
	struct cg *cg = cg__new("t.et");
	LLVMModuleRef m = cg_module(cg);
	LLVMValueRef f;
	void *buf;
	size_t len;

	build_libcalls(cg);
	f = LLVMGetNamedFunction(m, "et_strcontains");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(LLVMGetLinkage(f), LLVMInternalLinkage);
	CU_ASSERT_PTR_NULL(LLVMGetNamedGlobal(m, "llvm.used"));
	CU_ASSERT_EQUAL(cg_link_helpers(cg), 0); /* idempotent */
	CU_ASSERT_EQUAL_FATAL(cg_optimize(cg), 0);
	/* inlined where called, dropped where not */
	CU_ASSERT_PTR_NULL(LLVMGetNamedFunction(m, "et_log2_bucket"));
	CU_ASSERT_PTR_NULL(LLVMGetNamedFunction(m, "et_linear_bucket"));
	CU_ASSERT_PTR_NULL(LLVMGetNamedFunction(m, "et_strcontains"));
	CU_ASSERT_EQUAL(cg_emit(cg, &buf, &len), 0);
	free(buf);
	cg__free(cg);
}

/* Zeroes the stack below the caller, where the next calls' frames will
 * be: uninitialized locals there read as 0 rather than as whatever the
 * process (and ASLR) left, so that reading one fails every time. */
static void __attribute__((noinline)) zero_stack(void)
{
	char junk[64 * 1024];

	explicit_bzero(junk, sizeof(junk));
}

/* Every linked helper: internal, without clang's "target-cpu" and
 * "target-features" (which forbid inlining into our probes). */
static void test_helpers_attrs(void)
{
	struct cg *cg = cg__new("t.et");
	LLVMModuleRef m = cg_module(cg);
	LLVMValueRef f;
	int n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(
	    cg_probe_begin(cg, "p", "tracepoint/a/b"));
	zero_stack();
	CU_ASSERT_EQUAL_FATAL(cg_link_helpers(cg), 0);
	cg_return(cg, 0);
	CU_ASSERT_EQUAL(cg_probe_end(cg), 0);
	for (f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
		if (LLVMIsDeclaration(f) || !strcmp(LLVMGetValueName(f), "p"))
			continue;
		n++;
		CU_ASSERT_EQUAL(LLVMGetLinkage(f), LLVMInternalLinkage);
		CU_ASSERT_PTR_NULL(LLVMGetStringAttributeAtIndex(
		    f, LLVMAttributeFunctionIndex, "target-cpu", 10));
		CU_ASSERT_PTR_NULL(LLVMGetStringAttributeAtIndex(
		    f, LLVMAttributeFunctionIndex, "target-features", 15));
	}
	CU_ASSERT(n >= 4);
	cg__free(cg);
}

/* The linker would rename our helper and leave the probe in its place */
static void test_helper_name_taken(void)
{
	struct cg *cg = cg__new("t.et");
	LLVMValueRef a = cg_const(cg, 64, 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(
	    cg_probe_begin(cg, "et_log2_bucket", "tracepoint/a/b"));
	CU_ASSERT_PTR_NULL(cg_libcall(cg, "et_log2_bucket", &a, 1));
	CU_ASSERT_STRING_EQUAL(cg_strerror(cg),
			       "Cannot link the BPF helpers: function "
			       "et_log2_bucket already exists");
	cg_return(cg, 0);
	CU_ASSERT_EQUAL(cg_probe_end(cg), 0);
	CU_ASSERT_EQUAL(cg_verify(cg), 0);
	cg__free(cg);
}

/* The optimized IR and the object of one module built twice */
static char *optimized(void **obj, size_t *len)
{
	struct cg *cg = cg__new("t.et");
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	build_libcalls(cg);
	CU_ASSERT_EQUAL(cg_optimize(cg), 0);
	CU_ASSERT_EQUAL(cg_print_ir(cg, f), 0);
	CU_ASSERT_EQUAL(cg_emit(cg, obj, len), 0);
	fclose(f);
	cg__free(cg);
	return text;
}

static void test_optimize_deterministic(void)
{
	void *o1, *o2;
	size_t l1, l2;
	char *t1 = optimized(&o1, &l1), *t2 = optimized(&o2, &l2);

	CU_ASSERT_STRING_EQUAL(t1, t2);
	CU_ASSERT_PTR_NULL(strstr(t1, "@et_")); /* all inlined */
	CU_ASSERT_EQUAL_FATAL(l1, l2);
	CU_ASSERT(!memcmp(o1, o2, l1));
	free(t1);
	free(t2);
	free(o1);
	free(o2);
}

/* unoptimized, the helpers stay BPF subprograms: still a valid object */
static void test_helpers_out_of_line(void)
{
	struct cg *cg = cg__new("t.et");
	struct loader *l = loader__new();
	void *buf;
	size_t len;

	build_libcalls(cg);
	CU_ASSERT_EQUAL_FATAL(cg_emit(cg, &buf, &len), 0);
	CU_ASSERT_EQUAL(loader__open_mem(l, buf, len, "t"), 0);
	CU_ASSERT_PTR_NOT_NULL(
	    bpf_object__find_program_by_name(loader__object(l), "p"));
	free(buf);
	loader__free(l);
	cg__free(cg);
}

static void test_misuse(void)
{
	struct cg *cg = cg__new("t.et");
	LLVMValueRef a = NULL;

	CU_ASSERT_PTR_NOT_NULL(
	    cg_map_define(cg, "m", BPF_MAP_TYPE_HASH, 1, 8, 8));
	CU_ASSERT_STRING_EQUAL(cg_strerror(cg), "");
	CU_ASSERT_PTR_NULL(cg_map_define(cg, "m", BPF_MAP_TYPE_HASH, 1, 8, 8));
	CU_ASSERT_STRING_EQUAL(cg_strerror(cg),
			       "Cannot define map m: name taken");
	CU_ASSERT_PTR_NULL(cg_map_define(cg, "z", BPF_MAP_TYPE_HASH, 0, 8, 8));
	CU_ASSERT_PTR_NULL(cg_alloca(cg, cg_int(cg, 64), "x"));
	CU_ASSERT_EQUAL(cg_probe_end(cg), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(cg_probe_begin(cg, "p", "tracepoint/a/b"));
	CU_ASSERT_PTR_NULL(cg_probe_begin(cg, "q", "tracepoint/a/b"));
	CU_ASSERT_STRING_EQUAL(cg_strerror(cg),
			       "Cannot start probe q: another probe is open");
	CU_ASSERT_PTR_NULL(cg_libcall(cg, "et_nope", NULL, 0));
	CU_ASSERT_STRING_EQUAL(cg_strerror(cg),
			       "No BPF helper function et_nope");
	CU_ASSERT_PTR_NULL(cg_libcall(cg, "et_log2_bucket", &a, 0));
	CU_ASSERT_STRING_EQUAL(cg_strerror(cg),
			       "et_log2_bucket takes 1 arguments, not 0");
	CU_ASSERT_EQUAL(cg_verify(cg), -EINVAL);    /* p is open */
	CU_ASSERT_EQUAL(cg_probe_end(cg), -EINVAL); /* no terminator */
	CU_ASSERT_PTR_NOT_NULL(strstr(cg_strerror(cg), "no terminator"));
	cg_return(cg, 0);
	CU_ASSERT_EQUAL(cg_probe_end(cg), 0);
	CU_ASSERT_PTR_NULL(cg_probe_begin(cg, "p", "tracepoint/a/b"));
	CU_ASSERT_EQUAL(cg_verify(cg), 0);
	CU_ASSERT_PTR_NULL(cg_probe_begin(cg, "r", "tracepoint/a/b"));
	cg__free(cg);
	cg__free(NULL);
}

static void test_invalid_ir(void)
{
	struct cg *cg = cg__new("t.et");

	cg_probe_begin(cg, "p", "tracepoint/a/b");
	LLVMBuildRet(cg_builder(cg), cg_const(cg, 32, 0)); /* not i64 */
	CU_ASSERT_EQUAL(cg_probe_end(cg), 0);
	CU_ASSERT_EQUAL(cg_optimize(cg), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(cg_strerror(cg), "Invalid module"));
	cg__free(cg);
}

/* The BPF backend reports an oversized stack as an error diagnostic,
 * which by default exits the process: we must get it back instead. */
static void test_stack_limit(void)
{
	struct cg *cg = cg__new("t.et");
	LLVMTypeRef big = LLVMArrayType(cg_int(cg, 8), 1024);
	LLVMValueRef buf;
	void *obj = NULL;
	size_t len;

	cg_probe_begin(cg, "p", "tracepoint/a/b");
	buf = cg_alloca_zero(cg, big, "big");
	cg_get_current_comm(cg, buf, 1024);
	cg_return(cg, 0);
	CU_ASSERT_EQUAL(cg_probe_end(cg), 0);
	CU_ASSERT_EQUAL(cg_optimize(cg), 0);
	CU_ASSERT_EQUAL(cg_emit(cg, &obj, &len), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(cg_strerror(cg), "stack limit"));
	free(obj);
	cg__free(cg);
}

/* two 400-byte buffers fit in 512 bytes of stack only if they share it */
static int two_buffers(bool lifetimes)
{
	struct cg *cg = cg__new("t.et");
	LLVMTypeRef ty = LLVMArrayType(cg_int(cg, 8), 400);
	LLVMValueRef rb, buf;
	void *obj = NULL;
	size_t len;
	int err;

	rb = cg_map_define(cg, "rb", BPF_MAP_TYPE_RINGBUF, 4096, 0, 0);
	cg_probe_begin(cg, "p", "tracepoint/a/b");
	for (int i = 0; i < 2; i++) {
		buf = cg_alloca(cg, ty, "buf");
		if (lifetimes)
			cg_lifetime_start(cg, buf);
		cg_get_current_comm(cg, buf, 400);
		cg_ringbuf_output(cg, rb, buf, 400);
		if (lifetimes)
			cg_lifetime_end(cg, buf);
	}
	cg_return(cg, 0);
	CU_ASSERT_EQUAL(cg_probe_end(cg), 0);
	CU_ASSERT_EQUAL(cg_optimize(cg), 0);
	err = cg_emit(cg, &obj, &len);
	free(obj);
	cg__free(cg);
	return err;
}

static void test_lifetimes(void)
{
	CU_ASSERT_EQUAL(two_buffers(false), -EINVAL);
	CU_ASSERT_EQUAL(two_buffers(true), 0);
}

static void test_print_ir(void)
{
	struct cg *cg = cg__new("t.et");
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	build_two(cg);
	CU_ASSERT_EQUAL(cg_print_ir(cg, f), 0);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "section \".maps\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "define i64 @kp_2(ptr"));
	free(text);
	cg__free(cg);
}

static void test_loader_errors(void)
{
	struct loader *l = loader__new();
	static const char junk[] = "not an ELF file";

	CU_ASSERT_EQUAL(loader__load(l), -EINVAL);
	CU_ASSERT_STRING_EQUAL(loader__strerror(l), "No object is open");
	CU_ASSERT(loader__open_mem(l, junk, sizeof(junk), "junk") < 0);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(loader__strerror(l), "Cannot open the BPF object"));
	CU_ASSERT_PTR_NULL(loader__failed_prog(l));
	CU_ASSERT_EQUAL(loader__log_line(l), 0);
	CU_ASSERT_EQUAL(loader__map_fd(l, "x"), -ENOENT);
	loader__free(l);
	loader__free(NULL);
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

int main(void)
{
	static const struct unit_test t[] = {
	    UNIT_TEST(test_emit_opens),	    UNIT_TEST(test_emit_file),
	    UNIT_TEST(test_helpers_inline), UNIT_TEST(test_helpers_out_of_line),
	    UNIT_TEST(test_misuse),	    UNIT_TEST(test_invalid_ir),
	    UNIT_TEST(test_stack_limit),    UNIT_TEST(test_lifetimes),
	    UNIT_TEST(test_print_ir),	    UNIT_TEST(test_loader_errors),
	    UNIT_TEST(test_helpers_attrs),  UNIT_TEST(test_helper_name_taken),
	    UNIT_TEST(test_optimize_deterministic),
	};

	libbpf_set_print(quiet);
	return unit_run("cg_emit", t, sizeof(t) / sizeof(t[0]));
}
