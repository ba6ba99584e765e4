/* Protocol functions: http_method(buf, len), pg_query(buf, len)...
 * (funcs_proto.h). buf is the address of bytes in the traced process
 * (a read()/write() buffer, SSL_read()'s...), or a string, buffer or
 * byte array the program holds; len how many bytes it has (negative:
 * none, as a failed read() returns). The parsers see at most the
 * first (or, for a response's result, the last) ET_PROTO_WINDOW.
 * http_path, pg_query and mysql_query take the size of their result
 * as an optional third argument (a literal, bytes with the NUL), which
 * may pass strlen: http_path(buf, len, 128). */
#include "funcs.h"
#include "funcs_proto.h"
#include "../bpf-helpers/proto_abi.h"

#include <string.h>

/* clang-format off */
static const struct proto_fn proto_fns[] = {
	{ "is_http_request", "et_http_request", PROTO_BOOL, 0, PROTO_NONE, 0, 0 },
	{ "is_http_response", "et_http_status", PROTO_BOOL, 0, PROTO_NONE, 0, 0 },
	{ "http_method", "et_http_method", PROTO_STRING, 8, PROTO_NONE, 0, 0 },
	{ "http_path", "et_http_path", PROTO_STRING, 0, PROTO_NONE, 0, 0 },
	{ "http_status", "et_http_status", PROTO_INT, 0, PROTO_NONE, 0, 0 },
	{ "http_query", "et_http_query", PROTO_STRING, 0, PROTO_TYPE, 0, 0 },
	{ "http_header", "et_http_header", PROTO_STRING, 0, PROTO_NAME, 0, 0 },
	{ "http_content_length", "et_http_content_length", PROTO_INT, 0, PROTO_NONE, 0, 0 },
	{ "http_next", "et_http_next", PROTO_INT, 0, PROTO_NONE, 0, 0 },
	{ "h2_preface", "et_h2_preface", PROTO_BOOL, 0, PROTO_NONE, 0, 0 },
	{ "h2_frame_type", "et_h2_frame", PROTO_INT, 0, PROTO_TYPE, ET_H2_TYPE, 0 },
	{ "h2_frame_len", "et_h2_frame", PROTO_INT, 0, PROTO_TYPE, ET_H2_LEN, 0 },
	{ "h2_frame_flags", "et_h2_frame", PROTO_INT, 0, PROTO_TYPE, ET_H2_FLAGS, 0 },
	{ "h2_stream_id", "et_h2_frame", PROTO_INT, 0, PROTO_TYPE, ET_H2_STREAM, 0 },
	{ "ws_opcode", "et_ws_frame", PROTO_INT, 0, PROTO_FIELD, ET_WS_OPCODE, 0 },
	{ "ws_payload_len", "et_ws_frame", PROTO_INT, 0, PROTO_FIELD, ET_WS_LEN, 0 },
	{ "ws_close_code", "et_ws_frame", PROTO_INT, 0, PROTO_FIELD, ET_WS_CLOSE, 0 },
	{ "ws_header_len", "et_ws_frame", PROTO_INT, 0, PROTO_FIELD, ET_WS_HDR, 0 },
	{ "resp_command", "et_resp_command", PROTO_STRING, 0, PROTO_NONE, 0, 0 },
	{ "resp_type", "et_resp_type", PROTO_STRING, 16, PROTO_NONE, 0, 0 },
	{ "pg_msg_type", "et_pg_type", PROTO_INT, 0, PROTO_NONE, 0, 0 },
	{ "pg_query", "et_pg_query", PROTO_STRING, 0, PROTO_NONE, 0, 0 },
	{ "pg_tag", "et_pg_result", PROTO_STRING, 0, PROTO_FIELD, 'C', 1 },
	{ "pg_error", "et_pg_result", PROTO_STRING, 8, PROTO_FIELD, 'E', 1 },
	{ "mysql_command", "et_mysql_command", PROTO_INT, 0, PROTO_NONE, 0, 0 },
	{ "mysql_query", "et_mysql_query", PROTO_STRING, 0, PROTO_NONE, 0, 0 },
	{ "mysql_reply", "et_mysql_reply", PROTO_STRING, 16, PROTO_NONE, 0, 0 },
	{ "mysql_errno", "et_mysql_errno", PROTO_INT, 0, PROTO_NONE, 0, 0 },
	{ "proto_detect", "et_proto_detect", PROTO_STRING, 16, PROTO_NONE, 0, 0 },
};
/* clang-format on */

const struct proto_fn *proto_fn_find(const char *name)
{
	for (size_t i = 0; i < sizeof(proto_fns) / sizeof(proto_fns[0]); i++)
		if (!strcmp(proto_fns[i].name, name))
			return &proto_fns[i];
	return NULL;
}

/* buf: an address (an integer or a pointer), a string, a buffer or an
 * array of bytes */
static bool buf_arg(struct compile_ctx *ctx, const struct node *call)
{
	struct node *a = fn_arg(call, 0);
	const struct type *t = a->type;

	if (t && (t->kind == T_INT || t->kind == T_PTR || t->kind == T_STRING ||
		  t->kind == T_BUF ||
		  (t->kind == T_ARRAY && t->elem && t->elem->size == 1)))
		return true;
	diag_error(&ctx->diags, a->loc,
		   "%s() expects the address of the bytes, or a string, buffer "
		   "or byte array (%s provided)",
		   call->u.call.name, t ? type_name(ctx->arena, t) : "none");
	return false;
}

static struct type *check_proto(struct compile_ctx *ctx, struct node *call,
				struct node *probe)
{
	const struct proto_fn *f = proto_fn_find(call->u.call.name);
	int nargs = call->u.call.nargs;
	uint32_t len;
	const char *s;

	if (!f || !buf_arg(ctx, call) || !fn_int_arg(ctx, call, 1))
		return NULL;
	if (f->extra == PROTO_NAME) {
		if (nargs != 3) {
			diag_error(
			    &ctx->diags, call->loc,
			    "%s() takes a header name: %s(buf, len, \"name\")",
			    f->name, f->name);
			return NULL;
		}
		if (!fn_str_literal(ctx, call, 2, &s, &len))
			return NULL;
		if (!len || len > 31 || strpbrk(s, ": \t\r\n")) {
			diag_error(&ctx->diags, fn_arg(call, 2)->loc,
				   "%s() expects a header name of 1 to 31 "
				   "characters without blanks or ':'",
				   f->name);
			return NULL;
		}
	} else if (nargs == 3 && f->extra == PROTO_NONE) {
		/* pg_query, mysql_query, http_path: a longer (or shorter)
		 * result than strlen, up to the window: the result lives in
		 * a per-CPU slot of that size (cg_proto.c), not on the
		 * stack, until a variable copies it */
		int64_t max;

		if (!fn_int_literal(ctx, call, 2, &max))
			return NULL;
		if (max < 2 || max > ET_PROTO_WINDOW) {
			diag_error(&ctx->diags, fn_arg(call, 2)->loc,
				   "%s() expects a size of 2 to %d bytes "
				   "(%lld provided)",
				   f->name, ET_PROTO_WINDOW, (long long)max);
			return NULL;
		}
		return type_string(ctx->arena, (uint32_t)max);
	} else if (nargs == 3 && !fn_int_arg(ctx, call, 2)) {
		return NULL; /* h2_frame_*'s frame type, http_query's
				redact (the rows allow 3 args to those only) */
	}
	if (f->result == PROTO_BOOL)
		return type_u64();
	if (f->result == PROTO_INT)
		return type_s64();
	/* http_header's: at least the 32 bytes of its name (io), at most
	 * what the parser's output area holds (cg_proto.c) */
	len = f->size ? f->size : (uint32_t)ctx->opts.strlen;
	if (f->extra == PROTO_NAME && len < 32)
		len = 32;
	if (len > ET_PROTO_WINDOW)
		len = ET_PROTO_WINDOW;
	return type_string(ctx->arena, len);
}

/* h2_feed(conn, dir, buf, len [, iovcnt]): conn any integer that names
 * the connection in the process, dir 0 (received) or 1 (sent), buf the
 * address of the bytes in the traced process, or with iovcnt of an array
 * of that many iovecs that hold the len bytes (readv, sendmsg...) */
static struct type *check_h2_feed(struct compile_ctx *ctx, struct node *call,
				  struct node *probe)
{
	struct node *b = fn_arg(call, 2);

	(void)probe;
	if (!fn_int_arg(ctx, call, 0) || !fn_int_arg(ctx, call, 1) ||
	    !fn_int_arg(ctx, call, 3) ||
	    (call->u.call.nargs == 5 && !fn_int_arg(ctx, call, 4)))
		return NULL;
	if (!b->type || (b->type->kind != T_INT && b->type->kind != T_PTR)) {
		diag_error(&ctx->diags, b->loc,
			   "h2_feed() expects the address of the bytes in the "
			   "traced process (%s provided)",
			   b->type ? type_name(ctx->arena, b->type) : "none");
		return NULL;
	}
	return type_s64();
}

const struct func funcs_proto[] = {
    {"h2_feed", 4, 5, 0, check_h2_feed, FG_H2FEED},
    {"is_http_request", 2, 2, 0, check_proto, FG_PROTO},
    {"is_http_response", 2, 2, 0, check_proto, FG_PROTO},
    {"http_method", 2, 2, 0, check_proto, FG_PROTO},
    {"http_path", 2, 3, 0, check_proto, FG_PROTO},
    {"http_status", 2, 2, 0, check_proto, FG_PROTO},
    {"http_query", 2, 3, 0, check_proto, FG_PROTO},
    {"http_header", 2, 3, 0, check_proto, FG_PROTO},
    {"http_content_length", 2, 2, 0, check_proto, FG_PROTO},
    {"http_next", 2, 2, 0, check_proto, FG_PROTO},
    {"h2_preface", 2, 2, 0, check_proto, FG_PROTO},
    {"h2_frame_type", 2, 3, 0, check_proto, FG_PROTO},
    {"h2_frame_len", 2, 3, 0, check_proto, FG_PROTO},
    {"h2_frame_flags", 2, 3, 0, check_proto, FG_PROTO},
    {"h2_stream_id", 2, 3, 0, check_proto, FG_PROTO},
    {"ws_opcode", 2, 2, 0, check_proto, FG_PROTO},
    {"ws_payload_len", 2, 2, 0, check_proto, FG_PROTO},
    {"ws_close_code", 2, 2, 0, check_proto, FG_PROTO},
    {"ws_header_len", 2, 2, 0, check_proto, FG_PROTO},
    {"resp_command", 2, 2, 0, check_proto, FG_PROTO},
    {"resp_type", 2, 2, 0, check_proto, FG_PROTO},
    {"pg_msg_type", 2, 2, 0, check_proto, FG_PROTO},
    {"pg_query", 2, 3, 0, check_proto, FG_PROTO},
    {"pg_tag", 2, 2, 0, check_proto, FG_PROTO},
    {"pg_error", 2, 2, 0, check_proto, FG_PROTO},
    {"mysql_command", 2, 2, 0, check_proto, FG_PROTO},
    {"mysql_query", 2, 3, 0, check_proto, FG_PROTO},
    {"mysql_reply", 2, 2, 0, check_proto, FG_PROTO},
    {"mysql_errno", 2, 2, 0, check_proto, FG_PROTO},
    {"proto_detect", 2, 2, 0, check_proto, FG_PROTO},
    {NULL},
};
