/* Unit tests of pass_preamble (compiler/pass_preamble.c): the C preamble
 * parsed with libclang into the type registry and ctx->macros, clang
 * errors mapped to script lines. Programs are built by hand (N_CDEF items
 * found in the source text, one probe using the given identifiers), so the
 * tests do not depend on the parser. */
#include <time.h>

#include "compile.h"
#include "typereg.h"
#include "unit.h"

static struct compile_ctx ctx;

/* src holds the preamble lines then a probe; each line starting with '#'
 * or each ";\n"-terminated declaration becomes one N_CDEF; idents are the
 * identifiers the probe uses. */
static int run(const char *src, const char *btf, const char *const *idents)
{
	struct compile_opts o = { .btf_path = btf };
	struct node *cdefs = NULL, *stmts = NULL, *probe;
	const char *p, *end;

	CU_ASSERT_FATAL(compile_ctx_init(&ctx, "test.et", src, strlen(src),
					 &o) == 0);
	p = ctx.src.text;
	end = strstr(p, "BEGIN");
	while (p && p < end) {
		const char *q = *p == '#' ? strchr(p, '\n') : strstr(p, ";\n");
		struct loc l;

		if (*p == '\n') {
			p++;
			continue;
		}
		if (*p != '#')
			q++;
		l = (struct loc){ p - ctx.src.text, q - ctx.src.text };
		cdefs = ast_append(cdefs, ast_cdef(ctx.arena, l,
			*p == '#' ? CDEF_DIRECTIVE : CDEF_DECL,
			arena_strndup(ctx.arena, p, q - p)));
		p = q + 1;
	}
	for (; idents && *idents; idents++)
		stmts = ast_append(stmts, ast_expr_stmt(ctx.arena,
			ast_ident(ctx.arena, LOC_NONE, *idents)));
	probe = ast_probe(ctx.arena, LOC_NONE, NULL, NULL,
			  ast_block(ctx.arena, LOC_NONE, stmts), false);
	ctx.ast = ast_program(ctx.arena, cdefs, NULL, probe);
	return pass_preamble(&ctx);
}

static struct macro *macro(const char *name)
{
	for (struct macro *m = ctx.macros; m; m = m->next)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

static int error_line(void)
{
	int line = 0, col;

	if (ctx.diags.head)
		source_line_col(&ctx.src, ctx.diags.head->loc.begin, &line,
				&col);
	return line;
}

static void test_struct_layout(void)
{
	static const char src[] =
		"struct inner { short a; long b; };\n"
		"struct foo {\n"
		"  int x;\n"
		"  unsigned int f1 : 3, f2 : 5;\n"
		"  struct inner in;\n"
		"  struct inner *pin;\n"
		"  char name[8];\n"
		"  union { int u1; long u2; };\n"
		"  int arr[3];\n"
		"  void (*fn)(int);\n"
		"};\n"
		"BEGIN { }\n";
	struct type *foo, *inner;
	const struct field *f;
	uint32_t off;

	CU_ASSERT_EQUAL_FATAL(run(src, "", NULL), 0);
	CU_ASSERT(ctx.has_preamble);
	foo = typereg_record(&ctx, "struct foo");
	inner = typereg_record(&ctx, "struct inner");
	CU_ASSERT_PTR_NOT_NULL_FATAL(foo);
	CU_ASSERT_PTR_NOT_NULL_FATAL(inner);
	CU_ASSERT_EQUAL(inner->size, 16);
	CU_ASSERT_EQUAL(foo->size, 72);
	f = type_field(foo, "f2", &off);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(off, 4);
	CU_ASSERT_EQUAL(f->bit_offset, 3);
	CU_ASSERT_EQUAL(f->bit_size, 5);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, f->type), "unsigned int32");
	f = type_field(foo, "in", &off);
	CU_ASSERT_PTR_EQUAL(f->type, inner);
	CU_ASSERT_EQUAL(off, 8);
	f = type_field(foo, "pin", &off);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, f->type),
			       "struct inner *");
	CU_ASSERT_PTR_EQUAL(f->type->elem, inner);
	f = type_field(foo, "name", &off);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, f->type), "string[8]");
	CU_ASSERT_EQUAL(off, 32);
	f = type_field(foo, "u2", &off);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(off, 40);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, f->type), "int64");
	f = type_field(foo, "arr", &off);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, f->type), "int32[3]");
	f = type_field(foo, "fn", &off);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, f->type), "none *");
	CU_ASSERT_EQUAL(off, 64);
	compile_ctx_fini(&ctx);
}

static void test_typedef_enum(void)
{
	static const char src[] =
		"typedef struct { int q; long r; } anon_t;\n"
		"enum color { RED, GREEN = 5, BLUE };\n"
		"typedef unsigned short port_t;\n"
		"BEGIN { }\n";
	struct type *t;
	int64_t v = 0;

	CU_ASSERT_EQUAL_FATAL(run(src, "", NULL), 0);
	t = typereg_typedef(&ctx, "anon_t");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, t), "anon_t");
	CU_ASSERT_EQUAL(t->size, 16);
	CU_ASSERT_PTR_NULL(typereg_record(&ctx, "struct anon_t"));
	t = typereg_typedef(&ctx, "port_t");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, t), "unsigned int16");
	CU_ASSERT(typereg_enum_value(&ctx, "GREEN", &v));
	CU_ASSERT_EQUAL(v, 5);
	CU_ASSERT(typereg_enum_value(&ctx, "BLUE", &v));
	CU_ASSERT_EQUAL(v, 6);
	t = typereg_typedef(&ctx, "enum color");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->kind, T_INT);
	CU_ASSERT_EQUAL(t->size, 4);
	compile_ctx_fini(&ctx);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_socket_af_inet(void)
{
	static const char *const ids[] = { "AF_INET", "AF_INET6", "pid",
					   "SOCK_STREAM", NULL };
	double t0 = now_ms(), t1;
	struct macro *m;
	struct type *t;

	CU_ASSERT_EQUAL_FATAL(run("#include <sys/socket.h>\n"
				  "#include <netinet/in.h>\n"
				  "BEGIN { }\n", NULL, ids), 0);
	t1 = now_ms();
	if (getenv("ETRACE_TEST_VERBOSE"))
		fprintf(stderr, "\npreamble sys/socket.h: %.1f ms\n", t1 - t0);
	m = macro("AF_INET");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->expr->kind, N_INT);
	CU_ASSERT_EQUAL(m->expr->u.integer.value, 2);
	m = macro("AF_INET6");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->expr->u.integer.value, 10);
	CU_ASSERT_PTR_NULL(macro("pid"));
	/* SOCK_STREAM is an enum constant and a macro in glibc */
	m = macro("SOCK_STREAM");
	CU_ASSERT_PTR_NOT_NULL(m);
	t = typereg_record(&ctx, "struct sockaddr_in");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->size, 16);
	CU_ASSERT_PTR_NOT_NULL(type_field(t, "sin_port", NULL));
	CU_ASSERT(t1 - t0 < 400); /* generous under sanitizers */
	compile_ctx_fini(&ctx);
}

static void test_defines(void)
{
	static const char *const ids[] = { "FOO", "NAME", "BIG", "NEG",
					   "FN", "BAR", NULL };
	struct macro *m;

	CU_ASSERT_EQUAL_FATAL(run("#define FOO (1 << 3)\n"
				  "#define NAME \"hello\"\n"
				  "#define BIG 0xffffffffffffffffULL\n"
				  "#define NEG (-FOO - 1)\n"
				  "#define FN(x) ((x) + 1)\n"
				  "BEGIN { }\n", "", ids), 0);
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 0);
	m = macro("FOO");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->expr->u.integer.value, 8);
	CU_ASSERT_FALSE(m->expr->u.integer.is_unsigned);
	m = macro("NAME");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->expr->kind, N_STRING);
	CU_ASSERT_STRING_EQUAL(m->expr->u.string.str, "hello");
	m = macro("BIG");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->expr->u.integer.value, UINT64_MAX);
	CU_ASSERT(m->expr->u.integer.is_unsigned);
	m = macro("NEG");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL((int64_t)m->expr->u.integer.value, -9);
	CU_ASSERT_PTR_NULL(macro("FN"));
	CU_ASSERT_PTR_NULL(macro("BAR"));
	compile_ctx_fini(&ctx);
}

static void test_error_line(void)
{
	static const char src[] =
		"#include <stddef.h>\n"
		"struct foo {\n"
		"  int a;\n"
		"  int b c;\n"
		"};\n"
		"BEGIN { }\n";

	CU_ASSERT(run(src, "", NULL) < 0);
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 1);
	CU_ASSERT_EQUAL(error_line(), 4);
	CU_ASSERT_PTR_NOT_NULL(ctx.diags.head &&
			       strstr(ctx.diags.head->msg, "expected"));
	compile_ctx_fini(&ctx);
	CU_ASSERT(run("\n#include <no_such_header_etrace.h>\nBEGIN { }\n", "",
		      NULL) < 0);
	CU_ASSERT_EQUAL(error_line(), 2);
	CU_ASSERT_STRING_EQUAL(ctx.diags.head->msg,
			       "'no_such_header_etrace.h' file not found");
	compile_ctx_fini(&ctx);
}

/* tcpconnect.bt-style: without BTF the #error branch would be taken. */
static void test_btf_branch(void)
{
	static const char src[] =
		"#ifndef BPFTRACE_HAVE_BTF\n"
		"#error no BTF here\n"
		"#else\n"
		"#include <sys/socket.h>\n"
		"#endif\n"
		"BEGIN { }\n";

	CU_ASSERT_EQUAL(run(src, NULL, NULL), 0);
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 0);
	compile_ctx_fini(&ctx);
	CU_ASSERT(run(src, "", NULL) < 0);
	CU_ASSERT_EQUAL(error_line(), 2);
	CU_ASSERT_STRING_EQUAL(ctx.diags.head->msg, "no BTF here");
	compile_ctx_fini(&ctx);
}

/* A struct only declared in the preamble is the kernel's. */
static void test_forward_decl_uses_btf(void)
{
	static const char src[] =
		"struct task_struct;\n"
		"struct mine { struct task_struct *t; int n; };\n"
		"BEGIN { }\n";
	struct type *t, *mine;

	CU_ASSERT_EQUAL_FATAL(run(src, NULL, NULL), 0);
	t = typereg_record(&ctx, "struct task_struct");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT(t->btf_id > 0);
	mine = typereg_record(&ctx, "struct mine");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mine);
	CU_ASSERT_PTR_EQUAL(type_field(mine, "t", NULL)->type->elem, t);
	compile_ctx_fini(&ctx);
}

/* Kernel types the preamble uses without defining come from BTF. */
static void test_missing_types_from_btf(void)
{
	static const char src[] =
		"struct req {\n"
		"  u64 start;\n"
		"  struct sock_common common;\n"
		"  pid_t pid;\n"
		"};\n"
		"BEGIN { }\n";
	double t0 = now_ms();
	struct type *t;
	const struct field *f;

	CU_ASSERT_EQUAL_FATAL(run(src, NULL, NULL), 0);
	if (getenv("ETRACE_TEST_VERBOSE"))
		fprintf(stderr, "\nBTF fallback: %.1f ms\n", now_ms() - t0);
	t = typereg_record(&ctx, "struct req");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	f = type_field(t, "start", NULL);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, f->type),
			       "unsigned int64");
	f = type_field(t, "common", NULL);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, f->type),
			       "struct sock_common");
	CU_ASSERT_PTR_NOT_NULL(type_field(f->type, "skc_family", NULL));
	CU_ASSERT_PTR_NOT_NULL(type_field(t, "pid", NULL));
	compile_ctx_fini(&ctx);
	/* without BTF the same preamble is an error on line 2 */
	CU_ASSERT(run(src, "", NULL) < 0);
	CU_ASSERT_EQUAL(error_line(), 2);
	CU_ASSERT_STRING_EQUAL(ctx.diags.head->msg, "unknown type name 'u64'");
	compile_ctx_fini(&ctx);
}

static void test_no_preamble_and_no_clang(void)
{
	struct compile_opts o = { .btf_path = "" };

	CU_ASSERT_FATAL(compile_ctx_init(&ctx, "t", "", 0, &o) == 0);
	ctx.ast = ast_program(ctx.arena, NULL, NULL, NULL);
	CU_ASSERT_EQUAL(pass_preamble(&ctx), 0);
	CU_ASSERT_FALSE(ctx.has_preamble);
	compile_ctx_fini(&ctx);
	o.no_clang = true;
	CU_ASSERT_FATAL(compile_ctx_init(&ctx, "t", "", 0, &o) == 0);
	ctx.ast = ast_program(ctx.arena, ast_cdef(ctx.arena, LOC_NONE,
		CDEF_DECL, "struct x { int y; };"), NULL, NULL);
	CU_ASSERT_EQUAL(pass_preamble(&ctx), 0);
	CU_ASSERT(ctx.has_preamble);
	CU_ASSERT_PTR_NULL(typereg_record(&ctx, "struct x"));
	compile_ctx_fini(&ctx);
}

UNIT_MAIN("preamble", UNIT_TEST(test_struct_layout),
	  UNIT_TEST(test_typedef_enum), UNIT_TEST(test_socket_af_inet),
	  UNIT_TEST(test_defines), UNIT_TEST(test_error_line),
	  UNIT_TEST(test_btf_branch), UNIT_TEST(test_forward_decl_uses_btf),
	  UNIT_TEST(test_missing_types_from_btf),
	  UNIT_TEST(test_no_preamble_and_no_clang))
