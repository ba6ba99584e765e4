/* kprobe:FUNC[+OFF] and kretprobe:FUNC, wildcards expanded to the
 * functions the compiler matched. A latency block (at_return) also
 * attaches its return program as a kretprobe of the same function. */
#include "attach.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <bpf/libbpf.h>

static const char *kprobe_unavailable(void)
{
	static int state;

	return attach_dynprobe_present("kprobe", &state) ? NULL :
	       "kprobes are not available: this kernel was built without "
	       "CONFIG_KPROBES";
}

static int attach_one(struct attach_env *env, struct bpf_program *prog,
		      const char *func, uint64_t offset, bool ret)
{
	LIBBPF_OPTS(bpf_kprobe_opts, opts, .offset = offset,
		    .retprobe = ret);
	char what[300];

	snprintf(what, sizeof(what), "%s:%s", ret ? "kretprobe" : "kprobe",
		 func);
	return attach_keep(env, bpf_program__attach_kprobe_opts(prog, func,
								 &opts),
			   what);
}

static int attach_func(struct attach_env *env, const struct et_probe *ep,
		       struct bpf_program *prog, struct bpf_program *ret,
		       const char *func)
{
	bool is_ret = ep->kind == PK_KRETPROBE;
	int err;

	err = attach_one(env, prog, func, is_ret ? 0 : ep->offset,
			 is_ret);
	if (!err && ret)
		err = attach_one(env, ret, func, 0, true);
	return err;
}

static int kprobe_attach(struct attach_env *env, const struct et_probe *ep,
			 struct bpf_program *prog, struct bpf_program *ret)
{
	return attach_each_func(env, ep, prog, ret, attach_func);
}

const struct attach_provider attach_KPROBE = {
	.kind = PK_KPROBE,
	.unavailable = kprobe_unavailable,
	.attach = kprobe_attach,
};

const struct attach_provider attach_KRETPROBE = {
	.kind = PK_KRETPROBE,
	.unavailable = kprobe_unavailable,
	.attach = kprobe_attach,
};
