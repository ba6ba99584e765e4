/* Debug information (DWARF) of user binaries, through libdw: the
 * parameters of their functions (uprobe args, -lv) and the types they
 * define (struct Foo in a uprobe's casts). One reader per binary, opened
 * on first use and kept by the compile context; a binary's debug info is
 * its own .debug_info or a separate file libdwfl's standard search finds
 * (build id under /usr/lib/debug, .gnu_debuglink). DIEs become struct
 * type as kernel BTF does (btf.c): a record gets its name and size when
 * first named, its fields when first used (type_complete). Types of a
 * binary live in user memory (AS_USER) and never take part in CO-RE.
 *
 * Ownership: readers are freed by compile_ctx_fini (compile_dwarf_free);
 * types and strings are in the context's arena. */
#ifndef ETRACE_DWARF_READER_H
#define ETRACE_DWARF_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "compile.h"

struct dwarf_file;

/* The debug info of the binary at path, or NULL: errno ENODATA when the
 * binary has none, else why it cannot be read. Cached per path, misses
 * too. */
struct dwarf_file *dwarf_open(struct compile_ctx *ctx, const char *path);

/* One formal parameter of a function as -lv prints it: its name (NULL
 * when the debug info gives none) and its type as bpftrace 0.17 spells
 * it ("int", "struct Foo*", "const char*", "<unknown type>"). */
typedef void (*dwarf_param_fn)(const char *name, const char *type,
			       void *arg);

/* Calls fn for each parameter of function func (its symbol name, or
 * the name its DIE gives), in order. -ENOENT when the debug info does
 * not describe func. */
int dwarf_func_params(struct compile_ctx *ctx, struct dwarf_file *df,
		      const char *func, dwarf_param_fn fn, void *arg);

/* The args record of func: one field per named parameter, at the
 * offset of its place in the argument area (dwarf_args.c: the six
 * argument registers at offsets 0..47, the stack arguments after them),
 * named "struct _func_args_FUNC". NULL with errno ENOENT when the debug
 * info does not describe func. A Go function's record is laid out by
 * Go's ABI (go_abi.h: nine registers, then the stack). */
struct type *dwarf_func_args(struct compile_ctx *ctx, struct dwarf_file *df,
			     const char *func);

/* Is func (a function the debug info describes) Go's? 1 yes, 0 no
 * (another language), -1 when the debug info does not describe it. */
int dwarf_go_func(struct dwarf_file *df, const char *func);

/* The return type of func, or NULL when the debug info does not
 * describe func, it returns void, or it is Go's (several results in
 * its own registers). */
struct type *dwarf_func_ret(struct dwarf_file *df, const char *func);

/* A type the binary defines, by its name as a script writes it:
 * "struct Foo", "union U", "enum E", or a typedef name. NULL when it
 * defines none of that name. */
struct type *dwarf_find_type(struct compile_ctx *ctx, struct dwarf_file *df,
			     const char *name);

/* One place a statement probe attaches (dwarf_stmt_addrs). */
struct dwarf_stmt_addr {
	uint64_t addr;	/* virtual address in the binary */
	uint64_t scope; /* the function or inlined copy (DIE offset) */
	int line;
};

/* The addresses where the statements of line (and column col, 0: any)
 * of source file file begin: one per function or inlined copy holding
 * them, its lowest is_stmt row, in address order; file is the source
 * path or a trailing part of it ("stmt.c", "progs/stmt.c"). Returns
 * their number, *out in the context's arena; or -ENOENT (no unit names
 * file, or the line has no code) or -EINVAL (file names two sources)
 * with *why saying so (with the nearest lines that have code). */
int dwarf_stmt_addrs(struct dwarf_file *df, const char *file, unsigned line,
		     unsigned col, struct dwarf_stmt_addr **out,
		     const char **why);

/* type_complete() of a record made by this reader: converts its fields. */
struct type *dwarf_complete_record(struct type *rec);

#endif
