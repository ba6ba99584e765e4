/* etrace-run: runs programs compiled ahead of time (etrace --compile-only
 * -o prog.eto). The runtime alone: no LLVM, no libclang, no front end, so
 * that a node of a fleet carries a small agent and no compiler. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <etrace_features.h> /* generated: cmake/features.cmake */

#include "artifact.h"
#include "audit.h"
#include "cli.h"
#include "run_cli.h"

static const char usage_text[] =
	"USAGE: etrace-run [options] PROG.eto [ARGS...]\n"
	"\n"
	"Runs a program compiled by etrace --compile-only -o PROG.eto, on\n"
	"this machine's kernel (BTF relocations and tracepoint layouts are\n"
	"checked when it loads). ARGS must be the positional parameters it\n"
	"was compiled with, or none.\n"
	"\n"
	"Options:\n"
	"  -p PID         trace process PID\n"
	"  -c 'CMD'       run CMD and trace it\n"
	"  -f FORMAT      output format: text (default) or json\n"
	"  -o FILE        write the output to FILE\n"
	"  -B MODE        output buffering: line, full or none\n"
	"  --dry-run      check PROG.eto; load nothing\n"
	"  --verify PUB.pem\n"
	"                 run PROG.eto only when it was signed (etrace\n"
	"                 --compile-only --sign KEY.pem) by PUB.pem's key\n"
	"  --user NAME    after the attach, run as NAME (default nobody, when\n"
	"                 started as root) with no capabilities\n"
	"  --audit-log FILE\n"
	"                 append the run's audit records to FILE (default\n"
	"                 as root: /var/log/etrace/audit.jsonl; none: off)\n"
	"  --audit-required\n"
	"                 refuse to run when the audit log cannot be written\n"
	"  --audit-verify FILE\n"
	"                 check the hash chain of an audit log and exit\n"
	"  --keep-privileges\n"
	"                 keep root and the capabilities for the whole run\n"
	"  --unsafe       allow the program's system() and signal() calls\n"
	"  --usdt-file-activation\n"
	"                 attach USDT probes in every process that maps their\n"
	"                 file, even with -p or -c\n"
	"  -q             quiet: fewer messages\n"
	"  -v             verbose messages (libbpf's, the verifier's log)\n"
	"  -V, --version  print the version and the build's features\n"
	"  -h, --help     print this help\n";

/* What needs the compiler, which etrace-run does not have. */
static const char *compiler_option(const struct cli *cli)
{
	if (cli->prog)
		return "-e";
	if (cli->action == CLI_LIST)
		return "-l";
	if (cli->action == CLI_INFO)
		return "--info";
	if (cli->dump_stage)
		return "-d";
	if (cli->compile_only)
		return "--compile-only";
	if (cli->emit_llvm || cli->emit_elf)
		return cli->emit_llvm ? "--emit-llvm" : "--emit-elf";
	if (cli->ninclude_dirs)
		return "-I";
	if (cli->ninclude_files)
		return "--include";
	if (cli->helper_checks)
		return "-k (compile with etrace --compile-only -k)";
	if (cli->no_cache)
		return "--no-cache";
	return NULL;
}

static int check_only(const struct cli *cli, const char *path)
{
	struct et_program *prog;
	char err[512];
	size_t len;
	void *buf;
	int rc;

	if (artifact__slurp(path, &buf, &len, err, sizeof(err))) {
		fprintf(stderr, "etrace-run: %s: %s\n", path, err);
		return 1;
	}
	rc = run_cli_body(cli, path, buf, len, &len);
	if (!rc && artifact__read(buf, len, &prog, err, sizeof(err))) {
		fprintf(stderr, "etrace-run: %s: %s\n", path, err);
		rc = 1;
	} else if (!rc) {
		et_program__free(prog);
	}
	free(buf);
	return rc;
}

int main(int argc, char **argv)
{
	const char *opt;
	struct cli cli;
	int rc;

	cli_progname = "etrace-run";
	cli_synopsis = "etrace-run [options] PROG.eto [ARGS...]";
	if (cli_parse(&cli, argc, argv))
		return cli_usage_error(cli.err);
	if (cli.action == CLI_HELP) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (cli.action == CLI_AUDIT_VERIFY)
		return audit__verify(cli.audit_verify, stdout);
	if (cli.action == CLI_VERSION) {
		printf("etrace-run v%s\nfeatures:\n%s", ETRACE_VERSION,
		       ETRACE_FEATURES_RUNTIME);
		return 0;
	}
	opt = compiler_option(&cli);
	if (opt) {
		fprintf(stderr, "etrace-run: %s needs the compiler: use etrace\n",
			opt);
		return 2;
	}
	if (cli.dry_run)
		return check_only(&cli, cli.script);
	rc = run_cli_file(&cli, cli.script);
	fflush(NULL);
	return rc;
}
