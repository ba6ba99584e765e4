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
#define ET_LOST_MAP "et_lost"         /* percpu array[ET_LOST_N] of u64 */
/* et_lost's counters */
enum {
	ET_LOST_RECORDS,  /* records the ring buffer refused */
	ET_LOST_LATENCY,  /* returns of a latency probe with no saved entry:
			     evicted from the LRU map (too many calls or
			     threads outstanding; a return probe only fires
			     for calls entered after attaching) */
	ET_LOST_N
};
#define ET_STATE_MAP "et_state"       /* array[1] of struct et_state */

/* Stack trace maps (BPF_MAP_TYPE_STACK_TRACE, u32 id -> ET_STACK_DEPTH
 * u64 addresses), defined only when kstack/ustack are used. A kstack
 * value (T_STACK, kernel) is a u64 holding the stack id in its low 32
 * bits (0xffffffff: none); a ustack value also holds the tgid in its
 * high 32 bits (for symbolization). type->frames limits what is printed.
 * (Added by codegen, helper g.) */
#define ET_KSTACK_MAP "et_kstack"
#define ET_USTACK_MAP "et_ustack"
#define ET_STACK_DEPTH 127
#define ET_STACK_ENTRIES 4096

/* join(): the record is struct et_rec_hdr, a u64 n, then ET_JOIN_MAX
 * strings of ET_JOIN_ARG_SIZE bytes each (the first n are valid), as
 * bpftrace 0.17 reads at most 16 arguments of 1024 bytes; the action's
 * fmt_str is the delimiter (" " by default). (Added by codegen.) */
#define ET_JOIN_MAX 16
#define ET_JOIN_ARG_SIZE 1024

/* Other values user space decodes (added by codegen):
 *   T_INET (ntop): 24 bytes: s64 address family (2 AF_INET, 10
 *                  AF_INET6), then the address bytes (4 or 16) as in
 *                  memory (network order);
 *   T_BUF (buf):   8 + type->size bytes: a u64 length (the bytes read),
 *                  then type->size bytes (et_arg.size, map sizes: 8 +
 *                  type->size);
 *   T_MACADDR:     6 bytes; T_STRERROR: the u64 errno value;
 *   T_TIMESTAMP:   see ACT_STRFTIME; T_CGROUP_PATH: {u64 cgroup id,
 *                  u64 0} (user space finds the path);
 *   T_KSYM:        the u64 address; T_USERNAME: the u64 uid;
 *   T_USYM (usym(), func in user probes): 16 bytes: u64 address, u64
 *                  tgid of the process to symbolize it in (et_arg.size
 *                  and map sizes 16). */

/* kaddr("sym") symbols a program may name: resolved when it is run
 * (not compiled), so that an object compiled elsewhere stays valid. */
#define ET_MAX_KADDR 16

/* Global state the runtime writes before attaching. */
struct et_state {
	uint64_t start_ns;   /* bpf_ktime_get_ns() base of `elapsed` */
	uint32_t filter_pid; /* -p PID: kernel-side probes fire only for it */
	uint32_t child_pid;  /* -c CMD: cpid */
	uint64_t kaddr[ET_MAX_KADDR]; /* addresses of et_program.kaddr */
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
	/* ELF section (libbpf conventions). BEGIN and END are "raw_tp"
	 * without a target: libbpf cannot attach them (EOPNOTSUPP); the
	 * runtime runs them with bpf_prog_test_run_opts. profile, interval,
	 * software, hardware and watchpoints are "perf_event". */
	const char *section;
	/* The block runs at the return of the call (SPEC §3.2): the runtime
	 * also attaches ret_prog_name as the matching return probe (its
	 * section: uretprobe/, kretprobe/ or fexit/ of the same target). */
	bool at_return;
	const char *ret_prog_name;
	/* usdt (added by helper n): one program per note of the probe (a
	 * probe inlined at several places has one note each, and each may
	 * pass its arguments differently): the uprobe's file offset in
	 * ap->target and the semaphore's (the uprobe's ref_ctr_offset; 0:
	 * none). */
	uint64_t usdt_offset;
	uint64_t usdt_sema_offset;
};

/* How a map is stored in BPF. Scalar maps (no key) use key 0 (u32).
 * The code generator (helper g) uses hashes only, max_entries 1 for a
 * scalar map: a map never written then has no entry, and bpftrace 0.17
 * does not print it; the ARRAY kinds stay for other producers. */
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
	/* Added by codegen: never a record; holds the format (fmt_str) of
	 * a strftime() value, which is {u64 this action's id, u64 ns since
	 * boot (bpf_ktime_get_ns, CLOCK_MONOTONIC)}. */
	ACT_STRFTIME,
	/* -k (added by helper K): struct et_rec_helper_error, sent when the
	 * helper named by the action's helper failed at the action's loc;
	 * user space prints a warning there. */
	ACT_HELPER_ERROR,
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
	const char *helper;           /* ACT_HELPER_ERROR: "map_update_elem" */
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
	/* kaddr() symbols, in et_state.kaddr order; the runtime resolves
	 * them from /proc/kallsyms before attaching. */
	const char *kaddr[ET_MAX_KADDR];
	struct loc kaddr_loc[ET_MAX_KADDR];
	int nkaddr;
};

void et_program_free(struct et_program *p);

#endif
