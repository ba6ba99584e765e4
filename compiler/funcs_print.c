/* Output functions: printf, system, cat, debugf (format checked by
 * printf_fmt), print, time, join, exit. All are statements; most emit a
 * ring buffer record. */
#include "funcs.h"

#include <stdint.h>

/* printf / system / cat / debugf: see fn_check_format. */
static struct type *check_format(struct compile_ctx *ctx, struct node *call,
				 struct node *probe)
{
	return fn_check_format(ctx, call, probe);
}

static struct type *check_debugf(struct compile_ctx *ctx, struct node *call,
				 struct node *probe)
{
	struct type *t = fn_check_format(ctx, call, probe);

	if (t)
		diag_warning(&ctx->diags, call->loc,
			     "The debugf() builtin is not recommended for production use: it writes to the kernel's trace_pipe (bpf_trace_printk)");
	return t;
}

/* print(@m [, top [, div]]) or print(value). */
static struct type *check_print(struct compile_ctx *ctx, struct node *call,
				struct node *probe)
{
	struct node *m = fn_arg(call, 0);

	if (m->kind != N_MAP || m->u.map.keys) {
		if (call->u.call.nargs > 1) {
			diag_error(&ctx->diags, call->loc,
				   "Non-map print() only takes 1 argument, %d found",
				   call->u.call.nargs);
			return NULL;
		}
		if (!m->type)
			return NULL;
		if (m->type->kind == T_NONE) {
			diag_error(&ctx->diags, m->loc,
				   "print() has nothing to print: the argument has no value");
			return NULL;
		}
		return type_none();
	}
	for (int i = 1; i < call->u.call.nargs; i++)
		if (!fn_int_arg(ctx, call, i))
			return NULL;
	return type_none();
}

/* time([fmt]): strftime(3) format, default "%H:%M:%S\n". */
static struct type *check_time(struct compile_ctx *ctx, struct node *call,
			       struct node *probe)
{
	const char *s;

	if (call->u.call.nargs == 1 && !fn_str_literal(ctx, call, 0, &s, NULL))
		return NULL;
	return type_none();
}

/* join(char *argv[] [, delim]): an array of string pointers. */
static struct type *check_join(struct compile_ctx *ctx, struct node *call,
			       struct node *probe)
{
	struct node *a = fn_arg(call, 0);
	const char *s;

	if (!a->type)
		return NULL;
	if (a->type->kind != T_INT && a->type->kind != T_PTR) {
		diag_error(&ctx->diags, a->loc,
			   "join() only supports int or pointer arguments (%s provided)",
			   fn_kind_name(a->type));
		return NULL;
	}
	if (call->u.call.nargs == 2 && !fn_str_literal(ctx, call, 1, &s, NULL))
		return NULL;
	return type_none();
}

/* exit([code]): bpftrace 0.17 takes none; the code is the newer form. */
static struct type *check_exit(struct compile_ctx *ctx, struct node *call,
			       struct node *probe)
{
	int64_t v;

	if (call->u.call.nargs == 0)
		return type_none();
	if (!fn_int_arg(ctx, call, 0))
		return NULL;
	if (fn_const_int(fn_arg(call, 0), &v) && (v < 0 || v > 255)) {
		diag_error(&ctx->diags, fn_arg(call, 0)->loc,
			   "exit() code must be between 0 and 255 (%lld provided)",
			   (long long)v);
		return NULL;
	}
	return type_none();
}

const struct func funcs_print[] = {
	{ "printf", 1, -1, FN_STMT | FN_ASYNC, check_format, FG_PRINTF },
	{ "system", 1, -1, FN_STMT | FN_ASYNC | FN_UNSAFE,
	  check_format, FG_SYSTEM },
	{ "cat", 1, -1, FN_STMT | FN_ASYNC, check_format, FG_CAT },
	{ "debugf", 1, -1, FN_STMT, check_debugf, FG_DEBUGF },
	{ "print", 1, 3, FN_STMT | FN_ASYNC | FN_MAP_ARG,
	  check_print, FG_PRINT },
	{ "time", 0, 1, FN_STMT | FN_ASYNC, check_time, FG_TIME },
	{ "join", 1, 2, FN_STMT | FN_ASYNC, check_join, FG_JOIN },
	{ "exit", 0, 1, FN_STMT | FN_ASYNC, check_exit, FG_EXIT },
	{ "errorf", 1, -1, FN_STMT | FN_ASYNC, check_format, FG_ERRORF },
	{ "warnf", 1, -1, FN_STMT | FN_ASYNC, check_format, FG_ERRORF },
	{ NULL },
};
