/* Builtin variables and functions as tables: one row each (builtins.c;
 * functions grouped by family in compiler/funcs_<family>.c) with name,
 * signature, type rule, and the key of its code generator.
 *
 * Code generation needs LLVM, which only compiler/codegen may see (the
 * wall), so a row cannot point at it: it names it. A builtin's id keys
 * the back end's table of builtin generators (compiler/codegen/
 * cg_builtin.c); a function's gen is one of the generators listed in
 * compiler/funcs.def, which the back end defines and keys by that list
 * (compiler/codegen/cg_call.c). The back end dispatches through the row,
 * never by name; tests/unit/test_rows.c compiles every row. */
#ifndef ETRACE_BUILTINS_H
#define ETRACE_BUILTINS_H

#include "compile.h"

enum builtin_id {
	B_PID, B_TID, B_UID, B_GID, B_COMM, B_NSECS, B_ELAPSED, B_CPU,
	B_CGROUP, B_FUNC, B_PROBE, B_ARGS, B_RETVAL, B_ARG, B_SARG, B_KSTACK,
	B_USTACK, B_CURTASK, B_RAND, B_USERNAME, B_CPID, B_CTX, B_JIFFIES,
	B_NUMAID, B_HAS_CPID, B_NCPUS, B_PROBETYPE, B_USERMODE, B_GOID,
	B_PYFUNC, B_PYFILE, B_PYLINE, /* rt_frames.h ET_PY_TOP_* order */
	B_CONTAINER, /* container, container_name, pod, pod_namespace, pod_uid */
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
	/* Reads memory whose pages may not be there yet (str, buf): in a
	 * PF_SLEEPABLE probe the program is made sleepable to fault them
	 * in (compiler/probe.h). */
	FN_SLEEPABLE = 1 << 6,
};

/* A function's code generator (funcs.def). FG_NONE: none, the row's
 * check refuses every use (a function etrace knows but cannot do). */
enum func_gen {
	FG_NONE,
#define FUNC_GEN(id) FG_##id,
#include "funcs.def"
#undef FUNC_GEN
	FG_COUNT
};

struct func {
	const char *name;
	int min_args, max_args;  /* max -1: variadic */
	unsigned flags;          /* enum func_flags */
	/* Checks arguments (already typed) and returns the call's type, or
	 * NULL after reporting an error. */
	struct type *(*check)(struct compile_ctx *ctx, struct node *call,
			      struct node *probe);
	enum func_gen gen;
};

const struct builtin *builtin_find(const char *name);
const struct func *func_find(const char *name);

/* The i-th row (0...) of the builtin and function tables, NULL past the
 * last: for tests that go over every row. */
const struct builtin *builtin_at(int i);
const struct func *func_at(int i);

#endif
