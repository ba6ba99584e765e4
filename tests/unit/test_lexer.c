/* Unit tests for the flex lexer (grammar/lexer.l): attach point forms,
 * predicate and angle block ends, numbers, strings, comments, casts and
 * byte offsets, by driving yylex() directly. */
#include <stdio.h>

#include "unit.h"

#include "compile.h"
#include "parse.h"
#include "parser.h"
#include "lexer.h"

#define MAXTOK 64

struct toks {
	struct compile_ctx ctx;
	int n;
	int kind[MAXTOK];
	struct loc loc[MAXTOK];
	YYSTYPE val[MAXTOK];
};

static struct toks T;

/* Lexes src into T (until end of input); returns the number of tokens. */
static int lex(const char *src, size_t len)
{
	struct parse_state ps = { 0 };
	yyscan_t sc;

	compile_ctx_fini(&T.ctx);
	memset(&T, 0, sizeof(T));
	compile_ctx_init(&T.ctx, "t.et", src, len, NULL);
	ps.ctx = &T.ctx;
	ps.text = T.ctx.src.text;
	ps.len = T.ctx.src.len;
	yylex_init_extra(&ps, &sc);
	yy_scan_bytes(ps.text, (int)ps.len, sc);
	while (T.n < MAXTOK) {
		int k = yylex(&T.val[T.n], &T.loc[T.n], sc);

		if (!k)
			break;
		T.kind[T.n++] = k;
	}
	yylex_destroy(sc);
	return T.n;
}

#define LEX(s) lex((s), strlen(s))

static const char *first_error(void)
{
	const struct diag *g = T.ctx.diags.head;

	return g ? g->msg : "";
}

static void check_kinds(const int *want, int n)
{
	CU_ASSERT_EQUAL(T.n, n);
	for (int i = 0; i < n && i < T.n; i++)
		CU_ASSERT_EQUAL(T.kind[i], want[i]);
}

#define KINDS(...)                                                           \
	do {                                                                 \
		static const int w_[] = { __VA_ARGS__ };                     \
		check_kinds(w_, sizeof(w_) / sizeof(w_[0]));                 \
	} while (0)

static void test_attach_forms(void)
{
	static const char *const forms[] = {
		"BEGIN", "END", "kprobe:vfs_*", "kprobe:f+0x10", "kretprobe:f",
		"uprobe:/bin/bash:readline", "u:libc:malloc",
		"uprobe:/bin/x:0x4010",
		"usdt:/usr/bin/python3:python:function__entry",
		"tracepoint:syscalls:sys_enter_*", "t:sched:sched_switch",
		"rawtracepoint:sched_switch", "profile:hz:99", "interval:s:1",
		"software:cpu-clock:100000", "hardware:cache-misses:1000000",
		"watchpoint:0x10000000:8:rw", "kfunc:vfs_read", "fentry:mod:f",
		"iter:task", "i:ms:100", "p:99", "uprobe:./a.out:main",
		"uprobe:\"/my path/app\":\"ns::f(int)\"",
		"usdt:/bin/x:\"prov\":\"name\"", "kprobe:vfs_[rw]*",
		"uprobe:$1:main",
	};

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char buf[256];

		snprintf(buf, sizeof(buf), "%s {}", forms[i]);
		LEX(buf);
		KINDS(ATTACH, LBRACE, RBRACE);
		CU_ASSERT_STRING_EQUAL(T.val[0].str, forms[i]);
		CU_ASSERT_EQUAL(T.loc[0].begin, 0);
		CU_ASSERT_EQUAL(T.loc[0].end, strlen(forms[i]));
	}
}

static void test_attach_list_and_pred(void)
{
	LEX("kprobe:a,\n  kprobe:b/pid/{}");
	KINDS(ATTACH, COMMA, ATTACH, PRED_OPEN, IDENT, ENDPRED, LBRACE, RBRACE);
	CU_ASSERT_STRING_EQUAL(T.val[2].str, "kprobe:b");
	LEX("uprobe:/bin/bash:readline/arg0/ {}");
	KINDS(ATTACH, PRED_OPEN, IDENT, ENDPRED, LBRACE, RBRACE);
	CU_ASSERT_STRING_EQUAL(T.val[0].str, "uprobe:/bin/bash:readline");
	LEX("uprobe:\"/bin/x:f {}");
	CU_ASSERT_STRING_EQUAL(first_error(),
			       "Unterminated string in attach point");
}

static void test_pred_end(void)
{
	/* only a '/' followed by '{' or '<' ends the predicate */
	LEX("k:f / $a / 2 < 3 /\n\n { }");
	KINDS(ATTACH, PRED_OPEN, VAR, DIV, INT, LT, INT, ENDPRED, LBRACE,
	      RBRACE);
	CU_ASSERT_EQUAL(T.loc[7].begin, 17);
	LEX("k:f /pid/ < @x = 1 >");
	KINDS(ATTACH, PRED_OPEN, IDENT, ENDPRED, ANGLE_OPEN, MAP, ASSIGN, INT,
	      ANGLE_CLOSE);
	LEX("k:f /pid == 1");
	CU_ASSERT_STRING_EQUAL(first_error(),
		"Unterminated predicate: no '/' followed by '{' or '<' closes this '/'");
	CU_ASSERT_EQUAL(T.ctx.diags.head->loc.begin, 4);
}

static void test_angle_end(void)
{
	LEX("u:/b:f < @x = $a > $b >");
	KINDS(ATTACH, ANGLE_OPEN, MAP, ASSIGN, VAR, GT, VAR, ANGLE_CLOSE);
	LEX("u:/b:f < @h = hist(x) > // done\nBEGIN {}");
	KINDS(ATTACH, ANGLE_OPEN, MAP, ASSIGN, IDENT, LPAREN, IDENT, RPAREN,
	      ANGLE_CLOSE, ATTACH, LBRACE, RBRACE);
	LEX("u:/b:f < if (a > b) { @x = 1 } > kprobe:g {}");
	KINDS(ATTACH, ANGLE_OPEN, IF, LPAREN, IDENT, GT, IDENT, RPAREN, LBRACE,
	      MAP, ASSIGN, INT, RBRACE, ANGLE_CLOSE, ATTACH, LBRACE, RBRACE);
	LEX("u:/b:f <\n @x = 1\n> /* c */ END {}");
	KINDS(ATTACH, ANGLE_OPEN, MAP, ASSIGN, INT, ANGLE_CLOSE, ATTACH,
	      LBRACE, RBRACE);
	LEX("u:/b:f < @x = 1 >;");
	CU_ASSERT_STRING_EQUAL(first_error(),
		"Unterminated angle block: no '>' at the end of a line closes this '<'");
	CU_ASSERT_EQUAL(T.ctx.diags.head->loc.begin, 7);
}

static void check_num(const char *src, uint64_t want)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "BEGIN { %s }", src);
	LEX(buf);
	CU_ASSERT_EQUAL(T.n, 4);
	CU_ASSERT_EQUAL(T.kind[2], INT);
	CU_ASSERT_EQUAL(T.val[2].num, want);
	CU_ASSERT_EQUAL(T.ctx.diags.nerrors, 0);
}

static void check_num_error(const char *src, const char *msg)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "BEGIN { %s }", src);
	LEX(buf);
	CU_ASSERT_STRING_EQUAL(first_error(), msg);
	CU_ASSERT_EQUAL(T.ctx.diags.head->loc.begin, 8);
	CU_ASSERT_EQUAL(T.ctx.diags.head->loc.end, 8 + strlen(src));
}

static void test_numbers(void)
{
	check_num("0", 0);
	check_num("10", 10);
	check_num("0x1F", 31);
	check_num("0777", 511);
	check_num("1_000_000", 1000000);
	check_num("1e3", 1000);
	check_num("5E0", 5);
	check_num("10u", 10);
	check_num("5ul", 5);
	check_num("7ULL", 7);
	check_num("18446744073709551615", UINT64_MAX);
	check_num("0xffffffffffffffff", UINT64_MAX);
	check_num_error("08", "Invalid digit '8' in octal literal '08'");
	check_num_error("18446744073709551616",
		"Integer literal '18446744073709551616' does not fit in 64 bits");
	check_num_error("2e20", "Integer literal '2e20' does not fit in 64 bits");
	check_num_error("0x10000000000000000",
		"Integer literal '0x10000000000000000' does not fit in 64 bits");
	LEX("BEGIN { 10K }");
	KINDS(ATTACH, LBRACE, INT, IDENT, RBRACE);
}

static void test_strings(void)
{
	static const char want[] = "a\tb\n\r\\\"AA\0z\x4";

	LEX("BEGIN { \"a\\tb\\n\\r\\\\\\\"\\x41\\101\\0z\\x4\" }");
	KINDS(ATTACH, LBRACE, STRING, RBRACE);
	CU_ASSERT_EQUAL(T.val[2].sv.len, sizeof(want) - 1);
	CU_ASSERT(!memcmp(T.val[2].sv.s, want, sizeof(want)));
	CU_ASSERT_EQUAL(T.ctx.diags.nerrors, 0);

	LEX("BEGIN { \"x\\q\" }");
	CU_ASSERT_STRING_EQUAL(first_error(),
			       "Invalid escape sequence '\\q' in string");
	CU_ASSERT_EQUAL(T.ctx.diags.head->loc.begin, 10);
	CU_ASSERT_EQUAL(T.ctx.diags.head->loc.end, 12);
	LEX("BEGIN { \"\\400\" }");
	CU_ASSERT_STRING_EQUAL(first_error(),
		"Octal escape sequence '\\400' is out of range (\\377 is the largest)");
	LEX("BEGIN { \"\\x\" }");
	CU_ASSERT_STRING_EQUAL(first_error(),
			       "Invalid escape sequence '\\x' in string");
	LEX("BEGIN { \"abc\n }");
	CU_ASSERT_STRING_EQUAL(first_error(), "Unterminated string");
	CU_ASSERT_EQUAL(T.ctx.diags.head->loc.begin, 8);
	CU_ASSERT_EQUAL(T.ctx.diags.head->loc.end, 12);
	/* lexing goes on after the line: the block still closes */
	KINDS(ATTACH, LBRACE, STRING, RBRACE);
	LEX("BEGIN { 'a' }");
	CU_ASSERT_STRING_EQUAL(first_error(),
		"Character literals are not supported: use a string or an integer");
}

static void test_comments(void)
{
	LEX("// top\nBEGIN /* a\nb */ { // x\n @x /**/ = 1 }");
	KINDS(ATTACH, LBRACE, MAP, ASSIGN, INT, RBRACE);
	CU_ASSERT_EQUAL(T.loc[0].begin, 7);
	CU_ASSERT_EQUAL(T.loc[2].begin, 31);
	LEX("BEGIN { /* x }");
	CU_ASSERT_STRING_EQUAL(first_error(), "Unterminated comment");
	CU_ASSERT_EQUAL(T.ctx.diags.head->loc.begin, 8);
	CU_ASSERT_EQUAL(T.ctx.diags.head->loc.end, 10);
	/* the unterminated block is a consequence: not reported again */
	CU_ASSERT_EQUAL(T.ctx.diags.nerrors, 1);
}

static void test_vars_maps_params(void)
{
	LEX("BEGIN { @ @m $x $1 $# $12 }");
	KINDS(ATTACH, LBRACE, MAP, MAP, VAR, PARAM, PARAMCOUNT, PARAM, RBRACE);
	CU_ASSERT_STRING_EQUAL(T.val[2].str, "@");
	CU_ASSERT_STRING_EQUAL(T.val[3].str, "@m");
	CU_ASSERT_STRING_EQUAL(T.val[4].str, "$x");
	CU_ASSERT_EQUAL(T.val[5].idx, 1);
	CU_ASSERT_EQUAL(T.val[7].idx, 12);
	LEX("BEGIN { $0 }");
	CU_ASSERT_STRING_EQUAL(first_error(),
		"Invalid positional parameter $0: parameters are numbered from $1");
}

static void test_keywords(void)
{
	LEX("BEGIN { if else unroll while for break continue return sizeof "
	    "offsetof struct union enum uint8 string pid config }");
	KINDS(ATTACH, LBRACE, IF, ELSE, UNROLL, WHILE, FOR, BREAK, CONTINUE,
	      RETURN, SIZEOF, OFFSETOF, STRUCT, UNION, ENUM, TYPE, TYPE, IDENT,
	      IDENT, RBRACE);
}

static void test_operators(void)
{
	LEX("BEGIN { == != <= >= << >> && || ++ -- -> += -= *= /= %= &= |= "
	    "^= <<= >>= ? : . ! ~ % ^ }");
	KINDS(ATTACH, LBRACE, EQ, NE, LE, GE, SHL, SHR, LAND, LOR, INC, DEC,
	      ARROW, COMPOUND, COMPOUND, COMPOUND, COMPOUND, COMPOUND,
	      COMPOUND, COMPOUND, COMPOUND, COMPOUND, COMPOUND, QUESTION,
	      COLON, DOT, LNOT, BNOT, MOD, BXOR, RBRACE);
	CU_ASSERT_EQUAL(T.val[13].op, OP_ADD);
	CU_ASSERT_EQUAL(T.val[22].op, OP_SHR);
}

static void test_casts(void)
{
	LEX("BEGIN { (uint8 *)x (pid_t)arg0 (pid) - 1 (foo **)p (u64)-1 }");
	KINDS(ATTACH, LBRACE, TCAST, IDENT, TCAST, IDENT, LPAREN, IDENT,
	      RPAREN, MINUS, INT, TCAST, IDENT, LPAREN, IDENT, RPAREN, MINUS,
	      INT, RBRACE);
	CU_ASSERT_STRING_EQUAL(T.val[2].tc.name, "uint8");
	CU_ASSERT_EQUAL(T.val[2].tc.ptrs, 1);
	CU_ASSERT_EQUAL(T.loc[2].begin, 8);
	CU_ASSERT_EQUAL(T.loc[2].end, 17);
	CU_ASSERT_STRING_EQUAL(T.val[4].tc.name, "pid_t");
	CU_ASSERT_EQUAL(T.val[11].tc.ptrs, 2);
	LEX("BEGIN { if (x) { } sizeof(int32) }");
	KINDS(ATTACH, LBRACE, IF, LPAREN, IDENT, RPAREN, LBRACE, RBRACE,
	      SIZEOF, TCAST, RBRACE);
}

static void test_preamble(void)
{
	LEX("#!/usr/bin/etrace\n#include <a.h>\n#define X \\\n  1\n"
	    "struct s { int a; }\ntypedef int t;\nconfig = { a = 1 } BEGIN {}");
	KINDS(CDEF_DIR, CDEF_DIR, C_DECL, C_DECL, CONFIG, ASSIGN, LBRACE,
	      IDENT, ASSIGN, INT, RBRACE, ATTACH, LBRACE, RBRACE);
	CU_ASSERT_STRING_EQUAL(T.val[0].str, "#include <a.h>");
	CU_ASSERT_STRING_EQUAL(T.val[1].str, "#define X \\\n  1");
	CU_ASSERT_STRING_EQUAL(T.val[2].str, "struct s { int a; };");
	CU_ASSERT_STRING_EQUAL(T.val[3].str, "typedef int t;");
	LEX("configx:y {}");
	KINDS(ATTACH, LBRACE, RBRACE);
	LEX("struct s { int a;");
	CU_ASSERT_STRING_EQUAL(first_error(),
		"Unterminated C declaration: missing '}' or ';' after 'struct'");
}

static void test_invalid_bytes(void)
{
	static const char src[] = "BEGIN { \0 ` \xc3\xa9 \xff }";

	lex(src, sizeof(src) - 1);
	KINDS(ATTACH, LBRACE, RBRACE);
	CU_ASSERT_EQUAL(T.ctx.diags.nerrors, 4);
	CU_ASSERT_STRING_EQUAL(T.ctx.diags.head->msg,
			       "Invalid character '\\x00'");
	CU_ASSERT_STRING_EQUAL(T.ctx.diags.head->next->next->msg,
			       "Invalid character '\xc3\xa9'");
	CU_ASSERT_EQUAL(T.ctx.diags.head->next->next->loc.end, 14);
	CU_ASSERT_STRING_EQUAL(T.ctx.diags.tail->msg,
			       "Invalid character '\\xff'");
	compile_ctx_fini(&T.ctx);
}

UNIT_MAIN("lexer", UNIT_TEST(test_attach_forms),
	  UNIT_TEST(test_attach_list_and_pred), UNIT_TEST(test_pred_end),
	  UNIT_TEST(test_angle_end), UNIT_TEST(test_numbers),
	  UNIT_TEST(test_strings), UNIT_TEST(test_comments),
	  UNIT_TEST(test_vars_maps_params), UNIT_TEST(test_keywords),
	  UNIT_TEST(test_operators), UNIT_TEST(test_casts),
	  UNIT_TEST(test_preamble), UNIT_TEST(test_invalid_bytes))
