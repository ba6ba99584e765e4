/* Unit tests of the command-line parser (runtime/cli.c) and the embedded
 * stdlib recipe table (runtime/recipes.c). */
#include "unit.h"

#include <errno.h>
#include <stdlib.h>

#include "cli.h"
#include "recipes.h"

static struct cli cli;

static int parse(char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return cli_parse(&cli, argc, argv);
}

static void test_prog_and_params(void)
{
	char *argv[] = { "etrace", "-e", "BEGIN { }", "a", "b", NULL };

	CU_ASSERT_EQUAL(parse(argv), 0);
	CU_ASSERT_EQUAL(cli.action, CLI_RUN);
	CU_ASSERT_STRING_EQUAL(cli.prog, "BEGIN { }");
	CU_ASSERT_PTR_NULL(cli.script);
	CU_ASSERT_EQUAL(cli.nparams, 2);
	CU_ASSERT_STRING_EQUAL(cli.params[0], "a");
	CU_ASSERT_STRING_EQUAL(cli.params[1], "b");
}

static void test_script_params_permuted(void)
{
	char *argv[] = { "etrace", "x.et", "-v", "42", "--dry-run", NULL };

	CU_ASSERT_EQUAL(parse(argv), 0);
	CU_ASSERT_STRING_EQUAL(cli.script, "x.et");
	CU_ASSERT_EQUAL(cli.verbose, 1);
	CU_ASSERT_TRUE(cli.dry_run);
	CU_ASSERT_EQUAL(cli.nparams, 1);
	CU_ASSERT_STRING_EQUAL(cli.params[0], "42");
}

static void test_double_dash_params(void)
{
	char *argv[] = { "etrace", "-e", "p", "--", "-1", "-v", NULL };

	CU_ASSERT_EQUAL(parse(argv), 0);
	CU_ASSERT_EQUAL(cli.verbose, 0);
	CU_ASSERT_EQUAL(cli.nparams, 2);
	CU_ASSERT_STRING_EQUAL(cli.params[0], "-1");
	CU_ASSERT_STRING_EQUAL(cli.params[1], "-v");
}

static void test_stdin(void)
{
	char *argv[] = { "etrace", "-", "x", NULL };

	CU_ASSERT_EQUAL(parse(argv), 0);
	CU_ASSERT_STRING_EQUAL(cli.script, "-");
	CU_ASSERT_EQUAL(cli.nparams, 1);
}

static void test_list(void)
{
	char *a1[] = { "etrace", "-l", NULL };
	char *a2[] = { "etrace", "-l", "t:sched:*", NULL };
	char *a3[] = { "etrace", "-l", "a", "b", NULL };
	char *a4[] = { "etrace", "-l", "-e", "BEGIN{}", NULL };

	CU_ASSERT_EQUAL(parse(a1), 0);
	CU_ASSERT_EQUAL(cli.action, CLI_LIST);
	CU_ASSERT_PTR_NULL(cli.list_pattern);
	CU_ASSERT_EQUAL(parse(a2), 0);
	CU_ASSERT_STRING_EQUAL(cli.list_pattern, "t:sched:*");
	CU_ASSERT_EQUAL(parse(a3), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err, "-l takes at most one pattern");
	CU_ASSERT_EQUAL(parse(a4), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err, "-l and -e cannot be used together");
}

static void test_pid(void)
{
	char *ok[] = { "etrace", "-p", "4242", "-e", "p", NULL };
	char *bad[] = { "etrace", "-p", "42x", "-e", "p", NULL };
	char *zero[] = { "etrace", "-p", "0", "-e", "p", NULL };
	char *both[] = { "etrace", "-p", "1", "-c", "ls", "-e", "p", NULL };

	CU_ASSERT_EQUAL(parse(ok), 0);
	CU_ASSERT_EQUAL(cli.pid, 4242);
	CU_ASSERT_EQUAL(parse(bad), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err,
		"invalid PID '42x' for -p: expected a number > 0");
	CU_ASSERT_EQUAL(parse(zero), -EINVAL);
	CU_ASSERT_EQUAL(parse(both), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err, "-p and -c cannot be used together");
}

static void test_format_and_buffering(void)
{
	char *ok[] = { "etrace", "-f", "json", "-B", "none", "-e", "p", NULL };
	char *badf[] = { "etrace", "-f", "xml", "-e", "p", NULL };
	char *badb[] = { "etrace", "-B", "half", "-e", "p", NULL };
	char *line[] = { "etrace", "-B", "line", "-f", "text", "-e", "p",
			 NULL };
	char *folded[] = { "etrace", "-f", "folded", "--flamegraph", "a.svg",
			   "--folded", "a.folded", "-e", "p", NULL };
	char *nofile[] = { "etrace", "-e", "p", "--flamegraph", NULL };
	char *maddr[] = { "etrace", "--metrics-addr", ":9469", "-e", "p",
			  NULL };
	char *noaddr[] = { "etrace", "-e", "p", "--metrics-addr", NULL };
	char *otlp[] = { "etrace", "--otlp", "http://c:4318", "-e", "p",
			 NULL };
	char *nootlp[] = { "etrace", "-e", "p", "--otlp", NULL };

	CU_ASSERT_EQUAL(parse(ok), 0);
	CU_ASSERT_EQUAL(cli.format, CLI_FMT_JSON);
	CU_ASSERT_EQUAL(cli.buffering, CLI_BUF_NONE);
	CU_ASSERT_EQUAL(parse(line), 0);
	CU_ASSERT_EQUAL(cli.format, CLI_FMT_TEXT);
	CU_ASSERT_EQUAL(cli.buffering, CLI_BUF_LINE);
	CU_ASSERT_EQUAL(parse(badf), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err, "invalid output format 'xml' for "
			       "-f: expected text, json or folded");
	CU_ASSERT_EQUAL(parse(badb), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err, "invalid buffering mode 'half' for "
			       "-B: expected line, full or none");
	CU_ASSERT_EQUAL(parse(folded), 0);
	CU_ASSERT_EQUAL(cli.format, CLI_FMT_FOLDED);
	CU_ASSERT_STRING_EQUAL(cli.flamegraph, "a.svg");
	CU_ASSERT_STRING_EQUAL(cli.folded, "a.folded");
	CU_ASSERT_EQUAL(parse(nofile), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err, "option '--flamegraph' requires an "
			       "argument");
	CU_ASSERT_EQUAL(parse(maddr), 0);
	CU_ASSERT_STRING_EQUAL(cli.metrics_addr, ":9469");
	CU_ASSERT_EQUAL(parse(noaddr), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err, "option '--metrics-addr' requires an "
			       "argument");
	CU_ASSERT_EQUAL(parse(otlp), 0);
	CU_ASSERT_STRING_EQUAL(cli.otlp, "http://c:4318");
	CU_ASSERT_EQUAL(parse(nootlp), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err, "option '--otlp' requires an "
			       "argument");
}

static void test_flags(void)
{
	char *argv[] = { "etrace", "--unsafe", "-q", "-vv", "-kk", "-d",
			 "types", "-o", "out.txt", "-I", "/a", "-I/b",
			 "--usdt-file-activation",
			 "--include", "errno.h", "--include=x/y.h",
			 "-c", "ls -l", "s.et", NULL };

	CU_ASSERT_EQUAL(parse(argv), 0);
	CU_ASSERT_TRUE(cli.unsafe);
	CU_ASSERT_TRUE(cli.usdt_file_activation);
	CU_ASSERT_TRUE(cli.quiet);
	CU_ASSERT_EQUAL(cli.verbose, 2);
	CU_ASSERT_EQUAL(cli.helper_checks, 2);
	CU_ASSERT_STRING_EQUAL(cli.dump_stage, "types");
	CU_ASSERT_STRING_EQUAL(cli.output, "out.txt");
	CU_ASSERT_EQUAL(cli.ninclude_dirs, 2);
	CU_ASSERT_STRING_EQUAL(cli.include_dirs[1], "/b");
	CU_ASSERT_EQUAL(cli.ninclude_files, 2);
	CU_ASSERT_STRING_EQUAL(cli.include_files[0], "errno.h");
	CU_ASSERT_STRING_EQUAL(cli.include_files[1], "x/y.h");
	CU_ASSERT_STRING_EQUAL(cli.cmd, "ls -l");
	CU_ASSERT_STRING_EQUAL(cli.script, "s.et");
	CU_ASSERT_FALSE(cli.dry_run);
}

static void test_actions(void)
{
	char *v1[] = { "etrace", "-V", NULL };
	char *v2[] = { "etrace", "--version", NULL };
	char *h[] = { "etrace", "--help", NULL };
	char *info[] = { "etrace", "--info", NULL };
	char *infof[] = { "etrace", "--info", "/bin/true", NULL };
	char *info2[] = { "etrace", "--info", "a", "b", NULL };

	CU_ASSERT_EQUAL(parse(v1), 0);
	CU_ASSERT_EQUAL(cli.action, CLI_VERSION);
	CU_ASSERT_EQUAL(parse(v2), 0);
	CU_ASSERT_EQUAL(cli.action, CLI_VERSION);
	CU_ASSERT_EQUAL(parse(h), 0);
	CU_ASSERT_EQUAL(cli.action, CLI_HELP);
	CU_ASSERT_EQUAL(parse(info), 0);
	CU_ASSERT_EQUAL(cli.action, CLI_INFO);
	CU_ASSERT_PTR_NULL(cli.info_file);
	CU_ASSERT_EQUAL(parse(infof), 0);
	CU_ASSERT_EQUAL(cli.action, CLI_INFO);
	CU_ASSERT_STRING_EQUAL(cli.info_file, "/bin/true");
	CU_ASSERT_NOT_EQUAL(parse(info2), 0);
	CU_ASSERT_STRING_EQUAL(cli.err, "--info takes at most one file");
}

/* least privilege, signatures, audit (priv.h, sign.h, audit.h) */
static void test_security_flags(void)
{
	char *run[] = { "etrace-run", "--user", "daemon", "--verify", "p.pem",
			"--audit-log", "/tmp/a.jsonl", "--audit-required",
			"x.eto", NULL };
	char *keep[] = { "etrace", "--keep-privileges", "-e", "p", NULL };
	char *sign[] = { "etrace", "--compile-only", "--sign", "k.pem", "-o",
			 "x.eto", "-e", "p", NULL };
	char *nosign[] = { "etrace", "--sign", "k.pem", "-e", "p", NULL };
	char *verify_e[] = { "etrace", "--verify", "p.pem", "-e", "p", NULL };
	char *av[] = { "etrace", "--audit-verify", "a.jsonl", NULL };
	char *av2[] = { "etrace", "--audit-verify", "a.jsonl", "b", NULL };

	CU_ASSERT_EQUAL(parse(run), 0);
	CU_ASSERT_STRING_EQUAL(cli.user, "daemon");
	CU_ASSERT_STRING_EQUAL(cli.verify_key, "p.pem");
	CU_ASSERT_STRING_EQUAL(cli.audit_log, "/tmp/a.jsonl");
	CU_ASSERT_TRUE(cli.audit_required);
	CU_ASSERT_FALSE(cli.keep_privileges);
	CU_ASSERT_EQUAL(parse(keep), 0);
	CU_ASSERT_TRUE(cli.keep_privileges);
	CU_ASSERT_PTR_NULL(cli.user);
	CU_ASSERT_EQUAL(parse(sign), 0);
	CU_ASSERT_STRING_EQUAL(cli.sign_key, "k.pem");
	CU_ASSERT_EQUAL(parse(nosign), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err, "--sign needs --compile-only: it signs "
			       "the artifact written to -o FILE");
	CU_ASSERT_EQUAL(parse(verify_e), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err, "--verify checks a compiled program's "
			       "signature before running it: it cannot be "
			       "used with -e");
	CU_ASSERT_EQUAL(parse(av), 0);
	CU_ASSERT_EQUAL(cli.action, CLI_AUDIT_VERIFY);
	CU_ASSERT_STRING_EQUAL(cli.audit_verify, "a.jsonl");
	CU_ASSERT_EQUAL(parse(av2), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err, "--audit-verify takes one file");
}

static void test_usage_errors(void)
{
	char *none[] = { "etrace", NULL };
	char *unk[] = { "etrace", "-z", "-e", "p", NULL };
	char *unkl[] = { "etrace", "--frobnicate", "-e", "p", NULL };
	char *noarg[] = { "etrace", "-e", NULL };
	char *twice[] = { "etrace", "-e", "a", "-e", "b", NULL };
	char *noinc[] = { "etrace", "-e", "p", "--include", NULL };

	CU_ASSERT_EQUAL(parse(none), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err, "no program given: use -e PROG, a "
			       "FILE, '-' or a recipe name");
	CU_ASSERT_EQUAL(parse(unk), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err, "invalid option -- 'z'");
	CU_ASSERT_EQUAL(parse(unkl), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err, "unrecognized option '--frobnicate'");
	CU_ASSERT_EQUAL(parse(noarg), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err, "option requires an argument -- 'e'");
	CU_ASSERT_EQUAL(parse(twice), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err, "-e given more than once");
	CU_ASSERT_EQUAL(parse(noinc), -EINVAL);
	CU_ASSERT_STRING_EQUAL(cli.err,
			       "option '--include' requires an argument");
}

/* -c CMD splits as bpftrace 0.17 splits it: at spaces only, quotes and
 * shell characters kept in the words */
static void test_split_cmd(void)
{
	char **v = cli_split_cmd("  app 'a b'  \"c\" $HOME ~ x\\ y\tz ");

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_STRING_EQUAL(v[0], "app");
	CU_ASSERT_STRING_EQUAL(v[1], "'a");
	CU_ASSERT_STRING_EQUAL(v[2], "b'");
	CU_ASSERT_STRING_EQUAL(v[3], "\"c\"");
	CU_ASSERT_STRING_EQUAL(v[4], "$HOME");
	CU_ASSERT_STRING_EQUAL(v[5], "~");
	CU_ASSERT_STRING_EQUAL(v[6], "x\\");
	CU_ASSERT_STRING_EQUAL(v[7], "y\tz");
	CU_ASSERT_PTR_NULL(v[8]);
	free(v);
	v = cli_split_cmd("one");
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_STRING_EQUAL(v[0], "one");
	CU_ASSERT_PTR_NULL(v[1]);
	free(v);
	errno = 0;
	CU_ASSERT_PTR_NULL(cli_split_cmd("   "));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_PTR_NULL(cli_split_cmd(""));
}

static void test_reparse_resets(void)
{
	char *a[] = { "etrace", "-v", "--unsafe", "-e", "p", NULL };
	char *b[] = { "etrace", "-e", "q", NULL };

	CU_ASSERT_EQUAL(parse(a), 0);
	CU_ASSERT_EQUAL(parse(b), 0);
	CU_ASSERT_EQUAL(cli.verbose, 0);
	CU_ASSERT_FALSE(cli.unsafe);
	CU_ASSERT_STRING_EQUAL(cli.prog, "q");
}

static void test_recipes(void)
{
	static const struct et_recipe fake = {
		"x", "#!/usr/bin/env etrace\n\n// Counts things.\nBEGIN {}\n",
		0
	};
	static const struct et_recipe plain = { "y", "BEGIN {}\n", 0 };
	const struct et_recipe *r;
	char buf[64];

	CU_ASSERT_TRUE(et_nrecipes >= 4);
	r = et_recipe_find("opensnoop");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->len, strlen(r->text));
	CU_ASSERT_PTR_NOT_NULL(strstr(r->text, "sys_enter_openat"));
	CU_ASSERT_PTR_NULL(et_recipe_find("no-such-recipe"));
	for (int i = 1; i < et_nrecipes; i++)
		CU_ASSERT_TRUE(strcmp(et_recipes[i - 1].name,
				      et_recipes[i].name) < 0);
	et_recipe_summary(&fake, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "Counts things.");
	et_recipe_summary(&fake, buf, 7);
	CU_ASSERT_STRING_EQUAL(buf, "Counts");
	et_recipe_summary(&plain, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");
}

UNIT_MAIN("cli",
	  UNIT_TEST(test_prog_and_params),
	  UNIT_TEST(test_script_params_permuted),
	  UNIT_TEST(test_double_dash_params),
	  UNIT_TEST(test_stdin),
	  UNIT_TEST(test_list),
	  UNIT_TEST(test_pid),
	  UNIT_TEST(test_format_and_buffering),
	  UNIT_TEST(test_flags),
	  UNIT_TEST(test_actions),
	  UNIT_TEST(test_security_flags),
	  UNIT_TEST(test_usage_errors),
	  UNIT_TEST(test_split_cmd),
	  UNIT_TEST(test_reparse_resets),
	  UNIT_TEST(test_recipes))
