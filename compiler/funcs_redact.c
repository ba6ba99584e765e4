/* redact(s [, "classes"]): a string marked for redaction in user space
 * (runtime/redact.h). The value is the string's bytes after a mark of
 * three bytes that carries the classes; whatever formats it (text, JSON,
 * span attributes, OTLP, Prometheus labels) strips the mark and redacts
 * the rest before it leaves the process. Without classes, all the
 * personal-data ones apply (config redact applies besides). */
#include "funcs.h"
#include "redact.h"

#include <string.h>

/* the largest string redact() makes (its argument's size and the mark):
 * a slot of the protocol functions' map (compiler/codegen/cg_proto.c) */
#define REDACT_MAX_SIZE 512

static struct type *check_redact(struct compile_ctx *ctx, struct node *call,
				 struct node *probe)
{
	struct node *a = fn_arg(call, 0);
	const struct type *t = a->type;
	const char *list, *bad = NULL;
	uint32_t mask = 0;
	size_t badlen = 0;

	(void)probe;
	if (!t || (t->kind != T_STRING &&
		   !(t->kind == T_ARRAY && t->elem && t->elem->size == 1 &&
		     t->elem->kind == T_INT))) {
		diag_error(&ctx->diags, a->loc,
			   "redact() expects a string (%s provided)",
			   t ? fn_kind_name(t) : "none");
		return NULL;
	}
	if (t->size + REDACT_MARK_LEN > REDACT_MAX_SIZE) {
		diag_error(&ctx->diags, a->loc,
			   "redact() takes strings of at most %d bytes (%u "
			   "provided)",
			   REDACT_MAX_SIZE - REDACT_MARK_LEN, t->size);
		return NULL;
	}
	if (call->u.call.nargs == 2) {
		if (!fn_str_literal(ctx, call, 1, &list, NULL))
			return NULL;
		if (redact_parse(list, &mask, &bad, &badlen)) {
			diag_error(&ctx->diags, fn_arg(call, 1)->loc,
				   "redact() has no class '%.*s' (classes: "
				   "email, card, ssn, ipv4, jwt, secret, pii, "
				   "sql, resp, resp_text)",
				   (int)badlen, bad);
			return NULL;
		}
		if (!mask) {
			diag_error(&ctx->diags, fn_arg(call, 1)->loc,
				   "redact() needs at least one class");
			return NULL;
		}
	}
	return type_string(ctx->arena, t->size + REDACT_MARK_LEN);
}

const struct func funcs_redact[] = {
    {"redact", 1, 2, 0, check_redact, FG_REDACT},
    {NULL},
};
