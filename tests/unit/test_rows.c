/* Every row of the builtin and function tables (compiler/builtins.h)
 * through the whole compiler to a BPF object (no root: nothing is
 * loaded). Each row has programs here, and a row without one fails the
 * test. Each program is compiled in one attach point of every probe kind
 * (kinds[], which must cover runtime/probes.def): wherever it passes the
 * front end, code generation must succeed too, and it must pass
 * somewhere, unless the row is one the type pass refuses everywhere
 * (then with its message). So no row, and no probe kind's way of reading
 * its context (compiler/codegen/cg_probe.h), can type-check and then
 * fail to generate code.
 * Two environment variables cut the work for CI (tests/CMakeLists.txt,
 * tests/run-all.sh):
 *   ETRACE_ROWS_SHARD=I/N  only the rows whose index (builtins, then
 *       functions) is I modulo N: ctest runs the N shards side by side;
 *   ETRACE_ROWS_STRIDE=S   (the ASan/UBSan stage) the program of use U
 *       only in the kinds K with (K + U) % S == 0, and in the next kinds
 *       until it passes the front end once, when it has not yet: every
 *       kind and every use still compiled, each refused one with its
 *       message; refused everywhere is then checked in those kinds only.
 *       Unset or 1: every use in every kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "builtins.h"
#include "codegen.h"
#include "probe.h"
#include "unit.h"

#define TRACEFS ETRACE_TEST_DATA "/tracefs"
#define PROGS ETRACE_UPROBE_PROGS

/* One attach point per probe kind; the user probes on the test programs
 * of tests/progs/uprobe. */
static const char *const kinds[] = {
	"BEGIN",
	"END",
	"kprobe:vfs_read",
	"kretprobe:vfs_read",
	"uprobe:" PROGS "/uprobe_c_nopie:et_add",
	"uretprobe:" PROGS "/uprobe_c_nopie:et_add",
	"usdt:" PROGS "/usdt_c:etrace:values",
	"tracepoint:syscalls:sys_enter_openat",
	"rawtracepoint:sched_switch",
	"profile:hz:99",
	"interval:s:1",
	"software:cpu-clock:1000",
	"hardware:cycles:1000",
	"watchpoint:0x10000000:8:w",
	"asyncwatchpoint:et_add+arg0:4:w",
	"fentry:vfs_read",
	"fexit:vfs_read",
	"iter:task_file",
	"self:signal:SIGUSR1",
#if ETRACE_HAVE_GO
	/* a Go function: its arguments by Go's ABI, its return through
	 * uprobes on its RETs (compiler/codegen/cg_go.c) */
	"uprobe:" PROGS "/hello_go:main.etAdd",
	"uretprobe:" PROGS "/hello_go:main.etAdd",
#endif
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* A program using a row (argN and sargN are the rows "arg" and "sarg");
 * refused: the message of a row the type pass refuses everywhere. */
struct use {
	const char *row;
	const char *body;
	const char *refused;
};

#define SPAN_USE                                                           \
	"} span s { key (tid, \"k\"); begin tracepoint:syscalls:sys_enter_openat "  \
	"{ span.x = 1; span.s = comm; span.kind = client; "                  \
	"$t = traceparent(0, 100); } end tracepoint:syscalls:sys_exit_openat "   \
	"{ @d = span.duration + span.x; @s = span.s; span.status = ok; } "      \
	"event interval:s:1 { } } BEGIN {"

/* event.NAME = expr in an event probe (span.eopen, span.eset) */
#define SPAN_EVENT_USE                                                     \
	"} span s { key (tid); begin tracepoint:syscalls:sys_enter_openat { } " \
	"end tracepoint:syscalls:sys_exit_openat { } event interval:s:1 { "    \
	"event.n = 1; event.s = comm; } } BEGIN {"

static const struct use uses[] = {
	/* builtins */
	{ "pid", "@x = pid;" },
	{ "tid", "@x = tid;" },
	{ "uid", "@x = uid;" },
	{ "gid", "@x = gid;" },
	{ "comm", "@x[comm] = count();" },
	{ "nsecs", "@x = nsecs;" },
	{ "elapsed", "@x = elapsed;" },
	{ "cpu", "@x = cpu;" },
	{ "cgroup", "@x = cgroup;" },
	/* container and pod of the task's cgroup (runtime/container.c) */
	{ "container", "@x[container] = count();" },
	{ "container_name", "@x[container_name] = count();" },
	{ "pod", "@x[pod] = count();" },
	{ "pod_namespace", "@x[pod_namespace] = count();" },
	{ "pod_uid", "printf(\"%s\\n\", pod_uid);" },
	{ "func", "@x[func] = count();" },
	{ "probe", "@x[probe] = count();" },
	{ "args", "@x = args->flags;" },
	{ "args", "@x = args->count;" },
	{ "args", "@x = args->fd; @y = args->task->pid;" },
	{ "args", "$a = args; @x = $a->flags;" },
	{ "retval", "@x = retval;" },
	{ "arg", "@x = arg0 + arg2;" },
	{ "sarg", "@x = sarg0 + sarg2;" },
	{ "kstack", "@x[kstack] = count();" },
	{ "ustack", "@x[ustack] = count();" },
	{ "curtask", "@x = curtask->pid;" },
	{ "rand", "@x = rand;" },
	{ "username", "@x[username] = count();" },
	{ "cpid", "@x = cpid;" },
	{ "ctx", "$c = ctx; @x = (uint64)$c;" },
	{ "jiffies", "@x = jiffies;" },
	{ "numaid", "@x = numaid;" },
	/* print */
	{ "printf", "printf(\"%d %s %s\\n\", pid, comm, str(0));" },
	{ "system", "system(\"echo %d\", pid);" },
	{ "cat", "cat(\"/proc/%d/stat\", pid);" },
	{ "debugf", "debugf(\"%d %d\\n\", pid, tid);" },
	{ "print", "@m[1] = count(); print(@m); print(@m, 1, 2); print(5);" },
	{ "time", "time(); time(\"%H:%M\\n\");" },
	{ "join", "join(0); join(0, \",\");" },
	{ "exit", "exit(); exit(3);" },
	/* map */
	{ "count", "@x = count();" },
	{ "sum", "@x = sum(pid);" },
	{ "avg", "@x = avg(pid);" },
	{ "min", "@x = min(pid);" },
	{ "max", "@x = max(pid);" },
	{ "stats", "@x = stats(pid);" },
	{ "hist", "@x = hist(pid);" },
	{ "lhist", "@x = lhist(pid, 0, 100, 10);" },
	{ "tseries", "@x = tseries(pid, 1000000, 10, \"max\");" },
	{ "delete", "@m[1] = 1; delete(@m[1]); delete(@m, 1);" },
	{ "clear", "@m[1] = 1; clear(@m);" },
	{ "zero", "@m = count(); zero(@m);" },
	{ "len", "@m[1] = 1; @x = len(@m);" },
	{ "has_key", "@m[1] = 1; @x = has_key(@m, 1);" },
	/* str */
	{ "str", "@x[str(0), str(0, 4)] = count();" },
	{ "buf", "@x[buf(0, 8)] = count();" },
	{ "ntop", "@x[ntop(0), ntop(10, pton(\"::1\"))] = count();" },
	{ "pton", "@x[ntop(pton(\"127.0.0.1\"))] = count();" },
	{ "strncmp", "@x = strncmp(comm, \"bash\", 2);" },
	{ "strcontains", "@x = strcontains(comm, \"sh\");" },
	{ "macaddr", "@x[macaddr(0)] = count();" },
	{ "strftime", "@x[strftime(\"%H\", nsecs)] = count();" },
	{ "strerror", "@x[strerror(2)] = count();" },
	/* stack */
	{ "kstack", "@x[kstack(perf, 3)] = count();" },
	{ "ustack", "@x[ustack(raw, 3)] = count();" },
	{ "ksym", "@x[ksym(0)] = count();" },
	{ "usym", "@x[usym(0)] = count();" },
	{ "percpu_kaddr", "@x = percpu_kaddr(\"runqueues\") + "
			  "*percpu_kaddr(\"process_counts\", 0);" },
	{ "kaddr", "@x = kaddr(\"vfs_read\");" },
	{ "uaddr", "@x = uaddr(\"et_counter\");" },
	{ "reg", "@x = reg(\"ip\");" },
	/* misc */
	{ "cgroupid", "@x = cgroupid(\"/\");" },
	{ "cgroup_path", "@x[cgroup_path(cgroup)] = count();" },
	{ "path", "@x[path(args->file->f_path)] = count();" },
	{ "uptr", "@x = uptr(0);" },
	{ "kptr", "@x = kptr(0);" },
	{ "bswap", "@x = bswap(pid);" },
	{ "pid", "@x = pid(curr_ns) + pid(init) + tid(curr_ns) + pid();" },
	{ "comm", "@x[comm(1)] = count();" },
	{ "socket_cookie", "@x = socket_cookie((struct sock *)0);" },
	{ "nsecs", "@x = nsecs(boot) + nsecs(tai) + nsecs(monotonic) + nsecs(sw_tai);" },
	{ "has_cpid", "@x = has_cpid;" },
	{ "ncpus", "@x = ncpus;" },
	{ "probetype", "@x = probetype;" },
	{ "usermode", "@x = usermode + usermode();" },
	{ "pyfunc", "@x[pyfunc] = count();" },
	{ "pyfile", "@x[pyfile, ustack(native)] = count();" },
	{ "pyline", "@x = pyline;" },
	{ "strlen", "@x = strlen(comm);" },
	{ "strstr", "@x = strstr(comm, \"sh\");" },
	{ "memcmp", "@x = memcmp(comm, \"bash\", 4);" },
	{ "signal_name", "@x[signal_name(9)] = 1;" },
	{ "syscall_name", "@x[syscall_name(0)] = 1;" },
	{ "errorf", "errorf(\"%d\", pid);" },
	{ "warnf", "warnf(\"%s\", comm);" },
	{ "static_assert", "static_assert(1, \"yes\");" },
	{ "fail", "fail(\"no %d\", 1);", "no 1" },
	{ "is_array", "@x = is_array(comm);" },
	{ "is_integer", "@x = is_integer(pid);" },
	{ "is_literal", "@x = is_literal(1);" },
	{ "is_ptr", "@x = is_ptr(curtask);" },
	{ "is_str", "@x = is_str(comm);" },
	{ "is_unsigned_integer", "@x = is_unsigned_integer(pid);" },
	{ "getopt", "@x = getopt(\"n\", 3); @s = getopt(\"s\", \"x\"); @b = getopt(\"b\");" },
	{ "signal", "signal(\"KILL\"); signal(9);" },
	{ "override", "override(0);" },
	{ "strcap", "@x = strcap(comm);" },
	/* span blocks (compiler/pass_span.h): the block follows the probe
	 * of the kind ("KIND { } span s {...} BEGIN { }") */
	{ "span.open", SPAN_USE },
	{ "span.close", SPAN_USE },
	{ "span.set", SPAN_USE },
	{ "span.get", SPAN_USE },
	{ "span.key", SPAN_USE },
	{ "traceparent", SPAN_USE },
	{ "span.eopen", SPAN_EVENT_USE },
	{ "span.eset", SPAN_EVENT_USE },
	{ "span.eget", "@x = event.n;",
	  "is set in an event probe of a span block, never read" },
	{ "thread_parent", "} span s { key (tid); begin "
			   "tracepoint:syscalls:sys_enter_openat { $t = "
			   "thread_parent(1); } end "
			   "tracepoint:syscalls:sys_exit_openat { } } BEGIN {" },
	/* a function span's key (pass_span.c frame_key) */
	{ "span.frame", "} uprobe:/lib/x86_64-linux-gnu/libc.so.6:malloc "
			"{ span(\"f\"); } BEGIN {" },
	{ "span.get", "@x = span.start;", "is used outside a span block" },
	{ "span", "if (1) { span(\"x\"); }", "is a statement of the block" },
	{ "write_user", "$w = \"ab\"; @x = write_user(0, $w, 3);" },
	{ "unwatch", "unwatch(0x10000000);" },
	{ "gostr", "@x = gostr(arg0, arg1);" },
#if ETRACE_HAVE_GO
	{ "goid", "@x = goid;" },
	{ "goret", "@x = goret(1) + retval;" },
#else
	{ "goid", "@x = goid;", "The goid builtin can only be used" },
	{ "goret", "@x = goret(1);", "goret() can only be used" },
#endif
	/* protocol functions (funcs_proto.c): an address and a length,
	 * or bytes the program holds */
	{ "is_http_request", "@x = is_http_request(0, 16);" },
	{ "is_http_response", "@x = is_http_response(0, 16);" },
	{ "http_method", "@x = http_method(0, 16);" },
	{ "http_path", "@x = http_path(0, 16);" },
	{ "http_status", "@x = http_status(0, 16);" },
	{ "http_content_length", "@x = http_content_length(0, 16);" },
	{ "http_next", "@x = http_next(0, 16);" },
	{ "h2_preface", "@x = h2_preface(0, 16);" },
	{ "h2_frame_len", "@x = h2_frame_len(0, 16);" },
	{ "h2_frame_flags", "@x = h2_frame_flags(0, 16);" },
	{ "ws_opcode", "@x = ws_opcode(0, 16);" },
	{ "ws_payload_len", "@x = ws_payload_len(0, 16);" },
	{ "resp_type", "@x = resp_type(0, 16);" },
	{ "pg_msg_type", "@x = pg_msg_type(0, 16);" },
	{ "pg_query", "@x = pg_query(0, 16);" },
	{ "pg_error", "@x = pg_error(0, 16);" },
	{ "mysql_command", "@x = mysql_command(0, 16);" },
	{ "mysql_reply", "@x = mysql_reply(0, 16);" },
	{ "mysql_errno", "@x = mysql_errno(0, 16);" },
	{ "http_header", "@x = http_header(0, 64, \"host\");" },
	{ "http_query", "@x = http_query(0, 64, 1);" },
	{ "h2_frame_type", "@x = h2_frame_type(0, 64, 1);" },
	{ "h2_stream_id", "@x = h2_stream_id(comm, 16);" },
	{ "ws_close_code", "@x = ws_close_code(comm, 16);" },
	{ "ws_header_len", "@x = ws_header_len(0, 16);" },
	{ "h2_feed", "@x = h2_feed(3, 1, 0x1000, 64);" },
	{ "h2_feed", "@x = h2_feed(3, 0, 0x1000, 64, 4);" },
	{ "resp_command", "@x = resp_command(comm, 16);" },
	{ "pg_tag", "@x = pg_tag(comm, 16);" },
	{ "mysql_query", "@x = mysql_query(buf(comm, 8), 8);" },
	{ "proto_detect", "@x = proto_detect(0, 16);" },
	{ "redact", "@x = redact(comm, \"email,sql\");" },
	{ "sample", "if (sample(10)) { @x = count(); } sample(3); @y = 1;" },
	{ "rate_limit", "rate_limit(100); @x = count();" },
};

#define NUSES (sizeof(uses) / sizeof(uses[0]))

static struct compile_ctx ctx;
static struct prog_meta prog;
static char diags[8192];
/* the kernel's BTF, parsed once (each compile parsed it again: a quarter
 * of the test's time) */
static struct btf *vmlinux_btf;
static unsigned shard, nshards = 1, stride = 1;

/* Compiles src: 1 when the front end refuses it (diagnostics in
 * diags), 0 when code generation succeeds too, -1 when it fails. */
static int compile(const char *src)
{
	struct compile_opts o = { .kallsyms = "", .tracefs = TRACEFS,
				  .unsafe = true, .has_child = true,
				  .child_cmd = PROGS "/uprobe_c_nopie 1",
				  .shared_btf = vmlinux_btf };
	struct codegen_opts co = { 0 };
	int err;
	FILE *f;

	prog_meta_free(&prog);
	compile_ctx_fini(&ctx);
	memset(&ctx, 0, sizeof(ctx));
	if (compile_ctx_init(&ctx, "t.et", src, strlen(src), &o))
		return -1;
	err = compile_run(&ctx, NULL, NULL);
	if (!err)
		err = codegen_ex(&ctx, &prog, &co) ? -1 : 0;
	else
		err = 1;
	f = fmemopen(diags, sizeof(diags), "w");
	diags_print(&ctx.diags, f);
	fclose(f);
	return err;
}

/* The use's program in every kind (ETRACE_ROWS_STRIDE: in its share of
 * them): how many passed the front end. */
static int compile_everywhere(const struct use *u)
{
	size_t ui = (size_t)(u - uses);
	char src[1024];
	int passed = 0;

	for (size_t k = 0; k < NKINDS; k++) {
		int r;

		if ((k + ui) % stride && (passed || u->refused))
			continue;
		snprintf(src, sizeof(src), "%s { %s }", kinds[k], u->body);
		r = compile(src);
		if (r < 0)
			fprintf(stderr, "\n%s: code generation failed:\n%s",
				src, diags);
		CU_ASSERT(r >= 0);
		if (r > 0 && u->refused && !strstr(diags, u->refused)) {
			fprintf(stderr, "\n%s: wanted '%s', got:\n%s", src,
				u->refused, diags);
			CU_FAIL("refused, but not with the row's message");
		}
		passed += r == 0;
	}
	return passed;
}

static void test_kinds_cover_probes_def(void)
{
	bool seen[PK_COUNT] = { false };

	for (size_t k = 0; k < NKINDS; k++) {
		char kind[32];

		snprintf(kind, sizeof(kind), "%.*s",
			 (int)strcspn(kinds[k], ":"), kinds[k]);
		CU_ASSERT_NOT_EQUAL_FATAL(probe_kind_find(kind), PK_COUNT);
		seen[probe_kind_find(kind)] = true;
	}
	for (int i = 0; i < PK_COUNT; i++) {
		if (!seen[i])
			fprintf(stderr, "\nno attach point of kind %s\n",
				probe_kind_name(i));
		CU_ASSERT(seen[i]);
	}
}

/* Whether row I (builtins, then functions) is this shard's. */
static bool mine(int i)
{
	return (unsigned)i % nshards == shard;
}

static void check_row(const char *row)
{
	int nuses = 0, passed;

	for (size_t i = 0; i < NUSES; i++) {
		if (strcmp(uses[i].row, row))
			continue;
		nuses++;
		passed = compile_everywhere(&uses[i]);
		if (!uses[i].refused && !passed)
			fprintf(stderr, "\n'%s' compiles in no kind\n",
				uses[i].body);
		CU_ASSERT(uses[i].refused ? passed == 0 : passed > 0);
	}
	if (!nuses)
		fprintf(stderr, "\nno program uses the row '%s'\n", row);
	CU_ASSERT(nuses > 0);
}

static void test_every_builtin(void)
{
	const struct builtin *b;

	for (int i = 0; (b = builtin_at(i)); i++)
		if (mine(i))
			check_row(b->name);
}

static void test_every_function(void)
{
	const struct func *f;
	int nb = 0;

	while (builtin_at(nb))
		nb++;
	for (int i = 0; (f = func_at(i)); i++) {
		if (!mine(nb + i))
			continue;
		check_row(f->name);
		/* a row without a generator is one the type pass refuses
		 * (comm(pid): the uses of the builtin comm are not) */
		if (f->gen == FG_NONE) {
			bool any = false;

			for (size_t u = 0; u < NUSES; u++) {
				if (strcmp(uses[u].row, f->name))
					continue;
				if (!builtin_find(f->name))
					CU_ASSERT_PTR_NOT_NULL(uses[u].refused);
				any |= uses[u].refused != NULL;
			}
			CU_ASSERT(any);
		}
	}
	prog_meta_free(&prog);
	compile_ctx_fini(&ctx);
}

int main(void)
{
	static const struct unit_test t[] = {
		UNIT_TEST(test_kinds_cover_probes_def),
		UNIT_TEST(test_every_builtin), UNIT_TEST(test_every_function)
	};
	const char *e = getenv("ETRACE_ROWS_SHARD");
	int rc;

	if (e && (sscanf(e, "%u/%u", &shard, &nshards) != 2 || !nshards ||
		  shard >= nshards)) {
		fprintf(stderr, "ETRACE_ROWS_SHARD=%s: want I/N, I < N\n", e);
		return 2;
	}
	e = getenv("ETRACE_ROWS_STRIDE");
	if (e && (sscanf(e, "%u", &stride) != 1 || !stride)) {
		fprintf(stderr, "ETRACE_ROWS_STRIDE=%s: want S > 0\n", e);
		return 2;
	}
	/* the compiler's default file (compiler/btf.c); NULL when missing:
	 * each compile then parses it again, and finds none either */
	vmlinux_btf = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	rc = unit_run("rows", t, sizeof(t) / sizeof(t[0]));
	btf__free(vmlinux_btf);
	return rc;
}
