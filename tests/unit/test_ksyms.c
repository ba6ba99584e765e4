/* Unit tests: the kernel function index (ksyms.c) on fixtures and on the
 * machine's own kernel lists. */
#include "unit.h"

#include <errno.h>
#include <unistd.h>

#include "compile.h"
#include "ksyms.h"

#define DATA ETRACE_TEST_DATA

static const char filter_text[] = "vfs_read\n"
				  "vfs_write\n"
				  "ext4_file_open [ext4]\n"
				  "vfs_read\n"
				  "\n"
				  "tcp_sendmsg\n";

static void test_filter_functions(void)
{
	struct ksym_index *idx = ksym_index_parse(filter_text,
						  strlen(filter_text));

	CU_ASSERT_PTR_NOT_NULL_FATAL(idx);
	CU_ASSERT_EQUAL(ksym_index_count(idx), 4); /* duplicate dropped */
	CU_ASSERT_TRUE(ksym_index_has(idx, "vfs_read"));
	CU_ASSERT_TRUE(ksym_index_has(idx, "ext4_file_open"));
	CU_ASSERT_FALSE(ksym_index_has(idx, "[ext4]"));
	CU_ASSERT_FALSE(ksym_index_has(idx, "vfs_rea"));
	CU_ASSERT_FALSE(ksym_index_has(idx, "vfs_readv"));
	ksym_index_free(idx);
}

static void test_kallsyms_fixture(void)
{
	struct ksym_index *idx = ksym_index_load(DATA "/kallsyms");

	CU_ASSERT_PTR_NOT_NULL_FATAL(idx);
	/* t/T only: _stext do_one_initcall vfs_read vfs_write xfs x2 */
	CU_ASSERT_EQUAL(ksym_index_count(idx), 6);
	CU_ASSERT_TRUE(ksym_index_has(idx, "do_one_initcall"));
	CU_ASSERT_TRUE(ksym_index_has(idx, "xfs_fs_sync"));
	CU_ASSERT_FALSE(ksym_index_has(idx, "jiffies"));
	CU_ASSERT_FALSE(ksym_index_has(idx, "some_bss"));
	CU_ASSERT_FALSE(ksym_index_has(idx, "__ksymtab_vfs_read"));
	CU_ASSERT_FALSE(ksym_index_has(idx, "fixed_percpu_data"));
	CU_ASSERT_FALSE(ksym_index_has(idx, "T"));
	ksym_index_free(idx);
}

static int collect(const char *name, void *arg)
{
	char *buf = arg;

	strcat(buf, name);
	strcat(buf, ",");
	return 0;
}

static int stop_first(const char *name, void *arg)
{
	return 1;
}

static void test_wildcards(void)
{
	struct ksym_index *idx;
	char buf[256] = "";

	idx = ksym_index_load(DATA "/tracefs/available_filter_functions");
	CU_ASSERT_PTR_NOT_NULL_FATAL(idx);
	CU_ASSERT_EQUAL(ksym_index_match(idx, "vfs_*", collect, buf), 3);
	CU_ASSERT_STRING_EQUAL(buf, "vfs_read,vfs_readv,vfs_write,");
	CU_ASSERT_EQUAL(ksym_index_match(idx, "vfs_rea?", NULL, NULL), 1);
	CU_ASSERT_EQUAL(ksym_index_match(idx, "*_[rw]*", NULL, NULL), 3);
	CU_ASSERT_EQUAL(ksym_index_match(idx, "*open*", NULL, NULL), 2);
	CU_ASSERT_EQUAL(ksym_index_match(idx, "*", NULL, NULL), 8);
	CU_ASSERT_EQUAL(ksym_index_match(idx, "nothing*", NULL, NULL), 0);
	CU_ASSERT_EQUAL(ksym_index_match(idx, "vfs_read", NULL, NULL), 1);
	CU_ASSERT_EQUAL(ksym_index_match(idx, "*", stop_first, NULL), 1);
	ksym_index_free(idx);
}

static void test_errors(void)
{
	errno = 0;
	CU_ASSERT_PTR_NULL(ksym_index_load(DATA "/no-such-file"));
	CU_ASSERT_EQUAL(errno, ENOENT);
	errno = 0;
	CU_ASSERT_PTR_NULL(ksym_index_parse("\n\n", 2));
	CU_ASSERT_EQUAL(errno, ENODATA);
	CU_ASSERT_PTR_NULL(ksym_index_parse(
		"ffffffff81004000 D jiffies\n", 27));
	CU_ASSERT_FALSE(ksym_index_has(NULL, "x"));
	CU_ASSERT_EQUAL(ksym_index_count(NULL), 0);
	ksym_index_free(NULL);
}

static void ctx_with(struct compile_ctx *ctx, const char *kallsyms,
		     const char *tracefs)
{
	struct compile_opts o = { .kallsyms = kallsyms, .tracefs = tracefs };

	CU_ASSERT_EQUAL_FATAL(compile_ctx_init(ctx, "t", "", 0, &o), 0);
}

static void test_compile_kfuncs(void)
{
	struct compile_ctx ctx;

	ctx_with(&ctx, "", NULL);
	CU_ASSERT_PTR_NULL(compile_kfuncs(&ctx));
	CU_ASSERT_TRUE(ctx.kfuncs_tried);
	compile_ctx_fini(&ctx);

	ctx_with(&ctx, DATA "/kallsyms", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(compile_kfuncs(&ctx));
	CU_ASSERT_PTR_EQUAL(compile_kfuncs(&ctx), ctx.kfuncs); /* cached */
	CU_ASSERT_TRUE(ksym_index_has(ctx.kfuncs, "vfs_read"));
	compile_ctx_fini(&ctx);
	CU_ASSERT_PTR_NULL(ctx.kfuncs);

	/* default: the tracefs list first */
	ctx_with(&ctx, NULL, DATA "/tracefs");
	CU_ASSERT_PTR_NOT_NULL_FATAL(compile_kfuncs(&ctx));
	CU_ASSERT_TRUE(ksym_index_has(ctx.kfuncs, "tcp_v4_connect"));
	compile_ctx_fini(&ctx);

	/* no tracefs list: /proc/kallsyms */
	ctx_with(&ctx, NULL, DATA "/no-such-dir");
	if (access("/proc/kallsyms", R_OK) == 0) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(compile_kfuncs(&ctx));
		CU_ASSERT_TRUE(ksym_index_count(ctx.kfuncs) > 1000);
		CU_ASSERT_TRUE(ksym_index_has(ctx.kfuncs, "schedule"));
		CU_ASSERT_FALSE(ksym_index_has(ctx.kfuncs, "tcp_v4_connectx"));
	}
	compile_ctx_fini(&ctx);
}

UNIT_MAIN("ksyms", UNIT_TEST(test_filter_functions),
	  UNIT_TEST(test_kallsyms_fixture), UNIT_TEST(test_wildcards),
	  UNIT_TEST(test_errors), UNIT_TEST(test_compile_kfuncs))
