/* The kernel function index: the names kprobes and kretprobes can attach
 * to, from tracefs available_filter_functions or /proc/kallsyms. Exact
 * lookups by binary search, wildcard patterns (fnmatch: * ? [...]) by a
 * scan. The compiler checks probes against it (compiler/ksyms.h); the
 * runtime expands a wildcard compiled elsewhere against this kernel's. */
#ifndef ETRACE_KFUNCS_H
#define ETRACE_KFUNCS_H

#include <stdbool.h>
#include <stddef.h>

struct ksym_index;

/* Reads a function list: lines "name [module]" (available_filter_
 * functions) or "addr type name [module]" (kallsyms; only t/T symbols are
 * kept). Caller owns the result (ksym_index_free). NULL with errno set
 * when the file cannot be read or holds no function (ENODATA). */
struct ksym_index *ksym_index_load(const char *path);
/* Same, from text in memory (len bytes, need not be NUL-terminated). */
struct ksym_index *ksym_index_parse(const char *text, size_t len);
void ksym_index_free(struct ksym_index *idx); /* NULL is a no-op */

size_t ksym_index_count(const struct ksym_index *idx);
bool ksym_index_has(const struct ksym_index *idx, const char *name);
/* Calls fn(name, arg) for every function matching the fnmatch pattern,
 * in sorted order, until fn returns non-zero. Returns the number of
 * matches visited. */
int ksym_index_match(const struct ksym_index *idx, const char *pattern,
		     int (*fn)(const char *name, void *arg), void *arg);

#endif
