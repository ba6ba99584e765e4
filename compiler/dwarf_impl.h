/* Internals shared by the DWARF reader's files (nothing else includes
 * this): dwarf.c (opening, the name index, DIEs to struct type),
 * dwarf_args.c (parameters: where the x86-64 calling convention puts
 * them, the args record) and dwarf_names.c (types spelled as bpftrace
 * 0.17 prints them). */
#ifndef ETRACE_DWARF_IMPL_H
#define ETRACE_DWARF_IMPL_H

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "dwarf_reader.h"
#include "typereg_impl.h"

struct dwarf_file {
	const char *path;
	struct compile_ctx *ctx;
	Dwfl *dwfl;          /* NULL: the binary has no usable debug info */
	Dwarf *dw;
	int err;             /* why not (errno) */
	bool indexed;
	/* DIE copies (struct dwarf_die) by name: functions by their
	 * symbol and DIE names, types by "struct Foo", "union U", "enum
	 * E" or typedef name */
	struct treg_table funcs, types;
	/* converted types by DIE address */
	struct treg_table conv;
	struct dwarf_file *next;
};

/* A DIE kept in the index or by a lazy record. */
struct dwarf_die {
	struct dwarf_file *df;
	Dwarf_Die die;
	bool has_code;       /* a function's definition with code */
};

/* The DIE of function func (symbol or DIE name); false when none. */
bool dwarf_func_die(struct dwarf_file *df, const char *func, Dwarf_Die *out);

/* The DIE die's DW_AT_type names (through abstract origins and
 * specifications); false when it has none (void). */
bool dwarf_type_of(Dwarf_Die *die, Dwarf_Die *out);

/* The DIE's name (through abstract origins and specifications), or
 * NULL. */
const char *dwarf_name_of(Dwarf_Die *die);

/* die (a type DIE; NULL: void) as a struct type. */
struct type *dwarf_convert(struct dwarf_file *df, Dwarf_Die *die);

/* A type DIE without its typedefs and qualifiers (const, volatile,
 * restrict, atomic); false when that leads to void. */
bool dwarf_strip(Dwarf_Die *die, Dwarf_Die *out);

/* Size in bytes of a type DIE (pointers 8), 0 when unknown. */
uint64_t dwarf_size_of(Dwarf_Die *die);

/* A type as bpftrace 0.17 spells it in -lv ("struct Foo*"); NULL die
 * is void. In the context's arena. */
const char *dwarf_type_text(struct dwarf_file *df, Dwarf_Die *die);

/* The args record of Go function fn (go_args.c): its input parameters
 * placed by Go's ABI in the argument area of go_abi.h. */
struct type *dwarf_go_func_args(struct compile_ctx *ctx,
				struct dwarf_file *df, Dwarf_Die *fn,
				const char *func);

/* Is the formal parameter p of a Go function one of its results
 * (DW_AT_variable_parameter)? */
bool dwarf_go_is_result(Dwarf_Die *p);

#endif
