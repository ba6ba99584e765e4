/* cg_probe.h: the code generation half of each probe provider (the
 * compiler half is compiler/probe.h, the runtime half runtime/attach.h):
 * how the programs of a probe kind read the values of their context.
 * One struct cg_probe per kind of runtime/probes.def, named
 * cg_kind_<ID>, in the file of its context's layout:
 *   cg_probe_regs.c   pt_regs: kprobe kretprobe uprobe uretprobe
 *   cg_usdt.c         usdt: operands of the SystemTap notes
 *   cg_probe_btf.c    a u64 array: fentry fexit rawtracepoint
 *   cg_probe_tp.c     the tracefs record: tracepoint
 *   cg_probe_plain.c  nothing to read beyond the context itself: BEGIN
 *                     END profile interval software hardware iter
 *   cg_watch.c        watchpoint asyncwatchpoint: perf events too, and
 *                     the uprobes that arm them
 * A hook left NULL, or returning NULL, means the kind has no such value
 * (the type pass refuses it there): the caller reports it. */
#ifndef ETRACE_CG_PROBE_H
#define ETRACE_CG_PROBE_H

#include "gen.h"

struct cg_probe {
	/* argN (n below the provider's max_args), outside a latency
	 * block's return program (which reads the saved arguments) */
	LLVMValueRef (*arg)(struct gen *g, struct node *e, int n);
	/* sargN: the stack argument n of the function */
	LLVMValueRef (*sarg)(struct gen *g, int n);
	LLVMValueRef (*retval)(struct gen *g);
	/* func: the address of the probed function */
	LLVMValueRef (*func)(struct gen *g);
	/* args->field (e: the N_FIELD) */
	LLVMValueRef (*args_field)(struct gen *g, struct node *e);
	/* PF_ENTRY kinds: the u64 the entry program of a latency block
	 * saves in slot i (< LAT_ARGS) for the return program; NULL (or
	 * returning NULL): nothing */
	LLVMValueRef (*lat_save)(struct gen *g, unsigned i);
	/* the return program of a latency block reads argN from its own
	 * context, as arg() does (fentry: its fexit has them all) */
	bool lat_args_in_ctx;
	/* Optional: how many programs one target t (or ap's own) makes,
	 * g->prog_index telling each which it is; 0 after reporting why
	 * none. NULL: one. */
	size_t (*nprograms)(struct gen *g, struct attach_point *ap,
			    const char *t);
	/* Optional: before the program g->prog_index of target t is
	 * generated: its state in g, its metadata in ep. */
	void (*begin)(struct gen *g, struct probe_meta *ep,
		      struct attach_point *ap, const char *t);
	/* Optional: after the programs of target t, the programs that
	 * serve them (a watchpoint's uprobe that arms it). 0 or -EINVAL
	 * after gen_error. */
	int (*after)(struct gen *g, struct node *probe,
		     struct attach_point *ap, const char *t);
};

const struct cg_probe *cg_probe(enum probe_kind kind);

/* struct pt_regs on x86-64: the six argument registers (di si dx cx r8
 * r9), the return value (ax) and the instruction pointer */
extern const unsigned cg_regs_args[6];
#define CG_REGS_AX 80
#define CG_REGS_IP 128
#define CG_REGS_SP 152

/* The integer of size bytes at offset off of the probe's context,
 * extended to an i64; reloaded at each use (volatile): a value kept live
 * across a big block would be spilled, and the stack is 512 bytes. */
LLVMValueRef gen_ctx_load(struct gen *g, unsigned off, unsigned size,
			  bool sign);
/* The u64 at offset off of the probe's context, loaded once. */
LLVMValueRef gen_ctx_word(struct gen *g, unsigned off);
/* bpf_get_func_ip(ctx): the probed function of a kprobe or trampoline. */
LLVMValueRef gen_func_ip(struct gen *g);

/* Functions of Go binaries (cg_go.c; ap->go): argN and args.NAME by
 * Go's ABI, what a latency entry saves, goid, the (goid, depth in the
 * goroutine's stack) key of a latency block's saved entry (16 bytes at
 * key), func at a RET probe, and the begin hook that finds the RET
 * instructions of a return probe (probe_meta.go_rets). */
/* Is the program's function Go code (probe_meta.go_code)? */
bool cg_go_code(const struct gen *g);
LLVMValueRef cg_go_arg(struct gen *g, struct node *e, int n);
LLVMValueRef cg_go_args_field(struct gen *g, struct node *e);
LLVMValueRef cg_go_lat_save(struct gen *g, unsigned i);
LLVMValueRef cg_go_goid(struct gen *g, struct node *e);
void cg_go_lat_key(struct gen *g, LLVMValueRef key);
LLVMValueRef cg_go_ret_func(struct gen *g);
void cg_go_begin(struct gen *g, struct probe_meta *ep,
		 struct attach_point *ap, const char *t);
/* The offsets of the RET instructions in size bytes of x86-64 code
 * (LLVM's disassembler): their number (*out malloc'ed), or -1 with *why
 * when the code cannot be decoded. Exposed for tests. */
int cg_go_find_rets(const unsigned char *code, size_t size, uint64_t **out,
		    const char **why);
/* The offset past a Go function's stack check (CMP SP with g's stack
 * guard, then a conditional jump to the block that calls morestack and
 * jumps back to the start): a uprobe there runs once per call, not
 * again after the stack grew. 0 when there is none (NOSPLIT). */
uint64_t cg_go_entry_offset(const unsigned char *code, size_t size);
LLVMValueRef cg_go_entry_func(struct gen *g);

#endif
