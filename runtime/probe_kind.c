/* Probe kind names and aliases, from runtime/probes.def. */
#include "probe_kind.h"

#include <stddef.h>
#include <string.h>

static const char *const kind_names[PK_COUNT] = {
#define PROBE(id, name, alias, alias2) [PK_##id] = name,
#include "probes.def"
#undef PROBE
};

static const char *const kind_aliases[PK_COUNT][2] = {
#define PROBE(id, name, alias, alias2) [PK_##id] = { alias, alias2 },
#include "probes.def"
#undef PROBE
};

const char *probe_kind_name(enum probe_kind kind)
{
	return (unsigned)kind < PK_COUNT ? kind_names[kind] : "?";
}

const char *probe_kind_alias(enum probe_kind kind, int i)
{
	return (unsigned)kind < PK_COUNT && (unsigned)i < 2 ?
	       kind_aliases[kind][i] : NULL;
}

enum probe_kind probe_kind_find(const char *name)
{
	if (!name)
		return PK_COUNT;
	for (int k = 0; k < PK_COUNT; k++) {
		if (!strcmp(name, kind_names[k]))
			return (enum probe_kind)k;
		for (int i = 0; i < 2; i++)
			if (kind_aliases[k][i] &&
			    !strcmp(name, kind_aliases[k][i]))
				return (enum probe_kind)k;
	}
	return PK_COUNT;
}
