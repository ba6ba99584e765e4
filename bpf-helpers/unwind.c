/* ustack without frame pointers: the user stack walked with the unwind
 * tables user space built from .eh_frame (runtime/unwind.c) and loaded
 * into maps, the layouts of runtime/abi.h (ET_UW_*), repeated here
 * because this file is built freestanding. Where a mapping has no table
 * (a JIT, a file without .eh_frame) a frame is walked by its frame
 * pointer; where a process has no tables yet, the whole stack is; a
 * stack with a frame found through rbp so ends in ET_UW_MARK_FP; where a frame cannot be unwound
 * (an expression rule, a read that fails, a pc no row covers) the stack
 * ends in ET_UW_MARK_TRUNC: never a wrong frame. */
#include "../runtime/rt_frames.h"
#include "helpers.h"

typedef unsigned int et_u32;
typedef int et_s32;
typedef short et_s16;
typedef unsigned char et_u8;

#define DEPTH 127 /* ET_STACK_DEPTH */
#define NMAPS 128 /* ET_UW_MAPS */
#define MARK_TRUNC 0xffffffffffffff01ULL
#define MARK_FP 0xffffffffffffff02ULL
#define NONE 0xffffffffULL
#define USER_END 0x800000000000ULL /* x86-64 user addresses are below */
#define STACK_NEAR (64ULL << 20)

enum { CFA_NONE, CFA_RSP, CFA_RBP, CFA_PLT, CFA_END, CFA_UNSUP, CFA_SIGNAL };
enum { RBP_SAME, RBP_AT, RBP_UNDEF };

struct row {
	et_u32 pc;
	et_s32 cfa_off;
	et_s16 rbp_off;
	et_u8 cfa;
	et_u8 rbp;
};

struct umap {
	et_u64 start, end, bias;
	et_u32 row_start, row_len;
};

struct proc {
	et_u32 first, n;	      /* its mappings in the maps array */
	et_u64 start_stack, end_code; /* of the image they are of */
};

/* the kernel's, through CO-RE relocations of the field offsets */
struct mm_struct___et {
	unsigned long start_stack, end_code;
} __attribute__((preserve_access_index));

struct task_struct___et {
	struct mm_struct___et *mm;
} __attribute__((preserve_access_index));

static void *(*const map_lookup)(void *map, const void *key) = (void *)1;
static long (*const map_update)(void *map, const void *key, const void *value,
				et_u64 flags) = (void *)2;
static et_u64 (*const pid_tgid)(void) = (void *)14;
static long (*const read_user)(void *dst, et_u32 size,
			       const void *src) = (void *)112;
static long (*const read_kernel)(void *dst, et_u32 size,
				 const void *src) = (void *)113;
static void *(*const current_task_btf)(void) = (void *)158;
static void *(*const task_pt_regs)(void *task) = (void *)175;

/* 1 when p was loaded for another program image of the process than
 * the one it runs now (it exec'ed since): its maps are not this
 * image's. An mm that cannot be read keeps the entry. */
__attribute__((always_inline)) int et_uw_exec_changed(void *proc)
{
	struct task_struct___et *t = current_task_btf();
	struct mm_struct___et *mm;
	struct proc *p = proc;
	et_u64 v = 0; /* one slot of stack: et_py_top's callers use 500 */

	if (read_kernel(&v, 8, &t->mm) || !v)
		return 0;
	mm = (struct mm_struct___et *)v;
	if (read_kernel(&v, 8, &mm->start_stack))
		return 0;
	if (v != p->start_stack)
		return 1;
	if (read_kernel(&v, 8, &mm->end_code))
		return 0;
	return v != p->end_code;
}

/* x86-64 struct pt_regs offsets */
#define REG_BP 32
#define REG_IP 128
#define REG_SP 152

/* 1 when a <= b: no branch, so that the verifier walks one path per
 * step of a search (a branch per step doubles its states) */
static et_u32 le(et_u64 a, et_u64 b)
{
	return (et_u32)(((b - a) >> 63) ^ 1);
}

/* The last row at or before pc of rows [start, start + len): a search
 * of a fixed number of steps, without branches. */
static int find_row(void *rows, et_u32 start, et_u32 len, et_u32 pc,
		    struct row *out)
{
	et_u32 base = start, half, k;
	struct row *r;

	if (!len)
		return -1;
	for (int i = 0; i < 21 && len > 1; i++) {
		half = len >> 1;
		k = base + half;
		r = map_lookup(rows, &k);
		if (!r)
			return -1;
		base += le(r->pc, pc) * half;
		len -= half;
	}
	r = map_lookup(rows, &base);
	if (!r || r->pc > pc)
		return -1;
	*out = *r;
	return 0;
}

/* the mapping of pc in p (a copy in *out), or -1: the same search */
static int find_map(void *maps, struct proc *p, et_u64 pc, struct umap *out)
{
	et_u32 len = p->n, base = p->first, half, k;
	struct umap *m;

	if (!len || len > NMAPS)
		return -1;
	for (int i = 0; i < 8 && len > 1; i++) {
		half = len >> 1;
		k = base + half;
		m = map_lookup(maps, &k);
		if (!m)
			return -1;
		base += le(m->start, pc) * half;
		len -= half;
	}
	m = map_lookup(maps, &base);
	if (!m || m->start > pc || pc >= m->end)
		return -1;
	*out = *m;
	return 0;
}

static long (*const loop)(et_u32 n, void *fn, void *ctx,
			  et_u64 flags) = (void *)181;

/* the walk's state, in the caller's frame: bpf_loop's context */
struct walk {
	void *rows, *maps, *miss;
	struct proc *p;
	struct et_java_proc *jp; /* the process's JVM, or 0 */
	et_u64 *fr;
	et_u64 ip, sp, bp, h, mark;
	struct umap m; /* the last frame's mapping (m.end 0: none) */
	const struct et_v8_proc *v8; /* the process's V8 (v8.c), or 0 */
	et_u32 tgid;
	int n;
	/* flags in bytes: the walk is in the probe's frame, whose 512
	 * bytes it shares with step's and the runtime hook's */
	unsigned char bp_known, entry;
	unsigned char exact;	/* ip is an interrupted one, not a return address */
	unsigned char v8_names; /* name JavaScript frames (runtime frames on) */
};

/* frame i: record w->ip, step to its caller; 1 when the walk ends.
 * hook, a constant: call the runtimes' frame hook where no CFI covers a
 * frame (runtime frames on); without it such a frame is walked by its
 * frame pointer. Two callbacks (step_rt, step_native), so that a walk
 * of native frames has none of the hook's branches to verify: with
 * them a ustack(build_id) took 416k instructions against 66k. */
static __attribute__((always_inline)) long step_impl(et_u64 i, struct walk *w,
						     const int hook)
{
	et_u64 cfa, ra, ip = w->ip, bp = w->bp;
	struct proc *p = w->p;
	struct row row;
	int mi = 0, fp;
	et_s64 rt;

	if (!ip || i >= DEPTH)
		return 1;
	w->fr[i] = ip;
	w->n = i + 1;
	w->h = (w->h ^ ip) * 0x100000001b3ULL;
	/* most callers are in the callee's file: w->m, the last frame's
	 * mapping, is replaced only by one found (find_map writes nothing
	 * else), and read in place: a copy here would take 32 bytes of the
	 * 512 the probe, the unwinder, step and the runtime hook share */
	if (!(w->m.start <= ip && ip < w->m.end) &&
	    (!p || find_map(w->maps, p, ip, &w->m) < 0))
		mi = -1;
	fp = mi < 0 || !w->m.row_len;
	if (!fp &&
	    find_row(w->rows, w->m.row_start, w->m.row_len,
		     (et_u32)(ip - (i && !w->exact ? 1 : 0) - w->m.bias),
		     &row))
		goto trunc;
	/* a gap in a file's table (V8's builtins in node's .text) */
	if (!hook && !fp && row.cfa == CFA_NONE)
		fp = 1;
	/* no CFI here: maybe a runtime's frame (rt_step.c), one call and
	 * one branch (a test of jp or v8 first would be an OR of two
	 * pointers maybe NULL, which the verifier refuses) */
	if (hook && (fp || row.cfa == CFA_NONE)) {
		/* in the scratch value after fr (abi.h
		 * ET_UW_SCRATCH_SIZE), not on the stack: the BPF stack of
		 * the probe, et_ustack_unwind, step and the hook together
		 * is 512 bytes at most */
		struct et_rt_regs *r = (struct et_rt_regs *)(w->fr + DEPTH);

		r->ip = ip;
		r->sp = w->sp;
		r->bp = bp;
		r->rec = ip;
		r->mark = w->mark;
		r->exact = w->exact;
		r->bp_known = w->bp_known;
		r->entry_top = !i && w->entry;
		r->nocfi = fp;
		r->v8_name = w->v8_names;
		r->top = !i;
		r->pad[0] = r->pad[1] = 0;
		rt = et_global_rt_step(w->jp, w->v8, r);
		if (rt) {
			w->fr[i] = r->rec;
			w->h = (w->h ^ r->rec) * 0x100000001b3ULL;
			w->mark = r->mark;
			w->ip = r->ip;
			w->sp = r->sp;
			w->bp = r->bp;
			w->exact = 0;
			w->bp_known = r->bp_known;
			return rt < 0;
		}
	}
	if (p && mi < 0 && !i)
		/* a mapping made after the tables were loaded */
		/* the value is not read: the tgid again, no slot of step's
		 * stack (512 bytes, see above) */
		map_update(w->miss, &w->tgid, &w->tgid, 1 /* BPF_NOEXIST */);
	if (fp) {
		/* frame pointers */
		w->exact = 0;
		if (!i && w->entry) {
			cfa = w->sp + 8;
		} else {
			if (!w->bp_known || !bp || bp < w->sp)
				return 1;
			/* nothing says rbp is a frame pointer here: the
			 * stack says so (a wrong frame is possible) */
			w->mark = MARK_FP;
			cfa = bp + 16;
			if (read_user(&bp, 8, (void *)(cfa - 16)))
				return 1;
		}
		if (read_user(&ra, 8, (void *)(cfa - 8)))
			return 1;
		/* what rbp led to is no return address: not a user address
		 * (text, a kernel address), or one in the stack just above
		 * sp: the stack ends there, marked */
		if (ra >= USER_END || (ra >= cfa && ra - cfa < STACK_NEAR)) {
			if (ra)
				w->mark = MARK_TRUNC;
			return 1;
		}
		w->bp = bp;
		w->sp = cfa;
		w->ip = ra;
		return 0;
	}
	w->exact = 0;
	switch (row.cfa) {
	case CFA_RSP:
		cfa = w->sp + row.cfa_off;
		break;
	case CFA_RBP:
		if (!w->bp_known)
			goto trunc;
		cfa = bp + row.cfa_off;
		break;
	case CFA_PLT:
		cfa = w->sp + 8 + ((ip & 15) >= (et_u64)row.cfa_off ? 8 : 0);
		break;
	case CFA_END:
		return 1;
	case CFA_SIGNAL:
		/* the interrupted registers, in the signal frame */
		if (read_user(&w->bp, 8, (void *)(w->sp + row.rbp_off)) ||
		    read_user(&ra, 8, (void *)(w->sp + row.cfa_off + 8)) ||
		    read_user(&cfa, 8, (void *)(w->sp + row.cfa_off)))
			goto trunc;
		w->bp_known = 1;
		w->exact = 1;
		w->sp = cfa;
		w->ip = ra;
		return 0;
	default:
		goto trunc;
	}
	if (read_user(&ra, 8, (void *)(cfa - 8)))
		goto trunc;
	if (row.rbp == RBP_AT) {
		if (read_user(&w->bp, 8, (void *)(cfa + row.rbp_off)))
			w->bp_known = 0;
	} else if (row.rbp == RBP_UNDEF) {
		w->bp_known = 0;
	}
	w->sp = cfa;
	w->ip = ra;
	return 0;
trunc:
	w->mark = MARK_TRUNC;
	return 1;
}

static long step_rt(et_u64 i, struct walk *w)
{
	return step_impl(i, w, 1);
}

static long step_native(et_u64 i, struct walk *w)
{
	return step_impl(i, w, 0);
}

/* Inlined into each probe, however many call it: out of line (LLVM
 * inlines a static function called once, not one called by two probes)
 * it is a BPF subprogram whose entry and maps are arguments, and the
 * verifier then walked step_rt past its 1M instructions (two ustack
 * probes on a JVM, a V8 or a CPython refused, either alone loaded;
 * tests/runtime/{java,node,python}.sh two_ustack). */
ET_HELPER __attribute__((always_inline)) et_s64
et_ustack_unwind(void **m, et_u64 entry, void *java, void *v8)
{
	void *rows = m[0], *maps = m[1], *procs = m[2], *miss = m[3];
	void *scratch = m[4], *stacks = m[5];
	/* entry bit 1: runtime frames too (rt_frames.h), with the maps in
	 * m[6], m[7] (Python); java and v8: the JVMs' and V8s' maps */
	int runtimes = (entry & 2) != 0;
	et_u32 zero = 0, one = 1;
	et_u64 mark;
	void *regs = task_pt_regs(current_task_btf());
	struct walk w = {.rows = rows,
			 .maps = maps,
			 .miss = miss,
			 .entry = entry & 1,
			 .h = 0xcbf29ce484222325ULL,
			 .bp_known = 1};
	int n;

	w.tgid = pid_tgid() >> 32;
	w.fr = map_lookup(scratch, &zero);
	if (!w.fr)
		return -1;
	if (read_kernel(&w.ip, 8, (char *)regs + REG_IP) ||
	    read_kernel(&w.sp, 8, (char *)regs + REG_SP) ||
	    read_kernel(&w.bp, 8, (char *)regs + REG_BP))
		return -1;
	w.v8 = map_lookup(v8, &w.tgid);
	w.p = map_lookup(procs, &w.tgid);
	if (w.p && et_uw_exec_changed(w.p)) {
		/* the tables of the image before an exec; the runtimes'
		 * entries too (user space replaces them first) */
		w.p = 0;
		runtimes = 0;
	}
	if (!w.p) {
		map_update(miss, &w.tgid, &one, 1 /* BPF_NOEXIST */);
		w.mark = MARK_FP;
	}
	if (runtimes)
		w.jp = map_lookup(java, &w.tgid);
	w.v8_names = runtimes && w.v8;
	if (entry & 2)
		loop(DEPTH, step_rt, &w, 0);
	else
		loop(DEPTH, step_native, &w, 0);
	n = w.n;
	mark = w.mark;
	if (n < 0 || n > DEPTH)
		return -1;
	if (mark && n < DEPTH) {
		w.fr[n] = mark;
		n++;
		w.h = (w.h ^ mark) * 0x100000001b3ULL;
	}
	if (runtimes) {
		n = et_py_frames(m[6], m[7], w.fr, n, &w.h);
		if (n < 0 || n > DEPTH)
			return -1;
	}
	return et_stack_store(stacks, w.fr, n, w.h);
}
