/* printf-style formats checked against the argument types of a call
 * (printf, system, cat, debugf); the parser is the runtime's
 * (runtime/printf_fmt.h), so formats are parsed the same way where they
 * are checked and where they are printed. */
#include "printf_check.h"

#include <string.h>

#include "funcs.h"

bool printf_fmt_class_of(const struct type *t, enum fmt_class *cls)
{
	if (!t)
		return false;
	switch (t->kind) {
	case T_INT:
	case T_PTR:
	case T_BOOL: /* printf("%d", true) prints 1 */
		*cls = FMT_INT;
		return true;
	case T_STRING: case T_KSYM: case T_USYM: case T_INET:
	case T_USERNAME: case T_STACK: case T_TIMESTAMP: case T_MACADDR:
	case T_CGROUP_PATH: case T_STRERROR:
	case T_SIGNAL_NAME: case T_SYSCALL_NAME:
	case T_CONTAINER: case T_CONTAINER_NAME: case T_POD: case T_POD_NS:
	case T_POD_UID:
		*cls = FMT_STR;
		return true;
	case T_BUF:
		*cls = FMT_BUF;
		return true;
	case T_ARRAY:
		/* char name[16] in a record prints as the string it holds */
		if (t->elem && t->elem->kind == T_INT && t->elem->size == 1) {
			*cls = FMT_STR;
			return true;
		}
		return false;
	default:
		return false;
	}
}

static const char *class_name[] = {
	[FMT_INT] = "integer", [FMT_STR] = "string", [FMT_BUF] = "buffer",
};

/* bpftrace names the kind a value prints as: pointers are "integer",
 * symbols "string". */
static const char *supplied_name(const struct type *t)
{
	enum fmt_class cls;

	if (printf_fmt_class_of(t, &cls))
		return class_name[cls];
	return fn_kind_name(t);
}

bool printf_fmt_check(struct compile_ctx *ctx, const char *fn,
		      const struct fmt *f, struct node *args,
		      struct loc call_loc)
{
	int nargs = ast_list_len(args), k = 0;
	bool ok = true;

	if (nargs != f->nspecs) {
		diag_error(&ctx->diags, call_loc,
			   "%s: %s arguments for format string (%d supplied, %d expected)",
			   fn, nargs > f->nspecs ? "Too many" : "Not enough",
			   nargs, f->nspecs);
		return false;
	}
	for (int i = 0; i < f->nsegs; i++) {
		const struct fmt_seg *g = &f->segs[i];
		struct node *arg = args;
		enum fmt_class cls;

		if (!g->is_spec)
			continue;
		for (int j = 0; j < k; j++)
			arg = arg->next;
		k++;
		if (printf_fmt_class_of(arg->type, &cls) && cls == g->cls)
			continue;
		/* a value cast to an enum: %s prints its constant's name */
		if (g->cls == FMT_STR && arg->type &&
		    arg->type->kind == T_INT && arg->type->nenumerators)
			continue;
		diag_error(&ctx->diags, arg->loc,
			   "%s: %s specifier expects a value of type %s (%s supplied)",
			   fn, g->name, class_name[g->cls],
			   supplied_name(arg->type));
		ok = false;
	}
	return ok;
}
