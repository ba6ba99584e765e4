/* Private to the type pass (pass_types.c: statements, variables, maps;
 * pass_types_expr.c: expressions): the walk state and the helpers the two
 * halves call in each other. Not part of the compiler's public contract. */
#ifndef ETRACE_PASS_TYPES_H
#define ETRACE_PASS_TYPES_H

#include "compile.h"

/* How an expression's value is used: decides where aggregation calls
 * (only the whole value of a map assignment) and statement-only calls
 * (only as a statement) may appear. */
enum ty_use {
	USE_VALUE,      /* operand of something else */
	USE_STMT,       /* an expression statement */
	USE_MAP_VALUE,  /* the whole value of @m[...] = e */
	USE_VAR_VALUE,  /* the whole value of $x = e */
	USE_KEY,        /* a map key */
};

struct tstate {
	struct compile_ctx *ctx;
	struct node *probe;        /* the probe being walked */
	struct var_info **scope;   /* visible variables, innermost last */
	int nscope, capscope;
	struct var_info *vars_tail; /* end of ctx->vars */
	const char *call_name;     /* function whose direct argument this is */
	bool changed;              /* a map type was fixed or widened */
	bool final;                /* the round whose diagnostics count */
	/* the variables of the round before: a variable starts each round
	 * with the type it ended the last with, so that a read before a
	 * later assignment widens it (a longer string in a tuple or record)
	 * already sees the layout its slot has */
	struct var_info *prev_vars;
};

/* Types e and its children; sets and returns e->type (NULL after an
 * error, or for a mode identifier). */
struct type *ty_expr(struct tstate *s, struct node *e, enum ty_use use);

/* The type of lhs op rhs, both already typed (NULL types give NULL);
 * at is where to report. Used by binops and compound assignments. */
struct type *ty_binop_combine(struct tstate *s, struct node *at,
			      enum binop op, struct node *lhs,
			      struct node *rhs);

/* A map mentioned in an expression: finds or creates its map_info, types
 * and checks its keys unless skip_keys, and returns the info. */
struct map_info *ty_map_ref(struct tstate *s, struct node *map,
			    bool skip_keys);
/* Fixes or checks the value type of a map; site is the assignment. */
void ty_map_assign(struct tstate *s, struct node *map, struct type *t,
		   struct node *site);
/* Key type of the keys of an N_MAP (NULL when it has none); *ok false when
 * a key could not be typed or is not allowed (reported). */
struct type *ty_map_keys(struct tstate *s, struct node *map, bool *ok);
/* Checks a key type against the map's, fixing it on first use. */
void ty_map_key_check(struct tstate *s, struct map_info *m,
		      struct type *key, struct node *site);

struct var_info *ty_var_find(struct tstate *s, const char *name);

/* An N_BLOCK_EXPR: types the statements (their variables end with the
 * block) and returns the value's type (none without a value). */
struct type *ty_block_expr(struct tstate *s, struct node *e, enum ty_use use);

/* Helpers shared by both halves. */
const char *ty_name(struct tstate *s, const struct type *t);
bool ty_is_int(const struct type *t);
bool ty_is_cond(const struct type *t);   /* int or pointer */
/* Values an int map/variable stores: 8 bytes, sign kept. */
struct type *ty_widen_int(const struct type *t);
/* Value compatibility for assignment (strings of any size, ints of any
 * size, tuples element by element); *merged gets the widened type. */
bool ty_assignable(struct tstate *s, struct type *have, struct type *t,
		   struct type **merged);

#endif
