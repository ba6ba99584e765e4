/* Internals of the runtime's run (run.c): the state of one run, the -c
 * child (run_child.c) and the ring buffer actions (run_actions.c,
 * run_cmd.c). */
#ifndef ETRACE_RUN_IMPL_H
#define ETRACE_RUN_IMPL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "abi.h"
#include "attach.h"
#include "run.h"

struct ringbuf;

/* The -c command: forked before attaching, waiting on go_fd until
 * released; exec_fd reports an exec failure (closed on success). */
struct child {
	pid_t pid;
	int go_fd;
	int exec_fd;
	int pidfd;
	bool reaped;
	/* set before run_child_spawn: the child runs under ptrace up to
	 * its entry point, where at_entry(pid, arg) runs (run_child.c) */
	void (*at_entry)(pid_t pid, void *arg);
	void *at_entry_arg;
};

struct run;

/* What a ring buffer callback needs: the run and its action. */
struct act_ctx {
	struct run *r;
	const struct et_action *a;
};

struct unwinder;

struct run {
	const struct et_program *prog;
	struct arena *arena;         /* the run's messages */
	const struct run_opts *o;
	struct loader *l;
	struct ringbuf *rb;
	struct output *out;
	struct attach_env env;
	struct bpf_program **progs;  /* per et_probe */
	struct bpf_program **rets;   /* its return program, or NULL */
	struct attach_targets *targets; /* per et_probe, on this kernel */
	struct act_ctx *acts;        /* per action */
	struct child child;
	int procfd;                  /* pidfd of the -c child or -p PID */
	int epfd;
	int sigfd;
	sigset_t old_mask;
	bool done;                   /* leave the event loop */
	bool exited;                 /* by exit() */
	bool discard;                /* drop records (after exit()) */
	bool signalled;              /* ended by SIGINT or SIGTERM */
	/* --container, --cgroup: the allowed cgroups and their levels'
	 * bits (run_cgroup.c) */
	uint64_t cg_ids[ET_CGROUP_FILTER_MAX];
	int ncg_ids;
	uint32_t cg_levels;
	bool ending;                 /* no system()/cat() runs any more */
	int write_err;               /* errno of a failed output write */
	int exit_code;
	uint64_t lost_reported;
	uint64_t lost_checked_ns;
	struct drops *drops;         /* what was lost (drops.h) */
	unsigned since_check;        /* records since the signal check */
	unsigned usr1;               /* SIGUSR1s a command's wait read */
	/* time system()/cat() took since the ring buffer was last empty */
	uint64_t cmd_ns;
	struct sigaction old_pipe;
	/* ustack's unwind tables (prog->needs_unwind), or NULL */
	struct unwinder *uw;
	/* maps as metrics (metrics.h; run_metrics.c), or NULL; the
	 * Prometheus endpoint (prom.h), or NULL */
	struct metrics *metrics;
	struct prom *prom;
	/* the OTLP exporter (otlp.h; run_otlp.c), or NULL */
	struct otlp *otlp;
	/* the span runtime (span.h), when the program has span blocks */
	struct span_rt *spans;
	struct h2_rt *h2;             /* h2_feed()'s records (runtime/h2.c) */
	uint64_t span_swept_ns;      /* last sweep of expired instances */
	/* load management (loadguard.h; run_load.c), or NULL */
	struct loadguard *lg;
	int *lg_fds;                 /* per et_probe: entry, return fd */
	struct run_plinks *plinks;   /* per et_probe: its links */
};

/* A pending signal is looked for after this many records. */
#define SIGNAL_CHECK_EVERY 256
/* Commands stop running (and are counted) once they took this long
 * without etrace catching up with the ring buffer. */
#define CMD_BACKLOG_NS 1000000000ULL

/* "etrace: MSG" on stderr. */
void run_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The --flamegraph and --folded files (run_flame.c), at exit: 0, or a
 * negative errno after saying why. */
int run_write_stacks(struct run *r);

/* One error at loc in the script, printed as the compiler prints its
 * diagnostics, with notes (one per line of notes; may be NULL). */
void run_script_error(struct run *r, struct loc loc, const char *msg,
		      const char *notes);

/* Before loading (run_fit.c): whether the program fits its object and
 * this machine (map sizes, tracepoint layouts, -c for cpid), and the
 * run-time constants it reads (-p PID). 0, or -errno after a message. */
int run_fit(struct run *r);
/* --container, --cgroup: the .rodata levels before the load
 * (run_cgroup_fit, from run_fit), the map after it (run_cgroup.c) */
int run_cgroup_fit(struct run *r);
int run_cgroup_fill(struct run *r);

/* CLOCK_MONOTONIC in ns. */
uint64_t run_now_ns(void);
/* SIGINT or SIGTERM when one is pending (blocked, not yet read from the
 * signalfd), else SIGUSR1 when that is, else 0. */
int run_signal_pending(struct run *r);
/* The records of watchpoints (run_watch.c): ACT_WATCHPOINT arms one
 * and continues the stopped process (also while records are dropped),
 * ACT_UNWATCH detaches those on an address. */
int run_watch_arm(struct run *r, const struct et_action *a, const void *rec,
		  size_t size);
int run_watch_unwatch(struct run *r, const struct et_action *a,
		      const void *rec, size_t size);

/* Metrics (run_metrics.c). run_metrics: the run's, created on first
 * call (an exporter calls it in run_open, before the load); NULL when
 * out of memory. run_metrics_open: the Prometheus endpoint of
 * --metrics-addr or config metrics_addr, listening, before the load: 0,
 * or -errno after a message. run_metrics_ready: after the load, the
 * maps and the probes' programs readable. run_metrics_close: the
 * endpoint stopped and the maps no more read, before they go;
 * run_metrics_free: and the metrics freed. */
/* OTLP export (run_otlp.c). run_otlp_open: the exporter of --otlp or
 * config otlp_endpoint, a sink of the spans, after setup_output: 0, or
 * -errno after a message. run_otlp_finish: at the end, while the maps
 * are loaded, the last export and the flush (bounded). */
int run_otlp_open(struct run *r);
void run_otlp_finish(struct run *r);
void run_otlp_free(struct run *r);
struct metrics *run_metrics(struct run *r);
int run_metrics_open(struct run *r);
void run_metrics_ready(struct run *r);
void run_metrics_close(struct run *r);
void run_metrics_free(struct run *r);

/* Load management (run_load.c). run_load_open: after the load, before
 * the attach: the rate limits set and the overhead guard made (when
 * the program has gates or a budget): 0, or -errno after a message.
 * run_load_begin/end around probe i's attach record its links.
 * run_load_tick: from the event loop. */
int run_load_open(struct run *r);
void run_load_begin(struct run *r, int i);
void run_load_end(struct run *r, int i);
void run_load_tick(struct run *r);
void run_load_free(struct run *r);

/* Registers a callback for every action of the program. */
int run_actions_register(struct run *r);
/* Reads the iterator (runs the iter probe over every object), then
 * ends the run. */
int run_iter(struct run *r);

/* Forks the child of cmd (split as a shell would, without running a
 * shell); it waits until released. 0, or -errno after a message. */
int run_child_spawn(struct child *c, const char *cmd);
/* Lets the child exec; -errno after a message when exec failed. */
int run_child_release(struct child *c);
/* Ends a child still running (SIGTERM, then SIGKILL) and reaps it. */
void run_child_reap(struct child *c);

#endif
