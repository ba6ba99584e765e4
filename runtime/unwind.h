/* Unwind tables for the CFI unwinder of ustack (bpf-helpers/unwind.c,
 * layouts in abi.h ET_UW_*): built in user space from a file's .eh_frame
 * (found through its .eh_frame_hdr) with libdw's CFI reader, compacted
 * (equal neighbouring rows merged), and loaded into the BPF maps per
 * file (once per build id) and per process (its executable mappings).
 * Processes are loaded at start (-p PID) and whenever the unwinder
 * reports one it had no tables for (ET_UW_MISS_MAP, read by
 * unwind_poll from the event loop). */
#ifndef ETRACE_UNWIND_H
#define ETRACE_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"

/* The rows of the file at path, sorted by pc, merged: *rows malloc'd
 * (free it), *n rows. 0, or -errno: -ENOENT when the file has no
 * .eh_frame_hdr (or one in an encoding not read here), -EFBIG when a
 * row's address does not fit 32 bits. */
int unwind_build(const char *path, struct et_uw_row **rows, uint32_t *n);

struct unwinder;

/* On the maps of a loaded program (fds); NULL on ENOMEM. */
struct unwinder *unwind_new(int rows_fd, int maps_fd, int procs_fd,
			    int miss_fd);
void unwind_free(struct unwinder *u);

/* Loads the executable mappings of pid (and the tables of their files
 * not loaded yet). 0, or -errno (ESRCH: pid is gone; ENOSPC: the rows
 * table of processes is full of live ones). Files whose rows do not
 * fit in ET_UW_ROWS_MAX are walked by frame pointers. */
int unwind_load_pid(struct unwinder *u, int pid);

/* The program image pid runs: its mm's start_stack and end_code (fields
 * 28 and 27 of /proc/PID/stat), which an exec changes, as the unwinder
 * compares them in BPF (struct et_uw_proc). false when pid is gone. */
bool unwind_exec_id(int pid, uint64_t *start_stack, uint64_t *end_code);

/* fn(arg, pid) after each process whose tables unwind_load_pid loaded
 * (at start, at the -c child's entry, on a miss): where the walkers of
 * interpreted runtimes look at what the process maps (rt_python.h; Java
 * and Node later). One hook; NULL removes it. */
void unwind_on_load(struct unwinder *u, void (*fn)(void *arg, int pid),
		    void *arg);

/* Loads the processes the unwinder found no tables for since the last
 * call, and processes whose mappings changed. */
void unwind_poll(struct unwinder *u);

/* Rows loaded into ET_UW_ROWS_MAP so far, files loaded. */
uint32_t unwind_rows_used(const struct unwinder *u);
uint32_t unwind_files(const struct unwinder *u);

/* The disk cache file of the unwind rows of the file with build id
 * hex (lowercase hex digits only, else false): DIR/unwind/HEX.rows, DIR
 * the BPF object cache's. The privileged helper (priv.h) builds its
 * paths with it too: after the drop it reads root's cache. */
bool unwind_cache_path(const char *hex, char *buf, size_t size);

#endif
