/* Managed-runtime frames in a ustack record: the contract between the
 * BPF walkers of interpreted runtimes (bpf-helpers/python.c; Java and
 * Node walkers later) and user space (runtime/rt_python.c, value.c).
 * Built freestanding by the BPF helpers too: macros and plain C types
 * only, no libc.
 *
 * A ustack record (abi.h ET_USTACK_MAP, ET_STACK_DEPTH u64s ended by 0)
 * holds the native frames the CFI unwinder walked (innermost first, maybe
 * ended by an ET_UW_MARK_* mark), then the runtime frames of the same
 * thread, innermost first. A runtime frame is a u64 no native frame can
 * be: bits 63..61 are 101 (user addresses are below 2^47, kernel
 * addresses and the marks start with 0xffff):
 *
 *   63..61  ET_RTF_TAG (101)
 *   60..58  kind: ET_RTF_PYTHON (1), ET_RTF_JAVA (2: below), ET_RTF_NODE
 *           (3), ET_RTF_V8_CODE (5: below); 4 (ET_RTF_JAVA_JIT) and 6
 *           (ET_RTF_V8_INLINED) only in user space
 *   57      ET_RTF_ENTRY: the outermost runtime frame one native call of
 *           the evaluation loop runs (CPython 3.11's is_entry): user
 *           space puts the run of runtime frames up to and including it
 *           where that native frame is
 *   56..44  the instruction index in the code (13 bits; ET_RTF_IDX_NONE:
 *           not known or too large)
 *   43..0   the code object's address >> 3 (8-byte aligned, < 2^47)
 *
 * Python frames follow the native ones. A Node (V8) frame is in its
 * place among the native frames instead: the native frame of a
 * JavaScript function, replaced by the function's SharedFunctionInfo
 * (bits 43..0) and its tier in bit 57 (ET_RTF_V8_COMPILED: Sparkplug,
 * Maglev or TurboFan code; clear: Ignition); bits 56..44 are
 * ET_RTF_IDX_NONE.
 */
#ifndef ETRACE_RT_FRAMES_H
#define ETRACE_RT_FRAMES_H

#define ET_RTF_TAG 0xa000000000000000ULL
#define ET_RTF_TAG_MASK 0xe000000000000000ULL
#define ET_RTF_KIND_SHIFT 58
#define ET_RTF_KIND_MASK 7ULL
#define ET_RTF_PYTHON 1ULL
#define ET_RTF_NODE 3ULL
#define ET_RTF_V8_COMPILED (1ULL << 57)
#define ET_RTF_ENTRY (1ULL << 57)
#define ET_RTF_IDX_SHIFT 44
#define ET_RTF_IDX_NONE 0x1fffULL
#define ET_RTF_PTR_MASK ((1ULL << 44) - 1)

#define ET_RTF_IS(v) (((v)&ET_RTF_TAG_MASK) == ET_RTF_TAG)
#define ET_RTF_KIND(v) (((v) >> ET_RTF_KIND_SHIFT) & ET_RTF_KIND_MASK)
#define ET_RTF_PTR(v) (((v)&ET_RTF_PTR_MASK) << 3)
#define ET_RTF_IDX(v) (((v) >> ET_RTF_IDX_SHIFT) & ET_RTF_IDX_NONE)
#define ET_RTF_MAKE(kind, ptr, idx, entry)                                     \
	(ET_RTF_TAG | ((unsigned long long)(kind) << ET_RTF_KIND_SHIFT) |      \
	 ((entry) ? ET_RTF_ENTRY : 0) |                                        \
	 ((unsigned long long)(idx) << ET_RTF_IDX_SHIFT) |                     \
	 (((unsigned long long)(ptr) >> 3) & ET_RTF_PTR_MASK))

/* CPython: the per-process map user space fills when a process maps a
 * Python interpreter (rt_python.c), HASH tgid (u32) -> struct
 * et_py_proc; and an LRU HASH tid (u32) -> u64 PyThreadState address,
 * the BPF walker's cache of the thread list search. */
#define ET_PY_PROCS_MAP "et_py_procs"
#define ET_PY_TSTATE_MAP "et_py_tstate"
#define ET_PY_PROCS 256
#define ET_PY_TSTATES 4096

/* et_py_proc.flags */
#define ET_PYF_CFRAME                                                          \
	1 /* tstate->cframe->current_frame (3.11, 3.12);                       \
	     else tstate->current_frame (3.13) */
#define ET_PYF_CSTACK                                                          \
	2 /* frames owned by the C stack (owner ==                             \
	     cstack_owner) are shims that end a native                         \
	     call's run (3.12+); else is_entry does (3.11) */

/* Offsets in bytes into the interpreter's structures; the code object
 * address from the frame's code field (3.13: f_executable). */
struct et_py_proc {
	unsigned long long runtime; /* address of _PyRuntime */
	unsigned int flags;
	short interp_head;    /* _PyRuntimeState.interpreters.head */
	short interp_tstate;  /* PyInterpreterState.threads.head */
	short ts_next;	      /* PyThreadState.next */
	short ts_tid;	      /* PyThreadState.native_thread_id */
	short ts_frame;	      /* .cframe, or .current_frame */
	short cf_frame;	      /* _PyCFrame.current_frame */
	short fr_code;	      /* _PyInterpreterFrame.f_code / f_executable */
	short fr_prev;	      /* .previous */
	short fr_instr;	      /* .prev_instr / instr_ptr */
	short fr_entry;	      /* .is_entry (3.11) */
	short fr_owner;	      /* .owner */
	short co_code;	      /* PyCodeObject.co_code_adaptive */
	short co_qualname;    /* PyCodeObject.co_qualname (pyfunc) */
	short co_filename;    /* .co_filename (pyfile) */
	short co_firstlineno; /* .co_firstlineno (pyline) */
	short str_data;	      /* sizeof(PyASCIIObject): a compact ASCII
				 str's characters */
	unsigned char cstack_owner;
	unsigned char pad[5];
};

/* Node (V8): HASH tgid (u32) -> struct et_v8_proc, filled by
 * runtime/rt_v8.c from the node binary's postmortem metadata (its
 * v8dbg_* symbols) when a process maps one; read by bpf-helpers/v8.c. */
#define ET_V8_PROCS_MAP "et_v8_procs"
#define ET_V8_PROCS 256

struct et_v8_proc {
	short fp_marker;    /* v8dbg_off_fp_context_or_frame_type */
	short fp_function;  /* v8dbg_off_fp_function */
	short fp_bc_array;  /* v8dbg_off_fp_bytecode_array */
	short fp_bc_offset; /* v8dbg_off_fp_bytecode_offset */
	short obj_map;	    /* HeapObject::map */
	short map_type;	    /* Map::instance_type */
	short fn_shared;    /* JSFunction::shared */
	short fn_code;	    /* JSFunction::code (0: optimized code is not
			       read, its frames are the function's only) */
	unsigned short jsfn_first, jsfn_last; /* JSFunction instance types */
	unsigned short sfi_type, bc_type; /* SharedFunctionInfo, BytecodeArray */
	/* an optimized frame's code (ET_RTF_V8_CODE): the Code object's
	 * type, instruction start (a pointer), flags (u32) and instruction
	 * size (u32), and the code kinds with deoptimization data (Maglev,
	 * TurboFan: kind_lo..kind_hi of flags & kind_mask) */
	unsigned short code_type;
	short code_start, code_flags, code_size;
	unsigned char kind_mask, kind_lo, kind_hi;
	unsigned char pad[5];
};

/* A frame of V8's optimized code (kind ET_RTF_V8_CODE, in BPF records):
 * the Code object whose instructions hold the frame's pc, the pc's
 * offset in them (a return address's minus 1: the call's) in bits
 * 57..44 (< ET_RTF_V8_OFF_MAX), the Code's address >> 3 in bits 43..0.
 * User space (rt_v8.c rt_v8_expand) reads the functions inlined at that
 * offset from the Code's deoptimization data and source positions, and
 * turns the frame into ET_RTF_V8_INLINED frames (user space only: a
 * SharedFunctionInfo inlined into the next frame, tier "inlined") and
 * the compiled function's own ET_RTF_NODE frame. */
#define ET_RTF_V8_CODE 5ULL
#define ET_RTF_V8_INLINED 6ULL
#define ET_RTF_V8_OFF_MAX 0x3fffULL
#define ET_RTF_V8_OFF(v) (((v) >> ET_RTF_IDX_SHIFT) & ET_RTF_V8_OFF_MAX)
#define ET_RTF_V8_CODE_MAKE(code, off)                                         \
	(ET_RTF_TAG | (ET_RTF_V8_CODE << ET_RTF_KIND_SHIFT) |                  \
	 ((unsigned long long)(off) << ET_RTF_IDX_SHIFT) |                     \
	 (((unsigned long long)(code) >> 3) & ET_RTF_PTR_MASK))

/* pyfunc, pyfile, pyline: what et_py_top reads of the innermost frame */
#define ET_PY_TOP_FUNC 0
#define ET_PY_TOP_FILE 1
#define ET_PY_TOP_LINE 2

/* HotSpot (kind ET_RTF_JAVA; bpf-helpers/java.c, runtime/rt_java.c).
 * Java frames are not appended after the native ones: the unwinder
 * (unwind.c step) meets them where they are, in the JVM's code cache,
 * and records them in place, in call order:
 *   - an interpreted frame: ET_RTF_MAKE(ET_RTF_JAVA, Method*, bci, 0)
 *     (bci ET_RTF_IDX_NONE: unknown or > 8190);
 *   - a compiled frame (nmethod, or a native method's wrapper):
 *     ET_RTF_JAVA_PC(pc), the frame's pc itself in bits 46..0 with
 *     ET_RTF_ENTRY set: user space finds its nmethod and the methods
 *     inlined at that pc (the nmethod's scopes).
 * User space turns a compiled frame into ET_RTF_JAVA_JIT frames
 * (Method*, bci as above; ET_RTF_ENTRY: inlined into the next frame),
 * kind 4, never in a BPF record. */
#define ET_RTF_JAVA 2ULL
#define ET_RTF_JAVA_JIT 4ULL
#define ET_RTF_JAVA_PCMASK ((1ULL << 47) - 1)
#define ET_RTF_JAVA_PC(pc)                                                     \
	(ET_RTF_TAG | (ET_RTF_JAVA << ET_RTF_KIND_SHIFT) | ET_RTF_ENTRY |      \
	 ((unsigned long long)(pc)&ET_RTF_JAVA_PCMASK))

/* HASH tgid (u32) -> struct et_java_proc, filled by rt_java.c when a
 * process maps libjvm.so, from the VM's own description of itself
 * (gHotSpotVMStructs and friends). */
#define ET_JAVA_PROCS_MAP "et_java_procs"
#define ET_JAVA_PROCS 256
#define ET_JAVA_HEAPS 3

struct et_java_heap {
	unsigned long long lo, hi; /* CodeHeap::_memory's bounds */
	unsigned long long segmap; /* CodeHeap::_segmap's low boundary */
	unsigned int log2_seg;	   /* CodeHeap::_log2_segment_size */
	unsigned int pad;
};

struct et_java_proc {
	unsigned long long lo, hi; /* CodeCache::_low_bound, _high_bound */
	/* the interpreter's code (AbstractInterpreter::_code's buffer) */
	unsigned long long interp_lo, interp_hi;
	struct et_java_heap heap[ET_JAVA_HEAPS];
	unsigned short heapblock;  /* sizeof(HeapBlock) */
	unsigned short cb_name;	   /* CodeBlob::_name */
	unsigned short cb_fco;	   /* CodeBlob::_frame_complete_offset */
	unsigned short cb_fsize;   /* CodeBlob::_frame_size (words) */
	unsigned short cb_begin;   /* CodeBlob::_code_begin */
	unsigned short m_cmethod;  /* Method::_constMethod */
	unsigned short cm_size;	   /* sizeof(ConstMethod): bytecodes there */
	unsigned short cm_deopt;   /* CompiledMethod::_deopt_handler_begin */
	unsigned short nm_origpc;  /* nmethod::_orig_pc_offset */
	unsigned short pad[3];
};

#endif
