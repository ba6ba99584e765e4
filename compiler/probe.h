/* Probe kinds, parsed attach points, and the compiler half of each probe
 * provider (one file per kind: compiler/probe_<kind>.c, each ending in one
 * struct probe_provider). The runtime half (expand, attach, detach) is a
 * second table keyed by the same probes.def list. */
#ifndef ETRACE_PROBE_H
#define ETRACE_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "probe_kind.h"

struct compile_ctx;
struct node;
struct type;


/* One attach point after parsing its spec. Which fields are meaningful
 * depends on the kind:
 *   kprobe/kretprobe   func (+offset), target = module or NULL
 *   uprobe/uretprobe   target = binary, func or address (+offset),
 *                      lang = "cpp" etc. when written uprobe:bin:cpp:f
 *   usdt               target = binary, ns = provider or NULL, func
 *   tracepoint         target = category, func = event
 *   rawtracepoint      func = tracepoint name (target = module or NULL)
 *   profile/interval   target = unit ("hz","s","ms","us"), freq
 *   software/hardware  func = canonical event name, freq = period or 0
 *   watchpoint         address, freq = length, mode ("rw", "w", "x"...)
 *   fentry/fexit       target = module or NULL, func
 *   iter               func = iterator name, target = pin path or NULL */
struct attach_point {
	enum probe_kind kind;
	const char *raw;      /* as written */
	struct loc loc;
	const char *target;
	const char *ns;
	const char *func;
	const char *lang;
	const char *mode;
	uint64_t offset;
	uint64_t address;
	uint64_t freq;
	bool has_offset;
	bool has_address;
	bool wildcard;        /* a field holds '*' or '?' (or [...]) */
	/* Concrete names matched by the wildcard/alternative, when the
	 * provider could enumerate them (NULL otherwise). */
	const char **matches;
	int nmatches;
	/* false when a kernel check found no target: the probe pass decides
	 * whether that is a warning (another attach point of the probe
	 * exists) or an error. */
	bool exists;
};

enum probe_flags {
	PF_ARGN = 1 << 0,      /* arg0..argN available */
	PF_RETVAL = 1 << 1,    /* retval available */
	PF_ENTRY = 1 << 2,     /* function entry: latency form allowed */
	PF_FUNC = 1 << 3,      /* func builtin meaningful */
	PF_ARGS = 1 << 4,      /* args builtin available (args_type) */
	PF_USER = 1 << 5,      /* user context: ustack, uaddr meaningful */
	PF_KERNEL_CTX = 1 << 6, /* has pt_regs: reg(), kstack */
	PF_SARGN = 1 << 7,     /* sarg0..N (stack args) */
	PF_NO_CTX = 1 << 8,    /* BEGIN/END: no event context */
};

struct probe_provider {
	enum probe_kind kind;     /* its names: probe_kind_name() */
	unsigned flags;         /* enum probe_flags */
	/* Validates and splits the spec. parts are the ':'-separated fields
	 * after the provider name, quotes removed. Reports problems with
	 * diag_error at ap->loc and returns -EINVAL. */
	int (*parse)(struct compile_ctx *ctx, struct attach_point *ap,
		     char **parts, int nparts);
	/* Optional: checks the target exists where that can be known without
	 * loading (kernel symbols, tracefs, BTF, files). Sets ap->exists and
	 * ap->matches. Returns <0 only for errors already reported. */
	int (*resolve)(struct compile_ctx *ctx, struct attach_point *ap);
	/* Optional: the type of `args` (a record), NULL with a diagnostic
	 * when it cannot be known. */
	struct type *(*args_type)(struct compile_ctx *ctx,
				  struct attach_point *ap, struct loc use);
};

/* By canonical name or alias; NULL when unknown. */
const struct probe_provider *probe_provider_find(const char *name);
const struct probe_provider *probe_provider(enum probe_kind kind);

/* Parses one attach point (ast N_ATTACH raw text) into an attach_point in
 * the arena, reporting errors. NULL on error. */
struct attach_point *attach_point_parse(struct compile_ctx *ctx,
					const char *raw, struct loc loc);

/* Flags of a probe: the intersection over its attach points (a builtin
 * must be valid in every one). */
unsigned probe_flags(const struct node *probe);

#endif
