/* compile_parse(): runs the flex lexer and bison parser of grammar/ over
 * ctx->src and leaves the N_PROGRAM in ctx->ast. Every lexical and syntax
 * error becomes a diagnostic with its exact byte range. */
#include <errno.h>
#include <string.h>

#include "compile.h"
#include "parse.h"

/* From the generated parser and lexer; declared here so that this file
 * does not wait for their generated headers. */
typedef void *yyscan_t;
int yyparse(void *scanner, struct parse_state *ps);
int yylex_init_extra(struct parse_state *extra, yyscan_t *scanner);
struct yy_buffer_state *yy_scan_bytes(const char *bytes, int len,
				      yyscan_t scanner);
int yylex_destroy(yyscan_t scanner);

static bool shift_loc(struct node *n, void *arg)
{
	uint32_t base = *(uint32_t *)arg;

	if (loc_valid(n->loc)) {
		n->loc.begin += base;
		n->loc.end += base;
	}
	return true;
}

/* Imports and macros hang off the program outside its walked children. */
static void shift_program(struct node *prog, uint32_t base)
{
	ast_walk(prog, shift_loc, &base);
	for (struct node *i = prog->u.program.imports; i; i = i->next)
		ast_walk(i, shift_loc, &base);
	for (struct node *m = prog->u.program.macros; m; m = m->next)
		ast_walk(m, shift_loc, &base);
}

struct node *compile_parse_more(struct compile_ctx *ctx,
				const struct source *src)
{
	struct parse_state ps = {
		.ctx = ctx,
		.text = src->text,
		.len = src->len,
		.mode = LM_TOP,
	};
	struct diag *last = ctx->diags.tail;
	yyscan_t scanner;
	int rc;

	if (src->len > INT32_MAX - 2) {
		diag_error(&ctx->diags, LOC_NONE, "%s is too large", src->name);
		return NULL;
	}
	if (yylex_init_extra(&ps, &scanner))
		return NULL;
	yy_scan_bytes(src->text, (int)src->len, scanner);
	rc = yyparse(scanner, &ps);
	yylex_destroy(scanner);
	for (struct diag *g = last ? last->next : ctx->diags.head; g;
	     g = g->next)
		if (loc_valid(g->loc)) {
			g->loc.begin += src->base;
			g->loc.end += src->base;
		}
	if (rc != 0 || !ps.program)
		return NULL;
	shift_program(ps.program, src->base);
	ps.program->loc = (struct loc){ src->base, src->base + src->len };
	return ps.program;
}

int compile_parse(struct compile_ctx *ctx)
{
	struct parse_state ps = {
		.ctx = ctx,
		.text = ctx->src.text,
		.len = ctx->src.len,
		.mode = LM_TOP,
	};
	yyscan_t scanner;
	int rc;

	ctx->ast = NULL;
	if (ctx->src.len > INT32_MAX - 2) {
		diag_error(&ctx->diags, LOC_NONE, "Program is too large");
		return -EFBIG;
	}
	if (yylex_init_extra(&ps, &scanner))
		return -ENOMEM;
	yy_scan_bytes(ctx->src.text, (int)ctx->src.len, scanner);
	rc = yyparse(scanner, &ps);
	yylex_destroy(scanner);
	if (rc == 2 && !diag_has_errors(&ctx->diags))
		diag_error(&ctx->diags, LOC_NONE,
			   "Out of memory while parsing");
	/* probes may come from imports (compiler/pass_imports.c checks) */
	if (rc == 0 && !ps.program->u.program.probes &&
	    !ps.program->u.program.imports && !diag_has_errors(&ctx->diags))
		diag_error(&ctx->diags, LOC_NONE, "Program has no probes");
	if (rc == 0 && !diag_has_errors(&ctx->diags))
		ctx->ast = ps.program;
	return ctx->ast ? 0 : -EINVAL;
}
