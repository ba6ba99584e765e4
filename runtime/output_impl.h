/* Internals shared by the output module's files: the output object, a
 * decoded map ready to print, and the text and JSON printers
 * (print_text.c, print_json.c) and printf formatting (printf_exec.c). */
#ifndef ETRACE_OUTPUT_IMPL_H
#define ETRACE_OUTPUT_IMPL_H

#include "output.h"
#include "value.h"

struct map_dump;

struct output {
	const struct et_program *prog;
	enum output_format fmt;
	FILE *out;
	FILE *sep; /* the "\n\n" before the maps at exit; NULL: out */
	output_map_fd_fn map_fd;
	void *map_fd_ctx;
	value_stack_fn stack_fn;
	void *stack_ctx;
	int kstack_fd, ustack_fd;
	int64_t btime, btime_nsec; /* boot time, for strftime() */
	bool btime_read;
	struct kallsyms *ksyms;
	struct usyms *usyms;
	bool ksyms_tried;
	const char *kallsyms_path;
	const char *passwd_path;
	int ncpus;
	/* Tests: map contents come from here instead of BPF maps. */
	int (*raw_fn)(void *ctx, const struct et_map *m,
		      const struct output_raw **e, size_t *n, int *ncpus);
	void *raw_ctx;
	/* output__collect_stacks: maps go into this flame graph, under a
	 * root frame "@name" when collect_root, instead of being printed */
	struct flamegraph *collect;
	bool collect_root;
	/* -f folded: the maps already warned about (by index in prog) */
	bool *folded_warned;
	/* metrics (runtime/metrics.c): each map dump goes to this function
	 * instead of being printed; d and its arena live for the call */
	void (*dump_fn)(void *ctx, const struct et_map *m,
			const struct map_dump *d);
	void *dump_ctx;
	/* the arena of each map dump, reset after it (NULL: one made and
	 * freed per dump); the metrics' own, used under their lock */
	struct arena *scratch;
};

/* Bytes of chunks a reused arena keeps between two uses. */
#define OUTPUT_SCRATCH_KEEP (16u << 20)

/* How a map prints: plain values, histograms, or stats/avg. */
enum dump_kind { DUMP_PLAIN, DUMP_HIST, DUMP_STATS, DUMP_TSERIES };

struct map_entry {
	struct value key;       /* V_NONE for a map without keys */
	struct value val;
	const uint8_t *raw_key; /* user key bytes (bucketed maps: the prefix) */
	uint32_t raw_len;
	/* sort key: the value (plain ints), total count (hist), average,
	 * newest epoch (tseries) */
	uint64_t sort;
	bool sort_signed;
};

struct map_dump {
	const char *name;
	enum dump_kind kind;
	bool has_key;
	struct map_entry *e;     /* sorted, top already applied */
	size_t n;
	uint64_t div;            /* >= 1 */
};

void text_map(FILE *f, const struct map_dump *d);
/* v as text; stack frames indented by indent; integers divided by div */
void text_value(FILE *f, const struct value *v, int indent, uint64_t div);
void text_value_line(FILE *f, const struct value *v);
/* v as a map key (or one of its fields) prints it: records compact,
 * "{.a=1,.b=2}", also inside arrays; stacks indented by 4 */
void text_key_value(FILE *f, const struct value *v);
/* A key value as JSON names it (bpftrace 0.26): as text_key_value, but
 * tuples and records inside written without blanks, "(3,x)" and
 * "{.a=1,.b=x}". */
void json_key_value(FILE *f, const struct value *v);
void json_map(FILE *f, const struct map_dump *d);
void json_value_line(FILE *f, const struct value *v);
/* {"type": "TYPE", "data": "TEXT"} */
void json_message(FILE *f, const char *type, const char *text, size_t len);
void json_string(FILE *f, const char *s, size_t len);

/* Folded stacks (print_folded.c). Why map m cannot be folded (no stack
 * in its key, or values that are no counts), or NULL. */
const char *folded_unfit(const struct et_map *m);
/* The entries of d to fg, each under a frame root when not NULL; strings
 * in a. 0 or -ENOMEM. */
struct flamegraph;
int folded_add(struct flamegraph *fg, struct arena *a,
	       const struct map_dump *d, const char *root);
/* d as folded lines to o->out; a map folded_unfit() refuses is left out
 * with a warning on stderr (once per map). */
void folded_map(struct output *o, const struct et_map *m,
		const struct map_dump *d, struct arena *a);

/* The wall clock time of boot (strftime()), as bpftrace 0.17 computes
 * it: 0 or -errno. */
int output_read_boottime(int64_t *sec, int64_t *nsec);

/* The environment for decoding values (arena, symbols, stacks). */
void output_env(struct output *o, struct arena *a, struct value_env *env);

/* Formats the printf-like record rec of action a into a malloc'ed
 * string (*len bytes, NUL-terminated). 0 or -errno. */
int printf_exec(struct output *o, const struct et_action *a,
		const void *rec, size_t size, char **out, size_t *len);
/* The same, written to f: nothing is allocated for integer and string
 * arguments. 0, or -EIO when f has an error. */
int printf_write(struct output *o, const struct et_action *a,
		 const void *rec, size_t size, FILE *f);

#endif
