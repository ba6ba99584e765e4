/* The neutral value tree of the output module: map entries, print()
 * arguments and printf arguments are decoded from BPF bytes into these
 * values once, then the text or the JSON printer writes them
 * (runtime/print_text.c, runtime/print_json.c).
 *
 * Ownership: every value and string lives in the arena passed to the
 * decoder; the caller frees the arena when the output is written. */
#ifndef ETRACE_VALUE_H
#define ETRACE_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "program.h"
#include "etype.h"

struct kallsyms;
struct usyms;

enum value_kind {
	V_NONE,
	V_INT,     /* u.i, signed */
	V_UINT,    /* u.u */
	V_STR,     /* u.str: text to print as is (strings, symbols, bufs) */
	V_BOOL,    /* u.u: 0 false, else true */
	V_TUPLE,   /* u.tuple */
	V_ARRAY,   /* u.tuple: elements, printed "[1,2,3]" */
	V_RECORD,  /* u.tuple: fields, named by u.tuple.names, printed
		    * "{ .a = 1, .b = 2 }" ("{.a=1,.b=2}" in map keys) */
	V_STACK,   /* u.stack: symbolized frames, one per line */
	V_HIST,    /* u.hist: log2 or linear buckets */
	V_STATS,   /* u.stats: stats() */
	V_AVG,     /* u.stats: avg() prints the average only */
	V_TSERIES, /* u.ts: tseries() intervals, oldest first */
};

/* One interval of a tseries: its start (wall clock ns since the Epoch)
 * and its value, if one was written in it. */
struct ts_point {
	int64_t start_ns;
	bool set;
	uint64_t v; /* int64 when the series is signed */
};

struct value {
	enum value_kind kind;
	union {
		int64_t i;
		uint64_t u;
		struct {
			const char *s;
			size_t len;
		} str;
		struct {
			struct value *items;
			int n;
			const char **names; /* V_RECORD only */
			/* V_RECORD of a record literal (a=1, b=2): printed
			 * as bpftrace 0.26 prints records, "{ .a = 1 }"
			 * in map keys too and {"a": 1} in JSON */
			bool named_tuple;
		} tuple;
		struct {
			const char **frames;
			int n;
			bool perf;  /* lines start with a tab, not spaces */
			bool kernel; /* kstack (folded output marks it) */
			/* some frame is a runtime's (Python, Java, Node):
			 * printed without its address, so two stack ids
			 * can print alike (output_map.c merges them) */
			bool runtime;
		} stack;
		struct {
			/* counts[0..n): bucket numbering of
			 * bpf-helpers/helpers.h (et_log2_bucket,
			 * et_linear_bucket) */
			uint64_t *counts;
			int n;
			/* the sum of the values counted (two's complement
			 * over the buckets); has_sum false when the map
			 * keeps counts only (value_size 8) */
			bool has_sum;
			int64_t sum;
			bool linear;
			int64_t min, max, step;
		} hist;
		struct {
			int64_t count, total;
		} stats;
		struct {
			struct ts_point *pts;
			int n;
			bool is_signed;
		} ts;
	} u;
	/* V_INT/V_UINT of a value cast to an enum: the name of its
	 * constant, which text prints (JSON prints the number, as
	 * bpftrace 0.26); NULL otherwise */
	const char *sym;
};

/* Reads the stack frames of a stack id (the value a kstack/ustack
 * expression stores) into ips[0..max): the number of frames, or -errno. */
typedef int (*value_stack_fn)(void *ctx, const struct et_type *t, uint64_t id,
			      uint64_t *ips, int max);

/* What decoding needs besides the bytes: symbolization and stacks. */
struct value_env {
	struct arena *arena;
	/* Kernel symbols, loaded on first use through load_ksyms (NULL or
	 * returning NULL: addresses print as hex). */
	struct kallsyms *(*load_ksyms)(void *ctx);
	void *load_ctx;
	value_stack_fn stack_fn;       /* NULL: stacks print empty */
	struct usyms *usyms;           /* NULL: user addresses print as hex */
	void *stack_ctx;
	const char *passwd_path;       /* NULL: /etc/passwd */
	/* Stack frames as bare function names, without offsets or perf
	 * decorations (folded stacks, flame graphs) */
	bool bare_frames;
	/* strftime() values: the formats (ACT_STRFTIME actions) and the
	 * boot time (wall clock minus CLOCK_BOOTTIME, as bpftrace 0.17):
	 * btime seconds (0: unknown, values print "(?)") and btime_nsec */
	const struct et_program *prog;
	int64_t btime;
	int64_t btime_nsec;
};

/* Decodes size bytes at p as a value of type t (a key, a plain map value,
 * a print() or printf argument). Aggregation types are not decoded here
 * (output.c reduces their per-CPU values). */
void value_decode(struct value_env *env, const struct et_type *t,
		  const void *p, size_t size, struct value *v);

/* total / count of a V_STATS/V_AVG value as bpftrace computes it (signed,
 * truncated; 0 when count is 0), without overflow on garbage. */
int64_t value_average(const struct value *v);

/* Integer of t's size and sign at p, sign- or zero-extended. */
uint64_t value_read_int(const struct et_type *t, const void *p, size_t size);

/* bpftrace's buf printing: %r escapes non-printable bytes as \xNN, %rx
 * escapes every byte, %rh prints "61 62". mode is 0, 'x' or 'h'. */
const char *value_format_buf(struct arena *a, const uint8_t *p, size_t len,
			     char mode, size_t *out_len);

/* buf() bytes of a {u64 length, bytes} value (program.h) of size bytes:
 * *data points at them; returns how many to print (the length, within
 * the value and type->size). */
size_t value_buf_bytes(const struct et_type *t, const void *p, size_t size,
		       const uint8_t **data);

/* Total order used to sort map keys the way bpftrace 0.17 does: integers
 * compared as unsigned 64-bit, strings with strcmp, tuples field by
 * field; other kinds compare equal. */
int value_cmp_key(const struct value *a, const struct value *b);

#endif
