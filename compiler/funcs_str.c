/* String and address functions: str buf ntop pton strncmp strcontains
 * strlen strstr memcmp macaddr strftime strerror. */
#include "funcs.h"
#include "go_abi.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

/* A non-negative length in argument i when it is a literal; *len is left
 * alone when the length is computed at run time. */
static bool length_arg(struct compile_ctx *ctx, const struct node *call,
		       int i, int64_t *len)
{
	int64_t v;

	if (call->u.call.nargs <= i)
		return true;
	if (!fn_int_arg(ctx, call, i))
		return false;
	if (!fn_const_int(fn_arg(call, i), &v))
		return true;
	if (v < 0) {
		diag_error(&ctx->diags, fn_arg(call, i)->loc,
			   "%s() cannot use negative length (%" PRId64 ")",
			   call->u.call.name, v);
		return false;
	}
	*len = v;
	return true;
}

/* str(ptr [, len]): a NUL-terminated string read from memory. */
static struct type *check_str(struct compile_ctx *ctx, struct node *call,
			      struct node *probe)
{
	struct node *a = fn_arg(call, 0);
	int64_t len = ctx->opts.strlen;

	if (!a->type)
		return NULL;
	if (a->type->kind != T_INT && a->type->kind != T_PTR &&
	    a->type->kind != T_ARRAY) {
		diag_error(&ctx->diags, a->loc,
			   "str() expects an integer or a pointer type as first argument (%s provided)",
			   type_name(ctx->arena, a->type));
		return NULL;
	}
	if (!length_arg(ctx, call, 1, &len))
		return NULL;
	return type_string(ctx->arena, ctx->opts.strlen);
}

/* buf(p, len), buf(string, len) or buf(array [, len]): raw bytes printed
 * with %r, read at an address (an integer or a pointer) or copied from a
 * value (a string, str() and positional parameters included, or an
 * array), as bpftrace 0.17 accepts them. */
static struct type *check_buf(struct compile_ctx *ctx, struct node *call,
			      struct node *probe)
{
	struct node *a = fn_arg(call, 0);
	const struct type *t = a->type;
	int64_t len = ctx->opts.strlen;

	if (!t)
		return NULL;
	if (t->kind != T_INT && t->kind != T_PTR && t->kind != T_STRING &&
	    t->kind != T_ARRAY) {
		diag_error(&ctx->diags, a->loc,
			   "buf() expects an integer, string, or array argument but saw %s",
			   fn_kind_name(t));
		return NULL;
	}
	if (t->kind == T_ARRAY && t->elem)
		len = (int64_t)t->count * t->elem->size;
	else if (call->u.call.nargs < 2) {
		diag_error(&ctx->diags, call->loc,
			   "buf() expects a length argument for non-array type %s",
			   fn_kind_name(t));
		return NULL;
	}
	if (!length_arg(ctx, call, 1, &len))
		return NULL;
	if (len > ctx->opts.strlen) {
		diag_warning(&ctx->diags, call->loc,
			     "buf() length is too long and will be shortened to %d bytes (see ETRACE_STRLEN)",
			     ctx->opts.strlen);
		len = ctx->opts.strlen;
	}
	return type_buf(ctx->arena, (uint32_t)len);
}

/* ntop([af,] addr): addr an integer (IPv4) or a 4/16 byte array. */
static struct type *check_ntop(struct compile_ctx *ctx, struct node *call,
			       struct node *probe)
{
	struct node *a = fn_arg(call, call->u.call.nargs - 1);
	const struct type *t = a->type;

	if (call->u.call.nargs == 2 && !fn_int_arg(ctx, call, 0))
		return NULL;
	if (!t)
		return NULL;
	if (t->kind != T_INT && t->kind != T_ARRAY) {
		diag_error(&ctx->diags, a->loc,
			   "ntop() expects an integer or array argument, got %s",
			   fn_kind_name(t));
		return NULL;
	}
	if (t->kind == T_ARRAY && t->size != 4 && t->size != 16) {
		diag_error(&ctx->diags, a->loc,
			   "ntop() argument must be 4 or 16 bytes in size");
		return NULL;
	}
	return type_simple(ctx->arena, T_INET, 24);
}

/* pton("addr"): the address bytes, resolved at compile time. */
static struct type *check_pton(struct compile_ctx *ctx, struct node *call,
			       struct node *probe)
{
	unsigned char buf[16];
	const char *s;
	int n;

	if (!fn_str_literal(ctx, call, 0, &s, NULL))
		return NULL;
	if (inet_pton(AF_INET, s, buf) == 1)
		n = 4;
	else if (inet_pton(AF_INET6, s, buf) == 1)
		n = 16;
	else {
		diag_error(&ctx->diags, fn_arg(call, 0)->loc,
			   "pton() expects a string argument of an IPv4/IPv6 address, got %s",
			   s);
		return NULL;
	}
	return type_array(ctx->arena, type_int(1, false), n);
}

static bool string_arg(struct compile_ctx *ctx, const struct node *call,
		       int i)
{
	struct node *a = fn_arg(call, i);

	if (a->type && a->type->kind == T_STRING)
		return true;
	diag_error(&ctx->diags, a->loc,
		   "%s() only supports string arguments (%s provided)",
		   call->u.call.name, fn_kind_name(a->type));
	return false;
}

static struct type *check_strncmp(struct compile_ctx *ctx, struct node *call,
				  struct node *probe)
{
	int64_t n;

	if (!string_arg(ctx, call, 0) || !string_arg(ctx, call, 1) ||
	    !fn_int_literal(ctx, call, 2, &n))
		return NULL;
	if (n < 0) {
		diag_error(&ctx->diags, fn_arg(call, 2)->loc,
			   "Builtin strncmp requires a non-negative size");
		return NULL;
	}
	return type_u64();
}

/* A string or a char array (bpftrace 0.26's "string-like"). */
static bool string_like(struct compile_ctx *ctx, const struct node *call,
			int i)
{
	struct node *a = fn_arg(call, i);
	const struct type *t = a->type;

	if (t && (t->kind == T_STRING ||
		  (t->kind == T_ARRAY && t->elem && t->elem->size == 1 &&
		   t->elem->kind == T_INT)))
		return true;
	diag_error(&ctx->diags, a->loc,
		   "%s() expects a string or a char array (%s provided)",
		   call->u.call.name, t ? type_name(ctx->arena, t) : "none");
	return false;
}

/* strlen(s): its length, at most its size (a full array has no NUL). */
static struct type *check_strlen(struct compile_ctx *ctx, struct node *call,
				 struct node *probe)
{
	return string_like(ctx, call, 0) ? type_u64() : NULL;
}

/* strcap(s) (bpftrace 0.26): the capacity of a string or char array, its
 * size (s is not evaluated). */
static struct type *check_strcap(struct compile_ctx *ctx, struct node *call,
				 struct node *probe)
{
	return string_like(ctx, call, 0) ? type_s64() : NULL;
}

/* strstr(hay, needle): the index of needle in hay, or -1. */
static struct type *check_strstr(struct compile_ctx *ctx, struct node *call,
				 struct node *probe)
{
	if (!string_like(ctx, call, 0) || !string_like(ctx, call, 1))
		return NULL;
	return type_s64();
}

/* memcmp(left, right, count): count bytes of two values held in memory
 * (strings, arrays, buffers, structs, tuples), count a literal no
 * larger than either. */
static struct type *check_memcmp(struct compile_ctx *ctx, struct node *call,
				 struct node *probe)
{
	int64_t n;

	for (int i = 0; i < 2; i++) {
		struct node *a = fn_arg(call, i);
		enum type_kind k = a->type ? a->type->kind : T_NONE;

		if (k != T_STRING && k != T_ARRAY && k != T_BUF &&
		    k != T_RECORD && k != T_TUPLE) {
			diag_error(&ctx->diags, a->loc,
				   "memcmp() compares strings, arrays, buffers, structs or tuples (%s provided)",
				   a->type ? type_name(ctx->arena, a->type)
					   : "none");
			return NULL;
		}
	}
	if (!fn_int_literal(ctx, call, 2, &n))
		return NULL;
	if (n < 0 || (uint64_t)n > fn_arg(call, 0)->type->size ||
	    (uint64_t)n > fn_arg(call, 1)->type->size) {
		diag_error(&ctx->diags, fn_arg(call, 2)->loc,
			   "memcmp() count %" PRId64 " is not within the sizes of its arguments (%u and %u bytes)",
			   n, fn_arg(call, 0)->type->size,
			   fn_arg(call, 1)->type->size);
		return NULL;
	}
	return type_s64();
}

static struct type *check_strcontains(struct compile_ctx *ctx,
				      struct node *call, struct node *probe)
{
	if (!string_arg(ctx, call, 0) || !string_arg(ctx, call, 1))
		return NULL;
	return type_u64();
}

/* macaddr(p): six bytes read at an address (an integer or a pointer) or
 * taken from a 6-byte array or string (char mac[6]), as bpftrace 0.17. */
static struct type *check_macaddr(struct compile_ctx *ctx, struct node *call,
				  struct node *probe)
{
	struct node *a = fn_arg(call, 0);
	const struct type *t = a->type;

	if (!t)
		return NULL;
	if (a->kind == N_STRING) {
		diag_error(&ctx->diags, a->loc,
			   "macaddr() does not support literal string arguments");
		return NULL;
	}
	if (t->kind != T_ARRAY && t->kind != T_STRING && t->kind != T_PTR &&
	    t->kind != T_INT) {
		diag_error(&ctx->diags, a->loc,
			   "macaddr() only supports array or pointer arguments (%s provided)",
			   fn_kind_name(t));
		return NULL;
	}
	if ((t->kind == T_ARRAY || t->kind == T_STRING) && t->size != 6) {
		diag_error(&ctx->diags, a->loc,
			   "macaddr() argument must be 6 bytes in size");
		return NULL;
	}
	return type_simple(ctx->arena, T_MACADDR, 6);
}

/* strftime(fmt, nsecs): formatted in user space. */
static struct type *check_strftime(struct compile_ctx *ctx,
				   struct node *call, struct node *probe)
{
	const char *s;

	if (!fn_str_literal(ctx, call, 0, &s, NULL) || !fn_int_arg(ctx, call, 1))
		return NULL;
	return type_simple(ctx->arena, T_TIMESTAMP, 16);
}

static struct type *check_strerror(struct compile_ctx *ctx,
				   struct node *call, struct node *probe)
{
	if (!fn_int_arg(ctx, call, 0))
		return NULL;
	return type_simple(ctx->arena, T_STRERROR, 8);
}

/* signal_name(sig), syscall_name(nr): the number, named in user space */
static struct type *check_number_name(struct compile_ctx *ctx,
				      struct node *call, struct node *probe)
{
	if (!fn_int_arg(ctx, call, 0))
		return NULL;
	return type_simple(ctx->arena,
			   call->u.call.name[1] == 'i' ? T_SIGNAL_NAME
						       : T_SYSCALL_NAME,
			   8);
}

const struct func funcs_str[] = {
	{ "str", 1, 2, FN_SLEEPABLE, check_str, FG_STR },
	{ "buf", 1, 2, FN_SLEEPABLE, check_buf, FG_BUF },
	{ "ntop", 1, 2, 0, check_ntop, FG_NTOP },
	{ "pton", 1, 1, 0, check_pton, FG_PTON },
	{ "strncmp", 3, 3, 0, check_strncmp, FG_STRNCMP },
	{ "strcontains", 2, 2, 0, check_strcontains, FG_STRCONTAINS },
	{ "strlen", 1, 1, 0, check_strlen, FG_STRLEN },
	{ "strcap", 1, 1, 0, check_strcap, FG_STRCAP },
	{ "strstr", 2, 2, 0, check_strstr, FG_STRSTR },
	{ "gostr", 1, 2, FN_SLEEPABLE, go_check_gostr, FG_GOSTR },
	{ "goret", 1, 1, 0, go_check_goret, FG_GORET },
	{ "memcmp", 3, 3, 0, check_memcmp, FG_MEMCMP },
	{ "macaddr", 1, 1, 0, check_macaddr, FG_MACADDR },
	{ "strftime", 2, 2, 0, check_strftime, FG_STRFTIME },
	{ "strerror", 1, 1, 0, check_strerror, FG_ARG_VALUE },
	{ "signal_name", 1, 1, 0, check_number_name, FG_ARG_VALUE },
	{ "syscall_name", 1, 1, 0, check_number_name, FG_ARG_VALUE },
	{ NULL },
};
