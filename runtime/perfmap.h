/* Perf maps: the symbols a JIT writes for its code in anonymous
 * memory, one "START SIZE name" line each (hex, no 0x), in
 * /tmp/perf-PID.map: Node's --perf-basic-prof ("JS:*name file:line:col",
 * V8's tier mark before the name: ~ interpreted, ^ Sparkplug, + Maglev,
 * * TurboFan), the JVM's -XX:+DumpPerfMapAtExit or jcmd PID
 * Compiler.perfmap, perf-map-agent, LuaJIT... Read through
 * /proc/PID/root with the pid the process has in its own namespace
 * (containers), cached per process and read again when the file
 * changes (its size or time). Used by usyms for addresses no file maps.
 * Not thread-safe: the output's symbolizer calls it. */
#ifndef ETRACE_PERFMAP_H
#define ETRACE_PERFMAP_H

#include <stddef.h>
#include <stdint.h>

/* The entry of pid's perf map that holds addr (the last one written
 * when code was reused): its name into name (len bytes), addr's offset
 * in it, and the map's path (the host's view, valid until the next
 * call). 0, or -ENOENT (no map, or no entry holds addr). */
int perfmap_lookup(int pid, uint64_t addr, char *name, size_t len,
		   uint64_t *off, const char **path);

/* Forgets every process's map (tests; a long run never needs it). */
void perfmap_reset(void);

#endif
