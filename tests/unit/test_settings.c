/* Unit tests of the settings table (compiler/settings.c): the
 * environment's names (BPFTRACE_KEY, ETRACE_KEY, bpftrace 0.17's), its
 * precedence over a script's config, values refused, and a refused
 * setting; and of the config block read through a real compile. No root. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "settings.h"
#include "unit.h"

static char msg[1024];

static const char *const vars[] = {
	"ETRACE_STRLEN", "BPFTRACE_STRLEN", "ETRACE_MAP_KEYS",
	"BPFTRACE_MAP_KEYS_MAX", "BPFTRACE_MAX_MAP_KEYS",
	"BPFTRACE_CAT_BYTES_MAX", "BPFTRACE_PERF_RB_PAGES",
	"BPFTRACE_CACHE_USER_SYMBOLS", "BPFTRACE_NO_USER_SYMBOLS",
	"BPFTRACE_MAX_TYPE_RES_ITERATIONS", "ETRACE_LOG_SIZE",
	"BPFTRACE_MAX_STRLEN", "ETRACE_MAX_STRLEN", "BPFTRACE_CPP_DEMANGLE",
	"ETRACE_CPP_DEMANGLE", "BPFTRACE_MISSING_PROBES",
	"ETRACE_MISSING_PROBES", "BPFTRACE_PRINT_MAPS_ON_EXIT",
	"ETRACE_PRINT_MAPS_ON_EXIT", "BPFTRACE_LICENSE", "ETRACE_LICENSE",
	"BPFTRACE_UNSTABLE_TSERIES", "ETRACE_UNSTABLE_TSERIES",
	"BPFTRACE_LAZY_SYMBOLICATION", "BPFTRACE_STR_TRUNC_TRAILER",
	"BPFTRACE_MAX_CAT_BYTES", "ETRACE_MAP_KEYS_MAX",
};

static void clear_env(void)
{
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
}

/* settings_from_env into o; its messages in msg */
static int from_env(struct compile_opts *o)
{
	FILE *f;
	int rc;

	msg[0] = '\0';  /* fmemopen leaves it when nothing is written */
	f = fmemopen(msg, sizeof(msg), "w");
	memset(o, 0, sizeof(*o));
	rc = settings_from_env(o, f);
	fclose(f);
	return rc;
}

static void test_env_names(void)
{
	struct compile_opts o;

	clear_env();
	setenv("BPFTRACE_MAP_KEYS_MAX", "100", 1);  /* bpftrace 0.17 */
	setenv("BPFTRACE_CAT_BYTES_MAX", "7", 1);
	setenv("BPFTRACE_PERF_RB_PAGES", "8", 1);
	setenv("BPFTRACE_CACHE_USER_SYMBOLS", "PER_PROGRAM", 1);
	setenv("BPFTRACE_NO_USER_SYMBOLS", "1", 1);
	setenv("ETRACE_LOG_SIZE", "4096", 1);
	CU_ASSERT_EQUAL(from_env(&o), 0);
	CU_ASSERT_EQUAL(o.max_map_keys, 100);
	CU_ASSERT_EQUAL(o.run.cat_bytes_max, 7);
	CU_ASSERT_EQUAL(o.perf_rb_pages, 8);
	CU_ASSERT_EQUAL(o.run.cache_user_symbols, USYM_CACHE_PER_PROGRAM);
	CU_ASSERT(o.run.no_user_symbols);
	CU_ASSERT_EQUAL(o.run.log_size, 4096);
	CU_ASSERT_STRING_EQUAL(msg, "");
	/* ETRACE_ first, then BPFTRACE_, then the older names */
	setenv("ETRACE_MAP_KEYS", "50", 1);
	CU_ASSERT_EQUAL(from_env(&o), 0);
	CU_ASSERT_EQUAL(o.max_map_keys, 50);
	/* bpftrace 0.17's 0: no cache */
	setenv("BPFTRACE_CACHE_USER_SYMBOLS", "0", 1);
	CU_ASSERT_EQUAL(from_env(&o), 0);
	CU_ASSERT_EQUAL(o.run.cache_user_symbols, USYM_CACHE_NONE);
	clear_env();
}

static void test_env_refused(void)
{
	struct compile_opts o;

	clear_env();
	setenv("BPFTRACE_PERF_RB_PAGES", "3", 1);
	CU_ASSERT_EQUAL(from_env(&o), 2);
	CU_ASSERT_STRING_EQUAL(msg, "etrace: invalid BPFTRACE_PERF_RB_PAGES "
			       "'3': expected a power-of-two integer from 1 to "
			       "262144\n");
	clear_env();
	setenv("ETRACE_STRLEN", "0", 1);
	CU_ASSERT_EQUAL(from_env(&o), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "from 1 to 200"));
	clear_env();
	setenv("BPFTRACE_NO_USER_SYMBOLS", "yes", 1);
	CU_ASSERT_EQUAL(from_env(&o), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "expected true, false, 0 or 1"));
	clear_env();
	/* a setting that does not apply: a warning, not an error */
	setenv("BPFTRACE_MAX_TYPE_RES_ITERATIONS", "3", 1);
	CU_ASSERT_EQUAL(from_env(&o), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "etrace: warning: "
				      "BPFTRACE_MAX_TYPE_RES_ITERATIONS has "
				      "no effect: etrace reads a kernel type"));
	clear_env();
}

/* src through the front end with opts o; 0 or the error */
static int compile(const char *src, struct compile_opts *o,
		   struct compile_ctx *ctx)
{
	o->btf_path = "";
	o->kallsyms = "";
	o->no_clang = true;
	if (compile_ctx_init(ctx, "t.et", src, strlen(src), o))
		return -1;
	return compile_run(ctx, NULL, NULL);
}

static void test_config(void)
{
	struct compile_opts o = { 0 };
	struct compile_ctx ctx;

	CU_ASSERT_EQUAL(compile("config = { max_map_keys = 10; log_size = 999;"
				" no_cpp_demangle = true; cat_bytes_max = 5;"
				" cache_user_symbols = none; max_probes = 3 }"
				" BEGIN { }", &o, &ctx), 0);
	CU_ASSERT_EQUAL(ctx.opts.max_map_keys, 10);
	CU_ASSERT_EQUAL(ctx.opts.run.log_size, 999);
	CU_ASSERT(ctx.opts.run.no_cpp_demangle);
	CU_ASSERT_EQUAL(ctx.opts.run.cat_bytes_max, 5);
	CU_ASSERT_EQUAL(ctx.opts.run.cache_user_symbols, USYM_CACHE_NONE);
	CU_ASSERT_EQUAL(ctx.opts.run.max_probes, 3);
	/* what is not given keeps bpftrace's default */
	CU_ASSERT_EQUAL(ctx.opts.perf_rb_pages, 64);
	CU_ASSERT_EQUAL(ctx.opts.max_bpf_progs, 512);
	compile_ctx_fini(&ctx);
}

/* the environment comes first: the script's value is set aside, said */
static void test_env_first(void)
{
	struct compile_opts o;
	struct compile_ctx ctx;

	clear_env();
	setenv("BPFTRACE_MAP_KEYS_MAX", "77", 1);
	CU_ASSERT_EQUAL_FATAL(from_env(&o), 0);
	CU_ASSERT_EQUAL(compile("config = { max_map_keys = 10 } BEGIN { }",
				&o, &ctx), 0);
	CU_ASSERT_EQUAL(ctx.opts.max_map_keys, 77);
	CU_ASSERT_EQUAL(ctx.diags.nwarnings, 1);
	CU_ASSERT_STRING_EQUAL(ctx.diags.tail->msg, "config variable "
			       "max_map_keys is overridden by "
			       "BPFTRACE_MAP_KEYS_MAX from the environment");
	compile_ctx_fini(&ctx);
	clear_env();
}

static void test_config_refused(void)
{
	struct compile_opts o = { 0 };
	struct compile_ctx ctx;

	CU_ASSERT_NOT_EQUAL(compile("config = { max_type_res_iterations = 1 }"
				    " BEGIN { }", &o, &ctx), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(ctx.diags.tail->msg, "does not apply"));
	compile_ctx_fini(&ctx);
	memset(&o, 0, sizeof(o));
	CU_ASSERT_NOT_EQUAL(compile("config = { log_size = 12 } BEGIN { }",
				    &o, &ctx), 0);
	CU_ASSERT_STRING_EQUAL(ctx.diags.tail->msg, "Invalid value for config "
			       "variable log_size: expected an integer from "
			       "128 to 1073741823");
	compile_ctx_fini(&ctx);
}

/* bpftrace 0.26's keys and names, from the environment in both
 * spellings */
static void test_env_026(void)
{
	struct compile_opts o;

	clear_env();
	setenv("BPFTRACE_MAX_STRLEN", "20", 1);
	setenv("BPFTRACE_CPP_DEMANGLE", "false", 1);
	setenv("BPFTRACE_MISSING_PROBES", "warn", 1);
	setenv("BPFTRACE_PRINT_MAPS_ON_EXIT", "0", 1);
	setenv("BPFTRACE_LICENSE", "Dual MIT/GPL", 1);
	setenv("BPFTRACE_UNSTABLE_TSERIES", "error", 1);
	setenv("BPFTRACE_MAX_CAT_BYTES", "9", 1);
	setenv("ETRACE_MAP_KEYS_MAX", "33", 1);
	CU_ASSERT_EQUAL(from_env(&o), 0);
	CU_ASSERT_STRING_EQUAL(msg, "");
	CU_ASSERT_EQUAL(o.strlen, 20);
	CU_ASSERT(o.run.no_cpp_demangle);
	CU_ASSERT_EQUAL(o.missing_probes, MP_WARN);
	CU_ASSERT_EQUAL(o.run.missing_probes, ET_MISSING_WARN);
	CU_ASSERT(o.run.no_print_maps_on_exit);
	CU_ASSERT_STRING_EQUAL(o.license, "Dual MIT/GPL");
	CU_ASSERT_EQUAL(settings_unstable_mode(&o, UNSTABLE_TSERIES),
			UM_ERROR);
	CU_ASSERT_EQUAL(o.run.cat_bytes_max, 9);
	CU_ASSERT_EQUAL(o.max_map_keys, 33);
	clear_env();
	/* ETRACE_ first */
	setenv("ETRACE_MAX_STRLEN", "30", 1);
	setenv("BPFTRACE_MAX_STRLEN", "20", 1);
	setenv("ETRACE_CPP_DEMANGLE", "true", 1);
	setenv("ETRACE_MISSING_PROBES", "ignore", 1);
	setenv("BPFTRACE_MISSING_PROBES", "error", 1);
	setenv("ETRACE_UNSTABLE_TSERIES", "enable", 1);
	setenv("ETRACE_PRINT_MAPS_ON_EXIT", "true", 1);
	CU_ASSERT_EQUAL(from_env(&o), 0);
	CU_ASSERT_EQUAL(o.strlen, 30);
	CU_ASSERT(!o.run.no_cpp_demangle);
	CU_ASSERT_EQUAL(o.missing_probes, MP_IGNORE);
	CU_ASSERT_EQUAL(o.run.missing_probes, ET_MISSING_IGNORE);
	CU_ASSERT_EQUAL(settings_unstable_mode(&o, UNSTABLE_TSERIES),
			UM_ENABLE);
	CU_ASSERT(!o.run.no_print_maps_on_exit);
	clear_env();
	/* values refused, and one that changes nothing here */
	setenv("ETRACE_MISSING_PROBES", "sometimes", 1);
	CU_ASSERT_EQUAL(from_env(&o), 2);
	CU_ASSERT_STRING_EQUAL(msg, "etrace: invalid ETRACE_MISSING_PROBES "
			       "'sometimes': expected ignore, warn or error\n");
	clear_env();
	setenv("BPFTRACE_LICENSE", "MIT", 1);
	CU_ASSERT_EQUAL(from_env(&o), 2);
	clear_env();
	setenv("BPFTRACE_LAZY_SYMBOLICATION", "0", 1);
	CU_ASSERT_EQUAL(from_env(&o), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "etrace: warning: "
				      "BPFTRACE_LAZY_SYMBOLICATION=0 has no "
				      "effect: "));
	clear_env();
	setenv("BPFTRACE_STR_TRUNC_TRAILER", "", 1);
	CU_ASSERT_EQUAL(from_env(&o), 0);
	CU_ASSERT_STRING_EQUAL(msg, "");
	clear_env();
}

/* defaults: bpftrace 0.17's missing probes, 0.26's unstable modes */
static void test_defaults_026(void)
{
	struct compile_opts o = { 0 };
	struct compile_ctx ctx;

	CU_ASSERT_EQUAL(compile("BEGIN { }", &o, &ctx), 0);
	CU_ASSERT_EQUAL(ctx.opts.missing_probes, MP_DEFAULT);
	CU_ASSERT_EQUAL(ctx.opts.run.missing_probes, ET_MISSING_ERROR);
	CU_ASSERT(!ctx.opts.run.no_print_maps_on_exit);
	CU_ASSERT_PTR_NULL(ctx.opts.license);
	CU_ASSERT_EQUAL(settings_unstable_mode(&ctx.opts, UNSTABLE_TSERIES),
			UM_WARN);
	CU_ASSERT_EQUAL(settings_unstable_mode(&ctx.opts, UNSTABLE_DW_USTACK),
			UM_WARN);
	CU_ASSERT_EQUAL(settings_unstable_mode(&ctx.opts,
					       UNSTABLE_IMPORT_STATEMENT),
			UM_ERROR);
	CU_ASSERT_EQUAL(settings_unstable_mode(&ctx.opts, UNSTABLE_TYPEINFO),
			UM_ERROR);
	compile_ctx_fini(&ctx);
}

/* the config block's 0.26 keys, and the checks of unstable features */
static void test_config_026(void)
{
	struct compile_opts o = { 0 };
	struct compile_ctx ctx;
	struct loc here = { 0, 5 };
	int warnings;

	CU_ASSERT_EQUAL(compile("config = { max_strlen = 40; cpp_demangle = "
				"false; missing_probes = \"error\"; "
				"print_maps_on_exit = false; license = "
				"\"GPL v2\"; unstable_typeinfo = warn; "
				"unstable_import_statement = true }"
				" BEGIN { }", &o, &ctx), 0);
	CU_ASSERT_EQUAL(ctx.opts.strlen, 40);
	CU_ASSERT(ctx.opts.run.no_cpp_demangle);
	CU_ASSERT_EQUAL(ctx.opts.missing_probes, MP_ERROR);
	CU_ASSERT_EQUAL(ctx.opts.run.missing_probes, ET_MISSING_ERROR);
	CU_ASSERT(ctx.opts.run.no_print_maps_on_exit);
	CU_ASSERT_STRING_EQUAL(ctx.opts.license, "GPL v2");
	/* warn: one warning per program */
	warnings = ctx.diags.nwarnings;
	CU_ASSERT(settings_unstable(&ctx, UNSTABLE_TYPEINFO, here));
	CU_ASSERT(settings_unstable(&ctx, UNSTABLE_TYPEINFO, here));
	CU_ASSERT_EQUAL(ctx.diags.nwarnings, warnings + 1);
	CU_ASSERT_STRING_EQUAL(ctx.diags.tail->msg, "Script is using an "
			       "unstable feature: typeinfo. To prevent this "
			       "warning you must explicitly enable it in the "
			       "config e.g. unstable_typeinfo=enable");
	/* enabled: quiet */
	CU_ASSERT(settings_unstable(&ctx, UNSTABLE_IMPORT_STATEMENT, here));
	CU_ASSERT_EQUAL(ctx.diags.nwarnings, warnings + 1);
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 0);
	compile_ctx_fini(&ctx);
	/* error */
	memset(&o, 0, sizeof(o));
	CU_ASSERT_EQUAL(compile("BEGIN { }", &o, &ctx), 0);
	CU_ASSERT(!settings_unstable(&ctx, UNSTABLE_IMPORT_STATEMENT, here));
	CU_ASSERT_EQUAL(ctx.diags.nerrors, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(ctx.diags.tail->msg, "Import "
				      "statements that are not at the top "
				      "level"));
	compile_ctx_fini(&ctx);
}

UNIT_MAIN("settings", UNIT_TEST(test_env_026), UNIT_TEST(test_defaults_026),
	  UNIT_TEST(test_config_026), UNIT_TEST(test_env_names),
	  UNIT_TEST(test_env_refused),
	  UNIT_TEST(test_config), UNIT_TEST(test_env_first),
	  UNIT_TEST(test_config_refused))
