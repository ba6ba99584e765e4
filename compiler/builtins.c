/* The builtin variables (pid, comm, args, retval, argN...) with their type
 * rules and probe restrictions, and the lookup of builtins and functions
 * over the family tables (funcs_*.c). */
#include "builtins.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "funcs.h"
#include "probe.h"
#include "typereg.h"

static struct diags *D(struct compile_ctx *ctx)
{
	return &ctx->diags;
}

static struct type *t_u64(struct compile_ctx *ctx, struct node *ident,
			  struct node *probe)
{
	return type_u64();
}

static struct type *t_comm(struct compile_ctx *ctx, struct node *ident,
			   struct node *probe)
{
	return type_string(ctx->arena, 16);
}

/* Bytes of the longest text the probe builtin has in the programs of
 * ap: its own, or one of its wildcard's matches (probe_name()). */
static size_t probe_name_size(struct compile_ctx *ctx,
			      const struct attach_point *ap)
{
	size_t n = strlen(probe_name(ctx, ap, NULL)) + 1;

	for (int i = 0; i < ap->nmatches; i++) {
		size_t m = strlen(probe_name(ctx, ap, ap->matches[i])) + 1;

		n = m > n ? m : n;
	}
	return n;
}

static struct type *t_probe(struct compile_ctx *ctx, struct node *ident,
			    struct node *probe)
{
	size_t len = ctx->opts.strlen, n;
	struct node *a;

	for (a = probe ? probe->u.probe.attach : NULL; a; a = a->next) {
		n = a->u.attach.ap ? probe_name_size(ctx, a->u.attach.ap) : 0;
		len = n > len ? n : len;
	}
	return type_string(ctx->arena, len);
}

/* usermode: a uint8, as bpftrace 0.26 */
static struct type *t_usermode(struct compile_ctx *ctx, struct node *ident,
			       struct node *probe)
{
	return type_int(1, false);
}

/* probetype: "special" for BEGIN and END, as bpftrace 0.26 */
static struct type *t_probetype(struct compile_ctx *ctx, struct node *ident,
				struct node *probe)
{
	return type_string(ctx->arena, 16);
}

/* pyfunc, pyfile: the innermost Python frame's names, config strlen
 * bytes (bpf-helpers/python.c) */
static struct type *t_pyname(struct compile_ctx *ctx, struct node *ident,
			     struct node *probe)
{
	return type_string(ctx->arena, (uint32_t)ctx->opts.strlen);
}

static struct type *t_username(struct compile_ctx *ctx, struct node *ident,
			       struct node *probe)
{
	return type_simple(ctx->arena, T_USERNAME, 8);
}

/* container, container_name, pod, pod_namespace, pod_uid: the cgroup
 * id, named in user space (runtime/container.h) */
static struct type *t_container(struct compile_ctx *ctx, struct node *ident,
				struct node *probe)
{
	static const struct {
		const char *name;
		enum type_kind kind;
	} kinds[] = {
		{ "container", T_CONTAINER }, { "container_name", T_CONTAINER_NAME },
		{ "pod", T_POD }, { "pod_namespace", T_POD_NS },
		{ "pod_uid", T_POD_UID },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(ident->u.ident.name, kinds[i].name))
			return type_simple(ctx->arena, kinds[i].kind, 8);
	return NULL;
}

static struct type *t_stack(struct compile_ctx *ctx, struct node *ident,
			    struct node *probe)
{
	bool kernel = !strcmp(ident->u.ident.name, "kstack");

	return type_stack(ctx->arena, kernel, ctx->opts.stack_mode, 127);
}

static struct type *t_curtask(struct compile_ctx *ctx, struct node *ident,
			      struct node *probe)
{
	struct type *rec = typereg_record(ctx, "struct task_struct");

	return rec ? type_ptr(ctx->arena, rec, AS_KERNEL) : type_u64();
}

static struct type *t_cpid(struct compile_ctx *ctx, struct node *ident,
			   struct node *probe)
{
	if (!ctx->opts.has_child) {
		diag_error(D(ctx), ident->loc,
			   "cpid cannot be used without child command (-c CMD)");
		return NULL;
	}
	return type_u64();
}

static struct type *t_ctx(struct compile_ctx *ctx, struct node *ident,
			  struct node *probe)
{
	struct type *t;

	if (fn_probe_kind_with(probe, PF_NO_CTX)) {
		diag_error(D(ctx), ident->loc,
			   "The ctx builtin can not be used with '%s' probes",
			   fn_probe_kind_with(probe, PF_NO_CTX));
		return NULL;
	}
	t = type_ptr(ctx->arena, type_none(), AS_KERNEL);
	t->is_ctx = true;
	return t;
}

/* elapsed: in an entry probe the call's duration (SPEC 3.2), elsewhere
 * nanoseconds since start; both uint64. */
static struct type *t_retval(struct compile_ctx *ctx, struct node *ident,
			     struct node *probe)
{
	struct type *ret = NULL;

	if (!fn_probe_has(probe, PF_RETVAL) && !fn_probe_has(probe, PF_ENTRY)) {
		const char *k = fn_probe_kind_lacking(probe, PF_RETVAL);

		if (fn_probe_kind_with(probe, PF_RETVAL))
			k = fn_probe_kind_lacking(probe, PF_ENTRY);
		diag_error(D(ctx), ident->loc,
			   "The retval builtin can only be used with 'kretprobe', 'uretprobe', 'fexit' and function entry probes ('%s' used here)",
			   k);
		return NULL;
	}
	/* the type the providers know (fentry/fexit: BTF) when all agree */
	for (struct node *a = probe->u.probe.attach; a; a = a->next) {
		struct attach_point *ap = a->u.attach.ap;
		const struct probe_provider *p = ap ? probe_provider(ap->kind)
						    : NULL;
		struct type *r = p && p->retval_type ?
				 p->retval_type(ctx, ap) : NULL;

		if (!r || (ret && !type_equal(ret, r)))
			return type_u64();
		ret = r;
	}
	return ret ? ret : type_u64();
}

static struct type *t_func(struct compile_ctx *ctx, struct node *ident,
			   struct node *probe)
{
	if (!fn_probe_has(probe, PF_FUNC)) {
		diag_error(D(ctx), ident->loc,
			   "The func builtin can not be used with '%s' probes",
			   fn_probe_kind_lacking(probe, PF_FUNC));
		return NULL;
	}
	if (probe_flags(probe) & PF_USER)
		return type_simple(ctx->arena, T_USYM, 8);
	for (struct node *a = probe->u.probe.attach; a; a = a->next) {
		const struct probe_provider *p = a->u.attach.ap ?
			probe_provider(a->u.attach.ap->kind) : NULL;

		if (p && (p->flags & PF_USER)) {
			diag_error(D(ctx), ident->loc,
				   "The func builtin can not be used in a probe mixing kernel and user functions");
			return NULL;
		}
	}
	return type_simple(ctx->arena, T_KSYM, 8);
}

/* args: the provider's record for every attach point. When they differ
 * (open and openat), args has the fields they share with one type; the
 * back end reads each at its offset in each attach point's own record. */
static struct type *t_args(struct compile_ctx *ctx, struct node *ident,
			   struct node *probe)
{
	int n = ast_list_len(probe->u.probe.attach), k = 0;
	struct type **recs = arena_calloc(ctx->arena, n, sizeof(*recs));
	struct type *shared;
	bool same = true;

	if (!fn_probe_has(probe, PF_ARGS)) {
		diag_error(D(ctx), ident->loc,
			   "The args builtin can only be used with %s probes ('%s' used here)",
			   fn_kinds_with(ctx, PF_ARGS),
			   fn_probe_kind_lacking(probe, PF_ARGS));
		return NULL;
	}
	for (struct node *a = probe->u.probe.attach; a; a = a->next) {
		struct attach_point *ap = a->u.attach.ap;
		const struct probe_provider *p = ap ? probe_provider(ap->kind)
						    : NULL;

		if (!p || !p->args_type)
			return NULL;
		recs[k] = p->args_type(ctx, ap, ident->loc);
		if (!recs[k])
			return NULL;
		same = same && type_equal(recs[0], recs[k]);
		k++;
	}
	if (same || recs[0]->kind != T_RECORD)
		return recs[0];
	shared = type_record_common(ctx->arena,
				    "struct _args_common_to_all_attach_points",
				    recs, n);
	if (!shared)
		diag_error(D(ctx), ident->loc,
			   "The args builtin has no field of the same name and type in all attach points of this probe; use separate probes");
	return shared;
}

/* "arg12" -> 12; -1 when the digits are not all there. */
static int ident_index(const char *name, size_t prefix)
{
	char *end;
	long n = strtol(name + prefix, &end, 10);

	if (!name[prefix] || *end || n < 0)
		return -1;
	return (int)n;
}

static struct type *t_arg(struct compile_ctx *ctx, struct node *ident,
			  struct node *probe)
{
	const char *name = ident->u.ident.name;
	int n = ident_index(name, 3), max = INT_MAX;

	if (!fn_probe_has(probe, PF_ARGN)) {
		diag_error(D(ctx), ident->loc,
			   "The %s builtin can only be used with %s probes ('%s' used here)",
			   name, fn_kinds_with(ctx, PF_ARGN),
			   fn_probe_kind_lacking(probe, PF_ARGN));
		return NULL;
	}
	/* the fewest any attach point has */
	for (struct node *a = probe->u.probe.attach; a; a = a->next) {
		const struct attach_point *ap = a->u.attach.ap;
		int m = ap ? probe_provider(ap->kind)->max_args : max;

		/* Go: nine registers, then the stack (go_abi.h) */
		if (ap && ap->go)
			m = 10;

		max = m < max ? m : max;
	}
	if (n >= max) {
		diag_error(D(ctx), ident->loc, "x86_64 doesn't support %s",
			   name);
		return NULL;
	}
	/* bpftrace 0.17: a uint64, a USDT argument's bits too (sign-extended
	 * from its note's size: -1 compares and sums as 2^64 - 1, printf's
	 * %d shows -1) */
	return type_u64();
}

/* goid: the goroutine's id, in uprobes of Go binaries (g in R14 in Go
 * code of Go >= 1.17, else from thread-local storage; in the C code of
 * a cgo binary, the goroutine that called it: compiler/codegen/cg_go.c) */
static struct type *t_goid(struct compile_ctx *ctx, struct node *ident,
			   struct node *probe)
{
	for (struct node *a = probe ? probe->u.probe.attach : NULL; a;
	     a = a->next) {
		const struct attach_point *ap = a->u.attach.ap;

		if (!ap || !ap->go) {
			diag_error(D(ctx), ident->loc,
				   "The goid builtin can only be used in "
				   "uprobes and uretprobes of Go binaries "
				   "('%s' is not one)", ap ? ap->raw : "?");
			return NULL;
		}
	}
	return type_u64();
}

static struct type *t_sarg(struct compile_ctx *ctx, struct node *ident,
			   struct node *probe)
{
	if (!fn_probe_has(probe, PF_SARGN)) {
		diag_error(D(ctx), ident->loc,
			   "The %s builtin can only be used with %s probes ('%s' used here)",
			   ident->u.ident.name, fn_kinds_with(ctx, PF_SARGN),
			   fn_probe_kind_lacking(probe, PF_SARGN));
		return NULL;
	}
	return type_u64();
}

static const struct builtin builtins[] = {
	{ "pid", B_PID, t_u64 },
	{ "tid", B_TID, t_u64 },
	{ "uid", B_UID, t_u64 },
	{ "gid", B_GID, t_u64 },
	{ "comm", B_COMM, t_comm },
	{ "nsecs", B_NSECS, t_u64 },
	{ "elapsed", B_ELAPSED, t_u64 },
	{ "cpu", B_CPU, t_u64 },
	{ "cgroup", B_CGROUP, t_u64 },
	{ "func", B_FUNC, t_func },
	{ "probe", B_PROBE, t_probe },
	{ "args", B_ARGS, t_args },
	{ "retval", B_RETVAL, t_retval },
	{ "arg", B_ARG, t_arg },
	{ "sarg", B_SARG, t_sarg },
	{ "kstack", B_KSTACK, t_stack },
	{ "ustack", B_USTACK, t_stack },
	{ "curtask", B_CURTASK, t_curtask },
	{ "rand", B_RAND, t_u64 },
	{ "username", B_USERNAME, t_username },
	{ "cpid", B_CPID, t_cpid },
	{ "ctx", B_CTX, t_ctx },
	{ "jiffies", B_JIFFIES, t_u64 },
	{ "numaid", B_NUMAID, t_u64 },
	{ "has_cpid", B_HAS_CPID, t_u64 },
	{ "ncpus", B_NCPUS, t_u64 },
	{ "probetype", B_PROBETYPE, t_probetype },
	{ "usermode", B_USERMODE, t_usermode },
	{ "goid", B_GOID, t_goid },
	{ "pyfunc", B_PYFUNC, t_pyname },
	{ "pyfile", B_PYFILE, t_pyname },
	{ "pyline", B_PYLINE, t_u64 },
	{ "container", B_CONTAINER, t_container },
	{ "container_name", B_CONTAINER, t_container },
	{ "pod", B_CONTAINER, t_container },
	{ "pod_namespace", B_CONTAINER, t_container },
	{ "pod_uid", B_CONTAINER, t_container },
};

/* argN and sargN: one digit, as bpftrace's lexer (arg10 is not one). */
static bool is_indexed(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(name, prefix, n) && name[n] >= '0' &&
	       name[n] <= '9' && !name[n + 1];
}

const struct builtin *builtin_find(const char *name)
{
	size_t n = sizeof(builtins) / sizeof(builtins[0]);

	if (!name)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const struct builtin *b = &builtins[i];

		if (b->id == B_ARG || b->id == B_SARG) {
			if (is_indexed(name, b->name))
				return b;
		} else if (!strcmp(name, b->name)) {
			return b;
		}
	}
	return NULL;
}

const struct builtin *builtin_at(int i)
{
	int n = sizeof(builtins) / sizeof(builtins[0]);

	return i >= 0 && i < n ? &builtins[i] : NULL;
}

static const struct func *const families[] = {
	funcs_print, funcs_map, funcs_str, funcs_stack, funcs_misc, funcs_proto,
	funcs_span, funcs_redact, funcs_load,
};

const struct func *func_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		for (const struct func *f = families[i]; f->name; f++)
			if (!strcmp(f->name, name))
				return f;
	return NULL;
}

const struct func *func_at(int i)
{
	for (size_t k = 0; k < sizeof(families) / sizeof(families[0]); k++)
		for (const struct func *f = families[k]; f->name; f++)
			if (i-- == 0)
				return f;
	return NULL;
}
