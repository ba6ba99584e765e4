/* loadguard.h: load management at run time (issue 17, part 4). Two
 * things the BPF side does at each gated probe's entry
 * (compiler/codegen/cg_gate.c) need user space:
 * - rate limits (config rate_limit, rate_limit(N) in a probe): a
 *   per-CPU token bucket per program, after its predicate; before attaching,
 * each bucket gets its share of the probe's rate, rate / online CPUs events per
 * second, with a burst of one second's share, so that a probe never passes more
 * than rate per second plus one second's worth in all;
 * - the overhead guard (config max_overhead, --max-overhead 2%): once a
 *   second it reads each program's run time (bpf_prog_info.run_time_ns
 *   with BPF_STATS_RUN_TIME on) and etrace's own CPU (getrusage), as a
 *   share of the online CPUs' time. Over the budget, it sheds load from
 *   the costliest program: first its sampling divisor (ET_GATE_MAP: 1
 *   event in D runs) rises, up to LOADGUARD_MAX_DIVISOR; a program
 *   still costliest and over budget at that divisor (or one that has no
 *   divisor) is detached. Each step is said on stderr and shown in the
 *   metrics (etrace_probe_sample_divisor, etrace_probe_detached,
 *   etrace_overhead_ratio). The events a divisor or a limit kept from
 *   running are counted in ET_DROPS_MAP (drops.c reports them).
 *
 * Ownership: loadguard__new borrows the program and the fds' owner;
 * loadguard__free frees the rest (NULL is a no-op). */
#ifndef ETRACE_LOADGUARD_H
#define ETRACE_LOADGUARD_H

#include <stdbool.h>
#include <stdint.h>

#include "program.h"

#define LOADGUARD_MAX_DIVISOR 1024
/* How often the guard measures. */
#define LOADGUARD_PERIOD_MS 1000

/* "2%", "0.5%", "2" (percent): the budget in hundredths of a percent,
 * 1..10000 (100%). 0, or -EINVAL. */
int loadguard_parse_budget(const char *text, uint32_t *hundredths);

/* The per-CPU bucket of a rate of `rate` events/s over ncpus CPUs. */
void loadguard_rate_share(uint32_t rate, int ncpus, uint64_t *interval_ns,
			  uint64_t *tau_ns);

struct loadguard;

/* Detaches program i (its entry and return links): 0 or -errno. */
typedef int (*loadguard_detach_fn)(void *ctx, int probe);

/* gate_fd: ET_GATE_MAP's (< 0: no probe is gated); prog_fds: per
 * et_probe, its entry and return program (2 * nprobes, -1: none);
 * budget: hundredths of a percent (0: no guard, rate limits only).
 * Writes the rate limits' buckets. NULL and errno on failure (after a
 * message). */
struct loadguard *loadguard__new(const struct et_program *p, int gate_fd,
				 const int *prog_fds, uint32_t budget,
				 loadguard_detach_fn detach, void *ctx);
void loadguard__free(struct loadguard *g);

/* Whether the guard measures (a budget was given). */
bool loadguard__active(const struct loadguard *g);

/* One measurement at now_ns (CLOCK_MONOTONIC), acting when over the
 * budget; does nothing before LOADGUARD_PERIOD_MS passed since the
 * last. */
void loadguard__tick(struct loadguard *g, uint64_t now_ns);

/* Probe i's divisor now (1: every event) and whether it was detached. */
uint64_t loadguard__divisor(const struct loadguard *g, int probe);
bool loadguard__detached(const struct loadguard *g, int probe);

#endif
