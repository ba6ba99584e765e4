/* kprobe:FUNC[+OFF] and kretprobe:FUNC, wildcards expanded to the
 * functions the compiler matched (one program each). A program compiled
 * on another machine is checked against this kernel's functions first:
 * a wildcard's match this kernel cannot probe is left out. A latency
 * block (at_return) also attaches its return program as a kretprobe of
 * the same function. */
#include "attach.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "kfuncs.h"

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

/* This kernel's functions: tracefs available_filter_functions (what
 * kprobes can attach to), else /proc/kallsyms; loaded once. */
static struct ksym_index *kernel_funcs(void)
{
	static struct ksym_index *idx;
	static bool tried;
	const char *tfs;
	char path[512];

	if (tried)
		return idx;
	tried = true;
	tfs = attach_tracefs();
	if (tfs) {
		snprintf(path, sizeof(path), "%s/available_filter_functions",
			 tfs);
		idx = ksym_index_load(path);
	}
	if (!idx)
		idx = ksym_index_load("/proc/kallsyms");
	return idx;
}

/* A program compiled elsewhere for one function (each match of a
 * wildcard is its own program): that function must be one this kernel
 * can probe; a wildcard's match that is not is left out. */
static int kprobe_resolve(struct attach_env *env, const struct et_probe *ep,
			  struct attach_targets *t)
{
	const char *func = ep->attach_target ? ep->attach_target : ep->func;
	struct ksym_index *idx = kernel_funcs();

	if (!idx || !func || ksym_index_has(idx, func))
		return 0;
	if (!ep->wildcard)
		return attach_fail(env, -ENOENT, "%s: this kernel has no "
				   "function %s that kprobes can attach to",
				   ep->raw, func);
	t->skip = true;
	t->skipped = func;
	return 0;
}

const struct attach_provider attach_KPROBE = {
	.kind = PK_KPROBE,
	.unavailable = kprobe_unavailable,
	.resolve = kprobe_resolve,
	.attach = kprobe_attach,
	/* the kprobes of one address are a list, newest first; kretprobes
	 * return newest first too (the return hooks are a stack), which
	 * is script order when attached in it (tests/vm/cases/k*_order) */
	.last_first = true,
};

const struct attach_provider attach_KRETPROBE = {
	.kind = PK_KRETPROBE,
	.unavailable = kprobe_unavailable,
	.resolve = kprobe_resolve,
	.attach = kprobe_attach,
};
