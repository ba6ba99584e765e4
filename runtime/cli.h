/* Command-line parsing for etrace and etrace-run (SPEC §2). Pure: reads
 * argv, fills a struct cli, reports usage errors as text; knows nothing of
 * the compiler, so it is unit-tested on its own (tests/unit/test_cli.c).
 * etrace-run refuses what needs the compiler (runtime/main_run.c). */
#ifndef ETRACE_CLI_H
#define ETRACE_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum cli_action {
	CLI_RUN,      /* compile (and, with the back end, run) a program */
	CLI_LIST,     /* -l [PATTERN] */
	CLI_INFO,     /* --info */
	CLI_VERSION,  /* -V, --version */
	CLI_HELP,     /* -h, --help */
	CLI_AUDIT_VERIFY, /* --audit-verify FILE */
};

enum cli_format { CLI_FMT_TEXT, CLI_FMT_JSON, CLI_FMT_FOLDED };

/* -B: CLI_BUF_DEFAULT leaves stdio's choice (line on a tty). */
enum cli_buffering {
	CLI_BUF_DEFAULT,
	CLI_BUF_LINE,
	CLI_BUF_FULL,
	CLI_BUF_NONE,
};

#define CLI_MAX_INCLUDES 32

/* All strings point into argv (not owned). */
struct cli {
	enum cli_action action;
	const char *prog;          /* -e PROG, or NULL */
	const char *script;        /* FILE, "-" or a stdlib recipe name */
	const char *list_pattern;  /* -l PATTERN, NULL: everything */
	const char *info_file;     /* --info FILE: a binary, else NULL */
	const char *output;        /* -o FILE */
	const char *dump_stage;    /* -d STAGE (validated by the driver) */
	const char *cmd;           /* -c CMD */
	const char *emit_llvm;     /* --emit-llvm FILE */
	const char *emit_elf;      /* --emit-elf FILE */
	const char *flamegraph;    /* --flamegraph FILE.svg */
	const char *folded;        /* --folded FILE */
	const char *metrics_addr;  /* --metrics-addr [HOST]:PORT */
	/* --max-overhead PCT, in hundredths of a percent (0: none) */
	uint32_t max_overhead;
	const char *otlp;          /* --otlp URL */
	long pid;                  /* -p PID, 0 when not given */
	const char *container;     /* --container ID|NAME */
	const char *cgroup;        /* --cgroup PATH */
	const char *const *params; /* positional parameters $1..$N */
	int nparams;
	const char *include_dirs[CLI_MAX_INCLUDES]; /* -I DIR */
	int ninclude_dirs;
	const char *include_files[CLI_MAX_INCLUDES]; /* --include FILE */
	int ninclude_files;
	enum cli_format format;
	enum cli_buffering buffering;
	bool dry_run;
	bool no_cache;             /* --no-cache: no compiled-object cache */
	bool compile_only;         /* --compile-only: write the artifact to
				      output instead of running it */
	bool unsafe;
	/* --usdt-file-activation: USDT probes in every process that maps
	 * their file, whatever -p or -c */
	bool usdt_file_activation;
	bool quiet;
	/* --user NAME: who a root run becomes after the attach (priv.h);
	 * --keep-privileges: no drop */
	const char *user;
	bool keep_privileges;
	/* --sign KEY.pem (with --compile-only), --verify PUB.pem (sign.h) */
	const char *sign_key;
	const char *verify_key;
	/* --audit-log FILE|none, --audit-required, --audit-verify FILE
	 * (audit.h) */
	const char *audit_log;
	bool audit_required;
	const char *audit_verify;
	int verbose;               /* number of -v */
	int helper_checks;         /* number of -k */
	char err[256];             /* the usage error, when cli_parse fails */
};

/* Parses argv. Returns 0, or -EINVAL with cli->err holding one line
 * (without "etrace: " and without newline) describing the usage error. */
int cli_parse(struct cli *cli, int argc, char *const argv[]);

/* The words of -c CMD as bpftrace 0.17 splits them: at each space, and
 * nothing else; quotes, backslashes, $ and ~ stay in the words as they
 * are (no shell). Runs of spaces separate one word from the next
 * (bpftrace 0.17 makes empty arguments of them). Returns a
 * NULL-terminated vector in one allocation (free() it), or NULL with
 * errno set (ENOMEM; EINVAL when CMD has no word). */
char **cli_split_cmd(const char *cmd);

/* The --help text. */
void cli_usage(FILE *out);

/* The program name in usage errors: "etrace" or "etrace-run"; and the
 * one-line synopsis printed after "USAGE: " below a usage error. */
extern const char *cli_progname;
extern const char *cli_synopsis;

/* Prints "etrace: MSG", the "USAGE: ..." line (bpftrace's word, which
 * scripts look for) and the hint line to stderr; returns 2, the exit
 * status of a usage error. */
int cli_usage_error(const char *msg);

#endif
