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
#include "etype.h"

/* OUT_FOLDED (-f folded): maps keyed by stacks as folded stacks
 * (print_folded.c), other maps left out with a warning on stderr;
 * printf and the rest as text; "Attaching N probes..." and lost events
 * on stderr, so that the output is a folded file whole. */
enum output_format { OUT_TEXT, OUT_JSON, OUT_FOLDED };

struct output;

/* Reads BPF map contents: fd of each map by id (runtime/run.c passes the
 * loader's). Also asked for the stack trace maps, when a stack is
 * printed: with an et_map whose only fields are id -1 and bpf_name
 * ET_KSTACK_MAP / ET_USTACK_MAP. */
typedef int (*output_map_fd_fn)(void *ctx, const struct et_map *m);

struct output *output__new(const struct et_program *prog,
			   enum output_format fmt, FILE *out,
			   output_map_fd_fn map_fd, void *map_fd_ctx);
void output__free(struct output *o);

/* One ring buffer record of action a (printf, time, print, clear...).
 * Returns 0, or a negative errno for a malformed record. ACT_EXIT and
 * ACT_SYSTEM/ACT_CAT side effects are the caller's: output__record prints
 * nothing for them (see output__format and output__message). */
int output__record(struct output *o, const struct et_action *a,
		   const void *rec, size_t size);

/* print(@m, top, div): bpftrace 0.17's order (count/sum/min/max and
 * integer values ascending by value, avg/stats by average, hist/lhist by
 * total count, other values by key; ties of hist/lhist/avg/stats by key
 * bytes as bpftrace's std::map, others by key, where bpftrace's order is
 * the hash table's), the last top entries when top != 0 (stats: all),
 * integer values divided by div when div > 1 (stats: never). */
int output__print_map(struct output *o, const struct et_map *m,
		      uint64_t top, uint64_t div);
/* At exit: "\n\n" (in JSON too, as bpftrace), then every map in name
 * order. Empty maps print one blank line in text, nothing in JSON. */
int output__print_all_maps(struct output *o);
/* The same without the "\n\n": what SIGUSR1 prints (bpftrace 0.17). */
int output__print_maps(struct output *o);
int output__clear_map(struct output *o, const struct et_map *m, bool zero);

/* Additions (helper I) ------------------------------------------------ */

/* print(@m) from map contents already read: n entries of key bytes
 * (m->key_size) and value bytes (m->value_size, times ncpus rounded up
 * to 8 bytes each for per-CPU storage, as the kernel returns them).
 * What output__print_map does after reading the map; for tests. */
struct output_raw {
	const void *key;
	const void *value;
};
int output__print_map_raw(struct output *o, const struct et_map *m,
			  const struct output_raw *e, size_t n, int ncpus,
			  uint64_t top, uint64_t div);

/* Stack ids (the 8-byte value of kstack/ustack) to frames: fills
 * ips[0..max) and returns the number of frames or -errno (the stack then
 * prints empty, as in bpftrace). */
typedef int (*output_stack_fn)(void *ctx, const struct et_type *t,
			       uint64_t id, uint64_t *ips, int max);
void output__set_stacks(struct output *o, output_stack_fn fn, void *ctx);
/* Or the stack trace maps ET_KSTACK_MAP/ET_USTACK_MAP (program.h) by fd
 * (-1: none); by default their fds come from map_fd. */
void output__set_stack_fds(struct output *o, int kstack_fd, int ustack_fd);
/* Where symbols come from (default /proc/kallsyms, read on first use,
 * and /etc/passwd); NULL keeps the default. For tests. */
void output__set_sources(struct output *o, const char *kallsyms,
			 const char *passwd);

/* The text of a printf-like record (printf, system's command, cat's file
 * name) as a malloc'ed string the caller frees. 0 or -errno. The caller
 * prints system()/cat() output with output__message. */
int output__format(struct output *o, const struct et_action *a,
		   const void *rec, size_t size, char **str);
/* text as is, or {"type": "TYPE", "data": "TEXT"} in JSON ("syscall",
 * "cat", ...). */
void output__message(struct output *o, const char *type, const char *text,
		     size_t len);
/* Where output__print_all_maps writes its "\n\n": bpftrace 0.17 writes
 * it to stdout even when the output goes to a file (-o); by default the
 * output stream. (Added by helper i2.) */
void output__set_separator(struct output *o, FILE *f);
/* Reads /proc/kallsyms now, not on the first kernel address: before the
 * privilege drop, after which it shows no addresses. */
void output__load_ksyms(struct output *o);
/* "Attaching N probes..." (text) or {"type": "attached_probes", ...}. */
void output__attached(struct output *o, int nprobes);
/* Lost records reported once at the end (and periodically). */
void output__lost(struct output *o, uint64_t n);

/* --flamegraph, --folded: every map keyed by stacks whose values are
 * counts, as folded stacks, added to fg (flamegraph.h); when more than
 * one map fits, each map's stacks sit on a root frame "@name". Returns
 * the number of maps added, or a negative errno. */
struct flamegraph;
int output__collect_stacks(struct output *o, struct flamegraph *fg);

#endif
