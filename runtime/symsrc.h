/* The symbols of a stripped ELF file from elsewhere (elf_syms.c): the
 * separate sources a file without a .symtab may have, tried in this
 * order, the first with a .symtab winning:
 *   1. a debug file by build id: ROOT/.build-id/xx/yyyy.debug;
 *   2. the file .gnu_debuglink names, with its CRC32 checked: in the
 *      file's directory, its .debug/ subdirectory, then ROOT/DIR/;
 *   3. MiniDebugInfo: the .gnu_debugdata section, an xz-compressed ELF
 *      whose .symtab holds the functions .dynsym lacks;
 *   4. debuginfod (libdebuginfod.so.1, loaded on first use), only when
 *      DEBUGINFOD_URLS is set.
 * ROOT: each directory of ETRACE_DEBUG_ROOT (colon-separated), else
 * /usr/lib/debug (gdb's debug-file-directory). */
#ifndef ETRACE_SYMSRC_H
#define ETRACE_SYMSRC_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>

/* A separate source found: its ELF (with a .symtab), the file holding
 * it (NULL for .gnu_debugdata, which lives in memory) and what it is
 * ("build-id debug file", ".gnu_debuglink", ".gnu_debugdata",
 * "debuginfod"). Release with symsrc__close. */
struct symsrc {
	Elf *elf;
	int fd;
	void *mem; /* the decompressed .gnu_debugdata */
	char *file;
	const char *kind;
};

/* Tries the sources of the stripped file path (elf: its open ELF,
 * build_id: its lower-case hex build id or NULL) in order. Appends to
 * tried (size len) each source tried and its outcome, comma-separated
 * ("build-id debug file: none in /usr/lib/debug"). Returns 1 with *out
 * filled, 0 when no source has a .symtab, or -ENOMEM. */
int symsrc__find(const char *path, Elf *elf, const char *build_id,
		 struct symsrc *out, char *tried, size_t len);
void symsrc__close(struct symsrc *s);

#endif
