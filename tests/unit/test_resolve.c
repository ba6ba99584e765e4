/* Unit tests for pass_resolve: builtins, macros, enum constants, mode
 * arguments, unknown names, argument counts, --unsafe, positional
 * parameters and the config block. ASTs are built by hand. */
#include "unit.h"

#include "builtins.h"
#include "compile.h"
#include "typereg.h"

static struct compile_ctx ctx;
static uint32_t pos;

static void setup_opts(const struct compile_opts *o)
{
	compile_ctx_fini(&ctx);
	compile_ctx_init(&ctx, "t.et", "0123456789abcdefghij", 20, o);
}

static void setup(void)
{
	static const struct compile_opts opts = { .btf_path = "" };

	setup_opts(&opts);
}

static struct loc L(void)
{
	pos = (pos + 3) % 18;
	return (struct loc){ pos, pos + 2 };
}

static const char *last_msg(void)
{
	return ctx.diags.tail ? ctx.diags.tail->msg : "";
}

/* BEGIN { e; } with config items cfg; runs the pass. */
static int run(struct node *cfg, struct node *e)
{
	struct node *stmt = ast_expr_stmt(ctx.arena, e);
	struct node *probe = ast_probe(ctx.arena, L(),
				       ast_attach(ctx.arena, L(), "BEGIN"),
				       NULL, ast_block(ctx.arena, L(), stmt),
				       false);

	ctx.ast = ast_program(ctx.arena, NULL, cfg, probe);
	return pass_resolve(&ctx);
}

static struct node *call1(const char *name, struct node *arg)
{
	return ast_call(ctx.arena, L(), name, arg);
}

static struct node *list(struct node *a, struct node *b)
{
	return ast_append(a, b);
}

static struct node *I(int64_t v)
{
	return ast_int(ctx.arena, L(), (uint64_t)v, false);
}

static struct node *S(const char *s)
{
	return ast_string(ctx.arena, L(), s, strlen(s));
}

static void test_builtin_ident(void)
{
	struct node *e;

	setup();
	e = ast_ident(ctx.arena, L(), "pid");
	CU_ASSERT_EQUAL(run(NULL, e), 0);
	CU_ASSERT_PTR_EQUAL(e->u.ident.builtin, builtin_find("pid"));
	e = ast_ident(ctx.arena, L(), "arg3");
	CU_ASSERT_EQUAL(run(NULL, e), 0);
	CU_ASSERT_EQUAL(e->u.ident.builtin->id, B_ARG);
}

static void test_unknown_ident(void)
{
	struct node *e;

	setup();
	e = ast_ident(ctx.arena, (struct loc){ 4, 7 }, "bar");
	CU_ASSERT_NOT_EQUAL(run(NULL, e), 0);
	CU_ASSERT_STRING_EQUAL(last_msg(), "Unknown identifier: 'bar'");
	CU_ASSERT_EQUAL(ctx.diags.tail->loc.begin, 4);
	/* inside nested expressions too */
	setup();
	e = ast_binop(ctx.arena, L(), OP_ADD, I(1),
		      ast_ident(ctx.arena, L(), "arg10"));
	CU_ASSERT_NOT_EQUAL(run(NULL, e), 0);
	CU_ASSERT_STRING_EQUAL(last_msg(), "Unknown identifier: 'arg10'");
}

static void test_macro_and_enum(void)
{
	struct macro m = { .name = "AF_INET", .body = "2" };
	struct node *e, *id;

	setup();
	m.expr = ast_int(ctx.arena, LOC_NONE, 2, false);
	ctx.macros = &m;
	typereg_add_enum_value(&ctx, "TASK_DEAD", 128, "");
	id = ast_ident(ctx.arena, (struct loc){ 5, 12 }, "AF_INET");
	e = ast_binop(ctx.arena, L(), OP_EQ, id,
		      ast_ident(ctx.arena, L(), "TASK_DEAD"));
	CU_ASSERT_EQUAL(run(NULL, e), 0);
	CU_ASSERT_EQUAL(e->u.binop.lhs->kind, N_INT);
	CU_ASSERT_EQUAL(e->u.binop.lhs->u.integer.value, 2);
	/* the use keeps its own place in the source */
	CU_ASSERT_EQUAL(e->u.binop.lhs->loc.begin, 5);
	CU_ASSERT_EQUAL(e->u.binop.rhs->kind, N_INT);
	CU_ASSERT_EQUAL(e->u.binop.rhs->u.integer.value, 128);
}

static void test_mode_argument(void)
{
	struct node *e, *mode;

	setup();
	mode = ast_ident(ctx.arena, L(), "perf");
	e = call1("kstack", list(mode, I(3)));
	CU_ASSERT_EQUAL(run(NULL, e), 0);
	CU_ASSERT_EQUAL(mode->kind, N_IDENT);
	CU_ASSERT_PTR_NULL(mode->u.ident.builtin);
	CU_ASSERT_PTR_EQUAL(e->u.call.func, func_find("kstack"));
	CU_ASSERT_EQUAL(e->u.call.nargs, 2);
	/* an unknown mode is left for the function's check to name */
	setup();
	CU_ASSERT_EQUAL(run(NULL, call1("ustack",
					ast_ident(ctx.arena, L(), "fast"))), 0);
	/* but not in the second position */
	setup();
	CU_ASSERT_NOT_EQUAL(run(NULL, call1("kstack",
		list(I(1), ast_ident(ctx.arena, L(), "perf")))), 0);
	CU_ASSERT_STRING_EQUAL(last_msg(), "Unknown identifier: 'perf'");
}

static void test_unknown_function(void)
{
	setup();
	CU_ASSERT_NOT_EQUAL(run(NULL, call1("foo", ast_ident(ctx.arena, L(),
							     "bar"))), 0);
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 2);
	CU_ASSERT_STRING_EQUAL(ctx.diags.head->msg, "Unknown function: foo");
}

static void test_arg_counts(void)
{
	static const struct { const char *name; int n; const char *msg; } t[] = {
		{ "printf", 0, "printf() requires at least one argument (0 provided)" },
		{ "count", 1, "count() requires no arguments (1 provided)" },
		{ "hist", 2, "hist() requires one argument (2 provided)" },
		{ "lhist", 3, "lhist() requires 4 arguments (3 provided)" },
		{ "strftime", 0, "strftime() requires 2 arguments (0 provided)" },
		{ "time", 2, "time() takes up to one argument (2 provided)" },
		{ "kstack", 3, "kstack() takes up to 2 arguments (3 provided)" },
		{ "print", 4, "print() takes up to 3 arguments (4 provided)" },
		{ "str", 0, "str() requires at least one argument (0 provided)" },
		{ "exit", 2, "exit() takes up to one argument (2 provided)" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct node *args = NULL;

		setup();
		for (int k = 0; k < t[i].n; k++)
			args = list(args, I(k + 1));
		CU_ASSERT_NOT_EQUAL(run(NULL, call1(t[i].name, args)), 0);
		CU_ASSERT_STRING_EQUAL(last_msg(), t[i].msg);
	}
}

static void test_unsafe(void)
{
	struct compile_opts o = { .btf_path = "", .unsafe = true };

	setup();
	CU_ASSERT_NOT_EQUAL(run(NULL, call1("system", S("ls"))), 0);
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"system() is an unsafe function being used in safe mode (use --unsafe)");
	setup_opts(&o);
	CU_ASSERT_EQUAL(run(NULL, call1("system", S("ls"))), 0);
}

static void test_positional(void)
{
	static const char *const params[] = { "42", "abc", "0x10" };
	struct compile_opts o = { .btf_path = "", .nparams = 3,
				  .params = params };
	struct node *e;

	setup_opts(&o);
	e = ast_tuple(ctx.arena, L(),
		      list(list(ast_positional(ctx.arena, L(), 1, false),
				ast_positional(ctx.arena, L(), 3, false)),
			   list(ast_positional(ctx.arena, L(), 7, false),
				ast_positional(ctx.arena, L(), 0, true))));
	CU_ASSERT_EQUAL(run(NULL, e), 0);
	e = e->u.tuple.elems;
	CU_ASSERT_EQUAL(e->kind, N_INT);
	CU_ASSERT_EQUAL(e->u.integer.value, 42);
	CU_ASSERT_EQUAL(e->next->u.integer.value, 16);
	CU_ASSERT_EQUAL(e->next->next->kind, N_INT);
	CU_ASSERT_EQUAL(e->next->next->u.integer.value, 0);
	CU_ASSERT_EQUAL(e->next->next->next->u.integer.value, 3);
	/* text used as a number */
	CU_ASSERT_NOT_EQUAL(run(NULL, ast_positional(ctx.arena, L(), 2,
						     false)), 0);
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"$2 used numerically but given \"abc\"; try str($2)");
}

static void test_str_positional(void)
{
	static const char *const params[] = { "abc" };
	struct compile_opts o = { .btf_path = "", .nparams = 1,
				  .params = params };
	struct node *e;

	setup_opts(&o);
	e = call1("str", ast_positional(ctx.arena, L(), 1, false));
	CU_ASSERT_EQUAL(run(NULL, e), 0);
	CU_ASSERT_EQUAL(e->kind, N_STRING);
	CU_ASSERT_STRING_EQUAL(e->u.string.str, "abc");
	e = call1("str", list(ast_positional(ctx.arena, L(), 1, false),
			      I(2)));
	CU_ASSERT_EQUAL(run(NULL, e), 0);
	CU_ASSERT_STRING_EQUAL(e->u.string.str, "ab");
	e = call1("str", ast_positional(ctx.arena, L(), 5, false));
	CU_ASSERT_EQUAL(run(NULL, e), 0);
	CU_ASSERT_EQUAL(e->kind, N_STRING);
	CU_ASSERT_EQUAL(e->u.string.len, 0);
}

static void test_sizeof_type_name(void)
{
	struct node *e, *v;

	setup();
	e = ast_sizeof(ctx.arena, L(), NULL, ast_ident(ctx.arena, L(), "u64"));
	CU_ASSERT_EQUAL(run(NULL, e), 0);
	CU_ASSERT_PTR_NULL(e->u.sizeof_.expr);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e->u.sizeof_.typespec);
	CU_ASSERT_EQUAL(e->u.sizeof_.typespec->kind, N_TYPESPEC);
	CU_ASSERT_STRING_EQUAL(e->u.sizeof_.typespec->u.typespec.name, "u64");
	/* a builtin stays a value */
	v = ast_ident(ctx.arena, L(), "comm");
	e = ast_sizeof(ctx.arena, L(), NULL, v);
	CU_ASSERT_EQUAL(run(NULL, e), 0);
	CU_ASSERT_PTR_EQUAL(e->u.sizeof_.expr, v);
	CU_ASSERT_PTR_NOT_NULL(v->u.ident.builtin);
}

static struct node *cfg(const char *key, struct node *v)
{
	return ast_config(ctx.arena, L(), key, v);
}

static void test_config(void)
{
	setup();
	CU_ASSERT_EQUAL(run(list(cfg("strlen", I(128)),
				 cfg("BPFTRACE_STACK_MODE",
				     ast_ident(ctx.arena, L(), "perf"))),
			    I(1)), 0);
	CU_ASSERT_EQUAL(ctx.opts.strlen, 128);
	CU_ASSERT_EQUAL(ctx.opts.stack_mode, STACK_PERF);
	setup();
	CU_ASSERT_EQUAL(run(cfg("max_map_keys", I(100)), I(1)), 0);
	setup();
	CU_ASSERT_NOT_EQUAL(run(cfg("foo", I(1)), I(1)), 0);
	CU_ASSERT_STRING_EQUAL(last_msg(), "Unrecognized config variable: foo");
	setup();
	CU_ASSERT_NOT_EQUAL(run(cfg("strlen", S("x")), I(1)), 0);
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"Invalid value for config variable strlen: expected an integer from 1 to 200");
	CU_ASSERT_EQUAL(ctx.opts.strlen, 64);
	setup();
	CU_ASSERT_NOT_EQUAL(run(cfg("stack_mode",
				    ast_ident(ctx.arena, L(), "fast")),
				I(1)), 0);
	CU_ASSERT_STRING_EQUAL(last_msg(),
		"Invalid value for config variable stack_mode: expected bpftrace, perf or raw");
}

UNIT_MAIN("resolve",
	  UNIT_TEST(test_builtin_ident),
	  UNIT_TEST(test_unknown_ident),
	  UNIT_TEST(test_macro_and_enum),
	  UNIT_TEST(test_mode_argument),
	  UNIT_TEST(test_unknown_function),
	  UNIT_TEST(test_arg_counts),
	  UNIT_TEST(test_unsafe),
	  UNIT_TEST(test_positional),
	  UNIT_TEST(test_str_positional),
	  UNIT_TEST(test_sizeof_type_name),
	  UNIT_TEST(test_config))
