/* uprobe:BIN:FUNC[+OFF] / uprobe:BIN:ADDR, uretprobe, and usdt:BIN:[NS:]
 * NAME, through libbpf's uprobe attach (the function's file offset from
 * elf_syms.h; a USDT note's from the program). -p PID or the -c child
 * limits them to that process. A latency block also attaches its return
 * program as a uretprobe of the same function. */
#include "attach.h"
#include "elf_syms.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <bpf/libbpf.h>

static const char *uprobe_unavailable(void)
{
	static int state;

	return attach_dynprobe_present("uprobe", &state) ? NULL :
	       "uprobes are not available: this kernel was built without "
	       "CONFIG_UPROBES";
}

static int attach_one(struct attach_env *env, const struct et_probe *ep,
		      struct bpf_program *prog, const char *func, bool ret)
{
	const struct attach_point *ap = ep->ap;
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = ret);
	size_t off = ap->offset;
	char what[600];

	if (ap->has_address) {
		off += ap->address;
	} else {
		/* by file offset: libbpf 1.1 refuses names that .dynsym
		 * holds twice (versions), e.g. libc's __libc_start_main */
		struct elf_syms *es = elf_syms__open(ap->target);
		const struct elf_sym *s = es ? elf_syms__find(es, func) : NULL;

		if (s)
			off += s->offset;
		else
			opts.func_name = func;
		elf_syms__close(es);
	}
	snprintf(what, sizeof(what), "%s:%s:%s", ret ? "uretprobe" :
		 "uprobe", ap->target, func ? func : ap->raw);
	return attach_keep(env, bpf_program__attach_uprobe_opts(
					prog, env->pid ? env->pid : -1,
					ap->target, off, &opts),
			   what);
}

static int attach_func(struct attach_env *env, const struct et_probe *ep,
		       struct bpf_program *prog, struct bpf_program *ret,
		       const char *func)
{
	int err;

	err = attach_one(env, ep, prog, func, ep->kind == PK_URETPROBE);
	if (!err && ret)
		err = attach_one(env, ep, ret, func, true);
	return err;
}

static int uprobe_attach(struct attach_env *env, const struct et_probe *ep,
			 struct bpf_program *prog, struct bpf_program *ret)
{
	const struct attach_point *ap = ep->ap;

	if (!ep->attach_target && ap->wildcard && !ap->nmatches)
		return attach_fail(env, -ENOENT, "Cannot attach %s: no "
				   "function of %s matches", ap->raw,
				   ap->target);
	return attach_each_func(env, ep, prog, ret, attach_func);
}

const struct attach_provider attach_UPROBE = {
	.kind = PK_UPROBE,
	.unavailable = uprobe_unavailable,
	.attach = uprobe_attach,
};

const struct attach_provider attach_URETPROBE = {
	.kind = PK_URETPROBE,
	.unavailable = uprobe_unavailable,
	.attach = uprobe_attach,
};

/* A usdt program serves one note (compiler/program.h): a uprobe at its
 * file offset, the semaphore raised by the kernel while it is attached
 * (ref_ctr_offset), in every process that maps the file or in -p's. */
static int usdt_attach(struct attach_env *env, const struct et_probe *ep,
		       struct bpf_program *prog, struct bpf_program *ret)
{
	const struct attach_point *ap = ep->ap;
	LIBBPF_OPTS(bpf_uprobe_opts, opts,
		    .ref_ctr_offset = ep->usdt_sema_offset);
	const char *name = ep->attach_target ? ep->attach_target : ap->func;
	char what[600];

	(void)ret;
	if (!ep->usdt_offset)
		return attach_fail(env, -ENOENT, "Cannot attach %s: no USDT "
				   "note for it in %s", ap->raw, ap->target);
	snprintf(what, sizeof(what), "usdt:%s:%s%s%s", ap->target,
		 ep->attach_target || !ap->ns ? "" : ap->ns,
		 ep->attach_target || !ap->ns ? "" : ":", name);
	return attach_keep(env, bpf_program__attach_uprobe_opts(
					prog, env->pid ? env->pid : -1,
					ap->target, ep->usdt_offset, &opts),
			   what);
}

const struct attach_provider attach_USDT = {
	.kind = PK_USDT,
	.unavailable = uprobe_unavailable,
	.attach = usdt_attach,
};
