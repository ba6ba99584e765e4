/* Internal to the builtin and function tables (builtins.c, funcs_*.c):
 * the family tables and the argument checks they share. Messages follow
 * bpftrace 0.17's wording. */
#ifndef ETRACE_FUNCS_H
#define ETRACE_FUNCS_H

#include <stdbool.h>
#include <stdint.h>

#include "builtins.h"

/* One table per family, each ending with a row whose name is NULL. */
extern const struct func funcs_print[];
extern const struct func funcs_map[];
extern const struct func funcs_str[];
extern const struct func funcs_stack[];
extern const struct func funcs_misc[];
extern const struct func funcs_proto[];
extern const struct func funcs_span[]; /* span.* (funcs_span.c) */
extern const struct func funcs_redact[]; /* redact (funcs_redact.c) */
extern const struct func funcs_load[]; /* sample rate_limit (funcs_load.c) */

/* The modes of pid()/tid() and of nsecs(), NULL-terminated: the back
 * end generates by their index. */
extern const char *const funcs_ns_modes[];
extern const char *const funcs_clock_modes[];

/* is_array(e), is_ptr(e)...: the answer from e's type (funcs_misc.c). */
bool funcs_type_test(const struct node *call);

/* The rate limit a probe's rate_limit(N) statement sets, or 0
 * (funcs_load.c). */
uint32_t funcs_probe_rate_limit(const struct node *probe);

/* The i-th (0-based) argument of a call, or NULL. */
struct node *fn_arg(const struct node *call, int i);

/* bpftrace's name of a type's kind in messages: "integer", "string",
 * "buffer", "tuple", "pointer", "none", "count"... */
const char *fn_kind_name(const struct type *t);

/* A constant integer: an N_INT, or '-' applied to one. */
bool fn_const_int(const struct node *n, int64_t *v);

/* Argument i must be a string literal: "f() expects a string literal
 * (integer provided)". Sets *s (and *len when not NULL). */
bool fn_str_literal(struct compile_ctx *ctx, const struct node *call, int i,
		    const char **s, uint32_t *len);
/* Argument i must be an integer literal. */
bool fn_int_literal(struct compile_ctx *ctx, const struct node *call, int i,
		    int64_t *v);
/* Argument i must be an integer: "f() only supports integer arguments
 * (string provided)". */
bool fn_int_arg(struct compile_ctx *ctx, const struct node *call, int i);
/* Argument i must be an integer or a pointer. */
bool fn_int_or_ptr_arg(struct compile_ctx *ctx, const struct node *call,
		       int i);
/* Every argument has a type (pass_types reported the others). */
bool fn_args_typed(const struct node *call);

/* Flags every attach point of the probe shares (probe_flags), and the
 * kind of the first attach point lacking one of need (PK_COUNT when all
 * have them), for "can not be used with 'tracepoint' probes". */
bool fn_probe_has(const struct node *probe, unsigned need);
const char *fn_probe_kind_lacking(const struct node *probe, unsigned need);
/* "'kprobe', 'uprobe' and 'usdt'": the probe kinds whose providers have
 * flag, for "can only be used with ..." messages. */
const char *fn_kinds_with(struct compile_ctx *ctx, unsigned flag);
/* The kind of the first attach point having flag, or NULL. */
const char *fn_probe_kind_with(const struct node *probe, unsigned flag);

/* printf-style check shared by printf, system, cat and debugf: the first
 * argument a string literal format, the rest matching it. */
struct type *fn_check_format(struct compile_ctx *ctx, struct node *call,
			     struct node *probe);

#endif
