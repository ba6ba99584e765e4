/* Mappings of traced processes that outlive them: while -p PID or the -c
 * child runs, a watcher thread traces it with ptrace(PTRACE_SEIZE,
 * PTRACE_O_TRACEEXIT) only to be stopped at its exit, before its memory
 * is gone, copies /proc/PID/maps there and detaches. The symbolizer
 * (usyms.c) reads a process's mappings through umaps_open, so that the
 * ustack and usym of a process that exited before etrace printed them
 * are still symbolized (bpftrace 0.17 prints raw addresses there).
 * The traced process sees nothing: ptrace stops are not reported to its
 * parent, and signals it gets are passed on unchanged. */
#ifndef ETRACE_UMAPS_H
#define ETRACE_UMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h> /* pid_t */

/* Starts watching pid (once it returns, the exit stop is armed).
 * 0, or -errno (EPERM: another tracer already holds it).
 *
 * With at_entry (one process at a time: the -c child, before its
 * exec), the watcher also stops it at the entry point of what it execs
 * (AT_ENTRY: the dynamic loader has mapped the libraries the program
 * needs by then), with a breakpoint it removes there. The caller then
 * calls umaps_entry_wait, does what it needs at that point (ustack's
 * unwind tables, unwind.h) and lets the process go with
 * umaps_entry_resume. */
int umaps_watch(pid_t pid, bool at_entry);

/* Blocks until the process of umaps_watch(pid, true) is stopped at its
 * entry point (true) or will not be (false: it exited first, or the
 * breakpoint could not be set). */
bool umaps_entry_wait(void);

/* Lets the process stopped at its entry point go on. */
void umaps_entry_resume(void);

/* After the first entry: the process is stopped at the entry point of
 * each program it execs later too (a shell, a pyenv shim exec'ing
 * Python), and the returned fd is readable then (-1: no at_entry
 * watch): umaps_entry_wait and umaps_entry_resume again, as for the
 * first. */
int umaps_entry_fd(void);

/* No more such stops (at the end of the run): a process stopped at an
 * entry point now, or that will be, goes on. */
void umaps_entry_release(void);

/* fn(pid) in the watcher thread at a watched process's exit stop, while
 * its memory can still be read (rt_python.c names the code objects its
 * stacks hold there). One hook for all watches; set it before the first
 * umaps_watch. */
void umaps_on_exit(void (*fn)(int pid));

/* The mappings of pid as /proc/PID/maps shows them: the live file, or
 * the copy taken at the process's exit once it has exited. NULL (errno
 * set) when neither exists. Close with fclose. */
FILE *umaps_open(int pid);

/* The executable of pid as it was when pid exited (a copy kept with its
 * mappings) into buf; false when nothing was kept for pid. For the
 * symbolizer's check "is this still the process I read the maps of",
 * once /proc/PID/exe is gone. */
bool umaps_exe(int pid, char *buf, size_t size);

#endif
