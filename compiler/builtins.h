/* Builtin variables and functions as tables: name, signature, type rule.
 * One row each, grouped by family in compiler/funcs_<family>.c; the back
 * end adds a codegen hook per row. */
#ifndef ETRACE_BUILTINS_H
#define ETRACE_BUILTINS_H

#include "compile.h"

enum builtin_id {
	B_PID, B_TID, B_UID, B_GID, B_COMM, B_NSECS, B_ELAPSED, B_CPU,
	B_CGROUP, B_FUNC, B_PROBE, B_ARGS, B_RETVAL, B_ARG, B_SARG, B_KSTACK,
	B_USTACK, B_CURTASK, B_RAND, B_USERNAME, B_CPID, B_CTX, B_JIFFIES,
	B_NUMAID,
	B_COUNT_
};

struct builtin {
	const char *name;        /* "pid"; "arg" and "sarg" match argN/sargN */
	enum builtin_id id;
	/* Type of the value in this probe, or NULL after reporting why it
	 * is not available there (e.g. retval in a tracepoint). */
	struct type *(*type)(struct compile_ctx *ctx, struct node *ident,
			     struct node *probe);
};

enum func_flags {
	FN_UNSAFE = 1 << 0,     /* needs --unsafe */
	FN_AGG = 1 << 1,        /* aggregation: only as @m[k] = f(...) */
	FN_STMT = 1 << 2,       /* returns nothing: only as a statement */
	FN_ASYNC = 1 << 3,      /* emits a ring buffer record */
	FN_MAP_ARG = 1 << 4,    /* first argument is a map (print, clear...) */
	/* The first argument may be a bare mode identifier (kstack(perf)):
	 * pass_resolve leaves it an N_IDENT without builtin, untyped. */
	FN_MODE_ARG = 1 << 5,
};

struct func {
	const char *name;
	int min_args, max_args;  /* max -1: variadic */
	unsigned flags;          /* enum func_flags */
	/* Checks arguments (already typed) and returns the call's type, or
	 * NULL after reporting an error. */
	struct type *(*check)(struct compile_ctx *ctx, struct node *call,
			      struct node *probe);
};

const struct builtin *builtin_find(const char *name);
const struct func *func_find(const char *name);

#endif
