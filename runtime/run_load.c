/* run_load.c: the run's load management (loadguard.h): the guard made
 * before the probes attach (their rate limits' buckets written first),
 * the links each probe's attach made (so that the guard can detach one
 * probe), and the guard's tick from the event loop. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <linux/perf_event.h>

#include "bpf/loader.h"
#include "loadguard.h"
#include "run_impl.h"

/* The links probe i's attach made: the loader's (by pointer, its list
 * moves) and the kept tracepoints' (by index in env.tps, which only
 * grows). */
struct run_plinks {
	size_t l0, t0, t1;
	struct bpf_link **links;
	size_t nlinks;
};

static bool gated(const struct et_program *p)
{
	for (int i = 0; i < p->ndrops; i++)
		if (p->drops[i].cause == DROP_RATE_LIMIT ||
		    p->drops[i].cause == DROP_SHED)
			return true;
	return false;
}

static uint32_t budget(const struct run *r)
{
	return r->o->max_overhead ? r->o->max_overhead
				  : r->prog->settings.max_overhead;
}

void run_load_begin(struct run *r, int i)
{
	if (!r->plinks)
		return;
	r->plinks[i].l0 = loader__nlinks(r->l);
	r->plinks[i].t0 = r->env.ntps;
}

void run_load_end(struct run *r, int i)
{
	struct run_plinks *pl = r->plinks ? &r->plinks[i] : NULL;
	size_t n;

	if (!pl)
		return;
	pl->t1 = r->env.ntps;
	n = loader__nlinks(r->l);
	if (n <= pl->l0)
		return;
	pl->links = calloc(n - pl->l0, sizeof(*pl->links));
	for (size_t k = pl->l0; pl->links && k < n; k++)
		pl->links[pl->nlinks++] = loader__link(r->l, k);
}

static int detach_probe(void *ctx, int i)
{
	struct run *r = ctx;
	struct run_plinks *pl = &r->plinks[i];

	for (size_t k = 0; k < pl->nlinks; k++)
		loader__destroy_link(r->l, pl->links[k]);
	pl->nlinks = 0;
	for (size_t k = pl->t0; k < pl->t1 && k < r->env.ntps; k++) {
		struct attach_tp *tp = &r->env.tps[k];

		bpf_link__destroy(tp->link);
		tp->link = NULL;
		if (tp->link_fd >= 0)
			close(tp->link_fd);
		tp->link_fd = -1;
		if (tp->perf_fd >= 0) {
			ioctl(tp->perf_fd, PERF_EVENT_IOC_DISABLE, 0);
			close(tp->perf_fd);
		}
		tp->perf_fd = -1;
	}
	return 0;
}

int run_load_open(struct run *r)
{
	const struct et_program *p = r->prog;
	uint32_t b = budget(r);
	bool shed = false;

	if (!gated(p) && !b)
		return 0;
	for (int i = 0; i < p->ndrops; i++)
		shed |= p->drops[i].cause == DROP_SHED;
	if (b && !shed)
		fprintf(stderr,
			"etrace: note: the program was compiled "
			"without max_overhead: the overhead guard can only "
			"detach its probes\n");
	r->plinks = calloc((size_t)p->nprobes + 1, sizeof(*r->plinks));
	r->lg_fds = calloc(2 * (size_t)p->nprobes + 2, sizeof(int));
	if (!r->plinks || !r->lg_fds) {
		run_error("out of memory");
		return -ENOMEM;
	}
	for (int i = 0; i < p->nprobes; i++) {
		r->lg_fds[2 * i] =
		    r->progs[i] ? bpf_program__fd(r->progs[i]) : -1;
		r->lg_fds[2 * i + 1] =
		    r->rets[i] ? bpf_program__fd(r->rets[i]) : -1;
	}
	r->lg = loadguard__new(p, loader__map_fd(r->l, ET_GATE_MAP), r->lg_fds,
			       b, detach_probe, r);
	return r->lg ? 0 : -EINVAL;
}

void run_load_tick(struct run *r)
{
	if (r->lg)
		loadguard__tick(r->lg, run_now_ns());
}

void run_load_free(struct run *r)
{
	loadguard__free(r->lg);
	r->lg = NULL;
	for (int i = 0; r->plinks && i < r->prog->nprobes; i++)
		free(r->plinks[i].links);
	free(r->plinks);
	r->plinks = NULL;
	free(r->lg_fds);
	r->lg_fds = NULL;
}
