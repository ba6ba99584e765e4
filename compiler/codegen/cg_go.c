/* cg_go.c: functions of Go binaries (compiler/go_abi.h) in uprobes and
 * their returns:
 *   - the argument area: argN and args.NAME from Go's nine integer
 *     argument registers (RAX RBX RCX RDI RSI R8 R9 R10 R11), then the
 *     stack (ABI0, before Go 1.17: the stack only);
 *   - the goroutine: g is in R14 in Go code (ABIInternal), its goid at
 *     the offset the binary's DWARF (or its version) gives, and the
 *     distance of the stack pointer from the top of g's stack;
 *   - the returns: every RET instruction of the function, found with
 *     LLVM's X86 disassembler (never a byte scan: 0xC3 is also the
 *     ModRM or immediate byte of other instructions), each a uprobe
 *     (runtime/attach_uprobe.c) whose cookie is its offset.
 * A latency block (cg_lat.c) keys its saved entry by (goid, stack.hi -
 * sp): a goroutine moves between threads, Go copies its stack when it
 * grows (the distance from the top stays), and a function whose
 * prologue grows the stack runs its entry twice, at the same distance. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <llvm-c/Disassembler.h>
#include <llvm-c/Target.h>

#include "ast.h"
#include "builtins.h"
#include "cg_probe.h"
#include "dwarf_reader.h"
#include "elf_syms.h"
#include "go_abi.h"
#include "typereg.h"

/* pt_regs offsets of Go's integer argument registers, and of r14 */
static const unsigned go_regs[GO_NREGS] = {80, 40, 88, 112, 104,
					   72, 64, 56, 48};
#define REGS_R14 8
/* runtime.g begins with stack {lo, hi uintptr} (runtime2.go) */
#define G_STACK_HI 8

static int nregs(const struct gen *g)
{
	return g->ap && g->ap->go_regabi ? GO_NREGS : 0;
}

/* offsets of runtime.g.m and runtime.m.curg from the binary's DWARF
 * (0: unknown) */
static uint32_t field_off(struct gen *g, const char *rec, const char *f)
{
	struct dwarf_file *df = dwarf_open(g->ctx, g->ap->target);
	struct type *t = df ? dwarf_find_type(g->ctx, df, rec) : NULL;
	uint32_t off = 0;

	if (t && t->kind == T_RECORD && type_field(t, f, &off))
		return off;
	return 0;
}

/* The u64 at user address addr (0 when it cannot be read). */
static LLVMValueRef user_u64(struct gen *g, LLVMValueRef addr)
{
	LLVMValueRef buf = gen_read(g, addr, 8, CG_USER);

	return gen_load(g, buf, type_u64(), true);
}

/* The stack argument at byte off of the stack area: sp + 8 + off at
 * the entry. */
static LLVMValueRef stack_addr(struct gen *g, uint32_t off)
{
	LLVMValueRef sp = gen_ctx_load(g, CG_REGS_SP, 8, false);

	return LLVMBuildAdd(g->b, sp, cg_const(g->cg, 64, 8 + off), "");
}

/* Word i of the argument area (go_abi.h), e for errors. */
static LLVMValueRef area_word(struct gen *g, struct node *e, unsigned i)
{
	unsigned n = (unsigned)nregs(g);

	if (i < n)
		return g->lat_saved ? gen_lat_arg(g, i)
				    : gen_ctx_load(g, go_regs[i], 8, false);
	if (g->lat_saved) {
		if (!n && i < LAT_ARGS - 1)
			return gen_lat_arg(g, i); /* saved by cg_go_lat_save */
		gen_error(g, e->loc,
			  "this argument of a Go function is "
			  "passed on the stack, which the return of a "
			  "latency block cannot read");
		return cg_const(g->cg, 64, 0);
	}
	return user_u64(g, stack_addr(g, (i - n) * 8));
}

LLVMValueRef cg_go_arg(struct gen *g, struct node *e, int n)
{
	return area_word(g, e, (unsigned)n);
}

/* args.NAME: whole words in registers, or the stack's bytes */
LLVMValueRef cg_go_args_field(struct gen *g, struct node *e)
{
	struct type *rec = gen_args_rec(g);
	const struct field *f = NULL;
	uint32_t words, off;
	LLVMValueRef buf;

	for (uint32_t i = 0; rec && i < rec->nfields && !f; i++)
		if (!strcmp(rec->fields[i].name, e->u.field.name))
			f = &rec->fields[i];
	if (!f)
		return NULL;
	off = f->offset;
	if (off >= GO_STACK_AREA || !g->ap->go_regabi) {
		off -= off >= GO_STACK_AREA ? GO_STACK_AREA : 0;
		if (g->lat_saved && (off % 8 || off / 8 >= LAT_ARGS - 1 ||
				     g->ap->go_regabi || e->type->size > 8)) {
			gen_error(g, e->loc,
				  "args.%s is passed on the stack, "
				  "which the return of a latency block cannot "
				  "read",
				  e->u.field.name);
			return cg_const(g->cg, 64, 0);
		}
		if (g->lat_saved)
			return gen_int_norm(g, gen_lat_arg(g, off / 8),
					    e->type);
		buf = gen_read(g, stack_addr(g, off),
			       gen_is_scalar(e->type)
				   ? (e->type->size ? e->type->size : 8)
				   : e->type->size,
			       CG_USER);
		return gen_load(g, buf, e->type, false);
	}
	if (gen_is_scalar(e->type))
		return gen_int_norm(g, area_word(g, e, off / 8), e->type);
	words = (e->type->size + 7) / 8;
	buf = gen_tmp(g, words * 8, "goarg");
	for (uint32_t w = 0; w < words; w++)
		gen_store_al(
		    g,
		    LLVMBuildGEP2(g->b, cg_int(g->cg, 8), buf,
				  (LLVMValueRef[]){cg_const(g->cg, 64, w * 8)},
				  1, ""),
		    GEN_ALIGN, type_u64(), false, area_word(g, e, off / 8 + w),
		    type_u64());
	return buf;
}

/* What the entry of a latency block saves: the argument area's first
 * words (registers, or with ABI0 the stack), the function in
 * LAT_FUNC_SLOT. */
LLVMValueRef cg_go_lat_save(struct gen *g, unsigned i)
{
	unsigned n = (unsigned)nregs(g);

	if (i == LAT_FUNC_SLOT)
		return cg_go_entry_func(g);
	if (i < n)
		return gen_ctx_word(g, go_regs[i]);
	if (!n && i < LAT_ARGS - 1)
		return user_u64(g, stack_addr(g, i * 8));
	return NULL;
}

/* curtask->thread.fsbase: the thread pointer, through the kernel's
 * BTF (a CO-RE access when compiled ahead of time, cg_kstruct.c); 0
 * after gen_error when the kernel's BTF has no such field. */
static LLVMValueRef fsbase(struct gen *g, struct loc loc)
{
	struct arena *a = g->ctx->arena;
	struct type *task = typereg_record(g->ctx, "struct task_struct");
	const struct field *th = NULL, *fs = NULL;
	struct node *cur, *thr, *fsb;
	uint32_t off;

	if (task)
		th = type_field(task, "thread", &off);
	if (th && th->type->kind == T_RECORD)
		fs = type_field(th->type, "fsbase", &off);
	if (!fs) {
		gen_error(g, loc,
			  "Cannot read goid outside Go code: the "
			  "kernel's BTF has no task_struct.thread.fsbase "
			  "(where Go's thread-local g is)");
		return cg_const(g->cg, 64, 0);
	}
	cur = ast_ident(a, loc, "curtask");
	cur->u.ident.builtin = builtin_find("curtask");
	cur->type = type_ptr(a, task, AS_KERNEL);
	thr = ast_field(a, loc, cur, "thread", true);
	thr->type = th->type;
	fsb = ast_field(a, loc, thr, "fsbase", false);
	fsb->type = fs->type;
	return gen_expr(g, fsb);
}

/* g: R14 in Go code (ABIInternal), when its stack holds sp; else (C code
 * of a cgo binary, a system stack, Go before 1.17) the g of the thread,
 * at its offset from the thread pointer (runtime.tlsg) */
static LLVMValueRef go_g(struct gen *g, struct loc loc)
{
	LLVMValueRef r14, lo, hi, sp, in, tls, tg, res;
	LLVMBasicBlockRef tls_bb, done;

	if (!g->ap->go_regabi || !cg_go_code(g))
		goto from_tls;
	r14 = gen_ctx_load(g, REGS_R14, 8, false);
	lo = user_u64(g, r14);
	hi = user_u64(
	    g, LLVMBuildAdd(g->b, r14, cg_const(g->cg, 64, G_STACK_HI), ""));
	sp = gen_ctx_load(g, CG_REGS_SP, 8, false);
	in = LLVMBuildAnd(g->b, LLVMBuildICmp(g->b, LLVMIntULT, lo, sp, ""),
			  LLVMBuildICmp(g->b, LLVMIntULE, sp, hi, ""), "");
	res = gen_tmp(g, 8, "g");
	gen_store_al(g, res, GEN_ALIGN, type_u64(), false, r14, type_u64());
	tls_bb = gen_block(g, "g_tls");
	done = gen_block(g, "g_done");
	LLVMBuildCondBr(g->b, in, done, tls_bb);
	LLVMPositionBuilderAtEnd(g->b, tls_bb);
	tls = fsbase(g, loc);
	tg = user_u64(
	    g, LLVMBuildAdd(
		   g->b, tls,
		   cg_const(g->cg, 64, (uint64_t)go_abi_tls_g(g->ap->target)),
		   ""));
	gen_store_al(g, res, GEN_ALIGN, type_u64(), false, tg, type_u64());
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return gen_load_al(g, res, GEN_ALIGN, type_u64(), true);
from_tls:
	tls = fsbase(g, loc);
	return user_u64(
	    g, LLVMBuildAdd(
		   g->b, tls,
		   cg_const(g->cg, 64, (uint64_t)go_abi_tls_g(g->ap->target)),
		   ""));
}

static uint32_t goid_offset(struct gen *g, struct loc loc)
{
	const char *why = NULL;
	uint32_t off = go_abi_goid_offset(g->ctx, g->ap->target, &why);

	if (!off)
		gen_error(g, loc, "Cannot read goid: %s", why);
	return off;
}

/* In C code (cgo) the thread's g is its g0, whose goid is 0, or the
 * signal g: the goroutine that called is g.m.curg (offsets from DWARF;
 * without them, goid stays g's). */
static LLVMValueRef curg_goid(struct gen *g, LLVMValueRef gp, LLVMValueRef goid,
			      uint32_t off)
{
	uint32_t m_off = field_off(g, "struct runtime.g", "m");
	uint32_t curg_off = field_off(g, "struct runtime.m", "curg");
	LLVMValueRef m, curg, cgoid, res;
	LLVMBasicBlockRef follow, done;

	if (!m_off || !curg_off)
		return goid;
	res = gen_tmp(g, 8, "goid");
	gen_store_al(g, res, GEN_ALIGN, type_u64(), false, goid, type_u64());
	follow = gen_block(g, "curg");
	done = gen_block(g, "curg_done");
	LLVMBuildCondBr(
	    g->b,
	    LLVMBuildICmp(g->b, LLVMIntEQ, goid, cg_const(g->cg, 64, 0), ""),
	    follow, done);
	LLVMPositionBuilderAtEnd(g->b, follow);
	m = user_u64(g, LLVMBuildAdd(g->b, gp, cg_const(g->cg, 64, m_off), ""));
	curg = user_u64(
	    g, LLVMBuildAdd(g->b, m, cg_const(g->cg, 64, curg_off), ""));
	cgoid =
	    user_u64(g, LLVMBuildAdd(g->b, curg, cg_const(g->cg, 64, off), ""));
	gen_store_al(g, res, GEN_ALIGN, type_u64(), false, cgoid, type_u64());
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return gen_load_al(g, res, GEN_ALIGN, type_u64(), true);
}

LLVMValueRef cg_go_goid(struct gen *g, struct node *e)
{
	LLVMValueRef gp, goid;
	uint32_t off;

	if (!g->ap || !g->ap->go) {
		gen_error(g, e->loc,
			  "goid is known in uprobes of Go binaries "
			  "only");
		return cg_const(g->cg, 64, 0);
	}
	off = goid_offset(g, e->loc);
	gp = go_g(g, e->loc);
	goid =
	    user_u64(g, LLVMBuildAdd(g->b, gp, cg_const(g->cg, 64, off), ""));
	if (cg_go_code(g))
		return goid;
	return curg_goid(g, gp, goid, off);
}

void cg_go_lat_key(struct gen *g, LLVMValueRef key)
{
	uint32_t off = goid_offset(g, g->probe->loc);
	LLVMValueRef gp = go_g(g, g->probe->loc), hi, sp, goid;

	goid =
	    user_u64(g, LLVMBuildAdd(g->b, gp, cg_const(g->cg, 64, off), ""));
	hi = user_u64(
	    g, LLVMBuildAdd(g->b, gp, cg_const(g->cg, 64, G_STACK_HI), ""));
	sp = gen_ctx_load(g, CG_REGS_SP, 8, false);
	gen_store_al(g, key, GEN_ALIGN, type_u64(), false, goid, type_u64());
	gen_store_al(g,
		     LLVMBuildGEP2(g->b, cg_int(g->cg, 8), key,
				   (LLVMValueRef[]){cg_const(g->cg, 64, 8)}, 1,
				   ""),
		     GEN_ALIGN, type_u64(), false,
		     LLVMBuildSub(g->b, hi, sp, "depth"), type_u64());
}

/* func at a RET: its address less the RET's offset (the cookie) */
LLVMValueRef cg_go_ret_func(struct gen *g)
{
	LLVMValueRef c = gen_probe_ctx(g);
	LLVMValueRef cookie =
	    cg_helper_call(g->cg, BPF_FUNC_get_attach_cookie, NULL, &c, 1);

	return LLVMBuildSub(g->b, gen_ctx_load(g, CG_REGS_IP, 8, false), cookie,
			    "func");
}

/* gostr(s) or gostr(ptr, len): the string's bytes (at most strlen - 1:
 * Go strings end with no NUL), NUL-terminated */
static LLVMValueRef gostr(struct gen *g, struct node *e)
{
	struct node *a = e->u.call.args, *n = a->next;
	uint32_t size = e->type->size, poff = 0, loff = 0;
	LLVMValueRef buf, p, len, cap = cg_const(g->cg, 64, size - 1);

	p = gen_expr(g, a);
	if (n) {
		len = gen_expr(g, n);
	} else {
		const struct field *fp = type_field(a->type, "str", &poff);
		const struct field *fl = type_field(a->type, "len", &loff);

		len = gen_load(
		    g,
		    LLVMBuildGEP2(g->b, cg_int(g->cg, 8), p,
				  (LLVMValueRef[]){cg_const(g->cg, 64, loff)},
				  1, ""),
		    fl->type, false);
		p = gen_load(
		    g,
		    LLVMBuildGEP2(g->b, cg_int(g->cg, 8), p,
				  (LLVMValueRef[]){cg_const(g->cg, 64, poff)},
				  1, ""),
		    fp->type, false);
	}
	len =
	    LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntUGT, len, cap, ""),
			    cap, len, "len");
	buf = gen_tmp(g, size, "gostr");
	gen_loc(g, e);
	cg_probe_read(g->cg, CG_USER, buf,
		      LLVMBuildTrunc(g->b, len, cg_int(g->cg, 32), ""),
		      LLVMBuildIntToPtr(g->b, p, cg_ptr(g->cg), ""));
	return buf;
}

const struct cg_func cg_func_GOSTR = {.call = gostr};

/* goret(N): result register N at the RET (ABIInternal) */
static LLVMValueRef goret(struct gen *g, struct node *e)
{
	int64_t n = e->u.call.args->u.integer.value;

	if (!cg_go_code(g)) {
		gen_error(g, e->loc,
			  "goret() reads a Go function's results: "
			  "%s is C code (cgo), use retval",
			  g->args_target ? g->args_target : g->ap->func);
		return cg_const(g->cg, 64, 0);
	}
	return gen_ctx_load(g, go_regs[n], 8, false);
}

const struct cg_func cg_func_GORET = {.call = goret};

/* ---- the RET instructions ---- */

/* One decoded instruction: where, how long, and what kind of control
 * transfer it is (a jump's target from its rel8/rel32 operand). */
enum insn_kind { I_OTHER, I_RET, I_JCC, I_JMP };

struct insn {
	size_t off, len;
	enum insn_kind kind;
	int64_t target; /* I_JCC, I_JMP with a relative operand; else -1 */
};

static bool word_is(const char *text, const char *const *words)
{
	char word[16];
	const char *p = text;

	/* each word: "\tretq", "\trep\n\tretq", "\tretq\t$8" */
	while (*p) {
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == ';')
			p++;
		n = strcspn(p, " \t\n;");
		if (n && n < sizeof(word)) {
			memcpy(word, p, n);
			word[n] = '\0';
			for (int i = 0; words[i]; i++)
				if (!strcmp(word, words[i]))
					return true;
		}
		p += n;
	}
	return false;
}

static const char *const rets[] = {"ret", "retq", "retl", "retw", NULL};
static const char *const jmps[] = {"jmp", "jmpq", NULL};
static const char *const jccs[] = {"jo",  "jno", "jb",	"jae", "je", "jne",
				   "jbe", "ja",	 "js",	"jns", "jp", "jnp",
				   "jl",  "jge", "jle", "jg",  NULL};

/* the target of a relative jump: its last 1 or 4 bytes are the
 * displacement (EB/7x rel8, E9/0F 8x rel32) */
static int64_t rel_target(const unsigned char *code, const struct insn *in)
{
	const unsigned char *b = code + in->off;
	int32_t d32;

	if (in->len == 2 && (b[0] == 0xeb || (b[0] & 0xf0) == 0x70))
		return (int64_t)(in->off + 2) + (int8_t)b[1];
	if ((in->len == 5 && b[0] == 0xe9) ||
	    (in->len == 6 && b[0] == 0x0f && (b[1] & 0xf0) == 0x80)) {
		memcpy(&d32, b + in->len - 4, 4);
		return (int64_t)(in->off + in->len) + d32;
	}
	return -1;
}

/* Decodes size bytes of x86-64 code: their number (*out malloc'ed), or
 * -1 with *why when an instruction cannot be decoded. */
static int decode(const unsigned char *code, size_t size, struct insn **out,
		  const char **why)
{
	static bool inited;
	LLVMDisasmContextRef dc;
	struct insn *v;
	size_t off = 0;
	int n = 0;

	if (!inited) {
		LLVMInitializeX86TargetInfo();
		LLVMInitializeX86TargetMC();
		LLVMInitializeX86Disassembler();
		inited = true;
	}
	dc = LLVMCreateDisasm("x86_64-unknown-linux-gnu", NULL, 0, NULL, NULL);
	if (!dc) {
		*why = "LLVM has no x86-64 disassembler";
		return -1;
	}
	v = calloc(size ? size : 1, sizeof(*v));
	while (v && off < size) {
		char text[128];
		size_t len =
		    LLVMDisasmInstruction(dc, (uint8_t *)code + off, size - off,
					  off, text, sizeof(text));
		struct insn *in = &v[n];

		if (!len) {
			*why = "an instruction the disassembler does not "
			       "know";
			n = -1;
			break;
		}
		in->off = off;
		in->len = len;
		in->kind = word_is(text, rets)	 ? I_RET
			   : word_is(text, jmps) ? I_JMP
			   : word_is(text, jccs) ? I_JCC
						 : I_OTHER;
		in->target = in->kind == I_JMP || in->kind == I_JCC
				 ? rel_target(code, in)
				 : -1;
		n++;
		off += len;
	}
	LLVMDisasmDispose(dc);
	if (!v) {
		*why = "out of memory";
		return -1;
	}
	if (n < 0)
		free(v);
	else
		*out = v;
	return n;
}

int cg_go_find_rets(const unsigned char *code, size_t size, uint64_t **out,
		    const char **why)
{
	struct insn *v = NULL;
	uint64_t *r;
	int n = decode(code, size, &v, why), k = 0;

	if (n < 0)
		return -1;
	r = calloc((size_t)n + 1, sizeof(*r));
	for (int i = 0; r && i < n; i++)
		if (v[i].kind == I_RET)
			r[k++] = v[i].off;
	free(v);
	if (!r) {
		*why = "out of memory";
		return -1;
	}
	*out = r;
	return k;
}

uint64_t cg_go_entry_offset(const unsigned char *code, size_t size)
{
	struct insn *v = NULL;
	const char *why;
	int n = decode(code, size, &v, &why);
	uint64_t entry = 0;

	/* the stack check: a conditional jump among the first
	 * instructions to a block that (after saving the arguments and
	 * calling morestack) jumps back to the start */
	for (int i = 0; i < n && i < 4 && !entry; i++) {
		if (v[i].kind != I_JCC || v[i].target <= (int64_t)v[i].off)
			continue;
		for (int j = i + 1; j < n; j++) {
			if (v[j].off < (size_t)v[i].target)
				continue;
			if (v[j].off > (size_t)v[i].target + 256)
				break;
			if (v[j].kind == I_JMP && v[j].target == 0) {
				entry = v[i].off + v[i].len;
				break;
			}
		}
	}
	free(v);
	return entry;
}

/* The function's code from the file: its entry past the stack check
 * into ep->go_entry, and for a return probe its RETs into ep->go_rets */
static void go_code(struct gen *g, struct probe_meta *ep,
		    struct attach_point *ap, const char *t, bool ret)
{
	const char *func = t ? t : ap->func, *why = NULL;
	struct elf_syms *es = elf_syms__open(ap->target);
	const struct elf_sym *s = es ? elf_syms__find(es, func) : NULL;
	unsigned char *code = NULL;
	uint64_t *rets = NULL;
	int fd = -1, n = -1;

	if (!s || !s->size) {
		why = "its symbol and size are unknown";
		goto out;
	}
	code = malloc(s->size);
	fd = open(ap->target, O_RDONLY | O_CLOEXEC);
	if (!code || fd < 0 ||
	    pread(fd, code, s->size, (off_t)s->offset) != (ssize_t)s->size) {
		why = "its code cannot be read";
		goto out;
	}
	ep->go_entry = cg_go_entry_offset(code, s->size);
	if (!ret) {
		n = 1;
		goto out;
	}
	n = cg_go_find_rets(code, s->size, &rets, &why);
	if (n == 0)
		why = "it has no RET instruction (it never returns, or ends "
		      "in a jump to another function)";
	if (n > 0) {
		ep->go_rets = arena_calloc(g->ctx->arena, (size_t)n,
					   sizeof(*ep->go_rets));
		memcpy(ep->go_rets, rets, (size_t)n * sizeof(*rets));
		ep->ngo_rets = n;
	}
out:
	/* a wildcard's function that never returns is left out (its
	 * program attaches nowhere), with a warning */
	if (n == 0 && ret && t)
		diag_warning(&g->ctx->diags, ap->loc,
			     "Not tracing the return "
			     "of Go function %s of %s: %s",
			     func, ap->target, why);
	else if (n <= 0 && ret)
		gen_error(g, ap->loc,
			  "Cannot trace the return of Go function "
			  "%s of %s: %s",
			  func, ap->target, why);
	free(rets);
	free(code);
	if (fd >= 0)
		close(fd);
	elf_syms__close(es);
}

bool cg_go_code(const struct gen *g)
{
	return g->ep && g->ep->go_code;
}

void cg_go_begin(struct gen *g, struct probe_meta *ep, struct attach_point *ap,
		 const char *t)
{
	if (!ap->go)
		return;
	/* the C functions of a cgo binary follow C's conventions */
	ep->go_code = go_abi_is_go_func(g->ctx, ap->target, t ? t : ap->func);
	if (!ep->go_code || ap->has_offset || ap->has_address || ap->src_file ||
	    ep->ngo_rets || ep->go_entry)
		return;
	go_code(g, ep, ap, t,
		ap->kind == PK_URETPROBE || g->probe->u.probe.at_return);
}

/* func at a Go function's entry probe, past its stack check */
LLVMValueRef cg_go_entry_func(struct gen *g)
{
	return LLVMBuildSub(g->b, gen_ctx_load(g, CG_REGS_IP, 8, false),
			    cg_const(g->cg, 64, g->ep ? g->ep->go_entry : 0),
			    "func");
}
