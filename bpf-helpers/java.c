/* HotSpot frames in ustack: the CFI unwinder (unwind.c step) calls
 * (through rt_step.c) et_java_step for a pc in a JVM's code cache, where no unwind table
 * reaches. The pc's CodeBlob is found through the CodeHeap's segment map
 * (each segment's byte says how far back its block starts: 0 at the
 * start, 0xff free), as HotSpot's own CodeHeap::find_blob does; the
 * blob's name says what it is:
 *   - "Interpreter": an interpreted frame, laid out by rbp (x86-64
 *     frame_x86.hpp: Method* at rbp-24, the bytecode pointer at rbp-64,
 *     the sender's sp at rbp-8, the saved rbp at rbp, the return address
 *     at rbp+8), recorded as its Method* and bytecode index;
 *   - "nmethod", "native nmethod": a compiled frame (or a native
 *     method's wrapper) of _frame_size words (return address and saved
 *     rbp on top), recorded as its pc (user space reads the methods
 *     inlined there from the nmethod); a frame deoptimized under a
 *     callee by the pc it had before (deopt_pc);
 *   - any other blob (stubs, adapters): stepped over by its frame size,
 *     or by rbp when it has none, and left a plain address (user space
 *     drops it).
 * The offsets come from the VM's own description (runtime/rt_java.c,
 * struct et_java_proc). A read that fails or a frame that does not look
 * right ends the walk (the unwinder marks it truncated): never an
 * invented frame. */
#include "helpers.h"
#include "../runtime/rt_frames.h"

typedef unsigned int et_u32;

#define SEGMAP_STEPS 16
#define USER_END 0x800000000000ULL
#define FRAME_MAX (1ULL << 20) /* an interpreter frame's size, at most */

/* the first four bytes of a CodeBlob's name */
#define T_NMETHOD 0x74656d6eU /* "nmethod" */
#define T_NATIVE 0x6974616eU  /* "native nmethod" */
#define T_INTERP 0x65746e49U  /* "Interpreter" */
#define T_VTABLE 0x62617476U  /* "vtable chunks" */
#define T_DEOPT 0x706f6544U   /* "DeoptimizationBlob" */
#define T_UNCOMMON 0x6f636e55U /* "UncommonTrapBlob" */

static long (*const read_user)(void *dst, et_u32 size,
			       const void *src) = (void *)112;

static __attribute__((always_inline)) et_u64 rd64(et_u64 addr)
{
	et_u64 v = 0;

	if (read_user(&v, 8, (void *)addr))
		return 0;
	return v;
}
static long (*const loop)(et_u32 n, void *fn, void *ctx,
			  et_u64 flags) = (void *)181;

struct segwalk {
	et_u64 segmap, seg;
	unsigned char tag;
};

/* one step back through the segment map: 1 at the block's start (tag
 * 0), a free segment (0xff) or a read that fails (tag left 0xff) */
static long seg_step(et_u64 i, struct segwalk *s)
{
	s->tag = 0xff;
	if (read_user(&s->tag, 1, (void *)(s->segmap + s->seg)) || !s->tag ||
	    s->tag == 0xff)
		return 1;
	s->seg -= s->tag;
	s->tag = 0xff; /* not found unless a later step ends at 0 */
	return 0;
}

/* 1 when a <= b, without a branch (as unwind.c's) */
static __attribute__((always_inline)) et_u64 le(et_u64 a, et_u64 b)
{
	return ((b - a) >> 63) ^ 1;
}

/* the CodeBlob that holds pc, 0 when none */
static __attribute__((always_inline)) et_u64 find_blob(struct et_java_proc *p,
						       et_u64 pc)
{
	struct et_java_heap *h;
	struct segwalk s;
	et_u64 k = 0;
	et_u32 shift;

	/* the heap of pc: the heaps do not overlap; no branch a heap */
	for (int j = 0; j < ET_JAVA_HEAPS; j++)
		k += (et_u64)j *
		     (le(p->heap[j].lo, pc) & (le(p->heap[j].hi, pc) ^ 1));
	if (k >= ET_JAVA_HEAPS)
		return 0;
	h = &p->heap[k];
	if (h->lo > pc || pc >= h->hi || !h->segmap)
		return 0;
	shift = h->log2_seg & 31;
	s.segmap = h->segmap;
	s.seg = (pc - h->lo) >> shift;
	s.tag = 0xff;
	loop(SEGMAP_STEPS, seg_step, &s, 0);
	if (s.tag)
		return 0;
	return h->lo + (s.seg << shift) + p->heapblock;
}

/* A frame HotSpot deoptimized while a callee ran (frame::deoptimize):
 * its return address was patched to its nmethod's deopt handler, or it
 * is the deopt blob's caller, which the handler entered with the
 * handler's address as the return address; the pc it had is saved in
 * the frame, at sp + nmethod::_orig_pc_offset (HotSpot's
 * frame::get_deopt_original_pc). Recorded as that pc, so that its
 * methods and inlined frames are named; a saved pc outside the nmethod's
 * code leaves the frame as the nmethod's method. */
static __attribute__((always_inline)) void deopt_pc(struct et_java_proc *p,
						    struct et_rt_regs *r,
						    et_u64 blob, et_u64 begin,
						    et_u64 ip, et_u64 sp)
{
	et_u64 orig;
	int off;

	r->tmp[0] = 0;
	if (read_user(&r->tmp[0], 4, (void *)(blob + p->nm_origpc)))
		return;
	off = (int)r->tmp[0];
	if (off < 0 || off > (int)FRAME_MAX)
		return;
	orig = rd64(sp + (et_u64)off);
	if (orig >= begin && orig < ip)
		r->rec = ET_RTF_JAVA_PC(orig);
}

__attribute__((always_inline)) et_s64 et_java_step(struct et_java_proc *p,
						   struct et_rt_regs *r)
{
	et_u64 ip, sp, bp, blob, begin, cm, ra, exact, bcp, nsp, nbp;
	/* read into r's buffer, in a map value: no bytes of BPF stack */
	et_u64 *f = r->tmp;
	et_u32 type;
	int fsize, fco;

	if (!p || !r)
		return -1;
	ip = r->ip;
	sp = r->sp;
	bp = r->bp;
	exact = r->exact;
	blob = find_blob(p, ip);
	if (!blob)
		return -1;
	f[0] = f[1] = f[2] = 0;
	if (read_user(&f[0], 4, (void *)rd64(blob + p->cb_name)) ||
	    read_user(&f[1], 4, (void *)(blob + p->cb_fsize)) ||
	    read_user(&f[2], 4, (void *)(blob + p->cb_fco)))
		return -1;
	type = (et_u32)f[0];
	fsize = (int)f[1];
	fco = (int)f[2];
	begin = rd64(blob + p->cb_begin);
	if (type == T_INTERP) {
		if (!r->bp_known || bp < sp || bp - sp > FRAME_MAX)
			return -1;
		/* rbp-24 .. rbp+16: Method*, last sp, sender sp, saved
		 * rbp, return address; the bytecode pointer at rbp-64 */
		if (read_user(f, 5 * 8, (void *)(bp - 24)) ||
		    read_user(&f[5], 8, (void *)(bp - 64)))
			return -1;
		bcp = f[5];
		cm = rd64(f[0] + p->m_cmethod);
		begin = cm + p->cm_size;
		r->rec =
		    ET_RTF_MAKE(ET_RTF_JAVA, f[0],
				bcp >= begin && bcp - begin < ET_RTF_IDX_NONE
				    ? bcp - begin
				    : ET_RTF_IDX_NONE,
				0);
		nsp = f[2];
		nbp = f[3];
		ra = f[4];
		if (!f[0] || !cm || nsp < bp)
			return -1;
	} else {
		if (type == T_NMETHOD || type == T_NATIVE)
			r->rec = ET_RTF_JAVA_PC(ip);
		if (type == T_VTABLE || (exact && fco > 0 && ip < begin + fco &&
					 ip + 4 < begin + fco)) {
			/* early in a prologue, or a stub that pushes
			 * nothing: the return address on top */
			nsp = sp + 8;
			nbp = bp;
		} else if (exact && fco > 0 && ip < begin + fco) {
			/* the prologue's end: rbp pushed, the frame not
			 * allocated yet */
			nsp = sp + 16;
			nbp = rd64(sp);
		} else if (fsize <= 0) {
			/* a stub with an rbp frame (the call stub) */
			if (!r->bp_known || bp < sp || bp - sp > FRAME_MAX)
				return -1;
			nsp = bp + 16;
			nbp = rd64(bp);
		} else {
			nsp = sp + (et_u64)fsize * 8;
			nbp = rd64(nsp - 16);
		}
		ra = rd64(nsp - 8);
		if (type == T_NMETHOD && p->cm_deopt && p->nm_origpc &&
		    ip == rd64(blob + p->cm_deopt))
			deopt_pc(p, r, blob, begin, ip, sp);
	}
	if (!ra || ra >= USER_END)
		return -1;
	/* the deopt or uncommon trap blob returns to the frame it
	 * deoptimizes (an nmethod) until it has replaced it with
	 * interpreter frames, whose Method* and bcp
	 * Deoptimization::unpack_frames is still writing: what they hold
	 * then is no frame, the walk ends there */
	if ((type == T_DEOPT || type == T_UNCOMMON) && ra >= p->interp_lo &&
	    ra < p->interp_hi)
		return -1;
	r->ip = ra;
	r->sp = nsp;
	r->bp = nbp;
	return 0;
}
