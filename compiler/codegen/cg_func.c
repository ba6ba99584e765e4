/* cg_func.c: the functions that compute a value in BPF: str, strncmp,
 * strcontains, has_key, bswap, reg, signal, ksym/usym/kptr/uptr and
 * strerror (the value itself: user space symbolizes or formats it),
 * cgroupid (resolved at compile time), kaddr (when run) and uaddr. The
 * file ends in the cg_func generators of those rows
 * (compiler/funcs.def). */
#define _GNU_SOURCE /* sigabbrev_np */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cg_probe.h"
#include "elf_syms.h"
#include "funcs.h"
#include "prog_options.h"
#include "probe.h"

#include <stddef.h>

static struct node *arg(struct node *e, int i)
{
	struct node *a = e->u.call.args;

	while (a && i--)
		a = a->next;
	return a;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* min(n + add, cap) as an i32 the verifier sees bounded */
LLVMValueRef gen_bounded_len(struct gen *g, struct node *n, unsigned add,
			     uint32_t cap)
{
	LLVMValueRef v, c = cg_const(g->cg, 64, cap);

	if (!n)
		return cg_const(g->cg, 32, cap);
	if (n->kind == N_INT)
		return cg_const(g->cg, 32,
				n->u.integer.value + add < cap
				    ? n->u.integer.value + add
				    : cap);
	v = LLVMBuildAdd(g->b, gen_expr(g, n), cg_const(g->cg, 64, add), "");
	v = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntUGT, v, c, ""), c,
			    v, "len");
	return LLVMBuildTrunc(g->b, v, cg_int(g->cg, 32), "");
}

/* str(p [, n]): at most n characters (bpftrace 0.17), NUL-terminated */
static LLVMValueRef str(struct gen *g, struct node *e)
{
	struct node *p = arg(e, 0), *n = arg(e, 1);
	uint32_t size = e->type->size;
	LLVMValueRef buf, v, len;

	v = gen_expr(g, p);
	buf = gen_tmp(g, size, "str");
	if (!gen_is_scalar(p->type)) {
		uint32_t k = min_u32(size - 1, p->type->size);

		if (n && n->kind == N_INT && n->u.integer.value < k)
			k = n->u.integer.value;
		LLVMBuildMemCpy(g->b, buf, 1, v, 1, cg_const(g->cg, 64, k));
		return buf;
	}
	len = gen_bounded_len(g, n, 1, size);
	gen_loc(g, e);
	cg_probe_read_str(g->cg, gen_space(g, p->type), buf, len,
			  LLVMBuildIntToPtr(g->b, v, cg_ptr(g->cg), ""));
	return buf;
}

static LLVMValueRef strncmp_fn(struct gen *g, struct node *e)
{
	struct node *a = arg(e, 0), *b = arg(e, 1), *n = arg(e, 2);
	uint64_t len = min_u32(a->type->size, b->type->size);
	LLVMValueRef args[3], r;

	if (n->kind == N_INT && n->u.integer.value < len)
		len = n->u.integer.value;
	args[0] = gen_expr(g, a);
	args[1] = gen_expr(g, b);
	args[2] = cg_const(g->cg, 64, len);
	gen_loc(g, e);
	r = cg_libcall(g->cg, "et_strncmp", args, 3);
	if (!r)
		return cg_const(g->cg, 64, 0);
	return LLVMBuildZExt(g->b,
			     LLVMBuildICmp(g->b, LLVMIntNE, r,
					   cg_const(g->cg, 64, 0), ""),
			     cg_int(g->cg, 64), "");
}

/* A bpf-helpers function of (string, its size[, string, its size]),
 * called on the call's first nargs arguments; 0 when it cannot be. */
static LLVMValueRef str_libcall(struct gen *g, struct node *e,
				const char *fn, int nargs)
{
	LLVMValueRef args[4], r;

	for (int i = 0; i < nargs; i++) {
		struct node *s = arg(e, i);

		args[2 * i] = gen_expr(g, s);
		args[2 * i + 1] = cg_const(g->cg, 64, s->type->size);
	}
	gen_loc(g, e);
	r = cg_libcall(g->cg, fn, args, 2 * nargs);
	return r ? r : cg_const(g->cg, 64, 0);
}

static LLVMValueRef strcontains(struct gen *g, struct node *e)
{
	return str_libcall(g, e, "et_strcontains", 2);
}

static LLVMValueRef strlen_fn(struct gen *g, struct node *e)
{
	return str_libcall(g, e, "et_strlen", 1);
}

static LLVMValueRef strcap(struct gen *g, struct node *e)
{
	return cg_const(g->cg, 64, arg(e, 0)->type->size);
}

static LLVMValueRef strstr_fn(struct gen *g, struct node *e)
{
	return str_libcall(g, e, "et_strstr", 2);
}

static LLVMValueRef memcmp_fn(struct gen *g, struct node *e)
{
	LLVMValueRef args[3], r;

	args[0] = gen_expr(g, arg(e, 0));
	args[1] = gen_expr(g, arg(e, 1));
	args[2] = cg_const(g->cg, 64, arg(e, 2)->u.integer.value);
	gen_loc(g, e);
	r = cg_libcall(g->cg, "et_memcmp", args, 3);
	return r ? r : cg_const(g->cg, 64, 0);
}

/* has_key(@m, k) */
static LLVMValueRef has_key(struct gen *g, struct node *e)
{
	struct node *m = arg(e, 0), *k = arg(e, 1);
	const struct map_meta *em = gen_map(g, m);
	LLVMValueRef key = gen_tmp(g, em->key_size, "hkey"), p;

	if (em->info->key)
		gen_store(g, key, em->info->key, true, gen_expr(g, k), k->type);

	p = cg_map_lookup(g->cg, g->maps[em->id], key);
	return LLVMBuildZExt(g->b, LLVMBuildIsNotNull(g->b, p, ""),
			     cg_int(g->cg, 64), "");
}

static LLVMValueRef bswap(struct gen *g, struct node *e)
{
	struct node *a = arg(e, 0);
	unsigned bits = (a->type->size ? a->type->size : 8) * 8;
	LLVMTypeRef t = cg_int(g->cg, bits);
	unsigned id = LLVMLookupIntrinsicID("llvm.bswap", 10);
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cg_module(g->cg), id,
						      &t, 1);
	LLVMValueRef v = gen_expr(g, a);

	if (bits == 8)
		return v;
	if (bits < 64)
		v = LLVMBuildTrunc(g->b, v, t, "");
	v = LLVMBuildCall2(g->b, LLVMGlobalGetValueType(fn), fn, &v, 1, "");
	return bits < 64 ? LLVMBuildZExt(g->b, v, cg_int(g->cg, 64), "") : v;
}

static LLVMValueRef reg(struct gen *g, struct node *e)
{
	static const char *const names[] = {
	    "r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9",
	    "r8",  "ax",  "cx",  "dx",  "si", "di", "orig_ax", "ip", "cs",
	    "flags", "sp", "ss"};
	struct node *a = arg(e, 0);
	LLVMValueRef c = gen_probe_ctx(g), i, p;

	for (unsigned k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		if (a->kind != N_STRING || strcmp(names[k], a->u.string.str))
			continue;
		i = cg_const(g->cg, 64, k * 8);
		p = LLVMBuildGEP2(g->b, cg_int(g->cg, 8), c, &i, 1, "");
		return LLVMBuildLoad2(g->b, cg_int(g->cg, 64), p, "reg");
	}
	gen_error(g, e->loc, "Cannot generate code for this reg()");
	return cg_const(g->cg, 64, 0);
}

static LLVMValueRef cgroupid(struct gen *g, struct node *e)
{
	struct node *a = arg(e, 0);
	struct stat st;

	if (a->kind == N_STRING && !stat(a->u.string.str, &st))
		return cg_const(g->cg, 64, st.st_ino);
	gen_error(g, e->loc, "cgroupid: cannot find cgroup '%s'",
		  a->kind == N_STRING ? a->u.string.str : "?");
	return cg_const(g->cg, 64, 0);
}

/* kaddr("sym"): a slot of et_state that the runtime fills from
 * /proc/kallsyms when the program is run, so that compiling needs no
 * kernel symbols and an object stays valid on another machine. */
/* percpu_kaddr(name [, cpu]): the variable's address on this CPU, or on
 * cpu (0 when there is no such CPU) */
static LLVMValueRef percpu_kaddr(struct gen *g, struct node *e)
{
	struct node *cpu = arg(e, 1);
	LLVMValueRef args[2], r;

	args[0] = gen_ksym_var(g, arg(e, 0)->u.string.str);
	if (!args[0])
		return cg_const(g->cg, 64, 0);
	gen_loc(g, e);
	if (cpu) {
		args[1] = LLVMBuildTrunc(g->b, gen_expr(g, cpu),
					 cg_int(g->cg, 32), "");
		r = cg_helper_call(g->cg, BPF_FUNC_per_cpu_ptr, cg_ptr(g->cg),
				   args, 2);
	} else {
		r = cg_helper_call(g->cg, BPF_FUNC_this_cpu_ptr, cg_ptr(g->cg),
				   args, 1);
	}
	return LLVMBuildPtrToInt(g->b, r, cg_int(g->cg, 64), "");
}

static LLVMValueRef kaddr(struct gen *g, struct node *e)
{
	struct prog_meta *p = g->prog;
	struct node *a = arg(e, 0);
	int i;

	if (a->kind != N_STRING) {
		gen_error(g, e->loc, "kaddr() needs a string literal");
		return cg_const(g->cg, 64, 0);
	}
	for (i = 0; i < p->nkaddr; i++)
		if (!strcmp(p->kaddr[i], a->u.string.str))
			break;
	if (i == p->nkaddr) {
		if (p->nkaddr == ET_MAX_KADDR) {
			gen_error(g, e->loc,
				  "Too many kaddr() symbols (at most %d)",
				  ET_MAX_KADDR);
			return cg_const(g->cg, 64, 0);
		}
		p->kaddr[p->nkaddr] = a->u.string.str;
		p->kaddr_loc[p->nkaddr++] = e->loc;
	}
	return gen_state_field(g,
			       offsetof(struct et_state, kaddr) + 8 * i, 64);
}

/* uaddr("sym"): the symbol's address in the probe's binary. In a
 * position-independent binary (PIE, shared library) the load bias comes
 * from the probe itself: at a uprobe on a function, the IP is that
 * function's run-time address. */
static LLVMValueRef uaddr(struct gen *g, struct node *e)
{
	struct attach_point *ap = g->ap;
	const char *name = arg(e, 0)->u.string.str;
	struct elf_syms *es = ap ? elf_syms__open(ap->target) : NULL;
	const struct elf_sym *at_fn;
	LLVMValueRef v = cg_const(g->cg, 64, 0);
	uint64_t sym;

	if (!es || elf_syms__symbol_addr(es, name, &sym)) {
		gen_error(g, e->loc, "uaddr: no symbol '%s' in %s", name,
			  ap ? ap->target : "the probe's binary");
		goto out;
	}
	v = cg_const(g->cg, 64, sym);
	if (!elf_syms__is_dyn(es))
		goto out;
	at_fn = (probe_provider(g->kind)->flags & PF_ENTRY) && ap->func &&
			!ap->has_address
		? elf_syms__find(es, ap->func)
		: NULL;
	if (!at_fn) {
		gen_error(g, e->loc,
			  "uaddr: %s is position-independent: its load address is known only in a uprobe on a function of it",
			  ap->target);
		goto out;
	}
	/* sym + (ip - where the probe is in the file) */
	v = LLVMBuildAdd(
		g->b, v,
		LLVMBuildSub(g->b, gen_ctx_load(g, CG_REGS_IP, 8, false),
			     cg_const(g->cg, 64, at_fn->addr + ap->offset),
			     ""),
		"uaddr");
out:
	elf_syms__close(es);
	return v;
}

/* signal("KILL"), signal("SIGKILL") or signal(9) */
static LLVMValueRef signal_fn(struct gen *g, struct node *e)
{
	struct node *a = arg(e, 0);
	LLVMValueRef v = NULL;

	if (a->kind == N_STRING) {
		const char *s = a->u.string.str;

		s += strncmp(s, "SIG", 3) ? 0 : 3;
		for (int i = 1; i < 65 && !v; i++)
			if (sigabbrev_np(i) && !strcmp(sigabbrev_np(i), s))
				v = cg_const(g->cg, 64, i);
		if (!v) {
			gen_error(g, a->loc, "%s is not a valid signal",
				  a->u.string.str);
			return cg_const(g->cg, 64, 0);
		}
	} else {
		v = gen_expr(g, a);
	}

	v = LLVMBuildTrunc(g->b, v, cg_int(g->cg, 32), "");
	gen_loc(g, e);
	cg_helper_call(g->cg, BPF_FUNC_send_signal, NULL, &v, 1);
	return cg_const(g->cg, 64, 0);
}

/* write_user(dst, src, len): bpf_probe_write_user(dst, &src, len) == 0 */
static LLVMValueRef write_user(struct gen *g, struct node *e)
{
	struct node *d = e->u.call.args, *s = d->next, *n = s->next;
	LLVMValueRef args[3], r;
	int64_t len = 0;

	fn_const_int(n, &len);
	args[0] = LLVMBuildIntToPtr(g->b, gen_expr(g, d), cg_ptr(g->cg), "");
	args[1] = gen_expr(g, s);
	args[2] = cg_const(g->cg, 32, (uint64_t)len);
	gen_loc(g, e);
	r = cg_helper_call(g->cg, BPF_FUNC_probe_write_user, NULL, args, 3);
	return LLVMBuildZExt(g->b,
			     LLVMBuildICmp(g->b, LLVMIntEQ, r,
					   cg_const(g->cg, 64, 0), ""),
			     cg_int(g->cg, 64), "");
}

static LLVMValueRef signal_call(struct gen *g, struct node *e)
{
	g->prog->needs_unsafe = true;
	return signal_fn(g, e);
}

/* strerror, uptr, kptr: the value; its type says how user space prints
 * it, or what memory it points to */
static LLVMValueRef arg_value(struct gen *g, struct node *e)
{
	return gen_expr(g, arg(e, 0));
}

/* ksym: the address, symbolized in user space */
static LLVMValueRef ksym(struct gen *g, struct node *e)
{
	g->prog->needs_kallsyms = true;
	return gen_expr(g, arg(e, 0));
}

/* usym: {address, tgid} (a usym value already is one) */
static LLVMValueRef usym(struct gen *g, struct node *e)
{
	g->prog->needs_usyms = true;
	if (arg(e, 0)->type->kind == T_USYM)
		return gen_expr(g, arg(e, 0));
	return gen_usym(g, gen_expr(g, arg(e, 0)));
}

/* getopt("name", ...): the option's .rodata variable, which the runtime
 * sets before loading (runtime/options.c); a string is copied to the
 * stack as every string value is. */
static LLVMValueRef getopt_fn(struct gen *g, struct node *e)
{
	int i = getopt_index(g->ctx, arg(e, 0)->u.string.str);
	const struct et_option *op = i >= 0 ? &g->ctx->options[i] : NULL;
	char name[32];
	LLVMValueRef v, buf;

	if (!op) {
		gen_error(g, e->loc, "getopt: unknown option");
		return cg_const(g->cg, 64, 0);
	}
	snprintf(name, sizeof(name), ET_OPTION_VAR "%d", i);
	v = LLVMGetNamedGlobal(cg_module(g->cg), name);
	if (op->kind != ET_OPT_STRING) {
		if (!v)
			v = cg_rodata_define(g->cg, name, 64);
		return cg_rodata_load(g->cg, v, 64);
	}
	if (!v)
		v = cg_rodata_define_bytes(g->cg, name, op->size);
	/* word by word, each load volatile: a memcpy from a constant
	 * global of zeros would be folded into zeros */
	buf = gen_tmp(g, e->type->size, "opt");
	for (uint32_t off = 0; off + 8 <= op->size; off += 8) {
		LLVMValueRef k = cg_const(g->cg, 64, off), w, st;

		w = LLVMBuildLoad2(
		    g->b, cg_int(g->cg, 64),
		    LLVMBuildGEP2(g->b, cg_int(g->cg, 8), v, &k, 1, ""), "");
		LLVMSetVolatile(w, 1);
		LLVMSetAlignment(w, 8);
		st = LLVMBuildStore(
		    g->b, w,
		    LLVMBuildGEP2(g->b, cg_int(g->cg, 8), buf, &k, 1, ""));
		LLVMSetAlignment(st, 8);
	}
	return buf;
}

/* pid(mode), tid(mode): "init" as the builtins; "curr_ns" seen from
 * etrace's PID namespace (bpf_get_ns_current_pid_tgid, with the
 * namespace the runtime sets in .rodata) */
static LLVMValueRef task_id(struct gen *g, struct node *e)
{
	struct node *a = arg(e, 0);
	bool tid = e->u.call.name[0] == 't';
	LLVMValueRef v, args[4], info, dev, ino;

	if (!a || !strcmp(a->u.ident.name, funcs_ns_modes[0])) {
		v = cg_get_pid_tgid(g->cg);
		if (tid)
			return LLVMBuildAnd(g->b, v,
					    cg_const(g->cg, 64, 0xffffffff), "");
		return LLVMBuildLShr(g->b, v, cg_const(g->cg, 64, 32), "");
	}
	dev = LLVMGetNamedGlobal(cg_module(g->cg), ET_PIDNS_DEV_VAR);
	ino = LLVMGetNamedGlobal(cg_module(g->cg), ET_PIDNS_INO_VAR);
	if (!dev)
		dev = cg_rodata_define(g->cg, ET_PIDNS_DEV_VAR, 64);
	if (!ino)
		ino = cg_rodata_define(g->cg, ET_PIDNS_INO_VAR, 64);
	/* struct bpf_pidns_info { u32 pid; u32 tgid; } */
	info = gen_tmp(g, 8, "pidns");
	args[0] = cg_rodata_load(g->cg, dev, 64);
	args[1] = cg_rodata_load(g->cg, ino, 64);
	args[2] = info;
	args[3] = cg_const(g->cg, 32, 8);
	gen_loc(g, e);
	cg_helper_call(g->cg, BPF_FUNC_get_ns_current_pid_tgid, NULL, args, 4);
	v = LLVMBuildLoad2(g->b, cg_int(g->cg, 32),
			   LLVMBuildGEP2(g->b, cg_int(g->cg, 8), info,
					 (LLVMValueRef[]){cg_const(
					     g->cg, 64, tid ? 0 : 4)},
					 1, ""),
			   "");
	return LLVMBuildZExt(g->b, v, cg_int(g->cg, 64), "");
}

/* comm(pid) (bpftrace 0.26): the task's name (bpf-helpers/task.c), or
 * "N/A" and a warning when there is no such task, as bpftrace's macro
 * does. */
static LLVMValueRef task_comm(struct gen *g, struct node *e)
{
	LLVMBasicBlockRef none = gen_block(g, "no_task");
	LLVMBasicBlockRef done = gen_block(g, "task_done");
	LLVMValueRef args[3], r;

	args[0] = gen_expr(g, arg(e, 0));
	args[1] = gen_tmp(g, e->type->size, "comm");
	args[2] = cg_const(g->cg, 64, e->type->size);
	gen_loc(g, e);
	r = cg_libcall(g->cg, "et_task_comm", args, 3);
	if (!r)
		return args[1];
	LLVMBuildCondBr(
	    g->b, LLVMBuildICmp(g->b, LLVMIntNE, r, cg_const(g->cg, 64, 0), ""),
	    none, done);
	LLVMPositionBuilderAtEnd(g->b, none);
	/* "N/A\0", little-endian */
	LLVMBuildStore(g->b, cg_const(g->cg, 32, 0x00412f4e), args[1]);
	gen_warnf_int(g, e, "No such process (pid=%d)", args[0]);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return args[1];
}

/* socket_cookie(sk): the context's BTF pointer as it was loaded */
static LLVMValueRef socket_cookie(struct gen *g, struct node *e)
{
	LLVMValueRef sk =
	    LLVMBuildIntToPtr(g->b, gen_expr(g, arg(e, 0)), cg_ptr(g->cg), "");

	gen_loc(g, e);
	return cg_helper_call(g->cg, BPF_FUNC_get_socket_cookie, NULL, &sk, 1);
}

/* nsecs(clock): monotonic, boot, tai; sw_tai (bpftrace's estimate for
 * kernels without a TAI helper) reads the TAI clock itself */
static LLVMValueRef nsecs_fn(struct gen *g, struct node *e)
{
	static const enum bpf_func_id ids[] = {
		BPF_FUNC_ktime_get_ns, BPF_FUNC_ktime_get_boot_ns,
		BPF_FUNC_ktime_get_tai_ns, BPF_FUNC_ktime_get_tai_ns,
	};
	struct node *a = arg(e, 0);
	int m = 0;

	if (!a)
		return cg_ktime_get_ns(g->cg);
	while (funcs_clock_modes[m] && strcmp(funcs_clock_modes[m],
					      a->u.ident.name))
		m++;
	return cg_helper_call(g->cg, ids[m & 3], NULL, NULL, 0);
}

static LLVMValueRef comptime(struct gen *g, struct node *e)
{
	return NULL;
}

static LLVMValueRef type_test(struct gen *g, struct node *e)
{
	return cg_const(g->cg, 64, funcs_type_test(e));
}

const struct cg_func cg_func_STR = { .call = str };
const struct cg_func cg_func_TYPE_TEST = { .call = type_test };
const struct cg_func cg_func_COMPTIME = { .call = comptime };
const struct cg_func cg_func_TASK_ID = { .call = task_id };
const struct cg_func cg_func_TASK_COMM = { .call = task_comm };
const struct cg_func cg_func_SOCKET_COOKIE = { .call = socket_cookie };
const struct cg_func cg_func_NSECS = { .call = nsecs_fn };
const struct cg_func cg_func_GETOPT = { .call = getopt_fn };
const struct cg_func cg_func_STRNCMP = { .call = strncmp_fn };
const struct cg_func cg_func_STRCONTAINS = { .call = strcontains };
const struct cg_func cg_func_STRLEN = { .call = strlen_fn };
const struct cg_func cg_func_STRCAP = { .call = strcap };
const struct cg_func cg_func_STRSTR = { .call = strstr_fn };
const struct cg_func cg_func_MEMCMP = { .call = memcmp_fn };
const struct cg_func cg_func_HAS_KEY = { .call = has_key };
const struct cg_func cg_func_BSWAP = { .call = bswap };
const struct cg_func cg_func_REG = { .call = reg };
const struct cg_func cg_func_SIGNAL = { .call = signal_call };
const struct cg_func cg_func_WRITE_USER = { .call = write_user };
const struct cg_func cg_func_CGROUPID = { .call = cgroupid };
const struct cg_func cg_func_KADDR = { .call = kaddr };
const struct cg_func cg_func_PERCPU_KADDR = { .call = percpu_kaddr };
const struct cg_func cg_func_UADDR = { .call = uaddr };
const struct cg_func cg_func_ARG_VALUE = { .call = arg_value };
const struct cg_func cg_func_KSYM = { .call = ksym };
const struct cg_func cg_func_USYM = { .call = usym };
