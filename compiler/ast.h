/* The etrace AST. Nodes live in the compile context's arena; every node has
 * a source range. The parser only builds nodes (ast_* constructors); passes
 * annotate them in place (resolved probe kind, builtin, function, type). */
#ifndef ETRACE_AST_H
#define ETRACE_AST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "diag.h"

struct type;
struct builtin;
struct func;
struct attach_point;
struct map_info;
struct var_info;

enum node_kind {
	/* top level */
	N_PROGRAM,  /* u.program */
	N_CDEF,     /* u.cdef: one preamble item (#line or struct/union/enum) */
	N_CONFIG,   /* u.config: key = value in config = { ... } */
	N_PROBE,    /* u.probe */
	N_ATTACH,   /* u.attach: one attach point as written */
	/* statements */
	N_BLOCK,    /* u.block */
	N_EXPR_STMT, /* u.expr_stmt */
	N_ASSIGN,   /* u.assign: x = e, x += e, ... */
	N_IF,       /* u.if_ */
	N_UNROLL,   /* u.loop (count, body) */
	N_WHILE,    /* u.loop (cond, body) */
	N_FOR,      /* u.for_ */
	N_LET,      /* u.let: let $x [: type] [= e] */
	N_JUMP,     /* u.jump */
	/* expressions */
	N_INT,      /* u.integer */
	N_STRING,   /* u.string */
	N_IDENT,    /* u.ident: bare identifier: builtin, macro, enum, mode */
	N_POSITIONAL, /* u.positional: $1..$N, $# (index 0, is_count) */
	N_VAR,      /* u.var: $name */
	N_MAP,      /* u.map: @name[keys] */
	N_CALL,     /* u.call */
	N_BINOP,    /* u.binop */
	N_UNOP,     /* u.unop */
	N_TERNARY,  /* u.ternary */
	N_FIELD,    /* u.field: e.name, e->name */
	N_INDEX,    /* u.index: e[i] */
	N_TUPLE_INDEX, /* u.tuple_index: e.0 */
	N_CAST,     /* u.cast: (type)e */
	N_TUPLE,    /* u.tuple: (a, b, ...), or a record (a=1, b=2) */
	N_SIZEOF,   /* u.sizeof_: sizeof(type) or sizeof(expr) */
	N_OFFSETOF, /* u.offsetof: offsetof(type, field) */
	N_TYPESPEC, /* u.typespec: a type as written in a cast/sizeof */
	/* macros and imports (compiler/pass_imports.c, pass_macros.c) */
	N_MACRO,    /* u.macro: macro name(params) { body } */
	N_IMPORT,   /* u.import: import "path"; */
	N_BLOCK_EXPR, /* u.block_expr: statements, then a value; also
		       * { stmts; value } as written (bpftrace 0.26) */
	N_BOOL,     /* u.integer: true (1) or false (0) */
	N_MAP_DECL, /* u.map_decl: let @m = lruhash(N); at the top level */
	N_KIND_COUNT
};

enum binop {
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
	OP_BAND, OP_BOR, OP_BXOR, OP_SHL, OP_SHR,
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_LAND, OP_LOR,
};

enum unop {
	OP_NEG,     /* -e */
	OP_LNOT,    /* !e */
	OP_BNOT,    /* ~e */
	OP_DEREF,   /* *e */
	OP_ADDR,    /* &e */
	OP_PREINC, OP_PREDEC, OP_POSTINC, OP_POSTDEC,
};

enum jump_kind { JUMP_BREAK, JUMP_CONTINUE, JUMP_RETURN };

enum cdef_kind {
	CDEF_DIRECTIVE, /* a preprocessor line: #include, #define, #if... */
	CDEF_DECL,      /* struct/union/enum/typedef definition ending in ';' */
};

/* Every list (probes, attach points, statements, args, keys, tuple
 * elements, cdefs, config items) is a singly linked list through next. */
struct node {
	enum node_kind kind;
	struct loc loc;
	struct node *next;
	/* Height of the subtree (1 for a leaf), set by the constructors; the
	 * parser bounds it so that recursive passes stay shallow. */
	uint32_t depth;
	/* Expressions: set by the type pass. */
	struct type *type;
	union {
		struct {
			struct node *cdefs;   /* N_CDEF list, in source order */
			struct node *config;  /* N_CONFIG list */
			struct node *probes;  /* N_PROBE list */
			struct node *imports; /* N_IMPORT list */
			struct node *macros;  /* N_MACRO list */
			struct node *map_decls; /* N_MAP_DECL list */
		} program;
		struct {
			const char *name;     /* "@m" */
			const char *kind;     /* "lruhash", as written */
			struct loc kind_loc;
			uint64_t size;        /* max entries, as written */
			struct loc size_loc;
		} map_decl;
		struct {
			enum cdef_kind kind;
			const char *text;     /* verbatim source text */
		} cdef;
		struct {
			const char *key;
			struct node *value;   /* expression */
		} config;
		struct {
			struct node *attach;  /* N_ATTACH list */
			struct node *pred;    /* expression or NULL */
			struct node *body;    /* N_BLOCK */
			bool angle;           /* written as < ... > */
			/* Set by the check passes: the block runs at the return
			 * of an entry probe (uses elapsed/retval, SPEC 3.2). */
			bool at_return;
			int index;            /* 0-based order in the program */
			const char *name;     /* name=probe,...: or NULL */
			/* a probe of span block span_idx (pass_span.h):
			 * SROLE_BEGIN, SROLE_END, SROLE_EVENT; 0: none */
			int span_role;
			int span_idx;
			int span_event;       /* SROLE_EVENT: its index */
		} probe;
		struct {
			const char *raw;      /* as written, quotes kept */
			/* Set by the probe pass (compiler/probe.h). */
			struct attach_point *ap;
		} attach;
		struct {
			struct node *stmts;
		} block;
		struct {
			struct node *var;     /* N_VAR */
			struct node *typespec; /* N_TYPESPEC or NULL */
			struct node *value;   /* or NULL: zero */
		} let;
		struct {
			struct node *expr;
			/* last of its block, without ';': the value of an
			 * if ending a block expression (bpftrace 0.26) */
			bool tail;
		} expr_stmt;
		struct {
			struct node *target;  /* N_VAR, N_MAP (or N_FIELD...) */
			struct node *value;
			bool compound;        /* op = is x op= e */
			enum binop op;
		} assign;
		struct {
			struct node *cond;
			struct node *then;    /* N_BLOCK */
			struct node *else_;   /* N_BLOCK, N_IF or NULL */
		} if_;
		struct {
			struct node *cond;    /* N_WHILE: condition; N_UNROLL: count */
			struct node *body;    /* N_BLOCK */
		} loop;
		struct {
			struct node *var;     /* N_VAR */
			struct node *map;     /* N_MAP without keys, or NULL */
			struct node *body;
			/* for ($i : start..end): map is NULL and the end is
			 * start->next (one child list, so that passes which
			 * replace a child, macros and clones, keep both) */
			struct node *start;
		} for_;
		struct {
			enum jump_kind kind;
		} jump;
		struct {
			uint64_t value;
			/* written with a leading '-' folded in by the parser, or
			 * too large for int64: decides signedness of the type */
			bool is_unsigned;
			/* sizeof(expr) folded into this literal by pass_types:
			 * expr, typed again in each of its rounds so that the
			 * variables it names count as read */
			struct node *folded;
		} integer;
		struct {
			const char *str;      /* escapes decoded */
			uint32_t len;         /* bytes, without the final NUL */
		} string;
		struct {
			const char *name;
			/* Set by the builtin pass when name is a builtin. */
			const struct builtin *builtin;
		} ident;
		struct {
			int index;            /* 1.. for $1..; 0 for $# */
			bool is_count;        /* $# */
		} positional;
		struct {
			const char *name;     /* with the '$' */
			/* Set by the type pass: the declaration this names
			 * (several share a name under block scoping). */
			struct var_info *decl;
		} var;
		struct {
			const char *name;     /* with the '@'; "@" for anonymous */
			struct node *keys;    /* expression list or NULL */
			struct map_info *info; /* set by the type pass */
			/* count/sum/min/max/avg read as an integer (a cast,
			 * an operand): the total of every CPU's share, as
			 * bpftrace 0.26 reads it (set by the type pass) */
			bool all_cpus;
		} map;
		struct {
			const char *name;
			struct node *args;    /* expression list */
			int nargs;
			/* Set by the builtin pass. */
			const struct func *func;
		} call;
		struct {
			enum binop op;
			struct node *lhs, *rhs;
		} binop;
		struct {
			enum unop op;
			struct node *expr;
		} unop;
		struct {
			struct node *cond, *then, *else_;
			/* an if statement taken as a value (ast_if_value) */
			bool if_stmt;
		} ternary;
		struct {
			struct node *expr;
			const char *name;
			bool arrow;           /* -> rather than . */
		} field;
		struct {
			struct node *expr, *index;
		} index;
		struct {
			struct node *expr;
			int index;
		} tuple_index;
		struct {
			struct node *typespec; /* N_TYPESPEC */
			struct node *expr;
		} cast;
		struct {
			struct node *elems;
			int nelems;
			/* a record: the name of each element, in order;
			 * NULL for a tuple */
			const char **names;
		} tuple;
		struct {
			struct node *typespec; /* N_TYPESPEC, or NULL */
			struct node *expr;     /* or the expression */
		} sizeof_;
		struct {
			struct node *typespec;
			const char *field;    /* may be dotted: "a.b" */
		} offsetof;
		struct {
			/* "uint32", "int8", "void", "string", "struct sock",
			 * "union x", "enum y", or a typedef name */
			const char *name;
			int ptr_depth;        /* number of '*' */
			int array_len;        /* [N], 0 when not an array */
			/* typeof(expr) (name "typeof"): the type of expr,
			 * which is not evaluated; of a map without keys,
			 * its key's type (bpftrace 0.26) */
			struct node *of;
			/* Set by the type pass. */
			struct type *resolved;
		} typespec;
		struct {
			const char *name;
			/* N_VAR ($a: a variable, by reference), N_MAP (@m)
			 * or N_IDENT (x: an expression, put where used) */
			struct node *params;
			int nparams;
			struct node *body;    /* N_BLOCK, without value */
			struct node *value;   /* last expression, or NULL */
			bool stdlib;          /* from the macro library */
		} macro;
		struct {
			const char *path;     /* as written, escapes decoded */
		} import;
		struct {
			struct node *block;   /* N_BLOCK */
			struct node *value;   /* expression, or NULL: none */
		} block_expr;
	} u;
};

/* Constructors (compiler/ast.c). All allocate in the arena, never fail. */
struct node *ast_new(struct arena *a, enum node_kind kind, struct loc loc);
struct node *ast_program(struct arena *a, struct node *cdefs,
			 struct node *config, struct node *probes);
struct node *ast_cdef(struct arena *a, struct loc loc, enum cdef_kind kind,
		      const char *text);
struct node *ast_config(struct arena *a, struct loc loc, const char *key,
			struct node *value);
struct node *ast_probe(struct arena *a, struct loc loc, struct node *attach,
		       struct node *pred, struct node *body, bool angle);
struct node *ast_attach(struct arena *a, struct loc loc, const char *raw);
struct node *ast_map_decl(struct arena *a, struct loc loc, const char *name,
			  const char *kind, struct loc kind_loc, uint64_t size,
			  struct loc size_loc);
struct node *ast_block(struct arena *a, struct loc loc, struct node *stmts);
struct node *ast_expr_stmt(struct arena *a, struct node *expr);
struct node *ast_assign(struct arena *a, struct loc loc, struct node *target,
			struct node *value, bool compound, enum binop op);
struct node *ast_if(struct arena *a, struct loc loc, struct node *cond,
		    struct node *then, struct node *else_);
struct node *ast_loop(struct arena *a, enum node_kind kind, struct loc loc,
		      struct node *cond, struct node *body);
struct node *ast_for(struct arena *a, struct loc loc, struct node *var,
		     struct node *map, struct node *body);
struct node *ast_for_range(struct arena *a, struct loc loc, struct node *var,
			   struct node *start, struct node *end,
			   struct node *body);
struct node *ast_jump(struct arena *a, struct loc loc, enum jump_kind kind);
struct node *ast_let(struct arena *a, struct loc loc, struct node *var,
		     struct node *typespec, struct node *value);
struct node *ast_bool(struct arena *a, struct loc loc, bool value);
struct node *ast_int(struct arena *a, struct loc loc, uint64_t v,
		     bool is_unsigned);
struct node *ast_string(struct arena *a, struct loc loc, const char *s,
			uint32_t len);
struct node *ast_ident(struct arena *a, struct loc loc, const char *name);
struct node *ast_positional(struct arena *a, struct loc loc, int index,
			    bool is_count);
struct node *ast_var(struct arena *a, struct loc loc, const char *name);
struct node *ast_map(struct arena *a, struct loc loc, const char *name,
		     struct node *keys);
struct node *ast_call(struct arena *a, struct loc loc, const char *name,
		      struct node *args);
struct node *ast_binop(struct arena *a, struct loc loc, enum binop op,
		       struct node *lhs, struct node *rhs);
struct node *ast_unop(struct arena *a, struct loc loc, enum unop op,
		      struct node *expr);
struct node *ast_ternary(struct arena *a, struct loc loc, struct node *cond,
			 struct node *then, struct node *else_);
struct node *ast_field(struct arena *a, struct loc loc, struct node *expr,
		       const char *name, bool arrow);
/* The if statement s ending a block expression or a macro body as its
 * value (bpftrace 0.26): c ? { a... v } : { b... w }, marked if_stmt;
 * NULL, s untouched, unless s has an else and each branch ends in an
 * expression without ';' (an else if, recursively). */
struct node *ast_if_value(struct arena *a, struct node *s);
/* The if statement back from such a value, where it is not used (a
 * macro called as a statement). */
struct node *ast_if_of_value(struct arena *a, struct node *t);
struct node *ast_index(struct arena *a, struct loc loc, struct node *expr,
		       struct node *index);
struct node *ast_tuple_index(struct arena *a, struct loc loc,
			     struct node *expr, int index);
struct node *ast_cast(struct arena *a, struct loc loc, struct node *typespec,
		      struct node *expr);
struct node *ast_tuple(struct arena *a, struct loc loc, struct node *elems);
/* A record (name=expr, ...): started with its first field, grown by
 * ast_record_add (which returns NULL, adding nothing, when the record
 * already has a field of that name). */
struct node *ast_record(struct arena *a, struct loc loc, const char *name,
			struct node *expr);
struct node *ast_record_add(struct arena *a, struct node *rec,
			    const char *name, struct node *expr);
struct node *ast_sizeof(struct arena *a, struct loc loc,
			struct node *typespec, struct node *expr);
struct node *ast_offsetof(struct arena *a, struct loc loc,
			  struct node *typespec, const char *field);
struct node *ast_typespec(struct arena *a, struct loc loc, const char *name,
			  int ptr_depth, int array_len);
struct node *ast_macro(struct arena *a, struct loc loc, const char *name,
		       struct node *params, struct node *body,
		       struct node *value);
struct node *ast_import(struct arena *a, struct loc loc, const char *path);
struct node *ast_block_expr(struct arena *a, struct loc loc,
			    struct node *block, struct node *value);
/* A deep copy of n and its children (not its siblings), every location
 * moved to loc when loc is valid; types and resolutions are not kept. */
struct node *ast_clone(struct arena *a, const struct node *n);

/* Appends b (a list) to list a; returns the head. */
struct node *ast_append(struct node *a, struct node *b);
int ast_list_len(const struct node *n);

const char *ast_kind_name(enum node_kind k);
const char *ast_binop_str(enum binop op);   /* "+", "==", ... */
const char *ast_unop_str(enum unop op);     /* "-", "!", "++" ... */

/* -d ast and later stages: an indented tree, one node a line, with the
 * type of each expression once the type pass has run. */
void ast_dump(const struct node *program, const struct source *src,
	      FILE *out);

/* Generic traversal for passes: calls fn(node, arg) on n and, if fn
 * returns true, on every child in source order. */
typedef bool (*ast_visit_fn)(struct node *n, void *arg);
/* Where n keeps its (up to three) child lists, in source order; NULL
 * where there is none. Passes that replace children use it. */
void ast_child_slots(struct node *n, struct node **c[3]);
void ast_walk(struct node *n, ast_visit_fn fn, void *arg);

#endif
