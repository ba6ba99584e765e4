/* The runtime's probe provider table (attach.h), keyed by probes.def, and
 * what the providers share: perf events as BPF links, failure messages,
 * one-shot runs of BEGIN/END, the --info matrix. */
#define _GNU_SOURCE
#include "attach.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/capability.h>
#include <linux/perf_event.h>

#define PROBE(id, name, alias, alias2) \
	extern const struct attach_provider attach_##id;
#include "probes.def"
#undef PROBE

static const struct attach_provider *const providers[PK_COUNT] = {
#define PROBE(id, name, alias, alias2) [PK_##id] = &attach_##id,
#include "probes.def"
#undef PROBE
};

const struct attach_provider *attach_provider(enum probe_kind kind)
{
	return (unsigned)kind < PK_COUNT ? providers[kind] : NULL;
}

int attach_count(const struct et_probe *ep, const struct attach_targets *t)
{
	/* armed while it runs: its uprobe counts, as bpftrace's */
	if ((t && t->skip) || ep->deferred)
		return 0;
	if (t && t->funcs)
		return t->n;
	if (!ep->attach_target && ep->wildcard &&
	    ep->nmatches > 0)
		return ep->nmatches;
	return 1;
}

void attach_order(const struct et_program *prog, int *order)
{
	int n = 0;

	for (int pass = 0; pass < 2; pass++)
		for (int k = 0; k < prog->nprobes; k++) {
			int i = pass ? prog->nprobes - 1 - k : k;
			const struct attach_provider *p =
			    attach_provider(prog->probes[i].kind);

			if ((p && p->last_first) == (pass == 1))
				order[n++] = i;
		}
}

int attach_fail(struct attach_env *env, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(env->err, sizeof(env->err), fmt, ap);
	va_end(ap);
	return err < 0 ? err : -err;
}

int attach_perf_open(void *attr, pid_t pid, int cpu)
{
	long fd = syscall(SYS_perf_event_open, attr, pid, cpu, -1,
			  PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : (int)fd;
}

/* libbpf's own codes (4000 and up: "BPF object format invalid"...) as
 * words, never as "Unknown error 4001". */
static const char *attach_strerror(int err, char *buf, size_t len)
{
	if (libbpf_strerror(err, buf, len))
		snprintf(buf, len, "%s", strerror(err < 0 ? -err : err));
	return buf;
}

int attach_keep(struct attach_env *env, struct bpf_link *link,
		const char *what)
{
	char msg[128];
	int err;

	if (!link)
		err = -errno;
	else
		err = loader__add_link(env->loader, link);
	if (err)
		return attach_fail(env, err, "Cannot attach %s: %s", what,
				   attach_strerror(err, msg, sizeof(msg)));
	return 0;
}

int attach_perf_link(struct attach_env *env, const struct et_probe *ep,
		     struct bpf_program *prog, int pfd)
{
	struct bpf_link *link = bpf_program__attach_perf_event(prog, pfd);
	int err = errno;

	if (!link)
		close(pfd);
	errno = err;
	return attach_keep(env, link, ep->raw);
}

const char *attach_tracefs(void)
{
	static const char root[] = "/sys/kernel/tracing";

	return loader_tracefs_ensure() == 0 ? root : NULL;
}

bool attach_dynprobe_present(const char *kind, int *state)
{
	const char *tracefs;
	char pmu[128], events[256];

	if (!*state) {
		tracefs = attach_tracefs();
		snprintf(pmu, sizeof(pmu),
			 "/sys/bus/event_source/devices/%s/type", kind);
		snprintf(events, sizeof(events), "%s/%s_events",
			 tracefs ? tracefs : "/sys/kernel/tracing", kind);
		*state = access(pmu, F_OK) == 0 || access(events, F_OK) == 0
				 ? 1
				 : 2;
	}
	return *state == 1;
}

int attach_run_once(struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int fd = bpf_program__fd(prog);

	if (fd < 0)
		return -EBADF;
	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	return 0;
}

bool attach_privileged(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = { 0 };
	uint64_t eff;

	if (syscall(SYS_capget, &h, d))
		return true; /* let the kernel say no */
	eff = d[0].effective | (uint64_t)d[1].effective << 32;
	return eff & (1ULL << CAP_SYS_ADMIN) ||
	       ((eff & (1ULL << CAP_BPF)) && (eff & (1ULL << CAP_PERFMON)));
}

void attach_report(FILE *out)
{
	const char *why;

	if (!attach_privileged()) {
		fprintf(out, "  probe types: not detected: that needs root "
			"(CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)\n");
		return;
	}
	fprintf(out, "  probe types:\n");
	for (int k = 0; k < PK_COUNT; k++) {
		if (!providers[k])
			continue;
		why = providers[k]->unavailable ?
		      providers[k]->unavailable() : NULL;
		if (!why && providers[k]->unloadable)
			why = providers[k]->unloadable();
		fprintf(out, "    %-16s %s\n", probe_kind_name(k),
			why ? why : "works");
	}
}

int attach_prog_type_ok(int type)
{
	return libbpf_probe_bpf_prog_type(type, NULL) == 1;
}

int attach_each_func(struct attach_env *env, const struct et_probe *ep,
		     struct bpf_program *prog, struct bpf_program *ret,
		     attach_func_fn fn)
{
	const struct attach_targets *t = env->targets;
	int err = 0;

	if (t && t->funcs) {
		for (int i = 0; i < t->n && !err; i++)
			err = fn(env, ep, prog, ret, t->funcs[i]);
		return err;
	}
	if (ep->attach_target || !ep->wildcard)
		return fn(env, ep, prog, ret,
			  ep->attach_target ? ep->attach_target : ep->func);
	for (int i = 0; i < ep->nmatches && !err; i++)
		err = fn(env, ep, prog, ret, ep->matches[i]);
	return err;
}
