/* Unit tests of -k / -kk (compiler/codegen/cg_kcheck.c), no root: scripts
 * are compiled with helper_checks 0, 1 or 2 and the ACT_HELPER_ERROR
 * actions, the ring buffer outputs in the optimized IR (one per checked
 * call) and the objects are compared. Without -k nothing may change. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "codegen.h"
#include "events.h"
#include "unit.h"

#define TRACEFS ETRACE_TEST_DATA "/tracefs"

static struct compile_ctx ctx;
static struct prog_meta prog;
static char *ir;

/* Compiles src with -k level times; keeps the program and its IR. */
static int gen(const char *src, int level)
{
	struct compile_opts o = {.kallsyms = "", .tracefs = TRACEFS,
				 .unsafe = true};
	struct codegen_opts co = {.helper_checks = level};
	size_t len = 0;
	FILE *f;
	int err;

	prog_meta_free(&prog);
	compile_ctx_fini(&ctx);
	memset(&ctx, 0, sizeof(ctx));
	free(ir);
	ir = NULL;
	if (compile_ctx_init(&ctx, "t.et", src, strlen(src), &o))
		return -1;
	err = compile_run(&ctx, NULL, NULL);
	f = open_memstream(&ir, &len);
	co.ir = f;
	if (!err)
		err = codegen_ex(&ctx, &prog, &co);
	fclose(f);
	if (err) {
		diags_print(&ctx.diags, stderr);
		fprintf(stderr, "\n%s\n", src);
	}
	return err;
}

static int nchecks(void)
{
	int n = 0;

	for (int i = 0; i < prog.nactions; i++)
		n += prog.actions[i].kind == ACT_HELPER_ERROR;
	return n;
}

/* The i-th ACT_HELPER_ERROR action. */
static const struct action_meta *check(int i)
{
	for (int k = 0; k < prog.nactions; k++)
		if (prog.actions[k].kind == ACT_HELPER_ERROR && !i--)
			return &prog.actions[k];
	CU_FAIL("no such check");
	return NULL;
}

/* The script text at a's loc. */
static char *text(const struct action_meta *a)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%.*s", (int)(a->loc.end - a->loc.begin),
		 ctx.src.text + a->loc.begin);
	return buf;
}

/* Calls of bpf_ringbuf_output (helper 130) in the IR. */
static int outputs(void)
{
	char pat[64];
	int n = 0;

	snprintf(pat, sizeof(pat), "inttoptr (i64 %d to ptr)",
		 BPF_FUNC_ringbuf_output);
	for (const char *p = ir; p && (p = strstr(p, pat)); p++)
		n++;
	return n;
}

static const char *writes =
	"BEGIN { @x[1] = 1; delete(@x[2]); $v = *(uint64*)8; "
	"printf(\"%d\\n\", $v); exit(); }";

static void test_none_without_k(void)
{
	CU_ASSERT_EQUAL_FATAL(gen(writes, 0), 0);
	CU_ASSERT_EQUAL(nchecks(), 0);
	CU_ASSERT_EQUAL(outputs(), 0);
	CU_ASSERT_PTR_NULL(strstr(ir, "helper_failed"));
}

static void test_k_writes_not_reads(void)
{
	const struct action_meta *a;

	CU_ASSERT_EQUAL_FATAL(gen(writes, 1), 0);
	CU_ASSERT_EQUAL_FATAL(nchecks(), 2);
	a = check(0);
	CU_ASSERT_STRING_EQUAL(a->helper, "map_update_elem");
	CU_ASSERT_STRING_EQUAL(text(a), "@x[1]");
	CU_ASSERT_EQUAL(a->rec_size, sizeof(struct et_rec_helper_error));
	a = check(1);
	CU_ASSERT_STRING_EQUAL(a->helper, "map_delete_elem");
	/* the whole call, as bpftrace shows it */
	CU_ASSERT_STRING_EQUAL(text(a), "delete(@x[2])");
	CU_ASSERT_EQUAL(outputs(), 2);
}

static void test_kk_reads_too(void)
{
	const struct action_meta *a;

	CU_ASSERT_EQUAL_FATAL(gen(writes, 2), 0);
	CU_ASSERT_EQUAL_FATAL(nchecks(), 3);
	a = check(2);
	CU_ASSERT_STRING_EQUAL(a->helper, "probe_read_kernel");
	CU_ASSERT_PTR_NOT_NULL(strstr(text(a), "*(uint64*)8"));
	CU_ASSERT_EQUAL(outputs(), 3);
}

/* a user string (a tracepoint's char * argument), kernel stacks, comm */
static void test_kk_user_str_stack_comm(void)
{
	const char *src = "tracepoint:syscalls:sys_enter_openat { "
			  "@s[comm] = str(args->filename); "
			  "@k[kstack] = count(); }";
	const char *want[] = {"probe_read_user_str", "get_current_comm",
			      "map_update_elem", "get_stackid",
			      "map_lookup_elem", "map_update_elem"};
	int n = sizeof(want) / sizeof(want[0]), got[6] = {0};

	CU_ASSERT_EQUAL_FATAL(gen(src, 2), 0);
	CU_ASSERT_EQUAL_FATAL(nchecks(), n);
	/* each expected helper is checked once (the order follows the
	 * code generator's) */
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			if (!got[j] && !strcmp(check(i)->helper, want[j])) {
				got[j] = 1;
				break;
			}
	for (int j = 0; j < n; j++)
		CU_ASSERT(got[j]);
	CU_ASSERT_EQUAL(outputs(), n);
	CU_ASSERT_EQUAL_FATAL(gen(src, 1), 0);
	CU_ASSERT_EQUAL(nchecks(), n - 2); /* not the read, nor the lookup */
}

/* -kk: a read or an aggregation of the script's map that misses is
 * reported (bpftrace 0.17's "Failed to map_lookup_elem: 0"), at the map
 * read or the aggregation call; -k leaves lookups alone, and has_key()
 * is never checked (a miss is its answer) */
static void test_kk_lookups(void)
{
	const char *src = "BEGIN { printf(\"%d\\n\", @y[5]); @y[1] = 2; "
			  "@s = sum(2); if (has_key(@y, 3)) { exit(); } }";

	CU_ASSERT_EQUAL_FATAL(gen(src, 2), 0);
	CU_ASSERT_EQUAL_FATAL(nchecks(), 4); /* 2 lookups, 2 updates */
	CU_ASSERT_STRING_EQUAL(check(0)->helper, "map_lookup_elem");
	CU_ASSERT_STRING_EQUAL(text(check(0)), "@y[5]");
	CU_ASSERT_STRING_EQUAL(check(1)->helper, "map_update_elem");
	CU_ASSERT_STRING_EQUAL(check(2)->helper, "map_lookup_elem");
	CU_ASSERT_STRING_EQUAL(text(check(2)), "sum(2)");
	CU_ASSERT_EQUAL(outputs(), 4);
	CU_ASSERT_EQUAL_FATAL(gen(src, 1), 0);
	CU_ASSERT_EQUAL(nchecks(), 2);
	for (int i = 0; i < nchecks(); i++)
		CU_ASSERT_STRING_EQUAL(check(i)->helper, "map_update_elem");
}

/* -k adds code only where a helper is checked: a program with none is
 * the same object with -kk; a delete makes it bigger */
static void test_objects(void)
{
	const char *plain = "BEGIN { printf(\"hi %d\\n\", pid); exit(); }";
	void *o0;
	size_t n0;

	CU_ASSERT_EQUAL_FATAL(gen(plain, 0), 0);
	o0 = malloc(prog.obj_len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o0);
	memcpy(o0, prog.obj, prog.obj_len);
	n0 = prog.obj_len;
	CU_ASSERT_EQUAL_FATAL(gen(plain, 2), 0);
	CU_ASSERT_EQUAL(prog.obj_len, n0);
	CU_ASSERT(prog.obj_len == n0 && !memcmp(prog.obj, o0, n0));
	free(o0);
	CU_ASSERT_EQUAL_FATAL(gen(writes, 0), 0);
	n0 = prog.obj_len;
	CU_ASSERT_EQUAL_FATAL(gen(writes, 1), 0);
	CU_ASSERT(prog.obj_len > n0);
}

/* delete() inside a for loop's callback and an if: still the call */
static void test_nested_delete(void)
{
	CU_ASSERT_EQUAL_FATAL(
	    gen("BEGIN { @m[1] = 2; for ($kv : @m) { if ($kv.1 > 0) "
		"{ delete(@m[$kv.0]); } } exit(); }", 1), 0);
	CU_ASSERT_EQUAL_FATAL(nchecks(), 2);
	CU_ASSERT_STRING_EQUAL(check(1)->helper, "map_delete_elem");
	CU_ASSERT_STRING_EQUAL(text(check(1)), "delete(@m[$kv.0])");
}

/* signal() at -k; at 0 the same program has no check */
static void test_signal(void)
{
	const char *src = "tracepoint:syscalls:sys_enter_openat "
			  "{ signal(\"SIGUSR1\"); }";

	CU_ASSERT_EQUAL_FATAL(gen(src, 1), 0);
	CU_ASSERT_EQUAL_FATAL(nchecks(), 1);
	CU_ASSERT_STRING_EQUAL(check(0)->helper, "send_signal");
	CU_ASSERT_STRING_EQUAL(text(check(0)), "signal(\"SIGUSR1\")");
	CU_ASSERT_EQUAL_FATAL(gen(src, 0), 0);
	CU_ASSERT_EQUAL(nchecks(), 0);
	CU_ASSERT_EQUAL(outputs(), 0);
}

UNIT_MAIN("kcheck",
	  UNIT_TEST(test_none_without_k),
	  UNIT_TEST(test_k_writes_not_reads),
	  UNIT_TEST(test_kk_reads_too),
	  UNIT_TEST(test_kk_user_str_stack_comm),
	  UNIT_TEST(test_kk_lookups),
	  UNIT_TEST(test_objects),
	  UNIT_TEST(test_nested_delete),
	  UNIT_TEST(test_signal))
