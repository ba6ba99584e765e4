/* The probe kinds (runtime/probes.def, one line each) and their names.
 * Shared by both halves of every probe provider: the compiler's
 * (compiler/probe_<kind>.c: parse, resolve, type) and the runtime's
 * (runtime/attach_<family>.c: attach, detach). The kind is also what a
 * compiled artifact names for each probe, by its canonical name. */
#ifndef ETRACE_PROBE_KIND_H
#define ETRACE_PROBE_KIND_H

enum probe_kind {
#define PROBE(id, name, alias, alias2) PK_##id,
#include "probes.def"
#undef PROBE
	PK_COUNT
};

/* The canonical name ("tracepoint"), or "?" for an invalid kind. */
const char *probe_kind_name(enum probe_kind kind);

/* The kind of a canonical name or alias ("t", "kfunc"), or PK_COUNT. */
enum probe_kind probe_kind_find(const char *name);

/* The i-th alias (0 or 1) of a kind, or NULL. */
const char *probe_kind_alias(enum probe_kind kind, int i);

#endif
