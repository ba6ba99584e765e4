/* The macros pass: expands every call of a `macro` (bpftrace 0.26's
 * hygienic macros) before anything else looks at calls. Reads
 * program.macros (the script's and its imports') and, lazily, the macro
 * library (stdlib/macros/base.et, embedded: only the definitions whose
 * names the program uses are parsed). Writes the probes with each call
 * replaced by a copy of the macro's body:
 *   - a $x parameter names the caller's variable (by reference), an @m
 *     parameter the caller's map, an x parameter stands for a copy of the
 *     argument expression wherever x is used;
 *   - every other variable of the body is renamed ($v#N) so it never
 *     clashes with the caller's; a map that is not a parameter is an error;
 *   - a call in a statement becomes a block; in an expression, the body's
 *     value alone, or an N_BLOCK_EXPR (statements, then the value).
 * A call resolves to: a macro of the script with a matching signature,
 * else a C builtin or function accepting that many arguments, else a
 * library macro with a matching signature. Inside a library macro, only
 * library macros and C are seen. The copies' locations lie in a view of
 * the defining file per expansion (compile_add_view), so a diagnostic
 * there ends with a note at the call. After it, program.macros is NULL
 * and no call names a macro. */
#include <errno.h>
#include <string.h>

#include "builtins.h"
#include "compile.h"

/* From the build: stdlib/macros/base.et (compiler/macro_lib.cmake). */
extern const char et_macro_lib[];
extern const unsigned et_macro_lib_len;

#define LIB_NAME "stdlib/macros/base.et"
#define MAX_NESTING 64	  /* macro calls inside macro calls */
#define MAX_LEVEL 1000	  /* expression depth after expansion */
#define MAX_NODES 1000000 /* nodes made by all expansions */

struct mdef {
	struct node *def; /* N_MACRO (u.macro.stdlib: of the library) */
	struct mdef *next;
};

/* What a macro body sees while it is copied. */
struct env {
	const struct node *def; /* NULL: a probe of the script */
	bool lib;
	struct node *call; /* the call being expanded */
	struct node *args; /* its arguments (already expanded) */
	int id;		   /* suffix of renamed variables */
	uint32_t shift;	   /* view base - defining source's base */
	const struct env *up;
	int nesting;
};

/* One definition of the library: [begin, end) of its text, its name. */
struct lib_entry {
	uint32_t begin, end;
	const char *name;
	uint32_t namelen;
	bool parsed;
};

struct mstate {
	struct compile_ctx *ctx;
	struct mdef *user, *lib;
	struct lib_entry *index; /* the library's definitions */
	int nindex;
	bool indexed;
	const struct source *lib_src;
	int next_id;
	long nodes;
	bool too_big, too_deep;
};

static struct node *xf(struct mstate *m, struct node *n, const struct env *e,
		       int level);
static void xf_list(struct mstate *m, struct node **l, const struct env *e,
		    int level);

/* ---- definitions ---- */

static const char *kind_word(const struct node *p)
{
	return p->kind == N_VAR	  ? "Variable"
	       : p->kind == N_MAP ? "Map"
				  : "Ident";
}

static const char *param_name(const struct node *p)
{
	return p->kind == N_VAR	  ? p->u.var.name
	       : p->kind == N_MAP ? p->u.map.name
				  : p->u.ident.name;
}

static bool same_signature(const struct node *a, const struct node *b)
{
	const struct node *x = a->u.macro.params, *y = b->u.macro.params;

	if (a->u.macro.nparams != b->u.macro.nparams)
		return false;
	for (; x && y; x = x->next, y = y->next)
		if (x->kind != y->kind)
			return false;
	return true;
}

/* Duplicate parameters, builtins as parameters. */
static bool check_params(struct mstate *m, struct node *def)
{
	bool ok = true;

	for (struct node *p = def->u.macro.params; p; p = p->next) {
		if (p->kind == N_IDENT && builtin_find(p->u.ident.name)) {
			diag_error(&m->ctx->diags, p->loc,
				   "syntax: builtin '%s' can't be used as a "
				   "macro argument",
				   p->u.ident.name);
			ok = false;
		}
		for (struct node *q = def->u.macro.params; q != p; q = q->next)
			if (q->kind == p->kind &&
			    !strcmp(param_name(q), param_name(p))) {
				diag_error(&m->ctx->diags, p->loc,
					   "%s for macro argument has already "
					   "been used: %s",
					   kind_word(p), param_name(p));
				ok = false;
				break;
			}
	}
	return ok;
}

static void add_def(struct mstate *m, struct node *def, bool lib)
{
	struct mdef **list = lib ? &m->lib : &m->user, *d;

	if (!check_params(m, def))
		return;
	for (d = *list; d; d = d->next) {
		if (strcmp(d->def->u.macro.name, def->u.macro.name) ||
		    !same_signature(d->def, def))
			continue;
		diag_error(&m->ctx->diags, def->loc,
			   "Redefinition of macro: %s", def->u.macro.name);
		diag_note(&m->ctx->diags, d->def->loc,
			  "This is the original definition.");
		return;
	}
	d = arena_calloc(m->ctx->arena, 1, sizeof(*d));
	d->def = def;
	def->u.macro.stdlib = lib;
	while (*list)
		list = &(*list)->next;
	*list = d;
}

/* ---- the macro library, parsed a name at a time ---- */

/* Each "macro NAME" at the start of a line opens a definition that runs
 * to the next one: comments between them parse as nothing. */
static void lib_index(struct mstate *m)
{
	const char *t = et_macro_lib;
	uint32_t len = et_macro_lib_len, cap = 0;

	m->indexed = true;
	for (uint32_t i = 0; i < len; i++) {
		struct lib_entry *e;
		uint32_t b;

		if ((i && t[i - 1] != '\n') || len - i < 7 ||
		    memcmp(t + i, "macro ", 6))
			continue;
		if (m->nindex == (int)cap) {
			struct lib_entry *more;

			cap = cap ? 2 * cap : 64;
			more = arena_calloc(m->ctx->arena, cap, sizeof(*more));
			if (m->nindex)
				memcpy(more, m->index,
				       m->nindex * sizeof(*more));
			m->index = more;
		}
		if (m->nindex)
			m->index[m->nindex - 1].end = i;
		e = &m->index[m->nindex++];
		e->begin = i;
		e->end = len;
		for (b = i + 6; b < len && t[b] == ' '; b++)
			;
		e->name = t + b;
		while (b < len &&
		       (t[b] == '_' || (t[b] >= 'a' && t[b] <= 'z') ||
			(t[b] >= 'A' && t[b] <= 'Z') ||
			(t[b] >= '0' && t[b] <= '9')))
			b++;
		e->namelen = b - (uint32_t)(e->name - t);
	}
}

/* Parses the library's definitions of name (all overloads), once. */
static void lib_load(struct mstate *m, const char *name)
{
	size_t n = strlen(name);

	if (!m->indexed)
		lib_index(m);
	for (int i = 0; i < m->nindex; i++) {
		struct lib_entry *e = &m->index[i];
		struct source piece;
		struct node *prog;

		if (e->parsed || e->namelen != n || memcmp(e->name, name, n))
			continue;
		e->parsed = true;
		if (!m->lib_src)
			m->lib_src = compile_add_source(
			    m->ctx, LIB_NAME, et_macro_lib, et_macro_lib_len);
		if (!m->lib_src)
			return;
		piece = *m->lib_src;
		piece.text += e->begin;
		piece.len = e->end - e->begin;
		piece.base += e->begin;
		piece.next = NULL;
		prog = compile_parse_more(m->ctx, &piece);
		for (struct node *d = prog ? prog->u.program.macros : NULL, *nx;
		     d; d = nx) {
			nx = d->next;
			d->next = NULL;
			add_def(m, d, true);
		}
	}
}

/* ---- resolution ---- */

/* How well args fit def: -1 not at all, else the number of $x and @m
 * parameters matched exactly (the more, the better). */
static int fit(const struct node *def, const struct node *args, int nargs)
{
	int score = 0;

	if (def->u.macro.nparams != nargs)
		return -1;
	for (const struct node *p = def->u.macro.params; p;
	     p = p->next, args = args->next) {
		if (p->kind == N_VAR) {
			if (args->kind != N_VAR)
				return -1;
			score++;
		} else if (p->kind == N_MAP) {
			if (args->kind != N_MAP || args->u.map.keys)
				return -1;
			score++;
		}
	}
	return score;
}

static const struct node *best(const struct mdef *list, const char *name,
			       const struct node *args, int nargs, bool *named)
{
	const struct node *b = NULL;
	int bs = -1;

	for (; list; list = list->next) {
		int s;

		if (strcmp(list->def->u.macro.name, name))
			continue;
		*named = true;
		s = fit(list->def, args, nargs);
		if (s > bs) {
			bs = s;
			b = list->def;
		}
	}
	return b;
}

static bool c_accepts(const char *name, int nargs, bool bare)
{
	const struct func *f;

	if (bare)
		return builtin_find(name) != NULL;
	f = func_find(name);
	return f && nargs >= f->min_args &&
	       (f->max_args < 0 || nargs <= f->max_args);
}

/* Names the closest definition when no definition fits (bpftrace's
 * wording). */
static void no_match(struct mstate *m, struct node *call, const char *name,
		     struct node *args, int nargs, const struct mdef *list)
{
	const struct node *close = NULL;

	for (; list; list = list->next)
		if (!strcmp(list->def->u.macro.name, name) &&
		    (!close || list->def->u.macro.nparams == nargs))
			close = list->def;
	diag_error(&m->ctx->diags, call->loc,
		   "Call to %s() has arguments that do not match any "
		   "definition.",
		   name);
	if (!close)
		return;
	if (close->u.macro.nparams != nargs) {
		diag_note(&m->ctx->diags, close->loc,
			  "The closest definition of %s() has a different "
			  "number of arguments. Expected: %d but got %d",
			  name, close->u.macro.nparams, nargs);
		return;
	}
	for (const struct node *p = close->u.macro.params; p;
	     p = p->next, args = args->next) {
		const char *got = args->kind == N_VAR ? "a variable"
				  : args->kind == N_MAP && !args->u.map.keys
				      ? "a map"
				      : "an expression";

		if ((p->kind == N_VAR && args->kind == N_VAR) ||
		    (p->kind == N_MAP && args->kind == N_MAP &&
		     !args->u.map.keys) ||
		    p->kind == N_IDENT)
			continue;
		diag_note(&m->ctx->diags, args->loc,
			  "Mismatched arg. %s() expects a %s for arg %s but "
			  "got %s.",
			  name, p->kind == N_VAR ? "variable" : "map",
			  param_name(p), got);
		diag_note(&m->ctx->diags, p->loc,
			  "This is the argument in the closest definition.");
		return;
	}
}

/* The macro a call (or a bare identifier, args NULL) names; NULL when
 * it names none, MISMATCH after reporting that none of the macros of its
 * name fits. */
#define MISMATCH ((const struct node *)-1)

static const struct node *resolve(struct mstate *m, struct node *call,
				  const char *name, struct node *args,
				  int nargs, bool bare, const struct env *e)
{
	const struct node *d = NULL;
	bool user_named = false, lib_named = false;

	if (!e->lib) {
		d = best(m->user, name, args, nargs, &user_named);
		if (d && fit(d, args, nargs) >= 0)
			return d;
	}
	if (c_accepts(name, nargs, bare))
		return NULL;
	lib_load(m, name);
	d = best(m->lib, name, args, nargs, &lib_named);
	if (d && fit(d, args, nargs) >= 0)
		return d;
	if (!user_named && !lib_named)
		return NULL;
	no_match(m, call, name, args, nargs, user_named ? m->user : m->lib);
	return MISMATCH;
}

/* ---- expansion ---- */

static bool shift_loc(struct node *n, void *arg)
{
	uint32_t d = *(uint32_t *)arg;

	if (loc_valid(n->loc)) {
		n->loc.begin += d;
		n->loc.end += d;
	}
	return true;
}

static struct node *param_arg(const struct env *e, enum node_kind k,
			      const char *name)
{
	struct node *a = e->args;

	for (const struct node *p = e->def->u.macro.params; p;
	     p = p->next, a = a->next)
		if (p->kind == k && !strcmp(param_name(p), name))
			return a;
	return NULL;
}

static void chain(struct mstate *m, const struct env *e, const char *last,
		  struct loc at)
{
	const char *s = last;

	for (; e && e->def; e = e->up)
		s = arena_printf(m->ctx->arena, "%s > %s", e->def->u.macro.name,
				 s);
	diag_error(&m->ctx->diags, at,
		   "Recursive macro call detected. Call chain: %s", s);
}

/* Copies def's body for one call. Returns the replacement node. */
static struct node *expand(struct mstate *m, const struct node *def,
			   struct node *call, struct node *args,
			   const struct env *up, int level)
{
	struct compile_ctx *ctx = m->ctx;
	const struct source *src = source_of(&ctx->src, def->loc.begin);
	const struct source *view;
	struct env e = {
	    .def = def,
	    .lib = def->u.macro.stdlib,
	    .call = call,
	    .args = args,
	    .id = ++m->next_id,
	    .up = up,
	    .nesting = up->nesting + 1,
	};
	struct node *block, *value;

	for (const struct env *u = up; u && u->def; u = u->up)
		if (u->def == def) {
			chain(m, up, def->u.macro.name, call->loc);
			return NULL;
		}
	if (e.nesting > MAX_NESTING) {
		diag_error(&ctx->diags, call->loc,
			   "Macro calls nest too deeply (more than %d levels)",
			   MAX_NESTING);
		return NULL;
	}
	block = ast_clone(ctx->arena, def->u.macro.body);
	value = ast_clone(ctx->arena, def->u.macro.value);
	view = compile_add_view(ctx, src, def->u.macro.name, call->loc);
	if (view) {
		e.shift = view->base - src->base;
		ast_walk(block, shift_loc, &e.shift);
		ast_walk(value, shift_loc, &e.shift);
	}
	xf_list(m, &block->u.block.stmts, &e, level + 1);
	value = xf(m, value, &e, level + 1);
	if (!block->u.block.stmts && value)
		return value;
	return ast_block_expr(ctx->arena, call->loc, block, value);
}

static struct node *xf_var(struct mstate *m, struct node *n,
			   const struct env *e)
{
	struct node *a;

	if (!e->def)
		return n;
	a = param_arg(e, N_VAR, n->u.var.name);
	n->u.var.name =
	    a ? a->u.var.name
	      : arena_printf(m->ctx->arena, "%s#%d", n->u.var.name, e->id);
	return n;
}

static struct node *xf_map(struct mstate *m, struct node *n,
			   const struct env *e, int level)
{
	struct node *a;

	xf_list(m, &n->u.map.keys, e, level + 1);
	if (!e->def)
		return n;
	a = param_arg(e, N_MAP, n->u.map.name);
	if (a)
		n->u.map.name = a->u.map.name;
	else
		diag_error(&m->ctx->diags, n->loc,
			   "Unhygienic access to map: %s. Maps must be passed "
			   "into the macro as arguments.",
			   n->u.map.name);
	return n;
}

static struct node *xf_call(struct mstate *m, struct node *n,
			    const struct env *e, int level, bool bare)
{
	const char *name = bare ? n->u.ident.name : n->u.call.name;
	const struct node *def;
	struct node *r;

	if (bare && e->def) {
		struct node *a = param_arg(e, N_IDENT, name);

		if (a)
			return ast_clone(m->ctx->arena, a);
	}
	if (!bare)
		xf_list(m, &n->u.call.args, e, level + 1);
	def = resolve(m, n, name, bare ? NULL : n->u.call.args,
		      bare ? 0 : n->u.call.nargs, bare, e);
	if (!def || def == MISMATCH)
		return n;
	r = expand(m, def, n, bare ? NULL : n->u.call.args, e, level);
	return r ? r : n;
}

/* The statement of a value that is not used: an if taken as a value
 * (a body ending in an if) is that if again. */
static struct node *value_stmt(struct mstate *m, struct node *v)
{
	if (v->kind == N_TERNARY && v->u.ternary.if_stmt)
		return ast_if_of_value(m->ctx->arena, v);
	return ast_expr_stmt(m->ctx->arena, v);
}

/* A call in a statement: its block, the value as its last statement. */
static void xf_expr_stmt(struct mstate *m, struct node *s, const struct env *e,
			 int level)
{
	struct node *x = xf(m, s->u.expr_stmt.expr, e, level + 1), *next;

	next = s->next;
	if (x->kind == N_TERNARY && x->u.ternary.if_stmt) {
		*s = *ast_if_of_value(m->ctx->arena, x);
		s->next = next;
		return;
	}
	if (x->kind != N_BLOCK_EXPR) {
		s->u.expr_stmt.expr = x;
		return;
	}
	*s = *x->u.block_expr.block;
	s->next = next;
	if (x->u.block_expr.value)
		s->u.block.stmts = ast_append(
		    s->u.block.stmts, value_stmt(m, x->u.block_expr.value));
}

/* Every other kind: its children, through ast_child_slots (so that a
 * kind added to the AST is walked as soon as ast.c knows its children). */
static struct node *xf_kids(struct mstate *m, struct node *n,
			    const struct env *e, int level)
{
	struct node **slots[3];

	/* sizeof(name) may name a type: left alone unless it is a
	 * parameter */
	if (n->kind == N_SIZEOF && n->u.sizeof_.expr &&
	    n->u.sizeof_.expr->kind == N_IDENT &&
	    !(e->def && param_arg(e, N_IDENT, n->u.sizeof_.expr->u.ident.name)))
		return n;
	ast_child_slots(n, slots);
	for (int i = 0; i < 3; i++)
		if (slots[i])
			xf_list(m, slots[i], e, level);
	return n;
}

static struct node *xf(struct mstate *m, struct node *n, const struct env *e,
		       int level)
{
	if (!n || m->too_big || m->too_deep)
		return n;
	if (level > MAX_LEVEL) {
		m->too_deep = true;
		diag_error(&m->ctx->diags, n->loc,
			   "Program is nested too deeply after macro "
			   "expansion (more than %d levels)",
			   MAX_LEVEL);
		return n;
	}
	if (++m->nodes > MAX_NODES) {
		m->too_big = true;
		diag_error(&m->ctx->diags, n->loc,
			   "Macro expansion makes the program too large "
			   "(more than %d nodes)",
			   MAX_NODES);
		return n;
	}
	switch (n->kind) {
	case N_VAR:
		return xf_var(m, n, e);
	case N_MAP:
		return xf_map(m, n, e, level);
	case N_IDENT:
		return xf_call(m, n, e, level, true);
	case N_CALL:
		return xf_call(m, n, e, level, false);
	case N_EXPR_STMT:
		xf_expr_stmt(m, n, e, level);
		return n;
	default:
		return xf_kids(m, n, e, level + 1);
	}
}

static void xf_list(struct mstate *m, struct node **l, const struct env *e,
		    int level)
{
	for (struct node **p = l; *p; p = &(*p)->next) {
		struct node *next = (*p)->next, *r = xf(m, *p, e, level);

		if (r != *p) {
			r->next = next;
			*p = r;
		}
	}
}

int pass_macros(struct compile_ctx *ctx)
{
	struct mstate m = {.ctx = ctx};
	struct env top = {0};
	struct node *p = ctx->ast;

	if (!p)
		return 0;
	for (struct node *d = p->u.program.macros, *next; d; d = next) {
		next = d->next;
		d->next = NULL;
		add_def(&m, d, false);
	}
	p->u.program.macros = NULL;
	for (struct node *pr = p->u.program.probes; pr; pr = pr->next) {
		pr->u.probe.pred = xf(&m, pr->u.probe.pred, &top, 1);
		pr->u.probe.body = xf(&m, pr->u.probe.body, &top, 1);
	}
	return diag_has_errors(&ctx->diags) ? -EINVAL : 0;
}
