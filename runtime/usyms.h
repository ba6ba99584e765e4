/* User-space symbolization for the output module: addresses of a running
 * process turned into "name+offset" through its /proc/PID/maps and the
 * ELF symbols of the mapped files (compiler/elf_syms.h), as bpftrace 0.17
 * prints ustack frames. A process's mappings are read once and kept.
 *
 * Ownership: usyms__new returns an object freed with usyms__free (NULL is
 * a no-op). */
#ifndef ETRACE_USYMS_H
#define ETRACE_USYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "program.h" /* enum et_usym_cache */

struct usyms;

struct usyms *usyms__new(void);
void usyms__free(struct usyms *u);
/* config no_cpp_demangle (!demangle), no_user_symbols (!symbols: every
 * address in hex), cache_user_symbols (how mappings are kept; AUTO:
 * per program when ASLR is off, else per process) and stack_lines
 * (lines: usyms__line answers). The default: demangled names, kept per
 * process, no lines. */
void usyms__configure(struct usyms *u, bool demangle, bool symbols,
		      enum et_usym_cache cache, bool lines);

/* Writes the function holding addr in process pid into buf: "name+off"
 * (or just "name" when !offset), demangled; *module (when not NULL) is
 * the mapped file. Returns 0, or -ENOENT when the address is in no known
 * function (buf then holds it in hex, *module NULL). */
int usyms__resolve(struct usyms *u, int pid, uint64_t addr, bool offset,
		   char *buf, size_t len, const char **module);

/* usyms__resolve of a return address (a caller's frame in a stack):
 * when no function holds addr, the function holding addr - 1 (the call
 * instruction's last byte: a call to a function that does not return
 * can be its caller's last instruction), with addr's offset. */
int usyms__resolve_ra(struct usyms *u, int pid, uint64_t addr, bool offset,
		      char *buf, size_t len, const char **module);

/* The source line of addr in process pid as "file.c:17" into buf, when
 * lines are configured and a DWARF line table (of the mapped file or its
 * separate debug file) covers it; caller: addr is a return address, whose
 * call is the byte before. 0, or -ENOENT (buf untouched). */
int usyms__line(struct usyms *u, int pid, uint64_t addr, bool caller,
		char *buf, size_t len);

#endif
