/* Go functions on amd64 (issue #16): the Go version of a binary, where
 * Go's calling conventions put a function's arguments and results, and
 * what the code generator needs to read them and the goroutine.
 *
 * Go 1.17 and later pass arguments and results by ABIInternal
 * (src/cmd/compile/abi-internal.md): integer words in RAX RBX RCX RDI
 * RSI R8 R9 R10 R11, floating-point ones in X0-X14, each value either
 * whole in registers or whole on the stack; the goroutine (g) is in
 * R14. Older Go passes everything on the stack (ABI0). A Go function's
 * argument area (argN, args.NAME) is the nine integer registers (offsets
 * 0..71, none with ABI0), then the stack arguments from GO_STACK_AREA
 * (the first at sp + 8 at the entry). */
#ifndef ETRACE_GO_ABI_H
#define ETRACE_GO_ABI_H

#include <stdbool.h>
#include <stdint.h>

#include "compile.h"

#define GO_NREGS 9
#define GO_NFLOATS 15
#define GO_STACK_AREA (GO_NREGS * 8)
/* a value in floating-point registers, which a uprobe cannot read */
#define GO_IN_FLOAT UINT32_MAX

/* One value to place (a parameter or a result): how many registers of
 * each class it takes when it goes in registers, and whether it cannot
 * (an array of more than one element); its size and alignment on the
 * stack. */
struct go_val {
	int nint, nfloat;
	bool stack_only;
	uint64_t size, align;
};

/* Places n values in order as Go does, with nint_regs integer registers
 * (GO_NREGS for ABIInternal, 0 for ABI0): offs[i] is value i's offset
 * in the argument area (a register's word * 8, or GO_STACK_AREA + its
 * stack offset), GO_IN_FLOAT when it went in floating-point registers.
 * Returns the bytes of stack the values take. */
uint64_t go_abi_place(const struct go_val *vals, int n, int nint_regs,
		      uint32_t *offs);

/* The Go version a binary was built with, from its .go.buildinfo
 * section ("go1.19.8"): true and *major, *minor set, or false when it
 * has none (not Go, or older than 1.13). */
bool go_abi_version(const char *path, int *major, int *minor);

/* Does the Go binary at path pass arguments in registers (Go >= 1.17)?
 * When its version is unknown: yes (what Go has done since 2021). */
bool go_abi_regabi(const char *path);

/* The offset of goid in the binary's runtime.g: from its DWARF, else
 * by its Go version (152 from Go 1.17 to 1.22, measured on 1.19); 0
 * when neither tells (*why says so). */
uint32_t go_abi_goid_offset(struct compile_ctx *ctx, const char *path,
			    const char **why);

/* Where Go keeps g in thread-local storage, from the thread pointer (fs
 * base): runtime.tlsg's offset in the executable's TLS block (x86-64
 * variant II: its value less the block's size rounded to its
 * alignment); -8 when the binary does not say (Go's own linker puts g
 * there). */
int64_t go_abi_tls_g(const char *path);

/* Is function func of the Go binary at path Go code, or the C code of a
 * cgo binary? Its DWARF unit's language says, else its name: Go's are
 * qualified by their package ("main.f", "net/http.(*Server).Serve"). */
bool go_abi_is_go_func(struct compile_ctx *ctx, const char *path,
		       const char *func);

/* gostr(s) of a Go string (a record with fields str and len: args.s)
 * or gostr(ptr, len): the function's check (funcs_str.c). */
struct node;
struct type *go_check_gostr(struct compile_ctx *ctx, struct node *call,
			    struct node *probe);

/* goret(N): integer result word N (a constant below GO_NREGS) at the
 * return of a Go function (Go >= 1.17): a uretprobe's, or a latency
 * block's of a uprobe; retval is goret(0). */
struct type *go_check_goret(struct compile_ctx *ctx, struct node *call,
			    struct node *probe);

#endif
