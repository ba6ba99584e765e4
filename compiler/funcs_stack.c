/* Stacks, symbols and registers: kstack ustack ksym usym kaddr uaddr
 * reg. */
#include "funcs.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "elf_syms.h"
#include "probe.h"

#define MAX_STACK_FRAMES 1024

static bool stack_mode(const char *name, enum stack_mode *mode)
{
	static const struct { const char *name; enum stack_mode mode; } m[] = {
		{ "bpftrace", STACK_BPFTRACE },
		{ "perf", STACK_PERF },
		{ "raw", STACK_RAW },
		{ "build_id", STACK_BUILD_ID },
		{ "native", STACK_NATIVE },
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		if (!strcmp(name, m[i].name)) {
			*mode = m[i].mode;
			return true;
		}
	}
	return false;
}

/* kstack([mode] [, frames]), ustack(...): the mode is a bare identifier
 * (FN_MODE_ARG), frames an integer literal up to 1024. */
static struct type *check_stack(struct compile_ctx *ctx, struct node *call,
				struct node *probe)
{
	enum stack_mode mode = ctx->opts.stack_mode;
	struct node *a = fn_arg(call, 0);
	int64_t frames = 127;
	int i = 0;

	if (a && a->kind == N_IDENT && !a->u.ident.builtin) {
		if (!stack_mode(a->u.ident.name, &mode)) {
			diag_error(&ctx->diags, a->loc,
				   "Unknown stack mode: '%s' (expected bpftrace, perf, raw, build_id or native)",
				   a->u.ident.name);
			return NULL;
		}
		if (mode == STACK_BUILD_ID && call->u.call.name[0] == 'k') {
			/* bpftrace 0.26's words */
			diag_error(&ctx->diags, call->loc,
				   "'build_id' stack mode can only be used for ustack");
			return NULL;
		}
		if (mode == STACK_NATIVE && call->u.call.name[0] == 'k') {
			diag_error(&ctx->diags, a->loc,
				   "'native' stack mode can only be used for ustack (a kernel stack has no interpreted frames)");
			return NULL;
		}
		i = 1;
	}
	if (i == 0 && call->u.call.nargs > 1) {
		diag_error(&ctx->diags, a->loc,
			   "%s(): the first of two arguments must be a stack mode (bpftrace, perf, raw, build_id or native)",
			   call->u.call.name);
		return NULL;
	}
	if (i < call->u.call.nargs) {
		if (!fn_int_literal(ctx, call, i, &frames))
			return NULL;
		if (frames < 0) {
			diag_error(&ctx->diags, fn_arg(call, i)->loc,
				   "%s() limit must not be negative (%" PRId64 " given)",
				   call->u.call.name, frames);
			return NULL;
		}
		if (frames > MAX_STACK_FRAMES) {
			diag_error(&ctx->diags, fn_arg(call, i)->loc,
				   "%s([int limit]): limit shouldn't exceed %d, %" PRId64 " given",
				   call->u.call.name, MAX_STACK_FRAMES, frames);
			return NULL;
		}
	}
	return type_stack(ctx->arena, call->u.call.name[0] == 'k', mode,
			  (int)frames);
}

static struct type *check_sym(struct compile_ctx *ctx, struct node *call,
			      struct node *probe)
{
	struct node *a = fn_arg(call, 0);

	if (!a->type)
		return NULL;
	if (a->type->kind != T_INT && a->type->kind != T_PTR) {
		diag_error(&ctx->diags, a->loc,
			   "%s() expects an integer or pointer argument (%s provided)",
			   call->u.call.name, fn_kind_name(a->type));
		return NULL;
	}
	return type_simple(ctx->arena,
			   call->u.call.name[0] == 'k' ? T_KSYM : T_USYM, 8);
}

/* Whether /proc/kallsyms lists name (any kind of symbol); true when it
 * cannot be read (the run will say). */
static bool kallsyms_has(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256];
	bool found = f == NULL;

	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %255s", sym) == 1 &&
			!strcmp(sym, name);
	if (f)
		fclose(f);
	return found;
}

/* Compiled to run here, a symbol this kernel does not list is an error
 * now (the runtime resolves it before attaching, and says the same). */
static struct type *check_kaddr(struct compile_ctx *ctx, struct node *call,
				struct node *probe)
{
	const char *s;

	(void)probe;
	if (!fn_str_literal(ctx, call, 0, &s, NULL))
		return NULL;
	if (!ctx->opts.ahead_of_time &&
	    !(ctx->opts.kallsyms && !ctx->opts.kallsyms[0]) &&
	    !kallsyms_has(s)) {
		diag_error(&ctx->diags, call->loc,
			   "kaddr(\"%s\"): no kernel symbol '%s' in "
			   "/proc/kallsyms (this kernel may list only "
			   "functions: CONFIG_KALLSYMS_ALL is off)",
			   s, s);
		return NULL;
	}
	return type_u64();
}

/* percpu_kaddr(name [, cpu]) (bpftrace 0.26): the address of a per-CPU
 * kernel variable on this CPU or on cpu, through bpf_this_cpu_ptr or
 * bpf_per_cpu_ptr of the variable as a typed ksym. The variable must be
 * in the kernel's BTF (which describes the per-CPU ones), and the
 * kernel must be able to resolve its address: the verifier looks it up
 * with kallsyms_lookup_name, which finds variables only with
 * CONFIG_KALLSYMS_ALL (then /proc/kallsyms lists them). */
static struct type *check_percpu_kaddr(struct compile_ctx *ctx,
				       struct node *call, struct node *probe)
{
	struct btf *btf = compile_btf(ctx);
	const char *s;

	if (!fn_str_literal(ctx, call, 0, &s, NULL) ||
	    (fn_arg(call, 1) && !fn_int_arg(ctx, call, 1)))
		return NULL;
	if (!btf || btf__find_by_name_kind(btf, s, BTF_KIND_VAR) <= 0) {
		diag_error(&ctx->diags, fn_arg(call, 0)->loc,
			   "percpu_kaddr(\"%s\"): no per-CPU kernel variable "
			   "'%s' in %s",
			   s, s,
			   btf ? "the kernel's BTF"
			       : "the kernel's BTF, which cannot be read");
		return NULL;
	}
	if (!ctx->opts.ahead_of_time &&
	    !(ctx->opts.kallsyms && !ctx->opts.kallsyms[0]) &&
	    !kallsyms_has(s)) {
		diag_error(&ctx->diags, call->loc,
			   "percpu_kaddr(\"%s\"): this kernel cannot resolve "
			   "the address of its variable '%s' for BPF programs "
			   "(it needs CONFIG_KALLSYMS_ALL, and /proc/kallsyms "
			   "does not list it)",
			   s, s);
		return NULL;
	}
	return type_ptr(ctx->arena, type_u64(), AS_KERNEL);
}

/* The symbol name in ap's binary, where code generation finds it
 * (cg_func.c): a position-independent binary's load bias is known only
 * at a uprobe on one of its functions, the IP there being the function's
 * address. Reports and returns false when it cannot be. */
static bool uaddr_known(struct compile_ctx *ctx, const struct node *call,
			const struct attach_point *ap, const char *name)
{
	struct elf_syms *es = elf_syms__open(ap->target);
	uint64_t addr;
	bool ok = es && !elf_syms__symbol_addr(es, name, &addr);

	if (!ok)
		diag_error(&ctx->diags, call->loc, "uaddr: no symbol '%s' in %s",
			   name, ap->target);
	else if (elf_syms__is_dyn(es) &&
		 !((probe_provider(ap->kind)->flags & PF_ENTRY) && ap->func &&
		   !ap->has_address && elf_syms__find(es, ap->func))) {
		diag_error(&ctx->diags, call->loc,
			   "uaddr: %s is position-independent: its load address is known only in a uprobe on a function of it",
			   ap->target);
		ok = false;
	}
	if (es)
		elf_syms__close(es);
	return ok;
}

/* uaddr("sym"): resolved in the probe's binary, so a user probe on one
 * (bpftrace 0.17 resolves it here too). */
static struct type *check_uaddr(struct compile_ctx *ctx, struct node *call,
				struct node *probe)
{
	const char *s;

	if (!fn_str_literal(ctx, call, 0, &s, NULL))
		return NULL;
	if (!fn_probe_has(probe, PF_BINARY)) {
		diag_error(&ctx->diags, call->loc,
			   "uaddr can not be used with \"%s\" probes",
			   fn_probe_kind_lacking(probe, PF_BINARY));
		return NULL;
	}
	for (struct node *a = probe->u.probe.attach; a; a = a->next)
		if (!uaddr_known(ctx, call, a->u.attach.ap, s))
			return NULL;
	return type_u64();
}

/* struct pt_regs member names on x86-64, as bpftrace accepts them. */
static const char *const x86_64_regs[] = {
	"r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8",
	"ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp",
	"ss",
};

static struct type *check_reg(struct compile_ctx *ctx, struct node *call,
			      struct node *probe)
{
	const char *s;

	if (!fn_str_literal(ctx, call, 0, &s, NULL))
		return NULL;
	if (!fn_probe_has(probe, PF_KERNEL_CTX)) {
		diag_error(&ctx->diags, call->loc,
			   "reg can not be used with \"%s\" probes",
			   fn_probe_kind_lacking(probe, PF_KERNEL_CTX));
		return NULL;
	}
	for (size_t i = 0; i < sizeof(x86_64_regs) / sizeof(*x86_64_regs); i++)
		if (!strcmp(s, x86_64_regs[i]))
			return type_u64();
	diag_error(&ctx->diags, fn_arg(call, 0)->loc,
		   "'%s' is not a valid register on this architecture (x86_64)",
		   s);
	return NULL;
}

const struct func funcs_stack[] = {
	{ "kstack", 0, 2, FN_MODE_ARG, check_stack, FG_STACK },
	{ "ustack", 0, 2, FN_MODE_ARG, check_stack, FG_STACK },
	{ "ksym", 1, 1, 0, check_sym, FG_KSYM },
	{ "usym", 1, 1, 0, check_sym, FG_USYM },
	{ "kaddr", 1, 1, 0, check_kaddr, FG_KADDR },
	{ "percpu_kaddr", 1, 2, 0, check_percpu_kaddr, FG_PERCPU_KADDR },
	{ "uaddr", 1, 1, 0, check_uaddr, FG_UADDR },
	{ "reg", 1, 1, 0, check_reg, FG_REG },
	{ NULL },
};
