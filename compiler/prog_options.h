/* getopt(): named program options (compiler/prog_options.c). */
#ifndef ETRACE_PROG_OPTIONS_H
#define ETRACE_PROG_OPTIONS_H

#include "compile.h"

/* When the parsed program calls getopt, the words after the script that
 * begin with "--" are its named options, not positional parameters:
 * drops them from ctx->opts.params. A program without getopt keeps
 * bpftrace 0.17's reading (every word a positional parameter). */
void getopt_split_params(struct compile_ctx *ctx);

/* The function row's check: records the option in ctx->options and
 * returns its type (bool: uint8, uint64, int64 or string). */
struct type *getopt_check(struct compile_ctx *ctx, struct node *call,
			  struct node *probe);

/* The index of option name in ctx->options (its .rodata variable
 * ET_OPTION_VAR<index>), or -1. */
int getopt_index(const struct compile_ctx *ctx, const char *name);

#endif
