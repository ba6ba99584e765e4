/* Helpers shared by the probe providers (compiler/probe_*.c): argument
 * count checks, number and wildcard parsing, target checks against the
 * kernel and the file system. Private to the probe code. */
#ifndef ETRACE_PROBE_IMPL_H
#define ETRACE_PROBE_IMPL_H

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "compile.h"
#include "probe.h"

/* The providers, probe_<ID> for each line of probes.def (the provider
 * table of probe.c; tests name them). */
#define PROBE(id, name, alias, alias2) \
	extern const struct probe_provider probe_##id;
#include "probes.def"
#undef PROBE

/* Reports "<kind> probe type requires N argument(s), found M" unless
 * nparts lies in [min, max]. Returns 0 or -EINVAL. */
int probe_nargs(struct compile_ctx *ctx, struct attach_point *ap,
		int nparts, int min, int max);

/* Does s hold a wildcard (*, ? or [...])? */
bool probe_has_wildcard(const char *s);

/* Reports "Wildcards are not allowed in <kind> probes ('<s>')" when s
 * holds one. Returns 0 or -EINVAL. */
int probe_no_wildcard(struct compile_ctx *ctx, struct attach_point *ap,
		      const char *s);

/* Integers as bpftrace 0.17 reads them in attach points: decimal, 0x hex,
 * 0 octal, '_' separators, and 1e6 style exponents. Returns 0, -EINVAL
 * (not a number) or -ERANGE; reports nothing. */
int probe_parse_u64(const char *s, uint64_t *out);

/* Same, reporting "Invalid <what> '<s>': expected an integer" (or "...:
 * out of range"). */
int probe_number(struct compile_ctx *ctx, struct attach_point *ap,
		 const char *what, const char *s, uint64_t *out);

/* Splits "func+off" (kprobe, uprobe): sets ap->func and ap->offset.
 * allow_offset false reports an offset as an error. */
int probe_func_offset(struct compile_ctx *ctx, struct attach_point *ap,
		      const char *spec, bool allow_offset);

/* Shared parsers: kprobe/kretprobe (probe_kprobe.c) and uprobe/
 * uretprobe (probe_uprobe.c); allow_offset false for the return kinds. */
int probe_kprobe_parse_common(struct compile_ctx *ctx,
			      struct attach_point *ap, char **parts,
			      int nparts, bool allow_offset);
int probe_uprobe_parse_common(struct compile_ctx *ctx,
			      struct attach_point *ap, char **parts,
			      int nparts, bool allow_offset);

/* profile and interval (probe_timer.c). */
int probe_timer_parse(struct compile_ctx *ctx, struct attach_point *ap,
		      char **parts, int nparts);

/* software and hardware (probe_perf.c): event name and optional count
 * from a table of canonical names and aliases. */
struct perf_event_name {
	const char *name;
	const char *alias;
	uint64_t default_period;
};
int probe_perf_parse(struct compile_ctx *ctx, struct attach_point *ap,
		     char **parts, int nparts,
		     const struct perf_event_name *events, int nevents);

/* watchpoint and asyncwatchpoint (probe_watchpoint.c): the function
 * form's binary and functions; its programs' names. */
int probe_watchpoint_parse(struct compile_ctx *ctx, struct attach_point *ap,
			   char **parts, int nparts);
int probe_watchpoint_resolve(struct compile_ctx *ctx, struct attach_point *ap);
const char *probe_watchpoint_match_name(struct compile_ctx *ctx,
					const struct attach_point *ap,
					const char *t);

/* fentry and fexit (probe_fentry.c). */
int probe_fentry_parse(struct compile_ctx *ctx, struct attach_point *ap,
		       char **parts, int nparts);
struct type *probe_fentry_args(struct compile_ctx *ctx,
			       struct attach_point *ap, struct loc use);
struct type *probe_fentry_target_args(struct compile_ctx *ctx,
				      const struct attach_point *ap,
				      const char *t);
struct type *probe_fentry_retval(struct compile_ctx *ctx,
				 const struct attach_point *ap);

/* Appends name to ap->matches (in the arena). */
void probe_add_match(struct compile_ctx *ctx, struct attach_point *ap,
		     const char *name);

/* Reports that the target of ap does not exist: the probe pass decides
 * between warning and error. */
void probe_report_missing(struct compile_ctx *ctx,
			  const struct attach_point *ap, bool as_error);

/* "prefix/func" (or "prefix/t" for the wildcard match t): the section
 * of the kinds that name their target after a slash. */
const char *probe_section_func(struct compile_ctx *ctx, const char *prefix,
			       const struct attach_point *ap, const char *t);

/* "perf_event": the section of the kinds attached to a perf event
 * (timers, software and hardware events, watchpoints). */
const char *probe_section_perf(struct compile_ctx *ctx,
			       const struct attach_point *ap, const char *t,
			       bool sleepable);

/* ap->func: the attach target of the function-like kinds. */
const char *probe_attach_func(struct compile_ctx *ctx,
			      const struct attach_point *ap);

/* "cat:name" or "func" as the probe pass prints missing targets. */
const char *probe_target_name(struct compile_ctx *ctx,
			      const struct attach_point *ap);

/* uprobe/uretprobe/usdt: resolves the binary of ap->target (path, PATH
 * lookup, shared library search) and stores the path back in
 * ap->target. Reports and returns -ENOENT when there is none. */
int probe_resolve_binary(struct compile_ctx *ctx, struct attach_point *ap);

/* User probes (probe_binary.c): "prefix[.s]/binary:func" (t: the match,
 * sleepable: ".s"); the probe builtin of match t, "kind:binary:t" with
 * the binary as written. */
const char *probe_user_section(struct compile_ctx *ctx, const char *prefix,
			       const struct attach_point *ap, const char *t,
			       bool sleepable);
const char *probe_user_match_name(struct compile_ctx *ctx,
				  const struct attach_point *ap,
				  const char *t);

/* uprobe/uretprobe (probe_uprobe.c): probe_resolve_binary, then the
 * function in the binary's symbols (exact, demangled, wildcard into
 * ap->matches, address rewritten to func+offset); marks Go functions
 * (ap->go). Reports and returns -EINVAL. */
int probe_resolve_uprobe(struct compile_ctx *ctx, struct attach_point *ap);

/* args of uprobes (probe_uprobe_args.c): the function's parameters from
 * the binary's debug info; per match of a wildcard: target_args. */
struct type *probe_uprobe_args(struct compile_ctx *ctx,
			       struct attach_point *ap, struct loc use);
struct type *probe_uprobe_target_args(struct compile_ctx *ctx,
				      const struct attach_point *ap,
				      const char *t);

/* usdt (probe_usdt.c): probe_resolve_binary, then the probe in the
 * binary's .note.stapsdt; fills ap->ns when the provider was left out,
 * and ap->matches ("provider:name") for wildcards. */
int probe_resolve_usdt(struct compile_ctx *ctx, struct attach_point *ap);

/* The N_PROBE whose attach list holds ap (the probe pass sets
 * u.attach.ap before resolving), or NULL (probe_uprobe.c). */
struct node *probe_of_ap(struct compile_ctx *ctx,
			 const struct attach_point *ap);

/* Calls fn for each file -p PID maps, once each, in the order of its
 * maps: path is where this process opens it (the mapped path, or the
 * same under /proc/PID/root when that is another file: another mount
 * namespace), mapped the path in the process's maps. fn returns 0 to go
 * on, >0 to stop, <0 an error. Returns 0, fn's error, or -errno when the
 * maps cannot be read. */
int probe_pid_files(struct compile_ctx *ctx,
		    int (*fn)(struct compile_ctx *ctx, const char *path,
			      const char *mapped, void *arg),
		    void *arg);

/* The file the binary name resolves to, or NULL; in the arena. Exposed
 * for tests. */
const char *probe_find_binary(struct compile_ctx *ctx, const char *name);

/* Kernel function checks for kprobe/kretprobe: sets ap->exists and
 * ap->matches from the kernel function index. */
int probe_resolve_kfunc(struct compile_ctx *ctx, struct attach_point *ap);

/* fentry/fexit: does the kernel function have BTF? */
int probe_resolve_btf_func(struct compile_ctx *ctx, struct attach_point *ap);

#endif
