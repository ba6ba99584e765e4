/* Unit tests: the probe providers (attach point parsing and resolution),
 * probe_flags() and the probe pass, on fixtures (tests/data) and on this
 * machine's kernel where that is stable. */
#include "unit.h"

#include <stdio.h>
#include <unistd.h>

#include "compile.h"
#include "probe.h"
#include "probe_impl.h"

#define DATA ETRACE_TEST_DATA

static struct compile_ctx ctx;
static const char *params[] = { "vfs_read", "/bin/sh", "99" };

/* -p PID of the contexts parse() opens (0: none) */
static int target_pid;

static void ctx_open(void)
{
	struct compile_opts o = {
	    .kallsyms = DATA "/kallsyms",
	    .tracefs = DATA "/tracefs",
	    .params = params,
	    .nparams = 3,
	    .target_pid = target_pid,
	};

	compile_ctx_init(&ctx, "t", "", 0, &o);
}

/* Parses raw in a fresh context; the context stays open until the next
 * call (or done()). */
static struct attach_point *parse(const char *raw)
{
	compile_ctx_fini(&ctx);
	ctx_open();
	return attach_point_parse(&ctx, raw, (struct loc){ 0, 1 });
}

static void done(void)
{
	compile_ctx_fini(&ctx);
}

/* The first diagnostic of parsing raw, "" when it parsed. */
static const char *err(const char *raw)
{
	struct attach_point *ap = parse(raw);

	if (ap) {
		CU_ASSERT_EQUAL(ctx.diags.nerrors, 0);
		return "";
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx.diags.head);
	return ctx.diags.head->msg;
}

#define ERR(raw, msg) CU_ASSERT_STRING_EQUAL(err(raw), msg)

static void test_registry(void)
{
	CU_ASSERT_EQUAL(probe_provider_find("kprobe")->kind, PK_KPROBE);
	CU_ASSERT_EQUAL(probe_provider_find("k")->kind, PK_KPROBE);
	CU_ASSERT_EQUAL(probe_provider_find("kr")->kind, PK_KRETPROBE);
	CU_ASSERT_EQUAL(probe_provider_find("U")->kind, PK_USDT);
	CU_ASSERT_EQUAL(probe_provider_find("kfunc")->kind, PK_FENTRY);
	CU_ASSERT_EQUAL(probe_provider_find("f")->kind, PK_FENTRY);
	CU_ASSERT_EQUAL(probe_provider_find("kretfunc")->kind, PK_FEXIT);
	CU_ASSERT_EQUAL(probe_provider_find("fr")->kind, PK_FEXIT);
	CU_ASSERT_EQUAL(probe_provider_find("aw")->kind, PK_ASYNCWATCHPOINT);
	CU_ASSERT_EQUAL(probe_provider_find("it")->kind, PK_ITER);
	CU_ASSERT_EQUAL(probe_provider_find("END")->kind, PK_END);
	CU_ASSERT_EQUAL(probe_provider_find("begin")->kind, PK_BEGIN);
	CU_ASSERT_EQUAL(probe_provider_find("end")->kind, PK_END);
	CU_ASSERT_PTR_NULL(probe_provider_find("Begin"));
	CU_ASSERT_PTR_NULL(probe_provider_find("kprobes"));
	CU_ASSERT_PTR_NULL(probe_provider_find(NULL));
	for (int k = 0; k < PK_COUNT; k++) {
		const struct probe_provider *p = probe_provider(k);

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT_EQUAL(p->kind, k);
		CU_ASSERT_PTR_NOT_NULL(p->parse);
		CU_ASSERT_PTR_NOT_NULL(p->section);
		/* a latency block returns in a kind that has retval */
		if (p->flags & PF_ENTRY)
			CU_ASSERT(probe_provider(p->ret_kind)->flags &
				  PF_RETVAL);
		if (p->flags & PF_ARGN)
			CU_ASSERT(p->max_args > 0);
		if (p->flags & PF_ARGS)
			CU_ASSERT_PTR_NOT_NULL(p->args_type);
	}
	CU_ASSERT_PTR_NULL(probe_provider(PK_COUNT));
	CU_ASSERT_STRING_EQUAL(probe_kind_name(PK_TRACEPOINT), "tracepoint");
	ERR("foo:bar", "Invalid probe type 'foo'");
	ERR("", "Invalid probe type ''");
	done();
}

static void test_numbers(void)
{
	uint64_t v;

	CU_ASSERT_EQUAL(probe_parse_u64("99", &v), 0);
	CU_ASSERT_EQUAL(v, 99);
	CU_ASSERT_EQUAL(probe_parse_u64("0x10", &v), 0);
	CU_ASSERT_EQUAL(v, 16);
	CU_ASSERT_EQUAL(probe_parse_u64("010", &v), 0);
	CU_ASSERT_EQUAL(v, 8);
	CU_ASSERT_EQUAL(probe_parse_u64("1_000", &v), 0);
	CU_ASSERT_EQUAL(v, 1000);
	CU_ASSERT_EQUAL(probe_parse_u64("1e3", &v), 0);
	CU_ASSERT_EQUAL(v, 1000);
	CU_ASSERT_EQUAL(probe_parse_u64("0x1e3", &v), 0);
	CU_ASSERT_EQUAL(v, 0x1e3);
	CU_ASSERT_EQUAL(probe_parse_u64("1e30", &v), -ERANGE);
	CU_ASSERT_EQUAL(probe_parse_u64("99999999999999999999", &v),
			-ERANGE);
	CU_ASSERT_EQUAL(probe_parse_u64("9x", &v), -EINVAL);
	CU_ASSERT_EQUAL(probe_parse_u64("-1", &v), -EINVAL);
	CU_ASSERT_EQUAL(probe_parse_u64(" 1", &v), -EINVAL);
	CU_ASSERT_EQUAL(probe_parse_u64("", &v), -EINVAL);
	CU_ASSERT_EQUAL(probe_parse_u64("_1", &v), -EINVAL);
	CU_ASSERT_EQUAL(probe_parse_u64("0x", &v), -EINVAL);
	CU_ASSERT_EQUAL(probe_parse_u64("e3", &v), -EINVAL);
}

static void test_lexing(void)
{
	struct attach_point *ap;

	ap = parse("uprobe:\"/tmp/a:b\":main");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->raw, "uprobe:\"/tmp/a:b\":main");
	CU_ASSERT_EQUAL(ap->kind, PK_UPROBE);
	ap = parse("kprobe:$1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->func, "vfs_read");
	ap = parse("profile:hz:$3");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_EQUAL(ap->freq, 99);
	ap = parse("kprobe:\"$1\"");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->func, "$1");
	ap = parse("usdt:\"a\\\"b\":p:n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	ERR("kprobe:$4",
	    "Positional parameter $4 used in attach point is not set (3 given)");
	ERR("kprobe:$1x",
	    "Found trailing text 'x' in positional parameter index. Try quoting the trailing text");
	ERR("kprobe:$", "Invalid positional parameter '$' in attach point");
	ERR("kprobe:\"vfs", "Unterminated string in attach point 'kprobe:\"vfs'");
	done();
}

static void test_kprobe(void)
{
	struct attach_point *ap;

	ap = parse("k:vfs_read+0x10");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_EQUAL(ap->kind, PK_KPROBE);
	CU_ASSERT_STRING_EQUAL(ap->func, "vfs_read");
	CU_ASSERT_TRUE(ap->has_offset);
	CU_ASSERT_EQUAL(ap->offset, 16);
	CU_ASSERT_FALSE(ap->wildcard);
	ap = parse("kprobe:xfs:xfs_fs_sync");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->target, "xfs");
	CU_ASSERT_STRING_EQUAL(ap->func, "xfs_fs_sync");
	ap = parse("kprobe:vfs_[rw]*");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_TRUE(ap->wildcard);
	ap = parse("kretprobe:vfs_read");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_EQUAL(ap->kind, PK_KRETPROBE);
	ERR("kretprobe:vfs_read+0x10",
	    "Offset not allowed in kretprobe probes ('vfs_read+0x10')");
	ERR("kprobe:a:b:c",
	    "kprobe probe type requires 1 or 2 arguments, found 3");
	ERR("kprobe", "kprobe probe type requires 1 or 2 arguments, found 0");
	ERR("kprobe:", "kprobe probe must be attached to a function");
	ERR("kprobe:f+1+2", "Cannot take more than one offset ('f+1+2')");
	ERR("kprobe:f+", "Invalid offset in 'f+'");
	ERR("kprobe:+1", "Invalid offset in '+1'");
	ERR("kprobe:f+1z", "Invalid offset '1z': expected an integer");
	ERR("kprobe:vfs_*+8", "Offset not allowed with a wildcard ('vfs_*+8')");
	ERR("kprobe::f", "kprobe probe has an empty module name");
	done();
}

static void test_kprobe_resolve(void)
{
	struct attach_point *ap;

	ap = parse("kprobe:vfs_read");
	CU_ASSERT_EQUAL(probe_provider(ap->kind)->resolve(&ctx, ap), 0);
	CU_ASSERT_TRUE(ap->exists);
	ap = parse("kprobe:vfs_nope");
	probe_provider(ap->kind)->resolve(&ctx, ap);
	CU_ASSERT_FALSE(ap->exists);
	ap = parse("kretprobe:vfs_*");
	probe_provider(ap->kind)->resolve(&ctx, ap);
	CU_ASSERT_TRUE(ap->exists);
	CU_ASSERT_EQUAL_FATAL(ap->nmatches, 2);
	CU_ASSERT_STRING_EQUAL(ap->matches[0], "vfs_read");
	CU_ASSERT_STRING_EQUAL(ap->matches[1], "vfs_write");
	ap = parse("kprobe:zz*");
	probe_provider(ap->kind)->resolve(&ctx, ap);
	CU_ASSERT_FALSE(ap->exists);
	CU_ASSERT_EQUAL(ap->nmatches, 0);
	/* kernel checks disabled: everything may exist */
	ap = parse("kprobe:vfs_nope");
	ctx.opts.kallsyms = "";
	probe_provider(ap->kind)->resolve(&ctx, ap);
	CU_ASSERT_TRUE(ap->exists);
	done();
}

static void test_uprobe(void)
{
	struct attach_point *ap;

	ap = parse("uprobe:/bin/bash:main+4");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->target, "/bin/bash");
	CU_ASSERT_STRING_EQUAL(ap->func, "main");
	CU_ASSERT_EQUAL(ap->offset, 4);
	ap = parse("u:/bin/sh:0x1000");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_TRUE(ap->has_address);
	CU_ASSERT_EQUAL(ap->address, 0x1000);
	CU_ASSERT_PTR_NULL(ap->func);
	ap = parse("uprobe:/bin/app:cpp:ns::f");
	CU_ASSERT_PTR_NULL(ap); /* ':' must be quoted */
	ap = parse("uprobe:/bin/app:cpp:\"ns::f\"");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->lang, "cpp");
	CU_ASSERT_STRING_EQUAL(ap->func, "ns::f");
	ap = parse("uprobe:$2:ma*");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->target, "/bin/sh");
	CU_ASSERT_TRUE(ap->wildcard);
	ap = parse("uretprobe:/bin/sh:0x10");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_EQUAL(ap->kind, PK_URETPROBE);
	ERR("uretprobe:/bin/bash:main+1",
	    "Offset not allowed in uretprobe probes ('main+1')");
	ERR("uprobe:/bin/sh", "uprobe probe type requires 2 or 3 arguments, found 1");
	ERR("uprobe:/bin/sh:rust:f",
	    "Unsupported language 'rust' in uprobe probe: expected cpp");
	ERR("uprobe::f", "uprobe probe must have a target binary");
	ERR("uprobe:/bin/sh:",
	    "uprobe probe must be attached to a function or an address");
	done();
}

static void test_binary_resolution(void)
{
	struct attach_point *ap;
	const char *p;

	ctx_open();
	p = probe_find_binary(&ctx, "sh");
	CU_ASSERT_PTR_NOT_NULL(p);
	CU_ASSERT_TRUE(p && p[0] == '/' && access(p, X_OK) == 0);
	p = probe_find_binary(&ctx, "libc");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "/libc.so.6"));
	p = probe_find_binary(&ctx, "c");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "/libc.so.6"));
	p = probe_find_binary(&ctx, "libc.so.6");
	CU_ASSERT_PTR_NOT_NULL(p);
	CU_ASSERT_PTR_NULL(probe_find_binary(&ctx, "etrace-no-such-binary"));
	CU_ASSERT_PTR_NULL(probe_find_binary(&ctx, "/tmp"));
	CU_ASSERT_PTR_NULL(probe_find_binary(&ctx, ""));

	ap = parse("uprobe:libc:getaddrinfo");
	CU_ASSERT_EQUAL(probe_provider(ap->kind)->resolve(&ctx, ap), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(ap->target, "/libc.so.6"));
	ap = parse("uprobe:/nonexistent/app:main");
	CU_ASSERT_TRUE(probe_provider(ap->kind)->resolve(&ctx, ap) < 0);
	CU_ASSERT_STRING_EQUAL(ctx.diags.head->msg,
			       "uprobe target file '/nonexistent/app' does not exist");
	ap = parse("uretprobe:/tmp:main");
	CU_ASSERT_TRUE(probe_provider(ap->kind)->resolve(&ctx, ap) < 0);
	CU_ASSERT_STRING_EQUAL(ctx.diags.head->msg,
			       "uretprobe target file '/tmp' is not a regular file");
	ap = parse("usdt:libetrace_nope:p:n");
	CU_ASSERT_TRUE(probe_provider(ap->kind)->resolve(&ctx, ap) < 0);
	CU_ASSERT_STRING_EQUAL(ctx.diags.head->msg,
			       "usdt target 'libetrace_nope' not found in PATH or the shared library directories");
	/* nothing would expand a wildcard file when attaching: refused */
	ap = parse("uprobe:/bin/*:main");
	CU_ASSERT_TRUE(probe_provider(ap->kind)->resolve(&ctx, ap) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(ctx.diags.head->msg,
				      "Wildcards in the file of a uprobe probe "
				      "are not supported ('/bin/*')"));
	done();
}

static void test_usdt(void)
{
	struct attach_point *ap;

	ap = parse("usdt:/bin/sh:probe");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_PTR_NULL(ap->ns);
	CU_ASSERT_STRING_EQUAL(ap->func, "probe");
	ap = parse("U:/bin/sh:prov:probe");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->ns, "prov");
	CU_ASSERT_STRING_EQUAL(ap->func, "probe");
	ap = parse("usdt:/bin/sh:*:*");
	CU_ASSERT_TRUE(ap && ap->wildcard);
	ERR("usdt:/bin/sh", "usdt probe type requires 2 or 3 arguments, found 1");
	ERR("usdt:/bin/sh:a:b:c",
	    "usdt probe type requires 2 or 3 arguments, found 4");
	ERR("usdt::p", "usdt probe must have a target binary, or -p PID to "
		       "search the files the process maps");
	ERR("usdt:::p", "usdt probe must have a target binary, or -p PID to "
			"search the files the process maps");
	ERR("usdt:/bin/sh:",
	    "usdt probe must have a target function or wildcard");
	/* an empty provider is a left-out one */
	ap = parse("usdt:/bin/sh::n");
	CU_ASSERT_TRUE(ap && !ap->ns && !strcmp(ap->func, "n"));
	/* with -p, the file may be left out too (bpftrace 0.17) */
	target_pid = getpid();
	ap = parse("usdt:n");
	CU_ASSERT_TRUE(ap && !*ap->target && !ap->ns && !strcmp(ap->func, "n"));
	ap = parse("usdt::p:n");
	CU_ASSERT_TRUE(ap && !*ap->target && !strcmp(ap->ns, "p"));
	ap = parse("usdt:::n*");
	CU_ASSERT_TRUE(ap && !ap->ns && ap->wildcard);
	ERR("usdt:/bin/sh:a:b:c",
	    "usdt probe type requires 2 or 3 arguments, found 4");
	target_pid = 0;
	ERR("usdt:n", "usdt probe type requires 2 or 3 arguments, found 1");
	done();
}

static void test_tracepoint(void)
{
	struct attach_point *ap;
	struct type *t;

	ap = parse("t:sched:sched_switch");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->target, "sched");
	CU_ASSERT_STRING_EQUAL(ap->func, "sched_switch");
	probe_TRACEPOINT.resolve(&ctx, ap);
	CU_ASSERT_TRUE(ap->exists);
	t = probe_TRACEPOINT.args_type(&ctx, ap, ap->loc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t->name, "struct _tracepoint_sched_sched_switch");

	ap = parse("tracepoint:sched:sched_wakeup*");
	CU_ASSERT_TRUE_FATAL(ap && ap->wildcard);
	probe_TRACEPOINT.resolve(&ctx, ap);
	CU_ASSERT_EQUAL(ap->nmatches, 2);
	CU_ASSERT_PTR_NOT_NULL(probe_TRACEPOINT.args_type(&ctx, ap, ap->loc));

	ap = parse("tracepoint:sched:*");
	probe_TRACEPOINT.resolve(&ctx, ap);
	CU_ASSERT_EQUAL(ap->nmatches, 4);
	CU_ASSERT_PTR_NULL(probe_TRACEPOINT.args_type(&ctx, ap, ap->loc));
	CU_ASSERT_STRING_EQUAL(ctx.diags.head->msg,
			       "The tracepoints matched by 'sched:*' share no argument field; use one probe per tracepoint");

	/* execve and openat share filename (at different offsets) */
	ap = parse("tracepoint:syscalls:sys_enter_*");
	probe_TRACEPOINT.resolve(&ctx, ap);
	CU_ASSERT_EQUAL(ap->nmatches, 2);
	t = probe_TRACEPOINT.args_type(&ctx, ap, ap->loc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL(type_field(t, "filename", &(uint32_t){ 0 }));
	CU_ASSERT_PTR_NULL(type_field(t, "argv", &(uint32_t){ 0 }));
	CU_ASSERT_PTR_NULL(type_field(t, "dfd", &(uint32_t){ 0 }));

	ap = parse("tracepoint:syscalls:sys_enter_nope");
	probe_TRACEPOINT.resolve(&ctx, ap);
	CU_ASSERT_FALSE(ap->exists);
	CU_ASSERT_PTR_NULL(probe_TRACEPOINT.args_type(&ctx, ap, ap->loc));
	CU_ASSERT_STRING_EQUAL(ctx.diags.head->msg,
			       "Unknown tracepoint 'syscalls:sys_enter_nope'");
	ap = parse("tracepoint:nope*:x");
	probe_TRACEPOINT.resolve(&ctx, ap);
	CU_ASSERT_FALSE(ap->exists);
	ERR("tracepoint:sched",
	    "tracepoint probe type requires 2 arguments, found 1");
	ERR("tracepoint::x",
	    "tracepoint probe must have a category and an event name");
	done();
}

static void test_rawtracepoint(void)
{
	struct attach_point *ap;

	ap = parse("rt:sched_switch");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->func, "sched_switch");
	ctx.opts.btf_path = "";
	probe_RAWTRACEPOINT.resolve(&ctx, ap);
	CU_ASSERT_TRUE(ap->exists);
	ap = parse("rawtracepoint:sched_nope");
	ctx.opts.btf_path = "";
	probe_RAWTRACEPOINT.resolve(&ctx, ap);
	CU_ASSERT_FALSE(ap->exists);
	ap = parse("rawtracepoint:sys_*");
	probe_RAWTRACEPOINT.resolve(&ctx, ap);
	CU_ASSERT_EQUAL(ap->nmatches, 3);
	ap = parse("rawtracepoint:vmlinux:sched_switch");
	CU_ASSERT_TRUE(ap && !strcmp(ap->target, "vmlinux"));
	ERR("rawtracepoint:", "rawtracepoint probe must be attached to a tracepoint name");
	ERR("rawtracepoint:a:b:c",
	    "rawtracepoint probe type requires 1 or 2 arguments, found 3");
	done();
}

static void test_timers(void)
{
	struct attach_point *ap;

	ap = parse("profile:hz:99");
	CU_ASSERT_TRUE_FATAL(ap != NULL);
	CU_ASSERT_STRING_EQUAL(ap->target, "hz");
	CU_ASSERT_EQUAL(ap->freq, 99);
	ap = parse("p:99");
	CU_ASSERT_TRUE_FATAL(ap != NULL);
	CU_ASSERT_STRING_EQUAL(ap->target, "hz");
	CU_ASSERT_EQUAL(ap->freq, 99);
	ap = parse("interval:250ms");
	CU_ASSERT_TRUE_FATAL(ap != NULL);
	CU_ASSERT_EQUAL(ap->kind, PK_INTERVAL);
	CU_ASSERT_STRING_EQUAL(ap->target, "ms");
	CU_ASSERT_EQUAL(ap->freq, 250);
	ap = parse("i:s:1e1");
	CU_ASSERT_TRUE_FATAL(ap != NULL);
	CU_ASSERT_EQUAL(ap->freq, 10);
	ERR("profile:hx:99", "Invalid profile unit 'hx': expected hz, s, ms or us");
	ERR("interval:m:1", "Invalid interval unit 'm': expected hz, s, ms or us");
	ERR("profile:hz:0", "profile rate must be a positive integer, found 0");
	ERR("profile:hz:-1", "profile rate must be a positive integer, found -1");
	ERR("profile:hz:9x", "Invalid profile rate '9x': expected an integer");
	ERR("profile:hz:1e30", "Invalid profile rate '1e30': out of range");
	ERR("profile:h*:99", "Wildcards are not allowed in profile probes ('h*')");
	ERR("profile::99", "profile probe must have a unit of time");
	ERR("interval:5m", "Invalid interval unit 'm': expected hz, s, ms or us");
	ERR("interval:ms", "Invalid interval rate 'ms': expected a positive integer");
	ERR("interval:s:1:2", "interval probe type requires 1 or 2 arguments, found 3");
	done();
}

static void test_perf_events(void)
{
	struct attach_point *ap;

	ap = parse("software:faults");
	CU_ASSERT_TRUE_FATAL(ap != NULL);
	CU_ASSERT_STRING_EQUAL(ap->func, "page-faults");
	CU_ASSERT_EQUAL(ap->freq, 0);
	ap = parse("s:cs:10");
	CU_ASSERT_TRUE_FATAL(ap != NULL);
	CU_ASSERT_STRING_EQUAL(ap->func, "context-switches");
	CU_ASSERT_EQUAL(ap->freq, 10);
	ap = parse("hardware:cycles:1e6");
	CU_ASSERT_TRUE_FATAL(ap != NULL);
	CU_ASSERT_STRING_EQUAL(ap->func, "cpu-cycles");
	CU_ASSERT_EQUAL(ap->freq, 1000000);
	ap = parse("h:branches");
	CU_ASSERT_TRUE(ap && !strcmp(ap->func, "branch-instructions"));
	ap = parse("software:bpf-output");
	CU_ASSERT_TRUE(ap && !strcmp(ap->func, "bpf-output"));
	ERR("software:foo:1",
	    "Unknown software event 'foo': expected one of cpu-clock, task-clock, page-faults, context-switches, cpu-migrations, minor-faults, major-faults, alignment-faults, emulation-faults, dummy, bpf-output");
	ERR("hardware:foo",
	    "Unknown hardware event 'foo': expected one of cpu-cycles, instructions, cache-references, cache-misses, branch-instructions, branch-misses, bus-cycles, frontend-stalls, backend-stalls, ref-cycles");
	ERR("software:fau*", "Wildcards are not allowed in software probes ('fau*')");
	ERR("software:faults:-1", "software count must be a positive integer, found -1");
	ERR("software:faults:x", "Invalid software count 'x': expected an integer");
	ERR("hardware:", "hardware probe must have an event name");
	done();
}

static void test_watchpoint(void)
{
	struct attach_point *ap;

	ap = parse("watchpoint:0x1000:8:wr");
	CU_ASSERT_TRUE_FATAL(ap != NULL);
	CU_ASSERT_EQUAL(ap->address, 0x1000);
	CU_ASSERT_EQUAL(ap->freq, 8);
	CU_ASSERT_STRING_EQUAL(ap->mode, "rw");
	ap = parse("w:4096:1:x");
	CU_ASSERT_TRUE(ap && !strcmp(ap->mode, "x"));
	ap = parse("asyncwatchpoint:increment+arg1:4:w");
	CU_ASSERT_TRUE_FATAL(ap != NULL);
	CU_ASSERT_STRING_EQUAL(ap->func, "increment");
	CU_ASSERT_EQUAL(ap->address, 1);
	ERR("watchpoint:0x1000:3:rw", "watchpoint length must be 1, 2, 4 or 8, found 3");
	ERR("watchpoint:0x1000:8:q",
	    "Invalid watchpoint mode 'q': expected a combination of r, w and x");
	ERR("watchpoint:0x1000:8:ww", "Invalid watchpoint mode 'ww': 'w' is repeated");
	ERR("watchpoint:0x1000:8:rx", "Invalid watchpoint mode 'rx': expected r, w, rw or x");
	ERR("watchpoint:0x1000:8:", "Invalid watchpoint mode '': expected r, w, rw or x");
	ERR("watchpoint:0:8:w", "watchpoint must be attached to a non-zero address");
	ERR("watchpoint:abc:8:w", "Invalid watchpoint address 'abc': expected an integer");
	ERR("watchpoint:0x1000:8", "watchpoint probe type requires 3 arguments, found 2");
	ERR("watchpoint:f+x:8:w",
	    "Invalid watchpoint function argument 'f+x': expected func+argN");
	ERR("aw:0x1000:8:w",
	    "asyncwatchpoint requires a function argument (func+argN), found '0x1000'");
	done();
}

static void test_fentry_iter_special(void)
{
	struct attach_point *ap;

	ap = parse("kfunc:vfs_read");
	CU_ASSERT_TRUE_FATAL(ap != NULL);
	CU_ASSERT_EQUAL(ap->kind, PK_FENTRY);
	ap = parse("fr:mod:f*");
	CU_ASSERT_TRUE_FATAL(ap != NULL);
	CU_ASSERT_EQUAL(ap->kind, PK_FEXIT);
	CU_ASSERT_STRING_EQUAL(ap->target, "mod");
	CU_ASSERT_TRUE(ap->wildcard);
	ap = parse("iter:task_file:/sys/fs/bpf/x");
	CU_ASSERT_TRUE_FATAL(ap != NULL);
	CU_ASSERT_STRING_EQUAL(ap->func, "task_file");
	CU_ASSERT_STRING_EQUAL(ap->target, "/sys/fs/bpf/x");
	ap = parse("BEGIN");
	CU_ASSERT_TRUE(ap && ap->kind == PK_BEGIN);
	ERR("fentry:", "fentry probe must be attached to a function");
	ERR("iter:foo", "Unknown iterator 'foo': expected task, task_file or task_vma");
	ERR("iter:task:", "iter probe has an empty pin path");
	ERR("iter:t*", "Wildcards are not allowed in iter probes ('t*')");
	ERR("BEGIN:x", "BEGIN probe type takes no arguments, found 1");
	ERR("END:", "END probe type takes no arguments, found 1");
	done();
}

/* fentry targets come from kernel BTF: only where the machine has it. */
static void test_fentry_btf(void)
{
	struct attach_point *ap;
	struct type *t;

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return;
	ap = parse("fentry:vfs_read");
	CU_ASSERT_EQUAL(probe_FENTRY.resolve(&ctx, ap), 0);
	CU_ASSERT_TRUE(ap->exists);
	t = probe_FENTRY.args_type(&ctx, ap, ap->loc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->nfields, 4); /* file, buf, count, pos */
	ap = parse("fexit:etrace_no_such_function");
	probe_FEXIT.resolve(&ctx, ap);
	CU_ASSERT_FALSE(ap->exists);
	ap = parse("fentry:vfs_rea?");
	probe_FENTRY.resolve(&ctx, ap);
	CU_ASSERT_EQUAL(ap->nmatches, 1);
	ap = parse("fentry:vfs_re*");
	probe_FENTRY.resolve(&ctx, ap);
	CU_ASSERT_TRUE(ap->nmatches >= 2);
	done();
}

/* ---- the pass ---- */

static struct node *mk_probe(const char **raws, struct node *prev)
{
	struct node *p = arena_alloc(ctx.arena, sizeof(*p));
	struct node **tail = &p->u.probe.attach;

	p->kind = N_PROBE;
	for (uint32_t i = 0; raws[i]; i++) {
		struct node *a = arena_alloc(ctx.arena, sizeof(*a));

		a->kind = N_ATTACH;
		a->loc = (struct loc){ i, i + 1 };
		a->u.attach.raw = raws[i];
		*tail = a;
		tail = &a->next;
	}
	if (prev)
		prev->next = p;
	return p;
}

/* Runs the pass over probes given as NULL-separated attach point lists,
 * ending with two NULLs. */
static int run_pass(const char **spec)
{
	struct node *first = NULL, *last = NULL;

	compile_ctx_fini(&ctx);
	ctx_open();
	ctx.ast = arena_alloc(ctx.arena, sizeof(*ctx.ast));
	ctx.ast->kind = N_PROGRAM;
	while (*spec) {
		last = mk_probe(spec, last);
		if (!first)
			first = last;
		while (*spec)
			spec++;
		spec++;
	}
	ctx.ast->u.program.probes = first;
	return pass_probes(&ctx);
}

static const char *diag_msg(int i, enum diag_level *level)
{
	struct diag *d = ctx.diags.head;

	while (d && i--)
		d = d->next;
	if (!d)
		return "";
	*level = d->level;
	return d->msg;
}

static void test_pass(void)
{
	const char *ok[] = { "BEGIN", NULL, "kprobe:vfs_read",
			     "tracepoint:sched:sched_switch", NULL, "END",
			     NULL, NULL };
	const char *partial[] = { "kprobe:blk_account_io_start",
				  "kprobe:vfs_read", NULL, NULL };
	const char *none[] = { "kprobe:blk_account_io_start",
			       "tracepoint:sched:nope*", NULL, NULL };
	const char *twice[] = { "BEGIN", NULL, "END", "BEGIN", NULL, NULL };
	enum diag_level lv;
	struct node *p;

	CU_ASSERT_EQUAL(run_pass(ok), 0);
	CU_ASSERT_EQUAL(ctx.nprobes, 3);
	p = ctx.ast->u.program.probes->next;
	CU_ASSERT_EQUAL(p->u.probe.index, 1);
	CU_ASSERT_EQUAL(p->u.probe.attach->u.attach.ap->kind, PK_KPROBE);
	/* kprobe & tracepoint: no builtin's flag */
	CU_ASSERT_EQUAL(probe_flags(p), PF_QUALIFIED);
	CU_ASSERT_EQUAL(probe_flags(ctx.ast->u.program.probes), PF_NO_CTX);

	CU_ASSERT_EQUAL(run_pass(partial), 0);
	CU_ASSERT_EQUAL(ctx.diags.nwarnings, 1);
	CU_ASSERT_STRING_EQUAL(diag_msg(0, &lv),
			       "kprobe target 'blk_account_io_start' does not exist here");
	CU_ASSERT_EQUAL(lv, DIAG_WARNING);

	CU_ASSERT_TRUE(run_pass(none) < 0);
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 2);
	CU_ASSERT_STRING_EQUAL(diag_msg(1, &lv),
			       "tracepoints not found: sched:nope*");
	CU_ASSERT_EQUAL(lv, DIAG_ERROR);

	/* bpftrace 0.26: several BEGIN (and END) probes, run in order */
	CU_ASSERT_EQUAL(run_pass(twice), 0);
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 0);
	CU_ASSERT_EQUAL(ctx.nprobes, 2);
	done();
}

static void test_pass_errors(void)
{
	const char *iter[] = { "iter:task", "iter:task_file", NULL, NULL };
	const char *bad[] = { "kprobe:vfs_read", "profile:hx:1", NULL,
			      "uprobe:/nonexistent:f", NULL, NULL };
	enum diag_level lv;

	CU_ASSERT_TRUE(run_pass(iter) < 0);
	CU_ASSERT_STRING_EQUAL(diag_msg(0, &lv),
			       "Only a single iter attach point is allowed in a probe");
	CU_ASSERT_TRUE(run_pass(bad) < 0);
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 2);
	CU_ASSERT_PTR_NOT_NULL(ctx.ast->u.program.probes->u.probe.attach->u
				       .attach.ap);
	CU_ASSERT_PTR_NULL(ctx.ast->u.program.probes->u.probe.attach->next
				   ->u.attach.ap);
	done();
}

static void test_flags(void)
{
	const char *spec[] = { "kprobe:vfs_read", NULL, "kretprobe:vfs_read",
			       NULL, "uprobe:/bin/bash:main", "kprobe:vfs_write",
			       NULL, "tracepoint:sched:sched_switch", NULL,
			       "fexit:f", "kretprobe:vfs_read", NULL, NULL };
	struct node *p;

	ctx.opts.btf_path = "";
	CU_ASSERT_EQUAL(run_pass(spec), 0);
	p = ctx.ast->u.program.probes;
	CU_ASSERT_EQUAL(probe_flags(p), PF_ARGN | PF_ENTRY | PF_FUNC |
					PF_KERNEL_CTX | PF_SARGN |
					PF_OVERRIDE | PF_QUALIFIED);
	p = p->next;
	CU_ASSERT_EQUAL(probe_flags(p), PF_RETVAL | PF_FUNC | PF_KERNEL_CTX |
					PF_QUALIFIED);
	p = p->next;
	CU_ASSERT_EQUAL(probe_flags(p), PF_ARGN | PF_ENTRY | PF_FUNC |
					PF_KERNEL_CTX | PF_SARGN);
	p = p->next;
	CU_ASSERT_EQUAL(probe_flags(p), PF_ARGS | PF_QUALIFIED | PF_TASK_KFUNC);
	p = p->next;
	CU_ASSERT_EQUAL(probe_flags(p), PF_RETVAL | PF_FUNC | PF_QUALIFIED);
	CU_ASSERT_TRUE(probe_UPROBE.flags & PF_USER);
	CU_ASSERT_TRUE(probe_FENTRY.flags & PF_ARGS);
	done();
}

UNIT_MAIN("probe", UNIT_TEST(test_registry), UNIT_TEST(test_numbers),
	  UNIT_TEST(test_lexing), UNIT_TEST(test_kprobe),
	  UNIT_TEST(test_kprobe_resolve), UNIT_TEST(test_uprobe),
	  UNIT_TEST(test_binary_resolution), UNIT_TEST(test_usdt),
	  UNIT_TEST(test_tracepoint), UNIT_TEST(test_rawtracepoint),
	  UNIT_TEST(test_timers), UNIT_TEST(test_perf_events),
	  UNIT_TEST(test_watchpoint), UNIT_TEST(test_fentry_iter_special),
	  UNIT_TEST(test_fentry_btf), UNIT_TEST(test_pass),
	  UNIT_TEST(test_pass_errors), UNIT_TEST(test_flags))
