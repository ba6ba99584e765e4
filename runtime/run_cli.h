/* Running a compiled artifact as the command line asks: the part of the
 * command line the runtime serves (-o, -B, -f, -p, -c, -q, -v, --unsafe
 * and the positional parameters), shared by etrace (after compiling, or
 * `etrace prog.eto`) and etrace-run. */
#ifndef ETRACE_RUN_CLI_H
#define ETRACE_RUN_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "run.h"

/* stdout or -o FILE, with -B's buffering, as an outstream (outstream.h:
 * its first write error is kept); NULL after a message. */
FILE *run_cli_open_output(const struct cli *cli);
/* Closes what run_cli_open_output opened; a write error no one reported
 * yet (the run reports those it sees) gets a message, and makes an exit
 * status rc of 0 into 1. A closed pipe is no error. Returns the status. */
int run_cli_close_output(FILE *f, int rc);

/* -p PID names a process; 0, or 1 after a message. */
int run_cli_check_pid(const struct cli *cli);

/* The run options of the command line, output to out. */
void run_cli_opts(const struct cli *cli, FILE *out, struct run_opts *ro);

/* Reads the artifact art (len bytes) and runs it. out: where the output
 * goes (NULL: run_cli_open_output, closed at the end). fresh: compiled
 * in this process (its positional parameters are the command line's,
 * its tracepoint layouts this kernel's). Returns the exit status. */
int run_cli_artifact(const struct cli *cli, const void *art, size_t len,
		     bool fresh, FILE *out);

/* The length of the artifact art without its signature trailer
 * (sign.h), checked against --verify's public key when given: 0, or 1
 * after one sentence naming name. */
int run_cli_body(const struct cli *cli, const char *name, const void *art,
		 size_t len, size_t *body_len);

/* The same for the artifact in the file path. */
int run_cli_file(const struct cli *cli, const char *path);

#endif
