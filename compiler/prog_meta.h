/* What the code generator learns about a program besides its BPF code:
 * which BPF program serves which attach point, how each map is laid out,
 * what each ring buffer action record holds, with the compiler's own
 * types and links into the AST. compiler/artifact_out.c turns it into the
 * runtime's program (runtime/program.h) and the artifact the runtime
 * loads; the enums and the BPF-side layouts are the runtime's
 * (runtime/program.h, runtime/abi.h).
 *
 * Ownership: everything hangs off the compile context's arena except
 * obj, which is malloc'ed and freed by prog_meta_free. */
#ifndef ETRACE_PROG_META_H
#define ETRACE_PROG_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "compile.h"
#include "printf_fmt.h"
#include "probe.h"
#include "program.h" /* enum et_action_kind, enum et_map_storage */

/* A tracepoint's args field a program reads, with the layout it was
 * compiled for: the runtime checks it against the running kernel. */
struct tp_field_meta {
	const char *name;
	uint32_t offset;
	uint32_t size;
	struct loc loc;               /* first use in the script */
	struct tp_field_meta *next;
};

/* A kernel struct field a program reads through a CO-RE relocation
 * (compiler/codegen/cg_kstruct.c): the runtime names it, and where the
 * script reads it, when the running kernel has no such field. */
struct core_field_meta {
	const char *type;             /* the relocation's root record: */
	const char *access;           /* "struct file", "f_path.dentry" */
	struct loc loc;               /* the access in the script */
	struct core_field_meta *next;
};

/* One BPF program: one attach point of a probe (a wildcard attach point
 * is one program; the runtime expands it). */
struct probe_meta {
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
	/* Attached at run time, not at the start: a watchpoint on a
	 * function's argument, armed by the uprobe that follows it (its
	 * ACT_WATCHPOINT record names this probe's index). */
	bool deferred;
	/* usdt: one program per note of the probe (a probe inlined at
	 * several places has one note each, and each may pass its arguments
	 * differently): the uprobe's file offset in the binary and the
	 * semaphore's (the uprobe's ref_ctr_offset; 0: none). */
	uint64_t usdt_offset;
	uint64_t usdt_sema_offset;
	/* tracepoint: the args fields the program reads (in use order) */
	struct tp_field_meta *tp_fields;
	/* the kernel struct fields it reads relocatably, once per place */
	struct core_field_meta *core_fields;
	/* a Go function's return: its RET offsets; its entry past the
	 * stack check (runtime/program.h) */
	uint64_t *go_rets;
	int ngo_rets;
	uint64_t go_entry;
	/* its function is Go code (not the C of a cgo binary): Go's ABI
	 * (compiler/codegen/cg_go.c) */
	bool go_code;
};

struct map_meta {
	int id;                       /* == map_info->id */
	const char *name;             /* "@x", "@" */
	const char *bpf_name;         /* object map name */
	const struct map_info *info;  /* types from the type pass */
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

/* A value inside a record (layout: runtime/abi.h). */
struct arg_meta {
	struct type *type;
	uint32_t offset;              /* from the start of the record */
	uint32_t size;
};

struct action_meta {
	uint32_t id;                  /* record tag */
	enum et_action_kind kind;
	struct loc loc;               /* the call in the script */
	const char *fmt_str;          /* printf/system/cat/time/join delim */
	struct fmt fmt;               /* parsed fmt_str (printf-like) */
	struct arg_meta *args;
	int nargs;
	uint32_t rec_size;
	int map_id;                   /* print/clear/zero: which map */
	const char *helper;           /* ACT_HELPER_ERROR: "map_update_elem" */
};

struct prog_meta {
	void *obj;                    /* BPF ELF image (malloc'ed) */
	size_t obj_len;
	struct probe_meta *probes;
	int nprobes;
	struct map_meta *maps;        /* index == map id */
	int nmaps;
	struct action_meta *actions;  /* index == action id */
	int nactions;
	uint32_t ringbuf_size;        /* bytes, power of two */
	bool needs_kallsyms;          /* kstack/ksym used */
	bool needs_usyms;             /* ustack/usym/func (T_USYM) used */
	bool needs_containers;        /* container, pod... (container.h) */
	/* ustack unwound with CFI tables (abi.h ET_UW_*): the runtime
	 * loads them for the traced processes */
	bool needs_unwind;
	bool needs_child;             /* cpid used: the run needs -c CMD */
	bool needs_unsafe;            /* system() or signal(): --unsafe */
	/* kaddr() symbols, in et_state.kaddr order; the runtime resolves
	 * them from /proc/kallsyms before attaching. */
	const char *kaddr[ET_MAX_KADDR];
	struct loc kaddr_loc[ET_MAX_KADDR];
	int nkaddr;
	/* what ET_DROPS_MAP counts (index == slot; runtime/program.h) */
	struct et_drop *drops;
	int ndrops;
};

void prog_meta_free(struct prog_meta *p);

#endif
