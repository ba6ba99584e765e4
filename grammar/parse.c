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
	if (rc == 0 && !ps.program->u.program.probes &&
	    !diag_has_errors(&ctx->diags))
		diag_error(&ctx->diags, LOC_NONE, "Program has no probes");
	if (rc == 0 && !diag_has_errors(&ctx->diags))
		ctx->ast = ps.program;
	return ctx->ast ? 0 : -EINVAL;
}
