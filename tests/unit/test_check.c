/* Unit tests: the check pass (pass_check) — loops and jumps, the latency
 * form (u.probe.at_return), and its warnings — through whole programs
 * compiled from source. */
#include "unit.h"

#include <stdio.h>

#include "compile.h"

#include "unit_compile.h"

/* Succeeds with exactly one warning containing msg. */
static void expect_warning(const char *prog, const char *msg)
{
	expect_ok(prog);
	CU_ASSERT_EQUAL(ctx.diags.nwarnings, 1);
	if (!strstr(out, msg))
		fprintf(stderr, "\n%s\nwanted '%s', got:\n%s", prog, msg, out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, msg));
}

static struct node *probe(int i)
{
	struct node *p = ctx.ast ? ctx.ast->u.program.probes : NULL;

	while (p && i--)
		p = p->next;
	return p;
}

static void test_jumps(void)
{
	expect_err("BEGIN { break; }", "'break' used outside of a loop");
	expect_err("BEGIN { if (pid) { continue; } }",
		   "'continue' used outside of a loop");
	expect_ok("BEGIN { $i = 0; while ($i < 10) { $i++; if ($i > 5) { "
		  "break; } continue; } }");
	expect_ok("BEGIN { unroll(2) { break; } }");
	expect_ok("BEGIN { if (pid) { return; } printf(\"x\"); }");
	expect_ok("BEGIN { @m[1] = 1; for ($kv : @m) { if ($kv.1) { "
		  "break; } } }");
	/* bpftrace 0.26: return in a for loop stops it and the probe */
	expect_ok("BEGIN { @m[1] = 1; for ($kv : @m) { return; } }");
	expect_ok("BEGIN { for ($i : 0..3) { if ($i) { continue; } "
		  "break; } }");
	expect_err("BEGIN { $x = { break; 1 }; }",
		   "'break' used outside of a loop");
}

static void test_at_return(void)
{
	struct node *p;

	expect_ok("uprobe:/bin/bash:main { @ = hist(elapsed); }");
	p = probe(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_TRUE(p->u.probe.at_return);
	expect_ok("uprobe:/bin/bash:main / retval == 0 / { @ = count(); }");
	CU_ASSERT_TRUE(probe(0)->u.probe.at_return);
	/* no elapsed/retval: an ordinary entry probe */
	expect_ok("uprobe:/bin/bash:main { @ = count(); }");
	CU_ASSERT_FALSE(probe(0)->u.probe.at_return);
	/* elapsed keeps bpftrace's meaning outside function entries */
	expect_ok("interval:s:1 { @ = elapsed; }");
	CU_ASSERT_FALSE(probe(0)->u.probe.at_return);
	expect_ok("BEGIN { @ = 1; } uretprobe:/bin/bash:main { @ = retval; }");
	CU_ASSERT_FALSE(probe(1)->u.probe.at_return);
}

static void test_at_return_mixed(void)
{
	expect_err("uprobe:/bin/bash:main, interval:s:1 { @ = elapsed; }",
		   "elapsed in a function entry probe means the call's "
		   "duration, but 'interval:s:1' is not a function entry");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "note: function entry attach "
					   "point here"));
}

static void test_unused_variable(void)
{
	expect_warning("BEGIN { $x = 1; }",
		       "t.et:1:9: warning: Variable $x is assigned but never "
		       "used");
	expect_ok("BEGIN { $x = 1; printf(\"%d\\n\", $x); }");
	CU_ASSERT_EQUAL(ctx.diags.nwarnings, 0);
	/* reported once, at the first assignment */
	expect_warning("BEGIN { $x = 1; $x = 2; }",
		       "Variable $x is assigned but never used");
	expect_ok("BEGIN { $x = 1; $x++; }");
	CU_ASSERT_EQUAL(ctx.diags.nwarnings, 0);
}

static void test_unreachable(void)
{
	expect_warning("BEGIN { return; printf(\"never\"); }",
		       "Code after 'return' is unreachable");
	expect_warning("BEGIN { while (1) { break; printf(\"x\"); } }",
		       "Code after 'break' is unreachable");
	/* exit() does not stop the probe: no warning */
	expect_ok("BEGIN { exit(); printf(\"still runs\"); }");
	CU_ASSERT_EQUAL(ctx.diags.nwarnings, 0);
}

UNIT_MAIN("check",
	  UNIT_TEST(test_jumps),
	  UNIT_TEST(test_at_return),
	  UNIT_TEST(test_at_return_mixed),
	  UNIT_TEST(test_unused_variable),
	  UNIT_TEST(test_unreachable))
