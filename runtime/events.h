/* Ring buffer records with a fixed layout, shared by the BPF side (the
 * code generator builds these structs) and user space. No LLVM, no libbpf:
 * plain fixed-width types only. printf-like records are laid out per
 * action (struct et_action in program.h) after the same header. */
#ifndef ETRACE_EVENTS_H
#define ETRACE_EVENTS_H

#include <stdint.h>

struct et_rec_hdr {
	uint64_t action_id;
};

/* print(@m [, top [, div]]) */
struct et_rec_print_map {
	struct et_rec_hdr hdr;
	uint64_t top;      /* 0: all */
	uint64_t div;      /* 0 or 1: none */
};

/* clear(@m), zero(@m) */
struct et_rec_map_op {
	struct et_rec_hdr hdr;
};

/* -k: a BPF helper failed (ACT_HELPER_ERROR: the action names the helper
 * and the place in the script) */
struct et_rec_helper_error {
	struct et_rec_hdr hdr;
	int64_t ret;       /* what the helper returned: -errno */
};

/* exit() / exit(code) */
struct et_rec_exit {
	struct et_rec_hdr hdr;
	int64_t code;
};

#endif
