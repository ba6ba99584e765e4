/* Named program options: getopt("name", default) values given on the
 * command line after "--" as --name=value (runtime/options.c). */
#ifndef ETRACE_OPTIONS_H
#define ETRACE_OPTIONS_H

#include <stdbool.h>

#include "program.h"

struct loader;

/* Whether the command-line word arg (after the script) is a named option
 * of p rather than a positional parameter: "--..." when p has options.
 * A program without getopt keeps bpftrace 0.17's reading: every word is
 * a positional parameter. */
bool options__is_named(const struct et_program *p, const char *arg);

/* The value of option op given as --name=v (v NULL: --name alone) into
 * out (8 bytes, or op->size for a string). 0, or -EINVAL with *why
 * saying what it expects. */
int options__value(const struct et_option *op, const char *v, void *out,
		   const char **why);

/* Checks the named words args[0..n) ("--name[=value]") against p's
 * options and sets each option's .rodata variable in l's object (before
 * load), from args or its default. With --help, or an unknown name,
 * prints the options p takes. 0, or a negative errno after printing
 * why to stderr. */
int options__set(struct loader *l, const struct et_program *p,
		 const char *const *args, int n);

#endif
