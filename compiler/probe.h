/* Probe kinds, parsed attach points, and the compiler half of each probe
 * provider: one file per kind, compiler/probe_<kind>.c, each ending in
 * one struct probe_provider probe_<ID> (a family's shared code in
 * probe_impl.h).
 *
 * A probe kind is one line of runtime/probes.def and three tables keyed
 * by it with an X-macro, so that an entry missing fails to link; each
 * entry is in the kind's own (or its family's) file:
 *   struct probe_provider probe_<ID> (here, table in probe.c): parse the
 *       spec, resolve the target, type args and retval, name the ELF
 *       section, the probe builtin's text and the attach target, and the
 *       data the passes ask (flags, address space, argN count, the
 *       return kind of latency);
 *   struct cg_probe cg_kind_<ID> (compiler/codegen/cg_probe.h, in
 *       cg_probe_<family>.c): how the kind's programs read argN, sargN,
 *       retval, func and args->field from their context, what a latency
 *       entry saves, and how many programs a target makes. These hooks
 *       need LLVM types, which only compiler/codegen may see (the wall),
 *       and the front end must link without LLVM (its unit tests do), so
 *       they cannot be pointers here: the back end keys its own table by
 *       the same list;
 *   struct attach_provider attach_<ID> (runtime/attach.h): availability,
 *       attach, detach.
 * Shared code asks these tables; it never tests a kind. */
#ifndef ETRACE_PROBE_H
#define ETRACE_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "probe_kind.h"
#include "types.h"

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
	/* a uprobe of a glibc stub library's function, moved into libc
	 * (probe_uprobe.c): dropped when the probe traces it there already */
	bool moved_to_libc;
	/* Set by resolve when the attach point as written stands for
	 * several targets (a usdt probe in each of the files -p PID maps):
	 * the others, each a resolved attach point, which the probe pass
	 * adds to the probe after this one. */
	struct attach_point *more;
	/* a statement probe (uprobe:BIN@FILE:LINE[:COL], or BIN:FILE:LINE):
	 * the source file as written, its line and column (0: any);
	 * resolve turns it into func + offset, one attach point (more) per
	 * function or inlined copy with code for the line */
	const char *src_file;
	unsigned src_line, src_col;
	/* uprobe/uretprobe: a function of a Go binary (go_abi.h), which
	 * passes arguments by ABIInternal (go_regabi: Go >= 1.17) or on
	 * the stack, and returns through uprobes on its RET instructions */
	bool go, go_regabi;
};

enum probe_flags {
	PF_ARGN = 1 << 0,      /* arg0..argN available */
	PF_RETVAL = 1 << 1,    /* retval available */
	PF_ENTRY = 1 << 2,     /* function entry: latency form allowed */
	PF_FUNC = 1 << 3,      /* func builtin meaningful */
	PF_ARGS = 1 << 4,      /* args builtin available (args_type) */
	PF_USER = 1 << 5,      /* user context: ustack meaningful */
	PF_KERNEL_CTX = 1 << 6, /* has pt_regs: reg(), kstack */
	PF_SARGN = 1 << 7,     /* sarg0..N (stack args) */
	PF_NO_CTX = 1 << 8,    /* BEGIN/END: no event context */
	/* user probes: a program reading user strings is sleepable
	 * (uprobe.s/), so that a page not yet touched is faulted in */
	PF_SLEEPABLE = 1 << 10,
	PF_D_PATH = 1 << 11,   /* the kernel allows bpf_d_path: path() */
	PF_OVERRIDE = 1 << 12, /* bpf_override_return: override() */
	PF_ONCE = 1 << 13,     /* at most one probe of this kind */
	PF_ALONE = 1 << 14,    /* the only attach point of its probe */
	/* the target qualifies the function in messages: module:func,
	 * category:event */
	PF_QUALIFIED = 1 << 15,
	PF_BINARY = 1 << 16,   /* target is a binary's path: uaddr() */
	/* the kernel allows the task kfuncs (bpf_task_from_pid) in the
	 * kind's program type: comm(pid). Linux 6.18 allows them in
	 * tracing, tracepoint and perf_event programs, refuses them in
	 * kprobe (uprobes, USDT) and raw tracepoint ones (BEGIN, END). */
	PF_TASK_KFUNC = 1 << 17,
	/* a BPF_PROG_TYPE_TRACING program, whose context pointers the
	 * verifier knows by BTF type: socket_cookie() */
	PF_TRACING = 1 << 18,
};

struct probe_provider {
	enum probe_kind kind;     /* its names: probe_kind_name() */
	unsigned flags;         /* enum probe_flags */
	/* Where an integer used as an address points (AS_NONE: nowhere in
	 * particular: BEGIN, timers, perf events). */
	enum addrspace as;
	/* PF_ARGN: arg0..arg(max_args - 1). x86-64 passes six arguments in
	 * registers (bpftrace: "x86_64 doesn't support arg6"); a USDT note
	 * carries up to 12. */
	int max_args;
	/* PF_ENTRY: the kind whose program runs the block of a latency
	 * probe (SPEC 3.2) when the function returns. */
	enum probe_kind ret_kind;
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
	/* Optional: the integer type of retval in ap when it is known
	 * (fentry/fexit: the function's BTF), else NULL: uint64. */
	struct type *(*retval_type)(struct compile_ctx *ctx,
				    const struct attach_point *ap);
	/* The ELF section of the program for ap (libbpf's conventions); t
	 * is the wildcard match it is for, or NULL; sleepable: a
	 * PF_SLEEPABLE program that reads user memory. In the arena. */
	const char *(*section)(struct compile_ctx *ctx,
			       const struct attach_point *ap, const char *t,
			       bool sleepable);
	/* Optional: the kind's name in the probe builtin when the script
	 * spelled it by an alias: bpftrace 0.17 knows fentry and fexit only
	 * as kfunc and kretfunc and says so (the fentry/fexit spellings are
	 * 0.26's and keep their name). NULL: probe_kind_name(). */
	const char *alias_word;
	/* Optional: the probe builtin's text for the wildcard match t;
	 * NULL: "kind:t" (see probe_name()). */
	const char *(*match_name)(struct compile_ctx *ctx,
				  const struct attach_point *ap,
				  const char *t);
	/* Optional: what the runtime attaches ap to when it is no wildcard
	 * ("cat:event", the function); NULL: the section says it all. */
	const char *(*attach_target)(struct compile_ctx *ctx,
				     const struct attach_point *ap);
	/* Optional: the args record of one program's own target t (or of
	 * ap when t is NULL): each program of a wildcard reads its own
	 * layout. NULL when there is none; reports nothing. */
	struct type *(*target_args)(struct compile_ctx *ctx,
				    const struct attach_point *ap,
				    const char *t);
};

/* By canonical name or alias; NULL when unknown. */
const struct probe_provider *probe_provider_find(const char *name);
const struct probe_provider *probe_provider(enum probe_kind kind);

/* Parses one attach point (ast N_ATTACH raw text) into an attach_point in
 * the arena, reporting errors. NULL on error. */
struct attach_point *attach_point_parse(struct compile_ctx *ctx,
					const char *raw, struct loc loc);

/* The probe builtin's text for ap's program of match t (or NULL): the
 * attach point with its canonical kind name, or its kind with the match.
 * In the arena. */
const char *probe_name(struct compile_ctx *ctx, const struct attach_point *ap,
		       const char *t);

/* Flags of a probe: the intersection over its attach points (a builtin
 * must be valid in every one). */
unsigned probe_flags(const struct node *probe);

/* The return type of a uretprobe's function (or of a uprobe's, for the
 * retval of its latency block) from its binary's debug info when it is a
 * pointer (retval->field reads through it), else NULL. Only retval's
 * field accesses take it: retval stays an integer elsewhere, as in
 * bpftrace 0.17 and 0.26 (probe_uprobe_args.c). */
struct type *probe_uretprobe_pointer_ret(struct compile_ctx *ctx,
					 const struct attach_point *ap);

#endif
