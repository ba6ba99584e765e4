/* run: a compiled program's life (SPEC §2, §7): load it (the verifier's
 * refusal mapped back to the script line), write the global state, attach
 * every probe through the attach table (runtime/attach.h), run BEGIN,
 * start the -c command, then the event loop over the ring buffer, signals
 * and the traced process; at the end detach, run END, drain the ring
 * buffer, print the maps and the lost records. Nothing stays attached
 * after any exit. */
#ifndef ETRACE_RUN_H
#define ETRACE_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include <unistd.h> /* pid_t */

#include "output.h"
#include "program.h"

struct run_opts {
	/* program output: stdout or -o FILE, an outstream (outstream.h)
	 * whose write errors end the run */
	FILE *out;
	bool to_file;              /* -o: the map separators go to stdout */
	enum output_format format; /* -f */
	/* --flamegraph FILE, --folded FILE: written at exit from the maps
	 * keyed by stacks (NULL: config flamegraph / folded, if set) */
	const char *flamegraph;
	const char *folded;
	/* --metrics-addr [HOST]:PORT: the Prometheus endpoint (prom.h);
	 * NULL: config metrics_addr, if set */
	const char *metrics_addr;
	/* --max-overhead: the overhead guard's budget in hundredths of a
	 * percent (0: config max_overhead, if set; loadguard.h) */
	uint32_t max_overhead;
	/* --otlp URL: OpenTelemetry export (otlp.h); NULL: config
	 * otlp_endpoint, if set */
	const char *otlp;
	pid_t pid;                 /* -p PID, 0 when not given */
	const char *container;     /* --container ID|NAME, or NULL */
	const char *cgroup;        /* --cgroup PATH, or NULL */
	const char *cmd;           /* -c CMD, or NULL */
	bool unsafe;               /* --unsafe: system() runs commands */
	bool usdt_file_activation; /* USDT probes in every process */
	bool quiet;                /* -q: no "Attaching N probes..." */
	/* after the attach, root becomes user (NULL: nobody) with no
	 * capabilities, unless keep_privileges (priv.h) */
	const char *user;
	bool keep_privileges;
	/* set when the run was ended by SIGINT or SIGTERM (audit.h) */
	bool *signalled;
	bool flush;                /* flush out after each batch of records */
	int verbose;               /* -v: libbpf's messages, verifier logs */
	/* The program was compiled in this process, against this kernel:
	 * its tracepoint layouts need no check. */
	bool fresh;
	/* The named option words ("--name=value") given after "--" for the
	 * program's getopt options (runtime/options.h). */
	const char *const *named;
	int nnamed;
};

/* Starts what the kernel can do while a program is compiled: opening the
 * perf events of its tracepoints ("cat:name", attach.h), when
 * privileged. */
void run_prepare(const char *const *tracepoints, int n);
/* Undoes run_prepare() when the program will not run. */
void run_unprepare(void);

/* Runs prog (read from an artifact, artifact.h) until exit(),
 * SIGINT/SIGTERM, or the end of the -c command or the -p process.
 * Messages go to stderr (at their place in the program's source).
 * Returns the exit status: 0, exit(code)'s code, or 1 when the program
 * could not be loaded, attached or run. */
int run_program(const struct et_program *prog, const struct run_opts *opts);

#endif
