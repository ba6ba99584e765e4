/* The type pass: reads the resolved AST (builtins and functions set by
 * pass_resolve) and sets node->type on every expression, the type of every
 * scratch variable (per probe, fixed by its first assignment) and the key
 * and value types of every map (one per program). Maps may be used in a
 * probe before the probe that assigns them, so the walk repeats with its
 * diagnostics discarded until no map type changes, then runs once more to
 * report. Afterwards ctx->maps (ids in order of first mention), ctx->nmaps
 * and ctx->vars are filled, every expression that type-checked has a
 * type, and the compile-time constants are literals: sizeof, offsetof and
 * an unroll count given as $N became N_INT nodes. Expressions are typed in
 * pass_types_expr.c. */
#include "pass_types.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"

#define MAX_ROUNDS 10

/* ---- shared helpers ---- */

const char *ty_name(struct tstate *s, const struct type *t)
{
	return t ? type_name(s->ctx->arena, t) : "none";
}

bool ty_is_int(const struct type *t)
{
	return t && t->kind == T_INT;
}

bool ty_is_cond(const struct type *t)
{
	return t && (t->kind == T_INT || t->kind == T_PTR || t->kind == T_BOOL);
}

struct type *ty_widen_int(const struct type *t)
{
	if (t->wide) /* an enum stays one (map values and keys print) */
		return t->wide;
	return type_int(8, t->is_signed);
}

/* Tuples element by element; records (named tuples) field by name, in
 * any order: the merged record keeps the order first seen, as bpftrace
 * 0.26 does, and codegen stores each field where its name is. */
static bool tuple_assignable(struct tstate *s, struct type *have,
			     struct type *t, struct type **merged)
{
	bool named = type_is_named_tuple(have);
	struct type **elems;
	const char **names;
	bool widened = false;

	if (have->count != t->count || named != type_is_named_tuple(t))
		return false;
	elems = arena_calloc(s->ctx->arena, have->count, sizeof(*elems));
	names = arena_calloc(s->ctx->arena, have->count, sizeof(*names));
	for (uint32_t i = 0; i < have->count; i++) {
		const struct field *bf =
		    named ? type_named_field(t, have->fields[i].name)
			  : &t->fields[i];
		struct type *a = have->fields[i].type;

		if (!bf || !ty_assignable(s, a, bf->type, &elems[i]))
			return false;
		names[i] = have->fields[i].name;
		widened |= elems[i] != a;
	}
	if (!widened)
		*merged = have;
	else if (named)
		*merged = type_named_tuple(s->ctx->arena, elems, names,
					   have->count);
	else
		*merged = type_tuple(s->ctx->arena, elems, have->count);
	return true;
}

bool ty_assignable(struct tstate *s, struct type *have, struct type *t,
		   struct type **merged)
{
	*merged = have;
	if (have->kind != t->kind)
		return false;
	switch (have->kind) {
	case T_INT:
		return true;
	case T_STRING:
		if (t->size > have->size)
			*merged = type_string(s->ctx->arena, t->size);
		return true;
	case T_TUPLE:
		return tuple_assignable(s, have, t, merged);
	case T_RECORD:
		return have->name && t->name && !strcmp(have->name, t->name);
	case T_COUNT: case T_SUM: case T_MIN: case T_MAX: case T_AVG:
	case T_STATS: case T_HIST: case T_LHIST: case T_TSERIES:
		/* as bpftrace: the same function, whatever its arguments */
		return true;
	default:
		return type_equal(have, t);
	}
}

/* ---- scratch variables ---- */

static void let_learn(struct tstate *s, struct var_info *v);

struct var_info *ty_var_find(struct tstate *s, const char *name)
{
	for (int i = s->nscope - 1; i >= 0; i--)
		if (!strcmp(s->scope[i]->name, name))
			return s->scope[i];
	return NULL;
}

static struct var_info *var_declare(struct tstate *s, struct node *var,
				    struct type *t, struct node *site)
{
	struct var_info *v = arena_alloc(s->ctx->arena, sizeof(*v));

	v->name = var->u.var.name;
	v->type = t;
	v->site = site;
	v->probe = s->probe;
	v->assigned = true;
	if (s->nscope == s->capscope) {
		int cap = s->capscope ? 2 * s->capscope : 16;
		struct var_info **n = arena_calloc(s->ctx->arena, cap,
						   sizeof(*n));

		if (s->nscope)
			memcpy(n, s->scope, s->nscope * sizeof(*n));
		s->scope = n;
		s->capscope = cap;
	}
	s->scope[s->nscope++] = v;
	var->u.var.decl = v;
	if (s->vars_tail)
		s->vars_tail->next = v;
	else
		s->ctx->vars = v;
	s->vars_tail = v;
	return v;
}

/* The type a variable first assigned at site starts with: t, or what the
 * round before widened t to (tuples and records whose strings grew). */
static struct type *seeded(struct tstate *s, struct node *site,
			   struct type *t)
{
	struct type *merged;

	if (!t || t->kind != T_TUPLE)
		return t;
	for (struct var_info *p = s->prev_vars; p; p = p->next)
		if (p->site == site && p->type &&
		    ty_assignable(s, p->type, t, &merged))
			return p->type;
	return t;
}

/* $x = value: the first assignment fixes the type; later ones must agree
 * (ints of any size, strings of any length, tuples element-wise). */
static void var_assign(struct tstate *s, struct node *var, struct type *t,
		       struct node *site)
{
	struct var_info *v = ty_var_find(s, var->u.var.name);
	struct type *merged;

	if (!v) {
		var->type = var_declare(s, var, seeded(s, site, t), site)->type;
		return;
	}
	var->u.var.decl = v;
	if (!t || !v->type) {
		if (!v->type)
			v->type = t;
		var->type = v->type;
		let_learn(s, v);
		return;
	}
	if (v->fixed && ty_assignable(s, v->type, t, &merged) &&
	    merged->kind == T_INT) {
		/* let $x: uint8: the value is converted to the type */
		var->type = v->type;
		return;
	}
	if (!ty_assignable(s, v->type, t, &merged)) {
		diag_error(&s->ctx->diags, site->loc,
			   "Type mismatch for %s: trying to assign value of "
			   "type '%s' when variable already contains a value "
			   "of type '%s'", v->name, ty_name(s, t),
			   ty_name(s, v->type));
		diag_note(&s->ctx->diags, v->site->loc,
			  v->fixed ? "declared here as '%s'"
				   : "first assigned here as '%s'",
			  ty_name(s, v->type));
	} else {
		v->type = merged;
		let_learn(s, v);
	}
	var->type = v->type;
}

/* let $x; ... $x = "a": the type found for a let goes to its N_LET, where
 * the next round starts from it (a read may come before the assignment
 * that types it). */
static void let_learn(struct tstate *s, struct var_info *v)
{
	if (!v->let || !v->type || v->let->type == v->type)
		return;
	if (!v->let->type || !type_equal(v->let->type, v->type))
		s->changed = true;
	v->let->type = v->type;
}

/* The end of a block: its let variables end here; so do the variables
 * first assigned in it when block_scoping is set (bpftrace 0.26), or in
 * a block expression (new syntax); otherwise (bpftrace 0.17) they stay
 * visible to the end of the probe. */
static void scope_end(struct tstate *s, int mark, bool always)
{
	int n = mark;

	if (always || s->ctx->opts.block_scoping) {
		s->nscope = mark;
		return;
	}
	for (int i = mark; i < s->nscope; i++) {
		if (s->scope[i]->let)
			continue;
		s->scope[i]->leaked = true;
		s->scope[n++] = s->scope[i];
	}
	s->nscope = n;
}

/* ---- maps ---- */

static struct map_info *map_get(struct tstate *s, const char *name)
{
	struct map_info *m, **tail = &s->ctx->maps;

	for (m = s->ctx->maps; m; m = m->next) {
		if (!strcmp(m->name, name))
			return m;
		tail = &m->next;
	}
	m = arena_alloc(s->ctx->arena, sizeof(*m));
	m->name = name;
	m->id = s->ctx->nmaps++;
	*tail = m;
	return m;
}

static const char *key_list(struct tstate *s, const struct type *key)
{
	const char *out = "";

	if (!key)
		return "[]";
	if (key->kind != T_TUPLE || type_is_named_tuple(key))
		return arena_printf(s->ctx->arena, "[%s]", ty_name(s, key));
	for (uint32_t i = 0; i < key->count; i++)
		out = arena_printf(s->ctx->arena, "%s%s%s", out,
				   i ? ", " : "",
				   ty_name(s, key->fields[i].type));
	return arena_printf(s->ctx->arena, "[%s]", out);
}

void ty_map_key_check(struct tstate *s, struct map_info *m,
		      struct type *key, struct node *site)
{
	struct type *merged;
	bool ok;

	if (!m->key_site) {
		m->key = key;
		m->key_site = site;
		s->changed = true;
		return;
	}
	if (!m->key || !key)
		ok = !m->key && !key;
	else
		ok = ty_assignable(s, m->key, key, &merged);
	if (ok) {
		if (m->key && merged != m->key) {
			m->key = merged;
			s->changed = true;
		}
		return;
	}
	diag_error(&s->ctx->diags, site->loc,
		   "Argument mismatch for %s: trying to access with arguments: "
		   "%s when map expects arguments: %s", m->name,
		   key_list(s, key), key_list(s, m->key));
	diag_note(&s->ctx->diags, m->key_site->loc,
		  "%s first used here with arguments: %s", m->name,
		  key_list(s, m->key));
}

/* A struct, string or array of size 0: an empty struct, a flexible
 * array member (char name[] is a string[0], as in bpftrace). */
static bool no_bytes(const struct type *t)
{
	return !t->size && (t->kind == T_RECORD || t->kind == T_STRING ||
			    t->kind == T_ARRAY || t->kind == T_TUPLE);
}

/* Whether a value of type t can be (part of) a map key: reported at k
 * when not. Tuples and records are keys as in bpftrace 0.26, element by
 * element. */
static bool key_type_ok(struct tstate *s, struct node *k, struct type *t)
{
	if ((t->kind == T_PTR && t->is_ctx) || (t->kind == T_RECORD &&
						 t->is_ctx)) {
		diag_error(&s->ctx->diags, k->loc,
			   "Context cannot be used as a map key");
		return false;
	}
	/* structs by value are keys as bpftrace 0.17 allows; nothing of
	 * size 0 (an empty struct, a flexible array) can key a BPF map */
	if (t->kind == T_NONE || type_is_aggregation(t) || no_bytes(t)) {
		diag_error(&s->ctx->diags, k->loc,
			   "A value of type '%s' cannot be used as a map key",
			   ty_name(s, t));
		return false;
	}
	for (uint32_t i = 0; t->kind == T_TUPLE && i < t->nfields; i++)
		if (!key_type_ok(s, k, t->fields[i].type))
			return false;
	return true;
}

static struct type *key_elem(struct tstate *s, struct node *k)
{
	struct type *t = ty_expr(s, k, USE_KEY);

	if (!t || !key_type_ok(s, k, t))
		return NULL;
	return t->kind == T_INT ? ty_widen_int(t) : t;
}

/* @m[(a, b)] is @m[a, b] (bpftrace 0.26): the tuple's own integers
 * widened as a multi-key's are. */
static struct type *key_of_tuple(struct tstate *s, struct type *t)
{
	struct type **elems;

	if (t->kind != T_TUPLE || type_is_named_tuple(t))
		return t;
	elems = arena_calloc(s->ctx->arena, t->nfields, sizeof(*elems));
	for (uint32_t i = 0; i < t->nfields; i++) {
		elems[i] = t->fields[i].type;
		if (elems[i]->kind == T_INT)
			elems[i] = ty_widen_int(elems[i]);
	}
	return type_tuple(s->ctx->arena, elems, t->nfields);
}

struct type *ty_map_keys(struct tstate *s, struct node *map, bool *ok)
{
	int n = ast_list_len(map->u.map.keys), i = 0;
	struct type **elems;

	*ok = true;
	if (!n)
		return NULL;
	elems = arena_calloc(s->ctx->arena, n, sizeof(*elems));
	for (struct node *k = map->u.map.keys; k; k = k->next) {
		elems[i] = key_elem(s, k);
		if (!elems[i++])
			*ok = false;
	}
	if (!*ok)
		return NULL;
	return n == 1 ? key_of_tuple(s, elems[0])
		      : type_tuple(s->ctx->arena, elems, n);
}

struct map_info *ty_map_ref(struct tstate *s, struct node *map,
			    bool skip_keys)
{
	struct map_info *m = map_get(s, map->u.map.name);
	bool ok;

	map->u.map.info = m;
	if (!skip_keys || map->u.map.keys) {
		struct type *key = ty_map_keys(s, map, &ok);

		if (ok)
			ty_map_key_check(s, m, key, map);
	}
	return m;
}

void ty_map_assign(struct tstate *s, struct node *map, struct type *t,
		   struct node *site)
{
	struct map_info *m = map->u.map.info;
	struct type *merged;

	m->written = true;
	if (t->kind == T_INT)
		t = ty_widen_int(t);
	if (!m->value) {
		m->value = t;
		m->value_site = site;
		m->value_map = map;
		s->changed = true;
	} else if (!ty_assignable(s, m->value, t, &merged)) {
		diag_error(&s->ctx->diags, site->loc,
			   "Type mismatch for %s: trying to assign value of "
			   "type '%s' when map already contains a value of "
			   "type '%s'", m->name, ty_name(s, t),
			   ty_name(s, m->value));
		diag_note(&s->ctx->diags, m->value_site->loc,
			  "first assigned here as '%s'",
			  ty_name(s, m->value));
	} else if (t->kind == T_TSERIES &&
		   (t->ts_interval != m->value->ts_interval ||
		    t->ts_num != m->value->ts_num ||
		    t->ts_agg != m->value->ts_agg)) {
		/* bpftrace 0.26's words; the BPF side keeps one layout */
		diag_error(&s->ctx->diags, site->loc,
			   "Different tseries bounds in a single map unsupported");
	} else if (merged != m->value) {
		m->value = merged;
		s->changed = true;
	}
	map->type = m->value;
}

/* ---- statements ---- */

static void ty_stmt(struct tstate *s, struct node *n);
static bool storable(struct tstate *s, struct node *value, struct type *t,
		     bool map);

static void ty_block(struct tstate *s, struct node *block)
{
	int mark = s->nscope;

	for (struct node *n = block ? block->u.block.stmts : NULL; n;
	     n = n->next)
		ty_stmt(s, n);
	scope_end(s, mark, false);
}

struct type *ty_block_expr(struct tstate *s, struct node *e, enum ty_use use)
{
	int mark = s->nscope;
	struct type *t;

	for (struct node *n = e->u.block_expr.block->u.block.stmts; n;
	     n = n->next)
		ty_stmt(s, n);
	/* an aggregation is only the whole value of a map assignment: not
	 * the value of a block */
	t = e->u.block_expr.value
		    ? ty_expr(s, e->u.block_expr.value,
			      use == USE_STMT ? USE_STMT : USE_VALUE)
		    : type_none();
	scope_end(s, mark, true);
	return t;
}

/* "This is the initial declaration." as bpftrace 0.26 words it. */
static void note_origin(struct tstate *s, const struct var_info *v)
{
	diag_note(&s->ctx->diags, v->site->loc, "%s",
		  v->loop_var ? "This is the loop variable."
		  : v->let    ? "This is the initial declaration."
			      : "This is the initial assignment.");
}

/* let $x: uint16 = -1 needs a cast (bpftrace 0.26): a literal the
 * declared integer type cannot hold is an error, not a silent wrap. */
static bool literal_fits(struct tstate *s, struct node *value,
			 const struct type *t)
{
	uint64_t v;
	unsigned bits = t->size * 8;
	bool neg, ok;

	/* the union holds an integer only in an N_INT */
	if (value->kind != N_INT || t->kind != T_INT)
		return true;
	v = value->u.integer.value;
	neg = !value->u.integer.is_unsigned && (int64_t)v < 0;
	if (t->is_signed)
		ok = bits >= 64 || ((int64_t)v >= -(INT64_C(1) << (bits - 1)) &&
				    (int64_t)v < (INT64_C(1) << (bits - 1)));
	else
		ok = !neg && (bits >= 64 || v < (UINT64_C(1) << bits));
	if (!ok)
		diag_error(&s->ctx->diags, value->loc,
			   "Integer literal %s%" PRIu64
			   " does not fit in '%s': "
			   "cast it",
			   neg ? "-" : "", neg ? -v : v, ty_name(s, t));
	return ok;
}

/* let $x [: type] [= value] */
static void ty_let(struct tstate *s, struct node *n)
{
	struct node *var = n->u.let.var, *value = n->u.let.value;
	struct node *ts = n->u.let.typespec;
	struct var_info *old = ty_var_find(s, var->u.var.name), *v;
	struct type *t = NULL, *vt = NULL;

	/* let $s: string holds what str() reads */
	if (ts && !strcmp(ts->u.typespec.name, "string") &&
	    !ts->u.typespec.ptr_depth && !ts->u.typespec.array_len)
		ts->type = t = type_string(s->ctx->arena, s->ctx->opts.strlen);
	else if (ts)
		t = ty_expr(s, ts, USE_VALUE);

	if (value) {
		vt = ty_expr(s, value, USE_VAR_VALUE);
		if (vt && !storable(s, value, vt, false))
			vt = NULL;
	}
	if (old && !old->leaked) {
		diag_error(&s->ctx->diags, n->loc,
			   "Variable %s was already declared. Variable "
			   "shadowing is not allowed.",
			   var->u.var.name);
		note_origin(s, old);
		return;
	}
	if (ts && !t)
		return; /* reported */
	if (t && (t->kind == T_NONE || type_is_aggregation(t))) {
		diag_error(&s->ctx->diags, ts->loc,
			   "A variable cannot have type '%s'", ty_name(s, t));
		return;
	}
	if (t && t->kind == T_INT)
		t = type_int(t->size, t->is_signed);
	v = var_declare(s, var, t ? t : n->type, n);
	v->let = n;
	v->fixed = t != NULL;
	v->read = !value; /* let $x; alone is no unused assignment */
	var->type = v->type;
	if (t)
		n->type = t;
	if (vt && t && !literal_fits(s, value, t))
		return;
	if (vt)
		var_assign(s, var, vt, n);
}

/* A value that a variable or map can hold. */
static bool storable(struct tstate *s, struct node *value, struct type *t,
		     bool map)
{
	if (t->kind == T_NONE) {
		diag_error(&s->ctx->diags, value->loc,
			   "Invalid expression for assignment: it has no "
			   "value");
		return false;
	}
	if ((t->kind == T_PTR || t->kind == T_RECORD) && t->is_ctx &&
	    map) {
		diag_error(&s->ctx->diags, value->loc,
			   "Context cannot be assigned to a map");
		return false;
	}
	if (map && no_bytes(t)) {
		diag_error(&s->ctx->diags, value->loc,
			   "A value of type '%s' cannot be stored in a map: "
			   "it has no bytes",
			   ty_name(s, t));
		return false;
	}
	/* as bpftrace, $c = @count reads a scalar aggregation's value */
	if (type_is_aggregation(t) && !map &&
	    (value->kind != N_MAP || t->kind == T_HIST ||
	     t->kind == T_LHIST || t->kind == T_STATS ||
	     t->kind == T_TSERIES)) {
		diag_error(&s->ctx->diags, value->loc,
			   "A value of type '%s' can only be stored in a map",
			   ty_name(s, t));
		return false;
	}
	return true;
}

static void assign_map(struct tstate *s, struct node *n)
{
	struct node *map = n->u.assign.target, *value = n->u.assign.value;
	struct map_info *m = ty_map_ref(s, map, false);
	struct type *t;

	if (n->u.assign.compound) {
		/* @m op= e: an unset map starts as an int, like @m++ */
		if (!m->value)
			ty_map_assign(s, map, type_s64(), n);
		map->type = m->value;
		ty_expr(s, value, USE_VALUE);
		t = ty_binop_combine(s, n, n->u.assign.op, map, value);
	} else {
		t = ty_expr(s, value, USE_MAP_VALUE);
	}
	if (!t || !storable(s, value, t, true)) {
		m->untyped = true;
		if (!m->untyped_at)
			m->untyped_at = map;
		return;
	}
	ty_map_assign(s, map, t, n);
}

static void assign_var(struct tstate *s, struct node *n)
{
	struct node *var = n->u.assign.target, *value = n->u.assign.value;
	struct type *t;

	if (n->u.assign.compound) {
		struct var_info *v = ty_var_find(s, var->u.var.name);

		if (!v) {
			diag_error(&s->ctx->diags, var->loc,
				   "Undefined or undeclared variable: %s",
				   var->u.var.name);
			return;
		}
		v->read = true;
		var->type = v->type;
		ty_expr(s, value, USE_VALUE);
		t = ty_binop_combine(s, n, n->u.assign.op, var, value);
	} else {
		t = ty_expr(s, value, USE_VAR_VALUE);
	}
	if (t && !storable(s, value, t, false))
		t = NULL;
	var_assign(s, var, t, n);
}

static void ty_assign(struct tstate *s, struct node *n)
{
	struct node *target = n->u.assign.target;

	if (target->kind == N_MAP) {
		assign_map(s, n);
	} else if (target->kind == N_VAR) {
		assign_var(s, n);
	} else {
		ty_expr(s, target, USE_VALUE);
		ty_expr(s, n->u.assign.value, USE_VALUE);
		diag_error(&s->ctx->diags, target->loc,
			   "Only scratch variables ($x) and maps (@m) can be "
			   "assigned to");
	}
}

static void ty_cond(struct tstate *s, struct node *cond, const char *what)
{
	struct type *t = ty_expr(s, cond, USE_VALUE);

	if (t && !ty_is_cond(t))
		diag_error(&s->ctx->diags, cond->loc,
			   "Invalid condition in %s: %s", what,
			   ty_name(s, t));
}

/* An unroll count known at compile time: an integer literal, negated or
 * not, or a numeric positional parameter. */
static bool const_count(struct tstate *s, struct node *c, int64_t *v)
{
	const struct compile_opts *o = &s->ctx->opts;
	const char *p;
	char *end;

	if (c->kind == N_INT) {
		*v = c->u.integer.is_unsigned && c->u.integer.value > INT64_MAX
			     ? INT64_MAX : (int64_t)c->u.integer.value;
		return true;
	}
	if (c->kind == N_UNOP && c->u.unop.op == OP_NEG &&
	    c->u.unop.expr->kind == N_INT) {
		*v = -(int64_t)c->u.unop.expr->u.integer.value;
		return true;
	}
	if (c->kind != N_POSITIONAL || c->u.positional.is_count ||
	    c->u.positional.index > o->nparams)
		return false;
	p = o->params[c->u.positional.index - 1];
	errno = 0;
	*v = strtoll(p, &end, 0);
	return !errno && *p && *end == '\0';
}

static void ty_unroll(struct tstate *s, struct node *n)
{
	struct node *c = n->u.loop.cond;
	struct type *t = ty_expr(s, c, USE_VALUE);
	int64_t v;

	if (!t) {
		/* reported */
	} else if (!const_count(s, c, &v)) {
		diag_error(&s->ctx->diags, c->loc,
			   "Invalid unroll count: expected an integer "
			   "literal");
	} else if (v < 1) {
		diag_error(&s->ctx->diags, c->loc,
			   "Unroll minimum value is 1 (%lld given)",
			   (long long)v);
	} else if (v > 100) {
		diag_error(&s->ctx->diags, c->loc,
			   "Unroll maximum value is 100 (%lld given)",
			   (long long)v);
	} else if (c->kind != N_INT) {
		/* codegen reads the count from an N_INT */
		c->kind = N_INT;
		c->u.integer.value = (uint64_t)v;
		c->u.integer.is_unsigned = false;
	}
	ty_block(s, n->u.loop.body);
}

/* The (key, value) tuple a for loop binds; aggregations read as ints. */
static struct type *for_elem_type(struct tstate *s, struct map_info *m,
				  struct node *where)
{
	struct type *elems[2] = { m->key, m->value };

	switch (m->value->kind) {
	case T_COUNT:
		elems[1] = type_u64();
		break;
	case T_SUM: case T_MIN: case T_MAX:
		elems[1] = type_int(8, m->value->is_signed);
		break;
	case T_AVG: case T_STATS: case T_HIST: case T_LHIST: case T_TSERIES:
		diag_error(&s->ctx->diags, where->loc,
			   "Loop expression does not support type: %s",
			   ty_name(s, m->value));
		return NULL;
	default:
		break;
	}
	return type_tuple(s->ctx->arena, elems, 2);
}

/* A loop variable shadows nothing (bpftrace 0.26); it is always set. */
static void loop_var(struct tstate *s, struct node *var, struct type *t)
{
	struct var_info *old = ty_var_find(s, var->u.var.name), *v;

	if (old && !old->leaked) {
		diag_error(&s->ctx->diags, var->loc,
			   "Loop declaration shadows existing variable: %s",
			   var->u.var.name);
		note_origin(s, old);
	}
	v = var_declare(s, var, t, var);
	v->loop_var = true;
	var->type = t;
}

/* for ($i : start..end): start inclusive, end exclusive, both read once;
 * $i is a 64-bit integer, unsigned when both bounds are. */
static void ty_for_range(struct tstate *s, struct node *n)
{
	struct node *b[2] = {n->u.for_.start, n->u.for_.start->next};
	static const char *const what[2] = {"start", "end"};
	struct type *t[2];
	int saved = s->nscope;
	bool ok = true;

	for (int i = 0; i < 2; i++) {
		t[i] = ty_expr(s, b[i], USE_VALUE);
		if (t[i] && t[i]->kind != T_INT) {
			diag_error(&s->ctx->diags, b[i]->loc,
				   "Loop range requires an integer for the "
				   "%s value, found '%s'",
				   what[i], ty_name(s, t[i]));
			ok = false;
		}
		ok &= t[i] != NULL;
	}
	loop_var(s, n->u.for_.var,
		 ok ? type_int(8, t[0]->is_signed || t[1]->is_signed) : NULL);
	ty_block(s, n->u.for_.body);
	s->nscope = saved;
}

static void ty_for(struct tstate *s, struct node *n)
{
	struct node *var = n->u.for_.var, *map = n->u.for_.map;
	struct map_info *m = ty_map_ref(s, map, true);
	struct type *t = NULL;
	int saved = s->nscope;

	m->read = true;
	map->type = m->value;
	if (!m->value) {
		if (!m->untyped)
			diag_error(&s->ctx->diags, map->loc,
				   "Undefined map: %s", m->name);
	} else if (m->key_site && !m->key) {
		diag_error(&s->ctx->diags, map->loc,
			   "Maps used as for-loop expressions must have keys "
			   "to iterate over");
	} else if (type_is_aggregation(m->value)) {
		/* BPF's map iteration sees one CPU's share of a per-CPU
		 * value: the loop would print a fraction of the truth */
		diag_error(&s->ctx->diags, map->loc,
			   "for-loops over %s maps are not supported: their values are kept per CPU (use print(%s))",
			   ty_name(s, m->value), m->name);
	} else if (m->key) {
		t = for_elem_type(s, m, map);
	}
	loop_var(s, var, t);
	ty_block(s, n->u.for_.body);
	/* the loop variable and those first assigned in the body end here */
	s->nscope = saved;
}

static void ty_stmt(struct tstate *s, struct node *n)
{
	switch (n->kind) {
	case N_BLOCK:
		ty_block(s, n);
		break;
	case N_EXPR_STMT:
		ty_expr(s, n->u.expr_stmt.expr, USE_STMT);
		break;
	case N_ASSIGN:
		ty_assign(s, n);
		break;
	case N_IF:
		ty_cond(s, n->u.if_.cond, "if()");
		ty_block(s, n->u.if_.then);
		if (n->u.if_.else_)
			ty_stmt(s, n->u.if_.else_);
		break;
	case N_WHILE:
		ty_cond(s, n->u.loop.cond, "while()");
		ty_block(s, n->u.loop.body);
		break;
	case N_UNROLL:
		ty_unroll(s, n);
		break;
	case N_FOR:
		if (n->u.for_.map)
			ty_for(s, n);
		else
			ty_for_range(s, n);
		break;
	case N_LET:
		ty_let(s, n);
		break;
	default:
		break;
	}
}

/* ---- the driver ---- */

static void ty_probe(struct tstate *s, struct node *probe)
{
	struct node *pred = probe->u.probe.pred;

	s->probe = probe;
	s->ctx->type_probe = probe;
	s->nscope = 0;
	if (pred) {
		struct type *t = ty_expr(s, pred, USE_VALUE);

		if (t && !ty_is_cond(t))
			diag_error(&s->ctx->diags, pred->loc,
				   "Invalid type for predicate: %s",
				   ty_name(s, t));
	}
	ty_block(s, probe->u.probe.body);
	s->probe = NULL;
	s->ctx->type_probe = NULL;
}

static bool ty_round(struct compile_ctx *ctx, bool final)
{
	struct tstate s = { .ctx = ctx, .prev_vars = ctx->vars,
			    .final = final };

	ctx->vars = NULL;
	for (struct node *p = ctx->ast->u.program.probes; p; p = p->next)
		ty_probe(&s, p);
	return s.changed;
}

int pass_types(struct compile_ctx *ctx)
{
	struct diags real = ctx->diags;
	int rounds = 0;
	bool changed;

	if (!ctx->ast)
		return 0;
	/* Rounds whose diagnostics are thrown away: they only let map types
	 * flow from any probe to any other. */
	do {
		diags_init(&ctx->diags, ctx->arena, &ctx->src);
		changed = ty_round(ctx, false);
	} while (changed && ++rounds < MAX_ROUNDS);
	ctx->diags = real;
	ty_round(ctx, true);
	if (diag_has_errors(&ctx->diags))
		return -EINVAL;
	/* a map whose every assignment failed to type in some round, while
	 * the final round reported nothing: never generate code for it */
	for (struct map_info *m = ctx->maps; m; m = m->next)
		if (m->untyped && !m->value && m->untyped_at)
			diag_error(&ctx->diags, m->untyped_at->loc,
				   "Cannot determine the type of map %s",
				   m->name);
	return diag_has_errors(&ctx->diags) ? -EINVAL : 0;
}
