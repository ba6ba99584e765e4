/* The runtime half of each probe provider (STYLE.md): a table keyed by
 * compiler/probes.def, one entry per probe kind, saying whether the kind
 * can work on this machine (detected, never assumed) and how to attach a
 * loaded BPF program to its target. The compiler half is
 * compiler/probe_<kind>.c. One file per kind or family:
 * runtime/attach_<family>.c, each ending in its struct attach_provider.
 *
 * Every attachment is a BPF link, so that nothing stays attached once
 * etrace is gone, even after SIGKILL: handed to the loader, or for
 * tracepoints kept in the attach_env for a fast detach (attach_detach.c). */
#ifndef ETRACE_ATTACH_H
#define ETRACE_ATTACH_H

#include <stdbool.h>
#include <stdio.h>
#include <unistd.h> /* pid_t */

#include "arena.h"
#include "bpf/loader.h"
#include "program.h"

struct bpf_link;
struct bpf_program;

/* A tracepoint's link and a second reference to its perf event
 * (attach_detach.c). */
struct attach_tp {
	struct bpf_link *link; /* or NULL and ... */
	int link_fd;           /* a link libbpf 1.1 cannot make (or -1) */
	int perf_fd;           /* a tracepoint's perf event (or -1) */
};

/* What one et_probe attaches to on this kernel, when that differs from
 * what the program was compiled with (a provider's resolve()). */
struct attach_targets {
	/* the functions a wildcard matches here (NULL: the probe's own:
	 * its attach_target, its func or its compiled matches) */
	const char **funcs;
	int n;
	/* this kernel lacks the program's one target, a wildcard's match
	 * (named by skipped): the program is not loaded */
	bool skip;
	const char *skipped;
};

/* What an attach function needs beyond the probe. */
struct attach_env {
	struct loader *loader;
	struct arena *arena;  /* the run's: what resolve() returns */
	/* the program was compiled in this process, against this kernel:
	 * nothing to resolve again */
	bool fresh;
	/* the targets of the probe being attached (set by the caller of
	 * attach(); NULL: its own) */
	const struct attach_targets *targets;
	pid_t pid;           /* -p PID or the -c child: user probes; 0: all */
	/* --usdt-file-activation: USDT probes attach to every process that
	 * maps their file, whatever pid */
	bool usdt_file_activation;
	char err[512];       /* why the last attach failed (one sentence) */
	/* The iter probe's link (at most one): run.c reads it after BEGIN
	 * and then ends. Owned by the loader. */
	struct bpf_link *iter_link;
	/* Tracepoint and uprobe_multi links, kept here rather than in the
	 * loader so that they detach fast (attach_detach.c). */
	struct attach_tp *tps;
	size_t ntps, cap_tps;
	/* The watchpoints attached, for unwatch() (attach_watchpoint.c);
	 * their links are the loader's, the list in the arena. */
	struct attach_wp *wps;
};

/* One watchpoint's perf event link: its address, and the deferred
 * watchpoint probe it arms (its index in the program; -1: one of an
 * address, attached at the start). */
struct attach_wp {
	struct attach_wp *next;
	struct bpf_link *link;
	uint64_t addr;
	int probe;
};

/* Arms the deferred watchpoint ep, the program's probe idx (prog), on
 * addr in thread tid: 0, or -EEXIST when idx already watches addr, or
 * -errno with env->err set (-ENOSPC: the thread's debug registers are
 * all taken). */
int attach_watchpoint_arm(struct attach_env *env, int idx,
			  const struct et_probe *ep, struct bpf_program *prog,
			  uint64_t addr, pid_t tid);
/* unwatch(addr): detaches every watchpoint on addr; how many. */
int attach_watchpoint_unwatch(struct attach_env *env, uint64_t addr);

struct attach_provider {
	enum probe_kind kind;
	/* NULL when this kind can work here, else one sentence saying why
	 * not ("kprobes are not available: ..."). Detected on first call
	 * and cached. */
	const char *(*unavailable)(void);
	/* NULL when the kernel loads this kind's programs, else why not.
	 * It loads a test program (~0.1 ms of a start-up of ~3.5): asked
	 * only after loading the script failed, and by --info. Optional. */
	const char *(*unloadable)(void);
	/* Attach prog (and ret, the return program of a latency probe,
	 * or NULL) for ep. Links go to env->loader. Returns 0 or -errno
	 * with env->err set. NULL for BEGIN/END and self: the runtime runs
	 * them (attach_run_once). */
	int (*attach)(struct attach_env *env, const struct et_probe *ep,
		      struct bpf_program *prog, struct bpf_program *ret);
	/* Before the object is loaded, for a program compiled elsewhere
	 * (env->fresh false): its targets on this kernel (a wildcard matched
	 * again here; a target this kernel lacks skipped with a warning, or
	 * refused). Optional. 0, or -errno with env->err set. */
	int (*resolve)(struct attach_env *env, const struct et_probe *ep,
		       struct attach_targets *t);
	/* Before the object is loaded: whatever loading prog (and ret, or
	 * NULL) for ep needs, e.g. their expected attach type. Optional. */
	void (*prepare)(const struct et_probe *ep, struct bpf_program *prog,
			struct bpf_program *ret);
	/* Its programs run for -p's process only, without the BPF-side
	 * -p check: user probes attach to that process, BEGIN and END run
	 * once from etrace. */
	bool pid_scoped;
	/* On one event, the kernel runs the program attached last first:
	 * it adds each new one at the head of a list (a uprobe's
	 * consumers, the perf events of one software event on a CPU).
	 * attach_order() puts these kinds last probe first, so that the
	 * blocks of the script run in its order, as bpftrace's do. */
	bool last_first;
};

const struct attach_provider *attach_provider(enum probe_kind kind);

/* The attach points one et_probe stands for on this kernel (t: its
 * resolved targets, or NULL), as bpftrace counts them in "Attaching N
 * probes..." (a deferred one: none, its uprobe counts). */
int attach_count(const struct et_probe *ep, const struct attach_targets *t);

/* The order in which to attach prog's probes (indexes into
 * prog->probes, into order[0..prog->nprobes)) so that the programs of
 * one event run in script order: the others in script order, then the
 * last_first kinds in reverse. */
void attach_order(const struct et_program *prog, int *order);

/* Runs a loaded BEGIN/END program once (bpf_prog_test_run_opts). */
int attach_run_once(struct bpf_program *prog);

/* CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON, in the effective set:
 * without them every probe type would look unavailable. */
bool attach_privileged(void);

/* For --info: one line per probe kind, "  kind: works" or why not. */
void attach_report(FILE *out);

/* Attaches a function-like probe (kprobe, uprobe) once per function it
 * names: env->targets' functions, else the program's own target, its
 * function, or each match of its wildcard, by fn(env, ep, prog, ret,
 * function). 0 or the first error. */
typedef int (*attach_func_fn)(struct attach_env *env,
			      const struct et_probe *ep,
			      struct bpf_program *prog,
			      struct bpf_program *ret, const char *func);
int attach_each_func(struct attach_env *env, const struct et_probe *ep,
		     struct bpf_program *prog, struct bpf_program *ret,
		     attach_func_fn fn);

/* Shared by the providers (attach.c). */
int attach_fail(struct attach_env *env, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Hands link to the loader; NULL (errno set) reports "Cannot attach
 * what: reason". */
int attach_keep(struct attach_env *env, struct bpf_link *link,
		const char *what);
/* Keeps a tracepoint's link and perf_fd, a second reference to its perf
 * event (closed on failure). Like attach_keep otherwise. */
int attach_keep_tracepoint(struct attach_env *env, struct bpf_link *link,
			   int perf_fd, const char *what);
/* Destroys the tracepoint links in parallel: no program runs after. */
void attach_detach_tracepoints(struct attach_env *env);
/* Detaches (if not yet) and releases the tracepoints' perf events, in a
 * helper process when it can be forked. Call last: the helper closes
 * its copies of every descriptor. */
void attach_release_tracepoints(struct attach_env *env);
/* Keeps the BPF link fd (what: for the message when fd < 0, -errno) with
 * the tracepoints' links, destroyed with them in parallel. */
int attach_keep_link_fd(struct attach_env *env, int fd, const char *what);
/* perf_event_open(2); -errno on failure. */
int attach_perf_open(void *attr, pid_t pid, int cpu);
/* The online CPUs ("0-3,5,7-8"), at most max of them: their number,
 * or -errno. */
int attach_online_cpus(int *cpus, int max);
/* Attach prog to the perf event fd as a BPF link (the link owns the fd,
 * also on failure). */
int attach_perf_link(struct attach_env *env, const struct et_probe *ep,
		     struct bpf_program *prog, int pfd);
/* tracefs root (mounted when needed), or NULL. */
const char *attach_tracefs(void);

/* Start opening the perf events of tracepoints names ("cat:name") on a
 * thread, while the program is compiled (~0.3 ms each); the tracepoint
 * attach takes them. attach_preopen_join() waits for that thread: call
 * it before anything else of the runtime (it may mount tracefs).
 * attach_preopen_release() closes the events no probe took. */
void attach_preopen_tracepoints(const char *const *names, int n);
void attach_preopen_join(void);
void attach_preopen_release(void);
/* Whether the kernel has the dynamic probe kind `kind` ("kprobe",
 * "uprobe"): its perf PMU or its tracefs KIND_events file exists. Checked
 * once per kind; *state caches the answer (0: not yet checked). */
bool attach_dynprobe_present(const char *kind, int *state);
/* Loads (and, but for iterators, attaches) a trivial tracing program of
 * attach_type (enum bpf_attach_type) on the kernel function btf_func:
 * 0, or the -errno the kernel answered (attach_fentry.c). */
int attach_tracing_trial(int attach_type, const char *btf_func);
/* The kernel loads programs of this type (enum bpf_prog_type). */
int attach_prog_type_ok(int type);

#endif
