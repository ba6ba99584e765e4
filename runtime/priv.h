/* priv: least privilege for a run (issue #17). Once every probe is loaded
 * and attached, the run needs no privilege for what it does next (read
 * the ring buffer and the maps through the fds it holds, print, serve
 * metrics, export), so it drops them: root becomes --user (default
 * nobody) with no supplementary groups, every capability goes, and a
 * seccomp filter (libseccomp) limits every thread of the process to the
 * system calls the event loop, the metrics server and the OTLP sender
 * make; any other call kills etrace (SIGSYS), never the traced process.
 *
 * What still needs a privilege after the attach is answered by a small
 * helper forked before the drop that keeps CAP_KILL, CAP_SYS_PTRACE and
 * CAP_DAC_READ_SEARCH only and answers over a socketpair: ending the -c
 * command (a root process, which the dropped etrace may no longer
 * signal), reading another user's /proc/PID/exe link, and opening
 * read-only, for the symbolizers, the unwinder and the Python/Java
 * readers, what they read of another user's process: /proc/PID/{maps,
 * stat,auxv,mem,cgroup,status,comm} and, under /proc/PID/root, a file
 * the process maps, a debug file beside one or under /usr/lib/debug, or
 * its perf map (priv_allowed); the fd comes back as SCM_RIGHTS. The
 * event loop opens it as itself first: the helper is asked only when
 * that is refused. Kernel symbols are read before the drop. A feature
 * whose later work needs more (writing files at exit, running commands,
 * reading any file) keeps the privileges, and priv_keep_reason() says
 * which feature. */
#ifndef ETRACE_PRIV_H
#define ETRACE_PRIV_H

#include <stdbool.h>
#include <unistd.h> /* pid_t */

#include "priv_io.h"
#include "program.h"
#include "run.h"

/* Why this run must keep its privileges after the attach (one phrase,
 * static), or NULL when it can drop them. */
const char *priv_keep_reason(const struct et_program *p,
			     const struct run_opts *o);

/* Drops the privileges: forks the helper when it will be needed
 * (allowed to signal the pid `child`, 0 for none; helper: other
 * processes' files will be read through it), then user (NULL:
 * "nobody"; used only when running as root), no capabilities,
 * no_new_privs and the seccomp filter. 0, or -errno after a message
 * naming what failed. */
int priv_drop(const char *user, pid_t child, bool helper);

/* kill(pid, sig), through the helper when this process may not signal
 * pid any more. */
int priv_kill(pid_t pid, int sig);

/* Ends the helper (after the run). */
void priv_end(void);

/* The capability (by its name, "CAP_BPF") a run lacks to load and
 * attach its programs, or NULL when it has them. */
const char *priv_missing_cap(void);

#endif
