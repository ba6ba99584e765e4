/* A compiled program as the runtime runs it: the BPF ELF object and the
 * metadata that keeps formats and types in user space (SPEC §6): which BPF
 * program serves which attach point, how each map is laid out, what each
 * ring buffer action record holds, and the script's text for messages.
 * The runtime gets one only by reading an artifact (runtime/artifact.h),
 * whether the compiler just wrote it, the object cache kept it, or a file
 * brought it from another machine; it never sees the AST.
 *
 * Ownership: everything lives in the program's arena;
 * et_program__free releases it whole. */
#ifndef ETRACE_PROGRAM_H
#define ETRACE_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "arena.h"
#include "diag.h"
#include "etype.h"
#include "printf_fmt.h"
#include "probe_kind.h"

/* A tracepoint's args field a program reads and the layout it was
 * compiled for: checked against the running kernel's format before
 * loading. */
struct et_tp_field {
	const char *name;
	uint32_t offset;
	uint32_t size;
	struct loc loc;               /* first use in the script */
};

/* A kernel struct field a program reads through a CO-RE relocation,
 * which libbpf resolves at load against the running kernel's BTF; when
 * it cannot, runtime/core_reloc.c names the field and this place. type
 * and access spell the relocation as libbpf's messages do: "struct
 * file" and "f_path.dentry" (anonymous members left out, constant array
 * indexes as "[2]"). */
struct et_core_field {
	const char *type;
	const char *access;
	struct loc loc;               /* the access in the script */
};

/* One BPF program: one attach point of a probe (a wildcard attach point
 * is one program; the runtime expands it). */
struct et_probe {
	enum probe_kind kind;
	const char *prog_name;        /* function name in the object */
	/* ELF section (libbpf conventions); see compiler/prog_meta.h */
	const char *section;
	/* The concrete target this program serves ("syscalls:sys_enter_
	 * openat", a function), or NULL where the attach point says it all. */
	const char *attach_target;
	/* The block runs at the return of the call (SPEC §3.2): ret_prog_name
	 * is attached as the matching return probe. */
	bool at_return;
	const char *ret_prog_name;
	/* Not attached at the start: a watchpoint on a function's argument,
	 * which an ACT_WATCHPOINT record arms while the program runs. */
	bool deferred;
	/* The attach point, as written and where (for messages), and as
	 * parsed (compiler/probe.h, struct attach_point, says which fields
	 * each kind uses). */
	const char *raw;
	struct loc loc;
	const char *target;
	const char *ns;
	const char *func;
	const char *mode;
	uint64_t offset;
	uint64_t address;
	uint64_t freq;
	bool has_offset;
	bool has_address;
	bool wildcard;
	/* what the wildcard matched when compiled */
	const char **matches;
	int nmatches;
	/* usdt: the note's uprobe file offset and semaphore offset (0: none) */
	uint64_t usdt_offset;
	uint64_t usdt_sema_offset;
	/* tracepoint: the args fields the program reads */
	struct et_tp_field *tp_fields;
	int ntp_fields;
	/* the kernel struct fields it reads relocatably */
	struct et_core_field *core_fields;
	int ncore_fields;
	/* A Go function's return (compiler/codegen/cg_go.c): the offsets
	 * from the function's start of its RET instructions; the return
	 * program (the uretprobe's own, or ret_prog_name of a latency
	 * block) is a uprobe at each, never a uretprobe, which corrupts
	 * Go's moving stacks. Its bpf cookie is the offset. */
	uint64_t *go_rets;
	int ngo_rets;
	/* A Go function's entry probe (no offset written): the offset past
	 * its stack check, where it attaches. A function whose stack must
	 * grow runs its prologue twice (morestack jumps back to its start);
	 * past the check, once. Its arguments are still in their registers
	 * and sp where the entry had it. */
	uint64_t go_entry;
};

/* How a map is stored in BPF. Scalar maps (no key) use key 0 (u32).
 * The code generator uses hashes only, max_entries 1 for a scalar map:
 * a map never written then has no entry, and bpftrace 0.17 does not print
 * it; the ARRAY kinds stay for other producers. */
enum et_map_storage {
	MS_HASH,          /* plain values: BPF_MAP_TYPE_HASH */
	MS_PERCPU_HASH,   /* aggregations: summed in user space */
	MS_ARRAY,         /* plain scalar map */
	MS_PERCPU_ARRAY,  /* scalar aggregation */
	/* declared let @m = lruhash(N) / percpulruhash(N): full maps evict
	 * (about) the least recently used element instead of refusing */
	MS_LRU_HASH,
	MS_LRU_PERCPU_HASH,
	MS_COUNT
};

struct et_map {
	int id;                       /* index in et_program.maps */
	const char *name;             /* "@x", "@" */
	const char *bpf_name;         /* object map name */
	const struct et_type *key;    /* NULL: no key; several: a tuple */
	const struct et_type *value;
	enum et_map_storage storage;
	uint32_t key_size;            /* bytes of the BPF key */
	uint32_t value_size;          /* bytes of one (per-CPU) value */
	uint32_t max_entries;
	/* hist/lhist: the BPF key is the user key followed by a u64 bucket
	 * index; value { u64 count; s64 sum; } (the sum of the values
	 * counted in that bucket; value_size 8: a count only, an artifact
	 * of an etrace before the sums). */
	bool bucketed;
	bool declared;                /* let @m = kind(max_entries); */
};

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
	/* Never a record: holds the format (fmt_str) of a strftime() value,
	 * which is {u64 this action's id, u64 ns since boot
	 * (bpf_ktime_get_ns, CLOCK_MONOTONIC)}. */
	ACT_STRFTIME,
	/* -k: struct et_rec_helper_error, sent when the BPF helper named by
	 * the action's helper failed at the action's loc; user space prints
	 * a warning there. */
	ACT_HELPER_ERROR,
	/* A watchpoint's uprobe met its function: three u64 arguments,
	 * the index of the (deferred) watchpoint probe, the address to
	 * watch and the pid_tgid of the thread; the thread's process is
	 * stopped (SIGSTOP) until the watchpoint is armed, but for an
	 * asyncwatchpoint. */
	ACT_WATCHPOINT,
	/* unwatch(addr): one u64 argument, the address whose watchpoints
	 * go. */
	ACT_UNWATCH,
	/* errorf(), warnf(): args per fmt; the text is printed on stderr as
	 * an error or a warning at the call in the script. */
	ACT_ERRORF,
	ACT_WARNF,
	/* A completed span of a span block (struct et_span_rec, then the
	 * attributes: args[i], set when bit i of attr_set is). fmt_str
	 * describes the block, one item a line: "name NAME", "map BPF_NAME"
	 * (its instance map), "timeout NS", then "attr NAME" per arg and
	 * "event NAME" per event probe, in order (runtime/span.c). */
	ACT_SPAN,
	/* h2_feed(): a piece of an HTTP/2 connection (abi.h struct
	 * et_h2_rec, n bytes after its header), decoded by runtime/h2.c */
	ACT_H2,
	ACT_KIND_COUNT
};

/* A value inside a record (layout: abi.h). */
struct et_arg {
	const struct et_type *type;
	uint32_t offset;              /* from the start of the record */
	uint32_t size;
};

struct et_action {
	uint32_t id;                  /* record tag == index */
	enum et_action_kind kind;
	struct loc loc;               /* the call in the script */
	const char *fmt_str;          /* printf/system/cat/time/join delim */
	struct fmt fmt;               /* fmt_str parsed (printf-like kinds) */
	struct et_arg *args;
	int nargs;
	uint32_t rec_size;
	int map_id;                   /* print/clear/zero: which map */
	const char *helper;           /* ACT_HELPER_ERROR: "map_update_elem" */
};

/* Why a BPF program lost something (SPEC §7). Each cause is counted in
 * BPF, on the failure path only, in one slot of ET_DROPS_MAP per
 * (cause, map) or (cause, place in the script): struct et_drop. */
enum et_drop_cause {
	DROP_MAP_FULL,        /* map update: -E2BIG, max_entries reached */
	DROP_MAP_NOMEM,       /* map update: -ENOMEM */
	DROP_MAP_FAILED,      /* map update: any other error */
	DROP_STACK_FULL,      /* get_stackid: -ENOMEM, no free stack entry */
	DROP_STACK_COLLISION, /* get_stackid: -EEXIST, another stack there */
	DROP_READ,            /* probe_read*: failed; the value reads 0 */
	DROP_STR_TRUNC,       /* str(): longer than strlen; cut there */
	DROP_LOOP,            /* for ($i : a..b): bpf_loop refused the range
				 (more than limit iterations): not run */
	/* Load management (compiler/codegen/cg_gate.c): events of probe
	 * that its rate limit (limit events/s) or the overhead guard's
	 * sampling divisor (runtime/loadguard.h) kept from running */
	DROP_RATE_LIMIT,
	DROP_SHED,
	DROP_CAUSE_COUNT
};

struct et_drop {
	enum et_drop_cause cause;
	int map_id;           /* DROP_MAP_*: the script's map, else -1 */
	/* DROP_STACK_*: "kstack" or "ustack"; DROP_READ: the helper */
	const char *what;
	struct loc loc;       /* DROP_READ, DROP_STR_TRUNC: the call */
	/* DROP_MAP_FULL: max_entries; DROP_STACK_*: the stack map's
	 * entries; DROP_STR_TRUNC: the bytes kept (strlen);
	 * DROP_RATE_LIMIT: events per second */
	uint32_t limit;
	/* DROP_RATE_LIMIT, DROP_SHED: the et_probe whose program counts it
	 * (its slot is also its key in ET_GATE_MAP and ET_GATE_ST_MAP),
	 * else -1 */
	int probe;
};

/* How symbols of user space are cached (config cache_user_symbols). */
enum et_usym_cache {
	USYM_CACHE_AUTO,        /* per program when ASLR is off or with -c,
				   else per process (bpftrace's default) */
	USYM_CACHE_PER_PID,     /* a process's mappings, read once */
	USYM_CACHE_PER_PROGRAM, /* one process's mappings for every process
				   of its executable (right without ASLR) */
	USYM_CACHE_NONE,        /* the mappings read at every lookup */
	USYM_CACHE_COUNT
};

/* The settings the runtime reads (config = { ... }, BPFTRACE_* and
 * ETRACE_* when the program was compiled; compiler/settings.c). */
struct et_settings {
	uint32_t max_probes;     /* attach points after expansion */
	uint32_t cat_bytes_max;  /* bytes cat() prints of a file */
	uint32_t log_size;       /* bytes of the verifier's log */
	bool no_cpp_demangle;    /* C++ symbols printed mangled */
	bool no_user_symbols;    /* user addresses printed as numbers */
	enum et_usym_cache cache_user_symbols;
	/* config print_maps_on_exit = false: the maps are not printed at
	 * exit */
	bool no_print_maps_on_exit;
	/* config missing_probes = warn / ignore: a probe that fails to
	 * attach is skipped, with a warning / silently (0: an error) */
	uint8_t missing_probes;
	/* config stack_lines: user stack frames with " (file:line)" */
	bool stack_lines;
	/* config flamegraph / folded: where the run writes, at exit, an SVG
	 * flame graph and the folded stacks of the maps keyed by stacks
	 * (NULL: nowhere; -f folded, --flamegraph, --folded) */
	const char *flamegraph;
	const char *folded;
	/* config metrics_addr: where the run serves Prometheus metrics,
	 * "[HOST]:PORT" (NULL: nowhere; --metrics-addr) */
	const char *metrics_addr;
	/* config otlp_endpoint (NULL: none; --otlp), otlp_protocol (0
	 * protobuf, 1 json), otlp_interval (set: given; 0: at exit only),
	 * otlp_queue (0: the default), service_name (NULL: each process's
	 * executable); runtime/otlp.h */
	const char *otlp_endpoint;
	uint8_t otlp_protocol;
	bool otlp_protocol_set; /* given: OTEL_EXPORTER_OTLP_PROTOCOL unread */
	/* config otlp_headers: "k=v,..." sent with every OTLP request
	 * (NULL: OTEL_EXPORTER_OTLP_HEADERS) */
	const char *otlp_headers;
	bool otlp_interval_set;
	uint32_t otlp_interval_ms;
	uint32_t otlp_queue;
	const char *service_name;
	/* config redact: the classes of runtime/redact.h applied to every
	 * string the program prints (0: none; redact() marks single
	 * values) */
	uint32_t redact;
	/* config max_overhead / --max-overhead: the overhead guard's
	 * budget in hundredths of a percent of the CPUs' time (0: none;
	 * runtime/loadguard.h) */
	uint32_t max_overhead;
};

/* et_settings.missing_probes */
enum { ET_MISSING_ERROR, ET_MISSING_WARN, ET_MISSING_IGNORE };

#define ET_DEFAULT_MAX_PROBES 512
#define ET_DEFAULT_CAT_BYTES_MAX 10240
#define ET_DEFAULT_LOG_SIZE 1000000
/* The kernel refuses a verifier log smaller than this. */
#define ET_MIN_LOG_SIZE 128

/* A named program option, getopt("name", default, "description"): set
 * on the command line after "--" as --name=value (runtime/options.c),
 * read by the program from the .rodata variable ET_OPTION_VAR<index>. */
enum et_option_kind {
	ET_OPT_BOOL,   /* --name, --name=true|false|1|0|on|off|yes|no */
	ET_OPT_UINT,   /* a non-negative integer default */
	ET_OPT_INT,    /* a negative integer default */
	ET_OPT_STRING, /* a string default; size: bytes with the NUL */
};

struct et_option {
	const char *name;
	const char *desc; /* "" when none */
	enum et_option_kind kind;
	uint64_t def;	     /* ET_OPT_BOOL/UINT/INT default (bits) */
	const char *def_str; /* ET_OPT_STRING default */
	uint32_t size;	     /* ET_OPT_STRING: the variable's bytes */
};

#define ET_OPTION_VAR "et_option_"

struct et_program {
	struct arena *arena;          /* owns everything below but obj */
	const void *obj;              /* BPF ELF image (in the artifact) */
	size_t obj_len;
	struct source src;            /* the script, for messages */
	const char *compiler;         /* "etrace 0.1.0" that compiled it */
	const char *kernel;           /* uname -r where it was compiled */
	struct et_probe *probes;
	int nprobes;
	struct et_map *maps;          /* index == map id */
	int nmaps;
	struct et_action *actions;    /* index == action id */
	int nactions;
	uint32_t ringbuf_size;        /* bytes, power of two */
	bool needs_kallsyms;          /* kstack/ksym used */
	bool needs_usyms;             /* ustack/usym/func (T_USYM) used */
	bool needs_containers;        /* container, pod... (container.h) */
	/* ustack unwound with CFI tables (abi.h ET_UW_*): the runtime
	 * loads them for the traced processes (runtime/unwind.h) */
	bool needs_unwind;
	bool needs_child;             /* cpid used: needs -c CMD */
	bool needs_unsafe;            /* system(), signal(): needs --unsafe */
	/* kaddr() symbols, in et_state.kaddr order; the runtime resolves
	 * them from /proc/kallsyms before attaching. */
	const char *kaddr[ET_MAX_KADDR];
	struct loc kaddr_loc[ET_MAX_KADDR];
	int nkaddr;
	/* The positional parameters compiled into the program ($1..$N). */
	const char **params;
	int nparams;
	/* Named options (getopt), in ET_OPTION_VAR index order. */
	struct et_option *options;
	int noptions;
	/* What the program counts in ET_DROPS_MAP (index == slot). */
	struct et_drop *drops;
	int ndrops;
	struct et_settings settings;
};

/* The name of an action kind or map storage in an artifact, and back
 * (ACT_KIND_COUNT / MS_COUNT when unknown). */
const char *et_action_kind_name(enum et_action_kind k);
enum et_action_kind et_action_kind_find(const char *name);
const char *et_map_storage_name(enum et_map_storage s);
enum et_map_storage et_map_storage_find(const char *name);

const char *et_drop_cause_name(enum et_drop_cause c);
enum et_drop_cause et_drop_cause_find(const char *name);
const char *et_usym_cache_name(enum et_usym_cache c);
enum et_usym_cache et_usym_cache_find(const char *name);
/* bpftrace's defaults. */
void et_settings_default(struct et_settings *s);

/* Releases the arena (and with it everything); NULL is a no-op. */
void et_program__free(struct et_program *p);

#endif
