/* Unit tests for compiler/ast.c: constructors, lists, names, subtree
 * depth, ast_walk order and pruning, and the ast_dump format. */
#define _GNU_SOURCE
#include <stdio.h>

#include "unit.h"

#include "ast.h"
#include "types.h"

static struct arena *A;

static struct loc L(uint32_t b, uint32_t e)
{
	return (struct loc){ b, e };
}

static char *dump_str(const struct node *n)
{
	char *s = NULL;
	size_t size;
	FILE *f = open_memstream(&s, &size);

	ast_dump(n, NULL, f);
	fclose(f);
	return s;
}

static void test_constructors(void)
{
	struct node *k1 = ast_int(A, L(0, 1), 1, false);
	struct node *k2 = ast_string(A, L(2, 5), "ab", 2);
	struct node *m = ast_map(A, L(0, 9), "@m", ast_append(k1, k2));
	struct node *c = ast_call(A, L(0, 3), "f", ast_append(
		ast_var(A, L(0, 2), "$x"), ast_positional(A, L(3, 5), 2,
							  false)));
	struct node *t = ast_tuple(A, L(0, 1), ast_append(
		ast_ident(A, L(0, 3), "pid"), ast_int(A, L(0, 1), 2, true)));

	CU_ASSERT_EQUAL(m->kind, N_MAP);
	CU_ASSERT_STRING_EQUAL(m->u.map.name, "@m");
	CU_ASSERT_EQUAL(ast_list_len(m->u.map.keys), 2);
	CU_ASSERT_EQUAL(m->loc.end, 9);
	CU_ASSERT_PTR_NULL(m->type);
	CU_ASSERT_EQUAL(c->u.call.nargs, 2);
	CU_ASSERT_EQUAL(c->u.call.args->next->u.positional.index, 2);
	CU_ASSERT_EQUAL(t->u.tuple.nelems, 2);
	CU_ASSERT_TRUE(t->u.tuple.elems->next->u.integer.is_unsigned);
	CU_ASSERT_EQUAL(ast_list_len(NULL), 0);
	CU_ASSERT_PTR_EQUAL(ast_append(NULL, k1), k1);
}

static void test_depth(void)
{
	struct node *a = ast_int(A, L(0, 1), 1, false);
	struct node *b = ast_binop(A, L(0, 3), OP_ADD, a,
				   ast_int(A, L(2, 3), 2, false));
	struct node *u = ast_unop(A, L(0, 4), OP_NEG, b);
	struct node *blk = ast_block(A, L(0, 9), ast_append(
		ast_expr_stmt(A, u), ast_jump(A, L(5, 9), JUMP_BREAK)));

	CU_ASSERT_EQUAL(a->depth, 1);
	CU_ASSERT_EQUAL(b->depth, 2);
	CU_ASSERT_EQUAL(u->depth, 3);
	CU_ASSERT_EQUAL(blk->depth, 5);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(ast_kind_name(N_PROGRAM), "program");
	CU_ASSERT_STRING_EQUAL(ast_kind_name(N_TUPLE_INDEX), "tuple_index");
	CU_ASSERT_STRING_EQUAL(ast_kind_name(N_TYPESPEC), "typespec");
	CU_ASSERT_STRING_EQUAL(ast_kind_name(N_KIND_COUNT), "?");
	CU_ASSERT_STRING_EQUAL(ast_binop_str(OP_SHL), "<<");
	CU_ASSERT_STRING_EQUAL(ast_binop_str(OP_LOR), "||");
	CU_ASSERT_STRING_EQUAL(ast_binop_str(OP_GE), ">=");
	CU_ASSERT_STRING_EQUAL(ast_unop_str(OP_BNOT), "~");
	CU_ASSERT_STRING_EQUAL(ast_unop_str(OP_POSTDEC), "--");
	for (int k = 0; k < N_KIND_COUNT; k++)
		CU_ASSERT_STRING_NOT_EQUAL(ast_kind_name(k), "?");
}

struct visit {
	char order[256];
	int n;
	bool prune_calls;
};

static bool record(struct node *n, void *arg)
{
	struct visit *v = arg;

	v->n += snprintf(v->order + v->n, sizeof(v->order) - v->n, "%s ",
			 ast_kind_name(n->kind));
	return !(v->prune_calls && n->kind == N_CALL);
}

/* kprobe:f /pid/ { @m[1] = count(2); if (1) { } else { break } } */
static struct node *sample(void)
{
	struct node *asg = ast_assign(A, L(0, 1),
		ast_map(A, L(0, 1), "@m", ast_int(A, L(0, 1), 1, false)),
		ast_call(A, L(0, 1), "count", ast_int(A, L(0, 1), 2, false)),
		false, 0);
	struct node *iff = ast_if(A, L(0, 1), ast_int(A, L(0, 1), 1, false),
		ast_block(A, L(0, 1), NULL),
		ast_block(A, L(0, 1), ast_jump(A, L(0, 1), JUMP_BREAK)));
	struct node *probe = ast_probe(A, L(0, 1),
		ast_attach(A, L(0, 8), "kprobe:f"),
		ast_ident(A, L(0, 1), "pid"),
		ast_block(A, L(0, 1), ast_append(asg, iff)), false);

	return ast_program(A, ast_cdef(A, L(0, 1), CDEF_DIRECTIVE,
				       "#define X 1"),
			   ast_config(A, L(0, 1), "strlen",
				      ast_int(A, L(0, 1), 8, false)),
			   probe);
}

static void test_walk(void)
{
	struct node *p = sample();
	struct visit v = { 0 };

	ast_walk(p, record, &v);
	CU_ASSERT_STRING_EQUAL(v.order, "program cdef config int probe attach "
			       "ident block assign map int call int if int "
			       "block block jump ");
	memset(&v, 0, sizeof(v));
	v.prune_calls = true;
	ast_walk(p->u.program.probes->u.probe.body, record, &v);
	CU_ASSERT_STRING_EQUAL(v.order, "block assign map int call if int "
			       "block block jump ");
	/* a node's siblings are not its children */
	memset(&v, 0, sizeof(v));
	ast_walk(p->u.program.probes->u.probe.body->u.block.stmts, record, &v);
	CU_ASSERT_STRING_EQUAL(v.order, "assign map int call int ");
}

static void test_walk_all_kinds(void)
{
	struct node *ts = ast_typespec(A, L(0, 1), "struct s", 1, 0);
	struct node *e = ast_cast(A, L(0, 1), ts, ast_ternary(A, L(0, 1),
		ast_field(A, L(0, 1), ast_ident(A, L(0, 1), "args"), "f", true),
		ast_index(A, L(0, 1), ast_var(A, L(0, 1), "$a"),
			  ast_int(A, L(0, 1), 0, false)),
		ast_tuple_index(A, L(0, 1), ast_var(A, L(0, 1), "$t"), 1)));
	struct node *f = ast_for(A, L(0, 1), ast_var(A, L(0, 1), "$kv"),
				 ast_map(A, L(0, 1), "@m", NULL),
				 ast_block(A, L(0, 1), ast_expr_stmt(A, e)));
	struct visit v = { 0 };

	ast_walk(f, record, &v);
	CU_ASSERT_STRING_EQUAL(v.order, "for var map block expr_stmt cast "
			       "typespec ternary field ident index var int "
			       "tuple_index var ");
	memset(&v, 0, sizeof(v));
	ast_walk(ast_sizeof(A, L(0, 1), NULL, ast_offsetof(A, L(0, 1), ts,
							   "a.b")),
		 record, &v);
	CU_ASSERT_STRING_EQUAL(v.order, "sizeof offsetof typespec ");
}

static void test_dump(void)
{
	struct node *p = sample();
	char *s;

	p->u.program.probes->u.probe.at_return = true;
	p->u.program.probes->u.probe.pred->type = type_int(8, true);
	s = dump_str(p);
	/* the type's name is whatever type_name() calls it */
	CU_ASSERT_STRING_EQUAL(type_name(A, type_int(8, true)), "int64");
	CU_ASSERT_STRING_EQUAL(s,
		"program\n"
		" cdef #define X 1\n"
		" config strlen\n"
		"  int 8\n"
		" probe kprobe:f [at_return]\n"
		"  attach kprobe:f\n"
		"  predicate\n"
		"   ident pid :: int64\n"
		"  block\n"
		"   =\n"
		"    map @m\n"
		"     int 1\n"
		"    call count\n"
		"     int 2\n"
		"   if\n"
		"    int 1\n"
		"    block\n"
		"    else\n"
		"     block\n"
		"      break\n");
	free(s);
	s = dump_str(ast_string(A, L(0, 1), "a\"\n\x01\\", 5));
	CU_ASSERT_STRING_EQUAL(s, "string \"a\\\"\\n\\x01\\\\\"\n");
	free(s);
	s = dump_str(ast_cast(A, L(0, 1),
			      ast_typespec(A, L(0, 1), "uint8", 2, 0),
			      ast_int(A, L(0, 1), UINT64_MAX, false)));
	CU_ASSERT_STRING_EQUAL(s, "cast uint8 **\n int -1\n");
	free(s);
}

int main(void)
{
	static const struct unit_test t[] = {
		UNIT_TEST(test_constructors), UNIT_TEST(test_depth),
		UNIT_TEST(test_names), UNIT_TEST(test_walk),
		UNIT_TEST(test_walk_all_kinds), UNIT_TEST(test_dump),
	};
	int rc;

	A = arena__new();
	rc = unit_run("ast", t, sizeof(t) / sizeof(t[0]));
	arena__free(A);
	return rc;
}
