/* Discovery of managed-runtime processes (etrace -l 'runtime:*'):
 * rt_discover.c. */
#ifndef ETRACE_RT_DISCOVER_H
#define ETRACE_RT_DISCOVER_H

#include <stdio.h>

/* Writes one line per running process of a runtime that matches pattern
 * ("python", "java:4242", "*": fnmatch over KIND and KIND:PID; "" is
 * "*"): "runtime:KIND:PID EXE VERSION (FILE): what etrace sees"; only
 * process pid when pid > 0 (-p). Returns the number of lines, or -1
 * when /proc cannot be read. */
int rt_discover_list(const char *pattern, int pid, FILE *out);

#endif
