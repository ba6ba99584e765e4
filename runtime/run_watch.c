/* The ring buffer records of watchpoints (compiler/codegen/cg_watch.c).
 * ACT_WATCHPOINT: a watchpoint's uprobe met its function; the breakpoint
 * is armed on the argument's address in the thread that called it
 * (attach_watchpoint.c), then the process, which the uprobe stopped for
 * a watchpoint (not for an asyncwatchpoint), continues, whatever came
 * of it, also once the run is ending and records are dropped: a traced
 * program is never left stopped. As bpftrace 0.17 does, running out of
 * debug registers is a warning and the run goes on; any other failure
 * ends it. ACT_UNWATCH: unwatch(addr) detaches the watchpoints on addr;
 * an address nothing watches is no error. */
#include "run_impl.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "output_impl.h"

static uint64_t word(const struct et_action *a, const void *rec,
		     size_t size, int i)
{
	uint64_t v = 0;

	if (i < a->nargs && a->args[i].offset + 8 <= size)
		memcpy(&v, (const char *)rec + a->args[i].offset, 8);
	return v;
}

/* "FILE:LINE:COL: warning: msg" at the watchpoint in the script. */
static void warn_at(struct run *r, struct loc loc, const char *msg)
{
	struct arena *ar = arena__new();
	struct diags d;

	if (!ar)
		return;
	diags_init(&d, ar, &r->prog->src);
	diag_warning(&d, loc, "%s", msg);
	fflush(r->o->out); /* after what the script printed before */
	diags_print(&d, stderr);
	arena__free(ar);
}

static void arm(struct run *r, int idx, uint64_t addr, pid_t tid)
{
	const struct et_probe *ep = &r->prog->probes[idx];
	int err;

	err = attach_watchpoint_arm(&r->env, idx, ep, r->progs[idx], addr,
				    tid);
	if (!err || err == -EEXIST)
		return;
	if (err == -ENOSPC) {
		warn_at(r, ep->loc, r->env.err);
		return;
	}
	run_script_error(r, ep->loc, r->env.err, NULL);
	r->exit_code = 1;
	r->done = true;
}

int run_watch_arm(struct run *r, const struct et_action *a, const void *rec,
		  size_t size)
{
	uint64_t idx = word(a, rec, size, 0), addr = word(a, rec, size, 1);
	uint64_t pid_tgid = word(a, rec, size, 2);
	const struct et_probe *ep = idx < (uint64_t)r->prog->nprobes ?
				    &r->prog->probes[idx] : NULL;

	if (ep && ep->deferred && !r->discard && !r->done)
		arm(r, (int)idx, addr, (pid_t)(uint32_t)pid_tgid);
	if (!ep || ep->kind != PK_ASYNCWATCHPOINT)
		kill((pid_t)(pid_tgid >> 32), SIGCONT);
	return 0;
}

int run_watch_unwatch(struct run *r, const struct et_action *a,
		      const void *rec, size_t size)
{
	if (!r->discard)
		attach_watchpoint_unwatch(&r->env, word(a, rec, size, 0));
	return 0;
}
