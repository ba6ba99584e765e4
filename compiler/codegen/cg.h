/* cg: a thin layer over the LLVM 16 C API for building BPF programs.
 *
 * One struct cg is one LLVM module on its way to a BPF ELF object: maps
 * described in BTF (so libbpf's bpf_object__open_mem understands them),
 * probe functions with debug info (the BPF backend needs a DISubprogram
 * for every function), BPF helper calls, and the C helpers of bpf-helpers/
 * linked in from embedded bitcode. Only compiler/ includes this header.
 *
 * Errors: functions return 0 or a negative errno; the message of the last
 * failure is kept in the cg (cg_strerror). Functions that build IR and
 * cannot fail return LLVM values directly.
 *
 * Memory: the cg owns every LLVM object it hands out; cg__free releases
 * them all. Buffers from cg_emit are malloc'ed and owned by the caller. */
#ifndef ETRACE_CG_H
#define ETRACE_CG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/bpf.h>
#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>

struct cg;

/* A new module named name (used as the BTF compile unit name too). The
 * BPF target is initialized and its target machine created on the first
 * call in the process. NULL with errno set on failure (message on
 * stderr: there is no cg to keep it in). */
struct cg *cg__new(const char *name);
void cg__free(struct cg *cg);

/* The message of the last failure, or "" when there was none. */
const char *cg_strerror(const struct cg *cg);

/* Raw LLVM handles, for code generation that goes beyond these helpers.
 * The builder is positioned in the current probe's body. */
LLVMContextRef cg_context(struct cg *cg);
LLVMModuleRef cg_module(struct cg *cg);
LLVMBuilderRef cg_builder(struct cg *cg);
LLVMDIBuilderRef cg_dibuilder(struct cg *cg);
LLVMMetadataRef cg_difile(struct cg *cg);

/* Integer type of bits bits, and the (opaque) pointer type. */
LLVMTypeRef cg_int(struct cg *cg, unsigned bits);
LLVMTypeRef cg_ptr(struct cg *cg);
/* Constant of type cg_int(bits). */
LLVMValueRef cg_const(struct cg *cg, unsigned bits, uint64_t v);

/* ---- debug info types for BTF ---- */

/* Unsigned integer of size bytes (1, 2, 4, 8, 16) or, for other sizes,
 * unsigned char[size]. */
LLVMMetadataRef cg_di_sized(struct cg *cg, uint32_t size);

/* ---- maps (cg_map.c) ---- */

struct cg_map_spec {
	const char *name;
	enum bpf_map_type type;
	uint32_t max_entries;
	uint32_t key_size;   /* 0: no key member (ring buffer) */
	uint32_t value_size; /* 0: no value member */
	uint32_t map_flags;
	/* Optional BTF types for key and value; when NULL, cg_di_sized() of
	 * the sizes above. A given type must have the size given above. */
	LLVMMetadataRef key_type;
	LLVMMetadataRef value_type;
};

/* Define a BTF-described map (a global in section ".maps"). Returns the
 * global to pass to map helpers, NULL when spec is invalid (name taken,
 * no name, zero max_entries). */
LLVMValueRef cg_map_define_spec(struct cg *cg, const struct cg_map_spec *s);
/* Shorthand with sized key and value types. */
LLVMValueRef cg_map_define(struct cg *cg, const char *name,
			   enum bpf_map_type type, uint32_t max_entries,
			   uint32_t key_size, uint32_t value_size);
/* A u<bits> variable in .rodata that the runtime sets before loading
 * (libbpf's read-only global data): the verifier then knows its value,
 * and drops the code a zero makes dead. Returns the global, NULL (message
 * kept) when the name is taken. */
LLVMValueRef cg_rodata_define(struct cg *cg, const char *name, unsigned bits);
/* The same for a char[size] (a getopt string option). */
LLVMValueRef cg_rodata_define_bytes(struct cg *cg, const char *name,
				    uint32_t size);
/* Its value, at the builder's position (a volatile load). */
LLVMValueRef cg_rodata_load(struct cg *cg, LLVMValueRef g, unsigned bits);

/* The map global defined under name, or NULL. */
LLVMValueRef cg_map_get(struct cg *cg, const char *name);

/* ---- probes (cg_module.c) ---- */

/* Start a program: i64 fn_name(ptr ctx) in ELF section `section` (libbpf
 * derives the program type and attach point from it, e.g.
 * "tracepoint/syscalls/sys_enter_getppid"). Allocas go to a separate
 * entry block; the builder is left at the start of the body. Returns the
 * function, NULL (message kept) when a probe is still open or the name
 * is taken. */
LLVMValueRef cg_probe_begin(struct cg *cg, const char *fn_name,
			    const char *section);
/* The ctx argument of the open probe. */
LLVMValueRef cg_probe_ctx(struct cg *cg);
/* Close the open probe: the entry block falls through to the body. The
 * body's last block must already end in a terminator (cg_return). */
int cg_probe_end(struct cg *cg);
/* ret i64 v, the usual end of a probe's body. */
void cg_return(struct cg *cg, uint64_t v);

/* Stack slot of type ty in the open probe's entry block (the BPF backend
 * rejects allocas anywhere else). */
LLVMValueRef cg_alloca(struct cg *cg, LLVMTypeRef ty, const char *name);
/* An alloca of ty filled with zeros at the current position (the
 * verifier rejects passing uninitialized stack to helpers). */
LLVMValueRef cg_alloca_zero(struct cg *cg, LLVMTypeRef ty, const char *name);

/* Mark where the stack slot of an alloca is in use: slots whose uses do
 * not overlap then share stack (BPF has 512 bytes). A slot is dead
 * before its start and after its end. */
void cg_lifetime_start(struct cg *cg, LLVMValueRef alloca);
void cg_lifetime_end(struct cg *cg, LLVMValueRef alloca);

/* Source position of the instructions built from now on (script line and
 * column, 1-based); it names the script line in the verifier's log. */
void cg_set_loc(struct cg *cg, unsigned line, unsigned col);

/* The "license" section; "GPL" unless set before cg_emit. */
void cg_set_license(struct cg *cg, const char *license);

/* ---- BPF helper calls (cg_helper.c) ---- */

/* Call helper id with args; ret is its return type (NULL: i64). */
LLVMValueRef cg_helper_call(struct cg *cg, enum bpf_func_id id, LLVMTypeRef ret,
			    LLVMValueRef *args, unsigned n);

/* -k: once set, hook(arg, id, r, args, n) runs after
 * every helper call the wrappers here build (r: the call's result; for a
 * user read retried after a fault, the last attempt's) with the builder
 * right after the call; it may add blocks and must leave the builder
 * where the code goes on. The helper calls it makes are not hooked
 * themselves, nor are the wrappers' internal ones (the fault-in reads
 * of cg_probe_read_str). NULL: no hook (the default: no code added). */
typedef void (*cg_helper_hook)(void *arg, enum bpf_func_id id,
			       LLVMValueRef r, LLVMValueRef *args,
			       unsigned n);
void cg_set_helper_hook(struct cg *cg, cg_helper_hook fn, void *arg);

/* bpf_map_lookup_elem: a pointer to the value, or null. */
LLVMValueRef cg_map_lookup(struct cg *cg, LLVMValueRef map, LLVMValueRef key);
/* bpf_map_update_elem with flags (BPF_ANY, BPF_NOEXIST, BPF_EXIST). */
LLVMValueRef cg_map_update(struct cg *cg, LLVMValueRef map, LLVMValueRef key,
			   LLVMValueRef value, uint64_t flags);
LLVMValueRef cg_map_delete(struct cg *cg, LLVMValueRef map, LLVMValueRef key);

enum cg_space {
	CG_KERNEL,
	CG_USER,
};
/* bpf_probe_read_{kernel,user}(dst, size, src); size is i32 or a
 * constant. Returns i64 (0 or -errno). */
LLVMValueRef cg_probe_read(struct cg *cg, enum cg_space sp, LLVMValueRef dst,
			   LLVMValueRef size, LLVMValueRef src);
/* bpf_probe_read_{kernel,user}_str: length read including the NUL. */
LLVMValueRef cg_probe_read_str(struct cg *cg, enum cg_space sp,
			       LLVMValueRef dst, LLVMValueRef size,
			       LLVMValueRef src);

/* bpf_ringbuf_output(map, data, size, 0). */
LLVMValueRef cg_ringbuf_output(struct cg *cg, LLVMValueRef map,
			       LLVMValueRef data, uint64_t size);

LLVMValueRef cg_get_pid_tgid(struct cg *cg);
LLVMValueRef cg_get_uid_gid(struct cg *cg);
LLVMValueRef cg_ktime_get_ns(struct cg *cg);
LLVMValueRef cg_get_cpu(struct cg *cg);
/* bpf_get_current_comm(buf, size). */
LLVMValueRef cg_get_current_comm(struct cg *cg, LLVMValueRef buf,
				 uint32_t size);

/* ---- relocatable (CO-RE) accesses (cg_core.c) ---- */

/* Pointers into a record of kernel memory whose layout libbpf fixes at
 * load from the running kernel's BTF. di is the debug info type of the
 * record (or array) indexed: its members, with their offsets, are what
 * the relocation is made of. A chain of these calls, each on the one
 * before, is one relocation. */

/* &base->member idx of a struct; rec: an IR type with the record's size
 * and alignment (the pass reads a bitfield's storage from it). */
LLVMValueRef cg_core_struct(struct cg *cg, LLVMValueRef base,
			    LLVMTypeRef rec, unsigned idx, LLVMMetadataRef di);
/* &base->member idx of a union. */
LLVMValueRef cg_core_union(struct cg *cg, LLVMValueRef base, unsigned idx,
			   LLVMMetadataRef di);
/* &(*base)[idx] of an array (arr: an IR type of its size). */
LLVMValueRef cg_core_array(struct cg *cg, LLVMValueRef base, LLVMTypeRef arr,
			   unsigned idx, LLVMMetadataRef di);

/* llvm.bpf.preserve.field.info kinds (libbpf's bpf_field_info_kind). */
enum cg_field_info {
	CG_FIELD_BYTE_OFFSET = 0, /* from the chain's base */
	CG_FIELD_BYTE_SIZE = 1,
	CG_FIELD_LSHIFT_U64 = 4,
	CG_FIELD_RSHIFT_U64 = 5,
};
/* What kind says of the field the chain ending in field reaches (an
 * i32), relocated: how BPF_CORE_READ_BITFIELD reads a bitfield. */
LLVMValueRef cg_core_field_info(struct cg *cg, LLVMValueRef field,
				enum cg_field_info kind);

/* ---- C helpers from bpf-helpers/ (cg_link.c) ---- */

/* Parse the embedded bitcode of bpf-helpers/ and link it into the module;
 * its functions become internal, so that cg_optimize inlines them and
 * drops the unused ones. Idempotent. */
int cg_link_helpers(struct cg *cg);
/* Call the bpf-helpers function name (linking them first if needed).
 * NULL (message kept) when there is no such function or n does not match
 * its parameter count. See bpf-helpers/helpers.h for the list. */
LLVMValueRef cg_libcall(struct cg *cg, const char *name, LLVMValueRef *args,
			unsigned n);

/* ---- output (cg_emit.c) ---- */

/* Finalize debug info and check the module; no more probes after this. */
int cg_verify(struct cg *cg);
/* cg_verify, then the optimization pipeline (O2's passes that change
 * BPF objects: cg_emit.c). */
int cg_optimize(struct cg *cg);
/* cg_verify, then only what the BPF target needs of the pipeline (the
 * lowering of relocatable accesses): for an unoptimized object. */
int cg_lower(struct cg *cg);
/* The module as a BPF ELF object in *buf (malloc'ed, caller frees). */
int cg_emit(struct cg *cg, void **buf, size_t *len);
int cg_emit_file(struct cg *cg, const char *path);
/* Textual IR, for -d stages. */
int cg_print_ir(struct cg *cg, FILE *f);
/* The unoptimized module (finalized, not verified) as bitcode in *buf
 * (malloc'ed, caller frees): the key of the object cache. */
int cg_bitcode(struct cg *cg, void **buf, size_t *len);
/* LLVM version and target triple, CPU and features as text in buf. */
int cg_target_id(struct cg *cg, char *buf, size_t size);

#endif
