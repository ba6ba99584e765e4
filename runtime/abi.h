/* The contract between the BPF programs etrace generates and its user
 * space: the names of the maps every program has, their layouts, and how
 * values are laid out in map keys, map values and ring buffer records.
 * The code generator (compiler/codegen/) builds to it; the runtime
 * (runtime/output*.c, value.c, run.c) reads by it. Fixed-width types only:
 * no LLVM, no libbpf. Record headers are in events.h. */
#ifndef ETRACE_ABI_H
#define ETRACE_ABI_H

#include <stdint.h>

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
/* percpu array[et_program.ndrops] of u64: slot i counts what
 * et_program.drops[i] describes; absent when nothing is counted. */
#define ET_DROPS_MAP "et_drops"

/* Load management (compiler/codegen/cg_gate.c, bpf-helpers/gate.c,
 * runtime/loadguard.c), keyed like ET_DROPS_MAP by the slot of a
 * DROP_RATE_LIMIT or DROP_SHED drop; both absent when no probe is
 * gated. ET_GATE_MAP: array of struct et_gate, written by user space
 * (the rate limit's share of each CPU before attaching, the overhead
 * guard's divisor while running), read by BPF. ET_GATE_ST_MAP: percpu
 * array of struct et_gate_st, BPF's own. Each is a u64[3] / u64[2] to
 * the C helpers. */
#define ET_GATE_MAP "et_gate"
#define ET_GATE_ST_MAP "et_gate_st"
struct et_gate {
	uint64_t interval_ns; /* rate slot: ns between events on a CPU */
	uint64_t tau_ns;      /* rate slot: the burst, (burst - 1) * interval */
	uint64_t divisor;     /* shed slot: 1 event in divisor runs (0, 1: all) */
};
struct et_gate_st {
	uint64_t tat;         /* rate slot: the next event's earliest time */
	uint64_t count;       /* shed slot: events seen on this CPU */
};
/* sample(N): percpu array of u64, one counter per call site and
 * program (compiler/codegen/cg_gate.c) */
#define ET_SAMPLE_MAP "et_sample"

/* Stack maps (u32 id -> ET_STACK_DEPTH u64 addresses, ended by a 0 when
 * fewer), defined only when kstack/ustack are used: ET_KSTACK_MAP a HASH
 * keyed by a hash of the frames (bpf-helpers/kstack.c, which compares
 * the frames on a hit), ET_USTACK_MAP the same, filled by the CFI
 * unwinder or, with frame pointers, by bpf_get_stack (kstack.c
 * et_ustack_fp_store). A kstack
 * value (T_STACK, kernel) is a u64 holding the stack id in its low 32
 * bits (0xffffffff: none); a ustack value also holds the tgid in its
 * high 32 bits (for symbolization). type->frames limits what is printed. */
#define ET_KSTACK_MAP "et_kstack"
#define ET_USTACK_MAP "et_ustack"
#define ET_STACK_DEPTH 127
#define ET_STACK_ENTRIES 4096

/* ustack unwound with call frame information (et_program.ustack_cfi, the
 * default; config ustack_unwind = "fp" has the kernel's frame-pointer
 * walk instead): ET_USTACK_MAP is filled by the unwinder of
 * bpf-helpers/unwind.c (the id is a hash of the frames), with these
 * maps, which the runtime fills (runtime/unwind.c):
 *   ET_UW_ROWS:  ARRAY[ET_UW_ROWS_MAX] of struct et_uw_row, the rows of
 *                every file loaded, each file's sorted by pc;
 *   ET_UW_MAPS_MAP: ARRAY[ET_UW_PROCS * ET_UW_MAPS] of struct
 *                et_uw_map, ET_UW_MAPS per process;
 *   ET_UW_PROCS: HASH tgid (u32) -> struct et_uw_proc, where its
 *                executable mappings are in ET_UW_MAPS_MAP;
 *   ET_UW_MISS:  HASH tgid (u32) -> u32: processes a stack was taken
 *                in that have no entry in ET_UW_PROCS, or one of the
 *                image before an exec (user space loads them and
 *                deletes the key);
 *   ET_UW_SCRATCH: PERCPU_ARRAY[1] of ET_STACK_DEPTH u64s.
 * A frame the unwinder adds after the last one it could walk:
 * ET_UW_MARK_TRUNC (the next frame could not be unwound), ET_UW_MARK_FP
 * (the process had no tables yet: walked by frame pointers). */
#define ET_UW_ROWS_MAP "et_uw_rows"
#define ET_UW_PROCS_MAP "et_uw_procs"
#define ET_UW_MAPS_MAP "et_uw_maps"
#define ET_UW_MISS_MAP "et_uw_miss"
#define ET_UW_SCRATCH_MAP "et_uw_scratch"
/* its one value: ET_STACK_DEPTH u64 frames, then the registers the
 * unwinder hands the runtimes' frame hook and the hook's read buffer
 * (bpf-helpers/helpers.h struct et_rt_regs, 96 bytes): kept out of the
 * 512 bytes of BPF stack the probe, the unwinder's step and the hook
 * share */
#define ET_UW_SCRATCH_SIZE (ET_STACK_DEPTH * 8 + 96)
#define ET_UW_ROWS_MAX (1u << 20)
#define ET_UW_MAPS 128
#define ET_UW_PROCS 1024
#define ET_UW_MARK_TRUNC 0xffffffffffffff01ULL
#define ET_UW_MARK_FP 0xffffffffffffff02ULL

enum et_uw_cfa {
	ET_UW_CFA_NONE,  /* no CFI covers the pc */
	ET_UW_CFA_RSP,   /* CFA = rsp + cfa_off */
	ET_UW_CFA_RBP,   /* CFA = rbp + cfa_off */
	ET_UW_CFA_PLT,   /* CFA = rsp + 8 + ((rip & 15) >= cfa_off ? 8 : 0) */
	ET_UW_CFA_END,   /* the outermost frame: the return address is
			    undefined */
	ET_UW_CFA_UNSUP, /* a rule the unwinder does not evaluate */
	ET_UW_CFA_SIGNAL, /* a signal frame (the sigreturn trampoline): the
			     interrupted rsp at rsp + cfa_off, its rip
			     (exact, not a return address) at rsp +
			     cfa_off + 8, its rbp at rsp + rbp_off */
};
enum et_uw_rbp {
	ET_UW_RBP_SAME,  /* the caller's rbp is rbp */
	ET_UW_RBP_AT,    /* saved at CFA + rbp_off */
	ET_UW_RBP_UNDEF, /* not known */
};

/* The return address is at CFA - 8 in every row but a signal frame's
 * (x86-64). pc is the
 * file's virtual address (p_vaddr) where the row starts. */
struct et_uw_row {
	uint32_t pc;
	int32_t cfa_off;
	int16_t rbp_off;
	uint8_t cfa; /* enum et_uw_cfa */
	uint8_t rbp; /* enum et_uw_rbp */
};

/* An executable mapping: address = file vaddr + bias; row_len 0: no
 * table (frames walked by frame pointer). */
struct et_uw_map {
	uint64_t start, end, bias;
	uint32_t row_start, row_len;
};

/* A process's mappings: ET_UW_MAPS_MAP[first, first + n), sorted by
 * start (first: its slot * ET_UW_MAPS), and the program image they are
 * of: its mm's start_stack and end_code when they were read (fields 28
 * and 27 of /proc/PID/stat), which an exec changes. The unwinder treats
 * an entry of another image as none (a miss: user space loads it
 * again), so that a process looked at before it exec'ed (a shell, a
 * pyenv shim) has its tables and runtimes looked at again after. */
struct et_uw_proc {
	uint32_t first, n;
	uint64_t start_stack, end_code;
};

/* join(): the record is struct et_rec_hdr, a u64 n, then ET_JOIN_MAX
 * strings of ET_JOIN_ARG_SIZE bytes each (the first n are valid), as
 * bpftrace 0.17 reads at most 16 arguments of 1024 bytes; the action's
 * fmt_str is the delimiter (" " by default). */
#define ET_JOIN_MAX 16
#define ET_JOIN_ARG_SIZE 1024

/* Other values user space decodes:
 *   T_INET (ntop): 24 bytes: s64 address family (2 AF_INET, 10
 *                  AF_INET6), then the address bytes (4 or 16) as in
 *                  memory (network order);
 *   T_BUF (buf):   8 + type->size bytes: a u64 length (the bytes read),
 *                  then type->size bytes (et_arg.size, map sizes: 8 +
 *                  type->size);
 *   T_MACADDR:     6 bytes; T_STRERROR: the u64 errno value;
 *   T_SIGNAL_NAME, T_SYSCALL_NAME: the u64 number;
 *   T_TIMESTAMP:   see ACT_STRFTIME; T_CGROUP_PATH: {u64 cgroup id,
 *                  u64 0} (user space finds the path);
 *   T_KSYM:        the u64 address; T_USERNAME: the u64 uid;
 *   T_CONTAINER, T_CONTAINER_NAME, T_POD, T_POD_NS, T_POD_UID: the u64
 *                  cgroup id (container.h names it);
 *   T_USYM (usym(), func in user probes): 16 bytes: u64 address, u64
 *                  tgid of the process to symbolize it in (et_arg.size
 *                  and map sizes 16). */

/* Layout of keys and plain values: both follow the map's types (key,
 * value):
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
 *   hist, lhist: struct { u64 count; s64 sum; } per (key, bucket): the
 *                sum of the values that bucket counted (Prometheus _sum,
 *                OTLP HistogramDataPoint.sum add the buckets' sums)
 *   tseries: { u64 value; u64 meta; u64 epoch; } per (key, epoch % n):
 *     epoch = CLOCK_TAI ns / interval (0: never written), meta the TAI
 *     time of the write (last value), the count (avg) or 1 (min, max) */

/* A value inside a record. Arguments are 8-byte aligned from offset 8
 * (after the header); integers are widened to 8 bytes (size 8, sign per
 * type->is_signed); strings take their type->size; pointers and other
 * scalar kinds (ksym, usym, username...) 8 bytes; tuples their size. */

/* kaddr("sym") symbols a program may name: resolved when it is run
 * (not compiled), so that an object compiled elsewhere stays valid. */
#define ET_MAX_KADDR 16

/* A u32 in .rodata (libbpf's read-only global data) that the runtime
 * sets before loading: -p PID (0: every process). Kernel-side programs
 * return at once for other processes. */
#define ET_FILTER_PID_VAR "et_filter_pid"

/* --container, --cgroup (runtime/run_cgroup.c): a u32 in .rodata, the
 * cgroup levels (bit L: level L, 1 for /system.slice) of the allowed
 * cgroups in ET_CGROUP_FILTER_MAP (hash: u64 cgroup id -> u8 1); 0:
 * every cgroup. A kernel-side program returns at once unless the
 * current task's cgroup or an ancestor at one of those levels is
 * allowed (bpf_get_current_ancestor_cgroup_id). */
#define ET_FILTER_CGLEVELS_VAR "et_filter_cglevels"
#define ET_CGROUP_FILTER_MAP "et_cgroup_filter"
#define ET_CGROUP_FILTER_MAX 64
#define ET_CGROUP_LEVELS 32

/* u64s in .rodata the runtime sets before loading: the device and inode
 * of its own PID namespace (/proc/self/ns/pid), for pid(curr_ns). */
#define ET_PIDNS_DEV_VAR "et_pidns_dev"
#define ET_PIDNS_INO_VAR "et_pidns_ino"
/* A u32 in .rodata the runtime sets before loading: the number of
 * possible CPUs, the bound of the loop that totals a per-CPU
 * aggregation read as an integer ((int64)@count), known to the verifier
 * as a constant. */
#define ET_NCPUS_VAR "et_ncpus"

/* Global state the runtime writes before attaching. */
struct et_state {
	uint64_t start_ns;   /* bpf_ktime_get_ns() base of `elapsed` */
	uint32_t filter_pid; /* unused (-p: ET_FILTER_PID_VAR) */
	uint32_t child_pid;  /* -c CMD: cpid */
	uint64_t kaddr[ET_MAX_KADDR]; /* addresses of et_program.kaddr */
};

/* Span blocks (SPEC 3.3; compiler/codegen/cg_span.c, runtime/span.c,
 * bpf-helpers/span.c, which repeats this layout). Each span block has
 * an instance map (hash: its key -> struct et_span_rec and the
 * attributes) and a per-CPU scratch record; all share the per-thread
 * stack of open spans and the counters. */
/* LRU hash: tid, or for a begin in Go code 1 << 63 | pid << 32 | gkey
 * (the goroutine's stack) -> et_span_tstack */
#define ET_SPAN_TSTACK_MAP "et_span_ts"
#define ET_SPAN_CNT_MAP "et_span_cnt"    /* percpu array[ET_SPAN_CNT_N] */
enum {
	ET_SPAN_OVERFLOW,  /* begin refused: the instance map was full */
	ET_SPAN_UNMATCHED, /* end (or event) with no open instance */
	ET_SPAN_DROPPED_EVENTS, /* events beyond ET_SPAN_EVENTS */
	ET_SPAN_LOST,      /* completed spans the ring buffer refused */
	ET_SPAN_REBEGUN,   /* begin whose key had an open instance: the
			      open one is kept, the new begin counted */
	ET_SPAN_CNT_N
};
#define ET_SPAN_EVENTS 8   /* events kept per instance */
#define ET_SPAN_DEPTH 8    /* open spans per thread that nest */
/* An instance in the map and, at its end, its ring buffer record (the
 * action ACT_SPAN of its block): this header, then the attributes at
 * the offsets of the action's args. Ids are numbers: a span id prints
 * as %016llx, a trace id as trace_hi then trace_lo. */
struct et_span_rec {
	uint64_t action_id;
	uint64_t start_ns, end_ns;     /* bpf_ktime_get_ns (monotonic) */
	uint64_t trace_hi, trace_lo;
	uint64_t span_id, parent_id;   /* parent 0: a root span */
	uint64_t attr_set;             /* bit i: args[i] was set */
	uint32_t pid, tid;             /* of the begin probe */
	uint32_t nevents, dropped_events;
	uint8_t kind, status, flags, remote; /* et_span_kind, et_span_status,
						W3C flags, remote parent */
	uint32_t pad; /* BPF side: the goroutine of a begin
			 in Go code (goid + 1), else 0 */
	char comm[16];
	struct {
		uint64_t ns;           /* bpf_ktime_get_ns */
		uint64_t idx;          /* which event probe: its name */
	} events[ET_SPAN_EVENTS];
};
struct et_span_tstack {
	uint64_t depth;
	struct {
		uint64_t span_id, trace_hi, trace_lo, start_ns;
	} e[ET_SPAN_DEPTH];
};


/* HTTP/2 (h2_feed(conn, dir, buf, len), cg_proto.c and bpf-helpers/h2.c):
 * BPF walks the frames of each connection and direction across reads and
 * writes and sends what user space needs (runtime/h2.c) as ACT_H2 records
 * in wire order: the payloads of HEADERS, CONTINUATION, SETTINGS,
 * RST_STREAM and GOAWAY (the first 64 bytes) frames, split in pieces of at
 * most ET_H2_CAP bytes, and an empty record for a DATA frame that ends
 * its stream. Other payloads are skipped, never copied. */
#define ET_H2_STATE_MAP "et_h2_st"  /* LRU hash: et_h2_key -> et_h2_state */
/* percpu array[1]: one et_h2_rec, then the walk's variables (ET_H2_WALK
 * bytes) */
#define ET_H2_REC_MAP "et_h2_rec"
#define ET_H2_WALK 72
#define ET_H2_CAP 4096
#define ET_H2_CONNS 16384           /* the state map's entries */
#define ET_H2_STEPS 128             /* steps of the walk per call */
enum {
	ET_H2_K_FRAME, /* a piece of a frame's payload (or none) */
	ET_H2_K_START, /* a client preface: the connection (re)starts */
	ET_H2_K_LOST,  /* the walk gave up (more than ET_H2_STEPS steps in
			  one buffer, a failed read): the connection is
			  forgotten until its next preface */
};
struct et_h2_key {
	uint32_t tgid, dir; /* dir: 0 received, 1 sent */
	uint64_t conn;
};
struct et_h2_state {
	uint64_t skip;      /* payload bytes still to pass over */
	uint64_t ship;      /* payload bytes still to send */
	uint64_t after;     /* then to pass over */
	uint64_t seq;       /* records sent in this direction */
	uint32_t ship_off;  /* offset in the payload of the next piece */
	uint32_t frame_len;
	uint32_t stream;
	uint8_t type, flags, nhdr, pad;
	uint8_t hdr[24];    /* a frame header cut by the buffer's end */
};
struct et_h2_rec {
	uint64_t action_id;
	uint64_t conn;
	uint64_t ns;        /* bpf_ktime_get_ns */
	uint64_t seq;       /* per (conn, dir): a gap is a lost record */
	uint32_t tgid, tid;
	uint32_t stream, frame_len;
	uint32_t off, n;    /* these n bytes start at off in the payload */
	uint8_t dir, type, flags, kind;
	uint32_t pad;
	char comm[16];
	uint8_t bytes[ET_H2_CAP];
};
#define ET_H2_REC_HDR 80    /* offsetof(struct et_h2_rec, bytes) */

#endif
