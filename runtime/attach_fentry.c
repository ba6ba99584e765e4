/* fentry:[MOD:]FUNC and fexit (BPF trampolines). libbpf resolves the
 * function's BTF id from the section at load; attaching makes the
 * trampoline link. Some kernels refuse trampoline programs: that is
 * found out by loading and attaching a trivial one, before the user's
 * program is loaded. A program compiled on another machine is checked
 * against this kernel's functions first. */
#include "attach.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

int attach_tracing_trial(int attach_type, const char *btf_func)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = attach_type);
	struct btf *btf = btf__load_vmlinux_btf();
	int id, fd, link, err = 0;

	if (!btf)
		return -errno;
	id = btf__find_by_name_kind(btf, btf_func, BTF_KIND_FUNC);
	btf__free(btf);
	if (id < 0)
		return id;
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "et_trial", "GPL", insns,
			   sizeof(insns) / sizeof(*insns), &opts);
	if (fd < 0)
		return -errno;
	if (attach_type != BPF_TRACE_ITER) {
		link = bpf_link_create(fd, 0, attach_type, NULL);
		if (link < 0)
			err = -errno;
		else
			close(link);
	}
	close(fd);
	return err;
}

static const char *fentry_unavailable(void)
{
	static int state;

	if (!state)
		state = attach_tracing_trial(BPF_TRACE_FENTRY, "vfs_read") ?
			2 : 1;
	return state == 1 ? NULL :
	       "fentry/fexit probes are not available: the kernel refuses "
	       "trampoline programs (fentry/fexit)";
}

/* This kernel's BTF (vmlinux, and a module's split on it), loaded once
 * per run of resolve(). */
static struct btf *vmlinux_btf(void)
{
	static struct btf *btf;
	static bool tried;

	if (!tried) {
		tried = true;
		btf = btf__load_vmlinux_btf();
	}
	return btf;
}

/* Does this kernel have the function (in module mod, or NULL)? -1 when
 * that cannot be told (no BTF). */
static int has_func(const char *mod, const char *func)
{
	struct btf *base = vmlinux_btf(), *btf = base;
	char path[300];
	int id;

	if (!base)
		return -1;
	if (mod) {
		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", mod);
		btf = btf__parse_split(path, base);
		if (!btf)
			return 0;
	}
	id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	if (btf != base)
		btf__free(btf);
	return id > 0;
}

/* A program compiled elsewhere: its function must exist here; a
 * wildcard's match that does not is left out, with a warning. */
static int fentry_resolve(struct attach_env *env, const struct et_probe *ep,
			  struct attach_targets *t)
{
	const char *func = ep->attach_target ? ep->attach_target : ep->func;

	if (!func || has_func(ep->target, func) != 0)
		return 0;
	if (!ep->wildcard)
		return attach_fail(env, -ENOENT, "%s: this kernel has no "
				   "function %s", ep->raw, func);
	t->skip = true;
	t->skipped = func;
	return 0;
}

static int fentry_attach(struct attach_env *env, const struct et_probe *ep,
			 struct bpf_program *prog, struct bpf_program *ret)
{
	char what[300];
	int err;

	snprintf(what, sizeof(what), "%s", ep->raw);
	err = attach_keep(env, bpf_program__attach_trace(prog), what);
	if (!err && ret)
		err = attach_keep(env, bpf_program__attach_trace(ret), what);
	return err;
}

const struct attach_provider attach_FENTRY = {
	.kind = PK_FENTRY,
	.unavailable = fentry_unavailable,
	.resolve = fentry_resolve,
	.attach = fentry_attach,
};

const struct attach_provider attach_FEXIT = {
	.kind = PK_FEXIT,
	.unavailable = fentry_unavailable,
	.resolve = fentry_resolve,
	.attach = fentry_attach,
};
