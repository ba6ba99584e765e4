/* Pass "resolve": names in expressions and the config block.
 * Reads: the AST after pass_probes, ctx->macros, the type registry's enum
 * constants, opts.params. Writes: u.ident.builtin and u.call.func; replaces
 * macro uses by their value, enum constants and positional parameters by
 * literals (str($N) by a string literal), and sizeof(name) of a name
 * that is no value by sizeof(type); applies config settings to ctx->opts.
 * After it: every N_IDENT is a builtin or a mode argument
 * (kstack(perf)), every N_CALL has its function and a valid argument
 * count, and no N_POSITIONAL is left in probe bodies. */
#include "compile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "builtins.h"
#include "settings.h"
#include "typereg.h"

struct resolve {
	struct compile_ctx *ctx;
};

static void res_expr(struct resolve *r, struct node *n);

static void res_list(struct resolve *r, struct node *n)
{
	for (; n; n = n->next)
		res_expr(r, n);
}

/* Overwrites n with a copy of v, keeping n's place in its list and its
 * source range (diagnostics point at the use, not the definition). */
static void replace(struct node *n, const struct node *v)
{
	struct node *next = n->next;
	struct loc loc = n->loc;

	*n = *v;
	n->next = next;
	n->loc = loc;
	n->type = NULL;
}

static void replace_int(struct node *n, int64_t v)
{
	struct node lit = { .kind = N_INT };

	lit.u.integer.value = (uint64_t)v;
	replace(n, &lit);
}

/* enum_names: the constant n (already its integer) becomes
 * (enum TAG)value, which prints as the constant's name (bpftrace 0.26);
 * constants of anonymous enums stay integers. */
static void enum_typed(struct compile_ctx *ctx, struct node *n,
		       const char *name)
{
	const char *tag = typereg_enum_of(ctx, name);
	struct type *t;
	struct node *lit;

	if (!tag || !*tag || strchr(tag, ' '))
		return;
	tag = arena_printf(ctx->arena, "enum %s", tag);
	t = typereg_typedef(ctx, tag);
	if (!t || !t->nenumerators)
		return;
	lit = ast_new(ctx->arena, N_INT, n->loc);
	lit->u.integer = n->u.integer;
	replace(n, ast_cast(ctx->arena, n->loc,
			    ast_typespec(ctx->arena, n->loc, tag, 0, 0), lit));
}

static const struct macro *find_macro(struct compile_ctx *ctx,
				      const char *name)
{
	for (const struct macro *m = ctx->macros; m; m = m->next)
		if (m->expr && !strcmp(m->name, name))
			return m;
	return NULL;
}

static bool is_stack_mode(const char *name)
{
	return !strcmp(name, "bpftrace") || !strcmp(name, "perf") ||
	       !strcmp(name, "raw");
}

/* A bare identifier: builtin, macro (#define), enum constant, or, as the
 * first argument of kstack()/ustack(), a mode. */
static void res_ident(struct resolve *r, struct node *n, bool mode_arg)
{
	const char *name = n->u.ident.name;
	const struct macro *m;
	int64_t v;

	n->u.ident.builtin = builtin_find(name);
	if (n->u.ident.builtin)
		return;
	m = find_macro(r->ctx, name);
	if (m) {
		replace(n, m->expr);
		return;
	}
	if (mode_arg && is_stack_mode(name))
		return;
	if (typereg_enum_value(r->ctx, name, &v)) {
		replace_int(n, v);
		if (r->ctx->opts.enum_names)
			enum_typed(r->ctx, n, name);
		return;
	}
	if (mode_arg)
		return;
	diag_error(&r->ctx->diags, n->loc, "Unknown identifier: '%s'", name);
}

/* The text of positional parameter i (1-based), "" when not given. */
static const char *param(struct compile_ctx *ctx, int i)
{
	if (i < 1 || i > ctx->opts.nparams || !ctx->opts.params)
		return "";
	return ctx->opts.params[i - 1] ? ctx->opts.params[i - 1] : "";
}

/* $N is a number where used as one: a missing parameter is 0 (bpftrace);
 * text that is not a number is an error pointing at str($N). */
static void res_positional(struct resolve *r, struct node *n)
{
	const char *s;
	char *end;
	long long v;

	if (n->u.positional.is_count) {
		replace_int(n, r->ctx->opts.nparams);
		return;
	}
	s = param(r->ctx, n->u.positional.index);
	if (!*s) {
		replace_int(n, 0);
		return;
	}
	errno = 0;
	v = strtoll(s, &end, 0);
	if (*end || errno) {
		diag_error(&r->ctx->diags, n->loc,
			   "$%d used numerically but given \"%s\"; try str($%d)",
			   n->u.positional.index, s, n->u.positional.index);
		return;
	}
	replace_int(n, v);
}

static bool is_param(const struct node *n)
{
	return n && n->kind == N_POSITIONAL && !n->u.positional.is_count;
}

/* Is the text of $N a number (where it could be an address)? */
static bool param_is_number(struct compile_ctx *ctx, const struct node *n)
{
	const char *s = param(ctx, n->u.positional.index);
	char *end;

	errno = 0;
	(void)strtoll(s, &end, 0);
	return *s && !*end && !errno;
}

struct text_param {
	struct compile_ctx *ctx;
	bool found;
};

static bool find_text_param(struct node *n, void *arg)
{
	struct text_param *t = arg;

	if (is_param(n) && !param_is_number(t->ctx, n))
		t->found = true;
	return !t->found;
}

/* Does e use a parameter whose text is not a number? */
static bool has_text_param(struct compile_ctx *ctx, struct node *e)
{
	struct text_param t = { ctx, false };

	ast_walk(e, find_text_param, &t);
	return t.found;
}

/* The argument of str() as bpftrace 0.17 takes it when it names a
 * parameter: $N, $N + K or K + $N, K a constant from 0 to the length
 * of $N's text (an offset into it, numeric text included; any other
 * operation on $N there is an error, as in bpftrace). Sets *pos and *off
 * and returns 1; 0 when the argument is something else (a numeric
 * parameter deeper in an address computation); -1 after an error. */
static int str_param_arg(struct resolve *r, struct node *p,
			 struct node **pos, uint64_t *off)
{
	struct node *l, *k;
	size_t len;

	*off = 0;
	if (is_param(p)) {
		*pos = p;
		return 1;
	}
	if (p->kind != N_BINOP) {
		if (!has_text_param(r->ctx, p))
			return 0;
		goto only_direct;
	}
	l = p->u.binop.lhs;
	k = p->u.binop.rhs;
	if (!is_param(l)) {
		k = l;
		l = p->u.binop.rhs;
	}
	if (!is_param(l)) {
		if (!has_text_param(r->ctx, p))
			return 0;
		goto only_direct;
	}
	len = strlen(param(r->ctx, l->u.positional.index));
	if (p->u.binop.op == OP_ADD && k->kind == N_INT &&
	    !k->u.integer.is_unsigned && k->u.integer.value <= len) {
		*pos = l;
		*off = k->u.integer.value;
		return 1;
	}
	diag_error(&r->ctx->diags, p->loc, "only addition of a single "
		   "constant less or equal to the length of $%d (which is "
		   "%zu) is allowed inside str()", l->u.positional.index, len);
	return -1;
only_direct:
	diag_error(&r->ctx->diags, p->loc, "str() only accepts positional "
		   "parameters directly or with a single constant offset "
		   "added");
	return -1;
}

/* str($N [+ K] [, len]): the parameter's text from offset K as a string
 * literal, cut to len characters when len is a literal (bpftrace prints
 * str($1, 2) of "abc" as "ab", str($1 + 1) as "bc"). Returns false when
 * the call is not of that form. */
static bool res_str_param(struct resolve *r, struct node *call)
{
	struct node *p = call->u.call.args, *len = p ? p->next : NULL, *pos;
	struct node lit = { .kind = N_STRING };
	const char *s;
	uint64_t off;
	size_t n;
	int form;

	if (strcmp(call->u.call.name, "str") || !p ||
	    call->u.call.nargs > 2)
		return false;
	if (len && (len->kind != N_INT || len->u.integer.is_unsigned))
		return false;
	form = str_param_arg(r, p, &pos, &off);
	if (form <= 0)
		return form < 0;
	s = param(r->ctx, pos->u.positional.index) + off;
	n = strlen(s);
	if (len && len->u.integer.value < n)
		n = len->u.integer.value;
	if (n >= (size_t)r->ctx->opts.strlen)
		n = r->ctx->opts.strlen - 1;
	lit.u.string.str = arena_strndup(r->ctx->arena, s, n);
	lit.u.string.len = (uint32_t)n;
	replace(call, &lit);
	return true;
}

static void report_nargs(struct resolve *r, struct node *call,
			 const struct func *f)
{
	const char *name = call->u.call.name;
	int n = call->u.call.nargs, want;
	const char *how;

	if (n < f->min_args) {
		want = f->min_args;
		how = f->max_args == f->min_args ? "requires" :
						   "requires at least";
	} else {
		want = f->max_args;
		how = f->max_args == f->min_args ? "requires" : "takes up to";
	}
	if (want == 0)
		diag_error(&r->ctx->diags, call->loc,
			   "%s() requires no arguments (%d provided)", name, n);
	else if (want == 1)
		diag_error(&r->ctx->diags, call->loc,
			   "%s() %s one argument (%d provided)", name, how, n);
	else
		diag_error(&r->ctx->diags, call->loc,
			   "%s() %s %d arguments (%d provided)", name, how, want,
			   n);
}

static void res_call(struct resolve *r, struct node *call)
{
	const struct func *f = func_find(call->u.call.name);
	int n;

	call->u.call.nargs = n = ast_list_len(call->u.call.args);
	if ((!f || f->min_args > 0) && !n && builtin_find(call->u.call.name)) {
		/* bpftrace 0.26: cpu() is cpu (comm() too, not comm(pid)) */
		replace(call, ast_ident(r->ctx->arena, call->loc,
					call->u.call.name));
		res_ident(r, call, false);
		return;
	}
	/* bpftrace 0.26's unstable features (config unstable_NAME) */
	if ((!strcmp(call->u.call.name, "tseries") &&
	     !settings_unstable(r->ctx, UNSTABLE_TSERIES, call->loc)) ||
	    (!strcmp(call->u.call.name, "dw_ustack") &&
	     !settings_unstable(r->ctx, UNSTABLE_DW_USTACK, call->loc))) {
		res_list(r, call->u.call.args);
		return;
	}
	if (!f) {
		diag_error(&r->ctx->diags, call->loc, "Unknown function: %s",
			   call->u.call.name);
		res_list(r, call->u.call.args);
		return;
	}
	if (res_str_param(r, call))
		return;
	call->u.call.func = f;
	if (n < f->min_args || (f->max_args >= 0 && n > f->max_args))
		report_nargs(r, call, f);
	if ((f->flags & FN_UNSAFE) && !r->ctx->opts.unsafe)
		diag_error(&r->ctx->diags, call->loc,
			   "%s() is an unsafe function being used in safe mode (use --unsafe)",
			   call->u.call.name);
	for (struct node *a = call->u.call.args; a; a = a->next) {
		if (a == call->u.call.args && a->kind == N_IDENT &&
		    (f->flags & FN_MODE_ARG))
			res_ident(r, a, true);
		else
			res_expr(r, a);
	}
}

/* sizeof(u64): a bare name that is no value (builtin, macro, enum
 * constant) names a type, as in C; the type pass resolves or reports it. */
static void res_sizeof(struct resolve *r, struct node *n)
{
	struct node *e = n->u.sizeof_.expr;
	int64_t v;

	res_expr(r, n->u.sizeof_.typespec);
	if (e && e->kind == N_IDENT && !builtin_find(e->u.ident.name) &&
	    !find_macro(r->ctx, e->u.ident.name) &&
	    !typereg_enum_value(r->ctx, e->u.ident.name, &v)) {
		n->u.sizeof_.typespec = ast_typespec(r->ctx->arena, e->loc,
						     e->u.ident.name, 0, 0);
		n->u.sizeof_.expr = NULL;
		return;
	}
	res_expr(r, e);
}

static void res_stmt(struct resolve *r, struct node *n);

static void res_expr(struct resolve *r, struct node *n)
{
	if (!n)
		return;
	switch (n->kind) {
	case N_IDENT:
		res_ident(r, n, false);
		break;
	case N_POSITIONAL:
		res_positional(r, n);
		break;
	case N_CALL:
		res_call(r, n);
		break;
	case N_MAP:
		res_list(r, n->u.map.keys);
		break;
	case N_BINOP:
		res_expr(r, n->u.binop.lhs);
		res_expr(r, n->u.binop.rhs);
		break;
	case N_UNOP:
		res_expr(r, n->u.unop.expr);
		break;
	case N_TERNARY:
		res_expr(r, n->u.ternary.cond);
		res_expr(r, n->u.ternary.then);
		res_expr(r, n->u.ternary.else_);
		break;
	case N_FIELD:
		res_expr(r, n->u.field.expr);
		break;
	case N_INDEX:
		res_expr(r, n->u.index.expr);
		res_expr(r, n->u.index.index);
		break;
	case N_TUPLE_INDEX:
		res_expr(r, n->u.tuple_index.expr);
		break;
	case N_CAST:
		res_expr(r, n->u.cast.typespec);
		res_expr(r, n->u.cast.expr);
		break;
	case N_TYPESPEC: /* typeof(expr) */
		res_expr(r, n->u.typespec.of);
		break;
	case N_TUPLE:
		res_list(r, n->u.tuple.elems);
		break;
	case N_SIZEOF:
		res_sizeof(r, n);
		break;
	case N_BLOCK_EXPR:
		res_stmt(r, n->u.block_expr.block);
		res_expr(r, n->u.block_expr.value);
		break;
	default:
		break;
	}
}

static void res_stmt(struct resolve *r, struct node *n)
{
	if (!n)
		return;
	switch (n->kind) {
	case N_BLOCK:
		for (struct node *s = n->u.block.stmts; s; s = s->next)
			res_stmt(r, s);
		break;
	case N_EXPR_STMT:
		res_expr(r, n->u.expr_stmt.expr);
		break;
	case N_ASSIGN:
		res_expr(r, n->u.assign.target);
		res_expr(r, n->u.assign.value);
		break;
	case N_IF:
		res_expr(r, n->u.if_.cond);
		res_stmt(r, n->u.if_.then);
		res_stmt(r, n->u.if_.else_);
		break;
	case N_UNROLL:
	case N_WHILE:
		res_expr(r, n->u.loop.cond);
		res_stmt(r, n->u.loop.body);
		break;
	case N_FOR:
		res_expr(r, n->u.for_.map);
		if (n->u.for_.start) {
			res_expr(r, n->u.for_.start);
			res_expr(r, n->u.for_.start->next);
		}
		res_stmt(r, n->u.for_.body);
		break;
	case N_LET:
		res_expr(r, n->u.let.typespec);
		res_expr(r, n->u.let.value);
		break;
	default:
		res_expr(r, n);
		break;
	}
}

/* ---- config = { key = value; ... }: compiler/settings.c ---- */

static void res_config_value(struct compile_ctx *ctx, struct node *v)
{
	struct resolve r = { .ctx = ctx };

	if (v->kind == N_POSITIONAL)
		res_positional(&r, v);
}

/* Also called by the probe pass, which needs missing_probes. */
void resolve_config(struct compile_ctx *ctx)
{
	settings_config(ctx, res_config_value);
}

int pass_resolve(struct compile_ctx *ctx)
{
	struct resolve r = { .ctx = ctx };

	if (!ctx->ast)
		return 0;
	resolve_config(ctx);
	for (struct node *p = ctx->ast->u.program.probes; p; p = p->next) {
		res_expr(&r, p->u.probe.pred);
		res_stmt(&r, p->u.probe.body);
	}
	return diag_has_errors(&ctx->diags) ? -EINVAL : 0;
}
