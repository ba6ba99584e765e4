/* Unit tests for the functions' check hooks (funcs_*.c): argument types,
 * literal requirements and result types, with typed calls built by
 * hand as pass_types would hand them over. */
#include "unit.h"

#include <stdarg.h>

#include "builtins.h"
#include "compile.h"
#include "probe.h"

static struct compile_ctx ctx;
static uint32_t pos;

static void setup(void)
{
	static const struct compile_opts opts = { .btf_path = "",
						  .kallsyms = "" };

	compile_ctx_fini(&ctx);
	compile_ctx_init(&ctx, "t.et", "0123456789", 10, &opts);
}

static struct loc next_loc(void)
{
	pos += 2;
	return (struct loc){ pos % 10, pos % 10 + 1 };
}

static struct node *I(int64_t v)
{
	struct node *n = ast_int(ctx.arena, next_loc(), (uint64_t)v, false);

	n->type = type_s64();
	return n;
}

static struct node *S(const char *s)
{
	struct node *n = ast_string(ctx.arena, next_loc(), s, strlen(s));

	n->type = type_string(ctx.arena, strlen(s) + 1);
	return n;
}

/* An expression of type t that is not a literal. */
static struct node *E(struct type *t)
{
	struct node *n = ast_var(ctx.arena, next_loc(), "$x");

	n->type = t;
	return n;
}

static struct node *ID(const char *name)
{
	return ast_ident(ctx.arena, next_loc(), name);
}

static struct node *M(const char *name, struct node *keys)
{
	struct node *n = ast_map(ctx.arena, next_loc(), name, keys);

	n->type = type_s64();
	return n;
}

static struct node *probe_of(enum probe_kind kind)
{
	struct node *a = ast_attach(ctx.arena, (struct loc){ 0, 1 },
				    probe_kind_name(kind));
	struct attach_point *p = arena_calloc(ctx.arena, 1, sizeof(*p));

	p->kind = kind;
	p->raw = a->u.attach.raw;
	a->u.attach.ap = p;
	return ast_probe(ctx.arena, (struct loc){ 0, 1 }, a, NULL,
			 ast_block(ctx.arena, (struct loc){ 0, 1 }, NULL),
			 false);
}

/* Checks name(arg) in probe. */
static struct type *check_one(struct node *probe, const char *name,
			      struct node *arg)
{
	const struct func *f = func_find(name);
	struct node *call = ast_call(ctx.arena, next_loc(), name, arg);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	call->u.call.nargs = ast_list_len(arg);
	call->u.call.func = f;
	return f->check(&ctx, call, probe);
}

/* Checks name(args...) (NULL-terminated) in a probe of the given kind. */
static struct type *check_in(enum probe_kind kind, const char *name, ...)
{
	struct node *args = NULL, *a;
	va_list ap;

	va_start(ap, name);
	while ((a = va_arg(ap, struct node *)))
		args = ast_append(args, a);
	va_end(ap);
	return check_one(probe_of(kind), name, args);
}

#define check(...) check_in(PK_KPROBE, __VA_ARGS__, NULL)

static const char *last_msg(void)
{
	return ctx.diags.tail ? ctx.diags.tail->msg : "";
}

static void test_printf(void)
{
	setup();
	CU_ASSERT_PTR_EQUAL(check("printf", S("%d %s\n"), I(1), S("a")),
			    type_none());
	CU_ASSERT_PTR_NULL(check("printf", E(type_string(ctx.arena, 8))));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "printf() expects a string literal (string variable provided)");
	CU_ASSERT_PTR_NULL(check("printf", I(1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "printf() expects a string literal (integer provided)");
	CU_ASSERT_PTR_NULL(check("system", S("echo %d"), S("x")));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"system: %d specifier expects a value of type integer (string supplied)");
	CU_ASSERT_PTR_NULL(check("cat", S("/proc/%d/status")));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"cat: Not enough arguments for format string (0 supplied, 1 expected)");
}

static void test_print_time_exit(void)
{
	setup();
	CU_ASSERT_PTR_NOT_NULL(check("print", M("@m", NULL), I(10), I(2)));
	CU_ASSERT_PTR_NOT_NULL(check("print", I(1)));
	CU_ASSERT_PTR_NULL(check("print", I(1), I(2)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "Non-map print() only takes 1 argument, 2 found");
	CU_ASSERT_PTR_NOT_NULL(check_in(PK_KPROBE, "time", NULL));
	CU_ASSERT_PTR_NULL(check("time", I(1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "time() expects a string literal (integer provided)");
	CU_ASSERT_PTR_NOT_NULL(check("exit", I(3)));
	CU_ASSERT_PTR_NULL(check("exit", S("a")));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "exit() only supports integer arguments (string provided)");
	CU_ASSERT_PTR_NULL(check("exit", I(256)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "exit() code must be between 0 and 255 (256 provided)");
	CU_ASSERT_PTR_NULL(check("join", S("a")));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "join() only supports int or pointer arguments (string provided)");
}

static void test_aggregations(void)
{
	struct type *t;

	setup();
	t = check_in(PK_KPROBE, "count", NULL);
	CU_ASSERT_EQUAL(t->kind, T_COUNT);
	t = check("sum", E(type_int(4, true)));
	CU_ASSERT_EQUAL(t->kind, T_SUM);
	CU_ASSERT_TRUE(t->is_signed);
	t = check("max", E(type_u64()));
	CU_ASSERT_EQUAL(t->kind, T_MAX);
	CU_ASSERT_FALSE(t->is_signed);
	CU_ASSERT_EQUAL(check("hist", I(1))->kind, T_HIST);
	CU_ASSERT_EQUAL(check("stats", I(1))->kind, T_STATS);
	CU_ASSERT_EQUAL(check("avg", I(1))->kind, T_AVG);
	CU_ASSERT_PTR_NULL(check("hist", S("a")));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "hist() only supports integer arguments (string provided)");
}

static void test_lhist(void)
{
	struct type *t;

	setup();
	t = check("lhist", I(5), I(0), I(100), I(10));
	CU_ASSERT_EQUAL_FATAL(t->kind, T_LHIST);
	CU_ASSERT_EQUAL(t->lh_min, 0);
	CU_ASSERT_EQUAL(t->lh_max, 100);
	CU_ASSERT_EQUAL(t->lh_step, 10);
	CU_ASSERT_PTR_NULL(check("lhist", I(1), I(-1), I(10), I(1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "lhist() min must be non-negative (provided min -1)");
	CU_ASSERT_PTR_NULL(check("lhist", I(1), I(0), I(10), I(0)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "lhist() step must be >= 1 (0 provided)");
	CU_ASSERT_PTR_NULL(check("lhist", I(1), I(10), I(5), I(1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"lhist() min must be less than max (provided min 10 and max 5)");
	CU_ASSERT_PTR_NULL(check("lhist", I(1), I(0), I(10), I(20)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"lhist() step is too large for the given range (provided step 20 for range 10)");
	CU_ASSERT_PTR_NULL(check("lhist", I(1), E(type_s64()), I(10), I(1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "lhist() expects an integer literal (integer variable provided)");
	/* -1 written as unary minus on a literal is still a literal */
	CU_ASSERT_PTR_NULL(check("lhist", I(1),
				 ast_unop(ctx.arena, next_loc(), OP_NEG, I(2)),
				 I(10), I(1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "lhist() min must be non-negative (provided min -2)");
}

static void test_map_funcs(void)
{
	setup();
	CU_ASSERT_PTR_NOT_NULL(check("delete", M("@m", I(1))));
	CU_ASSERT_PTR_NOT_NULL(check("delete", M("@m", NULL), I(1)));
	CU_ASSERT_PTR_NULL(check("delete", I(1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "delete() expects a map to be provided");
	CU_ASSERT_PTR_NULL(check("delete", M("@m", I(1)), I(2)));
	CU_ASSERT_PTR_NOT_NULL(strstr(last_msg(), "`delete(@my_map, 1);`"));
	CU_ASSERT_PTR_NOT_NULL(check("clear", M("@m", NULL)));
	CU_ASSERT_PTR_NULL(check("zero", M("@m", I(1))));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"The map passed to zero() should not be indexed by a key");
	CU_ASSERT_PTR_EQUAL(check("len", M("@m", NULL)), type_s64());
	CU_ASSERT_PTR_NULL(check("len", I(1)));
	CU_ASSERT_STRING_EQUAL(last_msg(), "len() expects a map to be provided");
	CU_ASSERT_PTR_EQUAL(check("has_key", M("@m", NULL), I(1)),
			    type_bool());
}

static void test_str_buf(void)
{
	struct type *t;

	setup();
	t = check("str", E(type_u64()));
	CU_ASSERT_EQUAL(t->kind, T_STRING);
	CU_ASSERT_EQUAL(t->size, 64);
	CU_ASSERT_PTR_NULL(check("str", E(type_u64()), I(-1)));
	CU_ASSERT_STRING_EQUAL(last_msg(), "str() cannot use negative length (-1)");
	CU_ASSERT_PTR_NULL(check("str", S("a")));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"str() expects an integer or a pointer type as first argument (string[2] provided)");
	t = check("buf", E(type_u64()), I(16));
	CU_ASSERT_EQUAL(t->kind, T_BUF);
	CU_ASSERT_EQUAL(t->size, 16);
	CU_ASSERT_PTR_NULL(check("buf", E(type_u64())));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"buf() expects a length argument for non-array type integer");
	t = check("buf", E(type_array(ctx.arena, type_int(1, false), 6)));
	CU_ASSERT_EQUAL(t->size, 6);
	/* as bpftrace 0.17: strings (literals, str(), char arrays) with a
	 * length, arrays of any integer, a length beyond strlen shortened */
	t = check("buf", S("abc"), I(3));
	CU_ASSERT_EQUAL(t->kind, T_BUF);
	CU_ASSERT_EQUAL(t->size, 3);
	CU_ASSERT_EQUAL(check("buf", E(type_string(ctx.arena, 16)), I(8))->size,
			8);
	CU_ASSERT_PTR_NULL(check("buf", S("abc")));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"buf() expects a length argument for non-array type string");
	t = check("buf", E(type_array(ctx.arena, type_int(4, true), 4)));
	CU_ASSERT_EQUAL(t->size, 16);
	t = check("buf", E(type_array(ctx.arena, type_int(8, false), 20)));
	CU_ASSERT_EQUAL(t->size, 64);
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"buf() length is too long and will be shortened to 64 bytes (see ETRACE_STRLEN)");
	CU_ASSERT_EQUAL(check("buf", S("abc"), I(100))->size, 64);
	CU_ASSERT_PTR_NULL(check("buf", E(type_record(ctx.arena, "struct x",
						      false)), I(1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"buf() expects an integer, string, or array argument but saw record");
}

static void test_string_funcs(void)
{
	struct type *t;

	setup();
	CU_ASSERT_PTR_EQUAL(check("strncmp", S("a"), S("b"), I(1)),
			    type_u64());
	CU_ASSERT_PTR_NULL(check("strncmp", S("a"), I(1), I(1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"strncmp() only supports string arguments (integer provided)");
	CU_ASSERT_PTR_NULL(check("strncmp", S("a"), S("b"), I(-1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "Builtin strncmp requires a non-negative size");
	CU_ASSERT_PTR_NOT_NULL(check("strcontains", S("a"), S("b")));
	CU_ASSERT_EQUAL(check("ntop", I(1))->kind, T_INET);
	CU_ASSERT_EQUAL(check("ntop", I(2), I(1))->kind, T_INET);
	CU_ASSERT_PTR_NULL(check("ntop", E(type_array(ctx.arena,
						      type_int(1, false), 5))));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "ntop() argument must be 4 or 16 bytes in size");
	t = check("pton", S("::1"));
	CU_ASSERT_EQUAL(t->kind, T_ARRAY);
	CU_ASSERT_EQUAL(t->count, 16);
	CU_ASSERT_EQUAL(check("pton", S("10.0.0.1"))->count, 4);
	CU_ASSERT_PTR_NULL(check("pton", S("x")));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"pton() expects a string argument of an IPv4/IPv6 address, got x");
	CU_ASSERT_EQUAL(check("strftime", S("%H"), E(type_u64()))->kind,
			T_TIMESTAMP);
	CU_ASSERT_EQUAL(check("strerror", I(2))->kind, T_STRERROR);
	CU_ASSERT_EQUAL(check("macaddr", E(type_u64()))->kind, T_MACADDR);
	CU_ASSERT_PTR_NULL(check("macaddr", S("abcdef")));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"macaddr() does not support literal string arguments");
	/* a 6-byte array or string (char mac[6]) is the address itself */
	CU_ASSERT_EQUAL(check("macaddr", E(type_string(ctx.arena, 6)))->kind,
			T_MACADDR);
	CU_ASSERT_EQUAL(check("macaddr", E(type_array(ctx.arena,
						      type_int(1, true), 6)))
				->kind, T_MACADDR);
	CU_ASSERT_PTR_NULL(check("macaddr", E(type_string(ctx.arena, 64))));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"macaddr() argument must be 6 bytes in size");
	CU_ASSERT_PTR_NULL(check("macaddr", E(type_buf(ctx.arena, 6))));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"macaddr() only supports array or pointer arguments (buffer provided)");
}

static void test_stacks(void)
{
	struct type *t;

	setup();
	t = check("kstack", ID("perf"), I(3));
	CU_ASSERT_EQUAL(t->kind, T_STACK);
	CU_ASSERT_EQUAL(t->mode, STACK_PERF);
	CU_ASSERT_EQUAL(t->frames, 3);
	CU_ASSERT_TRUE(t->kernel);
	t = check("ustack", I(5));
	CU_ASSERT_FALSE(t->kernel);
	CU_ASSERT_EQUAL(t->frames, 5);
	CU_ASSERT_EQUAL(t->mode, STACK_BPFTRACE);
	CU_ASSERT_EQUAL(check("ustack", ID("raw"))->mode, STACK_RAW);
	CU_ASSERT_PTR_NULL(check("kstack", ID("fast")));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"Unknown stack mode: 'fast' (expected bpftrace, perf, raw, build_id or native)");
	CU_ASSERT_PTR_NULL(check("kstack", ID("perf"), I(2000)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"kstack([int limit]): limit shouldn't exceed 1024, 2000 given");
	CU_ASSERT_PTR_NULL(check("ustack", I(-1)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "ustack() limit must not be negative (-1 given)");
	CU_ASSERT_PTR_NULL(check("kstack", S("a")));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "kstack() expects an integer literal (string provided)");
	CU_ASSERT_PTR_NULL(check("kstack", I(1), I(2)));
}

static void test_symbols_regs(void)
{
	struct attach_point *ap;
	struct node *p;

	setup();
	CU_ASSERT_EQUAL(check("ksym", E(type_u64()))->kind, T_KSYM);
	CU_ASSERT_EQUAL(check("usym", E(type_u64()))->kind, T_USYM);
	CU_ASSERT_PTR_NULL(check("ksym", S("a")));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"ksym() expects an integer or pointer argument (string provided)");
	CU_ASSERT_PTR_EQUAL(check("kaddr", S("vfs_read")), type_u64());
	CU_ASSERT_PTR_NULL(check("uaddr", S("x")));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "uaddr can not be used with \"kprobe\" probes");
	CU_ASSERT_PTR_NULL(check_in(PK_PROFILE, "uaddr", S("x"), NULL));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "uaddr can not be used with \"profile\" probes");
	/* resolved in the binary: this test, a position-independent one */
	p = probe_of(PK_UPROBE);
	ap = p->u.probe.attach->u.attach.ap;
	ap->target = "/proc/self/exe";
	ap->func = "main";
	CU_ASSERT_PTR_EQUAL(check_one(p, "uaddr", S("main")), type_u64());
	CU_ASSERT_PTR_NULL(check_one(p, "uaddr", S("no_such_symbol")));
	CU_ASSERT_STRING_EQUAL(last_msg(), "uaddr: no symbol 'no_such_symbol' "
					   "in /proc/self/exe");
	ap->kind = PK_URETPROBE;
	CU_ASSERT_PTR_NULL(check_one(p, "uaddr", S("main")));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "uaddr: /proc/self/exe is position-independent: "
			       "its load address is known only in a uprobe on "
			       "a function of it");
	CU_ASSERT_PTR_EQUAL(check("reg", S("ip")), type_u64());
	CU_ASSERT_PTR_NULL(check("reg", S("foo")));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"'foo' is not a valid register on this architecture (x86_64)");
	CU_ASSERT_PTR_NULL(check_in(PK_BEGIN, "reg", S("ip"), NULL));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "reg can not be used with \"BEGIN\" probes");
}

static void test_misc(void)
{
	struct type *p, *t;

	setup();
	CU_ASSERT_PTR_NOT_NULL(check("signal", S("KILL")));
	CU_ASSERT_PTR_NOT_NULL(check("signal", S("SIGUSR1")));
	CU_ASSERT_PTR_NOT_NULL(check("signal", I(9)));
	CU_ASSERT_PTR_NULL(check("signal", S("FOO")));
	CU_ASSERT_STRING_EQUAL(last_msg(), "FOO is not a valid signal");
	CU_ASSERT_PTR_NULL(check("signal", I(100)));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "100 is not a valid signal, allowed range: [1,64]");
	CU_ASSERT_PTR_NULL(check_in(PK_BEGIN, "signal", I(9), NULL));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "signal can not be used with \"BEGIN\" probes");
	CU_ASSERT_PTR_NOT_NULL(check("override", I(0)));
	CU_ASSERT_PTR_NULL(check_in(PK_KRETPROBE, "override", I(0), NULL));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "override can only be used with kprobes");
	CU_ASSERT_PTR_NULL(check("path", E(type_u64())));
	CU_ASSERT_PTR_NOT_NULL(strstr(last_msg(), "The path function"));
	p = type_ptr(ctx.arena, type_u64(), AS_KERNEL);
	CU_ASSERT_EQUAL(check_in(PK_FENTRY, "path", E(p), NULL)->kind,
			T_STRING);
	CU_ASSERT_PTR_NULL(check_in(PK_FENTRY, "path", E(type_u64()), NULL));
	CU_ASSERT_STRING_EQUAL(last_msg(),
			       "path() only supports pointer or record argument (integer provided)");
	CU_ASSERT_PTR_EQUAL(check_in(PK_FEXIT, "unwatch", I(1), NULL),
			    type_none());
	CU_ASSERT_PTR_NULL(check_in(PK_WATCHPOINT, "unwatch", S("x"), NULL));
	CU_ASSERT_PTR_EQUAL(check("cgroupid", S("/sys/fs/cgroup")),
			    type_u64());
	CU_ASSERT_PTR_NULL(check("cgroupid", I(1)));
	CU_ASSERT_EQUAL(check("cgroup_path", I(1), S("unified"))->kind,
			T_CGROUP_PATH);
	p = type_ptr(ctx.arena, type_int(4, true), AS_KERNEL);
	t = check("uptr", E(p));
	CU_ASSERT_EQUAL(t->kind, T_PTR);
	CU_ASSERT_EQUAL(t->as, AS_USER);
	CU_ASSERT_EQUAL(p->as, AS_KERNEL);
	CU_ASSERT_PTR_NULL(check("kptr", S("a")));
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"kptr() only supports integer or pointer arguments (string provided)");
	CU_ASSERT_PTR_EQUAL(check("bswap", E(type_int(2, true))),
			    type_int(2, false));
}

UNIT_MAIN("funcs",
	  UNIT_TEST(test_printf),
	  UNIT_TEST(test_print_time_exit),
	  UNIT_TEST(test_aggregations),
	  UNIT_TEST(test_lhist),
	  UNIT_TEST(test_map_funcs),
	  UNIT_TEST(test_str_buf),
	  UNIT_TEST(test_string_funcs),
	  UNIT_TEST(test_stacks),
	  UNIT_TEST(test_symbols_regs),
	  UNIT_TEST(test_misc))
