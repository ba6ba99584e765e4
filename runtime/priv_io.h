/* priv_io: what the runtime opens and reads of the traced processes
 * after the privilege drop (priv.h): as itself first, through the
 * privileged helper when that is refused (another user's process). Used
 * by the symbolizers, the unwinder and the Python/Java readers; before
 * the drop, or with no helper, these are open, readlink and
 * process_vm_readv. */
#ifndef ETRACE_PRIV_IO_H
#define ETRACE_PRIV_IO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h> /* pid_t, ssize_t */

/* readlink("/proc/PID/exe"), through the helper when this process may
 * not read it any more (another user's process). */
ssize_t priv_exe(pid_t pid, char *buf, size_t size);

/* readlink(path) (only /proc/PID/exe goes through the helper). */
ssize_t priv_readlink(const char *path, char *buf, size_t size);

/* open(path, flags | O_CLOEXEC), read-only through the helper when
 * this process may not open it any more and priv_allowed lets it. */
int priv_open(const char *path, int flags);

/* priv_open(path, O_RDONLY) as a stdio stream. */
FILE *priv_fopen(const char *path);

/* stat(path), through an fd of the helper's when this process may not
 * reach path any more: 0 or -errno. */
int priv_stat(const char *path, struct stat *st);

/* Up to size bytes of path (a /proc/PID/stat) read by the helper when
 * there is one: the kernel shows another user's process's code and
 * stack addresses in it as 0 to this process, whoever opened it. The
 * count read, or -1 with errno set. */
ssize_t priv_read_full(const char *path, char *buf, size_t size);

/* len bytes at addr of process pid (process_vm_readv, else pread of its
 * /proc/PID/mem opened by the helper); false unless all were read. */
bool priv_vm_read(pid_t pid, uint64_t addr, void *buf, size_t len);

/* What the helper opens (link: readlinks): 0 with *pid and *rel (the
 * part after /proc/PID/root/, NULL for a /proc/PID file), or -EPERM.
 * The helper also requires a rel to be mapped by pid (or beside a
 * mapped file, a system debug file or its perf map). */
int priv_allowed(const char *path, bool link, pid_t *pid, const char **rel);

/* State file `which` (enum container_state, container.h) of container
 * id opened by the helper (the container runtimes' state is root's),
 * which builds its path itself; NULL with errno set (EPERM: no helper,
 * or before the drop, when the caller opens it as itself). */
FILE *priv_state_fopen(int which, const char *id);

/* The unwind disk cache's file of build id hex (unwind_cache_path)
 * opened read-only by the helper, which builds its path itself; NULL
 * with errno set. */
FILE *priv_cache_fopen(const char *hex);

/* pid is at its exit stop (umaps.c): the helper, if there is one,
 * keeps its root and the list of what it maps, so that priv_open of
 * /proc/PID/root/FILE still opens a file it mapped once it has gone. */
void priv_keep(pid_t pid);

/* Whether the privileges were dropped: what the run writes on disk
 * (caches) it may not write any more, nor make directories. */
bool priv_dropped(void);

#endif
