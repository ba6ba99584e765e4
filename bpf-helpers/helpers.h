/* The C helpers linked into every BPF program etrace builds: their
 * signatures, shared by the BPF-side sources here and by the code
 * generator, which calls them by name (cg_libcall). Built with
 * `clang -target bpf`: no libc, no kernel headers.
 *
 * The functions are static (and "used", so that clang keeps them): a
 * global BPF function is verified on its own, with its pointers' bounds
 * unknown, which loops over buffers cannot pass; a static one is verified
 * at each call, where the sizes are constants. ET_HELPER marks them.
 *
 * Strings are fixed-size buffers, NUL-terminated unless full; every
 * function stops at the given sizes, so that the verifier sees bounded
 * loops (the sizes are compile-time constants after inlining). */
#ifndef ETRACE_BPF_HELPERS_H
#define ETRACE_BPF_HELPERS_H

typedef unsigned long long et_u64;
typedef long long et_s64;

#ifdef __bpf__
#define ET_HELPER static __attribute__((used))
#else
#define ET_HELPER static __attribute__((unused))
#endif

/* strncmp over at most n bytes of a and b: <0, 0 or >0 as in C, bytes
 * compared as unsigned. */
ET_HELPER et_s64 et_strncmp(const char *a, const char *b, et_u64 n);

/* 0 when the n bytes at a and b are the same, else 1: == and != of
 * values compared whole (structs, arrays, buf()s), NULs included. */
ET_HELPER et_s64 et_memneq(const char *a, const char *b, et_u64 n);

/* 1 when the string in needle (at most nsize bytes) occurs in the string
 * in hay (at most hsize bytes), else 0. The empty needle occurs. */
ET_HELPER et_s64 et_strcontains(const char *hay, et_u64 hsize,
				const char *needle, et_u64 nsize);

/* The length of the string in s (at most size bytes): strlen(). */
ET_HELPER et_s64 et_strlen(const char *s, et_u64 size);

/* The index of the first occurrence of the string in needle (at most
 * nsize bytes) in the string in hay (at most hsize bytes), or -1:
 * strstr(). The empty needle is at 0. */
ET_HELPER et_s64 et_strstr(const char *hay, et_u64 hsize, const char *needle,
			   et_u64 nsize);

/* memcmp over n bytes of a and b: <0, 0 or >0 (the difference of the
 * first bytes that differ, as unsigned), NULs compared too. */
ET_HELPER et_s64 et_memcmp(const char *a, const char *b, et_u64 n);

/* Bucket of v in a hist(): 0 for v < 0, 1 for 0, 2 + floor(log2(v))
 * above, as bpftrace 0.17 numbers them. */
ET_HELPER et_s64 et_log2_bucket(et_s64 v);

/* Bucket of v in lhist(v, min, max, step): 0 below min, then one per
 * step from min, and 1 + (max - min) / step for v >= max as bpftrace
 * 0.17 numbers them. step must be > 0 and max >= min. */
ET_HELPER et_s64 et_linear_bucket(et_s64 v, et_s64 min, et_s64 max,
				  et_s64 step);

/* The user stack of the current task walked with the unwind tables
 * (runtime/abi.h ET_UW_*): maps[0..5] are the maps ET_UW_ROWS_MAP,
 * ET_UW_MAPS_MAP, ET_UW_PROCS_MAP, ET_UW_MISS_MAP, ET_UW_SCRATCH_MAP and
 * ET_USTACK_MAP (an array: a BPF call takes five arguments); entry: the
 * probe is on a function's first instruction (a frame without tables
 * then takes its return address at the stack pointer). Stores the
 * frames (ET_STACK_DEPTH u64s, ended by a 0 when fewer) in
 * ET_USTACK_MAP under a hash of them and returns that u32 id, or
 * -EEXIST (another stack has the id), -ENOMEM (the map is full), -1.
 * BPF only (it calls BPF helpers): not in the host's unit tests. */
#ifdef __bpf__
ET_HELPER et_s64 et_ustack_unwind(void **maps, et_u64 entry, void *java,
				 void *v8);

/* The kernel stack of the probe (bpf_get_stack into scratch, the
 * PERCPU_ARRAY ET_UW_SCRATCH_MAP) stored in stacks (ET_KSTACK_MAP, a
 * HASH) by et_stack_store (not named et_kstack: the map global is): its u32 id, or a negative errno as there. */
ET_HELPER et_s64 et_kstack_store(void *ctx, void *stacks, void *scratch);

/* The same for the user stack walked by frame pointers (bpf_get_stack
 * with BPF_F_USER_STACK), into ET_USTACK_MAP under config
 * ustack_unwind = "fp". */
ET_HELPER et_s64 et_ustack_fp_store(void *ctx, void *stacks, void *scratch);

/* fr[0..n) (fr has ET_STACK_DEPTH slots; a 0 is put after the last)
 * stored in stacks, a HASH of u32 -> ET_STACK_DEPTH u64s, under h
 * folded to 32 bits (0xffffffff is none: 0 instead); the id, or
 * -EEXIST when other frames have it (compared, never overwritten),
 * -ENOMEM when the map is full, -1 for a bad n (kstack.c). Extern, as
 * unwind.c calls it across files; cg_link.c makes it internal. */
et_s64 et_stack_store(void *stacks, et_u64 *fr, et_s64 n, et_u64 h);

/* CPython frames of the current thread appended to fr[n..] (python.c,
 * runtime/rt_frames.h): procs ET_PY_PROCS_MAP, tstates
 * ET_PY_TSTATE_MAP; *h, the stack's hash, goes on over them. Returns the
 * new count (n when the process has no Python or the thread none). Extern, as unwind.c calls it across files;
 * cg_link.c makes it internal like the others. */
et_s64 et_py_frames(void *procs, void *tstates, et_u64 *fr,
			      et_s64 n, et_u64 *h);

/* 1 when proc, the current process's ET_UW_PROCS_MAP entry, is of the
 * program image it ran before an exec (unwind.c). Extern as above. */
int et_uw_exec_changed(void *proc);

/* The unwinder's one hook for managed runtimes (rt_step.c): a frame no
 * CFI row walks (nocfi: no mapping or no rows at ip; else a row that
 * says no CFA) of a process with a JVM (jp: its ET_JAVA_PROCS_MAP
 * entry) or a V8 (v8: its ET_V8_PROCS_MAP entry), either maybe NULL.
 * r holds the frame's registers (exact: an interrupted ip, not a return
 * address; bp_known: rbp is the frame's; entry_top: the innermost frame
 * at a function's entry, its return address on top of the stack),
 * the stack's end mark so far (mark) and top (the innermost frame). Returns 0 when the frame is no runtime's (the
 * native rules go on, r untouched), else the frame walked: rec its
 * record (rt_frames.h: a HotSpot frame, java.c; a Node frame, v8.c,
 * when v8_name and it is a JavaScript function's; else ip) and mark the
 * stack's end mark, then 1 with ip, sp, bp, bp_known the caller's, or
 * -1: the walk ends there. V8's frames (its JIT code, its builtins in
 * node's .text) are walked by frame pointers, HotSpot's by its code
 * blobs. A global BPF function (cg_misc.c makes it external where ustack
 * is): the verifier checks it once, on its own, not at each of the
 * unwinder's steps, whose bpf_loop callback it walks many times; the
 * callback holds one call and copies what it returns, no branch on it
 * but one. */
struct et_java_proc;
struct et_v8_proc;
struct et_rt_regs {
	et_u64 ip, sp, bp, rec, mark;
	unsigned char exact, bp_known, entry_top, nocfi, v8_name, top, pad[2];
	/* where the walkers read the target's memory into: the struct is
	 * in the unwinder's scratch map value (runtime/abi.h
	 * ET_UW_SCRATCH_SIZE), so that these are no bytes of BPF stack */
	et_u64 tmp[6];
};
et_s64 et_global_rt_step(struct et_java_proc *jp, const struct et_v8_proc *v8,
			 struct et_rt_regs *r);

/* The walkers the hook calls, inlined into it: a HotSpot frame stepped
 * (java.c; 0, or -1) and a V8 frame pointer frame's record (v8.c: ip
 * when no JavaScript function's; exact: ip is an interrupted one, not a
 * return address). */
et_s64 et_java_step(struct et_java_proc *p, struct et_rt_regs *r);
et_u64 et_v8_frame(const struct et_v8_proc *v, et_u64 ip, et_u64 fp,
		   et_u64 top_sp, int exact);

/* pyfunc, pyfile (what ET_PY_TOP_FUNC, _FILE: the innermost Python
 * frame's qualified name, file, into buf of size bytes; "" when the
 * thread runs no Python) and pyline (_LINE: returned, the function's
 * first line; 0 when none). m: the maps of et_ustack_unwind. */
ET_HELPER et_s64 et_py_top(void **m, et_u64 what, char *buf, et_u64 size);
#endif


/* The name of the task whose PID (in the initial PID namespace) is pid,
 * into out (size bytes, at most the kernel's 16, NUL-terminated):
 * bpftrace 0.26's comm(pid), through the bpf_task_from_pid and
 * bpf_task_release kfuncs, which the kernel allows in tracing,
 * tracepoint and perf_event programs (not in kprobe or raw tracepoint
 * ones). 0, or -3 (ESRCH): no such task, out untouched. BPF only. */
#ifdef __bpf__
ET_HELPER et_s64 et_task_comm(et_s64 pid, char *out, et_u64 size);
#endif

/* The gate at a probe's entry (gate.c): 0 the event runs, 1 it is
 * dropped. cfg: struct et_gate, st: struct et_gate_st (runtime/abi.h). */
#ifdef __bpf__
ET_HELPER et_s64 et_gate_shed(const et_u64 *cfg, et_u64 *st);
ET_HELPER et_s64 et_gate_rate(const et_u64 *cfg, et_u64 *st, et_u64 now);
#endif

#endif
