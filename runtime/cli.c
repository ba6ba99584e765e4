/* Command-line parsing: bpftrace-compatible flags (GNU getopt_long with
 * argument permutation, like bpftrace 0.17) into a struct cli. Usage errors
 * are returned as text; the caller prints them and exits 2. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_DRY_RUN = 256,
	OPT_UNSAFE,
	OPT_INFO,
	OPT_EMIT_LLVM,
	OPT_EMIT_ELF,
	OPT_NO_CACHE,
	OPT_COMPILE_ONLY,
	OPT_INCLUDE,
	OPT_USDT_FILE_ACTIVATION,
	OPT_FLAMEGRAPH,
	OPT_FOLDED,
	OPT_METRICS_ADDR,
	OPT_OTLP,
	OPT_USER,
	OPT_KEEP_PRIVILEGES,
	OPT_SIGN,
	OPT_VERIFY,
	OPT_AUDIT_LOG,
	OPT_AUDIT_REQUIRED,
	OPT_AUDIT_VERIFY,
};

const char *cli_progname = "etrace";
const char *cli_synopsis =
	"etrace [options] FILE|-|-e 'PROGRAM' [ARGS...], etrace -l [PATTERN]";

static const char short_opts[] = ":e:lp:c:f:o:qvd:kB:I:Vh";

static const struct option long_opts[] = {
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "unsafe", no_argument, NULL, OPT_UNSAFE },
	{ "info", no_argument, NULL, OPT_INFO },
	{ "emit-llvm", required_argument, NULL, OPT_EMIT_LLVM },
	{ "emit-elf", required_argument, NULL, OPT_EMIT_ELF },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "compile-only", no_argument, NULL, OPT_COMPILE_ONLY },
	{ "include", required_argument, NULL, OPT_INCLUDE },
	{ "usdt-file-activation", no_argument, NULL,
	  OPT_USDT_FILE_ACTIVATION },
	{ "flamegraph", required_argument, NULL, OPT_FLAMEGRAPH },
	{ "folded", required_argument, NULL, OPT_FOLDED },
	{ "metrics-addr", required_argument, NULL, OPT_METRICS_ADDR },
	{ "otlp", required_argument, NULL, OPT_OTLP },
	{ "user", required_argument, NULL, OPT_USER },
	{ "keep-privileges", no_argument, NULL, OPT_KEEP_PRIVILEGES },
	{ "sign", required_argument, NULL, OPT_SIGN },
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ "audit-log", required_argument, NULL, OPT_AUDIT_LOG },
	{ "audit-required", no_argument, NULL, OPT_AUDIT_REQUIRED },
	{ "audit-verify", required_argument, NULL, OPT_AUDIT_VERIFY },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int fail(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cli->err, sizeof(cli->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int parse_pid(struct cli *cli, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > INT_MAX)
		return fail(cli, "invalid PID '%s' for -p: expected a number > 0",
			    s);
	cli->pid = v;
	return 0;
}

static int parse_format(struct cli *cli, const char *s)
{
	if (!strcmp(s, "text"))
		cli->format = CLI_FMT_TEXT;
	else if (!strcmp(s, "json"))
		cli->format = CLI_FMT_JSON;
	else if (!strcmp(s, "folded"))
		cli->format = CLI_FMT_FOLDED;
	else
		return fail(cli, "invalid output format '%s' for -f: expected "
			    "text, json or folded", s);
	return 0;
}

static int parse_buffering(struct cli *cli, const char *s)
{
	if (!strcmp(s, "line"))
		cli->buffering = CLI_BUF_LINE;
	else if (!strcmp(s, "full"))
		cli->buffering = CLI_BUF_FULL;
	else if (!strcmp(s, "none"))
		cli->buffering = CLI_BUF_NONE;
	else
		return fail(cli, "invalid buffering mode '%s' for -B: expected "
			    "line, full or none", s);
	return 0;
}

static int add_include(struct cli *cli, const char *dir)
{
	if (cli->ninclude_dirs == CLI_MAX_INCLUDES)
		return fail(cli, "too many -I directories (at most %d)",
			    CLI_MAX_INCLUDES);
	cli->include_dirs[cli->ninclude_dirs++] = dir;
	return 0;
}

static int add_include_file(struct cli *cli, const char *file)
{
	if (cli->ninclude_files == CLI_MAX_INCLUDES)
		return fail(cli, "too many --include files (at most %d)",
			    CLI_MAX_INCLUDES);
	cli->include_files[cli->ninclude_files++] = file;
	return 0;
}

/* One option returned by getopt_long; 0 or -EINVAL. */
static int parse_opt(struct cli *cli, int c, const char *arg, int optopt_c,
		     const char *bad)
{
	switch (c) {
	case 'e':
		if (cli->prog)
			return fail(cli, "-e given more than once");
		cli->prog = arg;
		return 0;
	case 'l': cli->action = CLI_LIST; return 0;
	case 'p': return parse_pid(cli, arg);
	case 'c': cli->cmd = arg; return 0;
	case 'f': return parse_format(cli, arg);
	case 'o': cli->output = arg; return 0;
	case 'q': cli->quiet = true; return 0;
	case 'v': cli->verbose++; return 0;
	case 'd': cli->dump_stage = arg; return 0;
	case 'k': cli->helper_checks++; return 0;
	case 'B': return parse_buffering(cli, arg);
	case 'I': return add_include(cli, arg);
	case 'V': cli->action = CLI_VERSION; return 0;
	case 'h': cli->action = CLI_HELP; return 0;
	case OPT_DRY_RUN: cli->dry_run = true; return 0;
	case OPT_UNSAFE: cli->unsafe = true; return 0;
	case OPT_USDT_FILE_ACTIVATION:
		cli->usdt_file_activation = true;
		return 0;
	case OPT_INFO: cli->action = CLI_INFO; return 0;
	case OPT_EMIT_LLVM: cli->emit_llvm = arg; return 0;
	case OPT_EMIT_ELF: cli->emit_elf = arg; return 0;
	case OPT_NO_CACHE: cli->no_cache = true; return 0;
	case OPT_COMPILE_ONLY: cli->compile_only = true; return 0;
	case OPT_INCLUDE: return add_include_file(cli, arg);
	case OPT_FLAMEGRAPH: cli->flamegraph = arg; return 0;
	case OPT_FOLDED: cli->folded = arg; return 0;
	case OPT_METRICS_ADDR: cli->metrics_addr = arg; return 0;
	case OPT_OTLP: cli->otlp = arg; return 0;
	case OPT_USER: cli->user = arg; return 0;
	case OPT_KEEP_PRIVILEGES: cli->keep_privileges = true; return 0;
	case OPT_SIGN: cli->sign_key = arg; return 0;
	case OPT_VERIFY: cli->verify_key = arg; return 0;
	case OPT_AUDIT_LOG: cli->audit_log = arg; return 0;
	case OPT_AUDIT_REQUIRED: cli->audit_required = true; return 0;
	case OPT_AUDIT_VERIFY:
		cli->action = CLI_AUDIT_VERIFY;
		cli->audit_verify = arg;
		return 0;
	/* getopt's own words, as bpftrace 0.17 prints them; a long
	 * option's optopt is its value (>= 256), not a letter */
	case ':':
		if (optopt_c > 0 && optopt_c < 256)
			return fail(cli, "option requires an argument -- '%c'",
				    optopt_c);
		return fail(cli, "option '%s' requires an argument", bad);
	default:
		if (optopt_c > 0 && optopt_c < 256)
			return fail(cli, "invalid option -- '%c'", optopt_c);
		return fail(cli, "unrecognized option '%s'", bad);
	}
}

/* The operands after the options: the pattern of -l, or the script and
 * its positional parameters. */
static int parse_operands(struct cli *cli, int n, char *const *rest)
{
	if (cli->action == CLI_LIST) {
		if (cli->prog)
			return fail(cli, "-l and -e cannot be used together");
		if (n > 1)
			return fail(cli, "-l takes at most one pattern");
		cli->list_pattern = n ? rest[0] : NULL;
		return 0;
	}
	if (cli->action == CLI_INFO) {
		if (n > 1)
			return fail(cli, "--info takes at most one file");
		cli->info_file = n ? rest[0] : NULL;
		return 0;
	}
	if (cli->action == CLI_AUDIT_VERIFY && n)
		return fail(cli, "--audit-verify takes one file");
	if (cli->action != CLI_RUN)
		return 0;
	if (!cli->prog) {
		if (!n)
			return fail(cli, "no program given: use -e PROG, a "
				    "FILE, '-' or a recipe name");
		cli->script = rest[0];
		rest++;
		n--;
	}
	cli->params = (const char *const *)rest;
	cli->nparams = n;
	return 0;
}

static int check_combination(struct cli *cli)
{
	if (cli->action != CLI_RUN)
		return 0;
	if (cli->pid && cli->cmd)
		return fail(cli, "-p and -c cannot be used together");
	if (cli->compile_only && !cli->output)
		return fail(cli, "--compile-only needs -o FILE: where to write "
			    "the compiled program");
	if (cli->compile_only && (cli->dry_run || cli->dump_stage))
		return fail(cli, "--compile-only cannot be used with %s",
			    cli->dry_run ? "--dry-run" : "-d");
	if (cli->sign_key && !cli->compile_only)
		return fail(cli, "--sign needs --compile-only: it signs the "
			    "artifact written to -o FILE");
	if (cli->verify_key && (cli->compile_only || cli->prog))
		return fail(cli, "--verify checks a compiled program's "
			    "signature before running it: it cannot be used "
			    "with %s", cli->prog ? "-e" : "--compile-only");
	return 0;
}

int cli_parse(struct cli *cli, int argc, char *const argv[])
{
	int c, err;

	memset(cli, 0, sizeof(*cli));
	optind = 0; /* GNU: reinitialise (cli_parse may run more than once) */
	opterr = 0;
	for (;;) {
		c = getopt_long(argc, argv, short_opts, long_opts, NULL);
		if (c == -1)
			break;
		err = parse_opt(cli, c, optarg, optopt,
				optind > 0 ? argv[optind - 1] : "");
		if (err)
			return err;
	}
	err = parse_operands(cli, argc - optind, argv + optind);
	if (err)
		return err;
	return check_combination(cli);
}

char **cli_split_cmd(const char *cmd)
{
	size_t len = strlen(cmd), nwords = 0, i;
	char **argv, *text;
	int n = 0;

	for (i = 0; i < len; i++)
		nwords += cmd[i] != ' ' && (i == 0 || cmd[i - 1] == ' ');
	if (!nwords) {
		errno = EINVAL;
		return NULL;
	}
	argv = malloc((nwords + 1) * sizeof(*argv) + len + 1);
	if (!argv)
		return NULL;
	text = memcpy((char *)(argv + nwords + 1), cmd, len + 1);
	for (i = 0; i < len; i++) {
		if (text[i] == ' ')
			text[i] = '\0';
		else if (i == 0 || text[i - 1] == '\0')
			argv[n++] = text + i;
	}
	argv[n] = NULL;
	return argv;
}

static const char usage_text[] =
	"USAGE:\n"
	"    etrace [options] FILE [ARGS...]\n"
	"    etrace [options] - [ARGS...]      (program on stdin)\n"
	"    etrace [options] -e 'PROGRAM' [ARGS...]\n"
	"    etrace [options] RECIPE [ARGS...] (a shipped stdlib recipe)\n"
	"    etrace [options] PROG.eto [ARGS...] (a compiled program)\n"
	"    etrace --compile-only -o PROG.eto FILE|-e 'PROGRAM' [ARGS...]\n"
	"    etrace -l [PATTERN]\n"
	"\n"
	"Options:\n"
	"  -e PROGRAM     the program text\n"
	"  -l [PATTERN]   list probes (and recipes) matching PATTERN;\n"
	"                 'runtime:*': running Python, Java, Node.js processes\n"
	"  -p PID         trace process PID (uprobes, USDT)\n"
	"  -c 'CMD'       run CMD and trace it\n"
	"  -f FORMAT      output format: text (default), json, or folded\n"
	"                 (maps keyed by stacks as folded stacks, one line\n"
	"                 each: what flamegraph.pl, inferno, speedscope read)\n"
	"  --flamegraph FILE\n"
	"                 at exit, also write an SVG flame graph of the maps\n"
	"                 keyed by stacks (kstack, ustack) to FILE\n"
	"  --folded FILE  at exit, also write their folded stacks to FILE\n"
	"  --metrics-addr [HOST]:PORT\n"
	"                 serve the maps and etrace's health as Prometheus\n"
	"                 metrics at http://HOST:PORT/metrics (e.g. :9469)\n"
	"  --otlp URL     send completed spans and the maps (as metrics) to\n"
	"                 an OpenTelemetry collector over OTLP/HTTP:\n"
	"                 URL/v1/traces, URL/v1/metrics (e.g.\n"
	"                 http://localhost:4318); config otlp_* keys,\n"
	"                 OTEL_EXPORTER_OTLP_* (flag > config > env)\n"
	"  -o FILE        write the output to FILE\n"
	"  -B MODE        output buffering: line, full or none\n"
	"  -I DIR         add DIR to the #include and import paths\n"
	"  --include FILE #include FILE before the program's C preamble\n"
	"  -d STAGE       print the program after compiler stage STAGE and\n"
	"                 exit (ast, imports, macros, preamble, probes,\n"
	"                 resolve, types, mapdecl, check, ir: the optimised\n"
	"                 LLVM IR)\n"
	"  --emit-llvm FILE  also write the LLVM IR to FILE\n"
	"  --emit-elf FILE   also write the BPF object to FILE (with its\n"
	"                    .etrace section: the artifact)\n"
	"  --dry-run      parse, check and compile; load nothing\n"
	"  --compile-only write the compiled program (an artifact) to the\n"
	"                 -o FILE instead of running it; etrace or\n"
	"                 etrace-run (no compiler in it) runs it later,\n"
	"                 on any kernel its BTF relocations fit\n"
	"  --no-cache     compile the BPF object even when the cache has it\n"
	"  --unsafe       allow unsafe functions (system, signal)\n"
	"  --usdt-file-activation\n"
	"                 attach USDT probes in every process that maps their\n"
	"                 file, even with -p or -c (their semaphores raised\n"
	"                 there; -p still keeps only its process's events)\n"
	"  -k             warn when a BPF helper fails (map update/delete,\n"
	"                 stack, comm, signal); -kk: reads (probe_read) too\n"
	"  --sign KEY.pem with --compile-only: sign the artifact (Ed25519)\n"
	"  --verify PUB.pem\n"
	"                 run PROG.eto only when PUB.pem's key signed it\n"
	"  --user NAME    after the attach, run as NAME (default nobody, when\n"
	"                 started as root) with no capabilities, seccomp on\n"
	"  --keep-privileges\n"
	"                 keep root (or the capabilities) for the whole run\n"
	"  --audit-log FILE\n"
	"                 append the audit records to FILE (default as root:\n"
	"                 /var/log/etrace/audit.jsonl; none: off)\n"
	"  --audit-required\n"
	"                 refuse to run when the audit log cannot be written\n"
	"  --audit-verify FILE\n"
	"                 check an audit log's hash chain and exit\n"
	"  -q             quiet: fewer messages\n"
	"  -v             verbose messages\n"
	"  --info [FILE]  report the kernel features etrace can use; with\n"
	"                 FILE, what etrace knows of that binary: its\n"
	"                 symbol sources, source lines, and for a Go\n"
	"                 binary its Go version, main package and module\n"
	"  -V, --version  print the version and the build's features\n"
	"  -h, --help     print this help\n"
	"\n"
	"ARGS are the positional parameters $1..$N ($# is their number).\n"
	"When the program calls getopt(), the ARGS after \"--\" that begin\n"
	"with \"--\" are its named options: --NAME=VALUE, or --NAME for a\n"
	"boolean; \"-- --help\" lists them. etrace-run takes them too.\n"
	"\n"
	"Environment:\n"
	"  BPFTRACE_KEY, ETRACE_KEY\n"
	"                  the settings of config = { KEY = ... } (they come "
	"first):\n"
	"                  strlen (64), max_map_keys (4096), max_probes "
	"(512),\n"
	"                  max_bpf_progs (512), cat_bytes_max (10240), "
	"log_size,\n"
	"                  perf_rb_pages (64), stack_mode, ustack_unwind "
	"(cfi, fp),\n"
	"                  no_cpp_demangle, no_user_symbols, "
	"cache_user_symbols,\n"
	"                  stack_lines, missing_probes, print_maps_on_exit,\n"
	"                  license, unstable_*, block_scoping, "
	"signed_subtraction,\n"
	"                  otlp_endpoint, otlp_protocol, otlp_interval, "
	"otlp_queue,\n"
	"                  otlp_headers, service_name, redact (email,card,ssn,\n"
	"                  ipv4,jwt,secret,sql);\n"
	"                  see etrace(1)\n"
	"  OTEL_EXPORTER_OTLP_ENDPOINT, _TRACES_ENDPOINT, _METRICS_ENDPOINT,\n"
	"  OTEL_EXPORTER_OTLP_HEADERS, _PROTOCOL, OTEL_SERVICE_NAME,\n"
	"  OTEL_RESOURCE_ATTRIBUTES\n"
	"                  OpenTelemetry export (etrace(1), OPENTELEMETRY)\n"
	"  ETRACE_BTF      kernel BTF file (default /sys/kernel/btf/vmlinux;\n"
	"                  empty: no kernel types)\n"
	"  ETRACE_TRACEFS  tracefs directory (default: detected, mounted if "
	"needed)\n"
	"  ETRACE_KALLSYMS kernel function list (empty: no kernel symbol "
	"checks)\n"
	"  ETRACE_DEBUG_ROOT\n"
	"                  directories (colon-separated) of separate debug "
	"files\n"
	"                  (default /usr/lib/debug): .build-id/xx/yyyy.debug, "
	"DIR/LINK\n"
	"  DEBUGINFOD_URLS debuginfod servers asked for a stripped binary's "
	"symbols\n"
	"                  when no local source has them\n"
	"  ETRACE_CACHE_DIR\n"
	"                  cache of compiled BPF objects and unwind tables "
	"(default:\n"
	"                  /var/cache/etrace"
	" for root, else ~/.cache/etrace;\n"
	"                  empty: no cache)\n"
	"\n"
	"Examples:\n"
	"  etrace -l 'tracepoint:syscalls:*open*'\n"
	"  etrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'\n"
	"  etrace --dry-run examples/latency.et\n"
	"  etrace --compile-only -o opensnoop.eto opensnoop && "
	"etrace-run opensnoop.eto\n"
	"  etrace opensnoop\n"
	"  etrace profile -- --duration=10   (writes etrace-profile.svg)\n";

void cli_usage(FILE *out)
{
	fputs(usage_text, out);
}

int cli_usage_error(const char *msg)
{
	fprintf(stderr, "%s: %s\nUSAGE: %s\nTry '%s --help' for more "
		"information.\n", cli_progname, msg, cli_synopsis,
		cli_progname);
	return 2;
}
