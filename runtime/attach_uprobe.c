/* uprobe:BIN:FUNC[+OFF] / uprobe:BIN:ADDR, uretprobe, and usdt:BIN:[NS:]
 * NAME at a file offset (the function's from elf_syms.h; a USDT note's
 * from the program). -p PID or the -c child limits them to that process.
 * A latency block also attaches its return program as a uretprobe of the
 * same function.
 * Each is a uprobe_multi link where the kernel has them (6.6): a perf
 * event uprobe takes ~0.1 s to remove under the kernel's event_mutex, one
 * after the other (75 uprobes of libc: 8 s to end a run), links end in
 * parallel (attach_detach.c). libbpf 1.1 cannot make these links: the
 * bpf() call is made here. Elsewhere libbpf's perf event uprobes. */
#include "attach.h"
#include "elf_syms.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/* Linux 6.6 UAPI, newer than the build's headers (Debian 12: 6.1) */
#define ET_TRACE_UPROBE_MULTI 48
#define ET_F_UPROBE_MULTI_RETURN 1u

/* BPF_LINK_CREATE's attributes for a uprobe_multi link */
struct uprobe_multi_attr {
	uint32_t prog_fd, target_fd, attach_type, flags;
	uint64_t path, offsets, ref_ctr_offsets, cookies;
	uint32_t cnt, multi_flags, pid;
};

static int multi_link(struct bpf_program *prog, int prog_fd, const char *path,
		      uint64_t off, uint64_t ref_ctr, bool ret, pid_t pid,
		      uint64_t cookie);

/* Whether the kernel makes uprobe_multi links (once). A kernel without
 * them may still load a program for that attach type (6.1 checks no
 * attach type of kprobe programs): a link on "/" tells, EBADF (not a
 * regular file) where the link type exists, EINVAL where it does not,
 * as libbpf probes it. */
static bool multi_ok(void)
{
	static int state; /* 0 unknown, 1 yes, 2 no */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = ET_TRACE_UPROBE_MULTI);
	int fd, link;

	if (!state) {
		fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns,
				   2, &opts);
		link = fd < 0 ? -EINVAL
			      : multi_link(NULL, fd, "/", 0, 0, false, 0, 0);
		state = link == -EBADF ? 1 : 2;
		if (link >= 0)
			close(link);
		if (fd >= 0)
			close(fd);
	}
	return state == 1;
}

static bool is_multi(struct bpf_program *prog)
{
	return bpf_program__expected_attach_type(prog) ==
	       (enum bpf_attach_type)ET_TRACE_UPROBE_MULTI;
}

static void uprobe_prepare(const struct et_probe *ep,
			   struct bpf_program *prog, struct bpf_program *ret)
{
	(void)ep;
	if (!multi_ok())
		return;
	bpf_program__set_expected_attach_type(
	    prog, (enum bpf_attach_type)ET_TRACE_UPROBE_MULTI);
	if (ret)
		bpf_program__set_expected_attach_type(
		    ret, (enum bpf_attach_type)ET_TRACE_UPROBE_MULTI);
}

/* A uprobe_multi link of prog (or of the program prog_fd, when prog is
 * NULL) at file offset off of path: its fd or -errno. */
static int multi_link(struct bpf_program *prog, int prog_fd, const char *path,
		      uint64_t off, uint64_t ref_ctr, bool ret, pid_t pid,
		      uint64_t cookie)
{
	union bpf_attr attr;
	struct uprobe_multi_attr *a = (struct uprobe_multi_attr *)&attr;
	long fd;

	_Static_assert(sizeof(*a) <= sizeof(attr), "bpf_attr too small");
	memset(&attr, 0, sizeof(attr));
	a->prog_fd = prog ? bpf_program__fd(prog) : prog_fd;
	a->attach_type = ET_TRACE_UPROBE_MULTI;
	a->path = (uintptr_t)path;
	a->offsets = (uintptr_t)&off;
	a->ref_ctr_offsets = ref_ctr ? (uintptr_t)&ref_ctr : 0;
	a->cookies = cookie ? (uintptr_t)&cookie : 0;
	a->cnt = 1;
	a->multi_flags = ret ? ET_F_UPROBE_MULTI_RETURN : 0;
	a->pid = pid > 0 ? (uint32_t)pid : 0;
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	return fd < 0 ? -errno : (int)fd;
}

/* prog at file offset off of path (ref_ctr: a USDT semaphore's) in
 * process pid (0: every process), with bpf cookie cookie; with func and
 * no offset known, libbpf finds func. */
static int uprobe_link(struct attach_env *env, struct bpf_program *prog,
		       const char *path, uint64_t off, uint64_t ref_ctr,
		       const char *func, bool ret, pid_t pid, uint64_t cookie,
		       const char *what)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = ret,
		    .ref_ctr_offset = ref_ctr, .func_name = func,
		    .bpf_cookie = cookie);

	if (is_multi(prog))
		return attach_keep_link_fd(
		    env,
		    func ? -ENOENT
			 : multi_link(prog, -1, path, off, ref_ctr, ret, pid,
				      cookie),
		    what);
	return attach_keep(env,
			   bpf_program__attach_uprobe_opts(prog, pid ? pid : -1,
							   path, off, &opts),
			   what);
}

/* The return of a Go function (at file offset off): a uprobe at each of
 * its RET instructions, whose cookie is the RET's offset in it (func is
 * the address less the cookie). A uretprobe would replace the return
 * address on the goroutine's stack, which Go copies when it grows and
 * walks in tracebacks: "unexpected return pc", a crash. */
static int attach_go_rets(struct attach_env *env, const struct et_probe *ep,
			  struct bpf_program *prog, uint64_t off,
			  const char *what)
{
	int err = 0;

	for (int i = 0; i < ep->ngo_rets && !err; i++)
		err = uprobe_link(env, prog, ep->target, off + ep->go_rets[i],
				  0, NULL, false, env->pid, ep->go_rets[i],
				  what);
	return err;
}

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
	const char *by_name = NULL;
	size_t off = ep->offset;
	char what[600];

	if (ep->has_address) {
		off += ep->address;
	} else {
		/* by file offset: libbpf 1.1 refuses names that .dynsym
		 * holds twice (versions), e.g. libc's __libc_start_main */
		struct elf_syms *es = elf_syms__open(ep->target);
		const struct elf_sym *s = es ? elf_syms__find(es, func) : NULL;

		if (s)
			off += s->offset;
		else
			by_name = func;
		elf_syms__close(es);
	}
	snprintf(what, sizeof(what), "%s:%s:%s", ret ? "uretprobe" :
		 "uprobe", ep->target, func ? func : ep->raw);
	if (ret && ep->ngo_rets) {
		if (by_name)
			return attach_fail(env, -ENOENT, "Cannot attach %s: "
					   "no symbol %s in %s", what, func,
					   ep->target);
		return attach_go_rets(env, ep, prog, off, what);
	}
	if (!ret && !by_name)
		off += ep->go_entry;
	return uprobe_link(env, prog, ep->target, off, 0, by_name, ret,
			   env->pid, 0, what);
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

	if (!ep->attach_target && ep->wildcard && !ep->nmatches)
		return attach_fail(env, -ENOENT, "Cannot attach %s: no "
				   "function of %s matches", ep->raw,
				   ep->target);
	return attach_each_func(env, ep, prog, ret, attach_func);
}

const struct attach_provider attach_UPROBE = {
	.kind = PK_UPROBE,
	.unavailable = uprobe_unavailable,
	.attach = uprobe_attach,
	.prepare = uprobe_prepare,
	.pid_scoped = true,
	.last_first = true,
};

const struct attach_provider attach_URETPROBE = {
	.kind = PK_URETPROBE,
	.unavailable = uprobe_unavailable,
	.attach = uprobe_attach,
	.prepare = uprobe_prepare,
	.pid_scoped = true,
	.last_first = true,
};

/* A usdt program serves one note (compiler/program.h): a uprobe at its
 * file offset, the semaphore raised by the kernel while it is attached
 * (ref_ctr_offset), in every process that maps the file or in -p's (or
 * -c's). --usdt-file-activation attaches it in every process even then
 * (bpftrace's option): their semaphores are raised, and the program's
 * own -p check keeps the events of -p's process only. */
static int usdt_attach(struct attach_env *env, const struct et_probe *ep,
		       struct bpf_program *prog, struct bpf_program *ret)
{
	const char *name = ep->attach_target ? ep->attach_target : ep->func;
	char what[600];

	(void)ret;
	if (!ep->usdt_offset)
		return attach_fail(env, -ENOENT, "Cannot attach %s: no USDT "
				   "note for it in %s", ep->raw, ep->target);
	snprintf(what, sizeof(what), "usdt:%s:%s%s%s", ep->target,
		 ep->attach_target || !ep->ns ? "" : ep->ns,
		 ep->attach_target || !ep->ns ? "" : ":", name);
	return uprobe_link(env, prog, ep->target, ep->usdt_offset,
			   ep->usdt_sema_offset, NULL, false,
			   env->usdt_file_activation ? 0 : env->pid, 0, what);
}

const struct attach_provider attach_USDT = {
	.kind = PK_USDT,
	.unavailable = uprobe_unavailable,
	.attach = usdt_attach,
	.prepare = uprobe_prepare,
	.pid_scoped = true,
	.last_first = true,
};
