/* watchpoint:address:length:mode and watchpoint:func+argN:length:mode: a
 * hardware breakpoint on a memory address (or the address a function's
 * argument holds when the function is entered). The function form
 * (asyncwatchpoint too) names a function of the -c command's binary or
 * of -p PID's (/proc/PID/exe), as bpftrace 0.17 does; a wildcard names
 * several. Resolving finds them: ap->target is the binary, ap->matches
 * the functions (ap->wildcard is set even for one, so that each is a
 * program named "watchpoint:BINARY:FUNC[:N]:LEN:MODE"); the code
 * generator adds a uprobe on each that arms the breakpoint at run time
 * (compiler/codegen/cg_watch.c). */
#include "probe_impl.h"

#include <inttypes.h>
#include <stdlib.h>

#include "elf_syms.h"

/* func+argN: sets ap->func and ap->address = N (the argument index). */
static int wp_func_arg(struct compile_ctx *ctx, struct attach_point *ap,
		       const char *spec)
{
	const char *plus = strchr(spec, '+');
	char *end;
	long n;

	if (plus == spec || strncmp(plus + 1, "arg", 3) || !plus[4]) {
		diag_error(&ctx->diags, ap->loc,
			   "Invalid %s function argument '%s': expected func+argN",
			   probe_kind_name(ap->kind), spec);
		return -EINVAL;
	}
	n = strtol(plus + 4, &end, 10);
	if (*end || n < 0 || !isdigit((unsigned char)plus[4])) {
		diag_error(&ctx->diags, ap->loc,
			   "Invalid %s function argument '%s': expected func+argN",
			   probe_kind_name(ap->kind), spec);
		return -EINVAL;
	}
	if (n >= 6) {
		diag_error(&ctx->diags, ap->loc, "x86_64 doesn't support arg%ld",
			   n);
		return -EINVAL;
	}
	ap->func = arena_strndup(ctx->arena, spec, plus - spec);
	ap->address = (uint64_t)n;
	ap->wildcard = probe_has_wildcard(ap->func);
	return 0;
}

static int wp_address(struct compile_ctx *ctx, struct attach_point *ap,
		      const char *spec)
{
	const char *kind = probe_kind_name(ap->kind);

	if (strchr(spec, '+'))
		return wp_func_arg(ctx, ap, spec);
	if (ap->kind == PK_ASYNCWATCHPOINT) {
		diag_error(&ctx->diags, ap->loc,
			   "asyncwatchpoint requires a function argument (func+argN), found '%s'",
			   spec);
		return -EINVAL;
	}
	if (probe_number(ctx, ap, arena_printf(ctx->arena, "%s address",
					       kind), spec, &ap->address) < 0)
		return -EINVAL;
	if (!ap->address) {
		diag_error(&ctx->diags, ap->loc,
			   "%s must be attached to a non-zero address", kind);
		return -EINVAL;
	}
	ap->has_address = true;
	return 0;
}

/* r, w, x combined without repeats; x only alone (the hardware cannot
 * trap execution together with data access). Stored sorted: "rw". */
static int wp_mode(struct compile_ctx *ctx, struct attach_point *ap,
		   const char *mode)
{
	bool r = false, w = false, x = false;
	const char *kind = probe_kind_name(ap->kind);

	for (const char *p = mode; *p; p++) {
		bool *flag = *p == 'r' ? &r : *p == 'w' ? &w : *p == 'x' ? &x :
			     NULL;

		if (!flag) {
			diag_error(&ctx->diags, ap->loc,
				   "Invalid %s mode '%s': expected a combination of r, w and x",
				   kind, mode);
			return -EINVAL;
		}
		if (*flag) {
			diag_error(&ctx->diags, ap->loc,
				   "Invalid %s mode '%s': '%c' is repeated",
				   kind, mode, *p);
			return -EINVAL;
		}
		*flag = true;
	}
	if (!*mode || (x && (r || w))) {
		diag_error(&ctx->diags, ap->loc,
			   "Invalid %s mode '%s': expected r, w, rw or x", kind,
			   mode);
		return -EINVAL;
	}
	ap->mode = x ? "x" : r && w ? "rw" : r ? "r" : "w";
	return 0;
}

int probe_watchpoint_parse(struct compile_ctx *ctx, struct attach_point *ap,
			   char **parts, int nparts)
{
	const char *kind = probe_kind_name(ap->kind);

	if (probe_nargs(ctx, ap, nparts, 3, 3) < 0)
		return -EINVAL;
	/* a wildcard may name functions, nothing else */
	for (int i = 0; i < 3; i++)
		if ((i || !strchr(parts[0], '+')) &&
		    probe_no_wildcard(ctx, ap, parts[i]) < 0)
			return -EINVAL;
	if (wp_address(ctx, ap, parts[0]) < 0)
		return -EINVAL;
	if (probe_number(ctx, ap, arena_printf(ctx->arena, "%s length",
					       kind), parts[1], &ap->freq) < 0)
		return -EINVAL;
	if (ap->freq != 1 && ap->freq != 2 && ap->freq != 4 && ap->freq != 8) {
		diag_error(&ctx->diags, ap->loc,
			   "%s length must be 1, 2, 4 or 8, found %s", kind,
			   parts[1]);
		return -EINVAL;
	}
	return wp_mode(ctx, ap, parts[2]);
}

/* ---- the function form: the binary, its functions ---- */

/* The -c command's program (its first word, found as the uprobes find
 * a binary), else -p PID's executable. */
static const char *wp_binary(struct compile_ctx *ctx,
			     const struct attach_point *ap)
{
	const char *cmd = ctx->opts.child_cmd;
	size_t skip = cmd ? strspn(cmd, " ") : 0;
	const char *prog;

	if (cmd && cmd[skip]) {
		prog = arena_strndup(ctx->arena, cmd + skip,
				     strcspn(cmd + skip, " "));
		return probe_find_binary(ctx, prog);
	}
	if (ctx->opts.target_pid > 0)
		return arena_printf(ctx->arena, "/proc/%d/exe",
				    ctx->opts.target_pid);
	diag_error(&ctx->diags, ap->loc,
		   "-p PID or -c CMD required for %s", probe_kind_name(ap->kind));
	return NULL;
}

struct wp_matches {
	struct compile_ctx *ctx;
	struct attach_point *ap;
	uint64_t last;
};

/* Aliases share an address: one watchpoint program, the first name. */
static int wp_add_match(const struct elf_sym *sym, void *arg)
{
	struct wp_matches *m = arg;

	if (m->ap->nmatches && sym->addr == m->last)
		return 0;
	m->last = sym->addr;
	probe_add_match(m->ctx, m->ap, sym->name);
	return 0;
}

static int wp_functions(struct compile_ctx *ctx, struct attach_point *ap,
			struct elf_syms *es)
{
	struct wp_matches m = { ctx, ap, 0 };

	if (!ap->wildcard && elf_syms__find(es, ap->func))
		probe_add_match(ctx, ap, ap->func);
	else if (ap->wildcard &&
		 elf_syms__match(es, ap->func, true, false, wp_add_match, &m))
		return -ENOMEM;
	if (!ap->nmatches) {
		diag_error(&ctx->diags, ap->loc, "No %s '%s' in %s",
			   ap->wildcard ? "function matches" : "symbol",
			   ap->func, ap->target);
		return -EINVAL;
	}
	ap->wildcard = true; /* one program per function */
	return 0;
}

int probe_watchpoint_resolve(struct compile_ctx *ctx, struct attach_point *ap)
{
	struct elf_syms *es;
	int err;

	if (!ap->func)
		return 0;
	ap->target = wp_binary(ctx, ap);
	if (!ap->target) {
		if (!diag_has_errors(&ctx->diags))
			diag_error(&ctx->diags, ap->loc, "Cannot find the "
				   "program of %s", ctx->opts.child_cmd);
		return -EINVAL;
	}
	es = elf_syms__open(ap->target);
	if (!es) {
		diag_error(&ctx->diags, ap->loc, "Cannot read the symbols of "
			   "%s: %s", ap->target, strerror(errno));
		return -EINVAL;
	}
	err = wp_functions(ctx, ap, es);
	elf_syms__close(es);
	return err;
}

/* The function form as bpftrace 0.17 names it: the binary, the
 * function, the argument's index when not 0, the length and the mode
 * ("watchpoint:./app:increment:1:4:w"); the address form as written. */
const char *probe_watchpoint_match_name(struct compile_ctx *ctx,
					const struct attach_point *ap,
					const char *t)
{
	const char *n = arena_printf(ctx->arena, "%s:%s:%s",
				     probe_kind_name(ap->kind), ap->target, t);

	if (ap->address)
		n = arena_printf(ctx->arena, "%s:%" PRIu64, n, ap->address);
	return arena_printf(ctx->arena, "%s:%" PRIu64 ":%s", n, ap->freq,
			    ap->mode);
}

const struct probe_provider probe_WATCHPOINT = {
	.kind = PK_WATCHPOINT,
	.flags = PF_KERNEL_CTX | PF_USER | PF_TASK_KFUNC,
	.parse = probe_watchpoint_parse,
	.resolve = probe_watchpoint_resolve,
	.section = probe_section_perf,
	.match_name = probe_watchpoint_match_name,
};
