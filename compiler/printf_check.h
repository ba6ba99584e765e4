/* printf-style formats checked against a call's arguments: the compiler's
 * half of runtime/printf_fmt.h. */
#ifndef ETRACE_PRINTF_CHECK_H
#define ETRACE_PRINTF_CHECK_H

#include <stdbool.h>

#include "compile.h"
#include "printf_fmt.h"

/* Which class a value of type t can be printed as; false for none
 * (tuples, records, aggregations). Pointers print as integers; symbols,
 * stacks, addresses, usernames... as strings. */
bool printf_fmt_class_of(const struct type *t, enum fmt_class *cls);

/* Checks the arguments (a list of typed expressions) against f, reporting
 * "fn: Too many arguments for format string (2 supplied, 1 expected)" at
 * call_loc or "fn: %d specifier expects a value of type integer (string
 * supplied)" at the argument. Returns true when they match. */
bool printf_fmt_check(struct compile_ctx *ctx, const char *fn,
		      const struct fmt *f, struct node *args,
		      struct loc call_loc);

#endif
