/* The protocol functions (http_method(buf, len)...): one row each,
 * shared by their check (funcs_proto.c) and their code generator
 * (codegen/cg_proto.c), which calls the row's parser of
 * bpf-helpers/proto_*.c on a window of the buffer. */
#ifndef ETRACE_FUNCS_PROTO_H
#define ETRACE_FUNCS_PROTO_H

#include <stdint.h>

enum proto_result {
	PROTO_BOOL,   /* 0 or 1: the parser's answer > 0 */
	PROTO_INT,    /* the parser's answer, -1: not found */
	PROTO_STRING, /* a string the parser writes, "" not found */
};

enum proto_extra {
	PROTO_NONE,
	PROTO_FIELD, /* a constant field selector (ET_H2_*, ET_WS_*, 'C') */
	PROTO_TYPE,  /* an optional frame type, an integer (-1: any) */
	PROTO_NAME,  /* a header name, a string literal (io: proto.h) */
};

struct proto_fn {
	const char *name;
	const char *helper; /* bpf-helpers function */
	enum proto_result result;
	uint32_t size; /* PROTO_STRING: bytes; 0: the strlen option */
	enum proto_extra extra;
	int64_t field; /* PROTO_FIELD / PROTO_TYPE's selector */
	/* the window is the buffer's last bytes (a response's end) */
	int tail;
};

/* The row of a function name, or NULL. */
const struct proto_fn *proto_fn_find(const char *name);

#endif
