/* getopt("name", default, "description"): named program options
 * (bpftrace 0.26). Reads the calls' literal arguments; writes
 * ctx->options (one per name, each with one default and description)
 * and, once the program is parsed, splits the command-line words after
 * the script into positional parameters and "--name=value" options. The
 * values are set when the program is loaded (runtime/options.c), not
 * compiled in. */
#include "prog_options.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "funcs.h"

static bool is_getopt(struct node *n, void *arg)
{
	bool *found = arg;

	if (n->kind == N_CALL && !strcmp(n->u.call.name, "getopt"))
		*found = true;
	return !*found;
}

void getopt_split_params(struct compile_ctx *ctx)
{
	const char **pos;
	bool found = false;
	int n = 0;

	ast_walk(ctx->ast, is_getopt, &found);
	if (!found || !ctx->opts.nparams)
		return;
	pos = arena_calloc(ctx->arena, ctx->opts.nparams + 1, sizeof(*pos));
	for (int i = 0; i < ctx->opts.nparams; i++)
		if (strncmp(ctx->opts.params[i], "--", 2))
			pos[n++] = ctx->opts.params[i];
	ctx->opts.params = pos;
	ctx->opts.nparams = n;
}

int getopt_index(const struct compile_ctx *ctx, const char *name)
{
	for (int i = 0; i < ctx->noptions; i++)
		if (!strcmp(ctx->options[i].name, name))
			return i;
	return -1;
}

static const char *default_text(struct compile_ctx *ctx,
				const struct et_option *op)
{
	switch (op->kind) {
	case ET_OPT_BOOL:
		return op->def ? "true" : "false";
	case ET_OPT_UINT:
		return arena_printf(ctx->arena, "%" PRIu64, op->def);
	case ET_OPT_INT:
		return arena_printf(ctx->arena, "%" PRId64, (int64_t)op->def);
	default:
		return op->def_str;
	}
}

/* The option as this call writes it, from its literal arguments. */
static bool read_call(struct compile_ctx *ctx, struct node *call,
		      struct et_option *op)
{
	struct node *name = fn_arg(call, 0), *def = fn_arg(call, 1),
		    *desc = fn_arg(call, 2);
	int64_t v;

	if (name->kind != N_STRING) {
		diag_error(
		    &ctx->diags, name->loc,
		    "First argument to 'getopt' must be a string literal.");
		return false;
	}
	op->name = name->u.string.str;
	if (!op->name[0] ||
	    strspn(op->name, "abcdefghijklmnopqrstuvwxyz"
			     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
		strlen(op->name)) {
		diag_error(&ctx->diags, name->loc,
			   "getopt() option names are made of letters, digits, "
			   "'_' and '-'");
		return false;
	}
	op->kind = ET_OPT_BOOL;
	if (def && def->kind == N_BOOL) {
		op->def = def->u.integer.value != 0;
	} else if (def && def->kind == N_STRING) {
		op->kind = ET_OPT_STRING;
		op->def_str = def->u.string.str;
		/* whole words: the program copies it word by word */
		op->size = ((uint32_t)ctx->opts.strlen + 7) & ~7u;
	} else if (def && fn_const_int(def, &v) &&
		   (def->kind == N_INT || def->kind == N_UNOP)) {
		op->kind =
		    v < 0 && !(def->kind == N_INT && def->u.integer.is_unsigned)
			? ET_OPT_INT
			: ET_OPT_UINT;
		op->def = (uint64_t)v;
	} else if (def) {
		diag_error(&ctx->diags, def->loc,
			   "Second argument to 'getopt' must be a string "
			   "literal, integer literal, or a boolean literal.");
		return false;
	}
	op->desc = "";
	if (desc && desc->kind != N_STRING) {
		diag_error(&ctx->diags, desc->loc,
			   "Function 'getopt' requires the third parameter to "
			   "be a string literal.");
		return false;
	}
	if (desc)
		op->desc = desc->u.string.str;
	return true;
}

/* One default and one description per name, wherever it is used. */
static bool record(struct compile_ctx *ctx, struct node *call,
		   struct et_option *op)
{
	int i = getopt_index(ctx, op->name);
	struct et_option *was = i >= 0 ? &ctx->options[i] : NULL, *grown;

	if (was && (was->kind != op->kind || was->def != op->def ||
		    (op->kind == ET_OPT_STRING &&
		     strcmp(was->def_str, op->def_str)))) {
		diag_error(&ctx->diags, call->loc,
			   "Command line option '%s' needs to have the same "
			   "default value in all places it is used. Previous "
			   "default value: %s",
			   op->name, default_text(ctx, was));
		return false;
	}
	if (was && op->desc[0] && was->desc[0] && strcmp(was->desc, op->desc)) {
		diag_error(
		    &ctx->diags, call->loc,
		    "Command line option '%s' must have the same description "
		    "in all places it's used. Hint: You can wrap it in a macro",
		    op->name);
		return false;
	}
	if (was) {
		if (op->desc[0])
			was->desc = op->desc;
		return true;
	}
	grown = arena_calloc(ctx->arena, ctx->noptions + 1, sizeof(*grown));
	if (ctx->noptions)
		memcpy(grown, ctx->options, ctx->noptions * sizeof(*grown));
	grown[ctx->noptions++] = *op;
	ctx->options = grown;
	return true;
}

struct type *getopt_check(struct compile_ctx *ctx, struct node *call,
			  struct node *probe)
{
	struct et_option op = {0};

	if (!read_call(ctx, call, &op) || !record(ctx, call, &op))
		return NULL;
	switch (op.kind) {
	case ET_OPT_BOOL:
		return type_bool();
	case ET_OPT_UINT:
		return type_u64();
	case ET_OPT_INT:
		return type_s64();
	default:
		return type_string(ctx->arena, op.size);
	}
}
