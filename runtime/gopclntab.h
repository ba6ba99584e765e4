/* The function table of a Go binary (.gopclntab): what the Go runtime
 * itself uses for tracebacks, so it survives `go build -ldflags='-s -w'`
 * (no .symtab, no DWARF). Function names with their entry and end
 * addresses, and pc -> file:line through the pc-value tables. Formats of
 * Go 1.16-1.17 (magic 0xfffffffa), 1.18-1.19 (0xfffffff0) and 1.20+
 * (0xfffffff1); older tables (Go 1.2-1.15) are refused.
 *
 * Ownership: gopclntab__new copies the table; free with gopclntab__free
 * (NULL is a no-op). Names and files point into the object. */
#ifndef ETRACE_GOPCLNTAB_H
#define ETRACE_GOPCLNTAB_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gopclntab;

struct gopclntab_func {
	const char *name;
	uint64_t entry; /* virtual address of the first instruction */
	uint64_t end;	/* the next function's entry (the last: text end) */
	/* The table names an assembly function and its ABI wrapper alike
	 * (runtime.osyield twice); this one is the ABI0 side of such a
	 * pair, which .symtab names NAME.abi0: the assembly function, else
	 * the wrapper placed after the Go function. Unique names never are,
	 * even where .symtab adds ".abi0": the table cannot tell. */
	bool abi0;
};

/* Parses the table data (len bytes, the section's contents). text is the
 * address of the .text section: Go 1.18+ tables hold function entries
 * as offsets from it (the table's own textStart field may be zero in a
 * PIE, left to a relocation). NULL with errno: EPROTONOSUPPORT for a
 * table of another format (Go < 1.16, big endian), EINVAL when
 * malformed, ENOMEM. */
struct gopclntab *gopclntab__new(const void *data, size_t len, uint64_t text);
/* The .gopclntab section of elf with its .text address; errno ENOENT
 * when the file has no .gopclntab section. */
struct gopclntab *gopclntab__from_elf(Elf *elf);
void gopclntab__free(struct gopclntab *t);

/* "1.16-1.17", "1.18-1.19" or "1.20+": the Go versions writing the
 * format. */
const char *gopclntab__format(const struct gopclntab *t);
size_t gopclntab__count(const struct gopclntab *t);
/* The i-th function by address. 0, or -ENOENT (i too large), -EINVAL
 * (its record is out of the table's bounds). */
int gopclntab__func(const struct gopclntab *t, size_t i,
		    struct gopclntab_func *f);
/* The function holding pc: its index, or -ENOENT. */
long gopclntab__find(const struct gopclntab *t, uint64_t pc);
/* The source position of pc: *file (the full path as the compiler saw
 * it) and *line. 0, or -ENOENT when no function or table covers pc. */
int gopclntab__line(const struct gopclntab *t, uint64_t pc, const char **file,
		    int *line);

#endif
