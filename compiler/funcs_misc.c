/* The remaining functions: cgroupid cgroup_path path uptr kptr bswap
 * getopt (compiler/prog_options.c),
 * and the ones acting on the traced process or kernel: signal override
 * unwatch. */
#include "funcs.h"

#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "prog_options.h"
#include "probe.h"

static struct type *check_cgroupid(struct compile_ctx *ctx,
				   struct node *call, struct node *probe)
{
	const char *s;

	return fn_str_literal(ctx, call, 0, &s, NULL) ? type_u64() : NULL;
}

/* cgroup_path(id [, "filter"]). */
static struct type *check_cgroup_path(struct compile_ctx *ctx,
				      struct node *call, struct node *probe)
{
	const char *s;

	if (!fn_int_arg(ctx, call, 0))
		return NULL;
	if (call->u.call.nargs == 2 && !fn_str_literal(ctx, call, 1, &s, NULL))
		return NULL;
	return type_simple(ctx->arena, T_CGROUP_PATH, 16);
}

/* Whether e is memory reached through a pointer (*p, p->f, p[i] and
 * their fields), whose address the back end passes, rather than a copy
 * (a variable, a map value) or the probe's context. */
static bool in_memory(const struct node *e)
{
	const struct node *x;

	switch (e->kind) {
	case N_UNOP:
		return e->u.unop.op == OP_DEREF;
	case N_FIELD:
		x = e->u.field.expr;
		if (x->type->is_ctx)
			return false;
		if (x->type->kind == T_PTR && e->u.field.arrow)
			return true;
		return x->type->kind == T_RECORD && in_memory(x);
	case N_INDEX:
		x = e->u.index.expr;
		return x->type->kind == T_PTR ||
		       (x->type->kind == T_ARRAY && in_memory(x));
	default:
		return false;
	}
}

/* path(struct path *): bpf_d_path, only where the kernel allows it. */
static struct type *check_path(struct compile_ctx *ctx, struct node *call,
			       struct node *probe)
{
	struct node *a = fn_arg(call, 0);

	if (!fn_probe_has(probe, PF_D_PATH)) {
		diag_error(&ctx->diags, call->loc,
			   "The path function can only be used with 'fentry', 'fexit', 'iter' probes");
		return NULL;
	}
	if (!a->type)
		return NULL;
	if (a->type->kind != T_PTR && a->type->kind != T_RECORD) {
		diag_error(&ctx->diags, a->loc,
			   "path() only supports pointer or record argument (%s provided)",
			   fn_kind_name(a->type));
		return NULL;
	}
	if (a->type->kind == T_RECORD && !in_memory(a)) {
		diag_error(&ctx->diags, a->loc,
			   "path() needs the struct path in kernel memory (a pointer to it, or a field reached through one), not a copy");
		return NULL;
	}
	return type_string(ctx->arena, ctx->opts.strlen);
}

/* uptr/kptr: the same value, its pointee marked user or kernel memory. */
static struct type *check_as_ptr(struct compile_ctx *ctx, struct node *call,
				 struct node *probe)
{
	struct node *a = fn_arg(call, 0);
	struct type *t;

	if (!fn_int_or_ptr_arg(ctx, call, 0))
		return NULL;
	if (a->type->kind == T_INT)
		return a->type;
	t = arena_alloc(ctx->arena, sizeof(*t));
	*t = *a->type;
	t->as = call->u.call.name[0] == 'u' ? AS_USER : AS_KERNEL;
	return t;
}

static struct type *check_bswap(struct compile_ctx *ctx, struct node *call,
				struct node *probe)
{
	if (!fn_int_arg(ctx, call, 0))
		return NULL;
	return type_int(fn_arg(call, 0)->type->size, false);
}

/* Signal names with or without "SIG", as kill(1) takes them. */
static const struct { const char *name; int sig; } signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
	{ "BUS", SIGBUS }, { "FPE", SIGFPE }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },
	{ "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },
	{ "TTOU", SIGTTOU }, { "URG", SIGURG }, { "XCPU", SIGXCPU },
	{ "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH }, { "IO", SIGIO }, { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
};

static bool signal_name(const char *s)
{
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcmp(s, signals[i].name))
			return true;
	return false;
}

/* signal(sig): sent to the current task, so not from BEGIN/END. */
/* write_user(dst, src, len) (bpftrace 0.26, --unsafe): len bytes of a
 * value the program holds (a string, array or struct: BPF memory) to the
 * user address dst of the current task (bpf_probe_write_user); true when
 * written. len is a literal no larger than src. */
static struct type *check_write_user(struct compile_ctx *ctx,
				     struct node *call, struct node *probe)
{
	struct node *dst = fn_arg(call, 0), *src = fn_arg(call, 1);
	struct node *len = fn_arg(call, 2);
	int64_t n;

	if (!dst->type || !src->type || !len->type)
		return NULL;
	if (dst->type->kind != T_INT && dst->type->kind != T_PTR) {
		diag_error(&ctx->diags, dst->loc,
			   "write_user() expects a user address (pointer or integer) as its first argument (%s provided)",
			   fn_kind_name(dst->type));
		return NULL;
	}
	if (src->type->kind != T_STRING && src->type->kind != T_ARRAY &&
	    src->type->kind != T_RECORD) {
		diag_error(&ctx->diags, src->loc,
			   "write_user() writes a value the program holds (a string, array or struct), not %s",
			   fn_kind_name(src->type));
		return NULL;
	}
	if (!fn_const_int(len, &n)) {
		diag_error(&ctx->diags, len->loc,
			   "write_user() expects an integer literal as its length");
		return NULL;
	}
	if (n < 1 || (uint64_t)n > src->type->size) {
		diag_error(&ctx->diags, len->loc,
			   "write_user(): length %" PRId64 " is out of range: the source has %u bytes",
			   n, (unsigned)src->type->size);
		return NULL;
	}
	return type_bool();
}

static struct type *check_signal(struct compile_ctx *ctx, struct node *call,
				 struct node *probe)
{
	struct node *a = fn_arg(call, 0);
	const char *k = fn_probe_kind_with(probe, PF_NO_CTX);
	int64_t v;

	if (k) {
		diag_error(&ctx->diags, call->loc,
			   "signal can not be used with \"%s\" probes", k);
		return NULL;
	}
	if (a->kind == N_STRING) {
		if (signal_name(a->u.string.str))
			return type_none();
		diag_error(&ctx->diags, a->loc, "%s is not a valid signal",
			   a->u.string.str);
		return NULL;
	}
	if (!a->type || a->type->kind != T_INT) {
		diag_error(&ctx->diags, a->loc,
			   "signal only accepts string literals or integers");
		return NULL;
	}
	if (fn_const_int(a, &v) && (v < 1 || v > 64)) {
		diag_error(&ctx->diags, a->loc,
			   "%" PRId64 " is not a valid signal, allowed range: [1,64]",
			   v);
		return NULL;
	}
	return type_none();
}

/* override(rc): bpf_override_return, kprobes only. */
static struct type *check_override(struct compile_ctx *ctx,
				   struct node *call, struct node *probe)
{
	if (!fn_probe_has(probe, PF_OVERRIDE)) {
		diag_error(&ctx->diags, call->loc,
			   "override can only be used with kprobes");
		return NULL;
	}
	return fn_int_arg(ctx, call, 0) ? type_none() : NULL;
}

/* unwatch(addr) removes the watchpoints on addr while the program runs
 * (bpftrace 0.17): user space detaches them when it reads the record;
 * an address nothing watches is no error. */
static struct type *check_unwatch(struct compile_ctx *ctx, struct node *call,
				  struct node *probe)
{
	return fn_int_or_ptr_arg(ctx, call, 0) ? type_none() : NULL;
}

/* The mode of pid(MODE), tid(MODE), nsecs(MODE): a bare identifier
 * among modes (NULL-terminated); *mode the index, 0 when left out. */
static bool mode_arg(struct compile_ctx *ctx, struct node *call,
		     const char *const *modes, const char *what, int *mode)
{
	struct node *a = fn_arg(call, 0);

	*mode = 0;
	if (!a)
		return true;
	for (int i = 0; a->kind == N_IDENT && modes[i]; i++)
		if (!strcmp(a->u.ident.name, modes[i])) {
			*mode = i;
			return true;
		}
	diag_error(&ctx->diags, a->loc, "Invalid %s: expected %s", what,
		   !strcmp(call->u.call.name, "nsecs")
			   ? "boot, monotonic, tai or sw_tai"
			   : "curr_ns or init");
	return false;
}

const char *const funcs_ns_modes[] = { "init", "curr_ns", NULL };
const char *const funcs_clock_modes[] = { "monotonic", "boot", "tai",
					  "sw_tai", NULL };

/* pid([curr_ns|init]), tid(...): without a mode, bpftrace 0.17's
 * reading (the initial PID namespace; 0.26 reads curr_ns). */
static struct type *check_task_id(struct compile_ctx *ctx, struct node *call,
				  struct node *probe)
{
	int mode;

	return mode_arg(ctx, call, funcs_ns_modes, "PID namespace mode",
			&mode) ? type_u64() : NULL;
}

/* nsecs([boot|monotonic|tai|sw_tai]): without a clock, the builtin. */
static struct type *check_nsecs(struct compile_ctx *ctx, struct node *call,
				struct node *probe)
{
	int mode;

	return mode_arg(ctx, call, funcs_clock_modes, "clock", &mode)
		       ? type_u64()
		       : NULL;
}

/* comm(pid) (bpftrace 0.26): the name of another task, read through
 * the bpf_task_from_pid kfunc, which the kernel refuses in some program
 * types (PF_TASK_KFUNC): there, an error naming the probe kind. */
static struct type *check_comm_pid(struct compile_ctx *ctx, struct node *call,
				   struct node *probe)
{
	if (!fn_int_arg(ctx, call, 0))
		return NULL;
	if (!fn_probe_has(probe, PF_TASK_KFUNC)) {
		diag_error(&ctx->diags, call->loc,
			   "comm(pid) cannot be used in %s probes: the kernel "
			   "refuses the kfunc it calls, bpf_task_from_pid, in "
			   "their programs; it can in %s probes",
			   fn_probe_kind_lacking(probe, PF_TASK_KFUNC),
			   fn_kinds_with(ctx, PF_TASK_KFUNC));
		return NULL;
	}
	return type_string(ctx->arena, 16);
}

/* socket_cookie(sk) (bpftrace 0.26): bpf_get_socket_cookie of a struct
 * sock *, which the kernel takes only as a pointer it knows by BTF type:
 * one from the context of a tracing program (fentry, fexit, iter). */
static struct type *check_socket_cookie(struct compile_ctx *ctx,
					struct node *call, struct node *probe)
{
	struct node *a = fn_arg(call, 0);
	const struct type *t = a->type, *e;

	if (!fn_probe_has(probe, PF_TRACING)) {
		diag_error(&ctx->diags, call->loc,
			   "socket_cookie() cannot be used in %s probes: the "
			   "kernel takes its socket only from the context of "
			   "%s probes",
			   fn_probe_kind_lacking(probe, PF_TRACING),
			   fn_kinds_with(ctx, PF_TRACING));
		return NULL;
	}
	e = t && t->kind == T_PTR ? type_complete(t->elem) : NULL;
	if (!e || e->kind != T_RECORD || !e->name ||
	    strcmp(e->name, "struct sock")) {
		diag_error(&ctx->diags, a->loc,
			   "socket_cookie() only supports 'struct sock *' as "
			   "the argument (%s provided)",
			   t ? type_name(ctx->arena, t) : "none");
		return NULL;
	}
	return type_u64();
}

/* The text of fail(fmt, args...): its literal arguments formatted. */
static const char *fail_text(struct compile_ctx *ctx, struct node *call)
{
	const char *f = fn_arg(call, 0)->u.string.str, *p, *conv;
	struct node *a = fn_arg(call, 1);
	char *out = arena_strdup(ctx->arena, ""), spec[32];
	int64_t v;

	for (p = f; *p; p = conv + 1) {
		conv = strchr(p, '%');
		if (!conv) {
			out = arena_printf(ctx->arena, "%s%s", out, p);
			break;
		}
		out = arena_printf(ctx->arena, "%s%.*s", out, (int)(conv - p),
				   p);
		p = conv;
		conv += strspn(conv + 1, "-+ #0123456789.hlz") + 1;
		if (*conv == '%' || !*conv || !a) {
			out = arena_printf(ctx->arena, "%s%%", out);
			conv = *conv == '%' ? conv : p;
			continue;
		}
		snprintf(spec, sizeof(spec), "%%%.*s", (int)(conv - p - 1),
			 p + 1);
		spec[strcspn(spec, "hlz")] = '\0';
		if (a->kind == N_STRING)
			out = arena_printf(ctx->arena, "%s%s", out,
					   a->u.string.str);
		else if (fn_const_int(a, &v) && strchr("diuxXoc", *conv))
			out = arena_printf(ctx->arena,
					   arena_printf(ctx->arena, "%%s%sll%c",
							spec, *conv),
					   out, (long long)v);
		a = a->next;
	}
	return out;
}

/* fail(fmt, args...): an error where it is, when the program is
 * compiled (bpftrace 0.26 reports it only in the branches of an
 * "if comptime" it keeps; etrace has none, so every fail() is reached). */
static struct type *check_fail(struct compile_ctx *ctx, struct node *call,
			       struct node *probe)
{
	const char *s;
	int64_t v;

	if (!fn_str_literal(ctx, call, 0, &s, NULL))
		return NULL;
	for (struct node *a = fn_arg(call, 1); a; a = a->next)
		if (a->kind != N_STRING && !fn_const_int(a, &v)) {
			diag_error(&ctx->diags, a->loc,
				   "fail() arguments must be literals");
			return NULL;
		}
	diag_error(&ctx->diags, call->loc, "%s", fail_text(ctx, call));
	return NULL;
}

/* The value of a constant expression of integer literals (sizeof and
 * offsetof are folded into literals by then), operators and ?:. */
static bool const_eval(const struct node *e, int64_t *v)
{
	int64_t a, b;

	if (fn_const_int(e, v))
		return true;
	if (e->kind == N_UNOP && const_eval(e->u.unop.expr, &a)) {
		*v = e->u.unop.op == OP_LNOT ? !a
		     : e->u.unop.op == OP_BNOT ? ~a
		     : e->u.unop.op == OP_NEG ? -a : 0;
		return e->u.unop.op == OP_LNOT || e->u.unop.op == OP_BNOT ||
		       e->u.unop.op == OP_NEG;
	}
	if (e->kind == N_TERNARY && const_eval(e->u.ternary.cond, &a))
		return const_eval(a ? e->u.ternary.then : e->u.ternary.else_,
				  v);
	if (e->kind != N_BINOP || !const_eval(e->u.binop.lhs, &a) ||
	    !const_eval(e->u.binop.rhs, &b))
		return false;
	switch (e->u.binop.op) {
	case OP_ADD: *v = a + b; return true;
	case OP_SUB: *v = a - b; return true;
	case OP_MUL: *v = a * b; return true;
	case OP_DIV: *v = b ? a / b : 0; return b != 0;
	case OP_MOD: *v = b ? a % b : 0; return b != 0;
	case OP_BAND: *v = a & b; return true;
	case OP_BOR: *v = a | b; return true;
	case OP_BXOR: *v = a ^ b; return true;
	case OP_SHL: *v = b >= 0 && b < 64 ? a << b : 0; return true;
	case OP_SHR: *v = b >= 0 && b < 64 ? a >> b : 0; return true;
	case OP_EQ: *v = a == b; return true;
	case OP_NE: *v = a != b; return true;
	case OP_LT: *v = a < b; return true;
	case OP_LE: *v = a <= b; return true;
	case OP_GT: *v = a > b; return true;
	case OP_GE: *v = a >= b; return true;
	case OP_LAND: *v = a && b; return true;
	case OP_LOR: *v = a || b; return true;
	}
	return false;
}

/* static_assert(cond, msg): cond a constant, checked when compiled. */
static struct type *check_static_assert(struct compile_ctx *ctx,
					struct node *call, struct node *probe)
{
	const char *msg;
	int64_t v;

	if (!fn_str_literal(ctx, call, 1, &msg, NULL))
		return NULL;
	if (!const_eval(fn_arg(call, 0), &v)) {
		diag_error(&ctx->diags, fn_arg(call, 0)->loc,
			   "static_assert() needs a condition known when the program is compiled");
		return NULL;
	}
	if (!v) {
		diag_error(&ctx->diags, call->loc, "static_assert failed: %s",
			   msg);
		return NULL;
	}
	return type_none();
}

bool funcs_type_test(const struct node *call)
{
	const char *n = call->u.call.name + 3;
	const struct node *a = fn_arg(call, 0);
	const struct type *t = a->type;

	if (!strcmp(n, "literal"))
		return a->kind == N_INT || a->kind == N_STRING ||
		       (a->kind == N_UNOP && a->u.unop.op == OP_NEG &&
			a->u.unop.expr->kind == N_INT);
	if (!strcmp(n, "array"))
		return t->kind == T_ARRAY;
	if (!strcmp(n, "ptr"))
		return t->kind == T_PTR;
	if (!strcmp(n, "str"))
		return t->kind == T_STRING;
	if (!strcmp(n, "integer"))
		return t->kind == T_INT;
	return t->kind == T_INT && !t->is_signed; /* unsigned_integer */
}

/* is_array(e), is_integer, is_literal, is_ptr, is_str,
 * is_unsigned_integer: 1 or 0 from e's type, known when compiled (e is
 * not evaluated). */
static struct type *check_type_test(struct compile_ctx *ctx,
				    struct node *call, struct node *probe)
{
	return fn_arg(call, 0)->type ? type_u64() : NULL;
}

const struct func funcs_misc[] = {
	{ "cgroupid", 1, 1, 0, check_cgroupid, FG_CGROUPID },
	{ "cgroup_path", 1, 2, 0, check_cgroup_path, FG_CGROUP_PATH },
	{ "path", 1, 1, 0, check_path, FG_PATH },
	{ "uptr", 1, 1, 0, check_as_ptr, FG_ARG_VALUE },
	{ "kptr", 1, 1, 0, check_as_ptr, FG_ARG_VALUE },
	{ "bswap", 1, 1, 0, check_bswap, FG_BSWAP },
	{ "signal", 1, 1, FN_STMT | FN_UNSAFE, check_signal, FG_SIGNAL },
	{ "override", 1, 1, FN_STMT | FN_UNSAFE, check_override, FG_OVERRIDE },
	{ "write_user", 3, 3, FN_UNSAFE, check_write_user, FG_WRITE_USER },
	{ "unwatch", 1, 1, FN_STMT, check_unwatch, FG_UNWATCH },
	{ "getopt", 1, 3, 0, getopt_check, FG_GETOPT },
	{ "fail", 1, -1, FN_STMT, check_fail, FG_NONE },
	{ "is_array", 1, 1, 0, check_type_test, FG_TYPE_TEST },
	{ "is_integer", 1, 1, 0, check_type_test, FG_TYPE_TEST },
	{ "is_literal", 1, 1, 0, check_type_test, FG_TYPE_TEST },
	{ "is_ptr", 1, 1, 0, check_type_test, FG_TYPE_TEST },
	{ "is_str", 1, 1, 0, check_type_test, FG_TYPE_TEST },
	{ "is_unsigned_integer", 1, 1, 0, check_type_test, FG_TYPE_TEST },
	{ "static_assert", 2, 2, FN_STMT, check_static_assert, FG_COMPTIME },
	{ "pid", 0, 1, FN_MODE_ARG, check_task_id, FG_TASK_ID },
	{ "tid", 0, 1, FN_MODE_ARG, check_task_id, FG_TASK_ID },
	{ "nsecs", 0, 1, FN_MODE_ARG, check_nsecs, FG_NSECS },
	{ "comm", 1, 1, 0, check_comm_pid, FG_TASK_COMM },
	{ "socket_cookie", 1, 1, 0, check_socket_cookie, FG_SOCKET_COOKIE },
	{ NULL },
};
