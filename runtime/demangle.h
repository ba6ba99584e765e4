/* Demangling of C++ (Itanium ABI) and Rust (legacy and v0) symbol names
 * into the text c++filt prints, through libiberty. Used by elf_syms to
 * match probes written with demangled names and to print stacks. */
#ifndef ETRACE_DEMANGLE_H
#define ETRACE_DEMANGLE_H

#include <stdbool.h>

enum demangle_form {
	DEMANGLE_FULL,  /* with parameters: "ns::foo(int)" */
	DEMANGLE_NAME,  /* qualified name only: "ns::foo", "max<int>" */
};

/* Does the name look mangled (C++ "_Z", Rust v0 "_R")? Rust legacy names
 * are C++-mangled ("_ZN...17h<hash>E"). */
bool demangle_is_mangled(const char *name);

/* The demangled text of name, or NULL when name is not a mangled name (or
 * memory ran out; errno tells: EINVAL or ENOMEM). Rust legacy names lose
 * their "::h<hash>" suffix, v0 names their crate disambiguators, as
 * rustc's own alternate form prints them. The caller frees the result. */
char *demangle(const char *name, enum demangle_form form);

#endif
