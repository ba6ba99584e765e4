/* Demangling through libiberty's cplus_demangle, which recognises the
 * Itanium C++ ABI and both Rust manglings in its automatic style. */
#include "demangle.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libiberty/demangle.h>

bool demangle_is_mangled(const char *name)
{
	return name && name[0] == '_' && (name[1] == 'Z' || name[1] == 'R');
}

char *demangle(const char *name, enum demangle_form form)
{
	int flags = DMGL_ANSI;
	char *s;

	if (!demangle_is_mangled(name)) {
		errno = EINVAL;
		return NULL;
	}
	if (form == DEMANGLE_FULL)
		flags |= DMGL_PARAMS;
	s = cplus_demangle(name, flags);
	if (!s)
		errno = EINVAL;
	return s;
}
