/* Function symbols of an ELF file (executable or shared library) through
 * libelf: lookup by name, demangled name, wildcard and address, the file
 * offsets uprobes attach at, symbolization of addresses ("name+off"), and
 * facts about the file (stripped, Go, PIE, build-id). Used by the compiler
 * to resolve uprobe targets and by the runtime to symbolize user stacks.
 *
 * Files are cached process-wide by build-id (by device, inode, size and
 * mtime for files without one), so opening the same library for every
 * probe and every stack costs one read. Not thread-safe: callers open and
 * close files from one thread. */
#ifndef ETRACE_ELF_SYMS_H
#define ETRACE_ELF_SYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elf_syms;

struct elf_sym {
	const char *name;      /* as in the symbol table (mangled) */
	uint64_t addr;         /* st_value: virtual address in the file */
	uint64_t size;         /* st_size, 0 when unknown */
	uint64_t offset;       /* file offset of addr (what uprobes take) */
	bool ifunc;            /* STT_GNU_IFUNC rather than STT_FUNC */
	bool global;           /* STB_GLOBAL or STB_WEAK */
};

/* Is path an ELF file? false (errno set) when it cannot be read. */
bool elf_syms__is_elf(const char *path);

/* Opens path (from the cache when it was read before). NULL with errno:
 * ENOENT and other open(2) errors, ENOEXEC when path is not an ELF file,
 * EINVAL when the ELF is malformed, ENOMEM. Release with
 * elf_syms__close. */
struct elf_syms *elf_syms__open(const char *path);
/* Another reference to the open es (released with elf_syms__close). */
struct elf_syms *elf_syms__ref(struct elf_syms *es);
/* NULL is a no-op. The file stays cached for the next open. */
void elf_syms__close(struct elf_syms *es);
/* Frees every cached file that is not open (tests, leak checkers). */
void elf_syms__cache_clear(void);

/* ---- facts about the file ---- */

const char *elf_syms__path(const struct elf_syms *es);
/* The GNU build id of the file at path (its first max bytes) into id:
 * its length, 0 when it has none or cannot be read. Without the cache. */
size_t elf_build_id(const char *path, unsigned char *id, size_t max);
/* The section of an open libelf handle by name, or NULL. */
struct Elf;
struct Elf_Scn;
struct Elf_Scn *elf_section_named(struct Elf *elf, const char *name);
/* Lower-case hex build-id, or NULL when the file has none. */
const char *elf_syms__build_id(const struct elf_syms *es);
/* ET_DYN: a PIE executable or a shared library (loaded with a bias). */
bool elf_syms__is_dyn(const struct elf_syms *es);
/* No .symtab, in the file or a separate source, and no .gopclntab:
 * only exported (.dynsym) functions are known. */
bool elf_syms__stripped(const struct elf_syms *es);
/* Built by the Go toolchain (.go.buildinfo, .gopclntab or the
 * runtime.buildVersion symbol): uretprobes corrupt its moving stacks. */
bool elf_syms__is_go(const struct elf_syms *es);

/* The symbol sources tried for the file, in order, each with what it
 * gave: ".symtab, .dynsym" for a file with a symbol table; for a
 * stripped one also the separate sources of symsrc.h, e.g. ".symtab:
 * none, .dynsym, build-id debug file: none in /usr/lib/debug,
 * .gnu_debuglink: none, .gnu_debugdata: none, debuginfod:
 * DEBUGINFOD_URLS unset", the last naming the source found if any; for
 * a Go binary none of them names, then ".gopclntab (Go 1.18-1.19): 1427
 * functions" (gopclntab.h: its functions, named as the Go runtime names
 * them). */
const char *elf_syms__sources(const struct elf_syms *es);

/* ---- symbols: functions (STT_FUNC, STT_GNU_IFUNC) of .symtab and
 * .dynsym merged, sorted by address then name, without duplicates ---- */

size_t elf_syms__count(const struct elf_syms *es);
/* The i-th symbol by address, i < elf_syms__count. */
const struct elf_sym *elf_syms__at(const struct elf_syms *es, size_t i);
/* Demangled text of sym ("ns::foo(int)"), or NULL when not mangled. Owned
 * by es (computed on first use). */
const char *elf_syms__demangled(struct elf_syms *es,
				const struct elf_sym *sym);

/* By exact symbol name (a ".dynsym" "name@VERSION" also matches "name").
 * NULL (errno ENOENT) when absent. */
const struct elf_sym *elf_syms__find(const struct elf_syms *es,
				     const char *name);
/* The address (st_value) of any defined symbol name, data objects
 * included (uaddr()), from .symtab or .dynsym, or from the separate
 * debug file of a stripped file (symsrc.h). 0 or -ENOENT. */
int elf_syms__symbol_addr(const struct elf_syms *es, const char *name,
			  uint64_t *vaddr);

/* Calls fn for every symbol name matches, in address order, and returns
 * the number of matches (or fn's negative return, which stops the walk).
 * name matches a symbol when it equals (or, when wildcard, fnmatch(3)es)
 * the symbol's name, its demangled text with parameters, or its
 * demangled name without them ("ns::foo" matches every overload).
 * demangled_only skips the plain name (uprobe:bin:cpp:NAME). */
typedef int (*elf_sym_fn)(const struct elf_sym *sym, void *arg);
int elf_syms__match(struct elf_syms *es, const char *name, bool wildcard,
		    bool demangled_only, elf_sym_fn fn, void *arg);

/* The function containing the virtual address addr (addr within [addr,
 * addr + size), or at the start of a size-0 symbol); NULL (errno ENOENT)
 * when none does. */
const struct elf_sym *elf_syms__lookup(const struct elf_syms *es,
				       uint64_t addr);

/* ---- addresses ---- */

/* Virtual address to file offset through the PT_LOAD segment holding it.
 * -ENOENT when no segment maps addr from the file. */
int elf_syms__vaddr_to_offset(const struct elf_syms *es, uint64_t vaddr,
			      uint64_t *offset);
/* File offset to virtual address (the inverse, for runtime addresses:
 * offset = addr - mapping start + mapping file offset). */
int elf_syms__offset_to_vaddr(const struct elf_syms *es, uint64_t offset,
			      uint64_t *vaddr);

/* The load bias of a running instance of the file, from one of its
 * mappings (/proc/PID/maps: start address and file offset): runtime
 * address = virtual address + bias. -ENOENT when no segment holds
 * pgoff. */
int elf_syms__bias(const struct elf_syms *es, uint64_t map_start,
		   uint64_t map_pgoff, uint64_t *bias);

/* Writes "name+off" (just "name" at off 0 unless always_offset) for the
 * address addr - bias (bias: the load bias of a running PIE or library,
 * 0 for file addresses), demangled when demangled is true. Returns the
 * length snprintf would have written, or -ENOENT when no function holds
 * the address (buf then holds the address in hex). */
int elf_syms__symbolize(struct elf_syms *es, uint64_t addr, uint64_t bias,
			bool demangled, bool always_offset, char *buf,
			size_t len);

/* The source line of the virtual address vaddr as "file.c:17" (the
 * file's base name), from the DWARF line table of the file or of its
 * separate debug file, else, in a Go binary, from its .gopclntab.
 * Returns the length snprintf would have written, or -ENOENT when no
 * line table covers vaddr. */
int elf_syms__line(struct elf_syms *es, uint64_t vaddr, char *buf,
		   size_t len);
/* From now on (on: config stack_lines), each file's line tables are
 * opened with the file, through the descriptor elf_syms__open reached
 * it by (the privileged helper's after the privilege drop, priv.h), not
 * later by path, which the dropped process may not open. */
void elf_syms__want_lines(bool on);

#endif
