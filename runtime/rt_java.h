/* HotSpot in ustack, user-space half (the BPF side is
 * bpf-helpers/java.c, the frame encoding runtime/rt_frames.h): finds the
 * libjvm.so a process maps, reads the VM's description of itself from
 * its memory (gHotSpotVMStructs, gHotSpotVMTypes and their entry
 * layouts: no flag on the target), gives the walker the code cache's
 * heaps and the offsets it needs through ET_JAVA_PROCS_MAP, turns each
 * compiled frame into its methods (the nmethod's scopes at that pc:
 * inlined methods too) and names methods "pkg.Class.method (File.java:N)"
 * from the process's memory (cached; compiled frames are read again
 * from new stacks every 200 ms, before their code can be flushed).
 * State is process-wide and locked, as rt_python's. */
#ifndef ETRACE_RT_JAVA_H
#define ETRACE_RT_JAVA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The maps of a loaded program that has them (fd < 0: none). */
void rt_java_set_maps(int procs_fd, int ustack_fd);

/* Looks at what pid maps; when it runs a HotSpot VM whose description
 * reads, fills its ET_JAVA_PROCS_MAP entry (once per process). 0,
 * -ENOENT (no libjvm), -EAGAIN (the java launcher before its VM has
 * started: tried again by rt_java_poll; *why says so), -errno. */
int rt_java_load_pid(int pid, const char **why);

/* Reads the compiled frames of the stacks new since the last call (at
 * most every 200 ms), and looks again at VMs that had not started:
 * those that have now into started (at most max; the caller loads
 * their unwind tables again: libjvm was mapped after the last load).
 * Returns their count. at_exit: all stacks, in pid, at its exit stop. */
int rt_java_poll(int *started, int max);
void rt_java_at_exit(int pid);

/* The frames of a ustack record after rt_frames_merge, in call order,
 * into out (at most max): each compiled Java frame replaced by its
 * methods, innermost (inlined) first; a stub's or adapter's address in
 * a code cache dropped (unless the stack was walked by frame pointers).
 * Returns the count. */
int rt_java_expand(int pid, const uint64_t *in, int n, uint64_t *out, int max);

/* A Java frame of pid (kind ET_RTF_JAVA or ET_RTF_JAVA_JIT) as
 * "pkg.Class.method (File.java:N)" ("pkg.Class.method" when bare);
 * "[java method 0x...]" when it cannot be read. *tier: "interpreted",
 * "jit" or "inlined". */
void rt_java_frame(int pid, uint64_t frame, bool bare, char *buf, size_t len,
		   const char **tier);

/* What the BPF walker needs of a VM, "17" etc.: versions tested here. */
const char *rt_java_versions(void);

/* The compressed line number table's line for bci (JDK's
 * CompressedLineNumberReadStream), -1 when none: for the unit tests. */
int rt_java_line(const uint8_t *t, size_t len, int bci);

/* UNSIGNED5 (HotSpot's CompressedReadStream::read_int) at t[*i]. */
uint32_t rt_java_u5(const uint8_t *t, size_t len, size_t *i);

#endif
