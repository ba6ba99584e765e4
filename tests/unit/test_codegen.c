/* Unit tests of the code generator (no root): scripts are compiled with
 * compile_run + codegen, the object is opened with libbpf (not loaded)
 * and the prog_meta metadata is checked: programs and sections per
 * attach point (wildcards expanded), map storage and layouts, action
 * records. ETRACE_TEST_IR=1 prints the IR of each script. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "codegen.h"
#include "unit.h"

#define TRACEFS ETRACE_TEST_DATA "/tracefs"

static struct compile_ctx ctx;
static struct prog_meta prog;
static char diags[8192];
static double front_ms, back_ms; /* of the last gen() */
static bool nodrops;

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	return 0;
}

/* Compiles src through codegen (pid: -p PID, 0 none); 0 or the
 * failing step's error. */
static int gen_pid(const char *src, int pid)
{
	struct compile_opts o = {.kallsyms = "", .tracefs = TRACEFS,
				 .target_pid = pid};
	struct codegen_opts co = {.no_drop_counts = nodrops};
	FILE *f;
	int err;

	prog_meta_free(&prog);
	compile_ctx_fini(&ctx);
	memset(&ctx, 0, sizeof(ctx));
	if (compile_ctx_init(&ctx, "t.et", src, strlen(src), &o))
		return -1;
	front_ms = now_ms();
	err = compile_run(&ctx, NULL, NULL);
	back_ms = now_ms();
	front_ms = back_ms - front_ms;
	if (getenv("ETRACE_TEST_IR"))
		co.ir = stdout;
	if (!err)
		err = codegen_ex(&ctx, &prog, &co);
	back_ms = now_ms() - back_ms;
	f = fmemopen(diags, sizeof(diags), "w");
	diags_print(&ctx.diags, f);
	fclose(f);
	if (err)
		fprintf(stderr, "\n%s\n%s", src, diags);
	return err;
}

static int gen(const char *src)
{
	return gen_pid(src, 0);
}

/* Without the drop counters (cg_drops.c): what they add is measured. */
static int gen_nodrops(const char *src)
{
	nodrops = true;
	int err = gen_pid(src, 0);

	nodrops = false;
	return err;
}

/* The object opens with libbpf; returns it (caller closes). */
static struct bpf_object *open_obj(void)
{
	struct bpf_object *o;

	CU_ASSERT_PTR_NOT_NULL_FATAL(prog.obj);
	o = bpf_object__open_mem(prog.obj, prog.obj_len, NULL);
	CU_ASSERT_PTR_NOT_NULL(o);
	CU_ASSERT_EQUAL(libbpf_get_error(o), 0);
	return libbpf_get_error(o) ? NULL : o;
}

static const struct map_meta *map(const char *name)
{
	for (int i = 0; i < prog.nmaps; i++)
		if (!strcmp(prog.maps[i].name, name))
			return &prog.maps[i];
	CU_FAIL("no such map");
	return NULL;
}

static void test_begin_printf_exit(void)
{
	struct bpf_object *o;
	struct bpf_program *p;
	const struct action_meta *a;

	CU_ASSERT_EQUAL_FATAL(
	    gen("BEGIN { printf(\"%d %s\\n\", 5, \"ab\"); exit(); }"), 0);
	CU_ASSERT_EQUAL(prog.nprobes, 1);
	CU_ASSERT_STRING_EQUAL(prog.probes[0].section, "raw_tp");
	CU_ASSERT_EQUAL(prog.nactions, 2);
	a = &prog.actions[0];
	CU_ASSERT_EQUAL(a->kind, ACT_PRINTF);
	CU_ASSERT_STRING_EQUAL(a->fmt_str, "%d %s\n");
	CU_ASSERT_EQUAL(a->fmt.nspecs, 2);
	CU_ASSERT_EQUAL(a->nargs, 2);
	CU_ASSERT_EQUAL(a->args[0].offset, 8);
	CU_ASSERT_EQUAL(a->args[0].size, 8);
	CU_ASSERT_EQUAL(a->args[1].offset, 16);
	CU_ASSERT_EQUAL(a->args[1].size, 3);
	CU_ASSERT_EQUAL(a->rec_size, 24);
	CU_ASSERT_EQUAL(prog.actions[1].kind, ACT_EXIT);
	CU_ASSERT_EQUAL(prog.actions[1].rec_size, 16);
	o = open_obj();
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	p = bpf_object__find_program_by_name(o, prog.probes[0].prog_name);
	CU_ASSERT_PTR_NOT_NULL(p);
	CU_ASSERT_EQUAL(bpf_program__type(p), BPF_PROG_TYPE_RAW_TRACEPOINT);
	CU_ASSERT_PTR_NOT_NULL(bpf_object__find_map_by_name(o, ET_RINGBUF_MAP));
	CU_ASSERT_PTR_NOT_NULL(bpf_object__find_map_by_name(o, ET_LOST_MAP));
	CU_ASSERT_PTR_NOT_NULL(bpf_object__find_map_by_name(o, ET_STATE_MAP));
	bpf_object__close(o);
}

static void test_maps_layout(void)
{
	const struct map_meta *m;
	struct bpf_object *o;
	struct bpf_map *bm;

	CU_ASSERT_EQUAL_FATAL(
	    gen("BEGIN { @c[pid, comm] = count(); @h = hist(5); "
		"@l[\"x\"] = lhist(3, 0, 10, 2); @mn = min(-1); @a = avg(4);"
		" @s = \"abc\"; @t[1] = (2, \"xy\"); "
		"@i[(int32)1] = (int8)2; }"),
	    0);
	m = map("@c");
	CU_ASSERT_EQUAL(m->storage, MS_PERCPU_HASH);
	CU_ASSERT_EQUAL(m->key_size, 24);
	CU_ASSERT_EQUAL(m->value_size, 8);
	CU_ASSERT_EQUAL(m->max_entries, 4096);
	m = map("@h");
	CU_ASSERT(m->bucketed);
	CU_ASSERT_EQUAL(m->storage, MS_PERCPU_HASH);
	CU_ASSERT_EQUAL(m->key_size, 8);
	m = map("@l");
	CU_ASSERT(m->bucketed);
	CU_ASSERT_EQUAL(m->key_size, 2 + 8); /* "x" is a string[2] */
	m = map("@mn");
	CU_ASSERT_EQUAL(m->storage, MS_PERCPU_HASH);
	CU_ASSERT_EQUAL(m->key_size, 4);
	CU_ASSERT_EQUAL(m->value_size, 16);
	CU_ASSERT_EQUAL(m->max_entries, 1);
	CU_ASSERT_EQUAL(map("@a")->value_size, 16);
	m = map("@s");
	CU_ASSERT_EQUAL(m->storage, MS_HASH);
	CU_ASSERT_EQUAL(m->key_size, 4);
	CU_ASSERT_EQUAL(m->value_size, 4);
	m = map("@t");
	CU_ASSERT_EQUAL(m->storage, MS_HASH);
	CU_ASSERT_EQUAL(m->key_size, 8);
	CU_ASSERT_EQUAL(m->value_size, 16);
	m = map("@i");
	CU_ASSERT_EQUAL(m->key_size, 8);
	CU_ASSERT_EQUAL(m->value_size, 8);
	o = open_obj();
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	bm = bpf_object__find_map_by_name(o, map("@c")->bpf_name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bm);
	CU_ASSERT_EQUAL(bpf_map__type(bm), BPF_MAP_TYPE_PERCPU_HASH);
	CU_ASSERT_EQUAL(bpf_map__key_size(bm), 24);
	bpf_object__close(o);
}

static void test_tracepoint_wildcard(void)
{
	struct bpf_object *o;
	int n = 0;

	CU_ASSERT_EQUAL_FATAL(
	    gen("tracepoint:syscalls:sys_*_openat { "
		"printf(\"%s\\n\", probe); }"),
	    0);
	CU_ASSERT(prog.nprobes >= 2);
	for (int i = 0; i < prog.nprobes; i++) {
		const struct probe_meta *p = &prog.probes[i];

		CU_ASSERT_PTR_NOT_NULL_FATAL(p->attach_target);
		CU_ASSERT_EQUAL(strncmp(p->section, "tracepoint/syscalls/", 20),
				0);
		CU_ASSERT_STRING_EQUAL(p->section + 20,
				       strchr(p->attach_target, ':') + 1);
		n++;
	}
	o = open_obj();
	if (o)
		bpf_object__close(o);
	CU_ASSERT(n >= 2);
}

static void test_probe_kinds(void)
{
	static const struct {
		const char *src, *section;
	} t[] = {
	    {"interval:s:1 { @x = count(); }", "perf_event"},
	    {"profile:hz:99 { @x[cpu] = count(); }", "perf_event"},
	    {"software:cpu-clock:1000 { @x = count(); }", "perf_event"},
	    {"rawtracepoint:sched_switch { @x = arg1; }",
	     "raw_tp/sched_switch"},
	    {"kprobe:vfs_read { @x = arg2; }", "kprobe/vfs_read"},
	    {"kretprobe:vfs_read { @x = retval; }", "kretprobe/vfs_read"},
	    {"END { print(@x); } BEGIN { @x = 1 }", "raw_tp"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (gen(t[i].src)) {
			CU_FAIL("does not compile");
			continue;
		}
		CU_ASSERT_STRING_EQUAL(prog.probes[0].section, t[i].section);
	}
}

/* a 30-line script: compile + codegen time */
static void test_compile_time(void)
{
	static const char src[] =
	    "BEGIN { @start = nsecs; printf(\"go\\n\"); }\n"
	    "tracepoint:syscalls:sys_enter_openat /pid != 0/ {\n"
	    "  @opens[comm] = count();\n"
	    "  @fn[pid, comm] = sum(1);\n"
	    "  $f = str(args->filename);\n"
	    "  if ($f == \"/etc/passwd\") { @pw++; }\n"
	    "  @flags = hist(args->flags);\n"
	    "  @l = lhist(args->mode, 0, 1000, 100);\n"
	    "}\n"
	    "tracepoint:syscalls:sys_exit_openat {\n"
	    "  @ret = stats(args->ret);\n"
	    "  @mx = max(args->ret); @mn = min(args->ret);\n"
	    "  $i = 0;\n"
	    "  while ($i < 4) { $i++; @loop[$i] = count(); }\n"
	    "  unroll(3) { @u += 1; }\n"
	    "  @avg = avg(args->ret > 0 ? args->ret : 0);\n"
	    "}\n"
	    "interval:s:1 {\n"
	    "  time(\"%H:%M:%S\\n\");\n"
	    "  print(@opens, 10);\n"
	    "  clear(@opens);\n"
	    "  $x = (1, \"two\", 3);\n"
	    "  printf(\"%d %s %d %d\\n\", $x.0, $x.1, $x.2, elapsed);\n"
	    "  if (@pw > 10) { exit(); }\n"
	    "}\n"
	    "END {\n"
	    "  zero(@fn); delete(@flags);\n"
	    "  printf(\"%s %d %u %x\\n\", comm, -5, 7, 255);\n"
	    "}\n";
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	CU_ASSERT_EQUAL_FATAL(gen(src), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("\n  30-line script: %.1f ms (front end %.1f, codegen %.1f), "
	       "object %zu bytes, %d programs\n",
	       (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6,
	       front_ms, back_ms, prog.obj_len, prog.nprobes);
	CU_ASSERT_EQUAL(prog.nprobes, 5);
}

/* In the first program: how many instructions, how many byte-sized
 * memory accesses, how many calls of helper id. */
static void scan_insns(size_t *n, int *bytes, int helper, int *calls)
{
	struct bpf_object *o = open_obj();
	struct bpf_program *p;
	const struct bpf_insn *in;

	*n = 0;
	*bytes = *calls = 0;
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	p = bpf_object__find_program_by_name(o, prog.probes[0].prog_name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	in = bpf_program__insns(p);
	*n = bpf_program__insn_cnt(p);
	for (size_t i = 0; i < *n; i++) {
		int cls = BPF_CLASS(in[i].code);

		if ((cls == BPF_LDX || cls == BPF_STX || cls == BPF_ST) &&
		    BPF_MODE(in[i].code) == BPF_MEM &&
		    BPF_SIZE(in[i].code) == BPF_B)
			(*bytes)++;
		if (in[i].code == (BPF_JMP | BPF_CALL) && !in[i].src_reg &&
		    in[i].imm == helper)
			(*calls)++;
	}
	bpf_object__close(o);
}

/* Whether jump op is taken for a register holding v, against imm. */
static bool taken(uint8_t op, int64_t v, int64_t imm)
{
	switch (op) {
	case BPF_JEQ: return v == imm;
	case BPF_JNE: return v != imm;
	case BPF_JSGT: return v > imm;
	case BPF_JSGE: return v >= imm;
	case BPF_JSLT: return v < imm;
	case BPF_JSLE: return v <= imm;
	case BPF_JGT: return (uint64_t)v > (uint64_t)imm;
	case BPF_JGE: return (uint64_t)v >= (uint64_t)imm;
	case BPF_JLT: return (uint64_t)v < (uint64_t)imm;
	case BPF_JLE: return (uint64_t)v <= (uint64_t)imm;
	default: return false;
	}
}

/* The success path of the first program: every helper succeeds (a
 * lookup finds its key: r0 is not null; any other call returns 0) and
 * a jump that tests such a result (or a copy of it) goes where that
 * leads; any other conditional jump falls through, in both objects
 * compared. Its length in instruction slots, its helper calls and its
 * byte-wide memory accesses. */
static void success_path(size_t *n, int *calls, int *bytes)
{
	struct bpf_object *o = open_obj();
	bool known[11] = { false };
	int64_t val[11] = { 0 };
	const struct bpf_insn *in;
	struct bpf_program *p;
	size_t cnt, i = 0;

	*n = 0;
	*calls = *bytes = 0;
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	p = bpf_object__find_program_by_name(o, prog.probes[0].prog_name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	in = bpf_program__insns(p);
	cnt = bpf_program__insn_cnt(p);
	while (i < cnt && *n <= cnt) {
		const struct bpf_insn *x = &in[i];
		uint8_t cls = BPF_CLASS(x->code), d = x->dst_reg;
		size_t next = i + (x->code == (BPF_LD | BPF_IMM | BPF_DW) ? 2 : 1);

		(*n)++;
		if ((cls == BPF_LDX || cls == BPF_STX || cls == BPF_ST) &&
		    BPF_MODE(x->code) == BPF_MEM && BPF_SIZE(x->code) == BPF_B)
			(*bytes)++;
		if (x->code == (BPF_JMP | BPF_EXIT))
			break;
		if (x->code == (BPF_JMP | BPF_CALL)) {
			(*calls)++;
			memset(known, 0, sizeof(known));
			known[0] = true;
			val[0] = x->imm == BPF_FUNC_map_lookup_elem;
		} else if (x->code == (BPF_JMP | BPF_JA)) {
			next = i + 1 + x->off;
		} else if (cls == BPF_JMP || cls == BPF_JMP32) {
			if (BPF_SRC(x->code) == BPF_K && d < 11 && known[d] &&
			    taken(BPF_OP(x->code), val[d], x->imm))
				next = i + 1 + x->off;
		} else if (x->code == (BPF_ALU64 | BPF_MOV | BPF_X) && d < 11) {
			known[d] = known[x->src_reg];
			val[d] = val[x->src_reg];
		} else if ((cls == BPF_ALU || cls == BPF_ALU64 ||
			    cls == BPF_LD || cls == BPF_LDX) && d < 11) {
			known[d] = false;
		}
		i = next;
	}
	bpf_object__close(o);
}

/* The hot path of common one-liners stays lean (issue #5): map values
 * and ring buffer records are read and written as words, comm goes
 * straight into the key or record, the -p check only with -p. Counting
 * what is lost (issue #18) adds to the success path at most one
 * conditional jump per helper call that can lose something (the test of
 * its result), never a call: the counting itself is off that path. */
static void test_lean_code(void)
{
	static const struct {
		const char *body;
		size_t max;      /* instructions, success path */
		/* what counting may add to it: the tests of results; str()
		 * also keeps its source pointer (a register copy or two)
		 * for the check of a cut string */
		size_t added;
	} c[] = {
	    {"@[comm] = count();", 24, 0},
	    {"@[comm] = sum(args->flags);", 24, 0},
	    {"@[comm] = avg(args->flags);", 30, 0},
	    {"@ = stats(args->flags);", 30, 0},
	    {"@ = min(args->flags); @m = max(args->flags);", 60, 0},
	    {"@ = lhist(args->flags, 0, 100, 10);", 34, 0},
	    {"printf(\"%d %s\\n\", pid, comm);", 50, 0},
	    {"@x[tid] = nsecs; @y = nsecs - @x[tid];", 46, 2},
	    {"@s = str(args->filename);", 46, 3 + 2},
	};
	char src[256];
	size_t n, base;
	int bytes, calls, base_calls;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(src, sizeof(src),
			 "tracepoint:syscalls:sys_enter_openat { %s }",
			 c[i].body);
		CU_ASSERT_EQUAL_FATAL(gen_nodrops(src), 0);
		success_path(&base, &base_calls, &bytes);
		CU_ASSERT_EQUAL_FATAL(gen(src), 0);
		scan_insns(&n, &bytes, BPF_FUNC_get_current_pid_tgid, &calls);
		if (strstr(c[i].body, "count"))
			CU_ASSERT_EQUAL(calls, 0);
		success_path(&n, &calls, &bytes);
		CU_ASSERT_EQUAL(bytes, 0);
		if (n > c[i].max || n > base + c[i].added ||
		    calls != base_calls)
			fprintf(stderr, "\n%s: success path %zu insns (max %zu; "
				"%zu without drop counters), %d calls (%d)",
				src, n, c[i].max, base, calls, base_calls);
		CU_ASSERT(n <= c[i].max);
		CU_ASSERT(n <= base + c[i].added);
		CU_ASSERT_EQUAL(calls, base_calls);
	}
	/* -p: one check of the tgid against the constant */
	CU_ASSERT_EQUAL_FATAL(
	    gen_pid("tracepoint:syscalls:sys_enter_openat { @ = count(); }",
		    4242),
	    0);
	scan_insns(&n, &bytes, BPF_FUNC_get_current_pid_tgid, &calls);
	CU_ASSERT_EQUAL(calls, 1);
}

/* path(): bpf_d_path on the struct path in kernel memory, its address
 * taken from the context's BTF pointers (never read into a copy, which
 * the helper would refuse): an fexit's args->path, a field of an
 * fentry's args->filp. Loading needs fentry, which this kernel refuses
 * (tests/vm runs it). */
static void test_path(void)
{
	static const char *const src[] = {
	    "fexit:vfs_getattr { printf(\"%s\\n\", path(args->path)); }",
	    "fentry:filp_close { @[path(args->filp->f_path)] = count(); }",
	};
	size_t n;
	int bytes, calls;

	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(gen(src[i]), 0);
		scan_insns(&n, &bytes, BPF_FUNC_d_path, &calls);
		CU_ASSERT_EQUAL(calls, 1);
		scan_insns(&n, &bytes, BPF_FUNC_probe_read_kernel, &calls);
		CU_ASSERT_EQUAL(calls, 0);
	}
	CU_ASSERT_STRING_EQUAL(prog.probes[0].section, "fentry/filp_close");
}

/* sargN: the stack word above the return address, read from the memory
 * of the probe's side; iter's args, read as numbers */
static void test_context_reads(void)
{
	static const struct {
		const char *src;
		int helper;
	} t[] = {
	    {"kprobe:vfs_read { @ = sarg1; }", BPF_FUNC_probe_read_kernel},
	    {"uprobe:libc:malloc { @ = sarg0; }", BPF_FUNC_probe_read_user},
	    {"iter:task_file { @[args->fd] = count(); }",
	     BPF_FUNC_probe_read_kernel},
	};
	size_t n;
	int bytes, calls;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(gen(t[i].src), 0);
		scan_insns(&n, &bytes, t[i].helper, &calls);
		CU_ASSERT_EQUAL(calls, 1);
	}
}

int main(void)
{
	static const struct unit_test t[] = {
	    UNIT_TEST(test_begin_printf_exit),
	    UNIT_TEST(test_maps_layout),
	    UNIT_TEST(test_tracepoint_wildcard),
	    UNIT_TEST(test_probe_kinds),
	    UNIT_TEST(test_compile_time),
	    UNIT_TEST(test_lean_code),
	    UNIT_TEST(test_path),
	    UNIT_TEST(test_context_reads),
	};
	int ret;

	libbpf_set_print(quiet);
	ret = unit_run("codegen", t, sizeof(t) / sizeof(t[0]));
	prog_meta_free(&prog);
	compile_ctx_fini(&ctx);
	return ret;
}
