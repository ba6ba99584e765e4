/* State shared by the flex lexer and the bison parser of grammar/ while one
 * program is parsed (private to grammar/: the rest of the compiler only
 * sees compile_parse() in compile.h). */
#ifndef ETRACE_PARSE_H
#define ETRACE_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "compile.h"

/* Deepest AST the parser builds (expression and statement nesting). Passes
 * recurse over the tree; this keeps them far from the C stack limit. */
#define PARSE_MAX_DEPTH 1000
/* Most fields a record literal (a=1, b=2, ...) may have. */
#define PARSE_MAX_RECORD_FIELDS 1024

/* What the lexer is inside of. LM_TOP is the flex INITIAL condition (attach
 * points, preamble, config); the others are the EXPR condition. */
enum lex_mode {
	LM_TOP,
	LM_BLOCK, /* { ... } of a probe or of config */
	LM_ANGLE, /* < ... > */
	LM_PRED,  /* / ... / */
	LM_MHEAD, /* macro name(params), up to the '{' of its body */
	LM_IMPORT, /* import "path", up to the ';' */
	LM_DECL,  /* let @m = kind(size) at the top level, up to its ')' */
	LM_KEY,   /* key (...); of a span block, up to its ';' */
};

struct parse_state {
	struct compile_ctx *ctx;
	const char *text;    /* ctx->src.text, NUL-terminated */
	uint32_t len;
	uint32_t off;        /* byte offset of the next unread character */
	uint32_t last_end;   /* end of the last token returned */
	int last_tok;        /* the last token returned */
	enum lex_mode mode;
	int depth;           /* ( [ { nesting inside the current block */
	struct loc open_loc; /* the '{', '<' or '/' that opened the block */
	int nlex_errors;     /* lexical errors reported */
	bool eof_error;      /* an unterminated construct was reported */
	bool deep_error;     /* the depth limit was reported */
	/* 0, or 1 + an offset at or after which no comment end ("*" "/")
	 * exists: keeps the lookaheads over comments linear on hostile
	 * input. */
	uint32_t no_comment_end;
	struct node *program;
	struct node *map_decls;      /* N_MAP_DECL, in source order */
	/* inside span NAME { ... } (at its top level) */
	bool in_span;
	struct node *span_key;       /* its key (...), once read */
	struct loc span_key_loc;
};

#endif
