/* Unit tests for the bison parser (grammar/parser.y) through
 * compile_parse(): every construct's AST shape (via ast_dump), negative
 * literal folding, precedence, and syntax errors with exact messages and
 * byte ranges. */
#define _GNU_SOURCE
#include <stdio.h>

#include "unit.h"

#include "compile.h"

static struct compile_ctx C;
static char *dumped;

static int parse_n(const char *src, size_t len)
{
	compile_ctx_fini(&C);
	compile_ctx_init(&C, "t.et", src, len, NULL);
	return compile_parse(&C);
}

static int parse(const char *src)
{
	return parse_n(src, strlen(src));
}

/* The dump of the first probe's block statements (or "" on error). */
static const char *body(const char *stmts)
{
	char *src;
	size_t size;
	FILE *f;

	free(dumped);
	dumped = NULL;
	if (asprintf(&src, "BEGIN { %s }", stmts) < 0)
		return "";
	if (parse(src)) {
		free(src);
		return "";
	}
	free(src);
	f = open_memstream(&dumped, &size);
	ast_dump(C.ast->u.program.probes->u.probe.body, &C.src, f);
	fclose(f);
	return dumped;
}

static const char *whole(const char *src)
{
	size_t size;
	FILE *f;

	free(dumped);
	dumped = NULL;
	if (parse(src))
		return "";
	f = open_memstream(&dumped, &size);
	ast_dump(C.ast, &C.src, f);
	fclose(f);
	return dumped;
}

/* Checks the first diagnostic of parsing src. */
static void check_error(const char *src, const char *msg, uint32_t begin,
			uint32_t end)
{
	CU_ASSERT_EQUAL(parse(src), -EINVAL);
	CU_ASSERT_PTR_NULL(C.ast);
	CU_ASSERT_PTR_NOT_NULL_FATAL(C.diags.head);
	CU_ASSERT_STRING_EQUAL(C.diags.head->msg, msg);
	CU_ASSERT_EQUAL(C.diags.head->loc.begin, begin);
	CU_ASSERT_EQUAL(C.diags.head->loc.end, end);
	if (strcmp(C.diags.head->msg, msg))
		fprintf(stderr, "\n  got: %s\n", C.diags.head->msg);
}

static void test_program_parts(void)
{
	const struct node *p, *pr;

	CU_ASSERT_EQUAL(parse("#include <a.h>\nstruct s { int a; };\n"
			      "config = { strlen = 16; x = \"s\"; y = z }\n"
			      "kprobe:a, kprobe:b /pid/ { }\nEND < >"), 0);
	p = C.ast;
	CU_ASSERT_EQUAL(p->kind, N_PROGRAM);
	CU_ASSERT_EQUAL(ast_list_len(p->u.program.cdefs), 2);
	CU_ASSERT_EQUAL(p->u.program.cdefs->u.cdef.kind, CDEF_DIRECTIVE);
	CU_ASSERT_EQUAL(p->u.program.cdefs->next->u.cdef.kind, CDEF_DECL);
	CU_ASSERT_EQUAL(ast_list_len(p->u.program.config), 3);
	CU_ASSERT_STRING_EQUAL(p->u.program.config->u.config.key, "strlen");
	CU_ASSERT_EQUAL(p->u.program.config->u.config.value->u.integer.value,
			16);
	pr = p->u.program.probes;
	CU_ASSERT_EQUAL(ast_list_len(pr), 2);
	CU_ASSERT_EQUAL(ast_list_len(pr->u.probe.attach), 2);
	CU_ASSERT_STRING_EQUAL(pr->u.probe.attach->next->u.attach.raw,
			       "kprobe:b");
	CU_ASSERT_EQUAL(pr->u.probe.attach->next->loc.begin, 87);
	CU_ASSERT_EQUAL(pr->u.probe.pred->kind, N_IDENT);
	CU_ASSERT_FALSE(pr->u.probe.angle);
	CU_ASSERT_EQUAL(pr->loc.begin, 77);
	CU_ASSERT_EQUAL(pr->loc.end, 105);
	CU_ASSERT_TRUE(pr->next->u.probe.angle);
	CU_ASSERT_PTR_NULL(pr->next->u.probe.body->u.block.stmts);
}

static void test_angle_block(void)
{
	CU_ASSERT_STRING_EQUAL(
		whole("uprobe:/bin/app:handle < @lat = hist(elapsed) >\n"
		      "uprobe:/bin/app:other <\n  $a = $b > 1;\n  @x = $a\n>"),
		"program\n"
		" probe uprobe:/bin/app:handle [angle]\n"
		"  attach uprobe:/bin/app:handle\n"
		"  block\n"
		"   =\n"
		"    map @lat\n"
		"    call hist\n"
		"     ident elapsed\n"
		" probe uprobe:/bin/app:other [angle]\n"
		"  attach uprobe:/bin/app:other\n"
		"  block\n"
		"   =\n"
		"    var $a\n"
		"    >\n"
		"     var $b\n"
		"     int 1\n"
		"   =\n"
		"    map @x\n"
		"    var $a\n");
}

static void test_assignments(void)
{
	CU_ASSERT_STRING_EQUAL(body("$x = 1; @m[1, \"a\"] = 2; @ = 3; @c += 4; "
				    "@d <<= 1"),
		"block\n =\n  var $x\n  int 1\n =\n  map @m\n   int 1\n"
		"   string \"a\"\n  int 2\n =\n  map @\n  int 3\n +=\n"
		"  map @c\n  int 4\n <<=\n  map @d\n  int 1\n");
	CU_ASSERT_STRING_EQUAL(body("@x++; ++@y; $z--; --$w"),
		"block\n post ++\n  map @x\n pre ++\n  map @y\n post --\n"
		"  var $z\n pre --\n  var $w\n");
}

static void test_control_flow(void)
{
	CU_ASSERT_STRING_EQUAL(
		body("if ($a) { } else if ($b) { break } else { continue } "
		     "unroll (2) { } while ($i < 3) { $i++ } "
		     "for ($kv : @m) { return; } { exit(); exit(1) }"),
		"block\n if\n  var $a\n  block\n  else\n   if\n    var $b\n"
		"    block\n     break\n    else\n     block\n      continue\n"
		" unroll\n  int 2\n  block\n while\n  <\n   var $i\n   int 3\n"
		"  block\n   post ++\n    var $i\n for\n  var $kv\n  map @m\n"
		"  block\n   return\n block\n  call exit\n  call exit\n"
		"   int 1\n");
	/* ';' separate; stray ones and none after blocks are fine */
	CU_ASSERT_EQUAL(parse("BEGIN { ; @a = 1;; if (1) { } @b = 2; }"), 0);
}

static void test_precedence(void)
{
	CU_ASSERT_STRING_EQUAL(body("$x = 1 || 2 && 3 | 4 ^ 5 & 6 == 7 < 8 "
				    "<< 9 + 10 * 11"),
		"block\n =\n  var $x\n  ||\n   int 1\n   &&\n    int 2\n"
		"    |\n     int 3\n     ^\n      int 4\n      &\n       int 5\n"
		"       ==\n        int 6\n        <\n         int 7\n"
		"         <<\n          int 8\n          +\n           int 9\n"
		"           *\n            int 10\n            int 11\n");
	CU_ASSERT_STRING_EQUAL(body("$x = 1 - 2 - 3"),
		"block\n =\n  var $x\n  -\n   -\n    int 1\n    int 2\n"
		"   int 3\n");
	CU_ASSERT_STRING_EQUAL(body("$x = $a ? 1 : $b ? 2 : 3"),
		"block\n =\n  var $x\n  ?:\n   var $a\n   int 1\n   ?:\n"
		"    var $b\n    int 2\n    int 3\n");
	CU_ASSERT_STRING_EQUAL(body("$x = -$a * !$b + ~*$c - &$d"),
		"block\n =\n  var $x\n  -\n   +\n    *\n     unary -\n"
		"      var $a\n     unary !\n      var $b\n    unary ~\n"
		"     unary *\n      var $c\n   unary &\n    var $d\n");
}

static void test_negative_literals(void)
{
	const struct node *v;

	/* "-1" is one N_INT; "-(1)" and "- -1" keep the operator */
	CU_ASSERT_STRING_EQUAL(body("$x = -1; $y = -(1); $z = - -1; "
				    "$w = -9223372036854775808"),
		"block\n =\n  var $x\n  int -1\n =\n  var $y\n  unary -\n"
		"   int 1\n =\n  var $z\n  unary -\n   int -1\n =\n  var $w\n"
		"  int -9223372036854775808\n");
	v = C.ast->u.program.probes->u.probe.body->u.block.stmts->u.assign
		    .value;
	CU_ASSERT_EQUAL(v->loc.begin, 13);
	CU_ASSERT_EQUAL(v->loc.end, 15);
	CU_ASSERT_FALSE(v->u.integer.is_unsigned);
	CU_ASSERT_EQUAL(parse("BEGIN { $x = 18446744073709551615 }"), 0);
	CU_ASSERT_TRUE(C.ast->u.program.probes->u.probe.body->u.block.stmts
			       ->u.assign.value->u.integer.is_unsigned);
}

static void test_postfix(void)
{
	CU_ASSERT_STRING_EQUAL(body("$x = args->a.b[2]; $y = args.c; "
				    "$z = $t.1; $w = @m[1].0"),
		"block\n =\n  var $x\n  []\n   . b\n    -> a\n     ident args\n"
		"   int 2\n =\n  var $y\n  . c\n   ident args\n =\n  var $z\n"
		"  .1\n   var $t\n =\n  var $w\n  .0\n   map @m\n    int 1\n");
	CU_ASSERT_STRING_EQUAL(body("$x = $p->string.unroll"),
		"block\n =\n  var $x\n  . unroll\n   -> string\n    var $p\n");
}

static void test_calls_tuples_params(void)
{
	CU_ASSERT_STRING_EQUAL(body("printf(\"%d %s\\n\", $1, str($2)); "
				    "$t = (1, \"a\", (2, 3)); $n = $#; f()"),
		"block\n call printf\n  string \"%d %s\\n\"\n  positional $1\n"
		"  call str\n   positional $2\n =\n  var $t\n  tuple\n   int 1\n"
		"   string \"a\"\n   tuple\n    int 2\n    int 3\n =\n  var $n\n"
		"  positional $#\n call f\n");
	CU_ASSERT_EQUAL(C.ast->u.program.probes->u.probe.body->u.block.stmts
				->u.expr_stmt.expr->u.call.nargs, 3);
}

static void test_casts_sizeof_offsetof(void)
{
	CU_ASSERT_STRING_EQUAL(
		body("$a = (uint32)$x; $b = (struct task_struct *)curtask; "
		     "$c = (int8)-1; $d = (pid_t)arg0; $e = (pid) - 1; "
		     "$f = (uint8[4])$y; $g = (union u **)0; $h = (foo_t *)1"),
		"block\n =\n  var $a\n  cast uint32\n   var $x\n =\n  var $b\n"
		"  cast struct task_struct *\n   ident curtask\n =\n  var $c\n"
		"  cast int8\n   int -1\n =\n  var $d\n  cast pid_t\n"
		"   ident arg0\n =\n  var $e\n  -\n   ident pid\n   int 1\n"
		" =\n  var $f\n  cast uint8[4]\n   var $y\n =\n  var $g\n"
		"  cast union u **\n   int 0\n =\n  var $h\n  cast foo_t *\n"
		"   int 1\n");
	CU_ASSERT_STRING_EQUAL(
		body("$a = sizeof(struct s); $b = sizeof(uint64); "
		     "$c = sizeof($x + 1); $d = sizeof(x); "
		     "$e = offsetof(struct s, a.b); $f = offsetof(t, c)"),
		"block\n =\n  var $a\n  sizeof struct s\n =\n  var $b\n"
		"  sizeof uint64\n =\n  var $c\n  sizeof\n   +\n    var $x\n"
		"    int 1\n =\n  var $d\n  sizeof\n   ident x\n =\n  var $e\n"
		"  offsetof struct s, a.b\n =\n  var $f\n  offsetof t, c\n");
}

static void test_syntax_errors(void)
{
	check_error("BEGIN { @x = 1 +; }", "syntax error, unexpected ;", 16,
		    17);
	check_error("BEGIN", "syntax error, unexpected end of file, "
		    "expecting / or < or { or ,", 5, 5);
	check_error("BEGIN { if (1) }",
		    "syntax error, unexpected }, expecting {", 15, 16);
	check_error("BEGIN { @x += 1 += 2 }", "syntax error, unexpected +=",
		    16, 18);
	check_error("BEGIN { } }", "syntax error, unexpected }, "
		    "expecting end of file or attach point or macro", 10, 11);
	check_error("kprobe:f, {}", "syntax error, unexpected {, "
		    "expecting attach point", 10, 11);
	check_error("BEGIN { for ($x in @m) {} }",
		    "syntax error, unexpected identifier, expecting :", 16, 18);
	check_error("BEGIN { @x = (1, 2 }", "syntax error, unexpected }", 19,
		    20);
	check_error("BEGIN {", "Unterminated block: this '{' has no "
		    "matching '}'", 6, 7);
	check_error("", "Program has no probes", UINT32_MAX, UINT32_MAX);
	check_error("BEGIN { $x = (int8[0])1 }",
		    "Array length 0 is out of range", 19, 20);
	/* a lexical error hides the syntax error it causes */
	check_error("BEGIN { $x = `; }", "Invalid character '`'", 13, 14);
	CU_ASSERT_EQUAL(C.diags.nerrors, 1);
}

static void test_deep_nesting(void)
{
	size_t n = 100000;
	char *s = malloc(3 * n + 32);
	char *p = s;

	p += sprintf(p, "BEGIN { $x = ");
	for (size_t i = 0; i < n; i++)
		*p++ = '(';
	*p++ = '1';
	for (size_t i = 0; i < n; i++)
		*p++ = ')';
	strcpy(p, " }");
	CU_ASSERT_EQUAL(parse(s), -EINVAL);
	CU_ASSERT_STRING_EQUAL(C.diags.head->msg,
			       "Program is nested too deeply");
	/* a long flat chain is shallow for bison but deep as a tree */
	p = s + sprintf(s, "BEGIN { $x = 1");
	for (size_t i = 0; i < 5000; i++)
		p += sprintf(p, "+1");
	strcpy(p, " }");
	CU_ASSERT_EQUAL(parse(s), -EINVAL);
	CU_ASSERT_STRING_EQUAL(C.diags.head->msg,
		"Program is nested too deeply (more than 1000 levels)");
	/* many statements are not nesting */
	p = s + sprintf(s, "BEGIN {");
	for (size_t i = 0; i < 20000; i++)
		p += sprintf(p, "@x=1;");
	strcpy(p, "}");
	CU_ASSERT_EQUAL(parse(s), 0);
	CU_ASSERT_EQUAL(ast_list_len(C.ast->u.program.probes->u.probe.body
					     ->u.block.stmts), 20000);
	free(s);
}

static void test_garbage(void)
{
	static const char bytes[] = "\xff\x00{<}/>\"'#\\ BEGIN\x01";
	char buf[64];

	/* every prefix and suffix of an awkward input fails cleanly */
	for (size_t i = 0; i < sizeof(bytes) - 1; i++) {
		CU_ASSERT_EQUAL(parse_n(bytes + i, sizeof(bytes) - 1 - i),
				-EINVAL);
		CU_ASSERT(C.diags.nerrors > 0);
		memcpy(buf, bytes, i);
		CU_ASSERT_EQUAL(parse_n(buf, i), -EINVAL);
	}
	compile_ctx_fini(&C);
	free(dumped);
	dumped = NULL;
}

UNIT_MAIN("parser", UNIT_TEST(test_program_parts), UNIT_TEST(test_angle_block),
	  UNIT_TEST(test_assignments), UNIT_TEST(test_control_flow),
	  UNIT_TEST(test_precedence), UNIT_TEST(test_negative_literals),
	  UNIT_TEST(test_postfix), UNIT_TEST(test_calls_tuples_params),
	  UNIT_TEST(test_casts_sizeof_offsetof),
	  UNIT_TEST(test_syntax_errors), UNIT_TEST(test_deep_nesting),
	  UNIT_TEST(test_garbage))
