/* Unit tests for the builtin and function tables: lookup, the type of
 * each builtin per probe kind, and every function's argument rules. */
#include "unit.h"

#include <stdarg.h>

#include "builtins.h"
#include "compile.h"
#include "probe.h"

static struct compile_ctx ctx;

static void setup_opts(const struct compile_opts *o)
{
	compile_ctx_fini(&ctx);
	compile_ctx_init(&ctx, "t.et", "0123456789", 10, o);
}

static void setup(void)
{
	static const struct compile_opts opts = { .btf_path = "",
						  .kallsyms = "" };

	setup_opts(&opts);
}

static const char *last_msg(void)
{
	return ctx.diags.tail ? ctx.diags.tail->msg : "";
}

/* A probe whose attach points have the given kinds (end with -1). */
static struct node *probe_of(int kind, ...)
{
	struct node *attach = NULL;
	va_list ap;

	va_start(ap, kind);
	for (int k = kind; k >= 0; k = va_arg(ap, int)) {
		struct node *a = ast_attach(ctx.arena, (struct loc){ 0, 1 },
					    probe_kind_name(k));
		struct attach_point *p = arena_calloc(ctx.arena, 1,
						      sizeof(*p));

		p->kind = k;
		p->raw = a->u.attach.raw;
		p->func = "f";
		a->u.attach.ap = p;
		attach = ast_append(attach, a);
	}
	va_end(ap);
	return ast_probe(ctx.arena, (struct loc){ 0, 1 }, attach, NULL,
			 ast_block(ctx.arena, (struct loc){ 0, 1 }, NULL),
			 false);
}

static struct type *btype(const char *name, struct node *probe)
{
	struct node *id = ast_ident(ctx.arena, (struct loc){ 2, 4 }, name);
	const struct builtin *b = builtin_find(name);

	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	return b->type(&ctx, id, probe);
}

static void test_builtin_find(void)
{
	static const char *const names[] = {
		"pid", "tid", "uid", "gid", "comm", "nsecs", "elapsed", "cpu",
		"cgroup", "func", "probe", "args", "retval", "arg0", "arg9",
		"sarg3", "kstack", "ustack", "curtask", "rand", "username",
		"cpid", "ctx", "jiffies", "numaid",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(builtin_find(names[i]));
	CU_ASSERT_EQUAL(builtin_find("arg3")->id, B_ARG);
	CU_ASSERT_EQUAL(builtin_find("sarg0")->id, B_SARG);
	CU_ASSERT_PTR_NULL(builtin_find("arg10"));
	CU_ASSERT_PTR_NULL(builtin_find("arg"));
	CU_ASSERT_PTR_NULL(builtin_find("argx"));
	CU_ASSERT_PTR_NULL(builtin_find("foo"));
	CU_ASSERT_PTR_NULL(builtin_find(NULL));
}

static void test_func_find(void)
{
	static const char *const names[] = {
		"printf", "print", "time", "join", "str", "buf", "ksym",
		"usym", "kaddr", "uaddr", "ntop", "pton", "reg", "strncmp",
		"strcontains", "cgroupid", "exit", "cat", "signal", "system",
		"override", "count", "sum", "avg", "min", "max", "stats",
		"hist", "lhist", "delete", "clear", "zero", "len", "has_key",
		"kstack", "ustack", "strftime", "macaddr", "cgroup_path",
		"path", "uptr", "kptr", "bswap", "strerror", "unwatch",
		"debugf",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct func *f = func_find(names[i]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT_STRING_EQUAL(f->name, names[i]);
		CU_ASSERT_PTR_NOT_NULL(f->check);
	}
	CU_ASSERT_PTR_NULL(func_find("nope"));
	CU_ASSERT_TRUE(func_find("system")->flags & FN_UNSAFE);
	CU_ASSERT_TRUE(func_find("signal")->flags & FN_UNSAFE);
	CU_ASSERT_FALSE(func_find("printf")->flags & FN_UNSAFE);
	CU_ASSERT_TRUE(func_find("count")->flags & FN_AGG);
	CU_ASSERT_TRUE(func_find("printf")->flags & FN_STMT);
	CU_ASSERT_TRUE(func_find("clear")->flags & FN_MAP_ARG);
	CU_ASSERT_TRUE(func_find("kstack")->flags & FN_MODE_ARG);
	CU_ASSERT_EQUAL(func_find("lhist")->min_args, 4);
	CU_ASSERT_EQUAL(func_find("printf")->max_args, -1);
}

static void test_simple_types(void)
{
	struct node *p;
	struct type *t;

	setup();
	p = probe_of(PK_BEGIN, -1);
	CU_ASSERT_PTR_EQUAL(btype("pid", p), type_u64());
	CU_ASSERT_PTR_EQUAL(btype("nsecs", p), type_u64());
	CU_ASSERT_PTR_EQUAL(btype("elapsed", p), type_u64());
	t = btype("comm", p);
	CU_ASSERT_EQUAL(t->kind, T_STRING);
	CU_ASSERT_EQUAL(t->size, 16);
	CU_ASSERT_EQUAL(btype("username", p)->kind, T_USERNAME);
	t = btype("kstack", p);
	CU_ASSERT_EQUAL(t->kind, T_STACK);
	CU_ASSERT_TRUE(t->kernel);
	CU_ASSERT_EQUAL(t->frames, 127);
	CU_ASSERT_FALSE(btype("ustack", p)->kernel);
	/* no BTF: curtask is an integer */
	CU_ASSERT_PTR_EQUAL(btype("curtask", p), type_u64());
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 0);
}

static void test_retval(void)
{
	setup();
	CU_ASSERT_PTR_EQUAL(btype("retval", probe_of(PK_KRETPROBE, -1)),
			    type_u64());
	/* etrace's latency form: retval in an entry probe */
	CU_ASSERT_PTR_NOT_NULL(btype("retval", probe_of(PK_KPROBE, -1)));
	CU_ASSERT_PTR_NOT_NULL(btype("retval",
				     probe_of(PK_UPROBE, PK_KPROBE, -1)));
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 0);
	CU_ASSERT_PTR_NULL(btype("retval", probe_of(PK_TRACEPOINT, -1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"The retval builtin can only be used with 'kretprobe', 'uretprobe', 'fexit' and function entry probes ('tracepoint' used here)");
	/* entry and return points mixed: neither rule holds for all */
	CU_ASSERT_PTR_NULL(btype("retval",
				 probe_of(PK_KRETPROBE, PK_KPROBE, -1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"The retval builtin can only be used with 'kretprobe', 'uretprobe', 'fexit' and function entry probes ('kretprobe' used here)");
}

static void test_func_builtin(void)
{
	setup();
	CU_ASSERT_EQUAL(btype("func", probe_of(PK_KPROBE, -1))->kind, T_KSYM);
	CU_ASSERT_EQUAL(btype("func", probe_of(PK_UPROBE, -1))->kind, T_USYM);
	CU_ASSERT_PTR_NULL(btype("func", probe_of(PK_BEGIN, -1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"The func builtin can not be used with 'BEGIN' probes");
	CU_ASSERT_PTR_NULL(btype("func",
				 probe_of(PK_KPROBE, PK_INTERVAL, -1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"The func builtin can not be used with 'interval' probes");
}

static void test_argn(void)
{
	setup();
	CU_ASSERT_PTR_EQUAL(btype("arg0", probe_of(PK_KPROBE, -1)),
			    type_u64());
	CU_ASSERT_PTR_EQUAL(btype("arg5", probe_of(PK_UPROBE, -1)),
			    type_u64());
	/* uint64 too, as bpftrace 0.17 types USDT arguments (the
	 * differential case usdt_args_uint64 shows it) */
	CU_ASSERT_PTR_EQUAL(btype("arg9", probe_of(PK_USDT, -1)), type_u64());
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 0);
	CU_ASSERT_PTR_NULL(btype("arg6", probe_of(PK_KPROBE, -1)));
	CU_ASSERT_STRING_EQUAL(last_msg(), "x86_64 doesn't support arg6");
	CU_ASSERT_PTR_NULL(btype("arg0", probe_of(PK_KRETPROBE, -1)));
	CU_ASSERT_NSTRING_EQUAL(last_msg(),
		"The arg0 builtin can only be used with 'kprobe'", 46);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_msg(), "('kretprobe' used here)"));
	CU_ASSERT_PTR_NULL(btype("sarg0", probe_of(PK_TRACEPOINT, -1)));
	CU_ASSERT_PTR_NOT_NULL(strstr(last_msg(), "The sarg0 builtin"));
	CU_ASSERT_PTR_NOT_NULL(btype("sarg2", probe_of(PK_KPROBE, -1)));
}

static void test_args_builtin(void)
{
	setup();
	CU_ASSERT_PTR_NULL(btype("args", probe_of(PK_KPROBE, -1)));
	CU_ASSERT_PTR_NOT_NULL(strstr(last_msg(),
		"The args builtin can only be used with "));
	CU_ASSERT_PTR_NOT_NULL(strstr(last_msg(), "'tracepoint'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(last_msg(), "('kprobe' used here)"));
}

static void test_cpid_ctx(void)
{
	struct compile_opts o = { .btf_path = "", .has_child = true };
	struct type *t;

	setup();
	CU_ASSERT_PTR_NULL(btype("cpid", probe_of(PK_BEGIN, -1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "cpid cannot be used without child command (-c CMD)");
	CU_ASSERT_PTR_NULL(btype("ctx", probe_of(PK_KPROBE, PK_END, -1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"The ctx builtin can not be used with 'END' probes");
	setup_opts(&o);
	CU_ASSERT_PTR_EQUAL(btype("cpid", probe_of(PK_BEGIN, -1)),
			    type_u64());
	t = btype("ctx", probe_of(PK_KPROBE, -1));
	CU_ASSERT_EQUAL(t->kind, T_PTR);
	CU_ASSERT_TRUE(t->is_ctx);
}

UNIT_MAIN("builtins",
	  UNIT_TEST(test_builtin_find),
	  UNIT_TEST(test_func_find),
	  UNIT_TEST(test_simple_types),
	  UNIT_TEST(test_retval),
	  UNIT_TEST(test_func_builtin),
	  UNIT_TEST(test_argn),
	  UNIT_TEST(test_args_builtin),
	  UNIT_TEST(test_cpid_ctx))
