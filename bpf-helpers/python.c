/* CPython frames in ustack: after the native frames the CFI unwinder
 * walked (unwind.c), the current thread's Python frames, innermost
 * first, as tagged frames (runtime/rt_frames.h): the code object and
 * the instruction index of each _PyInterpreterFrame, and which frame is
 * the outermost of one native call of the evaluation loop. User space
 * puts each such run in place of that native frame and names the code
 * objects (runtime/rt_python.c).
 *
 * The thread's PyThreadState: the interpreter's thread list searched for
 * native_thread_id == tid, the result cached per tid and checked on
 * every use (a tstate freed and reused for another thread no longer
 * matches). This needs no glibc or kernel layout, unlike the TSS slot
 * behind the fs base (otel-ebpf-profiler's way). Reads that fail end
 * the Python frames there: never an invented frame. */
#include "helpers.h"
#include "../runtime/rt_frames.h"

typedef unsigned int et_u32;

#define DEPTH 127   /* ET_STACK_DEPTH */
#define THREADS 512 /* the longest thread list searched */

static void *(*const map_lookup)(void *map, const void *key) = (void *)1;
static long (*const map_update)(void *map, const void *key, const void *value,
				et_u64 flags) = (void *)2;
static et_u64 (*const pid_tgid)(void) = (void *)14;
static long (*const read_user)(void *dst, et_u32 size,
			       const void *src) = (void *)112;
static long (*const loop)(et_u32 n, void *fn, void *ctx,
			  et_u64 flags) = (void *)181;

struct pywalk {
	struct et_py_proc *p;
	et_u64 *fr;
	et_u64 ts, frame, h; /* h: the stack's hash, as unwind.c's */
	et_u32 tid;
	int n, first; /* frames so far; the first Python one's index */
};

static __attribute__((always_inline)) et_u64 rd64(et_u64 addr)
{
	et_u64 v = 0;

	if (read_user(&v, 8, (void *)addr))
		return 0;
	return v;
}

/* one tstate of the list: 1 when found or at the end */
static long find_ts(et_u64 i, struct pywalk *w)
{
	et_u64 tid;

	if (!w->ts)
		return 1;
	tid = rd64(w->ts + w->p->ts_tid);
	if (tid == w->tid)
		return 1;
	w->ts = rd64(w->ts + w->p->ts_next);
	return 0;
}

/* one _PyInterpreterFrame: recorded (shims skipped), then its caller */
static long frame_step(et_u64 i, struct pywalk *w)
{
	struct et_py_proc *p = w->p;
	et_u64 f = w->frame, code, instr, idx = ET_RTF_IDX_NONE, start;
	unsigned char entry = 0, owner = 0;
	int n = w->n;

	if (!f || n < 0 || n >= DEPTH - 1)
		return 1;
	if (p->flags & ET_PYF_CSTACK) {
		if (read_user(&owner, 1, (void *)(f + p->fr_owner)))
			return 1;
		if (owner == p->cstack_owner) {
			/* the shim a native call of the loop starts with:
			 * the frame before it was that call's outermost */
			if (n > w->first && n - 1 < DEPTH) {
				w->fr[n - 1] |= ET_RTF_ENTRY;
				/* the hash covers the flag too */
				w->h = (w->h ^ ET_RTF_ENTRY) * 0x100000001b3ULL;
			}
			w->frame = rd64(f + p->fr_prev);
			return 0;
		}
	} else if (read_user(&entry, 1, (void *)(f + p->fr_entry))) {
		return 1;
	}
	code = rd64(f + p->fr_code);
	if (!code)
		return 1;
	instr = rd64(f + p->fr_instr);
	start = code + p->co_code;
	if (instr >= start && (instr - start) / 2 < ET_RTF_IDX_NONE)
		idx = (instr - start) / 2;
	w->fr[n] = ET_RTF_MAKE(ET_RTF_PYTHON, code, idx, entry);
	w->h = (w->h ^ w->fr[n]) * 0x100000001b3ULL;
	w->n = n + 1;
	w->frame = rd64(f + p->fr_prev);
	return 0;
}

/* the current thread's PyThreadState into w->ts (0: none) */
static __attribute__((always_inline)) void find_tstate(struct pywalk *w,
						       void *tstates)
{
	et_u64 *cached = map_lookup(tstates, &w->tid), root;

	if (cached && *cached && rd64(*cached + w->p->ts_tid) == w->tid) {
		w->ts = *cached;
		return;
	}
	root = rd64(w->p->runtime + w->p->interp_head);
	w->ts = root ? rd64(root + w->p->interp_tstate) : 0;
	loop(THREADS, find_ts, w, 0);
	if (!w->ts || rd64(w->ts + w->p->ts_tid) != w->tid) {
		w->ts = 0; /* not a Python thread (yet) */
		return;
	}
	map_update(tstates, &w->tid, &w->ts, 0);
}

/* the thread's innermost _PyInterpreterFrame */
static __attribute__((always_inline)) et_u64 top_frame(struct pywalk *w)
{
	if (w->p->flags & ET_PYF_CFRAME)
		return rd64(rd64(w->ts + w->p->ts_frame) + w->p->cf_frame);
	return rd64(w->ts + w->p->ts_frame);
}

__attribute__((always_inline)) et_s64
et_py_frames(void *procs, void *tstates, et_u64 *fr, et_s64 n, et_u64 *h)
{
	et_u64 id = pid_tgid();
	et_u32 tgid = id >> 32;
	struct pywalk w = {
	    .fr = fr, .tid = (et_u32)id, .n = (int)n, .first = (int)n};

	w.p = map_lookup(procs, &tgid);
	if (!w.p || n < 0 || n >= DEPTH - 1)
		return n;
	find_tstate(&w, tstates);
	if (!w.ts)
		return n;
	w.frame = top_frame(&w);
	w.h = *h;
	loop(DEPTH, frame_step, &w, 0);
	*h = w.h;
	return w.n;
}

static long (*const read_user_str)(void *dst, et_u32 size,
				   const void *src) = (void *)114;

/* one frame of the search for the innermost one that runs code (not a
 * shim): its code object into w->frame's place, w->ts */
static long top_step(et_u64 i, struct pywalk *w)
{
	unsigned char owner = 0;
	et_u64 f = w->frame;

	if (!f)
		return 1;
	if ((w->p->flags & ET_PYF_CSTACK) &&
	    !read_user(&owner, 1, (void *)(f + w->p->fr_owner)) &&
	    owner == w->p->cstack_owner) {
		w->frame = rd64(f + w->p->fr_prev);
		return 0;
	}
	w->h = rd64(f + w->p->fr_code); /* the code object */
	return 1;
}

ET_HELPER __attribute__((noinline)) et_s64 et_py_top(void **m, et_u64 what,
						     char *buf, et_u64 size)
{
	void *procs = m[6], *tstates = m[7], *uw_procs = m[2], *miss = m[3];
	et_u64 id = pid_tgid(), s = 0;
	et_u32 tgid = id >> 32, one = 1, line = 0;
	struct pywalk w = {.tid = (et_u32)id};
	void *uwp;

	if (size)
		buf[0] = 0;
	uwp = map_lookup(uw_procs, &tgid);
	if (!uwp || et_uw_exec_changed(uwp)) {
		/* a process user space has not looked at, or not since it
		 * exec'ed: it does */
		map_update(miss, &tgid, &one, 1 /* BPF_NOEXIST */);
		return 0;
	}
	w.p = map_lookup(procs, &tgid);
	if (!w.p)
		return 0;
	find_tstate(&w, tstates);
	if (!w.ts)
		return 0;
	w.frame = top_frame(&w);
	loop(8, top_step, &w, 0);
	if (!w.h)
		return 0;
	if (what == ET_PY_TOP_LINE) {
		if (read_user(&line, 4, (void *)(w.h + w.p->co_firstlineno)))
			return 0;
		return line;
	}
	s = rd64(w.h + (what == ET_PY_TOP_FILE ? w.p->co_filename
					       : w.p->co_qualname));
	if (s && size)
		read_user_str(buf, size, (void *)(s + w.p->str_data));
	return 0;
}
