/* ustack(build_id) frames (bpftrace 0.26): what bpf_get_stack's
 * BPF_F_USER_BUILD_ID gives, worked out in user space from the process's
 * mappings and the mapped file's GNU build id note. */
#ifndef ETRACE_STACK_BUILDID_H
#define ETRACE_STACK_BUILDID_H

#include <stdint.h>

#include "arena.h"

/* The frame at ip of process pid as bpftrace 0.26 prints it: the 20-byte
 * build id in hex, a space and "0x" and the offset in the file
 * ("<40 hex digits> 0x1139"), or ip in hex alone when the mapping or its
 * build id is not known (the kernel's fallback to the ip). */
const char *stack_buildid_frame(struct arena *a, int pid, uint64_t ip);

#endif
