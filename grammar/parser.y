/* The etrace grammar (bison). Actions only build AST nodes with the ast_*
 * constructors; syntax errors are reported bison-style ("syntax error,
 * unexpected X, expecting Y or Z") through diag_error. Casts to typedef
 * names and the ends of predicates and angle blocks are recognised by the
 * lexer (grammar/lexer.l), which keeps this grammar free of conflicts. */

%define api.pure full
%define api.location.type {struct loc}
%define parse.error custom
%define parse.lac full
%locations
%param {void *scanner}
%parse-param {struct parse_state *ps}

%code requires {
#include <stdint.h>

#include "ast.h"
#include "diag.h"

struct parse_state;

/* A list being built: head for the node, tail to append in O(1). */
struct nlist {
	struct node *head, *tail;
};
}

%code top {
/* A location spans from the first to the last symbol of the rule; an empty
 * rule sits at the end of what precedes it. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                          \
	do {                                                                 \
		if (N) {                                                     \
			(Cur).begin = YYRHSLOC(Rhs, 1).begin;                \
			(Cur).end = YYRHSLOC(Rhs, N).end;                    \
		} else {                                                     \
			(Cur).begin = (Cur).end = YYRHSLOC(Rhs, 0).end;      \
		}                                                            \
	} while (0)
/* Bounds the parser stack: deeper input gets "memory exhausted". */
#define YYMAXDEPTH 10000
}

%code {
#include <string.h>

#include "parse.h"
#include "pass_span.h"

int yylex(YYSTYPE *lval, YYLTYPE *lloc, void *scanner);
static void yyerror(YYLTYPE *loc, void *scanner, struct parse_state *ps,
		    const char *msg);
static bool too_deep(struct parse_state *ps, struct node *n);
static struct node *fold_neg(struct parse_state *ps, struct loc minus,
			     struct node *e, struct loc all);
static bool probe_name(struct parse_state *ps, struct node *probe,
		       const char *name, struct loc at);
static bool for_map(struct parse_state *ps, struct node *e);

#define A (ps->ctx->arena)
/* Build a node and stop when the tree gets deeper than passes can walk. */
#define MK(dst, e)                                                           \
	do {                                                                 \
		(dst) = (e);                                                 \
		if (too_deep(ps, (dst)))                                     \
			YYABORT;                                             \
	} while (0)

static const char *path_text(struct parse_state *ps, struct loc l)
{
	char *s = arena_alloc(A, l.end - l.begin + 1), *o = s;

	for (uint32_t i = l.begin; i < l.end; i++)
		if (!strchr(" \t\r\n", ps->text[i]) || !ps->text[i])
			*o++ = ps->text[i];
	return s;
}

static struct nlist nl_one(struct node *n)
{
	return (struct nlist){ n, n };
}

static struct nlist nl_add(struct nlist l, struct node *n)
{
	if (!l.head)
		return nl_one(n);
	l.tail->next = n;
	l.tail = n;
	return l;
}

/* An if (with else, its blocks ending in expressions) that ends l, as
 * the value of the block or macro body l is (bpftrace 0.26), taken out
 * of l; NULL when l does not end in one. */
static struct node *if_tail(struct parse_state *ps, struct nlist *l)
{
	struct node *v = ast_if_value(A, l->tail), **pp = &l->head;

	if (!v)
		return NULL;
	while (*pp != l->tail)
		pp = &(*pp)->next;
	*pp = NULL;
	return v;
}
}

%union {
	struct node *node;
	struct nlist list;
	const char *str;
	uint64_t num;
	int idx;
	enum binop op;
	struct {
		const char *s;
		uint32_t len;
	} sv;
	struct {
		const char *name;
		int ptrs;
	} tc;
}

%token END 0 "end of file"
%token <str> ATTACH "attach point"
%token <str> CDEF_DIR "preprocessor directive"
%token <str> C_DECL "C declaration"
%token CONFIG "config"
%token MACRO "macro" IMPORT "import"
%token MAP_LET "let"
%token <str> SPAN "span" SPAN_FIELD "span field" EVENT_FIELD "event field"
%token SPAN_OPEN "start of span block"
%token KEY "key" SPAN_BEGIN "begin" SPAN_END "end" SPAN_EVENT "event"
%token <str> IDENT "identifier"
%token <str> MAP "map"
%token <str> VAR "variable"
%token <idx> PARAM "positional parameter"
%token PARAMCOUNT "$#"
%token <num> INT "integer"
%token <sv> STRING "string"
%token <str> TYPE "type"
%token <tc> TCAST "cast"
%token IF "if" ELSE "else" UNROLL "unroll" WHILE "while" FOR "for"
%token BREAK "break" CONTINUE "continue" RETURN "return"
%token TRUE "true" FALSE "false" DOTDOT ".."
%token BLOCK_OPEN "start of block expression"
%token IF_EXPR "if expression"
%token SIZEOF "sizeof" OFFSETOF "offsetof" TYPEOF "typeof"
%token STRUCT "struct" UNION "union" ENUM "enum"
%token PRED_OPEN "start of predicate" ENDPRED "end of predicate"
%token ANGLE_OPEN "start of angle block" ANGLE_CLOSE "end of angle block"
%token LBRACE "{" RBRACE "}" LPAREN "(" RPAREN ")" LBRACKET "[" RBRACKET "]"
%token SEMI ";" COMMA "," COLON ":" QUESTION "?" DOT "." ARROW "->"
%token ASSIGN "="
%token <op> COMPOUND "compound assignment"
%token EQ "==" NE "!=" LT "<" LE "<=" GT ">" GE ">=" SHL "<<" SHR ">>"
%token LAND "&&" LOR "||" PLUS "+" MINUS "-" MUL "*" DIV "/" MOD "%"
%token BAND "&" BOR "|" BXOR "^" LNOT "!" BNOT "~" INC "++" DEC "--"

%right QUESTION
%left LOR
%left LAND
%left BOR
%left BXOR
%left BAND
%left EQ NE
%left LT LE GT GE
%left SHL SHR
%left PLUS MINUS
%left MUL DIV MOD
/* "@m [" takes the bracket as the map's keys, not as an index. */
%precedence MAP_NOKEYS
%precedence LBRACKET

%type <list> preamble attach_list stmt_seq stmts expr_list
%type <list> config_items imports tops macro_params
%type <node> import macro_def macro_body macro_param
%type <node> cdef config_opt config_item config_value probe pred_opt
%type <node> angle_block if_stmt let_type map_decl
%type <node> simple_stmt compound_stmt block else_opt lvalue map
%type <node> expr unary postfix primary typespec record_fields if_expr
%type <node> span_def span_item span_field
%type <list> span_items
%type <node> if_expr_else
%type <str> field_name field_path
%type <idx> stars

%%

program
	: preamble config_opt imports tops
		{ struct nlist probes = { 0 }, macros = { 0 };

		  /* tops holds probes and macros: split them */
		  for (struct node *n = $4.head, *next; n; n = next) {
			next = n->next;
			n->next = NULL;
			if (n->kind == N_MACRO)
				macros = nl_add(macros, n);
			else
				probes = nl_add(probes, n);
		  }
		  probes.head = span_functions(ps->ctx, probes.head);
		  ps->program = ast_program(A, $1.head, $2, probes.head);
		  ps->program->u.program.imports = $3.head;
		  ps->program->u.program.macros = macros.head;
		  ps->program->loc = (struct loc){ 0, ps->len };
		  ps->program->u.program.map_decls = ps->map_decls; }
	;

/* import "file.et"; */
imports
	: %empty		{ $$ = (struct nlist){ 0 }; }
	| imports import	{ $$ = nl_add($1, $2); }
	;

import
	: IMPORT STRING SEMI	{ $$ = ast_import(A, @$, $2.s); }
	;

/* Probes, macro definitions and map declarations, in any order. */
tops
	: %empty		{ $$ = (struct nlist){ 0 }; }
	| tops probe		{ $$ = nl_add($1, $2); }
	| tops macro_def	{ $$ = nl_add($1, $2); }
	| tops map_decl		{ $$ = $1; ps->map_decls = ast_append(ps->map_decls, $2); }
	| tops span_def
		{ $$ = $1;
		  for (struct node *n = $2, *next; n; n = next) {
			next = n->next;
			n->next = NULL;
			$$ = nl_add($$, n);
		  } }
	;

/* span NAME { key (e, ...); begin PROBE ... end PROBE ... event PROBE }:
 * its probes, bodies rewritten (compiler/pass_span.h) */
span_def
	: SPAN SPAN_OPEN span_items RBRACE
		{ $$ = span_block(ps->ctx, $1, @$, ps->span_key,
				  ps->span_key_loc, $3.head);
		  ps->span_key = NULL; }
	;

span_items
	: %empty		{ $$ = (struct nlist){ 0 }; }
	| span_items span_item	{ $$ = $2 ? nl_add($1, $2) : $1; }
	;

span_item
	: KEY LPAREN expr_list RPAREN SEMI
		{ $$ = NULL;
		  if (ps->span_key)
			diag_error(&ps->ctx->diags, @$, "a span has one key");
		  ps->span_key = $3.head;
		  ps->span_key_loc = loc_span(@2, @4); }
	| SPAN_BEGIN probe	{ $$ = $2; $$->u.probe.span_role = SROLE_BEGIN; }
	| SPAN_END probe	{ $$ = $2; $$->u.probe.span_role = SROLE_END; }
	| SPAN_EVENT probe	{ $$ = $2; $$->u.probe.span_role = SROLE_EVENT; }
	;

/* span.NAME, event.NAME in a probe body */
span_field
	: SPAN_FIELD		{ $$ = span_get(ps->ctx, @$, $1); }
	| EVENT_FIELD		{ $$ = span_event_get(ps->ctx, @$, $1); }
	;

/* macro name(params) { statements; value } */
macro_def
	: MACRO IDENT macro_body
		{ $$ = $3; $$->u.macro.name = $2; $$->loc = @$; }
	| MACRO IDENT LPAREN RPAREN macro_body
		{ $$ = $5; $$->u.macro.name = $2; $$->loc = @$; }
	| MACRO IDENT LPAREN macro_params RPAREN macro_body
		{ $$ = $6; $$->u.macro.name = $2; $$->loc = @$;
		  $$->u.macro.params = $4.head;
		  $$->u.macro.nparams = ast_list_len($4.head); }
	;

macro_params
	: macro_param			{ $$ = nl_one($1); }
	| macro_params COMMA macro_param { $$ = nl_add($1, $3); }
	;

macro_param
	: VAR		{ $$ = ast_var(A, @$, $1); }
	| MAP		{ $$ = ast_map(A, @$, $1, NULL); }
	| IDENT		{ $$ = ast_ident(A, @$, $1); }
	;

/* The last statement, when it is an expression without ';', is the
 * macro's value. */
macro_body
	: LBRACE stmt_seq RBRACE
		{ struct node *v = if_tail(ps, &$2);

		  MK($$, ast_macro(A, @$, NULL, NULL,
				   ast_block(A, @$, $2.head), v)); }
	| LBRACE stmt_seq simple_stmt RBRACE
		{ struct nlist l = $2;
		  struct node *v = NULL;

		  if ($3->kind == N_EXPR_STMT)
			v = $3->u.expr_stmt.expr;
		  else
			l = nl_add(l, $3);
		  MK($$, ast_macro(A, @$, NULL, NULL,
				   ast_block(A, @$, l.head), v)); }
	;

preamble
	: %empty		{ $$ = (struct nlist){ 0 }; }
	| preamble cdef		{ $$ = nl_add($1, $2); }
	;

cdef
	: CDEF_DIR	{ $$ = ast_cdef(A, @$, CDEF_DIRECTIVE, $1); }
	| C_DECL	{ $$ = ast_cdef(A, @$, CDEF_DECL, $1); }
	;

/* config = { key = value; ... } */
config_opt
	: %empty	{ $$ = NULL; }
	| CONFIG ASSIGN LBRACE config_items RBRACE	{ $$ = $4.head; }
	;

config_items
	: %empty			{ $$ = (struct nlist){ 0 }; }
	| config_item			{ $$ = nl_one($1); }
	| config_items SEMI		{ $$ = $1; }
	| config_items SEMI config_item	{ $$ = nl_add($1, $3); }
	;

config_item
	: IDENT ASSIGN config_value	{ $$ = ast_config(A, @$, $1, $3); }
	;

config_value
	: INT		{ $$ = ast_int(A, @$, $1, $1 > INT64_MAX); }
	| STRING	{ $$ = ast_string(A, @$, $1.s, $1.len); }
	| IDENT		{ $$ = ast_ident(A, @$, $1); }
	| TRUE		{ $$ = ast_ident(A, @$, "true"); }
	| FALSE		{ $$ = ast_ident(A, @$, "false"); }
	;

/* let @m = lruhash(100); (the ';' may be left out, as in bpftrace) */
map_decl
	: MAP_LET MAP ASSIGN IDENT LPAREN INT RPAREN semi_opt
		{ $$ = ast_map_decl(A, @$, $2, $4, @4, $6, @6); }
	;

semi_opt
	: %empty
	| SEMI
	;

/* attach points [/ predicate /] { ... } or < ... > */
probe
	: attach_list pred_opt block
		{ $$ = ast_probe(A, @$, $1.head, $2, $3, false); }
	| attach_list pred_opt angle_block
		{ $$ = ast_probe(A, @$, $1.head, $2, $3, true); }
	| ATTACH ASSIGN attach_list pred_opt block
		{ $$ = ast_probe(A, @$, $3.head, $4, $5, false);
		  if (!probe_name(ps, $$, $1, @1))
			YYABORT; }
	| ATTACH ASSIGN attach_list pred_opt angle_block
		{ $$ = ast_probe(A, @$, $3.head, $4, $5, true);
		  if (!probe_name(ps, $$, $1, @1))
			YYABORT; }
	;

attach_list
	: ATTACH	{ $$ = nl_one(ast_attach(A, @1, $1)); }
	| attach_list COMMA ATTACH
			{ $$ = nl_add($1, ast_attach(A, @3, $3)); }
	;

pred_opt
	: %empty			{ $$ = NULL; }
	| PRED_OPEN expr ENDPRED	{ $$ = $2; }
	;

angle_block
	: ANGLE_OPEN stmts ANGLE_CLOSE	{ MK($$, ast_block(A, @$, $2.head)); }
	;

block
	: LBRACE stmts RBRACE	{ MK($$, ast_block(A, @$, $2.head)); }
	;

/* Statements are separated by ';'; the last may omit it, and a statement
 * ending in a block needs none. Left recursion keeps the stack flat. */
stmts
	: stmt_seq			{ $$ = $1; }
	| stmt_seq simple_stmt
		{ if ($2->kind == N_EXPR_STMT)
			$2->u.expr_stmt.tail = true;
		  $$ = nl_add($1, $2); }
	;

stmt_seq
	: %empty				{ $$ = (struct nlist){ 0 }; }
	| stmt_seq simple_stmt SEMI		{ $$ = nl_add($1, $2); }
	| stmt_seq compound_stmt		{ $$ = nl_add($1, $2); }
	| stmt_seq SEMI				{ $$ = $1; }
	;

simple_stmt
	: expr			{ $$ = ast_expr_stmt(A, $1); }
	| lvalue ASSIGN expr
		{ if (span_is_get($1))
			MK($$, span_set(ps->ctx, @$, $1, $3));
		  else
			MK($$, ast_assign(A, @$, $1, $3, false, 0)); }
	| lvalue COMPOUND expr
		{ if (span_is_get($1))
			MK($$, span_set(ps->ctx, @$, $1,
					ast_binop(A, @$, $2, ast_clone(A, $1),
						  $3)));
		  else
			MK($$, ast_assign(A, @$, $1, $3, true, $2)); }
	| IDENT ASSIGN expr	/* _ = e; bpftrace 0.26's discard */
		{ if (strcmp($1, "_")) {
			diag_error(&ps->ctx->diags, @1,
				   "Cannot assign to '%s': only a variable, "
				   "a map or _ can be assigned", $1);
			YYABORT;
		  }
		  $$ = ast_expr_stmt(A, $3); }
	| BREAK			{ $$ = ast_jump(A, @$, JUMP_BREAK); }
	| CONTINUE		{ $$ = ast_jump(A, @$, JUMP_CONTINUE); }
	| RETURN		{ $$ = ast_jump(A, @$, JUMP_RETURN); }
	| MAP_LET VAR let_type
		{ $$ = ast_let(A, @$, ast_var(A, @2, $2), $3, NULL); }
	| MAP_LET VAR let_type ASSIGN expr
		{ MK($$, ast_let(A, @$, ast_var(A, @2, $2), $3, $5)); }
	;

/* let $x: type: the C-style typespec of casts, or a typedef name */
let_type
	: %empty		{ $$ = NULL; }
	| COLON typespec	{ $$ = $2; }
	| COLON IDENT stars	{ $$ = ast_typespec(A, @2, $2, $3, 0); }
	;

lvalue
	: VAR		{ $$ = ast_var(A, @$, $1); }
	| map		{ $$ = $1; }
	| span_field	{ $$ = $1; }
	;

compound_stmt
	: block		{ $$ = $1; }
	| if_stmt	{ $$ = $1; }
	| UNROLL LPAREN expr RPAREN block
			{ MK($$, ast_loop(A, N_UNROLL, @$, $3, $5)); }
	| WHILE expr block
			{ MK($$, ast_loop(A, N_WHILE, @$, $2, $3)); }
	| FOR LPAREN VAR COLON unary RPAREN block
		{ if (!for_map(ps, $5))
			YYABORT;
		  MK($$, ast_for(A, @$, ast_var(A, @3, $3), $5, $7)); }
	| FOR LPAREN VAR COLON unary DOTDOT unary RPAREN block
		{ MK($$, ast_for_range(A, @$, ast_var(A, @3, $3), $5, $7,
				       $9)); }
	| FOR VAR COLON unary block
		{ if (!for_map(ps, $4))
			YYABORT;
		  MK($$, ast_for(A, @$, ast_var(A, @2, $2), $4, $5)); }
	| FOR VAR COLON unary DOTDOT unary block
		{ MK($$, ast_for_range(A, @$, ast_var(A, @2, $2), $4, $6,
				       $7)); }
	;

/* if as an expression (bpftrace 0.26), where an operand is expected
 * ($x = if c { a } else { b }): each branch has the value of its last
 * expression; it is c ? { a } : { b }. */
if_expr
	: expr LBRACE stmt_seq expr RBRACE ELSE if_expr_else
		{ struct node *t;

		  MK(t, ast_block_expr(A, loc_span(@2, @5),
				       ast_block(A, loc_span(@2, @5),
						 $3.head), $4));
		  MK($$, ast_ternary(A, @$, $1, t, $7)); }
	;

if_expr_else
	: LBRACE stmt_seq expr RBRACE
		{ MK($$, ast_block_expr(A, @$, ast_block(A, @$, $2.head),
					$3)); }
	| IF if_expr	{ $$ = $2; }
	;

/* if (cond) { } and, as bpftrace 0.26 allows, if cond { } */
if_stmt
	: IF expr block else_opt
			{ MK($$, ast_if(A, @$, $2, $3, $4)); }
	;

else_opt
	: %empty		{ $$ = NULL; }
	| ELSE block		{ $$ = $2; }
	| ELSE if_stmt		{ $$ = $2; }
	;

expr
	: unary				{ $$ = $1; }
	| expr QUESTION expr COLON expr	%prec QUESTION
			{ MK($$, ast_ternary(A, @$, $1, $3, $5)); }
	| expr QUESTION COLON expr	%prec QUESTION
			{ MK($$, ast_ternary(A, @$, $1, NULL, $4)); }
	| expr LOR expr	{ MK($$, ast_binop(A, @$, OP_LOR, $1, $3)); }
	| expr LAND expr { MK($$, ast_binop(A, @$, OP_LAND, $1, $3)); }
	| expr BOR expr	{ MK($$, ast_binop(A, @$, OP_BOR, $1, $3)); }
	| expr BXOR expr { MK($$, ast_binop(A, @$, OP_BXOR, $1, $3)); }
	| expr BAND expr { MK($$, ast_binop(A, @$, OP_BAND, $1, $3)); }
	| expr EQ expr	{ MK($$, ast_binop(A, @$, OP_EQ, $1, $3)); }
	| expr NE expr	{ MK($$, ast_binop(A, @$, OP_NE, $1, $3)); }
	| expr LT expr	{ MK($$, ast_binop(A, @$, OP_LT, $1, $3)); }
	| expr LE expr	{ MK($$, ast_binop(A, @$, OP_LE, $1, $3)); }
	| expr GT expr	{ MK($$, ast_binop(A, @$, OP_GT, $1, $3)); }
	| expr GE expr	{ MK($$, ast_binop(A, @$, OP_GE, $1, $3)); }
	| expr SHL expr	{ MK($$, ast_binop(A, @$, OP_SHL, $1, $3)); }
	| expr SHR expr	{ MK($$, ast_binop(A, @$, OP_SHR, $1, $3)); }
	| expr PLUS expr { MK($$, ast_binop(A, @$, OP_ADD, $1, $3)); }
	| expr MINUS expr { MK($$, ast_binop(A, @$, OP_SUB, $1, $3)); }
	| expr MUL expr	{ MK($$, ast_binop(A, @$, OP_MUL, $1, $3)); }
	| expr DIV expr	{ MK($$, ast_binop(A, @$, OP_DIV, $1, $3)); }
	| expr MOD expr	{ MK($$, ast_binop(A, @$, OP_MOD, $1, $3)); }
	;

unary
	: postfix		{ $$ = $1; }
	| MINUS unary		{ MK($$, fold_neg(ps, @1, $2, @$)); }
	| LNOT unary		{ MK($$, ast_unop(A, @$, OP_LNOT, $2)); }
	| BNOT unary		{ MK($$, ast_unop(A, @$, OP_BNOT, $2)); }
	| MUL unary		{ MK($$, ast_unop(A, @$, OP_DEREF, $2)); }
	| BAND unary		{ MK($$, ast_unop(A, @$, OP_ADDR, $2)); }
	| INC unary		{ MK($$, ast_unop(A, @$, OP_PREINC, $2)); }
	| DEC unary		{ MK($$, ast_unop(A, @$, OP_PREDEC, $2)); }
	| TCAST unary
		{ MK($$, ast_cast(A, @$, ast_typespec(A, @1, $1.name,
						      $1.ptrs, 0), $2)); }
	| LPAREN typespec RPAREN unary
		{ MK($$, ast_cast(A, @$, $2, $4)); }
	;

postfix
	: primary			{ $$ = $1; }
	| postfix LBRACKET expr RBRACKET
			{ MK($$, ast_index(A, @$, $1, $3)); }
	| postfix DOT field_name
			{ MK($$, ast_field(A, @$, $1, $3, false)); }
	| postfix ARROW field_name
			{ MK($$, ast_field(A, @$, $1, $3, true)); }
	| postfix DOT INT
		{ if ($3 > INT32_MAX) {
			diag_error(&ps->ctx->diags, @3,
				   "Tuple index %llu is out of range",
				   (unsigned long long)$3);
			YYABORT;
		  }
		  MK($$, ast_tuple_index(A, @$, $1, (int)$3)); }
	| postfix INC	{ MK($$, ast_unop(A, @$, OP_POSTINC, $1)); }
	| postfix DEC	{ MK($$, ast_unop(A, @$, OP_POSTDEC, $1)); }
	;

primary
	: INT		{ $$ = ast_int(A, @$, $1, $1 > INT64_MAX); }
	| STRING	{ $$ = ast_string(A, @$, $1.s, $1.len); }
	| IDENT		{ $$ = ast_ident(A, @$, $1); }
	| VAR		{ $$ = ast_var(A, @$, $1); }
	| PARAM		{ $$ = ast_positional(A, @$, $1, false); }
	| PARAMCOUNT	{ $$ = ast_positional(A, @$, 0, true); }
	| TRUE		{ $$ = ast_bool(A, @$, true); }
	| FALSE		{ $$ = ast_bool(A, @$, false); }
	| BLOCK_OPEN stmt_seq expr RBRACE
			{ MK($$, ast_block_expr(A, @$,
						ast_block(A, @$, $2.head),
						$3)); }
	| BLOCK_OPEN stmt_seq RBRACE
		{ struct node *v = if_tail(ps, &$2);

		  if (!v) {
			diag_error(&ps->ctx->diags, @3,
				   "A block expression ends in its value: an "
				   "expression without ';', or an if with an "
				   "else whose blocks each end in one");
			YYABORT;
		  }
		  MK($$, ast_block_expr(A, @$, ast_block(A, @$, $2.head),
					v)); }
	| IF_EXPR if_expr	{ $$ = $2; $$->loc = loc_span(@1, $2->loc); }
	| map		{ $$ = $1; }
	| span_field	{ $$ = $1; }
	| IDENT LPAREN RPAREN	{ $$ = ast_call(A, @$, $1, NULL); }
	| IDENT LPAREN expr_list RPAREN
			{ MK($$, ast_call(A, @$, $1, $3.head)); }
	| LPAREN expr RPAREN	{ $$ = $2; }
	| LPAREN expr COMMA expr_list RPAREN
		{ $2->next = $4.head;
		  MK($$, ast_tuple(A, @$, $2)); }
	| LPAREN RPAREN			{ $$ = ast_tuple(A, @$, NULL); }
	| LPAREN expr COMMA RPAREN	{ MK($$, ast_tuple(A, @$, $2)); }
	| LPAREN expr COMMA expr_list COMMA RPAREN
		{ $2->next = $4.head;
		  MK($$, ast_tuple(A, @$, $2)); }
	| LPAREN record_fields RPAREN	{ $2->loc = @$; $$ = $2; }
	| SIZEOF LPAREN typespec RPAREN
			{ $$ = ast_sizeof(A, @$, $3, NULL); }
	| SIZEOF TCAST
		{ $$ = ast_sizeof(A, @$, ast_typespec(A, @2, $2.name,
						      $2.ptrs, 0), NULL); }
	| SIZEOF LPAREN expr RPAREN
			{ MK($$, ast_sizeof(A, @$, NULL, $3)); }
	| OFFSETOF LPAREN typespec COMMA field_path RPAREN
			{ $$ = ast_offsetof(A, @$, $3, $5); }
	| OFFSETOF LPAREN IDENT COMMA field_path RPAREN
		{ $$ = ast_offsetof(A, @$, ast_typespec(A, @3, $3, 0, 0),
				    $5); }
	;

/* (name = expr, ...): a record. Bounded so that the checks for a
 * repeated name stay cheap on hostile input. */
record_fields
	: IDENT ASSIGN expr	{ MK($$, ast_record(A, @$, $1, $3)); }
	| record_fields COMMA IDENT ASSIGN expr
		{ struct loc l = { @3.begin, @5.end };

		  if ($1->u.tuple.nelems >= PARSE_MAX_RECORD_FIELDS) {
			diag_error(&ps->ctx->diags, l,
				   "A record has at most %d fields",
				   PARSE_MAX_RECORD_FIELDS);
			YYABORT;
		  }
		  if (!ast_record_add(A, $1, $3, $5))
			diag_error(&ps->ctx->diags, l,
				   "Named argument list already contains "
				   "name: %s", $3);
		  MK($$, $1); }
	;

map
	: MAP	%prec MAP_NOKEYS	{ $$ = ast_map(A, @$, $1, NULL); }
	| MAP LBRACKET expr_list RBRACKET
			{ MK($$, ast_map(A, @$, $1, $3.head)); }
	;

expr_list
	: expr			{ $$ = nl_one($1); }
	| expr_list COMMA expr	{ $$ = nl_add($1, $3); }
	;

/* A type as written in a cast, sizeof or offsetof. Casts to typedef names
 * come from the lexer as TCAST. */
typespec
	: TYPE stars	{ $$ = ast_typespec(A, @$, $1, $2, 0); }
	| TYPE LBRACKET INT RBRACKET
		{ if ($3 == 0 || $3 > INT32_MAX) {
			diag_error(&ps->ctx->diags, @3,
				   "Array length %llu is out of range",
				   (unsigned long long)$3);
			YYABORT;
		  }
		  $$ = ast_typespec(A, @$, $1, 0, (int)$3); }
	| STRUCT IDENT stars
		{ $$ = ast_typespec(A, @$, arena_printf(A, "struct %s", $2),
				    $3, 0); }
	| STRUCT STRING stars /* a Go type: struct "net/http.Response" */
		{ $$ = ast_typespec(A, @$, arena_printf(A, "struct %s", $2.s),
				    $3, 0); }
	| UNION IDENT stars
		{ $$ = ast_typespec(A, @$, arena_printf(A, "union %s", $2),
				    $3, 0); }
	| ENUM IDENT stars
		{ $$ = ast_typespec(A, @$, arena_printf(A, "enum %s", $2),
				    $3, 0); }
	| TYPEOF LPAREN expr RPAREN stars
		{ $$ = ast_typespec(A, @$, "typeof", $5, 0);
		  $$->u.typespec.of = $3; }
	| TYPEOF LPAREN typespec RPAREN stars
		{ $$ = $3; $$->loc = @$; $$->u.typespec.ptr_depth += $5; }
	| TYPEOF TCAST stars /* typeof(uint32), typeof(my_typedef *) */
		{ $$ = ast_typespec(A, @$, $2.name, $2.ptrs + $3, 0); }
	;

stars
	: %empty	{ $$ = 0; }
	| stars MUL	{ $$ = $1 + 1; }
	;

/* Field names may be words that are keywords in etrace but not in C. */
field_name
	: IDENT		{ $$ = $1; }
	| TYPE		{ $$ = $1; }
	| UNROLL	{ $$ = "unroll"; }
	| MAP_LET	{ $$ = "let"; }
	| TRUE		{ $$ = "true"; }
	| FALSE		{ $$ = "false"; }
	;

/* a.b.c: its text, blanks dropped (concatenating piece by piece would be
 * quadratic). */
field_path
	: field_name		{ $$ = $1; }
	| field_path DOT field_name
			{ $$ = path_text(ps, @$); }
	;

%%

/* Token names as the user wrote them; the aliases only keep bison's names
 * unique. */
static const char *sym_display(yysymbol_kind_t k)
{
	switch (k) {
	case YYSYMBOL_PRED_OPEN:
	case YYSYMBOL_ENDPRED:
		return "/";
	case YYSYMBOL_ANGLE_OPEN:
		return "<";
	case YYSYMBOL_ANGLE_CLOSE:
		return ">";
	case YYSYMBOL_BLOCK_OPEN:
	case YYSYMBOL_SPAN_OPEN:
		return "{";
	default:
		return yysymbol_name(k);
	}
}

/* Keeps the tokens that open a probe's or a statement's block or go on
 * with the attach point list; returns how many. */
static int openers(yysymbol_kind_t *exp, int n)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		if (exp[i] == YYSYMBOL_PRED_OPEN ||
		    exp[i] == YYSYMBOL_ANGLE_OPEN || exp[i] == YYSYMBOL_LBRACE ||
		    (exp[i] == YYSYMBOL_COMMA && i && exp[0] == YYSYMBOL_PRED_OPEN))
			exp[k++] = exp[i];
	return k;
}

/* "syntax error, unexpected X, expecting A or B" as bison words it, with
 * at most four expected tokens (more would not help). A syntax error that
 * follows a lexical error is almost always a consequence: not reported. */
static int yyreport_syntax_error(const yypcontext_t *yyctx, void *scanner,
				 struct parse_state *ps)
{
	yysymbol_kind_t exp[YYNTOKENS];
	const char *names[4];
	int n = yypcontext_expected_tokens(yyctx, exp, YYNTOKENS), nn = 0;
	yysymbol_kind_t tok = yypcontext_token(yyctx);
	char *msg;

	if (ps->nlex_errors || ps->eof_error || ps->deep_error)
		return 0;
	/* a span block is rare where a probe is expected, as a map
	 * declaration is (below): not named */
	for (int i = 0, k = 0, m = n; i < m; i++) {
		if (exp[i] == YYSYMBOL_SPAN) {
			n--;
			continue;
		}
		exp[k++] = exp[i];
	}
	if (tok == YYSYMBOL_COMPOUND) {
		const struct loc *l = yypcontext_location(yyctx);

		msg = arena_printf(A, "syntax error, unexpected %.*s",
				   (int)(l->end - l->begin),
				   ps->text + l->begin);
	} else {
		msg = arena_printf(A, "syntax error, unexpected %s",
				   sym_display(tok));
	}
	/* many choices (if cond ... or a probe that may be named): only the
	 * block openers help */
	if (n > 4) {
		bool operand = false;

		/* where a statement or an expression could go on, none */
		for (int i = 0; i < n; i++)
			operand |= exp[i] == YYSYMBOL_VAR;
		n = operand ? 0 : openers(exp, n);
	}
	for (int i = 0; i < n; i++) {
		const char *s = sym_display(exp[i]);
		bool dup = false;

		/* a map declaration is rare where a probe is expected: the
		 * messages keep naming what usually goes there */
		if (exp[i] == YYSYMBOL_MAP_LET)
			continue;
		for (int j = 0; j < nn; j++)
			dup |= !strcmp(names[j], s);
		if (!dup)
			names[nn++] = s;
	}
	for (int i = 0; i < nn; i++)
		msg = arena_printf(A, "%s%s%s", msg,
				   i ? " or " : ", expecting ", names[i]);
	diag_error(&ps->ctx->diags, *yypcontext_location(yyctx), "%s", msg);
	if (ps->mode == LM_ANGLE)
		diag_note(&ps->ctx->diags, ps->open_loc,
			  "This angle block ends at a '>' followed by the end "
			  "of the line or by another probe");
	return 0;
}

/* Only reached for "memory exhausted" (the stack limit, YYMAXDEPTH). */
static void yyerror(YYLTYPE *loc, void *scanner, struct parse_state *ps,
		    const char *msg)
{
	if (ps->deep_error)
		return;
	ps->deep_error = true;
	if (!strcmp(msg, "memory exhausted"))
		diag_error(&ps->ctx->diags, *loc,
			   "Program is nested too deeply");
	else
		diag_error(&ps->ctx->diags, *loc, "%s", msg);
}

static bool too_deep(struct parse_state *ps, struct node *n)
{
	if (n->depth <= PARSE_MAX_DEPTH)
		return false;
	if (!ps->deep_error)
		diag_error(&ps->ctx->diags, n->loc,
			   "Program is nested too deeply (more than %d levels)",
			   PARSE_MAX_DEPTH);
	ps->deep_error = true;
	return true;
}

/* -N written as a literal becomes one N_INT, as in bpftrace: only when the
 * '-' is directly followed (blanks aside) by the digits, and the magnitude
 * fits in int64 (-9223372036854775808 included). */
static struct node *fold_neg(struct parse_state *ps, struct loc minus,
			     struct node *e, struct loc all)
{
	uint32_t i = minus.end;

	if (e->kind != N_INT || e->loc.begin >= ps->len ||
	    ps->text[e->loc.begin] < '0' || ps->text[e->loc.begin] > '9' ||
	    e->u.integer.value > (UINT64_C(1) << 63))
		return ast_unop(A, all, OP_NEG, e);
	while (i < e->loc.begin && ps->text[i] &&
	       strchr(" \t\r\n", ps->text[i]))
		i++;
	if (i != e->loc.begin)
		return ast_unop(A, all, OP_NEG, e);
	e->u.integer.value = -e->u.integer.value;
	e->u.integer.is_unsigned = false;
	e->loc = all;
	return e;
}

/* name=probe,... (bpftrace 0.26): the name is an identifier. */
static bool probe_name(struct parse_state *ps, struct node *probe,
		       const char *name, struct loc at)
{
	bool ok = (name[0] >= 'a' && name[0] <= 'z') ||
		  (name[0] >= 'A' && name[0] <= 'Z') || name[0] == '_';

	for (const char *c = name; *c && ok; c++)
		ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		     (*c >= '0' && *c <= '9') || *c == '_';
	if (!ok) {
		diag_error(&ps->ctx->diags, at,
			   "Invalid probe name '%s': expected an identifier",
			   name);
		return false;
	}
	probe->u.probe.name = name;
	return true;
}

/* for ($kv : @m): a map named without keys. */
static bool for_map(struct parse_state *ps, struct node *e)
{
	if (e->kind == N_MAP && !e->u.map.keys)
		return true;
	diag_error(&ps->ctx->diags, e->loc,
		   "A for loop iterates over a map without keys (@m) or a "
		   "range (start..end)");
	return false;
}
