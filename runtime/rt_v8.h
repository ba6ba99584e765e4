/* Node.js (V8) frames in ustack, user-space half (the BPF side is
 * bpf-helpers/v8.c, the frame encoding runtime/rt_frames.h): finds the
 * file a process maps that carries V8's postmortem metadata (the
 * v8dbg_* symbols of node), gives the BPF side its frame and object
 * offsets through ET_V8_PROCS_MAP, and names SharedFunctionInfos
 * "name (file:line)" from the process's memory, cached per process and
 * object, named as stacks arrive (rt_v8_poll) and at a watched
 * process's exit. Locked: the exit hook runs in umaps' watcher thread. */
#ifndef ETRACE_RT_V8_H
#define ETRACE_RT_V8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The maps of a loaded program (fd < 0: none). */
void rt_v8_set_maps(int procs_fd, int ustack_fd);

/* Looks at what pid maps; when it carries V8's metadata, fills its
 * ET_V8_PROCS_MAP entry (once per process). 0, -ENOENT (no V8),
 * -ENOTSUP (metadata without what the walker needs: *why), -errno. */
int rt_v8_load_pid(int pid, const char **why);

/* Names the functions the stacks hold while pid can still be read. */
void rt_v8_at_exit(int pid);

/* From the event loop: names the functions of new stacks (at most
 * every 200 ms) in the live V8 processes. */
void rt_v8_poll(void);

/* The file of pid that holds V8 (its metadata) into file, V8's version
 * (major * 10000 + minor * 100; 0: not known) and whether the functions
 * optimized code inlined are read; false when pid has no V8 here. */
bool rt_v8_describe(int pid, char *file, size_t flen, int *version,
		    bool *inlined);

/* The frames of optimized code (ET_RTF_V8_CODE) of pid's stack in[n]
 * turned into out (at most max): the functions inlined at the frame's
 * pc, innermost first (ET_RTF_V8_INLINED), then the code's own
 * function (ET_RTF_NODE, compiled); a frame not read stays. Returns
 * out's count. */
int rt_v8_expand(int pid, const uint64_t *in, int n, uint64_t *out, int max);

/* A tagged Node frame (rt_frames.h) of pid as "name (file:line)" with
 * the tier mark of V8's perf maps before the name ("~" interpreted, "*"
 * compiled: Sparkplug, Maglev or TurboFan, inlined ones too); "name
 * (file)" without the mark when bare (a folded stack's function); "[js
 * 0x...]" when it cannot be read, "[js code 0x...+OFF]" optimized code
 * rt_v8_expand could not read. An anonymous function is "(anonymous)". */
void rt_v8_frame(int pid, uint64_t frame, bool bare, char *buf, size_t len);

#endif
