/* gen.h: private to the code generator (codegen.c and the cg_*.c files
 * over the typed AST: expressions, statements, builtins and functions,
 * maps, actions, probe kinds): the state of one typed-AST-to-BPF
 * translation and the helpers its files share.
 *
 * Values in registers: expressions of scalar types (integers, pointers,
 * symbols, ...) are an i64; strings, buffers, tuples, records and arrays
 * are a pointer to stack memory laid out as their type says. */
#ifndef ETRACE_GEN_H
#define ETRACE_GEN_H

#include <stdbool.h>

#include "cg.h"
#include "compile.h"
#include "prog_meta.h"

/* A scratch variable of the program being built. */
struct usdt_notes;
struct usdt_probe;

struct gen_var {
	const char *name;
	/* the declaration (type pass): variables of one name in sibling
	 * blocks are different variables */
	const struct var_info *decl;
	struct type *type;
	LLVMValueRef slot;
	struct gen_var *next;
};

struct gen {
	struct compile_ctx *ctx;
	struct cg *cg;
	LLVMBuilderRef b;
	struct prog_meta *prog;
	LLVMValueRef *maps;             /* map globals by map id */
	LLVMValueRef ringbuf, lost, state;
	LLVMValueRef filter_pid;        /* ET_FILTER_PID_VAR, once used */
	int cap_actions;
	int nprog;                      /* programs emitted so far */

	/* the program being built */
	struct probe_meta *ep;
	struct node *probe;
	struct attach_point *ap;
	enum probe_kind kind;
	const char *probe_name;         /* "tracepoint:syscalls:sys_enter_x" */
	/* this program's own args record: gen_args_rec() */
	struct type *args_rec;
	const char *args_target;        /* the wildcard match, or NULL */
	bool args_known;
	struct gen_var *vars;
	LLVMBasicBlockRef brk, cont;    /* innermost while loop */
	/* latency block at the return: the entry's saved {start, args}
	 * (a pointer to the map value) */
	LLVMValueRef lat_saved;
	/* inside a for loop's callback: the probe context, loaded from the
	 * loop's context (gen_probe_ctx) */
	LLVMValueRef ctx_ptr;
	/* inside a for loop's callback: the loop's u64 stop flag, set by
	 * exit() so that the probe returns once the iteration stops */
	LLVMValueRef for_stop;
	/* which program of its target this is (a usdt probe makes one per
	 * note): 0... (cg_probe.h) */
	size_t prog_index;
	/* usdt: the notes of the last binary read, this program's note */
	struct usdt_notes *usdt;
	const char *usdt_path;
	const struct usdt_probe *usdt_probe;
	/* a user probe reading user strings: sleepable (uprobe.s/), so
	 * that a page not yet touched is faulted in (cg_helper.c) */
	bool sleepable;
	/* stack buffers made by gen_tmp, ended after their statement so
	 * that LLVM can share the 512 bytes of BPF stack between them */
	LLVMValueRef *temps;
	int ntemps, cap_temps;
	/* the unwinder's maps array (cg_misc.c uw_maps) and its function */
	LLVMValueRef uw_maps_fn, uw_maps_arr;
	/* the probe whose ustacks were counted (cg_misc.c rt_frames_ok),
	 * and whether they may walk runtimes' frames */
	const struct node *rt_probe;
	bool rt_ok;
	int errors;
	/* protocol function calls made: their result slots (cg_proto.c) */
	unsigned proto_calls;
	/* the nodes last given to gen_loc, and the statement among them:
	 * where a helper called from here is in the script (-k) */
	const struct node *at, *at_stmt;
	int helper_checks;              /* -k: 1, -kk: 2 (cg_kcheck.c) */
	/* kernel records' debug info types (cg_kstruct.c), once used */
	struct kstruct *kstruct;
	bool count_drops;               /* cg_drops.c (off: tests) */
	/* ET_GATE_MAP, ET_GATE_ST_MAP, ET_SAMPLE_MAP: placeholder globals
	 * until gen_gate_finish; sample() call sites made (cg_gate.c) */
	LLVMValueRef gate, gate_st, sample;
	uint32_t nsample;
	/* ET_DROPS_MAP: a placeholder global until gen_drops_finish */
	LLVMValueRef drops;
	int cap_drops;
	/* span blocks (cg_span.c): the record span.* reads and writes (the
	 * scratch record in begin, the instance in end) and, in end, the
	 * key buffer */
	LLVMValueRef span_ptr, span_key;
	/* the blocks that count a loss: moved out of line at the end */
	LLVMBasicBlockRef *cold;
	int ncold, cap_cold;
};

/* Reports an error at loc (the script) and counts it. */
void gen_error(struct gen *g, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* ELF section of a program of kind for attach point ap (t: the
 * concrete target of a wildcard, or NULL): the provider's section, with
 * g->sleepable. */
const char *gen_section(struct gen *g, enum probe_kind kind,
			struct attach_point *ap, const char *t);
/* The -p PID check at the start of a kernel-side program. */
/* The args record of the program being built (tracefs format of a
 * tracepoint, BTF prototype of fentry/fexit), or NULL; looked up on first
 * use: reading a tracepoint's format waits for the kernel's event_mutex,
 * held for ~40 ms while any tracepoint perf event is being destroyed. */
struct type *gen_args_rec(struct gen *g);
void gen_pid_filter(struct gen *g);
/* --container, --cgroup: return unless the task's cgroup is allowed
 * (cg_cgfilter.c); gen_pid_filter calls it */
void gen_cgroup_filter(struct gen *g);
/* Predicate and block of g->probe, then the end of the open program;
 * errors: g->errors before the program began. */
int gen_body(struct gen *g, int errors);
/* A program of probe for ap's target t (or ap's own) whose body the
 * caller generates, a provider's companion (cg_probe.after): begun,
 * with the -p check; NULL after gen_error. gen_end_program ends it
 * (return 0): 0, or -EINVAL after gen_error. */
struct probe_meta *gen_begin_program(struct gen *g, struct node *probe,
				     struct attach_point *ap, const char *t);
int gen_end_program(struct gen *g);
/* A latency probe (SPEC 3.2): the entry program saves the time and the
 * arguments per thread, the return program runs the block (cg_lat.c). */
int gen_latency(struct gen *g, struct probe_meta *ep, const char *t);
/* arg n (0-based) saved at the entry of a latency probe; kprobes and
 * uprobes have 6 register arguments (Go functions 9, and a stack
 * word: cg_go.c), and keep the function's address (func) in the last
 * slot */
#define LAT_ARGS 11
#define LAT_FUNC_SLOT 10
/* In the return program of a latency probe (g->lat_saved set). */
LLVMValueRef gen_lat_elapsed(struct gen *g);
LLVMValueRef gen_lat_arg(struct gen *g, unsigned i);
/* cg_set_loc at the start of node n (for the verifier's log). */
void gen_loc(struct gen *g, const struct node *n);

/* ---- types and memory (cg_expr.c) ---- */
bool gen_is_scalar(const struct type *t);
/* Bytes of a value of t stored in a map or record: 8 for scalars. */
uint32_t gen_size(const struct type *t);
/* A zeroed stack buffer of size bytes (at least 8, 8-aligned), alive
 * until the end of the statement being generated. */
LLVMValueRef gen_tmp(struct gen *g, uint32_t size, const char *name);
/* gen_tmp not zeroed: for a buffer a helper fills whole before any
 * read (the verifier rejects reading stack bytes never written). */
LLVMValueRef gen_tmp_raw(struct gen *g, uint32_t size, const char *name);
/* Whether e is the builtin comm and fits a string of type dt: then it
 * can be read straight into its destination, bpf_get_current_comm(dst,
 * e->type->size), which pads with NULs (no stack copy). */
bool gen_is_comm(const struct node *e, const struct type *dt);
/* A zeroed string slot of size bytes (at most 512) in the protocol
 * functions' per-CPU map, alive for the statement (cg_proto.c): for
 * results too big for the BPF stack. */
LLVMValueRef gen_proto_slot(struct gen *g, uint32_t size);
/* A new basic block in the current function. */
LLVMBasicBlockRef gen_block(struct gen *g, const char *name);
/* Truncates/extends the i64 v to what an integer of type t holds. */
LLVMValueRef gen_int_norm(struct gen *g, LLVMValueRef v, const struct type *t);
/* Converts value v of type vt and stores it at dst as type dt. With
 * widen, a top-level integer takes 8 bytes (maps, records). */
void gen_store(struct gen *g, LLVMValueRef dst, const struct type *dt,
	       bool widen, LLVMValueRef v, const struct type *vt);
/* The value of type t stored at p (as gen_store wrote it): scalars are
 * loaded; for memory types p itself is the value (not copied). */
LLVMValueRef gen_load(struct gen *g, LLVMValueRef p, const struct type *t,
		      bool widened);
/* gen_store and gen_load at an address known to be align-aligned (a
 * power of two up to 8), so that scalars and copies take whole words
 * instead of bytes: map values (bpf_map_lookup_elem returns them
 * 8-aligned), ring buffer records, our own buffers (gen_tmp). Plain
 * gen_store and gen_load assume align 1: keys and records may be
 * packed. */
void gen_store_al(struct gen *g, LLVMValueRef dst, unsigned align,
		  const struct type *dt, bool widen, LLVMValueRef v,
		  const struct type *vt);
LLVMValueRef gen_load_al(struct gen *g, LLVMValueRef p, unsigned align,
			 const struct type *t, bool widened);
/* The alignment of p + off when p is align-aligned. */
unsigned gen_align_at(unsigned align, uint32_t off);
/* The alignment of map values, ring buffer records and gen_tmp
 * buffers. */
#define GEN_ALIGN 8
#define GEN_STACK_MAX 512 /* bytes of BPF stack a program has */
LLVMValueRef gen_expr(struct gen *g, struct node *e);
/* A string constant in a zeroed stack buffer of size bytes. */
LLVMValueRef gen_string(struct gen *g, const char *s, uint32_t len,
			uint32_t size);

/* ---- operators (cg_ops.c) ---- */
LLVMValueRef gen_binop(struct gen *g, struct node *e);
/* n elements of the pointer type ptr, in bytes (pointer arithmetic). */
LLVMValueRef gen_ptr_step(struct gen *g, const struct type *ptr,
			  LLVMValueRef n);
LLVMValueRef gen_unop(struct gen *g, struct node *e);
LLVMValueRef gen_ternary(struct gen *g, struct node *e);
/* l op r on i64 values; sign: arithmetic right shift. Division and
 * modulo are unsigned (BPF v3 has no signed division). */
LLVMValueRef gen_arith(struct gen *g, enum binop op, bool sign,
		       LLVMValueRef l, LLVMValueRef r);
/* e as a truth value (i1). */
LLVMValueRef gen_cond(struct gen *g, struct node *e);
/* The address (i64) of the memory an lvalue-like expression denotes:
 * a deref, a field or index through a pointer. NULL when e has none. */
LLVMValueRef gen_addr(struct gen *g, struct node *e, enum cg_space *sp);
/* The value *x of the deref e (-kk reports a failed read at e). */
LLVMValueRef gen_deref(struct gen *g, struct node *e);
/* *p of a struct or an array (e) read straight into dst, which holds
 * its size: true, or false when e is no such read (nothing emitted). */
bool gen_read_into(struct gen *g, LLVMValueRef dst, struct node *e);
/* Reads size bytes at the address addr in space sp into a new buffer. */
LLVMValueRef gen_read(struct gen *g, LLVMValueRef addr, uint32_t size,
		      enum cg_space sp);
/* Where memory a value of type t points to lives: its address space, or
 * for plain integers the probe's (user for uprobes, else kernel). */
enum cg_space gen_space(struct gen *g, const struct type *t);

/* ---- statements (cg_stmt.c) ---- */
void gen_block_stmts(struct gen *g, struct node *block);
/* The stack buffers gen_tmp made since mark (an earlier g->ntemps) are
 * dead from here on. */
void gen_end_temps(struct gen *g, int mark);
/* Ends the current block with "return 0" and continues in a new,
 * unreachable one (after exit()). */
void gen_return_now(struct gen *g);
/* The stack slot of the variable an N_VAR names (made, zeroed, at the
 * first use); t: its type when the type pass left the declaration's
 * unknown. */
struct gen_var *gen_var_get(struct gen *g, const struct node *var,
			    struct type *t);
/* Keeps the stack slot an alloca from being split into registers (and
 * spilled) by the optimizer; emitted in the entry block. */
void gen_pin(struct gen *g, LLVMValueRef slot);

/* ---- builtins (cg_builtin.c) and functions (cg_call.c) ---- */
LLVMValueRef gen_builtin(struct gen *g, struct node *e);
/* The u64 (bits 64) or u32 at offset of struct et_state (0 when the
 * lookup fails). */
LLVMValueRef gen_state_field(struct gen *g, unsigned offset, unsigned bits);

/* The back end's half of a function row: its code generator, one per
 * line of compiler/funcs.def, named cg_func_<ID>. */
struct cg_func {
	/* the call: its value, or NULL for a statement */
	LLVMValueRef (*call)(struct gen *g, struct node *call);
	/* an aggregation (FN_AGG): @m[k] = call */
	void (*agg)(struct gen *g, struct node *m, struct node *call);
};
/* A call through its row's generator (0 for a statement). */
LLVMValueRef gen_call(struct gen *g, struct node *e);
/* @m[k] = call, call an aggregation, through its row's generator. */
void gen_agg_call(struct gen *g, struct node *m, struct node *call);
/* min(n + add, cap) as an i32 (cap when n is NULL), for helper sizes
 * (cg_func.c). */
LLVMValueRef gen_bounded_len(struct gen *g, struct node *n, unsigned add,
			     uint32_t cap);

/* ---- probe contexts (cg_probe.c) ---- */
/* Field f of the probe context (args->f), as the probe's kind reads it. */
LLVMValueRef gen_ctx_field(struct gen *g, struct node *e);

/* ---- maps and aggregations (cg_agg.c) ---- */
/* Key buffer of map node m (an N_MAP); with bucket, a u64 is appended. */
LLVMValueRef gen_map_key(struct gen *g, struct node *m, LLVMValueRef bucket);
/* Can a value of type have, on the stack, serve as the size bytes of a
 * map's key or value of type want without a copy? */
bool gen_bytes_as_is(const struct type *want, const struct type *have,
		     uint32_t size);
LLVMValueRef gen_map_read(struct gen *g, struct node *m);
void gen_map_write(struct gen *g, struct node *m, LLVMValueRef v,
		   const struct type *vt);
const struct map_meta *gen_map(struct gen *g, const struct node *m);
void gen_define_maps(struct gen *g);

/* ---- for loops (cg_for.c) ---- */
/* The probe's context pointer (also inside a for loop's callback). */
LLVMValueRef gen_probe_ctx(struct gen *g);
void gen_for(struct gen *g, struct node *s);

/* ---- ring buffer actions (cg_action.c) ---- */
struct action_meta *gen_new_action(struct gen *g, enum et_action_kind k,
				 struct loc loc);
/* A warnf() record of fmt, whose one conversion takes the integer v,
 * reported at the node at: the warnings bpftrace's standard library
 * gives (comm(pid) of no task). */
void gen_warnf_int(struct gen *g, struct node *at, const char *fmt,
		   LLVMValueRef v);
/* et_lost[counter]++ on this CPU (ET_LOST_RECORDS: a record the ring
 * buffer refused; ET_LOST_LATENCY: a latency return with no entry). */
void gen_count_lost(struct gen *g, unsigned counter);

/* ---- kernel struct fields as CO-RE relocations (cg_kstruct.c) ---- */
/* The address (i64) of the field access or constant index e through a
 * record of kernel BTF, patched by libbpf at load to the running
 * kernel's layout; *sp says where it points. NULL (nothing generated)
 * when e is not such an access, or is a bitfield: gen_addr then adds
 * the offsets compiled in. */
LLVMValueRef gen_kaddr(struct gen *g, struct node *e, enum cg_space *sp);
/* The value (i64) of the bitfield access e, its storage, size and shifts
 * relocated; NULL (nothing generated) when e is not relocatable. */
LLVMValueRef gen_kbitfield(struct gen *g, struct node *e);
/* The kernel variable name (a VAR of the kernel's BTF) as an extern of
 * section .ksyms typed as the kernel types it (a typed ksym: libbpf
 * gives the load its BTF id, and the verifier a per-CPU one's pointer
 * to bpf_per_cpu_ptr); once per module. NULL (reported) when the BTF
 * has no such variable. */
LLVMValueRef gen_ksym_var(struct gen *g, const char *name);
/* Completes the debug info types of the records used: after the last
 * probe, before cg_verify. */
void gen_kstruct_finish(struct gen *g);

/* ---- drops and -k helper error checks (cg_drops.c, cg_kcheck.c) ---- */
/* Installs the helper hook of cg_drops.c: a failed map update, lost
 * stack id, failed read or truncated str() is counted in ET_DROPS_MAP
 * (in the branch of the failure: nothing added where the call
 * succeeds); with -k (level 1: helpers whose failure the script cannot
 * see: map updates and deletes, get_stackid, get_current_comm,
 * send_signal; 2: also reads, probe_read*, which leave zeros) the
 * branch also sends an ACT_HELPER_ERROR record naming it and g->at.
 * drops false: nothing counted (to measure what counting adds). */
void gen_helper_checks(struct gen *g, int level, bool drops);
/* Defines ET_DROPS_MAP with a slot per g->prog->drops, once every
 * program is built. 0 or -errno after gen_error. */
int gen_drops_finish(struct gen *g);
/* The slot counting d in ET_DROPS_MAP (added on first use), and
 * et_drops[slot]++ on this CPU (cg_drops.c). */
uint32_t gen_drop_slot(struct gen *g, const struct et_drop *d);
void gen_drop_count(struct gen *g, uint32_t slot);
/* The probe's gates: before its predicate, the overhead guard's
 * divisor (config max_overhead); after it, its rate limit (config
 * rate_limit, rate_limit(N)). And the load maps once every program is
 * built, before gen_drops_finish (cg_gate.c). */
void gen_gate(struct gen *g, bool after_pred);
int gen_gate_finish(struct gen *g);
/* map[idx]++ (a per-CPU array of u64; idx an i32), atomically. */
void gen_count_at(struct gen *g, LLVMValueRef map, LLVMValueRef idx);
/* r (the CFI unwinder's result) < 0: counted as bpf_get_stackid's
 * failures in the stack map map are (a full map, a collision). */
void gen_stack_fail(struct gen *g, LLVMValueRef map, LLVMValueRef r);
/* Whether map is one of the script's maps (not one of our own). */
bool gen_user_map(struct gen *g, LLVMValueRef map);
/* The name of helper id when -k checks this call of it, else NULL. */
const char *gen_kcheck_helper(struct gen *g, enum bpf_func_id id,
			      LLVMValueRef *args, unsigned n);
/* The -k record for a failed call of helper name (result r). */
void gen_kcheck_report(struct gen *g, enum bpf_func_id id, const char *name,
		       LLVMValueRef r);
/* Where a call of helper id is in the script: the node code is being
 * generated for (g->at); for delete(@m[k]) the whole call. */
struct loc gen_helper_loc(struct gen *g, enum bpf_func_id id);
/* "probe_read_user" for a read helper, else NULL. */
const char *gen_read_name(enum bpf_func_id id);
/* Level 2: p, the result of a lookup of one of the script's maps where
 * the script reads or aggregates it, is reported when NULL (as 0, with
 * the helper map_lookup_elem) at g->at. Adds nothing below level 2. */
void gen_check_lookup(struct gen *g, LLVMValueRef p);

/* ---- stacks, addresses (cg_misc.c) ---- */
/* kstack/ustack of type t: the u64 of program.h. */
LLVMValueRef gen_stack(struct gen *g, const struct type *t);
/* pyfunc, pyfile, pyline (what: rt_frames.h ET_PY_TOP_*) */
LLVMValueRef gen_pytop(struct gen *g, int what, const struct type *t);
/* {address, tgid}: an address user space symbolizes in the process. */
LLVMValueRef gen_usym(struct gen *g, LLVMValueRef addr);

#endif
