/* AST constructors, list helpers, names, the generic walk and the -d ast
 * dump. Constructors also record each subtree's height (node->depth). */
#include "ast.h"

#include <inttypes.h>
#include <string.h>

#include "types.h"

/* Height of the tallest node in list l. */
static uint32_t list_depth(const struct node *l)
{
	uint32_t d = 0;

	for (; l; l = l->next)
		if (l->depth > d)
			d = l->depth;
	return d;
}

/* Sets n->depth to one more than the tallest of up to three child lists. */
static struct node *grow(struct node *n, const struct node *a,
			 const struct node *b, const struct node *c)
{
	uint32_t d = list_depth(a);

	if (list_depth(b) > d)
		d = list_depth(b);
	if (list_depth(c) > d)
		d = list_depth(c);
	n->depth = d + 1;
	return n;
}

struct node *ast_new(struct arena *a, enum node_kind kind, struct loc loc)
{
	struct node *n = arena_alloc(a, sizeof(*n));

	n->kind = kind;
	n->loc = loc;
	n->depth = 1;
	return n;
}

struct node *ast_program(struct arena *a, struct node *cdefs,
			 struct node *config, struct node *probes)
{
	struct node *n = ast_new(a, N_PROGRAM, LOC_NONE);

	n->u.program.cdefs = cdefs;
	n->u.program.config = config;
	n->u.program.probes = probes;
	return grow(n, cdefs, config, probes);
}

struct node *ast_cdef(struct arena *a, struct loc loc, enum cdef_kind kind,
		      const char *text)
{
	struct node *n = ast_new(a, N_CDEF, loc);

	n->u.cdef.kind = kind;
	n->u.cdef.text = text;
	return n;
}

struct node *ast_config(struct arena *a, struct loc loc, const char *key,
			struct node *value)
{
	struct node *n = ast_new(a, N_CONFIG, loc);

	n->u.config.key = key;
	n->u.config.value = value;
	return grow(n, value, NULL, NULL);
}

struct node *ast_probe(struct arena *a, struct loc loc, struct node *attach,
		       struct node *pred, struct node *body, bool angle)
{
	struct node *n = ast_new(a, N_PROBE, loc);

	n->u.probe.attach = attach;
	n->u.probe.pred = pred;
	n->u.probe.body = body;
	n->u.probe.angle = angle;
	return grow(n, attach, pred, body);
}

/* let @m = kind(size); the kind and the size are checked by the type
 * pass (compiler/pass_types.c) */
struct node *ast_map_decl(struct arena *a, struct loc loc, const char *name,
			  const char *kind, struct loc kind_loc, uint64_t size,
			  struct loc size_loc)
{
	struct node *n = ast_new(a, N_MAP_DECL, loc);

	n->u.map_decl.name = name;
	n->u.map_decl.kind = kind;
	n->u.map_decl.kind_loc = kind_loc;
	n->u.map_decl.size = size;
	n->u.map_decl.size_loc = size_loc;
	return n;
}

struct node *ast_attach(struct arena *a, struct loc loc, const char *raw)
{
	struct node *n = ast_new(a, N_ATTACH, loc);

	n->u.attach.raw = raw;
	return n;
}

struct node *ast_block(struct arena *a, struct loc loc, struct node *stmts)
{
	struct node *n = ast_new(a, N_BLOCK, loc);

	n->u.block.stmts = stmts;
	return grow(n, stmts, NULL, NULL);
}

struct node *ast_expr_stmt(struct arena *a, struct node *expr)
{
	struct node *n = ast_new(a, N_EXPR_STMT, expr->loc);

	n->u.expr_stmt.expr = expr;
	n->depth = expr->depth + 1;
	return n;
}

struct node *ast_assign(struct arena *a, struct loc loc, struct node *target,
			struct node *value, bool compound, enum binop op)
{
	struct node *n = ast_new(a, N_ASSIGN, loc);

	n->u.assign.target = target;
	n->u.assign.value = value;
	n->u.assign.compound = compound;
	n->u.assign.op = op;
	return grow(n, target, value, NULL);
}

struct node *ast_if(struct arena *a, struct loc loc, struct node *cond,
		    struct node *then, struct node *else_)
{
	struct node *n = ast_new(a, N_IF, loc);

	n->u.if_.cond = cond;
	n->u.if_.then = then;
	n->u.if_.else_ = else_;
	return grow(n, cond, then, else_);
}

struct node *ast_loop(struct arena *a, enum node_kind kind, struct loc loc,
		      struct node *cond, struct node *body)
{
	struct node *n = ast_new(a, kind, loc);

	n->u.loop.cond = cond;
	n->u.loop.body = body;
	return grow(n, cond, body, NULL);
}

struct node *ast_for(struct arena *a, struct loc loc, struct node *var,
		     struct node *map, struct node *body)
{
	struct node *n = ast_new(a, N_FOR, loc);

	n->u.for_.var = var;
	n->u.for_.map = map;
	n->u.for_.body = body;
	return grow(n, var, map, body);
}

struct node *ast_for_range(struct arena *a, struct loc loc, struct node *var,
			   struct node *start, struct node *end,
			   struct node *body)
{
	struct node *n = ast_new(a, N_FOR, loc);

	n->u.for_.var = var;
	n->u.for_.start = start;
	n->u.for_.body = body;
	/* one child list for the walkers: start, then end */
	start->next = end;
	return grow(n, var, start, body);
}

struct node *ast_let(struct arena *a, struct loc loc, struct node *var,
		     struct node *typespec, struct node *value)
{
	struct node *n = ast_new(a, N_LET, loc);

	n->u.let.var = var;
	n->u.let.typespec = typespec;
	n->u.let.value = value;
	return grow(n, var, typespec, value);
}

struct node *ast_bool(struct arena *a, struct loc loc, bool value)
{
	struct node *n = ast_new(a, N_BOOL, loc);

	n->u.integer.value = value;
	return n;
}

struct node *ast_jump(struct arena *a, struct loc loc, enum jump_kind kind)
{
	struct node *n = ast_new(a, N_JUMP, loc);

	n->u.jump.kind = kind;
	return n;
}

struct node *ast_int(struct arena *a, struct loc loc, uint64_t v,
		     bool is_unsigned)
{
	struct node *n = ast_new(a, N_INT, loc);

	n->u.integer.value = v;
	n->u.integer.is_unsigned = is_unsigned;
	return n;
}

struct node *ast_string(struct arena *a, struct loc loc, const char *s,
			uint32_t len)
{
	struct node *n = ast_new(a, N_STRING, loc);

	n->u.string.str = s;
	n->u.string.len = len;
	return n;
}

struct node *ast_ident(struct arena *a, struct loc loc, const char *name)
{
	struct node *n = ast_new(a, N_IDENT, loc);

	n->u.ident.name = name;
	return n;
}

struct node *ast_positional(struct arena *a, struct loc loc, int index,
			    bool is_count)
{
	struct node *n = ast_new(a, N_POSITIONAL, loc);

	n->u.positional.index = index;
	n->u.positional.is_count = is_count;
	return n;
}

struct node *ast_var(struct arena *a, struct loc loc, const char *name)
{
	struct node *n = ast_new(a, N_VAR, loc);

	n->u.var.name = name;
	return n;
}

struct node *ast_map(struct arena *a, struct loc loc, const char *name,
		     struct node *keys)
{
	struct node *n = ast_new(a, N_MAP, loc);

	n->u.map.name = name;
	n->u.map.keys = keys;
	return grow(n, keys, NULL, NULL);
}

struct node *ast_call(struct arena *a, struct loc loc, const char *name,
		      struct node *args)
{
	struct node *n = ast_new(a, N_CALL, loc);

	n->u.call.name = name;
	n->u.call.args = args;
	n->u.call.nargs = ast_list_len(args);
	return grow(n, args, NULL, NULL);
}

struct node *ast_binop(struct arena *a, struct loc loc, enum binop op,
		       struct node *lhs, struct node *rhs)
{
	struct node *n = ast_new(a, N_BINOP, loc);

	n->u.binop.op = op;
	n->u.binop.lhs = lhs;
	n->u.binop.rhs = rhs;
	return grow(n, lhs, rhs, NULL);
}

struct node *ast_unop(struct arena *a, struct loc loc, enum unop op,
		      struct node *expr)
{
	struct node *n = ast_new(a, N_UNOP, loc);

	n->u.unop.op = op;
	n->u.unop.expr = expr;
	return grow(n, expr, NULL, NULL);
}

struct node *ast_ternary(struct arena *a, struct loc loc, struct node *cond,
			 struct node *then, struct node *else_)
{
	struct node *n = ast_new(a, N_TERNARY, loc);

	n->u.ternary.cond = cond;
	n->u.ternary.then = then;
	n->u.ternary.else_ = else_;
	return grow(n, cond, then, else_);
}

struct node *ast_field(struct arena *a, struct loc loc, struct node *expr,
		       const char *name, bool arrow)
{
	struct node *n = ast_new(a, N_FIELD, loc);

	n->u.field.expr = expr;
	n->u.field.name = name;
	n->u.field.arrow = arrow;
	return grow(n, expr, NULL, NULL);
}

struct node *ast_index(struct arena *a, struct loc loc, struct node *expr,
		       struct node *index)
{
	struct node *n = ast_new(a, N_INDEX, loc);

	n->u.index.expr = expr;
	n->u.index.index = index;
	return grow(n, expr, index, NULL);
}

struct node *ast_tuple_index(struct arena *a, struct loc loc,
			     struct node *expr, int index)
{
	struct node *n = ast_new(a, N_TUPLE_INDEX, loc);

	n->u.tuple_index.expr = expr;
	n->u.tuple_index.index = index;
	return grow(n, expr, NULL, NULL);
}

struct node *ast_cast(struct arena *a, struct loc loc, struct node *typespec,
		      struct node *expr)
{
	struct node *n = ast_new(a, N_CAST, loc);

	n->u.cast.typespec = typespec;
	n->u.cast.expr = expr;
	return grow(n, typespec, expr, NULL);
}

struct node *ast_tuple(struct arena *a, struct loc loc, struct node *elems)
{
	struct node *n = ast_new(a, N_TUPLE, loc);

	n->u.tuple.elems = elems;
	n->u.tuple.nelems = ast_list_len(elems);
	return grow(n, elems, NULL, NULL);
}

struct node *ast_record(struct arena *a, struct loc loc, const char *name,
			struct node *expr)
{
	struct node *n = ast_tuple(a, loc, expr);

	n->u.tuple.names = arena_calloc(a, 4, sizeof(*n->u.tuple.names));
	n->u.tuple.names[0] = name;
	return n;
}

struct node *ast_record_add(struct arena *a, struct node *rec, const char *name,
			    struct node *expr)
{
	int n = rec->u.tuple.nelems;
	struct node *last = rec->u.tuple.elems;

	for (int i = 0; i < n; i++)
		if (!strcmp(rec->u.tuple.names[i], name))
			return NULL;
	/* the names array doubles whenever n reaches a power of two */
	if (n >= 4 && !(n & (n - 1))) {
		const char **names = arena_calloc(a, 2 * n, sizeof(*names));

		memcpy(names, rec->u.tuple.names, n * sizeof(*names));
		rec->u.tuple.names = names;
	}
	rec->u.tuple.names[n] = name;
	while (last->next)
		last = last->next;
	last->next = expr;
	rec->u.tuple.nelems++;
	if (expr->depth + 1 > rec->depth)
		rec->depth = expr->depth + 1;
	return rec;
}

struct node *ast_sizeof(struct arena *a, struct loc loc,
			struct node *typespec, struct node *expr)
{
	struct node *n = ast_new(a, N_SIZEOF, loc);

	n->u.sizeof_.typespec = typespec;
	n->u.sizeof_.expr = expr;
	return grow(n, typespec, expr, NULL);
}

struct node *ast_offsetof(struct arena *a, struct loc loc,
			  struct node *typespec, const char *field)
{
	struct node *n = ast_new(a, N_OFFSETOF, loc);

	n->u.offsetof.typespec = typespec;
	n->u.offsetof.field = field;
	return grow(n, typespec, NULL, NULL);
}

struct node *ast_typespec(struct arena *a, struct loc loc, const char *name,
			  int ptr_depth, int array_len)
{
	struct node *n = ast_new(a, N_TYPESPEC, loc);

	n->u.typespec.name = name;
	n->u.typespec.ptr_depth = ptr_depth;
	n->u.typespec.array_len = array_len;
	return n;
}

struct node *ast_macro(struct arena *a, struct loc loc, const char *name,
		       struct node *params, struct node *body,
		       struct node *value)
{
	struct node *n = ast_new(a, N_MACRO, loc);

	n->u.macro.name = name;
	n->u.macro.params = params;
	n->u.macro.nparams = ast_list_len(params);
	n->u.macro.body = body;
	n->u.macro.value = value;
	return grow(n, params, body, value);
}

struct node *ast_import(struct arena *a, struct loc loc, const char *path)
{
	struct node *n = ast_new(a, N_IMPORT, loc);

	n->u.import.path = path;
	return n;
}

/* the last statement of block b when it is an expression without ';' */
static struct node *tail_expr(const struct node *b)
{
	const struct node *s =
	    b && b->kind == N_BLOCK ? b->u.block.stmts : NULL;

	while (s && s->next)
		s = s->next;
	return s && s->kind == N_EXPR_STMT && s->u.expr_stmt.tail
		   ? (struct node *)s
		   : NULL;
}

static bool has_if_value(const struct node *s)
{
	const struct node *e = s->u.if_.else_;

	return tail_expr(s->u.if_.then) && e &&
	       (e->kind == N_IF ? has_if_value(e) : tail_expr(e) != NULL);
}

/* { a...; v } as { a... } and v */
static struct node *branch_value(struct arena *a, struct node *b)
{
	struct node *last = tail_expr(b), **pp = &b->u.block.stmts;

	while (*pp != last)
		pp = &(*pp)->next;
	*pp = NULL;
	return ast_block_expr(a, b->loc, b, last->u.expr_stmt.expr);
}

static struct node *if_value(struct arena *a, struct node *s)
{
	struct node *e = s->u.if_.else_, *t;

	t = ast_ternary(a, s->loc, s->u.if_.cond,
			branch_value(a, s->u.if_.then),
			e->kind == N_IF ? if_value(a, e) : branch_value(a, e));
	t->u.ternary.if_stmt = true;
	return t;
}

struct node *ast_if_value(struct arena *a, struct node *s)
{
	return s && s->kind == N_IF && has_if_value(s) ? if_value(a, s) : NULL;
}

static struct node *value_branch(struct arena *a, struct node *x)
{
	struct node *b, *v;

	if (x->kind == N_TERNARY && x->u.ternary.if_stmt)
		return ast_if_of_value(a, x);
	b = x->u.block_expr.block;
	v = ast_expr_stmt(a, x->u.block_expr.value);
	v->u.expr_stmt.tail = true;
	b->u.block.stmts = ast_append(b->u.block.stmts, v);
	return b;
}

struct node *ast_if_of_value(struct arena *a, struct node *t)
{
	return ast_if(a, t->loc, t->u.ternary.cond,
		      value_branch(a, t->u.ternary.then),
		      value_branch(a, t->u.ternary.else_));
}

struct node *ast_block_expr(struct arena *a, struct loc loc,
			    struct node *block, struct node *value)
{
	struct node *n = ast_new(a, N_BLOCK_EXPR, loc);

	n->u.block_expr.block = block;
	n->u.block_expr.value = value;
	return grow(n, block, value, NULL);
}

static struct node *clone_list(struct arena *a, const struct node *l)
{
	struct node *head = NULL, **tail = &head;

	for (; l; l = l->next) {
		*tail = ast_clone(a, l);
		tail = &(*tail)->next;
	}
	return head;
}

/* Children through ast_child_slots, so that a clone shares nothing with
 * its original; what the passes set is left for them to set again. */
struct node *ast_clone(struct arena *a, const struct node *n)
{
	struct node *c, **slots[3];

	if (!n)
		return NULL;
	c = arena_alloc(a, sizeof(*c));
	*c = *n;
	c->next = NULL;
	c->type = NULL;
	ast_child_slots(c, slots);
	for (int i = 0; i < 3; i++)
		if (slots[i])
			*slots[i] = clone_list(a, *slots[i]);
	switch (n->kind) {
	case N_PROGRAM:
		c->u.program.imports = clone_list(a, n->u.program.imports);
		c->u.program.macros = clone_list(a, n->u.program.macros);
		break;
	case N_INT:
		c->u.integer.folded = ast_clone(a, n->u.integer.folded);
		break;
	case N_ATTACH: c->u.attach.ap = NULL; break;
	case N_IDENT: c->u.ident.builtin = NULL; break;
	case N_MAP: c->u.map.info = NULL; break;
	case N_CALL: c->u.call.func = NULL; break;
	case N_TYPESPEC: c->u.typespec.resolved = NULL; break;
	default: break;
	}
	return c;
}


struct node *ast_append(struct node *a, struct node *b)
{
	struct node *t = a;

	if (!a)
		return b;
	while (t->next)
		t = t->next;
	t->next = b;
	return a;
}

int ast_list_len(const struct node *n)
{
	int len = 0;

	for (; n; n = n->next)
		len++;
	return len;
}

static const char *const kind_names[N_KIND_COUNT] = {
	[N_PROGRAM] = "program",	[N_CDEF] = "cdef",
	[N_CONFIG] = "config",		[N_PROBE] = "probe",
	[N_ATTACH] = "attach",		[N_BLOCK] = "block",
	[N_EXPR_STMT] = "expr_stmt",	[N_ASSIGN] = "assign",
	[N_IF] = "if",			[N_UNROLL] = "unroll",
	[N_WHILE] = "while",		[N_FOR] = "for",
	[N_JUMP] = "jump",		[N_INT] = "int",
	[N_STRING] = "string",		[N_IDENT] = "ident",
	[N_POSITIONAL] = "positional",	[N_VAR] = "var",
	[N_MAP] = "map",		[N_CALL] = "call",
	[N_BINOP] = "binop",		[N_UNOP] = "unop",
	[N_TERNARY] = "ternary",	[N_FIELD] = "field",
	[N_INDEX] = "index",		[N_TUPLE_INDEX] = "tuple_index",
	[N_CAST] = "cast",		[N_TUPLE] = "tuple",
	[N_SIZEOF] = "sizeof",		[N_OFFSETOF] = "offsetof",
	[N_TYPESPEC] = "typespec",
	[N_MACRO] = "macro",		[N_IMPORT] = "import",
	[N_BLOCK_EXPR] = "block expression",
	[N_LET] = "let",		[N_BOOL] = "bool",
	[N_MAP_DECL] = "map_decl",
};

const char *ast_kind_name(enum node_kind k)
{
	return k < N_KIND_COUNT && kind_names[k] ? kind_names[k] : "?";
}

const char *ast_binop_str(enum binop op)
{
	static const char *const s[] = {
		[OP_ADD] = "+",	  [OP_SUB] = "-",   [OP_MUL] = "*",
		[OP_DIV] = "/",	  [OP_MOD] = "%",   [OP_BAND] = "&",
		[OP_BOR] = "|",	  [OP_BXOR] = "^",  [OP_SHL] = "<<",
		[OP_SHR] = ">>",  [OP_EQ] = "==",   [OP_NE] = "!=",
		[OP_LT] = "<",	  [OP_LE] = "<=",   [OP_GT] = ">",
		[OP_GE] = ">=",	  [OP_LAND] = "&&", [OP_LOR] = "||",
	};

	return (unsigned)op < sizeof(s) / sizeof(s[0]) ? s[op] : "?";
}

const char *ast_unop_str(enum unop op)
{
	static const char *const s[] = {
		[OP_NEG] = "-",	     [OP_LNOT] = "!",	  [OP_BNOT] = "~",
		[OP_DEREF] = "*",    [OP_ADDR] = "&",	  [OP_PREINC] = "++",
		[OP_PREDEC] = "--",  [OP_POSTINC] = "++", [OP_POSTDEC] = "--",
	};

	return (unsigned)op < sizeof(s) / sizeof(s[0]) ? s[op] : "?";
}

#define SET3(x, y, z)                                                        \
	do {                                                                 \
		c[0] = (x);                                                  \
		c[1] = (y);                                                  \
		c[2] = (z);                                                  \
	} while (0)

/* Where n keeps its child lists, in source order (NULL where there is
 * none): the one place that knows every kind's children. */
void ast_child_slots(struct node *n, struct node **c[3])
{
	typeof(n->u) *u = &n->u;

	SET3(NULL, NULL, NULL);
	switch (n->kind) {
	case N_PROGRAM:
		SET3(&u->program.cdefs, &u->program.config,
		     &u->program.probes);
		break;
	case N_PROBE:
		SET3(&u->probe.attach, &u->probe.pred, &u->probe.body);
		break;
	case N_IF: SET3(&u->if_.cond, &u->if_.then, &u->if_.else_); break;
	case N_FOR:
		/* a range: start, then end (linked by next) */
		SET3(&u->for_.var,
		     u->for_.map ? &u->for_.map : &u->for_.start,
		     &u->for_.body);
		break;
	case N_LET: SET3(&u->let.var, &u->let.typespec, &u->let.value); break;
	case N_TERNARY:
		SET3(&u->ternary.cond, &u->ternary.then, &u->ternary.else_);
		break;
	case N_ASSIGN:
		SET3(&u->assign.target, &u->assign.value, NULL);
		break;
	case N_UNROLL:
	case N_WHILE: SET3(&u->loop.cond, &u->loop.body, NULL); break;
	case N_BINOP: SET3(&u->binop.lhs, &u->binop.rhs, NULL); break;
	case N_INDEX: SET3(&u->index.expr, &u->index.index, NULL); break;
	case N_CAST: SET3(&u->cast.typespec, &u->cast.expr, NULL); break;
	case N_SIZEOF:
		SET3(&u->sizeof_.typespec, &u->sizeof_.expr, NULL);
		break;
	case N_CONFIG: c[0] = &u->config.value; break;
	case N_BLOCK: c[0] = &u->block.stmts; break;
	case N_EXPR_STMT: c[0] = &u->expr_stmt.expr; break;
	case N_MAP: c[0] = &u->map.keys; break;
	case N_CALL: c[0] = &u->call.args; break;
	case N_UNOP: c[0] = &u->unop.expr; break;
	case N_FIELD: c[0] = &u->field.expr; break;
	case N_TUPLE_INDEX: c[0] = &u->tuple_index.expr; break;
	case N_TUPLE: c[0] = &u->tuple.elems; break;
	case N_OFFSETOF: c[0] = &u->offsetof.typespec; break;
	case N_TYPESPEC: c[0] = &u->typespec.of; break;
	case N_MACRO:
		SET3(&u->macro.params, &u->macro.body, &u->macro.value);
		break;
	case N_BLOCK_EXPR:
		SET3(&u->block_expr.block, &u->block_expr.value, NULL);
		break;
	default: break; /* leaves */
	}
}

/* n's child lists in source order (NULL where there is none). */
static void child_lists(const struct node *n, struct node *c[3])
{
	struct node **s[3];

	ast_child_slots((struct node *)n, s);
	for (int i = 0; i < 3; i++)
		c[i] = s[i] ? *s[i] : NULL;
}

/* Visits n, then (when fn says so) its children; not n's siblings. */
void ast_walk(struct node *n, ast_visit_fn fn, void *arg)
{
	struct node *c[3];

	if (!n || !fn(n, arg))
		return;
	child_lists(n, c);
	for (int i = 0; i < 3; i++)
		for (struct node *l = c[i]; l; l = l->next)
			ast_walk(l, fn, arg);
}

struct dump {
	FILE *out;
	struct arena *arena;
};

/* Bytes as C would write them in a string literal. */
static void put_escaped(FILE *out, const char *s, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

static void put_typespec(FILE *out, const struct node *t)
{
	fputs(t->u.typespec.name, out);
	if (t->u.typespec.ptr_depth)
		fputc(' ', out);
	for (int i = 0; i < t->u.typespec.ptr_depth; i++)
		fputc('*', out);
	if (t->u.typespec.array_len)
		fprintf(out, "[%d]", t->u.typespec.array_len);
}

static void put_int(FILE *out, const struct node *n)
{
	if (n->u.integer.is_unsigned)
		fprintf(out, "int %" PRIu64, n->u.integer.value);
	else
		fprintf(out, "int %" PRId64, (int64_t)n->u.integer.value);
}

static void put_probe(FILE *out, const struct node *n)
{
	fputs("probe ", out);
	if (n->u.probe.name)
		fprintf(out, "%s=", n->u.probe.name);
	for (const struct node *a = n->u.probe.attach; a; a = a->next)
		fprintf(out, "%s%s", a->u.attach.raw, a->next ? "," : "");
	if (n->u.probe.angle)
		fputs(" [angle]", out);
	if (n->u.probe.at_return)
		fputs(" [at_return]", out);
}

static void put_unop(FILE *out, enum unop op)
{
	const char *how = op == OP_PREINC || op == OP_PREDEC	  ? "pre"
			  : op == OP_POSTINC || op == OP_POSTDEC ? "post"
								  : "unary";

	fprintf(out, "%s %s", how, ast_unop_str(op));
}

/* The text of one node's line, without indentation or type. */
static void put_label(FILE *out, const struct node *n)
{
	static const char *const jumps[] = { "break", "continue", "return" };

	switch (n->kind) {
	case N_PROGRAM:
		fputs("program", out);
		break;
	case N_CDEF:
		fputs("cdef ", out);
		put_escaped(out, n->u.cdef.text, strlen(n->u.cdef.text));
		break;
	case N_CONFIG:
		fprintf(out, "config %s", n->u.config.key);
		break;
	case N_PROBE:
		put_probe(out, n);
		break;
	case N_ATTACH:
		fprintf(out, "attach %s", n->u.attach.raw);
		break;
	case N_ASSIGN:
		fprintf(out, "%s=", n->u.assign.compound ?
			ast_binop_str(n->u.assign.op) : "");
		break;
	case N_JUMP:
		fputs(jumps[n->u.jump.kind], out);
		break;
	case N_INT:
		put_int(out, n);
		break;
	case N_BOOL:
		fputs(n->u.integer.value ? "bool true" : "bool false", out);
		break;
	case N_LET:
		fputs("let", out);
		if (n->u.let.typespec) {
			fputc(' ', out);
			put_typespec(out, n->u.let.typespec);
		}
		break;
	case N_STRING:
		fputs("string \"", out);
		put_escaped(out, n->u.string.str, n->u.string.len);
		fputc('"', out);
		break;
	case N_IDENT:
		fprintf(out, "ident %s", n->u.ident.name);
		break;
	case N_POSITIONAL:
		if (n->u.positional.is_count)
			fputs("positional $#", out);
		else
			fprintf(out, "positional $%d", n->u.positional.index);
		break;
	case N_VAR:
		fprintf(out, "var %s", n->u.var.name);
		break;
	case N_MAP:
		fprintf(out, "map %s", n->u.map.name);
		break;
	case N_CALL:
		fprintf(out, "call %s", n->u.call.name);
		break;
	case N_BINOP:
		fputs(ast_binop_str(n->u.binop.op), out);
		break;
	case N_UNOP:
		put_unop(out, n->u.unop.op);
		break;
	case N_TERNARY:
		fputs("?:", out);
		break;
	case N_FIELD:
		fprintf(out, "%s %s", n->u.field.arrow ? "->" : ".",
			n->u.field.name);
		break;
	case N_INDEX:
		fputs("[]", out);
		break;
	case N_TUPLE_INDEX:
		fprintf(out, ".%d", n->u.tuple_index.index);
		break;
	case N_CAST:
		fputs("cast ", out);
		put_typespec(out, n->u.cast.typespec);
		break;
	case N_SIZEOF:
		fputs("sizeof", out);
		if (n->u.sizeof_.typespec) {
			fputc(' ', out);
			put_typespec(out, n->u.sizeof_.typespec);
		}
		break;
	case N_OFFSETOF:
		fputs("offsetof ", out);
		put_typespec(out, n->u.offsetof.typespec);
		fprintf(out, ", %s", n->u.offsetof.field);
		break;
	case N_TYPESPEC:
		fputs("type ", out);
		put_typespec(out, n);
		break;
	case N_MACRO:
		fprintf(out, "macro %s", n->u.macro.name);
		break;
	case N_IMPORT:
		fprintf(out, "import %s", n->u.import.path);
		break;
	case N_MAP_DECL:
		fprintf(out, "map_decl %s = %s(%" PRIu64 ")", n->u.map_decl.name,
			n->u.map_decl.kind, n->u.map_decl.size);
		break;
	case N_TUPLE:
		fputs(n->u.tuple.names ? "record" : "tuple", out);
		for (int i = 0; n->u.tuple.names && i < n->u.tuple.nelems; i++)
			fprintf(out, "%s.%s", i ? ", " : " ",
				n->u.tuple.names[i]);
		break;
	default: /* block, if, unroll, while, for */
		fputs(ast_kind_name(n->kind), out);
		break;
	}
}

static void dump_node(struct dump *d, const struct node *n, int depth);

/* A line that is not a node ("predicate", "else"), then its child. */
static void dump_tagged(struct dump *d, const char *tag, const struct node *n,
			int depth)
{
	if (!n)
		return;
	fprintf(d->out, "%*s%s\n", depth, "", tag);
	dump_node(d, n, depth + 1);
}

/* Children in source order, the predicate and the else branch under a
 * tag line; typespecs are shown on their node's line instead. */
static void dump_children(struct dump *d, const struct node *n, int depth)
{
	const char *tag = n->kind == N_PROBE ? "predicate"
			  : n->kind == N_IF  ? "else"
					     : NULL;
	int tag_at = n->kind == N_PROBE ? 1 : 2;
	struct node *c[3];

	child_lists(n, c);
	if (n->kind == N_PROGRAM) /* declarations before the probes */
		for (const struct node *l = n->u.program.map_decls; l;
		     l = l->next)
			dump_node(d, l, depth);
	for (int i = 0; i < 3; i++) {
		if (tag && i == tag_at) {
			dump_tagged(d, tag, c[i], depth);
			continue;
		}
		for (const struct node *l = c[i]; l; l = l->next)
			if (l->kind != N_TYPESPEC)
				dump_node(d, l, depth);
	}
}

static void dump_node(struct dump *d, const struct node *n, int depth)
{
	if (n->kind == N_EXPR_STMT) {
		dump_node(d, n->u.expr_stmt.expr, depth);
		return;
	}
	fprintf(d->out, "%*s", depth, "");
	put_label(d->out, n);
	if (n->type)
		fprintf(d->out, " :: %s", type_name(d->arena, n->type));
	fputc('\n', d->out);
	dump_children(d, n, depth + 1);
}

void ast_dump(const struct node *program, const struct source *src,
	      FILE *out)
{
	struct dump d = { .out = out, .arena = arena__new() };

	if (!program || !d.arena) {
		arena__free(d.arena);
		return;
	}
	dump_node(&d, program, 0);
	arena__free(d.arena);
}
