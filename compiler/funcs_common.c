/* Argument checks shared by the function tables (funcs.h): literal and
 * type requirements with bpftrace 0.17's messages, probe flag queries,
 * and the printf-style format check. */
#include "funcs.h"

#include "printf_check.h"
#include "probe.h"

struct node *fn_arg(const struct node *call, int i)
{
	struct node *a = call->u.call.args;

	while (a && i-- > 0)
		a = a->next;
	return a;
}

const char *fn_kind_name(const struct type *t)
{
	static const char *const names[T_KIND_COUNT] = {
		[T_NONE] = "none", [T_INT] = "integer", [T_STRING] = "string",
		[T_BUF] = "buffer", [T_PTR] = "pointer", [T_RECORD] = "record",
		[T_ARRAY] = "array", [T_TUPLE] = "tuple", [T_KSYM] = "ksym",
		[T_USYM] = "usym", [T_INET] = "inet",
		[T_USERNAME] = "username", [T_TIMESTAMP] = "timestamp",
		[T_CGROUP_PATH] = "cgroup_path", [T_MACADDR] = "mac_address",
		[T_STRERROR] = "strerror",
	[T_SIGNAL_NAME] = "signal_name", [T_SYSCALL_NAME] = "syscall_name", [T_ENUM_VAL] = "enum",
		[T_CONTAINER] = "container", [T_CONTAINER_NAME] = "container_name",
		[T_POD] = "pod", [T_POD_NS] = "pod_namespace", [T_POD_UID] = "pod_uid",
		[T_COUNT] = "count", [T_SUM] = "sum", [T_MIN] = "min",
		[T_MAX] = "max", [T_AVG] = "avg", [T_STATS] = "stats",
		[T_HIST] = "hist", [T_LHIST] = "lhist", [T_TSERIES] = "tseries",
	};

	if (!t)
		return "none";
	if (t->kind == T_STACK)
		return t->kernel ? "kstack" : "ustack";
	if (type_is_named_tuple(t))
		return "record";
	if ((unsigned)t->kind < T_KIND_COUNT && names[t->kind])
		return names[t->kind];
	return "none";
}

bool fn_const_int(const struct node *n, int64_t *v)
{
	if (!n)
		return false;
	if (n->kind == N_INT) {
		*v = (int64_t)n->u.integer.value;
		return true;
	}
	if (n->kind == N_UNOP && n->u.unop.op == OP_NEG &&
	    n->u.unop.expr->kind == N_INT) {
		*v = -(int64_t)n->u.unop.expr->u.integer.value;
		return true;
	}
	return false;
}

/* An argument pass_types could not type: it has reported why, so the
 * function's check stays quiet about it. */
static bool untyped(const struct node *a)
{
	return a && !a->type && a->kind != N_INT && a->kind != N_STRING &&
	       a->kind != N_UNOP;
}

/* What was given where a literal was required: "integer variable",
 * "string expression". */
static const char *nonliteral_kind(struct compile_ctx *ctx,
				   const struct node *a)
{
	if (!a)
		return "none";
	if (a->kind == N_STRING)
		return "string";
	if (a->kind == N_INT)
		return "integer";
	return arena_printf(ctx->arena, "%s %s", fn_kind_name(a->type),
			    a->kind == N_VAR ? "variable" :
			    a->kind == N_MAP ? "map value" : "expression");
}

static const char *arg_kind(const struct node *a)
{
	if (a && a->kind == N_STRING)
		return "string";
	if (a && a->kind == N_INT)
		return "integer";
	return fn_kind_name(a ? a->type : NULL);
}

bool fn_str_literal(struct compile_ctx *ctx, const struct node *call, int i,
		    const char **s, uint32_t *len)
{
	struct node *a = fn_arg(call, i);

	if (a && a->kind == N_STRING) {
		*s = a->u.string.str;
		if (len)
			*len = a->u.string.len;
		return true;
	}
	if (untyped(a))
		return false;
	diag_error(&ctx->diags, a ? a->loc : call->loc,
		   "%s() expects a string literal (%s provided)",
		   call->u.call.name, nonliteral_kind(ctx, a));
	return false;
}

bool fn_int_literal(struct compile_ctx *ctx, const struct node *call, int i,
		    int64_t *v)
{
	struct node *a = fn_arg(call, i);

	if (fn_const_int(a, v))
		return true;
	if (untyped(a))
		return false;
	diag_error(&ctx->diags, a ? a->loc : call->loc,
		   "%s() expects an integer literal (%s provided)",
		   call->u.call.name, nonliteral_kind(ctx, a));
	return false;
}

bool fn_int_arg(struct compile_ctx *ctx, const struct node *call, int i)
{
	struct node *a = fn_arg(call, i);

	if (a && a->type && a->type->kind == T_INT)
		return true;
	if (untyped(a))
		return false;
	diag_error(&ctx->diags, a ? a->loc : call->loc,
		   "%s() only supports integer arguments (%s provided)",
		   call->u.call.name, arg_kind(a));
	return false;
}

bool fn_int_or_ptr_arg(struct compile_ctx *ctx, const struct node *call,
		       int i)
{
	struct node *a = fn_arg(call, i);

	if (a && a->type &&
	    (a->type->kind == T_INT || a->type->kind == T_PTR))
		return true;
	if (untyped(a))
		return false;
	diag_error(&ctx->diags, a ? a->loc : call->loc,
		   "%s() only supports integer or pointer arguments (%s provided)",
		   call->u.call.name, arg_kind(a));
	return false;
}

bool fn_args_typed(const struct node *call)
{
	for (struct node *a = call->u.call.args; a; a = a->next)
		if (!a->type)
			return false;
	return true;
}

static unsigned ap_flags(const struct node *attach)
{
	const struct attach_point *ap = attach->u.attach.ap;
	const struct probe_provider *p = ap ? probe_provider(ap->kind) : NULL;

	return p ? p->flags : 0;
}

bool fn_probe_has(const struct node *probe, unsigned need)
{
	return probe && (probe_flags(probe) & need) == need;
}

const char *fn_probe_kind_lacking(const struct node *probe, unsigned need)
{
	if (!probe)
		return "?";
	for (struct node *a = probe->u.probe.attach; a; a = a->next) {
		if ((ap_flags(a) & need) != need && a->u.attach.ap)
			return probe_kind_name(a->u.attach.ap->kind);
	}
	return "?";
}

const char *fn_kinds_with(struct compile_ctx *ctx, unsigned flag)
{
	const char *s = "", *last = NULL;

	for (int k = 0; k < PK_COUNT; k++) {
		const struct probe_provider *p = probe_provider(k);

		if (!p || !(p->flags & flag))
			continue;
		if (last)
			s = arena_printf(ctx->arena, "%s%s'%s'", s,
					 *s ? ", " : "", last);
		last = probe_kind_name(k);
	}
	if (!last)
		return "no";
	return *s ? arena_printf(ctx->arena, "%s and '%s'", s, last) :
		    arena_printf(ctx->arena, "'%s'", last);
}

const char *fn_probe_kind_with(const struct node *probe, unsigned flag)
{
	if (!probe)
		return NULL;
	for (struct node *a = probe->u.probe.attach; a; a = a->next) {
		if ((ap_flags(a) & flag) && a->u.attach.ap)
			return probe_kind_name(a->u.attach.ap->kind);
	}
	return NULL;
}

struct type *fn_check_format(struct compile_ctx *ctx, struct node *call,
			     struct node *probe)
{
	const char *s;
	uint32_t len;
	struct fmt f;

	if (!fn_str_literal(ctx, call, 0, &s, &len))
		return NULL;
	if (!fn_args_typed(call))
		return NULL;
	printf_fmt_parse(ctx->arena, s, len, &f);
	if (!printf_fmt_check(ctx, call->u.call.name, &f,
			      call->u.call.args->next, call->loc))
		return NULL;
	return type_none();
}
