/* The type pass, expressions: one rule per node kind (literals, builtins,
 * variables, maps, calls, operators, field/array/tuple access, casts,
 * sizeof/offsetof), with bpftrace 0.17's rules and messages. Each sets
 * node->type and returns it, or returns NULL after reporting (or when an
 * operand already failed, so that one mistake gives one message). */
#include "pass_types.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "probe.h"
#include "typereg.h"

#define ERR(s, loc, ...) diag_error(&(s)->ctx->diags, (loc), __VA_ARGS__)

/* ---- leaves ---- */

static struct type *ty_positional(struct tstate *s, struct node *e,
				  bool in_str)
{
	int i = e->u.positional.index;
	const char *p;
	char *end;

	if (e->u.positional.is_count || i > s->ctx->opts.nparams || in_str)
		return type_s64();
	p = s->ctx->opts.params[i - 1];
	errno = 0;
	if (*p == '-') {
		(void)strtoll(p, &end, 0);
		if (!errno && *end == '\0')
			return type_s64();
	} else if (*p) {
		unsigned long long v = strtoull(p, &end, 0);

		if (!errno && *end == '\0')
			return v > INT64_MAX ? type_u64() : type_s64();
	}
	ERR(s, e->loc, "$%d used numerically but given \"%s\". Try using "
	    "str($%d)", i, p, i);
	return NULL;
}

static struct type *ty_var_read(struct tstate *s, struct node *e)
{
	struct var_info *v = ty_var_find(s, e->u.var.name);

	if (!v) {
		ERR(s, e->loc, "Undefined or undeclared variable: %s",
		    e->u.var.name);
		return NULL;
	}
	v->read = true;
	e->u.var.decl = v;
	/* let $x; read before any assignment typed it: 0 */
	if (!v->type && v->let && !v->let->type)
		return type_s64();
	return v->type;
}

static struct type *ty_map_read(struct tstate *s, struct node *e)
{
	struct map_info *m = ty_map_ref(s, e, false);

	m->read = true;
	if (!m->value && !m->untyped)
		ERR(s, e->loc, "Undefined map: %s", m->name);
	return m->value;
}

/* A NULL type from a builtin or function table row must come with an
 * error; if a row forgot (e.g. a cached failure), say so rather than
 * compile a program with an untyped expression. */
static struct type *checked(struct tstate *s, struct node *e,
			    const char *name, struct type *t, int before)
{
	if (!t && s->ctx->diags.nerrors == before)
		ERR(s, e->loc, "Cannot determine the type of '%s' here", name);
	return t;
}

static struct type *ty_builtin(struct tstate *s, struct node *e)
{
	const struct builtin *b = e->u.ident.builtin;
	int before = s->ctx->diags.nerrors;
	struct type *t, *c;

	if (!b)
		return NULL; /* a mode argument: kstack(perf) */
	t = checked(s, e, e->u.ident.name, b->type(s->ctx, e, s->probe),
		    before);
	if (!t || b->id != B_ARGS || t->kind != T_RECORD || t->is_ctx)
		return t;
	/* args is the probe's context wherever it flows ($a = args; $a->f),
	 * and like any context it cannot be stored in a map */
	c = arena_alloc(s->ctx->arena, sizeof(*c));
	*c = *t;
	c->is_ctx = true;
	return c;
}

/* ---- calls ---- */

static bool call_use_ok(struct tstate *s, struct node *call,
			const struct func *f, enum ty_use use)
{
	const char *name = call->u.call.name;

	if ((f->flags & FN_AGG) && use != USE_MAP_VALUE) {
		ERR(s, call->loc, "%s() should be directly assigned to a map",
		    name);
		return false;
	}
	if (!(f->flags & FN_STMT) || use == USE_STMT)
		return true;
	if (use == USE_VALUE)
		ERR(s, call->loc, "%s() returns no value: it can only be used "
		    "as a statement", name);
	else
		ERR(s, call->loc, "%s() should not be used in an assignment "
		    "or as a map key", name);
	return false;
}

/* The map argument of print/clear/delete/len/has_key...: keys are only
 * checked when written (delete(@m[k])). */
static void ty_map_arg(struct tstate *s, struct node *call, struct node *map)
{
	const char *name = call->u.call.name;
	struct map_info *m = ty_map_ref(s, map, true);

	if (!strcmp(name, "delete") || !strcmp(name, "clear") ||
	    !strcmp(name, "zero"))
		m->cleared = true;
	else
		m->read = true;
	map->type = m->value;
	if (!m->value && !m->untyped)
		ERR(s, map->loc, "Undefined map: %s", m->name);
}

/* has_key(@m, k), delete(@m, k): k must fit the map's key. */
static void check_key_arg(struct tstate *s, struct node *call)
{
	struct node *map = call->u.call.args, *key = map ? map->next : NULL;
	const char *name = call->u.call.name;
	struct map_info *m;

	if (strcmp(name, "has_key") && strcmp(name, "delete"))
		return;
	if (!key || map->kind != N_MAP || map->u.map.keys || !key->type)
		return;
	m = map->u.map.info;
	if (m && m->key_site && !m->key) {
		/* bpftrace 0.26's words (its check_key macro) */
		ERR(s, call->loc,
		    "call to %s%s expects a map with explicit keys "
		    "(non-scalar map)",
		    name, strcmp(name, "delete") ? "()" :
		    "() with two arguments");
		return;
	}
	if (m && m->key_site)
		ty_map_key_check(s, m, key->type, key);
}

static struct type *ty_call(struct tstate *s, struct node *call,
			    enum ty_use use)
{
	const struct func *f = call->u.call.func;
	int before = s->ctx->diags.nerrors;
	struct node *a = call->u.call.args;
	bool is_str = !strcmp(call->u.call.name, "str");
	bool untyped = false;

	if (f && (f->flags & FN_MAP_ARG) && a && a->kind == N_MAP) {
		ty_map_arg(s, call, a);
		untyped = !a->type;
		a = a->next;
	}
	for (; a; a = a->next) {
		if (a->kind == N_POSITIONAL)
			a->type = ty_positional(s, a, is_str);
		else
			ty_expr(s, a, USE_VALUE);
		/* an untyped operand was reported where it failed */
		untyped |= !a->type && a->kind != N_IDENT;
	}
	if (!f || untyped || s->ctx->diags.nerrors > before)
		return NULL;
	if (!call_use_ok(s, call, f, use))
		return NULL;
	check_key_arg(s, call);
	return checked(s, call, call->u.call.name,
		       f->check(s->ctx, call, s->probe), before);
}

/* ---- binary operators ---- */

static bool is_cmp(enum binop op)
{
	return op >= OP_EQ && op <= OP_GE;
}

static bool is_logic(enum binop op)
{
	return op == OP_LAND || op == OP_LOR;
}

static struct type *invalid_op(struct tstate *s, struct node *at,
			       enum binop op, struct type *l, struct type *r)
{
	ERR(s, at->loc, "The %s operator can not be used on expressions of "
	    "types %s, %s", ast_binop_str(op), ty_name(s, l), ty_name(s, r));
	return NULL;
}

/* As C: pointer +/- int, int + pointer, comparisons. */
static struct type *binop_ptr(struct tstate *s, struct node *at,
			      enum binop op, struct type *l, struct type *r)
{
	bool lp = l->kind == T_PTR;
	struct type *ptr = lp ? l : r, *other = lp ? r : l;

	if (is_logic(op) && (other->kind == T_PTR || other->kind == T_INT))
		return type_u64();
	if (other->kind == T_PTR)
		return is_cmp(op) ? type_u64() : invalid_op(s, at, op, l, r);
	if (other->kind != T_INT)
		return invalid_op(s, at, op, l, r);
	if (op == OP_ADD || (op == OP_SUB && lp))
		return ptr;
	if (is_cmp(op))
		return type_s64();
	return invalid_op(s, at, op, l, r);
}

static bool nonneg_literal(const struct node *n)
{
	return n->kind == N_INT &&
	       (n->u.integer.is_unsigned || (int64_t)n->u.integer.value >= 0);
}

/* bpftrace's warnings: mixed signs in comparisons and arithmetic, and
 * signed division (BPF has no signed divide). A non-negative literal
 * counts as unsigned. */
static void warn_signs(struct tstate *s, struct node *at, enum binop op,
		       struct node *lhs, struct node *rhs)
{
	bool ls = lhs->type->is_signed, rs = rhs->type->is_signed;
	const char *what = is_cmp(op) ? "Comparison" :
			   op <= OP_MOD ? "Arithmetic" : NULL;

	if (ls != rs && !nonneg_literal(ls ? lhs : rhs) && what)
		diag_warning(&s->ctx->diags, at->loc,
			     "%s of integers of different signs: '%s' and '%s' "
			     "can lead to undefined behavior", what,
			     ty_name(s, lhs->type), ty_name(s, rhs->type));
	ls = ls && !nonneg_literal(lhs);
	rs = rs && !nonneg_literal(rhs);
	if ((op == OP_DIV || op == OP_MOD) && (ls || rs))
		diag_warning(&s->ctx->diags, at->loc,
			     "Signed operands for '%s' can lead to undefined "
			     "behavior (cast to unsigned to silence warning)",
			     ast_binop_str(op));
}

static struct type *binop_int(struct tstate *s, struct node *at,
			      enum binop op, struct node *lhs,
			      struct node *rhs)
{
	struct type *l = lhs->type, *r = rhs->type;
	bool sign = l->is_signed && r->is_signed;

	warn_signs(s, at, op, lhs, rhs);
	if (op == OP_SHL || op == OP_SHR)
		sign = l->is_signed;
	/* bpftrace 0.26: a - b is signed whatever a and b are */
	if (op == OP_SUB && s->ctx->opts.signed_subtraction)
		sign = true;
	return type_int(8, sign);
}

/* comm == "a very long literal" can never be true. */
static void warn_long_literal(struct tstate *s, struct node *at,
			      struct node *l, struct node *r)
{
	struct node *lit = l->kind == N_STRING ? l : r;
	struct node *str = lit == l ? r : l;

	if (lit->kind != N_STRING || str->kind == N_STRING)
		return;
	if (lit->u.string.len > str->type->size)
		diag_warning(&s->ctx->diags, at->loc,
			     "The literal is longer than the variable string "
			     "(size=%u), condition will always be false",
			     str->type->size);
}

/* A count, sum, min, max or avg map read where an integer is needed (a
 * cast, an operand): bpftrace 0.26 reads it as the integer, the total of
 * every CPU's share (bpftrace 0.17 refused these). */
static void coerce_percpu(struct node *e)
{
	const struct type *t = e->type;

	if (e->kind != N_MAP || !t ||
	    (t->kind != T_COUNT && t->kind != T_SUM && t->kind != T_MIN &&
	     t->kind != T_MAX && t->kind != T_AVG))
		return;
	e->u.map.all_cpus = true;
	e->type = type_int(8, t->is_signed);
}

struct type *ty_binop_combine(struct tstate *s, struct node *at,
			      enum binop op, struct node *lhs,
			      struct node *rhs)
{
	struct type *l = lhs->type, *r = rhs->type;

	/* A map read before any round has typed it (@n = @n + 1): in the
	 * rounds before the final one it takes the integer on the other
	 * side, as in bpftrace 0.17, so that its assignment can type it. */
	if (!s->final && !l && r && r->kind == T_INT && lhs->kind == N_MAP)
		l = lhs->type = r;
	if (!s->final && !r && l && l->kind == T_INT && rhs->kind == N_MAP)
		r = rhs->type = l;
	if (!l || !r)
		return NULL;
	if (l->kind == T_PTR || r->kind == T_PTR)
		return binop_ptr(s, at, op, l, r);
	if (l->kind == T_INT && r->kind == T_INT)
		return binop_int(s, at, op, lhs, rhs);
	/* true/false: compared with each other, and in && and || */
	if ((l->kind == T_BOOL || r->kind == T_BOOL) &&
	    ((l->kind == r->kind && (op == OP_EQ || op == OP_NE)) ||
	     (is_logic(op) && ty_is_cond(l) && ty_is_cond(r))))
		return type_bool();
	if (l->kind != r->kind) {
		ERR(s, at->loc,
		    "Type mismatch for '%s': comparing '%s' with '%s'",
		    ast_binop_str(op), ty_name(s, l), ty_name(s, r));
		return NULL;
	}
	if (op != OP_EQ && op != OP_NE)
		return invalid_op(s, at, op, l, r);
	if (l->kind == T_ARRAY) {
		if (!type_equal(l, r) || !ty_is_int(l->elem)) {
			ERR(s, at->loc, "Only arrays of the same size and "
			    "integer type can be compared: %s, %s",
			    ty_name(s, l), ty_name(s, r));
			return NULL;
		}
	} else if (l->kind == T_RECORD) {
		/* compared by value, byte for byte (bpftrace 0.17 compares
		 * where the two were read from) */
		if (!type_equal(l, r) || l->is_ctx || r->is_ctx) {
			ERR(s, at->loc,
			    "Only structs or unions of the same "
			    "type can be compared: %s, %s",
			    ty_name(s, l), ty_name(s, r));
			return NULL;
		}
	} else if (l->kind == T_TUPLE) {
		/* bpftrace 0.26: element by element, records by name */
		if (!type_tuple_common(s->ctx->arena, l, r)) {
			ERR(s, loc_span(lhs->loc, rhs->loc),
			    "Type mismatch for '%s': comparing '%s' with '%s'",
			    ast_binop_str(op), ty_name(s, l), ty_name(s, r));
			return NULL;
		}
	} else if (l->kind == T_STRING) {
		if (op == OP_EQ)
			warn_long_literal(s, at, lhs, rhs);
	} else if (l->kind != T_BUF) {
		return invalid_op(s, at, op, l, r);
	}
	return type_u64();
}

static struct type *ty_binop(struct tstate *s, struct node *e)
{
	ty_expr(s, e->u.binop.lhs, USE_VALUE);
	ty_expr(s, e->u.binop.rhs, USE_VALUE);
	coerce_percpu(e->u.binop.lhs);
	coerce_percpu(e->u.binop.rhs);
	return ty_binop_combine(s, e, e->u.binop.op, e->u.binop.lhs,
				e->u.binop.rhs);
}

/* ---- unary operators ---- */

static struct type *unop_error(struct tstate *s, struct node *e,
			       struct type *t)
{
	const char *op = e->u.unop.op == OP_DEREF ? "dereference"
						   : ast_unop_str(e->u.unop.op);

	ERR(s, e->loc, "The %s operator can not be used on expressions of "
	    "type '%s'", op, ty_name(s, t));
	return NULL;
}

/* ++/-- on a variable or a map; an unset map becomes an int map. */
static struct type *ty_incdec(struct tstate *s, struct node *e)
{
	struct node *x = e->u.unop.expr;
	struct type *t;

	if (x->kind == N_MAP) {
		struct map_info *m = ty_map_ref(s, x, false);

		if (!m->value)
			ty_map_assign(s, x, type_s64(), e);
		m->read = m->written = true;
		t = x->type = m->value;
	} else if (x->kind == N_VAR) {
		t = x->type = ty_var_read(s, x);
	} else {
		ty_expr(s, x, USE_VALUE);
		ERR(s, e->loc, "The %s operator must be applied to a map or "
		    "variable", ast_unop_str(e->u.unop.op));
		return NULL;
	}
	if (!t)
		return NULL;
	if (t->kind == T_PTR)
		return t;
	if (t->kind != T_INT)
		return unop_error(s, e, t);
	/* bpftrace 0.26: x-- is x - 1, signed */
	if ((e->u.unop.op == OP_PREDEC || e->u.unop.op == OP_POSTDEC) &&
	    s->ctx->opts.signed_subtraction)
		return type_s64();
	return type_int(8, t->is_signed);
}

static struct type *full_record(struct tstate *s, struct type *t);

static struct type *ty_deref(struct tstate *s, struct node *e,
			     struct type *t)
{
	struct type *el;

	switch (t->kind) {
	case T_PTR:
		if (!t->elem || t->elem->kind == T_NONE) {
			ERR(s, e->loc, "Can not dereference a void pointer");
			return NULL;
		}
		el = t->elem;
		if (el->kind == T_RECORD && !el->is_ctx &&
		    (el = full_record(s, el))->incomplete) {
			/* no layout: nothing to read (was a silent 0) */
			ERR(s, e->loc, "Can not dereference a pointer to "
			    "incomplete type '%s': it is declared but never "
			    "defined", ty_name(s, el));
			return NULL;
		}
		/* the record's definition: a tracepoint format only
		 * declares its 'struct __kernel_timespec *' */
		return el;
	case T_RECORD:
		if (t->is_ctx)
			return t;
		ERR(s, e->loc, "Can not dereference struct/union of type "
		    "'%s'. It is not a pointer", ty_name(s, t));
		return NULL;
	case T_INT:
		/* as bpftrace: an integer is an address of a 64-bit value */
		return type_u64();
	default:
		return unop_error(s, e, t);
	}
}

/* &e: the address of a field or element reached through a pointer. */
static struct type *ty_addr(struct tstate *s, struct node *e, struct type *t)
{
	struct node *x = e->u.unop.expr;
	struct type *base;

	if (x->kind == N_VAR)
		return type_ptr(s->ctx->arena, t, AS_KERNEL);
	if (x->kind == N_FIELD || x->kind == N_INDEX) {
		base = x->kind == N_FIELD ? x->u.field.expr->type
					  : x->u.index.expr->type;
		if (base && (base->kind == T_PTR ||
			     (x->kind == N_FIELD && x->u.field.arrow)))
			return type_ptr(s->ctx->arena, t,
					base->kind == T_PTR ? base->as
							    : AS_NONE);
	}
	ERR(s, e->loc,
	    "The & operator can only take the address of a "
	    "scratch variable, or of a field or array element reached "
	    "through a pointer");
	return NULL;
}

static struct type *ty_unop(struct tstate *s, struct node *e)
{
	enum unop op = e->u.unop.op;
	struct type *t;

	if (op >= OP_PREINC)
		return ty_incdec(s, e);
	t = ty_expr(s, e->u.unop.expr, USE_VALUE);
	if (!t)
		return NULL;
	switch (op) {
	case OP_DEREF:
		return ty_deref(s, e, t);
	case OP_ADDR:
		return ty_addr(s, e, t);
	case OP_LNOT:
		if (t->kind == T_BOOL)
			return type_bool();
		if (t->kind == T_PTR)
			return type_u64();
		if (t->kind != T_INT)
			return unop_error(s, e, t);
		return type_int(t->size, false);
	default:
		if (t->kind != T_INT)
			return unop_error(s, e, t);
		return type_int(8, t->is_signed);
	}
}

/* ---- ternary ---- */

static struct type *ty_ternary(struct tstate *s, struct node *e,
			       enum ty_use use)
{
	enum ty_use bu = use == USE_STMT ? USE_STMT : USE_VALUE;
	struct type *c = ty_expr(s, e->u.ternary.cond, USE_VALUE);
	/* a ?: b (bpftrace 0.26): a when it is true */
	struct type *a =
	    e->u.ternary.then ? ty_expr(s, e->u.ternary.then, bu) : c;
	struct type *b = ty_expr(s, e->u.ternary.else_, bu);
	struct type *t;

	if (c && !ty_is_cond(c)) {
		ERR(s, e->u.ternary.cond->loc,
		    "Invalid condition in ternary: %s", ty_name(s, c));
		return NULL;
	}
	if (!a || !b)
		return NULL;
	if (a->kind == b->kind && a->kind == T_INT)
		return type_int(8, a->is_signed && b->is_signed);
	if (a->kind == b->kind && a->kind == T_STRING)
		return a->size >= b->size ? a : b;
	/* tuples and records (bpftrace 0.26): each arm converted to the
	 * type both fit, element by element (records by name) */
	if (a->kind == T_TUPLE && b->kind == T_TUPLE &&
	    (t = type_tuple_common(s->ctx->arena, a, b)))
		return t;
	if (a->kind == b->kind && (a->kind == T_NONE || type_equal(a, b)))
		return a;
	ERR(s, e->loc, "Ternary operator must return the same type: have "
	    "'%s' and '%s'", ty_name(s, a), ty_name(s, b));
	return NULL;
}

/* ---- field, index, tuple index ---- */

/* Pointers read out of user memory point into user memory. */
static struct type *inherit_as(struct tstate *s, struct type *t,
			       enum addrspace as)
{
	if (t && t->kind == T_PTR && t->as == AS_NONE && as != AS_NONE)
		return type_ptr(s->ctx->arena, t->elem, as);
	return t;
}

static bool is_args(const struct node *x)
{
	return x->kind == N_IDENT && x->u.ident.builtin &&
	       x->u.ident.builtin->id == B_ARGS;
}

/* args of a function (fentry, uprobe): bpftrace 0.17's words when a
 * parameter is missing */
static bool is_func_args(const struct node *x, const struct type *rec)
{
	return is_args(x) && rec->name &&
	       !strncmp(rec->name, "struct _func_args_", 18);
}

/* A record only declared where it was met (a tracepoint format's
 * 'struct __kernel_timespec *', a preamble's forward declaration) is
 * looked up by name: the preamble or kernel BTF may define it. */
static struct type *full_record(struct tstate *s, struct type *t)
{
	struct type *def;

	if (!type_complete(t)->incomplete || !t->name)
		return t;
	def = typereg_record(s->ctx, t->name);
	return def && !type_complete(def)->incomplete ? def : t;
}

/* e.f where e is a pointer to a pointer...: e becomes *e (typed) until
 * one pointer is left, which '->' reads through. */
static struct type *deref_to_one(struct tstate *s, struct node *e,
				 struct type *t)
{
	while (t->kind == T_PTR && t->elem && t->elem->kind == T_PTR) {
		struct node *x = e->u.field.expr;
		struct node *d = ast_unop(s->ctx->arena, x->loc, OP_DEREF, x);

		d->type = inherit_as(s, t->elem, t->as);
		e->u.field.expr = d;
		t = d->type;
	}
	return t;
}

/* The record a field access reads, or NULL after reporting. As in
 * bpftrace 0.26, '.' on a pointer reads through it (any number of
 * pointers: bpftrace 0.17 refused it, so no 0.17 program changes
 * meaning) and '->' on a struct value is '.'; the node is rewritten to
 * the form the back end reads. */
/* retval->f in a uretprobe of a function returning a pointer (its
 * binary's debug info says so, the same type for every attach point):
 * that pointer; else NULL. bpftrace 0.17 refuses a field of retval, so
 * no 0.17 program changes meaning. */
static struct type *retval_pointer(struct tstate *s, struct node *x)
{
	struct type *ret = NULL;

	if (x->kind != N_IDENT || !x->u.ident.builtin ||
	    x->u.ident.builtin->id != B_RETVAL || !s->probe)
		return NULL;
	for (struct node *a = s->probe->u.probe.attach; a; a = a->next) {
		struct attach_point *ap = a->u.attach.ap;
		struct type *r =
		    ap ? probe_uretprobe_pointer_ret(s->ctx, ap) : NULL;

		if (!r || (ret && !type_equal(ret, r)))
			return NULL;
		ret = r;
	}
	return ret;
}

static struct type *field_record(struct tstate *s, struct node *e,
				 struct type *t)
{
	const char *f = e->u.field.name;
	struct node *x = e->u.field.expr;
	struct type *r = t->kind == T_INT ? retval_pointer(s, x) : NULL;

	if (r)
		t = x->type = r;
	if (t->kind == T_PTR && !t->is_ctx) {
		t = deref_to_one(s, e, t);
		x = e->u.field.expr;
		e->u.field.arrow = true;
	}
	if (t->kind == T_PTR) {
		t = t->elem;
	} else if (t->kind == T_RECORD && e->u.field.arrow && !t->is_ctx &&
		   !is_args(x)) {
		e->u.field.arrow = false;
	}
	if (t && type_is_named_tuple(t))
		return t;
	if (!t || t->kind != T_RECORD) {
		ERR(s, e->loc, "Can not access field '%s' on expression of "
		    "type '%s'", f, ty_name(s, x->type));
		return NULL;
	}
	t = full_record(s, t);
	if (t->incomplete) {
		ERR(s, e->loc, "Unknown struct/union: '%s'", ty_name(s, t));
		return NULL;
	}
	return t;
}

static struct type *ty_field(struct tstate *s, struct node *e)
{
	struct type *t = ty_expr(s, e->u.field.expr, USE_VALUE), *rec;
	const struct field *fld;
	uint32_t off;

	if (!t)
		return NULL;
	rec = field_record(s, e, t);
	if (!rec)
		return NULL;
	t = e->u.field.expr->type;
	fld = type_field(rec, e->u.field.name, &off);
	if (!fld && type_is_named_tuple(rec)) {
		ERR(s, e->loc, "Record does not contain a field named '%s'",
		    e->u.field.name);
		return NULL;
	}
	if (!fld && is_func_args(e->u.field.expr, rec)) {
		ERR(s, e->loc, "Can't find function parameter %s",
		    e->u.field.name);
		return NULL;
	}
	if (!fld) {
		ERR(s, e->loc, "Struct/union of type '%s' does not contain a "
		    "field named '%s'", ty_name(s, rec), e->u.field.name);
		return NULL;
	}
	/* a parameter BPF cannot read (a uprobe's double, in an SSE
	 * register): named after its type and place (dwarf_args.c) */
	if (fld->type->kind == T_NONE && fld->type->name) {
		ERR(s, e->loc, "%s has unsupported type %s", e->u.field.name,
		    fld->type->name);
		return NULL;
	}
	return inherit_as(s, fld->type, t->kind == T_PTR ? t->as : rec->as);
}

/* s[i] on a string (bpftrace 0.26): the byte as an int8; a constant
 * index may reach the string's NUL, not past it. */
static struct type *index_string(struct tstate *s, struct node *e,
				 struct type *t, struct type *it)
{
	struct node *ix = e->u.index.index;

	if (it->kind != T_INT) {
		ERR(s, ix->loc,
		    "The array index must be an integer, found "
		    "'%s'",
		    ty_name(s, it));
		return NULL;
	}
	if (ix->kind == N_INT && ix->u.integer.value >= t->size) {
		ERR(s, e->loc,
		    "the index %" PRId64 " is out of bounds for array of "
		    "size %u",
		    (int64_t)ix->u.integer.value, t->size);
		return NULL;
	}
	return type_int(1, true);
}

/* The value of an integer expression made of literals (1 - 1, -2,
 * (1 << 3) / 2): false when it names anything else or divides by 0. */
static bool const_int(const struct node *e, int64_t *v)
{
	int64_t l, r;

	if (e->kind == N_INT) {
		*v = (int64_t)e->u.integer.value;
		return true;
	}
	if (e->kind == N_UNOP &&
	    (e->u.unop.op == OP_NEG || e->u.unop.op == OP_BNOT) &&
	    const_int(e->u.unop.expr, &l)) {
		*v = e->u.unop.op == OP_NEG ? (int64_t)(0 - (uint64_t)l) : ~l;
		return true;
	}
	if (e->kind != N_BINOP || !const_int(e->u.binop.lhs, &l) ||
	    !const_int(e->u.binop.rhs, &r))
		return false;
	switch (e->u.binop.op) {
	case OP_ADD:
		*v = (int64_t)((uint64_t)l + (uint64_t)r);
		return true;
	case OP_SUB:
		*v = (int64_t)((uint64_t)l - (uint64_t)r);
		return true;
	case OP_MUL:
		*v = (int64_t)((uint64_t)l * (uint64_t)r);
		return true;
	case OP_DIV:
		*v = r ? (int64_t)((uint64_t)l / (uint64_t)r) : 0;
		return r != 0;
	case OP_MOD:
		*v = r ? (int64_t)((uint64_t)l % (uint64_t)r) : 0;
		return r != 0;
	case OP_BAND:
		*v = l & r;
		return true;
	case OP_BOR:
		*v = l | r;
		return true;
	case OP_BXOR:
		*v = l ^ r;
		return true;
	default:
		return false;
	}
}

/* t[i] on a tuple (bpftrace 0.26): i must be a constant; the node
 * becomes the tuple index t.i. */
static struct type *ty_tuple_index(struct tstate *s, struct node *e);

static struct type *index_tuple(struct tstate *s, struct node *e)
{
	struct node *x = e->u.index.expr, *ix = e->u.index.index;
	int64_t v;

	if (!const_int(ix, &v)) {
		ERR(s, ix->loc,
		    "Array-style access for tuples only valid "
		    "for integer literals");
		return NULL;
	}
	if (v < 0 || v > INT32_MAX) {
		ERR(s, ix->loc, "Invalid tuple index %" PRId64, v);
		return NULL;
	}
	e->kind = N_TUPLE_INDEX;
	e->u.tuple_index.expr = x;
	e->u.tuple_index.index = (int)v;
	return ty_tuple_index(s, e);
}

static struct type *ty_index(struct tstate *s, struct node *e)
{
	struct type *t = ty_expr(s, e->u.index.expr, USE_VALUE);
	struct type *it = ty_expr(s, e->u.index.index, USE_VALUE);
	struct node *ix = e->u.index.index;

	if (!t || !it)
		return NULL;
	if (t->kind == T_TUPLE && !type_is_named_tuple(t))
		return index_tuple(s, e);
	if (t->kind == T_STRING)
		return index_string(s, e, t, it);
	if (t->kind != T_ARRAY && t->kind != T_PTR) {
		ERR(s, e->loc, "The array index operator [] can only be used "
		    "on arrays and pointers, found %s", ty_name(s, t));
		return NULL;
	}
	if (it->kind != T_INT) {
		ERR(s, ix->loc, "The array index must be an integer, found "
		    "'%s'", ty_name(s, it));
		return NULL;
	}
	if (!t->elem || !t->elem->size) {
		ERR(s, e->loc, "The array index operator [] cannot be used on "
		    "a pointer to an unsized type (%s)", ty_name(s, t));
		return NULL;
	}
	if (t->kind == T_ARRAY && ix->kind == N_INT && t->count &&
	    (ix->u.integer.value >= t->count)) {
		ERR(s, ix->loc,
		    "the index %" PRId64 " is out of bounds for "
		    "array of size %u",
		    (int64_t)ix->u.integer.value, t->count);
		return NULL;
	}
	return inherit_as(s, t->elem, t->as);
}

static struct type *ty_tuple_index(struct tstate *s, struct node *e)
{
	struct type *t = ty_expr(s, e->u.tuple_index.expr, USE_VALUE);
	int i = e->u.tuple_index.index;

	if (!t)
		return NULL;
	if (t->kind != T_TUPLE || type_is_named_tuple(t)) {
		ERR(s, e->loc, "Can not access index %d on expression of type "
		    "'%s'", i, ty_name(s, t));
		return NULL;
	}
	if (i < 0 || (uint32_t)i >= t->count) {
		ERR(s, e->loc, "Invalid tuple index %d: the tuple has %u "
		    "elements", i, t->count);
		return NULL;
	}
	return t->fields[i].type;
}

/* ---- casts, sizeof, offsetof, tuples ---- */

/* typeof(expr): expr's type (expr is only typed, never run); of a map
 * without keys, its key's type, as bpftrace 0.26 (let $k: typeof(@m)). */
static struct type *ty_typeof(struct tstate *s, struct node *ts)
{
	struct node *of = ts->u.typespec.of;
	struct type *t;

	if (of->kind == N_MAP && !of->u.map.keys) {
		struct map_info *m = ty_map_ref(s, of, true);

		of->type = m->value;
		t = m->key;
		if (!t && m->key_site) {
			ERR(s, of->loc, "typeof(%s): %s is a map without keys",
			    m->name, m->name);
			return NULL;
		}
		if (!t) {
			ERR(s, of->loc, "Undefined map: %s", m->name);
			return NULL;
		}
	} else {
		int before = s->ctx->diags.nerrors;

		t = ty_expr(s, of, USE_VALUE);
		if (!t && s->ctx->diags.nerrors == before)
			ERR(s, of->loc, "typeof() needs an expression that "
			    "has a value");
		if (t && t->kind == T_NONE) {
			ERR(s, of->loc, "typeof() needs an expression that "
			    "has a value");
			t = NULL;
		}
	}
	for (int i = 0; t && i < ts->u.typespec.ptr_depth; i++)
		t = type_ptr(s->ctx->arena, t, t->as);
	ts->u.typespec.resolved = t;
	ts->type = t;
	return t;
}

static struct type *ty_typespec(struct tstate *s, struct node *ts)
{
	if (ts->u.typespec.of)
		return ty_typeof(s, ts);
	if (!ts->u.typespec.resolved)
		ts->u.typespec.resolved = typereg_resolve(s->ctx, ts);
	ts->type = ts->u.typespec.resolved;
	return ts->type;
}

/* Where a pointer made by a cast points, from the probe's kind. */
static enum addrspace probe_as(struct tstate *s)
{
	enum addrspace as = AS_NONE;
	bool first = true;

	for (struct node *a = s->probe->u.probe.attach; a; a = a->next) {
		const struct attach_point *ap = a->u.attach.ap;
		enum addrspace x;

		if (!ap)
			return AS_NONE;
		x = probe_provider(ap->kind)->as;
		if (!first && x != as)
			return AS_NONE;
		as = x;
		first = false;
	}
	return as;
}

static bool cast_ok(const struct type *to, const struct type *from)
{
	switch (to->kind) {
	case T_INT:
		return from->kind == T_INT || from->kind == T_PTR ||
		       from->kind == T_BOOL ||
		       (from->kind == T_ARRAY && from->size == to->size);
	case T_PTR:
		return from->kind == T_INT || from->kind == T_PTR;
	case T_BOOL:
		return from->kind == T_INT || from->kind == T_PTR ||
		       from->kind == T_BOOL;
	case T_ARRAY:
		return ty_is_int(to->elem) && from->kind == T_INT &&
		       from->size == to->size;
	default:
		return false;
	}
}

static struct type *ty_cast(struct tstate *s, struct node *e)
{
	struct type *to = ty_typespec(s, e->u.cast.typespec);
	struct type *from = ty_expr(s, e->u.cast.expr, USE_VALUE);

	if (!to || !from)
		return NULL;
	if (to->kind != T_INT && to->kind != T_PTR && to->kind != T_ARRAY &&
	    to->kind != T_BOOL) {
		ERR(s, e->loc, "Cannot cast to '%s'", ty_name(s, to));
		return NULL;
	}
	if (from->kind == T_RECORD) {
		ERR(s, e->loc, "Cannot cast from struct type '%s'",
		    ty_name(s, from));
		return NULL;
	}
	if (to->kind == T_INT || to->kind == T_BOOL) {
		coerce_percpu(e->u.cast.expr);
		from = e->u.cast.expr->type;
	}
	if (!cast_ok(to, from)) {
		ERR(s, e->loc, "Cannot cast from '%s' to '%s'",
		    ty_name(s, from), ty_name(s, to));
		return NULL;
	}
	if (to->nenumerators && e->u.cast.expr->kind == N_INT) {
		uint64_t v = e->u.cast.expr->u.integer.value;
		uint32_t i = 0;

		while (i < to->nenumerators &&
		       (uint64_t)to->enumerators[i].value != v)
			i++;
		if (i == to->nenumerators) {
			ERR(s, e->loc,
			    "Enum: %s doesn't contain a variant "
			    "value of %" PRIu64,
			    to->name + 5, v);
			return NULL;
		}
	}
	if (to->kind == T_PTR) {
		enum addrspace as = from->kind == T_PTR ? from->as : AS_NONE;

		if (as == AS_NONE)
			as = probe_as(s);
		if (as != AS_NONE && as != to->as)
			return type_ptr(s->ctx->arena, to->elem, as);
	}
	return to;
}

/* sizeof and offsetof are constants: the node becomes that integer
 * literal (unsigned, so uint64) for codegen and for the functions that
 * want literal arguments. */
static struct type *fold_const(struct node *e, uint64_t v, struct node *folded)
{
	e->kind = N_INT;
	memset(&e->u, 0, sizeof(e->u));
	e->u.integer.value = v;
	e->u.integer.is_unsigned = true;
	e->u.integer.folded = folded;
	return type_u64();
}

static struct type *ty_sizeof(struct tstate *s, struct node *e)
{
	struct type *t;

	if (e->u.sizeof_.typespec)
		t = ty_typespec(s, e->u.sizeof_.typespec);
	else
		t = ty_expr(s, e->u.sizeof_.expr, USE_VALUE);
	if (!t)
		return NULL;
	if (!type_complete(t)->size) {
		ERR(s, e->loc, "Cannot take the size of type '%s'",
		    ty_name(s, t));
		return NULL;
	}
	/* a bool is held in 8 bytes, but C's and bpftrace's is 1 */
	return fold_const(e, t->kind == T_BOOL ? 1 : t->size,
			  e->u.sizeof_.expr);
}

static struct type *ty_offsetof(struct tstate *s, struct node *e)
{
	struct type *t = ty_typespec(s, e->u.offsetof.typespec);
	char *path, *save = NULL;
	uint32_t off, total = 0;

	if (!t)
		return NULL;
	path = arena_strdup(s->ctx->arena, e->u.offsetof.field);
	for (char *f = strtok_r(path, ".", &save); f;
	     f = strtok_r(NULL, ".", &save)) {
		const struct field *fld;

		if (t->kind != T_RECORD) {
			ERR(s, e->loc, "The type given to offsetof() must be "
			    "a struct or union, found '%s'", ty_name(s, t));
			return NULL;
		}
		fld = type_field(t, f, &off);
		if (!fld) {
			ERR(s, e->loc, "Struct/union of type '%s' does not "
			    "contain a field named '%s'", ty_name(s, t), f);
			return NULL;
		}
		t = fld->type;
		total += off;
	}
	return fold_const(e, total, NULL);
}

static struct type *ty_tuple(struct tstate *s, struct node *e)
{
	int n = ast_list_len(e->u.tuple.elems), i = 0;
	struct type **elems = arena_calloc(s->ctx->arena, n, sizeof(*elems));
	bool ok = true;

	for (struct node *x = e->u.tuple.elems; x; x = x->next, i++) {
		elems[i] = ty_expr(s, x, USE_VALUE);
		if (!elems[i]) {
			ok = false;
		} else if (elems[i]->kind == T_NONE ||
			   type_is_aggregation(elems[i])) {
			ERR(s, x->loc,
			    "A value of type '%s' cannot be part "
			    "of a %s",
			    ty_name(s, elems[i]),
			    e->u.tuple.names ? "record" : "tuple");
			ok = false;
		}
	}
	if (!ok)
		return NULL;
	if (e->u.tuple.names)
		return type_named_tuple(s->ctx->arena, elems, e->u.tuple.names,
					n);
	return type_tuple(s->ctx->arena, elems, n);
}

/* ---- dispatch ---- */

static struct type *ty_dispatch(struct tstate *s, struct node *e,
				enum ty_use use)
{
	switch (e->kind) {
	case N_INT:
		if (e->u.integer.folded)
			ty_expr(s, e->u.integer.folded, USE_VALUE);
		return e->u.integer.is_unsigned ? type_u64() : type_s64();
	case N_STRING:
		return type_string(s->ctx->arena, e->u.string.len + 1);
	case N_BOOL:
		return type_bool();
	case N_BLOCK_EXPR:
		return ty_block_expr(s, e, use);
	case N_IDENT:
		return ty_builtin(s, e);
	case N_POSITIONAL:
		return ty_positional(s, e, false);
	case N_VAR:
		return ty_var_read(s, e);
	case N_MAP:
		return ty_map_read(s, e);
	case N_CALL:
		return ty_call(s, e, use);
	case N_BINOP:
		return ty_binop(s, e);
	case N_UNOP:
		return ty_unop(s, e);
	case N_TERNARY:
		return ty_ternary(s, e, use);
	case N_FIELD:
		return ty_field(s, e);
	case N_INDEX:
		return ty_index(s, e);
	case N_TUPLE_INDEX:
		return ty_tuple_index(s, e);
	case N_CAST:
		return ty_cast(s, e);
	case N_TUPLE:
		return ty_tuple(s, e);
	case N_SIZEOF:
		return ty_sizeof(s, e);
	case N_OFFSETOF:
		return ty_offsetof(s, e);
	case N_TYPESPEC:
		return ty_typespec(s, e);
	default:
		return NULL;
	}
}

struct type *ty_expr(struct tstate *s, struct node *e, enum ty_use use)
{
	if (!e)
		return NULL;
	e->type = ty_dispatch(s, e, use);
	return e->type;
}
