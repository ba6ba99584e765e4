/* Internals shared by typereg.c, btf.c and dwarf*.c (nothing else
 * includes this):
 * a small string/integer keyed hash table in the arena and the registry
 * state, including the per-context BTF conversion cache. */
#ifndef ETRACE_TYPEREG_IMPL_H
#define ETRACE_TYPEREG_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"

#define TREG_BUCKETS 256

struct treg_entry {
	const char *name;   /* NULL for integer keys */
	int64_t key;        /* integer key, or enum value */
	void *val;          /* NULL: known to be absent (negative cache) */
	struct treg_entry *next;
};

struct treg_table {
	struct treg_entry *b[TREG_BUCKETS];
};

struct typereg {
	/* preamble definitions */
	struct treg_table records, typedefs, enums;
	/* BTF: converted types by BTF id, lookups by name (with misses) */
	struct treg_table btf_ids, btf_records, btf_typedefs;
	struct treg_table btf_enums;  /* enum constants looked up (val NULL:
				       * the kernel has none of that name) */
};

struct treg_entry *treg_find(struct treg_table *t, const char *name);
struct treg_entry *treg_add(struct arena *a, struct treg_table *t,
			    const char *name);
struct treg_entry *treg_find_id(struct treg_table *t, int64_t key);
struct treg_entry *treg_add_id(struct arena *a, struct treg_table *t,
			       int64_t key);

#endif
