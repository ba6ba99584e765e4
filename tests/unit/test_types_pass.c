/* Unit tests: the type pass (pass_types) — expression types, scratch
 * variables, maps across probes, and its diagnostics — through whole
 * programs compiled from source. */
#include "unit.h"

#include <stdio.h>

#include "compile.h"

#include "unit_compile.h"

static struct map_info *map(const char *name)
{
	for (struct map_info *m = ctx.maps; m; m = m->next)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

/* The value type of a map after a successful compile, as type_name. */
static const char *mval(const char *prog, const char *name)
{
	struct map_info *m;

	if (run(prog)) {
		fprintf(stderr, "\nunexpected failure of %s:\n%s", prog, out);
		return "(failed)";
	}
	m = map(name);
	return m && m->value ? type_name(ctx.arena, m->value) : "(none)";
}

static const char *mkey(const char *prog, const char *name)
{
	struct map_info *m;

	if (run(prog))
		return "(failed)";
	m = map(name);
	return m && m->key ? type_name(ctx.arena, m->key) : "(none)";
}

static void test_literals(void)
{
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @x = 1; }", "@x"), "int64");
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @x = \"abc\"; }", "@x"),
			       "string[4]");
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @x = (1, \"ab\"); }", "@x"),
			       "(int64,string[3])");
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @x = sizeof(uint32); }", "@x"),
			       "unsigned int64");
}

static void test_int_arith(void)
{
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { $a = (uint8)1; @x = $a + 1; }",
				    "@x"), "unsigned int64");
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @x = 2 * 3 - 1; }", "@x"),
			       "int64");
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @x = 1 << (uint8)2; }", "@x"),
			       "int64");
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @x = -(uint8)2; }", "@x"),
			       "unsigned int64");
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @x = !(uint16)2; }", "@x"),
			       "unsigned int64");
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @x = \"a\" == \"b\"; }", "@x"),
			       "unsigned int64");
}

static void test_binop_errors(void)
{
	expect_err("BEGIN { @x = \"a\" + 1; }",
		   "Type mismatch for '+': comparing 'string[2]' with "
		   "'int64'");
	expect_err("BEGIN { @x = \"a\" + \"b\"; }",
		   "The + operator can not be used on expressions of types "
		   "string[2], string[2]");
	expect_err("BEGIN { @x = \"a\" < \"b\"; }",
		   "The < operator can not be used");
	expect_err("BEGIN { $x = 1; $x += \"a\"; }",
		   "Type mismatch for '+': comparing 'int64' with "
		   "'string[2]'");
}

static void test_ternary(void)
{
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @x = pid ? \"a\" : \"bbb\"; }",
				    "@x"), "string[4]");
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @x = pid ? 1 : 2; }", "@x"),
			       "int64");
	expect_err("BEGIN { @x = 1 ? 2 : \"a\"; }",
		   "Ternary operator must return the same type: have 'int64' "
		   "and 'string[2]'");
	expect_err("BEGIN { @x = \"a\" ? 1 : 2; }",
		   "Invalid condition in ternary: string[2]");
}

static void test_var_types(void)
{
	expect_err("BEGIN { $x = 1;\n$x = \"a\"; }",
		   "t.et:2:1: error: Type mismatch for $x: trying to assign "
		   "value of type 'string[2]' when variable already contains "
		   "a value of type 'int64'");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "t.et:1:9: note: first assigned "
					   "here as 'int64'"));
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { $x = \"a\"; $x = \"bbbb\"; "
				    "@x = $x; }", "@x"), "string[5]");
	expect_ok("BEGIN { $x = 1; $x = (uint8)2; print($x); }");
	expect_err("BEGIN { print($y); }",
		   "Undefined or undeclared variable: $y");
	expect_err("BEGIN { print($y); $y = 1; }",
		   "Undefined or undeclared variable: $y");
	/* each probe has its own variables */
	expect_err("BEGIN { $y = 1; print($y); } END { print($y); }",
		   "Undefined or undeclared variable: $y");
	expect_err("BEGIN { $x++; }", "Undefined or undeclared variable: $x");
	expect_err("BEGIN { $x += 1; }",
		   "Undefined or undeclared variable: $x");
}

static void test_map_values(void)
{
	expect_err("BEGIN { @x = 1; }\nEND { @x = \"a\"; }",
		   "t.et:2:7: error: Type mismatch for @x: trying to assign "
		   "value of type 'string[2]' when map already contains a "
		   "value of type 'int64'");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "note: first assigned here as "
					   "'int64'"));
	/* a map read in a probe before the one that assigns it */
	CU_ASSERT_STRING_EQUAL(mval("END { @y = @x + 1; } BEGIN { @x = 1; }",
				    "@y"), "int64");
	expect_err("BEGIN { print(@nope); }", "Undefined map: @nope");
	expect_err("BEGIN { @a = @b; }", "Undefined map: @b");
	expect_err("BEGIN { @x = count(); @x = 1; }",
		   "trying to assign value of type 'int64' when map already "
		   "contains a value of type 'count'");
	/* bpftrace 0.26 reads a count as an integer (all CPUs' total);
	 * a histogram is no integer */
	expect_ok("BEGIN { @x = count(); if (@x > 1) { } }");
	expect_err("BEGIN { @x = hist(1); if (@x > 1) { } }",
		   "Type mismatch for '>': comparing 'hist' with 'int64'");
	expect_ok("BEGIN { @c = count(); $n = @c; @d = @c; }");
	expect_err("BEGIN { @h = hist(1); $n = @h; }",
		   "A value of type 'hist' can only be stored in a map");
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @x = (uint8)1; }", "@x"),
			       "unsigned int64");
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @x = \"a\"; @x = \"abcd\"; }",
				    "@x"), "string[5]");
}

static void test_map_keys(void)
{
	CU_ASSERT_STRING_EQUAL(mkey("BEGIN { @x[1, \"a\"] = 1; }", "@x"),
			       "(int64,string[2])");
	CU_ASSERT_STRING_EQUAL(mkey("BEGIN { @x[\"a\"] = 1; "
				    "@x[\"abc\"] = 2; }", "@x"), "string[4]");
	CU_ASSERT_STRING_EQUAL(mkey("BEGIN { @x = 1; }", "@x"), "(none)");
	expect_err("BEGIN { @x[1] = 1; @x[1, 2] = 1; }",
		   "Argument mismatch for @x: trying to access with "
		   "arguments: [int64, int64] when map expects arguments: "
		   "[int64]");
	expect_err("BEGIN { @x = 1; @x[1] = 2; }",
		   "when map expects arguments: []");
	expect_err("BEGIN { @x[1] = 1; @x[\"a\"] = 1; }",
		   "trying to access with arguments: [string[2]]");
	/* bpftrace 0.26: a tuple key is a multi-key */
	expect_ok("BEGIN { @x[(1, \"a\")] = 1; @x[2, \"b\"] = 2; }");
	expect_err("BEGIN { @x[(1, 2)] = 1; @x[1] = 2; }",
		   "trying to access with arguments: [int64] when map "
		   "expects arguments: [int64, int64]");
	expect_ok("BEGIN { @x[1] = 1; print(@x); clear(@x); }");
}

static void test_aggregation_place(void)
{
	expect_ok("BEGIN { @x = count(); @y[pid] = hist(1); }");
	expect_err("BEGIN { $x = count(); }",
		   "count() should be directly assigned to a map");
	expect_err("BEGIN { @x = 1 + count(); }",
		   "count() should be directly assigned to a map");
	expect_err("BEGIN { count(); }",
		   "count() should be directly assigned to a map");
	expect_err("BEGIN { $x = printf(\"a\"); }",
		   "printf() should not be used in an assignment or as a map "
		   "key");
	expect_err("BEGIN { @x = 1 + printf(\"a\"); }",
		   "printf() returns no value: it can only be used as a "
		   "statement");
}

static void test_incdec(void)
{
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @x++; }", "@x"), "int64");
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @x[comm] += 2; }", "@x"),
			       "int64");
	expect_err("BEGIN { @x = \"a\"; @x++; }",
		   "The ++ operator can not be used on expressions of type "
		   "'string[2]'");
	expect_err("BEGIN { @x = count(); @x--; }",
		   "The -- operator can not be used on expressions of type "
		   "'count'");
}

static void test_statements(void)
{
	expect_err("BEGIN { unroll(101) { } }", "Unroll maximum value is 100");
	expect_err("BEGIN { unroll(0) { } }", "Unroll minimum value is 1");
	expect_err("BEGIN { $n = 2; unroll($n) { } }",
		   "Invalid unroll count: expected an integer literal");
	expect_ok("BEGIN { unroll(3) { printf(\"x\"); } }");
	expect_err("BEGIN { unroll(-2) { } }",
		   "Unroll minimum value is 1 (-2 given)");
	expect_err("BEGIN { if (\"a\") { } }",
		   "Invalid condition in if(): string[2]");
	expect_err("BEGIN { while (comm) { } }",
		   "Invalid condition in while(): string[16]");
	expect_err("BEGIN / \"a\" / { }",
		   "Invalid type for predicate: string[2]");
	expect_ok("BEGIN / pid > 1 / { $i = 0; while ($i < 3) { $i++; } }");
}

static void test_for_loop(void)
{
	struct var_info *v;

	expect_ok("BEGIN { @m[\"a\", 1] = 2; for ($kv : @m) { "
		  "print($kv.0); print($kv.1); } }");
	for (v = ctx.vars; v && strcmp(v->name, "$kv"); v = v->next)
		;
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, v->type),
			       "((string[2],int64),int64)");
	expect_err("BEGIN { @m = 1; for ($kv : @m) { } }",
		   "Maps used as for-loop expressions must have keys to "
		   "iterate over");
	expect_err("BEGIN { for ($kv : @m) { } }", "Undefined map: @m");
	expect_err("BEGIN { @m[1] = 1; $kv = 1; for ($kv : @m) { } }",
		   "Loop declaration shadows existing variable: $kv");
	expect_err("BEGIN { @m[1] = 1; for ($kv : @m) { } print($kv); }",
		   "Undefined or undeclared variable: $kv");
}

static void test_fields_and_casts(void)
{
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @x = curtask->pid; }", "@x"),
			       "int64");
	/* bpftrace 0.26: '.' reads through a pointer */
	expect_ok("BEGIN { print(curtask.pid); print(curtask.parent.pid); }");
	expect_err("BEGIN { print(curtask.parent.nope); }",
		   "Struct/union of type 'struct task_struct' does not contain "
		   "a field named 'nope'");
	expect_err("BEGIN { print(curtask->nope); }",
		   "Struct/union of type 'struct task_struct' does not contain "
		   "a field named 'nope'");
	expect_err("BEGIN { $x = 1; print($x.f); }",
		   "Can not access field 'f' on expression of type 'int64'");
	expect_ok("BEGIN { $t = (struct task_struct *)curtask; "
		  "print($t->real_parent->pid); print((uint32)$t); }");
	expect_err("BEGIN { $x = (int8)\"a\"; }",
		   "Cannot cast from 'string[2]' to 'int8'");
	expect_err("BEGIN { $x = curtask; $y = $x * 2; }",
		   "The * operator can not be used on expressions of types "
		   "struct task_struct *, int64");
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @p = curtask + 1; }", "@p"),
			       "struct task_struct *");
}

/* args is the probe context: fields by '.' or '->', through variables,
 * but never stored in a map. */
static void test_args_context(void)
{
	const char *tp = "tracepoint:sched:sched_switch ";
	char prog[256];

	snprintf(prog, sizeof(prog), "%s{ $a = args; @x = $a->prev_pid + "
		 "$a.next_pid + args->prev_pid; }", tp);
	CU_ASSERT_STRING_EQUAL(mval(prog, "@x"), "int64");
	snprintf(prog, sizeof(prog), "%s{ @x = args; }", tp);
	expect_err(prog, "Context cannot be assigned to a map");
	snprintf(prog, sizeof(prog), "%s{ @x[args] = 1; }", tp);
	expect_err(prog, "Context cannot be used as a map key");
	/* the format file only names struct __kernel_timespec: BTF has it */
	CU_ASSERT_STRING_EQUAL(mval("tracepoint:syscalls:sys_enter_nanosleep "
				    "{ @s = args->rqtp->tv_sec; }", "@s"),
			       "int64");
	snprintf(prog, sizeof(prog), "%s{ @x = args.nope; }", tp);
	expect_err(prog, "Struct/union of type "
		   "'struct _tracepoint_sched_sched_switch' does not contain a "
		   "field named 'nope'");
}

static void test_unops_index_tuples(void)
{
	expect_err("BEGIN { $x = *\"a\"; }",
		   "The dereference operator can not be used on expressions "
		   "of type 'string[2]'");
	expect_err("BEGIN { $x = (void *)0; $y = *$x; }",
		   "Can not dereference a void pointer");
	expect_err("BEGIN { $x = -\"a\"; }",
		   "The - operator can not be used on expressions of type "
		   "'string[2]'");
	expect_ok("BEGIN { $x = comm[1]; print($x); }");
	expect_err("BEGIN { $x = comm[16]; print($x); }",
		   "the index 16 is out of bounds for array of size 16");
	expect_err("BEGIN { $x = pid[1]; }",
		   "The array index operator [] can only be used on arrays "
		   "and pointers, found unsigned int64");
	expect_err("BEGIN { $t = (1, \"a\"); print($t.2); }",
		   "Invalid tuple index 2: the tuple has 2 elements");
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { $t = (1, \"a\"); @x = $t.1; }",
				    "@x"), "string[2]");
	expect_ok("BEGIN { $a = ((struct in6_addr *)0)->in6_u.u6_addr32[3]; "
		  "print($a); }");
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, ctx.vars->type),
			       "unsigned int32");
	expect_err("BEGIN { $a = ((struct in6_addr *)0)->in6_u.u6_addr32[4]; "
		   "}", "the index 4 is out of bounds for array of size 4");
}

static void test_tables(void)
{
	struct map_info *a, *b;
	struct var_info *v;

	expect_ok("END { print(@b); } BEGIN { @b = 1; @a[1] = 2; "
		  "$x = 1; print($x); }");
	CU_ASSERT_EQUAL(ctx.nmaps, 2);
	a = map("@a");
	b = map("@b");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(b->id, 0);
	CU_ASSERT_EQUAL(a->id, 1);
	CU_ASSERT(b->read && b->written);
	CU_ASSERT(!a->read && a->written);
	v = ctx.vars;
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_STRING_EQUAL(v->name, "$x");
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, v->type), "int64");
	CU_ASSERT(v->read);
}

static void test_map_functions(void)
{
	expect_err("BEGIN { delete(@x[1]); }", "Undefined map: @x");
	expect_err("BEGIN { clear(@x); }", "Undefined map: @x");
	expect_err("BEGIN { @x[1] = 1; delete(@x[\"a\"]); }",
		   "Argument mismatch for @x");
	expect_ok("BEGIN { @x[1] = 1; delete(@x[2]); zero(@x); }");
	expect_ok("BEGIN { @m[1, \"a\"] = 1; @n = len(@m); "
		  "if (has_key(@m, (2, \"b\"))) { delete(@m, (1, \"c\")); } }");
	expect_err("BEGIN { @m[1] = 1; if (has_key(@m, \"a\")) { } }",
		   "Argument mismatch for @m: trying to access with arguments: "
		   "[string[2]] when map expects arguments: [int64]");
	expect_err("BEGIN { @m[1] = 1; delete(@m, \"a\"); }",
		   "Argument mismatch for @m");
	expect_err("BEGIN { @x = count(); print(@x[1]); }",
		   "when map expects arguments: []");
}

static void test_sizeof_offsetof_addr(void)
{
	expect_ok("BEGIN { @o = offsetof(struct task_struct, pid); "
		  "@p = offsetof(struct sock, __sk_common.skc_family); "
		  "@s = sizeof(struct task_struct); }");
	CU_ASSERT_STRING_EQUAL(type_name(ctx.arena, map("@o")->value),
			       "unsigned int64");
	/* folded to literals: the value is the layout's */
	{
		struct node *st = ctx.ast->u.program.probes->u.probe.body
					  ->u.block.stmts;
		struct node *o = st->u.assign.value;
		struct node *p = st->next->u.assign.value;

		CU_ASSERT_EQUAL(o->kind, N_INT);
		CU_ASSERT(o->u.integer.value > 0 &&
			  o->u.integer.value < 10000);
		CU_ASSERT_EQUAL(p->kind, N_INT);
		CU_ASSERT_EQUAL(p->u.integer.value, 16); /* skc_family */
	}
	expect_ok("BEGIN { @s = sizeof(uint16); @t = sizeof((1, 2)); "
		  "@l = lhist(1, 0, sizeof(uint64), 1); }");
	CU_ASSERT_EQUAL(ctx.ast->u.program.probes->u.probe.body->u.block
				.stmts->u.assign.value->u.integer.value, 2);
	expect_err("BEGIN { @o = offsetof(struct task_struct, nope); }",
		   "Struct/union of type 'struct task_struct' does not contain "
		   "a field named 'nope'");
	expect_err("BEGIN { @o = offsetof(uint32, x); }",
		   "The type given to offsetof() must be a struct or union, "
		   "found 'unsigned int32'");
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { @p = &curtask->pid; }", "@p"),
			       "int32 *");
	CU_ASSERT_EQUAL(map("@p")->value->as, AS_KERNEL);
	expect_err("BEGIN { $p = &pid; }",
		   "The & operator can only take the address of a scratch "
		   "variable, or of a field or array element reached through "
		   "a pointer");
	/* &$v (bpftrace 0.26): a kernel pointer to the variable's type */
	CU_ASSERT_STRING_EQUAL(mval("BEGIN { $v = (uint16)1; @p = &$v; }",
				    "@p"),
			       "unsigned int16 *");
	CU_ASSERT_EQUAL(map("@p")->value->as, AS_KERNEL);
}

/* A pointer made by a cast points where the probe's memory is. */
static void test_cast_address_space(void)
{
	CU_ASSERT_STRING_EQUAL(mval("uprobe:/bin/bash:main { "
				    "@p = (struct task_struct *)arg0; }", "@p"),
			       "struct task_struct *");
	CU_ASSERT_EQUAL(map("@p")->value->as, AS_USER);
	mval("kprobe:vfs_read { @p = (struct task_struct *)arg0; }", "@p");
	CU_ASSERT_EQUAL(map("@p")->value->as, AS_KERNEL);
	expect_err("BEGIN { $x = (struct task_struct)0; }",
		   "Cannot cast to 'struct task_struct'");
	expect_ok("BEGIN { if (curtask) { printf(\"x\"); } "
		  "$p = curtask; if ($p && $p->pid > 1) { } }");
}

/* One mistake, one message: no "Undefined map" or variable noise after
 * the assignment that failed. */
static void test_no_cascades(void)
{
	run("BEGIN { @a = \"s\" + 1; $v = -\"x\"; } "
	    "END { print(@a); printf(\"%d\", @a + 1); print($v); }");
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 3);
	CU_ASSERT_PTR_NULL(strstr(out, "Undefined map"));
	run("BEGIN { $v = -\"x\"; printf(\"%d\", $v); $w = $v + 1; }");
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 1);
}

/* bpftrace's sign warnings: only when the signs really differ, a
 * non-negative literal counting as unsigned. */
static void test_sign_warnings(void)
{
	expect_ok("BEGIN { $a = (uint8)1; $b = -1; if ($a > $b) { } }");
	CU_ASSERT_EQUAL(ctx.diags.nwarnings, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "warning: Comparison of integers "
					   "of different signs: 'unsigned "
					   "int8' and 'int64' can lead to "
					   "undefined behavior"));
	expect_ok("BEGIN { $a = (uint8)1; @x = $a + 1; @y = $a < 10; "
		  "@z = 10 / 2; @w = $a / 3; }");
	CU_ASSERT_EQUAL(ctx.diags.nwarnings, 0);
	expect_ok("BEGIN { $b = -1; @d = $b / 2; }");
	CU_ASSERT_EQUAL(ctx.diags.nwarnings, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Signed operands for '/' can lead "
					   "to undefined behavior (cast to "
					   "unsigned to silence warning)"));
	expect_ok("BEGIN { @x = (uint32)1 - 5 * -1; }");
	CU_ASSERT_EQUAL(ctx.diags.nwarnings, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Arithmetic of integers of "
					   "different signs"));
}

UNIT_MAIN("types_pass",
	  UNIT_TEST(test_literals),
	  UNIT_TEST(test_int_arith),
	  UNIT_TEST(test_binop_errors),
	  UNIT_TEST(test_ternary),
	  UNIT_TEST(test_var_types),
	  UNIT_TEST(test_map_values),
	  UNIT_TEST(test_map_keys),
	  UNIT_TEST(test_aggregation_place),
	  UNIT_TEST(test_incdec),
	  UNIT_TEST(test_statements),
	  UNIT_TEST(test_for_loop),
	  UNIT_TEST(test_fields_and_casts),
	  UNIT_TEST(test_args_context),
	  UNIT_TEST(test_unops_index_tuples),
	  UNIT_TEST(test_tables),
	  UNIT_TEST(test_map_functions),
	  UNIT_TEST(test_sizeof_offsetof_addr),
	  UNIT_TEST(test_cast_address_space),
	  UNIT_TEST(test_no_cascades),
	  UNIT_TEST(test_sign_warnings))
