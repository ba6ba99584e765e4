/* Node.js (V8) frames in ustack: the unwinder (unwind.c) walks V8's
 * frames by their frame pointers (JIT code in anonymous mappings, the
 * embedded builtins that no CFI covers, in node's .text or in the copy
 * of those pages V8 maps next to its code range); of each such
 * frame this file reads what V8's postmortem metadata says is there
 * (runtime/rt_frames.h struct et_v8_proc, filled by runtime/rt_v8.c):
 *
 *   fp - 8   the context, or a typed frame's marker (a Smi-tagged int:
 *            entry, exit, stub frames, kept as native frames)
 *   fp - 16  the JSFunction, whose map's instance type is a function's
 *            and whose shared field is a SharedFunctionInfo
 *   fp - 32  an interpreted or Sparkplug frame's BytecodeArray
 *   fp - 40  an interpreted frame's bytecode offset (a Smi; Sparkplug
 *            keeps the feedback vector there): the tier
 *
 * A frame that passes those checks becomes a tagged frame (kind
 * ET_RTF_NODE) with the SharedFunctionInfo's address; user space names
 * it. A frame of optimized code whose pc is in the function's current
 * code becomes that Code's frame and the pc's offset (ET_RTF_V8_CODE):
 * user space reads which functions TurboFan inlined there. Anything
 * else keeps its native address: never an invented frame. */
#include "helpers.h"
#include "../runtime/rt_frames.h"

typedef unsigned int et_u32;

#define DEPTH 127 /* ET_STACK_DEPTH */

static long (*const read_user)(void *dst, et_u32 size,
			       const void *src) = (void *)112;

#define TAG_MASK 3ULL /* v8dbg_HeapObjectTagMask */
#define HEAP_TAG 1ULL /* v8dbg_HeapObjectTag */
#define SMI_MASK 1ULL /* v8dbg_SmiTagMask; v8dbg_SmiTag is 0 */

static __attribute__((always_inline)) et_u64 rd64(et_u64 addr)
{
	et_u64 v = 0;

	if (read_user(&v, 8, (void *)addr))
		return 0;
	return v;
}

/* the instance type of the tagged heap object o, 0 when not one */
static __attribute__((always_inline)) unsigned
obj_type(const struct et_v8_proc *v, et_u64 o)
{
	unsigned short t = 0;
	et_u64 map;

	if ((o & TAG_MASK) != HEAP_TAG || o >= 0x800000000000ULL)
		return 0;
	map = rd64(o - HEAP_TAG + v->obj_map);
	if ((map & TAG_MASK) != HEAP_TAG ||
	    read_user(&t, 2, (void *)(map - HEAP_TAG + v->map_type)))
		return 0;
	return t;
}

/* a frame of optimized code: ET_RTF_V8_CODE of the function's current
 * code when ip is in its instructions (what was inlined there is read
 * in user space), else 0 (on-stack replacement's code, code replaced
 * since: the function's own frame only) */
static __attribute__((always_inline)) et_u64
code_frame(const struct et_v8_proc *v, et_u64 fn, et_u64 ip, int exact)
{
	et_u64 code, start;
	et_u32 flags = 0, size = 0, kind;

	if (!v->fn_code)
		return 0;
	code = rd64(fn - HEAP_TAG + v->fn_code);
	if (obj_type(v, code) != v->code_type)
		return 0;
	start = rd64(code - HEAP_TAG + v->code_start);
	if (read_user(&flags, 4, (void *)(code - HEAP_TAG + v->code_flags)) ||
	    read_user(&size, 4, (void *)(code - HEAP_TAG + v->code_size)))
		return 0;
	kind = flags & v->kind_mask;
	/* a return address is the call's end: its position is the call's */
	ip -= exact ? 0 : 1;
	if (kind < v->kind_lo || kind > v->kind_hi || ip < start ||
	    ip - start >= size || ip - start >= ET_RTF_V8_OFF_MAX)
		return 0;
	return ET_RTF_V8_CODE_MAKE(code - HEAP_TAG, ip - start);
}

__attribute__((always_inline)) et_u64 et_v8_frame(const struct et_v8_proc *v,
						  et_u64 ip, et_u64 fp,
						  et_u64 top_sp, int exact)
{
	et_u64 marker, fn, sfi, cf;
	unsigned t;
	int compiled = 1;

	if (!v || !fp || fp >= 0x800000000000ULL)
		return ip;
	/* the innermost frame, interrupted in a prologue or an epilogue:
	 * fp may still be the caller's; a JavaScript frame has pushed its
	 * context, function and argument count below fp */
	if (top_sp && top_sp + 24 > fp)
		return ip;
	marker = rd64(fp + v->fp_marker);
	if (!marker || !(marker & SMI_MASK))
		return ip; /* a typed frame (its marker) or no frame */
	fn = rd64(fp + v->fp_function);
	t = obj_type(v, fn);
	if (t < v->jsfn_first || t > v->jsfn_last)
		return ip;
	sfi = rd64(fn - HEAP_TAG + v->fn_shared);
	if (obj_type(v, sfi) != v->sfi_type)
		return ip;
	/* interpreted: a BytecodeArray, then a Smi (Sparkplug keeps the
	 * feedback vector there). The offset itself is not kept: stacks
	 * that differ only in it would be apart in an aggregation, and
	 * user space prints the function's line, not the statement's. */
	if (obj_type(v, rd64(fp + v->fp_bc_array)) == v->bc_type &&
	    !(rd64(fp + v->fp_bc_offset) & SMI_MASK))
		compiled = 0;
	cf = compiled ? code_frame(v, fn, ip, exact) : 0;
	if (cf)
		return cf;
	return ET_RTF_MAKE(ET_RTF_NODE, sfi - HEAP_TAG, ET_RTF_IDX_NONE, 0) |
	       (compiled ? ET_RTF_V8_COMPILED : 0);
}
