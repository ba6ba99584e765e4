/* Kernel symbolization for the output module: /proc/kallsyms read once
 * (only when a program prints kernel stacks or ksym()), addresses turned
 * into "name" or "name+offset" as bpftrace 0.17 prints them. Parsing and
 * lookup are separate from the file so that tests feed fixtures.
 * (Named kallsyms.h: compiler/ksyms.h is the function index of the
 * compiler, which runtime sources also include.)
 *
 * Ownership: ksyms__load/ksyms__parse return an object the caller frees
 * with ksyms__free (NULL is a no-op). */
#ifndef ETRACE_KALLSYMS_H
#define ETRACE_KALLSYMS_H

#include <stddef.h>
#include <stdint.h>

struct kallsyms;

/* Reads a kallsyms file ("addr type name [module]" lines). NULL with
 * errno set when it cannot be read or holds no usable symbol (ENODATA:
 * e.g. every address is 0, as unprivileged readers see them). */
struct kallsyms *ksyms__load(const char *path);
/* Same from text in memory (len bytes, need not be NUL-terminated). */
struct kallsyms *ksyms__parse(const char *text, size_t len);
void ksyms__free(struct kallsyms *k);

size_t ksyms__count(const struct kallsyms *k);
/* The symbol at or below addr (data symbols b/B/d/D/r/R are skipped, as
 * bcc does for bpftrace) and addr's offset into it; NULL when addr is
 * below every symbol. */
const char *ksyms__resolve(const struct kallsyms *k, uint64_t addr,
			   uint64_t *offset);

#endif
