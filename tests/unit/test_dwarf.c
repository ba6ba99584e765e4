/* Unit tests: the DWARF reader (compiler/dwarf*.c) against the programs
 * tests/progs/dwarf builds, and tests/progs/uprobe's C++ one: opening
 * (own, separate and missing debug info), -lv's parameter spellings,
 * records laid out as the C compiler lays them out (dwarf_types.h is the
 * program's own header), where each parameter lies at the function's
 * entry, and programs using them. */
#include "unit.h"

#include <errno.h>
#include <stdio.h>

#include "dwarf_reader.h"
#include "dwarf_types.h"
#include "unit_compile.h"

#define PROGS ETRACE_DWARF_PROGS
#define PROG PROGS "/dwarf_prog"
#define O2 PROGS "/dwarf_prog_o2"
#define NODEBUG PROGS "/dwarf_prog_nodebug"
#define SPLIT PROGS "/dwarf_prog_split"
#define STMT PROGS "/dwarf_stmt"
#define STMT_O2 PROGS "/dwarf_stmt_o2"

static struct compile_ctx *fresh(void)
{
	struct compile_opts o = { .kallsyms = "" };

	compile_ctx_fini(&ctx);
	compile_ctx_init(&ctx, "t.et", "", 0, &o);
	return &ctx;
}

static void test_open(void)
{
	struct compile_ctx *c = fresh();
	struct dwarf_file *df = dwarf_open(c, PROG);

	CU_ASSERT_PTR_NOT_NULL(df);
	CU_ASSERT_PTR_EQUAL(dwarf_open(c, PROG), df); /* cached */
	errno = 0;
	CU_ASSERT_PTR_NULL(dwarf_open(c, NODEBUG));
	CU_ASSERT_EQUAL(errno, ENODATA);
	errno = 0;
	CU_ASSERT_PTR_NULL(dwarf_open(c, NODEBUG)); /* the miss too */
	CU_ASSERT_EQUAL(errno, ENODATA);
	CU_ASSERT_PTR_NULL(dwarf_open(c, PROGS "/no_such_file"));
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_PTR_NULL(dwarf_open(c, "/etc/passwd"));
	/* the debug info in a separate file, by .gnu_debuglink */
	df = dwarf_open(c, SPLIT);
	CU_ASSERT_PTR_NOT_NULL(df);
	CU_ASSERT_PTR_NOT_NULL(dwarf_func_args(c, df, "f_ptrs"));
}

struct params {
	char text[512];
};

static void add_param(const char *name, const char *type, void *arg)
{
	struct params *p = arg;
	size_t n = strlen(p->text);

	snprintf(p->text + n, sizeof(p->text) - n, "%s%s %s", n ? ", " : "",
		 type, name ? name : "-");
}

static void check_params(struct dwarf_file *df, const char *func,
			 const char *want)
{
	struct params p = { "" };

	CU_ASSERT_EQUAL(dwarf_func_params(&ctx, df, func, add_param, &p), 0);
	if (strcmp(p.text, want))
		fprintf(stderr, "\n%s: got '%s', want '%s'\n", func, p.text,
			want);
	CU_ASSERT_STRING_EQUAL(p.text, want);
}

/* as bpftrace 0.17 prints them with -lv */
static void test_param_text(void)
{
	struct dwarf_file *df = dwarf_open(fresh(), PROG);
	struct params p = { "" };

	check_params(df, "f_ints", "char c, unsigned char uc, short int s, "
		     "short unsigned int us, long int l, long unsigned int ul");
	check_params(df, "f_ptrs", "const char* str, void* v, int** pp, "
		     "struct item* n, const struct point* pt, "
		     "struct opaque* op");
	check_params(df, "f_misc", "enum color col, u32_t u, record_t* r, "
		     "union val* uv, size_t sz, _Bool b");
	check_params(df, "f_const", "<unknown type> cv, const int* const cp, "
		     "<unknown type> rp");
	check_params(df, "f_varargs", "int n");
	check_params(df, "f_noargs", "");
	check_params(df, "main", "int argc, char** argv");
	CU_ASSERT_EQUAL(dwarf_func_params(&ctx, df, "_start", add_param, &p),
			-ENOENT);
	CU_ASSERT_EQUAL(dwarf_func_params(&ctx, df, "nope", add_param, &p),
			-ENOENT);
}

static const struct field *field(struct type *rec, const char *name)
{
	uint32_t off;

	return type_field(rec, name, &off);
}

static uint32_t offset(struct type *rec, const char *name)
{
	uint32_t off = UINT32_MAX;

	CU_ASSERT_PTR_NOT_NULL(type_field(rec, name, &off));
	return off;
}

/* The bit a bitfield set to 1 sets, counted from the struct's start. */
static int bit_of_more(void)
{
	struct item z;
	unsigned char *b = (unsigned char *)&z;

	memset(&z, 0, sizeof(z));
	z.more = 1;
	for (size_t i = 0; i < sizeof(z); i++)
		for (int k = 0; k < 8; k++)
			if (b[i] >> k & 1)
				return (int)(i * 8 + k);
	return -1;
}

static void test_records(void)
{
	struct compile_ctx *c = fresh();
	struct dwarf_file *df = dwarf_open(c, PROG);
	struct type *n = dwarf_find_type(c, df, "struct item");
	const struct field *f;

	CU_ASSERT_FATAL(n && n->kind == T_RECORD);
	CU_ASSERT_STRING_EQUAL(n->name, "struct item");
	CU_ASSERT_EQUAL(n->as, AS_USER);
	CU_ASSERT_EQUAL(n->size, sizeof(struct item));
	CU_ASSERT_EQUAL(offset(n, "value"), offsetof(struct item, value));
	CU_ASSERT_EQUAL(offset(n, "in"), offsetof(struct item, in));
	CU_ASSERT_EQUAL(offset(n, "next"), offsetof(struct item, next));
	CU_ASSERT_EQUAL(offset(n, "rec"), offsetof(struct item, rec));
	CU_ASSERT_EQUAL(offset(n, "grid"), offsetof(struct item, grid));
	/* through the anonymous union */
	CU_ASSERT_EQUAL(offset(n, "l"), offsetof(struct item, l));
	CU_ASSERT_EQUAL(offset(n, "p"), offsetof(struct item, p));
	f = field(n, "more");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(f->bit_size, 5);
	CU_ASSERT_EQUAL(f->offset * 8 + f->bit_offset, bit_of_more());
	CU_ASSERT_EQUAL(field(n, "bits")->bit_size, 3);
	/* char[8] is a string; int[2][3] arrays of arrays */
	CU_ASSERT_EQUAL(field(n, "name")->type->kind, T_STRING);
	CU_ASSERT_EQUAL(field(n, "name")->type->size, 8);
	f = field(n, "grid");
	CU_ASSERT_EQUAL(f->type->kind, T_ARRAY);
	CU_ASSERT_EQUAL(f->type->count, 2);
	CU_ASSERT_EQUAL(f->type->elem->count, 3);
	CU_ASSERT_EQUAL(f->type->size, sizeof(((struct item *)0)->grid));
	/* a pointer to itself: the same record */
	CU_ASSERT_PTR_EQUAL(field(n, "next")->type->elem, n);
	CU_ASSERT_EQUAL(field(n, "next")->type->as, AS_USER);
	CU_ASSERT_EQUAL(field(n, "cb")->type->kind, T_PTR);
	CU_ASSERT_STRING_EQUAL(field(n, "rec")->type->name, "record_t");
	CU_ASSERT_EQUAL(field(n, "weight")->type->kind, T_NONE);
	CU_ASSERT_STRING_EQUAL(field(n, "weight")->type->name, "double");
	f = field(field(n, "in")->type, "flags");
	CU_ASSERT_TRUE(f && f->type->size == 1 && !f->type->is_signed);
	CU_ASSERT_EQUAL(f->offset, offsetof(struct inner, flags));
}

static void test_named_types(void)
{
	struct compile_ctx *c = fresh();
	struct dwarf_file *df = dwarf_open(c, PROG);
	struct type *t;

	t = dwarf_find_type(c, df, "record_t");
	CU_ASSERT_FATAL(t && t->kind == T_RECORD);
	CU_ASSERT_EQUAL(t->size, sizeof(record_t));
	t = dwarf_find_type(c, df, "union val");
	CU_ASSERT_FATAL(t && t->is_union);
	CU_ASSERT_EQUAL(offset(t, "c"), 0);
	t = dwarf_find_type(c, df, "enum color");
	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL(t->kind, T_INT);
	CU_ASSERT_EQUAL(t->size, sizeof(enum color));
	CU_ASSERT_PTR_EQUAL(dwarf_find_type(c, df, "u32_t"),
			    type_int(4, false));
	/* declared only; not defined at all */
	CU_ASSERT_PTR_NULL(dwarf_find_type(c, df, "struct opaque"));
	CU_ASSERT_PTR_NULL(dwarf_find_type(c, df, "struct nope"));
}

static void check_place(struct type *args, const char *name, uint32_t off)
{
	const struct field *f = args ? field(args, name) : NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	if (f->offset != off)
		fprintf(stderr, "\n%s at %u, want %u\n", name, f->offset, off);
	CU_ASSERT_EQUAL(f->offset, off);
}

static void check_unreadable(struct type *args, const char *name,
			     const char *why)
{
	const struct field *f = args ? field(args, name) : NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->type->kind, T_NONE);
	CU_ASSERT_PTR_NOT_NULL(f->type->name ? strstr(f->type->name, why) :
			       NULL);
}

/* Registers rdi.. at 0, 8, ... 40, the stack from 48 (System V). */
static void check_places(const char *path)
{
	struct compile_ctx *c = fresh();
	struct dwarf_file *df = dwarf_open(c, path);
	struct type *a;

	a = dwarf_func_args(c, df, "f_ints");
	check_place(a, "c", 0);
	check_place(a, "ul", 40);
	CU_ASSERT_TRUE(field(a, "c")->type->is_signed &&
		       field(a, "c")->type->size == 1);
	CU_ASSERT_TRUE(!field(a, "us")->type->is_signed &&
		       field(a, "us")->type->size == 2);
	a = dwarf_func_args(c, df, "f_stack");
	check_place(a, "f", 40);
	check_place(a, "g", 48);
	check_place(a, "h", 56);
	CU_ASSERT_EQUAL(a->size, 64);
	/* a struct of 8 bytes in one register; doubles in SSE ones */
	a = dwarf_func_args(c, df, "f_byval");
	check_place(a, "p", 0);
	check_place(a, "x", 8);
	check_unreadable(a, "d", "floating-point registers");
	check_unreadable(a, "f", "floating-point registers");
	/* 24 bytes: on the stack, the next int in rdi */
	a = dwarf_func_args(c, df, "f_after_big");
	check_place(a, "bg", 48);
	check_place(a, "after", 0);
	/* {double, int}: xmm0 and rdi */
	a = dwarf_func_args(c, df, "f_after_mixed");
	check_unreadable(a, "m", "integer and floating-point registers");
	check_place(a, "after", 8);
	/* a struct returned in memory: its address comes first, in rdi */
	a = dwarf_func_args(c, df, "f_retbig");
	check_place(a, "seed", 8);
	check_place(a, "pt", 16);
	a = dwarf_func_args(c, df, "f_varargs");
	CU_ASSERT_EQUAL(a->nfields, 1);
	errno = 0;
	CU_ASSERT_PTR_NULL(dwarf_func_args(c, df, "_start"));
	CU_ASSERT_EQUAL(errno, ENOENT);
}

static void test_places(void)
{
	check_places(PROG);
	check_places(O2);
}

/* C++: a method found by its symbol (the DIE's linkage name), this
 * first, in rdi */
static void test_cpp(void)
{
	struct compile_ctx *c = fresh();
	struct dwarf_file *df;
	const char *poke = "_ZN4etns6Widget4pokeEi";
	struct type *a;

	df = dwarf_open(c, ETRACE_UPROBE_PROGS "/uprobe_cpp");
	CU_ASSERT_PTR_NOT_NULL_FATAL(df);
	check_params(df, poke, "class Widget* const this, int d");
	check_params(df, "_ZNK4etns6Widget5valueEv",
		     "const class Widget* const this");
	a = dwarf_func_args(c, df, poke);
	check_place(a, "this", 0);
	check_place(a, "d", 8);
	CU_ASSERT_STRING_EQUAL(field(a, "this")->type->elem->name,
			       "struct Widget");
}

static void test_programs(void)
{
	expect_ok("uprobe:" PROG ":f_ptrs { printf(\"%d %s %d\\n\", "
		  "args->n->next->value, args->n->name, args->n->grid[1][2]); "
		  "@[str(args->str)] = count(); }");
	expect_ok("uprobe:" PROG ":f_byval { @ = args->p.x + args->x; }");
	/* struct and typedef names of the probe's binary in casts */
	expect_ok("uprobe:" PROG ":f_ptrs { @ = ((struct item *)arg3)->value"
		  " + sizeof(struct item) + ((record_t *)arg0)->id + "
		  "sizeof(enum color); }");
	/* no cast needed before (bpftrace 0.17 needs one) */
	expect_ok("uprobe:" PROG ":f_ints { @ = sizeof(struct item); }");
	/* the preamble's definition first */
	expect_ok("struct point { long a; }\nuprobe:" PROG ":f_ptrs { "
		  "@ = ((struct point *)arg4)->a; }");
	expect_err("struct point { long a; }\nuprobe:" PROG ":f_ptrs { "
		   "@ = ((struct point *)arg4)->x; }",
		   "does not contain a field named 'x'");
	/* not outside the binary's probes */
	expect_err("BEGIN { @ = sizeof(struct item); } uprobe:" PROG
		   ":f_ptrs { }", "Unknown struct/union: 'struct item'");
	expect_err("uprobe:" PROG ":f_ptrs { @ = args->nope; }",
		   "Can't find function parameter nope");
	expect_err("uprobe:" PROG ":f_byval { @ = args->d; }",
		   "d has unsupported type double, passed in floating-point "
		   "registers");
	expect_err("uprobe:" PROG ":f_after_mixed { @ = args->m.i; }",
		   "m has unsupported type struct mixed, passed in integer "
		   "and floating-point registers");
	expect_err("uprobe:" PROG ":f_ptrs { @ = args->n->weight; }",
		   "weight has unsupported type double");
	expect_err("uprobe:" NODEBUG ":f_ptrs { @ = args->n; }",
		   "No debuginfo found for " NODEBUG);
	expect_err("uprobe:" PROG ":_start { @ = args->x; }",
		   "Cannot type args of _start: the debug info of " PROG
		   " does not describe it");
	expect_err("uprobe:" PROG ":f_ptrs+4 { @ = args->n; }",
		   "known at its entry only");
	expect_err("uretprobe:" PROG ":f_ptrs { @ = args->n; }",
		   "The args builtin can only be used with");
	/* a wildcard: the parameters its functions share */
	expect_ok("uprobe:" PROG ":f_byval,uprobe:" PROG ":f_cb { "
		  "@ = args->x; }");
	expect_err("uprobe:" PROG ":f_[bi]* { @ = args->x; }",
		   "share no parameter of the same name and type");
}

/* The line of marker "M:name " in dwarf_stmt.c, 0 when absent. */
static unsigned marker_line(const char *name)
{
	FILE *f = fopen(ETRACE_DWARF_SRC "/dwarf_stmt.c", "r");
	char buf[256], m[64];
	unsigned n = 0, line = 0;

	snprintf(m, sizeof(m), "M:%s ", name);
	while (f && fgets(buf, sizeof(buf), f))
		if (n++, strstr(buf, m)) {
			line = n;
			break;
		}
	if (f)
		fclose(f);
	return line;
}

/* Statement probes' lines to addresses (dwarf_lines.c). */
static void test_stmt_addrs(void)
{
	struct compile_ctx *c = fresh();
	struct dwarf_file *df = dwarf_open(c, STMT_O2), *d0;
	unsigned twice = marker_line("twice"), third = marker_line("third");
	struct dwarf_stmt_addr *a = NULL;
	const char *why = NULL;
	int n;

	CU_ASSERT_FATAL(df != NULL && twice && third);
	/* the inline function's line: one per copy, in two functions */
	n = dwarf_stmt_addrs(df, "dwarf_stmt.c", twice, 0, &a, &why);
	CU_ASSERT_EQUAL(n, 2);
	if (n == 2) {
		CU_ASSERT(a[0].addr < a[1].addr);
		CU_ASSERT_NOT_EQUAL(a[0].scope, a[1].scope);
		CU_ASSERT_EQUAL(a[0].line, (int)twice);
	}
	/* a path suffix names the file; a partial name does not */
	CU_ASSERT_EQUAL(
	    dwarf_stmt_addrs(df, "dwarf/dwarf_stmt.c", twice, 0, &a, &why), 2);
	CU_ASSERT_EQUAL(
	    dwarf_stmt_addrs(df, "./dwarf_stmt.c", twice, 0, &a, &why), 2);
	CU_ASSERT_EQUAL(dwarf_stmt_addrs(df, "stmt.c", twice, 0, &a, &why),
			-ENOENT);
	CU_ASSERT(why && strstr(why, "has a source file 'stmt.c'"));
	/* -O0: the branch's two rows (the call, then +=) are one place */
	d0 = dwarf_open(c, STMT);
	CU_ASSERT_FATAL(d0 != NULL);
	CU_ASSERT_EQUAL(
	    dwarf_stmt_addrs(d0, "dwarf_stmt.c", third, 0, &a, &why), 1);
	/* a line without code: its neighbours */
	why = NULL;
	CU_ASSERT_EQUAL(
	    dwarf_stmt_addrs(d0, "dwarf_stmt.c", third + 3, 0, &a, &why),
	    -ENOENT);
	CU_ASSERT(why && strstr(why, "the nearest lines with code are"));
	/* a column no row starts at */
	CU_ASSERT_EQUAL(
	    dwarf_stmt_addrs(d0, "dwarf_stmt.c", third, 1, &a, &why), -ENOENT);
}

UNIT_MAIN("dwarf", UNIT_TEST(test_open), UNIT_TEST(test_param_text),
	  UNIT_TEST(test_records), UNIT_TEST(test_named_types),
	  UNIT_TEST(test_places), UNIT_TEST(test_cpp), UNIT_TEST(test_programs),
	  UNIT_TEST(test_stmt_addrs))
