/* Runtime tests of the code generator, as root: scripts are compiled
 * with compile_run + codegen, loaded and attached with the loader (BEGIN
 * and END run with bpf_prog_test_run_opts), triggered with syscalls from
 * this process, and then the BPF maps and ring buffer records are read
 * raw and checked against the layouts of compiler/program.h.
 * Exit 77 when not root. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "codegen.h"
#include "loader.h"
#include "unit.h"
#include "usdt_notes.h"

#define MAX_RECS 16

static struct compile_ctx ctx;
static struct prog_meta prog;
static struct loader *ld;
static char pidstr[16];

/* ring buffer records, in order */
static struct {
	unsigned char data[16 + ET_JOIN_MAX * ET_JOIN_ARG_SIZE];
	size_t size;
} recs[MAX_RECS];
static int nrecs;

static int on_rec(void *c, void *data, size_t size)
{
	if (nrecs < MAX_RECS && size <= sizeof(recs[0].data)) {
		memcpy(recs[nrecs].data, data, size);
		recs[nrecs++].size = size;
	}
	return 0;
}

static int quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	return getenv("ETRACE_TEST_VERBOSE") ? vfprintf(stderr, f, ap) : 0;
}

static bool is_special(const struct probe_meta *p)
{
	return p->kind == PK_BEGIN || p->kind == PK_END;
}

static void run_prog(enum probe_kind kind)
{
	LIBBPF_OPTS(bpf_test_run_opts, o);
	struct bpf_program *bp;

	for (int i = 0; i < prog.nprobes; i++) {
		if (prog.probes[i].kind != kind)
			continue;
		bp = bpf_object__find_program_by_name(loader__object(ld),
						      prog.probes[i].prog_name);
		CU_ASSERT_PTR_NOT_NULL_FATAL(bp);
		CU_ASSERT_EQUAL(bpf_prog_test_run_opts(bpf_program__fd(bp), &o),
				0);
	}
}

static void set_state(uint32_t filter_pid)
{
	struct et_state st = {0};
	struct timespec ts;
	uint32_t k = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	st.start_ns = ts.tv_sec * 1000000000ull + ts.tv_nsec;
	st.filter_pid = filter_pid;
	CU_ASSERT_EQUAL(bpf_map_update_elem(loader__map_fd(ld, ET_STATE_MAP),
					    &k, &st, 0),
			0);
}

/* usdt: a uprobe at the probe's file offset (as the runtime does) */
static struct bpf_link *attach_usdt(struct bpf_program *bp,
				    const struct attach_point *ap)
{
	struct usdt_notes *un = usdt_notes__open(ap->target);
	const struct usdt_probe *p;
	struct bpf_link *link = NULL;

	p = un ? usdt_notes__find(un, ap->ns, ap->func, false, 0) : NULL;
	CU_ASSERT_PTR_NOT_NULL(p);
	if (p)
		link = bpf_program__attach_uprobe(bp, false, -1, ap->target,
						  p->pc_offset);
	usdt_notes__free(un);
	return link;
}

/* Compiles src ($1 is our pid), loads and attaches it, runs BEGIN; the
 * caller triggers events, then finish() runs END and reads the ring
 * buffer. */
static int start(const char *src, uint32_t filter_pid)
{
	const char *params[] = {pidstr};
	struct compile_opts o = {.kallsyms = "", .nparams = 1,
				 .params = params,
				 .target_pid = (int)filter_pid};
	struct bpf_program *bp;
	int err;

	prog_meta_free(&prog);
	compile_ctx_fini(&ctx);
	memset(&ctx, 0, sizeof(ctx));
	loader__free(ld);
	ld = NULL;
	nrecs = 0;
	CU_ASSERT_EQUAL_FATAL(
	    compile_ctx_init(&ctx, "t.et", src, strlen(src), &o), 0);
	err = compile_run(&ctx, NULL, NULL);
	if (!err)
		err = codegen(&ctx, &prog);
	if (err) {
		diags_print(&ctx.diags, stderr);
		return err;
	}
	ld = loader__new();
	CU_ASSERT_EQUAL_FATAL(loader__open_mem(ld, prog.obj, prog.obj_len, "t"),
			      0);
	/* as the runtime sets -p (runtime/run_fit.c) */
	err = loader__set_rodata(ld, ET_FILTER_PID_VAR, &filter_pid,
				 sizeof(filter_pid));
	CU_ASSERT(err == 0 || (err == -ENOENT && !filter_pid));
	err = loader__load(ld);
	if (err) {
		fprintf(stderr, "%s\n%s\n", loader__strerror(ld),
			loader__verifier_log(ld) ? loader__verifier_log(ld)
						 : "");
		return err;
	}
	/* the kernel took our BTF (else libbpf goes on without it, and
	 * the verifier's log loses the script lines) */
	CU_ASSERT(btf__fd(bpf_object__btf(loader__object(ld))) >= 0);
	set_state(filter_pid);
	/* BEGIN/END (section "raw_tp", no target) are run, not attached */
	for (int i = 0; i < prog.nprobes && !err; i++) {
		struct bpf_link *link;

		if (is_special(&prog.probes[i]))
			continue;
		bp = bpf_object__find_program_by_name(loader__object(ld),
						      prog.probes[i].prog_name);
		link = prog.probes[i].kind == PK_USDT
			   ? attach_usdt(bp, prog.probes[i].ap)
			   : bpf_program__attach(bp);
		err = libbpf_get_error(link);
		if (!err)
			loader__add_link(ld, link);
		if (!err && prog.probes[i].ret_prog_name) {
			bp = bpf_object__find_program_by_name(
			    loader__object(ld), prog.probes[i].ret_prog_name);
			link = bpf_program__attach(bp);
			err = libbpf_get_error(link);
			if (!err)
				loader__add_link(ld, link);
		}
		if (err)
			fprintf(stderr, "cannot attach %s\n",
				prog.probes[i].section);
	}
	if (!err)
		run_prog(PK_BEGIN);
	return err;
}

static void finish(void)
{
	struct ring_buffer *rb;

	loader__detach(ld);
	run_prog(PK_END);
	rb = ring_buffer__new(loader__map_fd(ld, ET_RINGBUF_MAP),
			      (ring_buffer_sample_fn)on_rec, NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rb);
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
}

static const struct map_meta *map(const char *name)
{
	for (int i = 0; i < prog.nmaps; i++)
		if (!strcmp(prog.maps[i].name, name))
			return &prog.maps[i];
	CU_FAIL_FATAL("no such map");
	return NULL;
}

static int map_fd(const char *name)
{
	return loader__map_fd(ld, map(name)->bpf_name);
}

/* The value of a map at key, summed over CPUs for per-CPU maps (the
 * u64 at offset off of each CPU's value); -1 when missing. */
static int64_t get(const char *name, const void *key, unsigned off)
{
	const struct map_meta *m = map(name);
	int ncpu = libbpf_num_possible_cpus();
	bool percpu = m->storage == MS_PERCPU_HASH ||
		      m->storage == MS_PERCPU_ARRAY;
	size_t vs = (m->value_size + 7) & ~7u;
	unsigned char *v = calloc(ncpu, vs);
	uint32_t zero = 0;
	int64_t sum = 0, x;

	if (bpf_map_lookup_elem(map_fd(name), key ? key : &zero, v)) {
		free(v);
		return -1;
	}
	for (int c = 0; c < (percpu ? ncpu : 1); c++) {
		memcpy(&x, v + c * vs + off, 8);
		sum += x;
	}
	free(v);
	return sum;
}

static int64_t get_int(const char *name, int64_t key)
{
	return get(name, &key, 0);
}

static void test_begin_values(void)
{
	char key[16] = {0};
	unsigned char tk[24] = {0}, tv[16];
	uint64_t one = 1;

	CU_ASSERT_EQUAL_FATAL(
	    start("BEGIN { @x = 5; @s = \"abc\"; @t[1, \"ab\"] = (-2, \"xy\");"
		  " @neg = -7; @u8 = (uint8)300; @k[\"key\"] = 9; exit(3); "
		  "@after = 1; }",
		  0),
	    0);
	finish();
	CU_ASSERT_EQUAL(get("@x", NULL, 0), 5);
	CU_ASSERT_EQUAL(get("@neg", NULL, 0), -7);
	CU_ASSERT_EQUAL(get("@u8", NULL, 0), 44);
	CU_ASSERT_EQUAL(get("@after", NULL, 0), -1); /* exit() returned */
	strcpy(key, "key");
	CU_ASSERT_EQUAL(map("@k")->key_size, 4);
	CU_ASSERT_EQUAL(get("@k", key, 0), 9);
	/* (int64, string[3]) key: 1 at 0, "ab" at 8 */
	memcpy(tk, &one, 8);
	memcpy(tk + 8, "ab", 3);
	CU_ASSERT_EQUAL_FATAL(map("@t")->key_size, 16);
	CU_ASSERT_EQUAL(bpf_map_lookup_elem(map_fd("@t"), tk, tv), 0);
	CU_ASSERT_EQUAL(*(int64_t *)tv, -2);
	CU_ASSERT_STRING_EQUAL((char *)tv + 8, "xy");
	CU_ASSERT_EQUAL_FATAL(nrecs, 1);
	CU_ASSERT_EQUAL(((uint64_t *)recs[0].data)[0], prog.nactions - 1);
	CU_ASSERT_EQUAL(prog.actions[prog.nactions - 1].kind, ACT_EXIT);
	CU_ASSERT_EQUAL(((int64_t *)recs[0].data)[1], 3);
}

static void test_printf_record(void)
{
	const struct action_meta *a;
	const unsigned char *r;

	CU_ASSERT_EQUAL_FATAL(
	    start("BEGIN { printf(\"%d %s %u|%s\\n\", -42, \"hi\", "
		  "(uint32)7, comm); print(@m); @m = 1; time(); }",
		  0),
	    0);
	finish();
	CU_ASSERT_EQUAL_FATAL(nrecs, 3);
	a = &prog.actions[0];
	r = recs[0].data;
	CU_ASSERT_EQUAL(recs[0].size, a->rec_size);
	CU_ASSERT_EQUAL(*(uint64_t *)r, 0);
	CU_ASSERT_EQUAL(*(int64_t *)(r + a->args[0].offset), -42);
	CU_ASSERT_STRING_EQUAL((const char *)r + a->args[1].offset, "hi");
	CU_ASSERT_EQUAL(*(uint64_t *)(r + a->args[2].offset), 7);
	CU_ASSERT_EQUAL(a->args[3].size, 16);
	CU_ASSERT_EQUAL(strncmp((const char *)r + a->args[3].offset,
				"test_codegen_ru", 15),
			0);
	CU_ASSERT_EQUAL(prog.actions[1].kind, ACT_PRINT_MAP);
	CU_ASSERT_EQUAL(prog.actions[1].map_id, map("@m")->id);
	CU_ASSERT_EQUAL(recs[1].size, 24);
	CU_ASSERT_EQUAL(prog.actions[2].kind, ACT_TIME);
	CU_ASSERT_STRING_EQUAL(prog.actions[2].fmt_str, "%H:%M:%S\n");
}

/* operators, with the expected values computed by C */
static void test_expressions(void)
{
	static const struct {
		const char *expr;
		int64_t want;
	} t[] = {
	    /* bpftrace 0.17: / % >> are unsigned whatever the types */
	    {"-7 / 2", (int64_t)(-7ull / 2)},
	    {"-8 % 3", (int64_t)(-8ull % 3)},
	    {"(uint64)-8 >> 1", (int64_t)((uint64_t)-8 >> 1)},
	    {"-8 >> 1", (int64_t)(-8ull >> 1)},
	    {"(uint32)-8 / 2", 2147483644},
	    {"(int32)-5 >> 1", (int64_t)(-5ull >> 1)},
	    {"(uint8)200 > (int8)-1", 0},
	    {"-5 * 3", -15},
	    {"1 << 40", 1ll << 40},
	    {"0xf0 & 0x3c | 1 ^ 3", (0xf0 & 0x3c) | (1 ^ 3)},
	    {"~5", ~5},
	    {"!0 + !7", 1},
	    {"3 > 2 && 0 || 5 == 5", 1},
	    {"-1 < 1", 1},
	    {"(uint8)255 + (uint8)1", 256},
	    {"(int8)200", (int8_t)200},
	    {"2 > 1 ? 10 : 20", 10},
	    {"\"abc\" == \"abc\"", 1},
	    {"\"abc\" != \"abd\"", 1},
	    {"strncmp(\"abcx\", \"abcy\", 3)", 0},
	    {"strncmp(\"abcx\", \"abcy\", 4) != 0", 1},
	    {"strcontains(\"hello world\", \"o w\")", 1},
	    {"strcontains(\"hello\", \"xyz\")", 0},
	    {"(1, \"two\", 3).2", 3},
	    {"@missing", 0},
	    {"sizeof(int32)", 4},
	    {"$1 == pid", 1},
	    {"bswap((uint32)1)", 0x01000000},
	};
	char src[8192];
	size_t n = 0;

	n += snprintf(src + n, sizeof(src) - n, "BEGIN { @missing = 0; ");
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		n += snprintf(src + n, sizeof(src) - n, "@r[%zu] = %s; ", i,
			      t[i].expr);
	snprintf(src + n, sizeof(src) - n, "delete(@missing); }");
	CU_ASSERT_EQUAL_FATAL(start(src, 0), 0);
	finish();
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int64_t got = get_int("@r", i);

		if (got != t[i].want)
			fprintf(stderr, "\n%s: got %lld, want %lld", t[i].expr,
				(long long)got, (long long)t[i].want);
		CU_ASSERT_EQUAL(got, t[i].want);
	}
}

static void test_statements(void)
{
	CU_ASSERT_EQUAL_FATAL(
	    start("BEGIN { $i = 0; $sum = 0; "
		  "while ($i < 10) { $i++; if ($i == 3) { continue; } "
		  "if ($i == 8) { break; } $sum += $i; } @w = $sum; "
		  "unroll(4) { @u++; } @c = 5; @c += 3; @c *= 2; "
		  "$s = \"long string\"; $s = \"ab\"; @s = $s; "
		  "if (@c > 100) { @e = 1; } else if (@c == 16) { @e = 2; } "
		  "else { @e = 3; } "
		  "@v[1] = 1; @v[2] = 2; delete(@v[1]); @n = -3; @n--; "
		  "@v[3] = 3; delete(@v, 3); "
		  "@t = (1, \"x\"); $t = @t; @t0 = $t.0; "
		  "@len = len(@v); @len0 = len(@nothing); @nothing[1] = 1;"
		  "delete(@nothing[1]); }",
		  0),
	    0);
	finish();
	CU_ASSERT_EQUAL(get("@w", NULL, 0), 1 + 2 + 4 + 5 + 6 + 7);
	CU_ASSERT_EQUAL(get("@u", NULL, 0), 4);
	CU_ASSERT_EQUAL(get("@c", NULL, 0), 16);
	CU_ASSERT_EQUAL(get("@e", NULL, 0), 2);
	CU_ASSERT_EQUAL(get_int("@v", 1), -1);
	CU_ASSERT_EQUAL(get_int("@v", 2), 2);
	CU_ASSERT_EQUAL(get_int("@v", 3), -1); /* delete(@m, k) */
	CU_ASSERT_EQUAL(get("@n", NULL, 0), -4);
	CU_ASSERT_EQUAL(get("@t0", NULL, 0), 1);
	CU_ASSERT_EQUAL(get("@len", NULL, 0), 1);
	CU_ASSERT_EQUAL(get("@len0", NULL, 0), 0);
	{
		char v[16] = {0};
		uint32_t k = 0;

		CU_ASSERT_EQUAL(map("@s")->value_size, 12);
		CU_ASSERT_EQUAL(bpf_map_lookup_elem(map_fd("@s"), &k, v), 0);
		CU_ASSERT_EQUAL(memcmp(v, "ab\0\0\0\0\0\0\0\0\0\0", 12), 0);
	}
}

#define CALLS 100

static void getppid_n(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getppid);
}

static void test_tracepoint_aggregations(void)
{
	char comm[16] = {0};
	int64_t k[2] = {0};

	CU_ASSERT_EQUAL_FATAL(
	    start("tracepoint:syscalls:sys_enter_getppid /pid == $1/ { "
		  "@c = count(); @s = sum(3); @k[comm] = count(); "
		  "@i++; @h = hist(@i); @l = lhist(@i, 0, 50, 10); "
		  "@mn = min(100 - @i); @mx = max(@i); @a = avg(@i); "
		  "@st = stats(2); @ns = nsecs; @el = elapsed; "
		  "@ar = @a; @mr = @mx; @cr = @c; }",
		  0),
	    0);
	getppid_n(CALLS);
	finish();
	prctl(PR_GET_NAME, comm);
	CU_ASSERT_EQUAL(get("@c", NULL, 0), CALLS);
	CU_ASSERT_EQUAL(get("@s", NULL, 0), 3 * CALLS);
	CU_ASSERT_EQUAL(get("@k", comm, 0), CALLS);
	CU_ASSERT_EQUAL(get("@i", NULL, 0), CALLS);
	/* hist of 1..100: bucket 2 + floor(log2(v)) */
	for (int b = 0; b < 10; b++) {
		int64_t want = 0, kb = b;

		for (int v = 1; v <= CALLS; v++)
			want += 2 + 63 - __builtin_clzll(v) == b;
		CU_ASSERT_EQUAL(get("@h", &kb, 0), want ? want : -1);
	}
	/* lhist 0..50 step 10: 1..9 in bucket 1, 50.. in bucket 6 */
	k[0] = 1;
	CU_ASSERT_EQUAL(get("@l", k, 0), 9);
	k[0] = 6;
	CU_ASSERT_EQUAL(get("@l", k, 0), CALLS - 49);
	CU_ASSERT_EQUAL(get("@mx", NULL, 0), CALLS);
	/* read back in the program: this CPU's value (we may migrate) */
	CU_ASSERT(get("@cr", NULL, 0) >= 1 && get("@cr", NULL, 0) <= CALLS);
	CU_ASSERT(get("@mr", NULL, 0) >= 1 && get("@mr", NULL, 0) <= CALLS);
	CU_ASSERT(get("@ar", NULL, 0) >= 1 && get("@ar", NULL, 0) <= CALLS);
	CU_ASSERT_EQUAL(get("@a", NULL, 0), CALLS * (CALLS + 1) / 2);
	CU_ASSERT_EQUAL(get("@a", NULL, 8), CALLS);
	CU_ASSERT_EQUAL(get("@st", NULL, 0), 2 * CALLS);
	CU_ASSERT_EQUAL(get("@st", NULL, 8), CALLS);
	CU_ASSERT(get("@el", NULL, 0) > 0);
	CU_ASSERT(get("@el", NULL, 0) < 10000000000ll);
	/* min over CPUs: per CPU {value, set}; we ran on one or more */
	CU_ASSERT(get("@mn", NULL, 8) >= 1);
}

static void test_pid_filter(void)
{
	CU_ASSERT_EQUAL_FATAL(
	    start("tracepoint:syscalls:sys_enter_getppid { @c = count(); }",
		  1 /* init: not us */),
	    0);
	getppid_n(10);
	finish();
	CU_ASSERT(get("@c", NULL, 0) <= 0);
	/* -p of this process: all its events count (the filter reads -p
	 * from .rodata, which the verifier sees as a constant) */
	CU_ASSERT_EQUAL_FATAL(
	    start("tracepoint:syscalls:sys_enter_getppid { @c = count(); }",
		  (uint32_t)getpid()),
	    0);
	getppid_n(10);
	finish();
	CU_ASSERT_EQUAL(get("@c", NULL, 0), 10);
}

static void test_tracepoint_args(void)
{
	char key[64] = "/nonexistent/etrace-codegen-test";
	int fd;

	CU_ASSERT_EQUAL_FATAL(
	    start("tracepoint:syscalls:sys_enter_openat /pid == $1/ { "
		  "@f[str(args->filename)] = count(); @d = (int32)args->dfd; "
		  "@fl = args->flags; @b = buf(args->filename, 8); "
		  "$n = 3; @s3 = str(args->filename, $n); if (0) { @n = 1; } }",
		  0),
	    0);
	fd = openat(AT_FDCWD, key, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	finish();
	CU_ASSERT_EQUAL(map("@f")->key_size, 64);
	CU_ASSERT_EQUAL(get("@f", key, 0), 1);
	CU_ASSERT_EQUAL(get("@d", NULL, 0), AT_FDCWD);
	CU_ASSERT_EQUAL(get("@fl", NULL, 0), O_RDONLY | O_CLOEXEC);
	{
		char b[16];
		uint32_t k = 0;

		/* buf: u64 length, then the bytes */
		CU_ASSERT_EQUAL(map("@b")->value_size, 16);
		CU_ASSERT_EQUAL(bpf_map_lookup_elem(map_fd("@b"), &k, b), 0);
		CU_ASSERT_EQUAL(*(uint64_t *)b, 8);
		CU_ASSERT_EQUAL(memcmp(b + 8, key, 8), 0);
		CU_ASSERT_EQUAL(get("@s3", NULL, 0), *(int32_t *)"/no\0");
		CU_ASSERT_EQUAL(get("@n", NULL, 0), -1); /* never written */
	}
}

static void test_wildcard_probe(void)
{
	char key[64] = "tracepoint:syscalls:sys_enter_getppid";

	CU_ASSERT_EQUAL_FATAL(
	    start("tracepoint:syscalls:sys_enter_getp*id /pid == $1/ { "
		  "@[probe] = count(); }",
		  0),
	    0);
	CU_ASSERT(prog.nprobes >= 3);
	getppid_n(3);
	for (int i = 0; i < 5; i++)
		syscall(SYS_getpgid, 0);
	finish();
	CU_ASSERT_EQUAL(get("@", key, 0), 3);
	strcpy(key, "tracepoint:syscalls:sys_enter_getpgid");
	CU_ASSERT_EQUAL(get("@", key, 0), 5);
}

static void test_rawtracepoint(void)
{
	CU_ASSERT_EQUAL_FATAL(
	    start("rawtracepoint:sys_enter /pid == $1 && arg1 == 110/ { "
		  "@n = count(); }",
		  0),
	    0);
	getppid_n(7);
	finish();
	CU_ASSERT_EQUAL(get("@n", NULL, 0), 7);
}

static void test_kstack(void)
{
	uint64_t key = 0, next, frames[ET_STACK_DEPTH] = {0};
	int fd, n = 0;

	CU_ASSERT_EQUAL_FATAL(
	    start("tracepoint:syscalls:sys_enter_getppid /pid == $1/ { "
		  "@s[kstack] = count(); @u = ustack; }",
		  0),
	    0);
	CU_ASSERT(prog.needs_kallsyms);
	CU_ASSERT(prog.needs_usyms);
	getppid_n(5);
	finish();
	fd = map_fd("@s");
	while (!bpf_map_get_next_key(fd, n ? &key : NULL, &next)) {
		key = next;
		n++;
	}
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(get("@s", &key, 0), 5);
	CU_ASSERT_EQUAL(key >> 32, 0);
	CU_ASSERT_EQUAL(bpf_map_lookup_elem(loader__map_fd(ld, ET_KSTACK_MAP),
					    &(uint32_t){key}, frames),
			0);
	CU_ASSERT(frames[0] >= 0xffff000000000000ull); /* a kernel address */
	CU_ASSERT_EQUAL((uint64_t)get("@u", NULL, 0) >> 32, getpid());
}

/* execve of a child: join(args->argv), and a pointer chain through BTF */
static void test_join_curtask(void)
{
	const unsigned char *r;
	pid_t c;

	CU_ASSERT_EQUAL_FATAL(
	    start("tracepoint:syscalls:sys_enter_execve "
		  "/curtask->real_parent->tgid == $1/ { join(args->argv); "
		  "join(args->argv, \",\"); @ppid = curtask->parent->tgid; }",
		  0),
	    0);
	c = fork();
	if (!c) {
		/* on the child's own stack: the pages of a file mapping may
		 * not be mapped in the child yet, and BPF cannot fault them */
		char a0[] = "/bin/true", a1[] = "a", a2[] = "bc";
		char *argv[] = {a0, a1, a2, NULL};

		execv(a0, argv);
		_exit(127);
	}
	waitpid(c, NULL, 0);
	finish();
	CU_ASSERT_EQUAL(get("@ppid", NULL, 0), getpid());
	CU_ASSERT_EQUAL_FATAL(nrecs, 2);
	r = recs[0].data;
	CU_ASSERT_EQUAL(prog.actions[0].kind, ACT_JOIN);
	CU_ASSERT_STRING_EQUAL(prog.actions[0].fmt_str, " ");
	CU_ASSERT_STRING_EQUAL(prog.actions[1].fmt_str, ",");
	CU_ASSERT_EQUAL(recs[0].size, 16 + ET_JOIN_MAX * ET_JOIN_ARG_SIZE);
	CU_ASSERT_EQUAL(*(uint64_t *)(r + 8), 3);
	CU_ASSERT_STRING_EQUAL((const char *)r + 16, "/bin/true");
	CU_ASSERT_STRING_EQUAL((const char *)r + 16 + ET_JOIN_ARG_SIZE, "a");
	CU_ASSERT_STRING_EQUAL((const char *)r + 16 + 2 * ET_JOIN_ARG_SIZE,
			       "bc");
}

static void test_ntop(void)
{
	unsigned char v[24];
	uint32_t k = 0;

	CU_ASSERT_EQUAL_FATAL(
	    start("BEGIN { @a = ntop(0x0100007f); @b = ntop(10, 0x0200007f); }",
		  0),
	    0);
	finish();
	CU_ASSERT_EQUAL(bpf_map_lookup_elem(map_fd("@a"), &k, v), 0);
	CU_ASSERT_EQUAL(*(int64_t *)v, 2);
	CU_ASSERT_EQUAL(memcmp(v + 8, "\x7f\0\0\x01", 4), 0);
	CU_ASSERT_EQUAL(bpf_map_lookup_elem(map_fd("@b"), &k, v), 0);
	CU_ASSERT_EQUAL(*(int64_t *)v, 10);
	CU_ASSERT_EQUAL(v[11], 2);
}

/* for ($kv : @m): a callback per element, with the probe's context and
 * the outer variables (written back) */
static void test_for_loop(void)
{
	CU_ASSERT_EQUAL_FATAL(
	    start("tracepoint:syscalls:sys_enter_getppid /pid == $1/ { "
		  "@m[1] = 10; @m[2] = 20; @m[3] = 30; $n = 0; $s = \"x\"; "
		  "for ($kv : @m) { if ($kv.0 == 3) { continue; } "
		  "$n += $kv.1; @f[$kv.0] = args->__syscall_nr; $s = comm; } "
		  "@n = $n; @same = $s == comm; @c[7] = 7; "
		  "for ($c : @c) { @cv = $c.1; break; } }",
		  0),
	    0);
	getppid_n(2);
	finish();
	CU_ASSERT_EQUAL(get("@n", NULL, 0), 30);
	CU_ASSERT_EQUAL(get_int("@f", 1), 110);
	CU_ASSERT_EQUAL(get_int("@f", 2), 110);
	CU_ASSERT_EQUAL(get_int("@f", 3), -1);
	CU_ASSERT_EQUAL(get("@same", NULL, 0), 1);
	CU_ASSERT_EQUAL(get("@cv", NULL, 0), 7);
}

/* records the full ring buffer refuses are counted in et_lost */
static void test_lost(void)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t v[ncpu], lost = 0;
	uint32_t k = 0;
	int n;

	CU_ASSERT_EQUAL_FATAL(
	    start("tracepoint:syscalls:sys_enter_getppid /pid == $1/ { "
		  "printf(\"%d\\n\", 1); $a = args; @k = has_key(@m, 1); "
		  "@m[1] = 1; @k2 = has_key(@m, 1); }",
		  0),
	    0);
	n = prog.ringbuf_size / prog.actions[0].rec_size;
	getppid_n(n + 100);
	loader__detach(ld);
	CU_ASSERT_EQUAL(get("@k", NULL, 0), 1);
	CU_ASSERT_EQUAL(bpf_map_lookup_elem(loader__map_fd(ld, ET_LOST_MAP),
					    &k, v),
			0);
	for (int i = 0; i < ncpu; i++)
		lost += v[i];
	/* records take 8 bytes of ring buffer header each: more are lost */
	CU_ASSERT(lost >= 100);
	CU_ASSERT(lost < (uint64_t)n);
}

/* the target of the latency test: 2 * x after about a millisecond */
__attribute__((noinline, used)) int et_lat_target(int x)
{
	struct timespec ts = {0, 1000000};

	nanosleep(&ts, NULL);
	__asm__ volatile("" ::: "memory");
	return 2 * x;
}

static char et_str_buf[32];

/* returns a user-space string, for str(retval) in a uretprobe */
__attribute__((noinline, used)) const char *et_str_target(void)
{
	strcpy(et_str_buf, "from-user-space");
	__asm__ volatile("" ::: "memory");
	return et_str_buf;
}

/* str() of an integer address reads user memory in uprobes */
static void test_uretprobe_str(void)
{
	char exe[512], src[1024], v[64] = {0};
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	uint32_t k = 0;

	CU_ASSERT_FATAL(n > 0);
	exe[n] = 0;
	snprintf(src, sizeof(src),
		 "uretprobe:%s:et_str_target /pid == $1/ { @s = str(retval); }",
		 exe);
	CU_ASSERT_EQUAL_FATAL(start(src, 0), 0);
	et_str_target();
	finish();
	CU_ASSERT_EQUAL(bpf_map_lookup_elem(map_fd("@s"), &k, v), 0);
	CU_ASSERT_STRING_EQUAL(v, "from-user-space");
}

/* A USDT probe etrace:point with three arguments (a register, a memory
 * operand and a constant), as <sys/sdt.h> writes its note. */
#define ET_USDT3(a, b)                                                    \
	__asm__ volatile(                                                 \
	    "990: nop\n"                                                  \
	    ".pushsection .note.stapsdt,\"?\",\"note\"\n"                  \
	    ".balign 4\n"                                                 \
	    ".4byte 992f-991f, 994f-993f, 3\n"                            \
	    "991: .asciz \"stapsdt\"\n"                                   \
	    "992: .balign 4\n"                                            \
	    "993: .8byte 990b\n"                                          \
	    ".8byte _.stapsdt.base\n"                                     \
	    ".8byte 0\n"                                                  \
	    ".asciz \"etrace\"\n"                                         \
	    ".asciz \"point\"\n"                                          \
	    ".asciz \"-4@%0 8@%1 4@$%c2\"\n"                              \
	    "994: .balign 4\n"                                            \
	    ".popsection\n"                                               \
	    ".ifndef _.stapsdt.base\n"                                    \
	    ".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,"\
	    "comdat\n"                                                    \
	    ".weak _.stapsdt.base\n"                                      \
	    ".hidden _.stapsdt.base\n"                                    \
	    "_.stapsdt.base: .space 1\n"                                  \
	    ".size _.stapsdt.base, 1\n"                                   \
	    ".popsection\n"                                               \
	    ".endif\n" ::"r"(a), "m"(b), "n"(42))

__attribute__((noinline)) static void usdt_fire(int a, long b)
{
	ET_USDT3(a, b);
}

static void test_usdt_args(void)
{
	char exe[512], src[1024];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	CU_ASSERT_FATAL(n > 0);
	exe[n] = 0;
	snprintf(src, sizeof(src),
		 "usdt:%s:etrace:point /pid == $1/ { @a = arg0; @b = arg1; "
		 "@c = arg2; @n = count(); }",
		 exe);
	CU_ASSERT_EQUAL_FATAL(start(src, 0), 0);
	usdt_fire(-7, 1000000000000L);
	usdt_fire(-8, 5);
	finish();
	CU_ASSERT_EQUAL(get("@n", NULL, 0), 2);
	CU_ASSERT_EQUAL(get("@a", NULL, 0), -8);
	CU_ASSERT_EQUAL(get("@b", NULL, 0), 5);
	CU_ASSERT_EQUAL(get("@c", NULL, 0), 42);
}

/* elapsed/retval in a uprobe: the block runs at the return (SPEC 3.2) */
static void test_latency(void)
{
	char exe[512], src[1024];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	CU_ASSERT_FATAL(n > 0);
	exe[n] = 0;
	snprintf(src, sizeof(src),
		 "uprobe:%s:et_lat_target /pid == $1/ { @lat = max(elapsed); "
		 "@ret = retval; @arg = arg0; @n = count(); @f = func; }",
		 exe);
	CU_ASSERT_EQUAL_FATAL(start(src, 0), 0);
	CU_ASSERT(prog.probes[0].at_return);
	CU_ASSERT_PTR_NOT_NULL_FATAL(prog.probes[0].ret_prog_name);
	for (int i = 1; i <= 3; i++)
		et_lat_target(10 * i);
	finish();
	CU_ASSERT_EQUAL(get("@n", NULL, 0), 3);
	CU_ASSERT_EQUAL(get("@ret", NULL, 0), 60);
	CU_ASSERT_EQUAL(get("@arg", NULL, 0), 30);
	CU_ASSERT(get("@lat", NULL, 0) >= 1000000);
	/* func in a uprobe: {address, tgid}, the function's address even
	 * though the latency block runs at the return */
	CU_ASSERT_EQUAL(map("@f")->value_size, 16);
	CU_ASSERT_EQUAL(get("@f", NULL, 0), (int64_t)(uintptr_t)et_lat_target);
	CU_ASSERT_EQUAL(get("@f", NULL, 8), getpid());
	CU_ASSERT(get("@lat", NULL, 0) < 1000000000);
}

int main(void)
{
	static const struct unit_test t[] = {
	    UNIT_TEST(test_begin_values),
	    UNIT_TEST(test_printf_record),
	    UNIT_TEST(test_expressions),
	    UNIT_TEST(test_statements),
	    UNIT_TEST(test_tracepoint_aggregations),
	    UNIT_TEST(test_pid_filter),
	    UNIT_TEST(test_tracepoint_args),
	    UNIT_TEST(test_wildcard_probe),
	    UNIT_TEST(test_rawtracepoint),
	    UNIT_TEST(test_kstack),
	    UNIT_TEST(test_join_curtask),
	    UNIT_TEST(test_ntop),
	    UNIT_TEST(test_lost),
	    UNIT_TEST(test_latency),
	    UNIT_TEST(test_uretprobe_str),
	    UNIT_TEST(test_usdt_args),
	    UNIT_TEST(test_for_loop),
	};
	int ret;

	if (geteuid() != 0) {
		fprintf(stderr, "test_codegen_run: needs root, skipped\n");
		return 77;
	}
	libbpf_set_print(quiet);
	loader_tracefs_ensure();
	snprintf(pidstr, sizeof(pidstr), "%d", getpid());
	ret = unit_run("codegen_run", t, sizeof(t) / sizeof(t[0]));
	loader__free(ld);
	prog_meta_free(&prog);
	compile_ctx_fini(&ctx);
	return ret;
}
