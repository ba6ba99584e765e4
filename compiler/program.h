/* A compiled program as the runtime needs it: the BPF ELF object and the
 * metadata that keeps formats and types in user space (SPEC §6): which BPF
 * program serves which attach point, how each map is laid out, and what
 * each ring buffer action record holds. Produced by the code generator
 * (compiler/codegen/codegen.c), consumed by the runtime (runtime/run.c).
 * No LLVM and no libbpf here, so that an ahead-of-time mode (compile on
 * one machine, run on another) stays possible.
 *
 * Ownership: everything hangs off the compile context's arena except
 * obj, which is malloc'ed and freed by et_program_free. */
#ifndef ETRACE_PROGRAM_H
#define ETRACE_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compile.h"
#include "printf_fmt.h"
#include "probe.h"

/* Map names in the ELF object (libbpf limits names to 15 characters). */
#define ET_RINGBUF_MAP "et_ringbuf"   /* BPF_MAP_TYPE_RINGBUF */
#define ET_LOST_MAP "et_lost"         /* percpu array[1] of u64: records
					 the ring buffer refused */
#define ET_STATE_MAP "et_state"       /* array[1] of struct et_state */

/* Global state the runtime writes before attaching. */
struct et_state {
	uint64_t start_ns;   /* bpf_ktime_get_ns() base of `elapsed` */
	uint32_t filter_pid; /* -p PID: kernel-side probes fire only for it */
	uint32_t child_pid;  /* -c CMD: cpid */
};

/* One BPF program: one attach point of a probe (a wildcard attach point
 * is one program; the runtime expands it). */
struct et_probe {
	const struct node *probe;     /* N_PROBE */
	struct attach_point *ap;
	enum probe_kind kind;
	/* The concrete target this program serves: "syscalls:sys_enter_openat"
	 * for a tracepoint (a wildcard attach point whose matches differ in
	 * layout becomes one program per match), the function for uprobes,
	 * NULL where the attach point says it all. */
	const char *attach_target;
	const char *prog_name;        /* function name in the object */
	const char *section;          /* ELF section (libbpf conventions) */
	/* The block runs at the return of the call (SPEC §3.2): the runtime
	 * also attaches ret_prog_name as the matching return probe. */
	bool at_return;
	const char *ret_prog_name;
};

/* How a map is stored in BPF. Scalar maps (no key) use key 0 (u32). */
enum et_map_storage {
	MS_HASH,          /* plain values: BPF_MAP_TYPE_HASH */
	MS_PERCPU_HASH,   /* aggregations: summed in user space */
	MS_ARRAY,         /* plain scalar map */
	MS_PERCPU_ARRAY,  /* scalar aggregation */
};

struct et_map {
	int id;                       /* == map_info->id */
	const char *name;             /* "@x", "@" */
	const char *bpf_name;         /* object map name */
	const struct map_info *info;  /* types from the type pass */
	enum et_map_storage storage;
	uint32_t key_size;            /* bytes of the BPF key */
	uint32_t value_size;          /* bytes of one (per-CPU) value */
	uint32_t max_entries;
	/* hist/lhist: the BPF key is the user key followed by a u64 bucket
	 * index; value one u64 count. */
	bool bucketed;
};

/* Layout of keys and plain values (added by codegen, helper g): both
 * follow the map_info type (key: info->key, value: info->value):
 *   integer (top level): 8 bytes, sign- or zero-extended per is_signed;
 *   pointer, ksym, usym, username, cgroup_path...: 8 bytes (the u64);
 *   string: type->size bytes, NUL-padded;
 *   tuple: type->size bytes, element i at type->fields[i].offset in its
 *          own type's size (ints inside tuples are NOT widened);
 *   no key: a u32 0.
 * Bucketed maps: that key (nothing when the map has no key) followed by
 * the u64 bucket index. */

/* Layout of the BPF-side values of aggregations, per CPU:
 *   count, sum:  u64/s64
 *   min, max:    struct { s64 value; u64 set; }   (set != 0 once written)
 *   avg, stats:  struct { s64 sum; u64 count; }
 *   hist, lhist: u64 count per (key, bucket) */

/* Ring buffer actions. Every record starts with struct et_rec_hdr; what
 * follows is described by the action's args (printf-like) or by a fixed
 * struct in events.h. */
enum et_action_kind {
	ACT_PRINTF,      /* args per fmt */
	ACT_SYSTEM,      /* args per fmt; runs the command (--unsafe) */
	ACT_CAT,         /* args per fmt: the file name */
	ACT_TIME,        /* fmt is the strftime format; no args */
	ACT_JOIN,        /* one arg: array of pointers read as strings */
	ACT_PRINT_MAP,   /* struct et_rec_print_map */
	ACT_PRINT_VALUE, /* one arg: print(expr) of a non-map value */
	ACT_CLEAR,       /* struct et_rec_map_op */
	ACT_ZERO,        /* struct et_rec_map_op */
	ACT_EXIT,        /* struct et_rec_exit */
};

/* A value inside a record. Arguments are 8-byte aligned from offset 8
 * (after the header); integers are widened to 8 bytes (size 8, sign per
 * type->is_signed); strings take their type->size; pointers and other
 * scalar kinds (ksym, usym, username...) 8 bytes; tuples their size. */
struct et_arg {
	struct type *type;
	uint32_t offset;              /* from the start of the record */
	uint32_t size;
};

struct et_action {
	uint32_t id;                  /* record tag */
	enum et_action_kind kind;
	struct loc loc;               /* the call in the script */
	const char *fmt_str;          /* printf/system/cat/time/join delim */
	struct fmt fmt;               /* parsed fmt_str (printf-like) */
	struct et_arg *args;
	int nargs;
	uint32_t rec_size;
	int map_id;                   /* print/clear/zero: which map */
};

struct et_program {
	void *obj;                    /* BPF ELF image (malloc'ed) */
	size_t obj_len;
	struct et_probe *probes;
	int nprobes;
	struct et_map *maps;          /* index == map id */
	int nmaps;
	struct et_action *actions;    /* index == action id */
	int nactions;
	uint32_t ringbuf_size;        /* bytes, power of two */
	bool needs_kallsyms;          /* kstack/ksym used */
	bool needs_usyms;             /* ustack/usym used */
};

void et_program_free(struct et_program *p);

#endif
