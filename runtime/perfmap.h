/* perf maps: the names a JIT (Node.js --perf-basic-prof, the JVM's
 * perf-map-agent, Python 3.12's -X perf...) writes for its code to
 * /tmp/perf-PID.map, lines "START SIZE NAME" in hex. PID is the
 * process's id in its own PID namespace and /tmp its own: a process in a
 * container is read through /proc/PID/root/tmp/perf-NSPID.map. The last
 * file read is kept, read again when it changed (a JIT appends). */
#ifndef ETRACE_PERFMAP_H
#define ETRACE_PERFMAP_H

#include <stddef.h>
#include <stdint.h>

/* The name holding addr in pid's perf map into buf, and addr's offset
 * from its start; 0, -ENOENT (no entry) or -ENODATA (no map). */
int perfmap_lookup(int pid, uint64_t addr, char *buf, size_t size,
		   uint64_t *off);

/* Forget the kept file. */
void perfmap_reset(void);

#endif
