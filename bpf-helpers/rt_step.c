/* The unwinder's one hook for managed runtimes (helpers.h,
 * et_global_rt_step): a frame no CFI walks, in a process with a JVM or
 * a V8, walked here with the runtime's walker (java.c, v8.c), both
 * inlined. A global BPF function: the verifier checks it once, with its
 * arguments as the only facts, so that the unwinder's bpf_loop callback
 * (unwind.c step), which it walks many times, holds one call and copies
 * the result, whatever the walkers do. CPython's frames are not per
 * native frame (python.c reads the thread's frame chain after the walk):
 * they have no part here. */
#include "helpers.h"
#include "../runtime/rt_frames.h"

typedef unsigned int et_u32;

/* as unwind.c's (runtime/abi.h MARK_*) */
#define MARK_TRUNC 0xffffffffffffff01ULL
#define MARK_FP 0xffffffffffffff02ULL
#define USER_END 0x800000000000ULL
#define STACK_NEAR (64ULL << 20)

static long (*const read_user)(void *dst, et_u32 size,
			       const void *src) = (void *)112;

/* a frame-pointer frame stepped to its caller's (unwind.c's rules) */
static __attribute__((always_inline)) et_s64 fp_step(struct et_rt_regs *r)
{
	et_u64 cfa, ra = 0, bp = r->bp;

	r->exact = 0;
	if (r->entry_top) {
		cfa = r->sp + 8;
	} else {
		if (!r->bp_known || !bp || bp < r->sp)
			return -1;
		/* nothing says rbp is a frame pointer here: the stack says
		 * so (a wrong frame is possible) */
		r->mark = MARK_FP;
		cfa = bp + 16;
		if (read_user(&bp, 8, (void *)(cfa - 16)))
			return -1;
	}
	if (read_user(&ra, 8, (void *)(cfa - 8)))
		return -1;
	/* not a return address: the stack ends, marked */
	if (ra >= USER_END || (ra >= cfa && ra - cfa < STACK_NEAR)) {
		if (ra)
			r->mark = MARK_TRUNC;
		return -1;
	}
	r->bp = bp;
	r->sp = cfa;
	r->ip = ra;
	return 1;
}

__attribute__((noinline)) et_s64 et_global_rt_step(struct et_java_proc *jp,
						   const struct et_v8_proc *v8,
						   struct et_rt_regs *r)
{
	if (!r)
		return 0;
	if (jp && jp->lo <= r->ip && r->ip < jp->hi) {
		r->rec = r->ip;
		if (et_java_step(jp, r)) {
			r->mark = MARK_TRUNC;
			return -1;
		}
		r->exact = 0;
		r->bp_known = 1;
		return 1;
	}
	/* V8's JIT code (no mapping of a file) and its embedded builtins
	 * (no CFI: a gap in node's table, in node's .text or in the copy
	 * V8 maps near its code range for short builtin calls, the same
	 * pages of node at another address): frame pointers, as step_native
	 * walks a gap */
	if (!v8)
		return 0;
	r->rec = r->ip;
	if (r->v8_name && r->bp_known && !r->entry_top)
		r->rec = et_v8_frame(v8, r->ip, r->bp, r->top ? r->sp : 0,
				     r->exact);
	return fp_step(r);
}
