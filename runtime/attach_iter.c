/* iter:NAME: a BPF iterator (task, task_file, ...). Attaching makes the
 * iterator link; the runtime then reads it once, which runs the program
 * for every object, and ends as bpftrace does (run.c). */
#include "attach.h"

#include <errno.h>
#include <stdio.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>

static const char *iter_unavailable(void)
{
	static int state;

	if (!state)
		state = attach_tracing_trial(BPF_TRACE_ITER,
					     "bpf_iter_task") ? 2 : 1;
	return state == 1 ? NULL :
	       "iter probes are not available: the kernel refuses BPF "
	       "iterator programs";
}

static int iter_attach(struct attach_env *env, const struct et_probe *ep,
		       struct bpf_program *prog, struct bpf_program *ret)
{
	struct bpf_link *link;
	int err;

	if (env->iter_link)
		return attach_fail(env, -EINVAL, "Cannot attach %s: only one "
				   "iter probe can run", ep->raw);
	link = bpf_program__attach_iter(prog, NULL);
	err = attach_keep(env, link, ep->raw);
	if (!err)
		env->iter_link = link;
	return err;
}

const struct attach_provider attach_ITER = {
	.kind = PK_ITER,
	.unavailable = iter_unavailable,
	.attach = iter_attach,
};
