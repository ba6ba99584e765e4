/* CPython in ustack, user-space half (the BPF walker is
 * bpf-helpers/python.c, the frame encoding runtime/rt_frames.h): finds
 * the interpreter a process maps (python3.N or libpython3.N.so), gives
 * the walker its structure offsets through ET_PY_PROCS_MAP, names code
 * objects "qualname (file:line)" from the process's memory
 * (process_vm_readv, cached per process and code object, and also at
 * the process's exit stop for -p/-c: umaps.h), and puts each run of
 * Python frames in place of the native evaluation-loop frame running it.
 *
 * State is process-wide (the loader and the output modules share it)
 * and locked: the exit hook runs in umaps' watcher thread. */
#ifndef ETRACE_RT_PYTHON_H
#define ETRACE_RT_PYTHON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The maps of a loaded program that has them (fd < 0: none): Python
 * processes found from now on get an ET_PY_PROCS_MAP entry, and the
 * stacks of ET_USTACK_MAP are named at a watched process's exit. */
void rt_python_set_maps(int procs_fd, int ustack_fd);

/* Looks at what pid maps; when it is a supported CPython, fills its
 * ET_PY_PROCS_MAP entry (once per process). 0, -ENOENT (no Python),
 * -ENOTSUP (a version without offsets here: *why says which), -errno. */
int rt_python_load_pid(int pid, const char **why);

/* Names the code objects the stacks hold while pid can still be read. */
void rt_python_at_exit(int pid);

/* From the event loop: names the code objects of stacks new since the
 * last call (at most every 200 ms) in the live Python processes, so that
 * code freed or a process gone before the output still has its names
 * (a module's code is freed as the interpreter ends). */
void rt_python_poll(void);

/* What rt_python knows of pid's interpreter: "3.11" into ver and the
 * path of the file that holds it; false when pid has none here. */
bool rt_python_describe(int pid, char *ver, size_t vlen, char *file,
			size_t flen);

/* A tagged Python frame (rt_frames.h) of pid as "qualname (file:line)"
 * into buf ("qualname (file)" when bare: a folded stack's function, or
 * when the instruction has no line); "[python code 0x...]" when it
 * cannot be read. */
void rt_python_frame(int pid, uint64_t frame, bool bare, char *buf, size_t len);

/* The frames of one ustack record (n u64s, native then runtime frames,
 * rt_frames.h) in call order into out (at most max): each native frame
 * of a Python evaluation loop replaced by the run of Python frames it
 * runs; Python frames no native frame took (no symbols for the loop, a
 * native walk cut short) follow the native ones, before a final mark.
 * Returns the count. */
int rt_frames_merge(int pid, const uint64_t *in, int n, uint64_t *out, int max);

/* The line of code unit idx in a 3.11+ location table (co_linetable, len
 * bytes) of a function starting at firstline; -1 when the instruction
 * has none or the table does not cover it. */
int rt_python_line(const uint8_t *lt, size_t len, int firstline, unsigned idx);

/* Versions with offsets here, e.g. "3.11, 3.12, 3.13". */
const char *rt_python_versions(void);

#endif
