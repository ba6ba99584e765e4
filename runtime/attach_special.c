/* BEGIN and END: programs attached to nothing. The runtime runs BEGIN
 * once after every other probe is attached and END once after they are
 * detached, through BPF_PROG_TEST_RUN of a raw tracepoint program
 * (attach_run_once). */
#include "attach.h"

#include <linux/bpf.h>

static const char *special_unloadable(void)
{
	static int state; /* 0 unknown, 1 works, 2 not */

	if (!state)
		state = attach_prog_type_ok(BPF_PROG_TYPE_RAW_TRACEPOINT) ?
			1 : 2;
	return state == 1 ? NULL :
	       "BEGIN and END are not available: the kernel cannot load "
	       "raw tracepoint programs";
}

const struct attach_provider attach_BEGIN = {
	.kind = PK_BEGIN,
	.unloadable = special_unloadable,
	.pid_scoped = true,
};

const struct attach_provider attach_END = {
	.kind = PK_END,
	.unloadable = special_unloadable,
	.pid_scoped = true,
};

/* self:signal:SIGUSR1: run at each SIGUSR1 etrace gets (run.c) */
const struct attach_provider attach_SELF = {
	.kind = PK_SELF,
	.unloadable = special_unloadable,
	.pid_scoped = true,
};
