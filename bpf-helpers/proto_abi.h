/* What the code generator must know of the protocol parsers
 * (bpf-helpers/proto.h): the window they read and their field
 * selectors. No functions: the compiler includes it on the host. */
#ifndef ETRACE_BPF_PROTO_ABI_H
#define ETRACE_BPF_PROTO_ABI_H

#define ET_PROTO_WINDOW 512

/* The fields of et_h2_frame and et_ws_frame. */
enum {
	ET_H2_LEN,
	ET_H2_TYPE,
	ET_H2_FLAGS,
	ET_H2_STREAM,
};
enum {
	ET_WS_OPCODE,
	ET_WS_LEN,
	ET_WS_CLOSE,
	ET_WS_HDR, /* the header's length: 2 to 14 bytes */
};

#endif
