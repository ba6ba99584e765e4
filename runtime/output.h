/* Output: decodes ring buffer records and BPF maps into values and prints
 * them exactly as bpftrace 0.17 does, as text or as NDJSON (-f json).
 * Values go through a neutral tree (runtime/value.h) so that the text and
 * JSON printers share the decoding. Symbolization sits behind ksyms__* /
 * usyms__* so tests can feed fixtures.
 *
 * Ownership: output__new borrows prog and the FILE; output__free frees
 * only what it allocated. */
#ifndef ETRACE_OUTPUT_H
#define ETRACE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "program.h"

enum output_format { OUT_TEXT, OUT_JSON };

struct output;

/* Reads BPF map contents: fd of each map by id (runtime/run.c passes the
 * loader's). */
typedef int (*output_map_fd_fn)(void *ctx, const struct et_map *m);

struct output *output__new(const struct et_program *prog,
			   enum output_format fmt, FILE *out,
			   output_map_fd_fn map_fd, void *map_fd_ctx);
void output__free(struct output *o);

/* One ring buffer record of action a (printf, time, print, clear...).
 * Returns 0, or a negative errno for a malformed record. ACT_EXIT and
 * ACT_SYSTEM/ACT_CAT side effects are the caller's; output prints. */
int output__record(struct output *o, const struct et_action *a,
		   const void *rec, size_t size);

/* print(@m, top, div) and the dump of every map at exit (in map id
 * order, skipping maps that are empty? — as bpftrace 0.17 does). */
int output__print_map(struct output *o, const struct et_map *m,
		      uint64_t top, uint64_t div);
int output__print_all_maps(struct output *o);
int output__clear_map(struct output *o, const struct et_map *m, bool zero);

/* "Attaching N probes..." (text) or {"type": "attached_probes", ...}. */
void output__attached(struct output *o, int nprobes);
/* Lost records reported once at the end (and periodically). */
void output__lost(struct output *o, uint64_t n);

#endif
