/* run.c: load, attach, run and end a compiled program (see run.h). The
 * event loop waits on three things with one epoll set: the ring buffer
 * (its own epoll fd, nested), a signalfd for SIGINT/SIGTERM (the end)
 * and SIGUSR1 (the self:signal:SIGUSR1 probes, or without them the maps,
 * now), and a pidfd of the -c child or the -p
 * process. A failed write to the output ends the run at once (detached,
 * nothing more run or printed; a closed pipe quietly); what was lost is
 * reported at the end and at each dump (drops.h). The -c child (run_child.c) waits on
 * a pipe until every probe is attached and BEGIN has run; the actions
 * the runtime carries out itself (exit, system, cat) are in
 * run_actions.c; probes attach through the table of runtime/attach.h.
 * Records do not wake etrace one by one (compiler/codegen/cg_action.c):
 * the kernel wakes it when the ring buffer fills past a threshold or on
 * exit(), and otherwise the loop looks every RINGBUF_POLL_MS, so a lone
 * printf appears within that time. */
#define _GNU_SOURCE
#include "run.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "bpf/loader.h"
#include "bpf/ringbuf.h"
#include "drops.h"
#include "events.h"
#include "core_reloc.h"
#include "outstream.h"
#include "priv.h"
#include "rt_frames.h"
#include "rt_java.h"
#include "rt_python.h"
#include "rt_v8.h"
#include "run_impl.h"
#include "metrics.h"
#include "h2.h"
#include "span.h"
#include "umaps.h"
#include "unwind.h"

/* The verifier's last lines shown without -v. */
#define LOG_TAIL_LINES 4
/* The longest a record waits in the ring buffer before it is printed. */
#define RINGBUF_POLL_MS 20
/* How often the span instances are swept for expired ones. */
#define SPAN_SWEEP_NS 200000000ULL

enum ev_tag { EV_RINGBUF, EV_SIGNAL, EV_PROC, EV_EXEC };

static int libbpf_print_verbose(enum libbpf_print_level level,
				const char *fmt, va_list ap)
{
	return vfprintf(stderr, fmt, ap);
}

static int libbpf_print_quiet(enum libbpf_print_level level,
			      const char *fmt, va_list ap)
{
	return 0;
}

void run_error(const char *fmt, ...)
{
	va_list ap;

	fputs("etrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* One error at loc in the script, printed as the compiler prints its
 * diagnostics, with notes (one per line of notes). */
void run_script_error(struct run *r, struct loc loc, const char *msg,
			 const char *notes)
{
	struct diags d;
	const char *s, *nl;

	diags_init(&d, r->arena, &r->prog->src);
	diag_error(&d, loc, "%s", msg);
	for (s = notes; s && *s; s = nl + 1) {
		nl = strchrnul(s, '\n');
		if (nl > s)
			diag_note(&d, LOC_NONE, "%.*s", (int)(nl - s), s);
		if (!*nl)
			break;
	}
	diags_print(&d, stderr);
}

/* Why the kind of probe ep cannot work here, or NULL: its provider's
 * unavailable(), or with loading, its unloadable(). */
static const char *kind_problem(const struct et_probe *ep, bool loading)
{
	const struct attach_provider *p = attach_provider(ep->kind);
	const char *(*why)(void);

	if (!p)
		return "this probe type has no runtime support";
	why = loading ? p->unloadable : p->unavailable;
	return why ? why() : NULL;
}

/* config missing_probes = warn or ignore: a probe that cannot attach
 * is skipped */
static bool skips_missing(const struct run *r)
{
	return r->prog->settings.missing_probes != ET_MISSING_ERROR;
}

/* missing_probes = warn: why probe ep is skipped, as bpftrace 0.26 says
 * it ("Unable to attach probe: NAME. Skipping.") */
static void warn_missing(struct run *r, const struct et_probe *ep,
			 const char *why)
{
	struct diags d;

	if (r->prog->settings.missing_probes != ET_MISSING_WARN)
		return;
	diags_init(&d, r->arena, &r->prog->src);
	diag_warning(&d, ep->loc, "%s", why);
	diag_note(&d, LOC_NONE, "Unable to attach probe: %s. Skipping.",
		  ep->raw);
	diags_print(&d, stderr);
}

/* The first probe whose kind cannot work here gets one sentence; true
 * then (under missing_probes = warn or ignore, each such probe is
 * skipped: resolve_targets). Before anything is loaded, the kinds must be
 * available; whether the kernel loads their programs is asked only once loading
 * failed (a better reason than the verifier's log). */
static bool report_kinds(struct run *r, bool loading)
{
	const char *why;

	for (int i = 0; i < r->prog->nprobes; i++) {
		const struct et_probe *ep = &r->prog->probes[i];

		why = kind_problem(ep, loading);
		if (why && !loading && skips_missing(r)) {
			warn_missing(r, ep, why);
			continue;
		}
		if (why) {
			run_script_error(r, ep->loc,
				     why, NULL);
			return true;
		}
	}
	return false;
}

static const struct et_probe *probe_of_prog(struct run *r, const char *name)
{
	for (int i = 0; name && i < r->prog->nprobes; i++) {
		const struct et_probe *ep = &r->prog->probes[i];

		if ((ep->prog_name && !strcmp(ep->prog_name, name)) ||
		    (ep->ret_prog_name && !strcmp(ep->ret_prog_name, name)))
			return ep;
	}
	return NULL;
}

/* The byte range of line (1-based) in the source, without its newline. */
static struct loc line_loc(const struct source *src, unsigned line)
{
	uint32_t b = 0, e;

	for (unsigned n = 1; n < line && b < src->len; b++)
		if (src->text[b] == '\n')
			n++;
	if (b >= src->len)
		return LOC_NONE;
	for (e = b; e < src->len && src->text[e] != '\n'; e++)
		;
	return (struct loc){ b, e > b ? e : b + 1 };
}

/* The last n non-empty lines of log. */
static const char *log_tail(const char *log, int n)
{
	const char *p = log + strlen(log);

	while (p > log && p[-1] == '\n')
		p--;
	while (p > log && n > 0)
		if (*--p == '\n')
			n--;
	return p == log ? p : p + 1;
}

static void report_load_failure(struct run *r)
{
	const char *name = loader__failed_prog(r->l);
	const char *log = loader__verifier_log(r->l);
	const struct et_probe *ep = probe_of_prog(r, name);
	unsigned line = loader__log_line(r->l);
	struct loc loc = line ? line_loc(&r->prog->src, line) : LOC_NONE;
	const char *notes;
	char msg[512];

	if (report_kinds(r, true) || core_reloc_report(r, name, log))
		return;
	if (!name || !log) {
		run_error("%s", loader__strerror(r->l));
		return;
	}
	if (!loc_valid(loc) && ep)
		loc = ep->loc;
	if (strstr(log, "cannot use helper bpf_probe_write_user")) {
		/* write_user(): a kernel in lockdown (integrity or
		 * confidentiality) withholds the helper from every program */
		char mode[128] = "";
		FILE *f = fopen("/sys/kernel/security/lockdown", "r");
		const char *b, *e;

		if (f && fgets(mode, sizeof(mode), f) &&
		    (b = strchr(mode, '[')) && (e = strchr(b, ']')) &&
		    strncmp(b, "[none]", 6))
			snprintf(msg, sizeof(msg),
				 "write_user(): this kernel is locked down "
				 "(%.*s), which withholds bpf_probe_write_user "
				 "from BPF programs", (int)(e - b - 1), b + 1);
		else
			snprintf(msg, sizeof(msg),
				 "write_user(): the kernel refuses "
				 "bpf_probe_write_user in this probe");
		if (f)
			fclose(f);
		run_script_error(r, loc, msg, NULL);
		return;
	}
	snprintf(msg, sizeof(msg), "The BPF verifier rejected the program of "
		 "probe %s%s", ep ? ep->raw : name,
		 line ? " at this line" : "");
	if (r->o->verbose)
		fprintf(stderr, "etrace: the verifier's log for %s:\n%s\n",
			name, log);
	if (r->o->verbose) {
		run_script_error(r, loc, msg, NULL);
		return;
	}
	notes = arena_printf(r->arena, "%s\n(etrace -v prints the "
			     "verifier's whole log)",
			     log_tail(log, LOG_TAIL_LINES));
	run_script_error(r, loc, msg, notes);
}

static int find_programs(struct run *r)
{
	struct bpf_object *obj = loader__object(r->l);
	int n = r->prog->nprobes ? r->prog->nprobes : 1;

	r->progs = calloc(n, sizeof(*r->progs));
	r->rets = calloc(n, sizeof(*r->rets));
	if (!r->progs || !r->rets)
		return -ENOMEM;
	for (int i = 0; i < r->prog->nprobes; i++) {
		const struct et_probe *ep = &r->prog->probes[i];

		r->progs[i] = bpf_object__find_program_by_name(obj,
							       ep->prog_name);
		if (ep->ret_prog_name)
			r->rets[i] = bpf_object__find_program_by_name(
				obj, ep->ret_prog_name);
		if (!r->progs[i] || (ep->ret_prog_name && !r->rets[i])) {
			run_error("the BPF object has no program %s",
				  r->progs[i] ? ep->ret_prog_name :
				  ep->prog_name);
			return -ENOENT;
		}
	}
	return 0;
}

uint64_t run_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The addresses of the kaddr() symbols, from /proc/kallsyms (any symbol
 * type, unlike symbolization, which wants functions). */
static int resolve_kaddrs(struct run *r, struct et_state *st)
{
	const struct et_program *p = r->prog;
	char line[512], name[256], t;
	unsigned long long v;
	int found = 0;
	FILE *f;

	if (!p->nkaddr)
		return 0;
	f = fopen("/proc/kallsyms", "r");
	while (f && found < p->nkaddr && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &v, &t, name) != 3)
			continue;
		for (int i = 0; i < p->nkaddr; i++)
			if (!st->kaddr[i] && !strcmp(name, p->kaddr[i])) {
				st->kaddr[i] = v;
				found++;
			}
	}
	if (f)
		fclose(f);
	for (int i = 0; i < p->nkaddr; i++)
		if (!st->kaddr[i]) {
			run_error("kaddr(\"%s\"): no kernel symbol '%s' in /proc/kallsyms (this kernel may list only functions: CONFIG_KALLSYMS_ALL is off)",
				  p->kaddr[i], p->kaddr[i]);
			return -ENOENT;
		}
	return 0;
}

/* et_state before any probe can fire: `elapsed` counts from here. */
static int write_state(struct run *r)
{
	struct et_state st = {
		.filter_pid = (uint32_t)r->o->pid,
		.child_pid = (uint32_t)r->child.pid,
	};
	int fd = loader__map_fd(r->l, ET_STATE_MAP);
	uint32_t key = 0;

	if (fd == -ENOENT)
		return 0;
	if (resolve_kaddrs(r, &st))
		return -ENOENT;
	st.start_ns = run_now_ns();
	if (bpf_map_update_elem(fd, &key, &st, BPF_ANY)) {
		run_error("cannot write the global state: %s",
			  strerror(errno));
		return -errno;
	}
	return 0;
}

/* "Attaching N probes...", N as bpftrace counts them on this kernel;
 * -E2BIG (said) when N is over max_probes. */
static int announce(struct run *r)
{
	int n = 0;

	for (int i = 0; i < r->prog->nprobes; i++)
		n += attach_count(&r->prog->probes[i], &r->targets[i]);
	if ((uint32_t)n > r->prog->settings.max_probes) {
		run_error("the program attaches %d probes, more than max_probes "
			  "(%u): raise it with config max_probes (each probe "
			  "costs the traced code some time)", n,
			  r->prog->settings.max_probes);
		return -E2BIG;
	}
	if (!r->o->quiet)
		output__attached(r->out, n);
	fflush(r->o->out);
	return 0;
}

/* In the order of attach_order(): the blocks of one event run in the
 * order of the script. */
static int attach_all(struct run *r)
{
	int *order = calloc(r->prog->nprobes + 1, sizeof(*order));
	int err = order ? 0 : -ENOMEM;

	if (order)
		attach_order(r->prog, order);
	else
		run_error("out of memory");
	for (int k = 0; k < r->prog->nprobes && !err; k++) {
		int i = order[k];
		const struct et_probe *ep = &r->prog->probes[i];
		const struct attach_provider *p = attach_provider(ep->kind);

		/* BEGIN, END: run once (run_special); a match this kernel
		 * lacks: not loaded */
		if (!p->attach || r->targets[i].skip)
			continue;
		r->env.targets = &r->targets[i];
		run_load_begin(r, i);
		err = p->attach(&r->env, ep, r->progs[i], r->rets[i]);
		run_load_end(r, i);
		r->env.targets = NULL;
		if (err && skips_missing(r)) {
			warn_missing(r, ep, r->env.err);
			err = 0;
		} else if (err) {
			run_script_error(r, ep->loc, r->env.err, NULL);
		}
	}
	free(order);
	return err;
}

/* One warning per attach point for the matches of its wildcard that
 * this kernel lacks: "kprobe:vfs_*: 9 of its 82 functions are not on
 * this kernel: vfs_a, vfs_b, ... (not traced)". */
static void warn_skipped(struct run *r, struct diags *d)
{
	const struct et_probe *p = r->prog->probes;

	for (int i = 0; i < r->prog->nprobes; i++) {
		char list[400] = "";
		size_t len = 0;
		int n = 0, of = 0;

		if (i && p[i].loc.begin == p[i - 1].loc.begin &&
		    !strcmp(p[i].raw, p[i - 1].raw))
			continue; /* told with the first of the attach point */
		for (int k = i; k < r->prog->nprobes &&
				p[k].loc.begin == p[i].loc.begin &&
				!strcmp(p[k].raw, p[i].raw); k++) {
			of++;
			if (!r->targets[k].skip || !r->targets[k].skipped)
				continue;
			if (len < sizeof(list) - 64)
				len += snprintf(list + len, sizeof(list) - len,
						"%s%s", n ? ", " : "",
						r->targets[k].skipped);
			n++;
		}
		if (n)
			diag_warning(d, p[i].loc, "%s: %d of its %d functions "
				     "are not on this kernel: %s%s (not "
				     "traced)", p[i].raw, n, of, list,
				     len >= sizeof(list) - 64 ? ", ..." : "");
	}
}

/* Before loading, a program compiled elsewhere: what each probe
 * attaches to on this kernel; a wildcard's match this kernel lacks is
 * left out of the load, with a warning. */
static int resolve_targets(struct run *r)
{
	const struct attach_provider *p;
	struct diags d;
	int err;

	r->targets = calloc(r->prog->nprobes + 1, sizeof(*r->targets));
	if (!r->targets)
		return -ENOMEM;
	/* missing_probes = warn / ignore: a kind that cannot work here is
	 * not loaded (said by report_kinds) */
	for (int i = 0; i < r->prog->nprobes && skips_missing(r); i++) {
		if (!kind_problem(&r->prog->probes[i], false))
			continue;
		r->targets[i].skip = true;
		bpf_program__set_autoload(r->progs[i], false);
		if (r->rets[i])
			bpf_program__set_autoload(r->rets[i], false);
	}
	for (int i = 0; i < r->prog->nprobes && !r->o->fresh; i++) {
		const struct et_probe *ep = &r->prog->probes[i];

		p = attach_provider(ep->kind);
		if (!p || !p->resolve || kind_problem(ep, false) ||
		    r->targets[i].skip)
			continue;
		err = p->resolve(&r->env, ep, &r->targets[i]);
		if (err) {
			run_script_error(r, ep->loc, r->env.err, NULL);
			return err;
		}
		if (!r->targets[i].skip)
			continue;
		bpf_program__set_autoload(r->progs[i], false);
		if (r->rets[i])
			bpf_program__set_autoload(r->rets[i], false);
	}
	diags_init(&d, r->arena, &r->prog->src);
	warn_skipped(r, &d);
	diags_print(&d, stderr);
	return 0;
}

/* What the probes' providers set before the object is loaded. */
static void prepare_programs(struct run *r)
{
	const struct attach_provider *p;

	for (int i = 0; i < r->prog->nprobes; i++) {
		p = attach_provider(r->prog->probes[i].kind);
		if (p && p->prepare)
			p->prepare(&r->prog->probes[i], r->progs[i],
				   r->rets[i]);
	}
}

/* Runs every BEGIN (or END, or self) program once, in program order. */
static int run_special(struct run *r, enum probe_kind kind)
{
	int err;

	for (int i = 0; i < r->prog->nprobes; i++) {
		if (r->prog->probes[i].kind != kind)
			continue;
		err = attach_run_once(r->progs[i]);
		if (err) {
			run_error("cannot run %s: %s", probe_kind_name(kind),
				  strerror(-err));
			return err;
		}
	}
	return 0;
}

/* Counter `key` of et_lost (ET_LOST_*), summed over the CPUs. */
static uint64_t lost_count(struct run *r, uint32_t key)
{
	int fd = loader__map_fd(r->l, ET_LOST_MAP);
	int ncpus = libbpf_num_possible_cpus();
	uint64_t *v, sum = 0;

	if (fd < 0 || ncpus <= 0)
		return 0;
	v = calloc(ncpus, sizeof(*v));
	if (v && bpf_map_lookup_elem(fd, &key, v) == 0)
		for (int i = 0; i < ncpus; i++)
			sum += v[i];
	free(v);
	return sum;
}

static uint64_t lost_records(struct run *r)
{
	return lost_count(r, ET_LOST_RECORDS);
}

/* Latency probes whose return found no entry: said once, at the end. */
static void report_latency_misses(struct run *r)
{
	uint64_t n = lost_count(r, ET_LOST_LATENCY);

	if (n)
		fprintf(stderr,
			"etrace: %" PRIu64 " return%s of latency probes found no saved entry: evicted, more than 16384 calls or threads were outstanding\n",
			n, n == 1 ? "" : "s");
}

/* Lost records since the last report, reported now. */
static void report_lost(struct run *r)
{
	uint64_t n = lost_records(r);

	if (n > r->lost_reported) {
		output__lost(r->out, n - r->lost_reported);
		r->lost_reported = n;
	}
}

/* A failed write to the output: said once, with its cause (a reader
 * that went away is no error); the run then stops. */
static bool write_failed(struct run *r)
{
	int err = outstream__error(r->o->out);

	if (!err)
		return false;
	if (!r->write_err && err != EPIPE)
		run_error("cannot write the output (%s): %s; tracing stopped: "
			  "what came after is lost, END did not run and the "
			  "maps were not printed",
			  outstream__name(r->o->out), strerror(err));
	r->write_err = err;
	r->done = true;
	return true;
}

/* What the ring buffer holds. It stops early for exit() (-ECANCELED),
 * a pending signal (-EINTR: the loop reads it next) or a failed write
 * (-EIO); when it returns having emptied the buffer, etrace has caught
 * up and system()/cat() may run again. */
static int consume(struct run *r)
{
	int n = ringbuf__consume(r->rb);

	if (n >= 0)
		r->cmd_ns = 0;
	if (r->o->flush)
		fflush(r->o->out);
	if (write_failed(r))
		return 0;
	if (n < 0 && n != -ECANCELED && n != -EINTR)
		return n;
	if (run_now_ns() - r->lost_checked_ns > 1000000000ULL) {
		r->lost_checked_ns = run_now_ns();
		report_lost(r);
	}
	if (r->spans && run_now_ns() - r->span_swept_ns > SPAN_SWEEP_NS) {
		struct et_span_stats st;

		r->span_swept_ns = run_now_ns();
		span_rt__sweep(r->spans);
		/* etrace's health on the metrics endpoint (metrics.h) */
		span_rt__stats(r->spans, &st);
		metrics_health_spans(&st);
	}
	return 0;
}

/* SIGUSR1: the maps now, as bpftrace 0.17 prints them, and what was
 * lost. */
static void dump(struct run *r)
{
	output__print_maps(r->out);
	drops__report(r->drops);
	fflush(r->o->out);
	write_failed(r);
}

static bool has_kind(const struct run *r, enum probe_kind kind)
{
	for (int i = 0; i < r->prog->nprobes; i++)
		if (r->prog->probes[i].kind == kind)
			return true;
	return false;
}

/* SIGUSR1 runs the self:signal:SIGUSR1 probes (bpftrace 0.26); a
 * program without any prints its maps (bpftrace 0.17). */
static void on_signal(struct run *r)
{
	struct signalfd_siginfo si;

	while (read(r->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGUSR1 && has_kind(r, PK_SELF)) {
			if (run_special(r, PK_SELF) || consume(r))
				r->done = true;
			continue;
		}
		if (si.ssi_signo == SIGUSR1) {
			dump(r);
			continue;
		}
		r->done = true;
		r->signalled = true;
	}
}

static void child_at_entry(pid_t pid, void *arg);

/* The -c child stopped at the entry point of a program it exec'ed
 * after the first (umaps_entry_fd): its tables loaded for that image
 * before it runs, as at the first */
static void child_exec_stop(struct run *r)
{
	if (umaps_entry_wait()) {
		child_at_entry(r->child.pid, r);
		umaps_entry_resume();
	}
}

static int epoll_add(int epfd, int fd, enum ev_tag tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static int setup_loop(struct run *r)
{
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0)
		return -errno;
	if (epoll_add(r->epfd, ringbuf__epoll_fd(r->rb), EV_RINGBUF) ||
	    epoll_add(r->epfd, r->sigfd, EV_SIGNAL))
		return -errno;
	if (r->procfd >= 0 && epoll_add(r->epfd, r->procfd, EV_PROC))
		return -errno;
	return 0;
}

/* Until exit(), a signal, or the traced process's end. */
static int event_loop(struct run *r)
{
	struct epoll_event ev[4];
	int n, err;

	while (!r->done) {
		for (; r->usr1; r->usr1--)
			dump(r);
		if (r->uw)
			unwind_poll(r->uw);
		if (r->uw) {
			int jvms[8], nj;

			rt_python_poll();
			rt_v8_poll();
			/* a VM started since: its libjvm's tables */
			nj = rt_java_poll(jvms, 8);
			for (int i = 0; i < nj; i++)
				unwind_load_pid(r->uw, jvms[i]);
		}
		n = epoll_wait(r->epfd, ev, 4, RINGBUF_POLL_MS);
		run_load_tick(r);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			/* timeout: records submitted without a wake-up */
			ev[0].data.u32 = EV_RINGBUF;
			n = 1;
		}
		for (int i = 0; i < n && !r->done; i++) {
			switch (ev[i].data.u32) {
			case EV_RINGBUF:
				err = consume(r);
				if (err)
					return err;
				break;
			case EV_SIGNAL:
				on_signal(r);
				break;
			case EV_PROC:
				r->done = true;
				break;
			case EV_EXEC:
				child_exec_stop(r);
				break;
			}
		}
	}
	return 0;
}

static int map_fd(void *ctx, const struct et_map *m)
{
	struct run *r = ctx;

	return loader__map_fd(r->l, m->bpf_name);
}

static int span_map_fd(void *ctx, const char *name)
{
	struct run *r = ctx;

	return loader__map_fd(r->l, name);
}

/* h2_feed()'s records: HTTP/2 streams become spans (their runtime made
 * here when the program has no span block). */
static int setup_h2(struct run *r)
{
	bool json = r->o->format == OUT_JSON;

	for (int i = 0; i < r->prog->nactions; i++) {
		if (r->prog->actions[i].kind != ACT_H2)
			continue;
		if (!r->spans) {
			r->spans = span_rt__new(r->prog, r->o->out, json, true);
			if (!r->spans)
				return -ENOMEM;
			span_rt__set_output(r->spans, r->out);
		}
		r->h2 = h2_rt__new(r->spans, r->o->out, json);
		if (!r->h2)
			return -ENOMEM;
		h2_rt__set_state_map(r->h2,
				     loader__map_fd(r->l, ET_H2_STATE_MAP));
		return 0;
	}
	return 0;
}

static int setup_output(struct run *r)
{
	int fd, err;

	r->out = output__new(r->prog, r->o->format, r->o->out, map_fd, r);
	r->drops = drops__new(r->prog, loader__map_fd(r->l, ET_DROPS_MAP),
			      r->o->format, r->o->out);
	if (!r->out || !r->drops)
		return -ENOMEM;
	for (int i = 0; i < r->prog->nactions; i++) {
		if (r->prog->actions[i].kind != ACT_SPAN)
			continue;
		r->spans = span_rt__new(r->prog, r->o->out,
					r->o->format == OUT_JSON, true);
		if (!r->spans) {
			run_error("the program's span blocks are malformed");
			return -EINVAL;
		}
		span_rt__set_output(r->spans, r->out);
		span_rt__set_maps(r->spans,
				  loader__map_fd(r->l, ET_SPAN_CNT_MAP),
				  span_map_fd, r);
		break;
	}
	err = setup_h2(r);
	if (err)
		return err;
	/* bpftrace: the blank lines before the maps go to stdout, not -o */
	output__set_separator(r->out, r->o->to_file ? stdout : r->o->out);
	fd = loader__map_fd(r->l, ET_RINGBUF_MAP);
	if (fd < 0) {
		run_error("the BPF object has no ring buffer");
		return fd;
	}
	r->rb = ringbuf__new(fd);
	if (!r->rb)
		return -errno;
	err = run_actions_register(r);
	if (err)
		return err;
	return setup_loop(r);
}

/* Every record queued; after exit() the rest is dropped, as bpftrace 0.17
 * drops events once exit() was called. */
static void drain(struct run *r, bool discard)
{
	int n;

	r->discard = discard;
	/* a signal pending stops a consumption, not the drain (nothing is
	 * attached: it ends); a failed write does */
	while ((n = ringbuf__consume(r->rb)) == -ECANCELED || n == -EINTR)
		if (n == -ECANCELED)
			r->discard = true;
	r->discard = false;
}

/* The end, after any cause: nothing attached, END run, its records and
 * the maps printed, then what was lost. Ended by a signal, the commands
 * (system, cat) still queued are not run, only counted. After a failed
 * write, nothing more is run or printed. */
static int finish(struct run *r)
{
	if (r->o->signalled)
		*r->o->signalled = r->signalled;
	attach_detach_tracepoints(&r->env);
	loader__detach(r->l);
	if (r->write_err || write_failed(r))
		return r->write_err == EPIPE ? r->exit_code : 1;
	r->ending = r->signalled;
	drain(r, r->exited);
	r->ending = false;
	r->done = false;
	if (!write_failed(r) && run_special(r, PK_END))
		return 1;
	drain(r, false);
	if (write_failed(r))
		return r->write_err == EPIPE ? r->exit_code : 1;
	if (!r->prog->settings.no_print_maps_on_exit)
		output__print_all_maps(r->out);
	if (run_write_stacks(r) && !r->exit_code)
		r->exit_code = 1;
	report_lost(r);
	report_latency_misses(r);
	drops__report(r->drops);
	span_rt__sweep(r->spans);
	if (r->spans) {
		struct et_span_stats st;

		span_rt__stats(r->spans, &st);
		metrics_health_spans(&st);
	}
	span_rt__report(r->spans);
	h2_rt__report(r->h2);
	run_otlp_finish(r);
	fflush(r->o->out);
	if (write_failed(r))
		return r->write_err == EPIPE ? r->exit_code : 1;
	return r->exit_code;
}

/* After BEGIN, whose output comes first: the -c command starts (unless
 * BEGIN called exit()), or the iterator is read. */
static int start(struct run *r)
{
	int err;

	err = consume(r);
	if (err)
		return err;
	fflush(r->o->out);
	if (r->done)
		return 0;
	if (r->child.pid) {
		err = run_child_release(&r->child);
		if (err)
			return err;
		if (r->child.at_entry && umaps_entry_fd() >= 0 &&
		    epoll_add(r->epfd, umaps_entry_fd(), EV_EXEC))
			return -errno;
	}
	if (r->env.iter_link)
		return run_iter(r);
	return 0;
}

static void child_at_entry(pid_t pid, void *arg)
{
	struct run *r = arg;
	int err = r->uw ? unwind_load_pid(r->uw, pid) : 0;

	if (err)
		run_error("cannot load the unwind tables of process %d: %s",
			  (int)pid, strerror(-err));
}

/* after a process's unwind tables: the interpreters it maps */
static void runtimes_at_load(void *arg, int pid)
{
	(void)arg;
	rt_python_load_pid(pid, NULL);
	rt_java_load_pid(pid, NULL);
	rt_v8_load_pid(pid, NULL);
}

/* at a watched process's exit stop: name what its stacks hold */
static void runtimes_at_exit(int pid)
{
	rt_python_at_exit(pid);
	rt_java_at_exit(pid);
	rt_v8_at_exit(pid);
}

/* ustack's unwind tables: the -p process's now, the -c child's at its
 * entry point, others when the unwinder reports them (unwind.h) */
static int setup_unwind(struct run *r)
{
	int py_fd = loader__map_fd(r->l, ET_PY_PROCS_MAP);
	int v8_fd = loader__map_fd(r->l, ET_V8_PROCS_MAP);

	r->uw = unwind_new(loader__map_fd(r->l, ET_UW_ROWS_MAP),
			   loader__map_fd(r->l, ET_UW_MAPS_MAP),
			   loader__map_fd(r->l, ET_UW_PROCS_MAP),
			   loader__map_fd(r->l, ET_UW_MISS_MAP));
	if (!r->uw) {
		run_error("cannot set up the unwind tables: %s",
			  strerror(ENOMEM));
		return -ENOMEM;
	}
	/* ustack's Python and Node frames (rt_python.h, rt_v8.h) */
	if (py_fd >= 0 || v8_fd >= 0) {
		rt_python_set_maps(py_fd, loader__map_fd(r->l, ET_USTACK_MAP));
		rt_java_set_maps(loader__map_fd(r->l, ET_JAVA_PROCS_MAP),
				 loader__map_fd(r->l, ET_USTACK_MAP));
		rt_v8_set_maps(v8_fd, loader__map_fd(r->l, ET_USTACK_MAP));
		unwind_on_load(r->uw, runtimes_at_load, NULL);
		umaps_on_exit(runtimes_at_exit);
	}
	if (r->o->pid) {
		int saved = errno, err = unwind_load_pid(r->uw, r->o->pid);

		if (err)
			run_error("cannot load the unwind tables of process %d: %s",
				  (int)r->o->pid, strerror(-err));
		errno = saved;
	}
	return 0;
}

/* Whether the program prints kernel function names (func, probe in a
 * kernel function probe): through /proc/kallsyms as kstack does. */
static bool kernel_func_probes(const struct et_program *p)
{
	for (int i = 0; i < p->nprobes; i++) {
		enum probe_kind k = p->probes[i].kind;

		if (k == PK_KPROBE || k == PK_KRETPROBE || k == PK_FENTRY ||
		    k == PK_FEXIT)
			return true;
	}
	return false;
}

/* After the attach: the privileges go (priv.h), unless a feature of the
 * program still needs them later, which -v names. Kernel symbols are
 * read before (/proc/kallsyms shows no addresses to nobody); what the
 * symbolizers, the unwinder and the runtime readers open of other
 * users' processes later goes through the helper. */
static int drop_privileges(struct run *r)
{
	const struct et_program *p = r->prog;
	const char *why;

	if (r->o->keep_privileges)
		return 0;
	why = priv_keep_reason(p, r->o);
	if (why) {
		if (r->o->verbose)
			run_error("keeping privileges after the attach: %s",
				  why);
		return 0;
	}
	if (p->needs_kallsyms || kernel_func_probes(p))
		output__load_ksyms(r->out);
	return priv_drop(r->o->user, r->child.pid,
			 r->otlp != NULL || p->needs_usyms || p->needs_unwind ||
			     p->needs_containers);
}

static int run_loaded(struct run *r)
{
	int err;

	err = setup_output(r);
	if (err) {
		run_error("cannot set up the event loop: %s", strerror(-err));
		return 1;
	}
	if (r->o->cmd && run_child_spawn(&r->child, r->o->cmd))
		return 1;
	if (r->child.pid) {
		r->procfd = r->child.pidfd;
		r->env.pid = r->child.pid;
	}
	if (r->child.pid && epoll_add(r->epfd, r->procfd, EV_PROC))
		return 1;
	if (run_otlp_open(r))
		return 1;
	if (r->prog->needs_unwind && setup_unwind(r))
		return 1;
	/* stacks of a process that exits before they print (umaps.h); the
	 * -c child's unwind tables, loaded at its entry point, where its
	 * libraries are mapped, before its first stack */
	if (r->prog->needs_usyms && r->o->pid && !r->child.pid)
		umaps_watch(r->o->pid, false);
	if (r->prog->needs_usyms && r->child.pid) {
		bool at_entry = r->prog->needs_unwind;

		if (!umaps_watch(r->child.pid, at_entry) && at_entry) {
			r->child.at_entry = child_at_entry;
			r->child.at_entry_arg = r;
		}
	}
	if (write_state(r))
		return 1;
	run_metrics_ready(r);
	/* BEGIN runs before the other probes are attached, as in bpftrace
	 * 0.17: no event sees the program before BEGIN has */
	if (announce(r))
		return 1;
	if (run_special(r, PK_BEGIN) || consume(r))
		return (finish(r), 1);
	if (!r->done && (run_load_open(r) || attach_all(r)))
		return 1;
	attach_preopen_release();
	if (!r->done && drop_privileges(r))
		return (finish(r), 1);
	if (start(r))
		return (finish(r), 1);
	if (!r->done) {
		err = event_loop(r);
		if (err)
			run_error("event loop: %s", strerror(-err));
	}
	return finish(r);
}

static int open_proc(struct run *r)
{
	r->procfd = -1;
	if (!r->o->pid)
		return 0;
	r->procfd = (int)syscall(SYS_pidfd_open, r->o->pid, 0);
	if (r->procfd < 0) {
		run_error("cannot watch process %d (-p): %s", (int)r->o->pid,
			  strerror(errno));
		return -errno;
	}
	return 0;
}

static void on_sigpipe(int sig)
{
	(void)sig;
}

/* SIGINT, SIGTERM and SIGUSR1 are read from a signalfd; SIGPIPE is
 * caught (a closed pipe then fails the write with EPIPE, which ends the
 * run quietly) by a handler, not ignored, so that commands etrace runs
 * get the default back at exec. */
static int setup_signals(struct run *r)
{
	struct sigaction sa = { .sa_handler = on_sigpipe };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	if (sigaction(SIGPIPE, &sa, &r->old_pipe) ||
	    sigprocmask(SIG_BLOCK, &set, &r->old_mask))
		return -errno;
	r->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return r->sigfd < 0 ? -errno : 0;
}

static int run_open(struct run *r)
{
	int err;

	if (!attach_privileged()) {
		run_error("loading BPF programs needs root (CAP_BPF and "
			  "CAP_PERFMON, or CAP_SYS_ADMIN): this process lacks "
			  "%s; --dry-run checks a program without loading it",
			  priv_missing_cap() ? priv_missing_cap() : "them");
		return 1;
	}
	if (r->o->user && !r->o->keep_privileges && geteuid() != 0) {
		run_error("--user %s needs root: a process that is not root "
			  "cannot become another user", r->o->user);
		return 1;
	}
	libbpf_set_print(r->o->verbose ? libbpf_print_verbose :
			 libbpf_print_quiet);
	if (report_kinds(r, false))
		return 1;
	if (run_metrics_open(r))
		return 1;
	r->l = loader__new();
	if (!r->l || setup_signals(r) || open_proc(r))
		return 1;
	loader__set_log_size(r->l, r->prog->settings.log_size);
	r->env.loader = r->l;
	r->env.arena = r->arena;
	r->env.fresh = r->o->fresh;
	r->env.pid = r->o->pid;
	r->env.usdt_file_activation = r->o->usdt_file_activation;
	err = loader__open_mem(r->l, r->prog->obj, r->prog->obj_len,
			       "etrace");
	if (err) {
		run_error("%s", loader__strerror(r->l));
		return 1;
	}
	if (find_programs(r) || run_fit(r) || resolve_targets(r))
		return 1;
	prepare_programs(r);
	if (loader__load(r->l)) {
		report_load_failure(r);
		return 1;
	}
	return run_cgroup_fill(r) ? 1 : 0;
}

static void run_close(struct run *r)
{
	struct signalfd_siginfo si;

	umaps_entry_release();
	run_child_reap(&r->child);
	priv_end();
	attach_preopen_release();
	run_otlp_finish(r);
	run_metrics_close(r);
	loader__free(r->l);
	attach_release_tracepoints(&r->env);
	ringbuf__free(r->rb);
	output__free(r->out);
	free(r->progs);
	free(r->rets);
	free(r->targets);
	free(r->acts);
	if (r->epfd > 0)
		close(r->epfd);
	if (r->sigfd > 0) {
		/* a signal that came during the end was for this run: it
		 * must not kill etrace once unblocked */
		while (read(r->sigfd, &si, sizeof(si)) > 0)
			;
		close(r->sigfd);
	}
	if (r->procfd >= 0 && r->procfd != r->child.pidfd)
		close(r->procfd);
	drops__free(r->drops);
	run_load_free(r);
	span_rt__free(r->spans);
	h2_rt__free(r->h2);
	unwind_free(r->uw);
	run_otlp_free(r);
	run_metrics_free(r);
	sigprocmask(SIG_SETMASK, &r->old_mask, NULL);
	sigaction(SIGPIPE, &r->old_pipe, NULL);
}

void run_prepare(const char *const *tracepoints, int n)
{
	if (n > 0 && attach_privileged())
		attach_preopen_tracepoints(tracepoints, n);
}

void run_unprepare(void)
{
	attach_preopen_release();
}

int run_program(const struct et_program *prog, const struct run_opts *opts)
{
	struct run r = {
		.prog = prog,
		.o = opts,
		.procfd = -1,
		.epfd = -1,
		.sigfd = -1,
		.child = { .go_fd = -1, .exec_fd = -1, .pidfd = -1 },
	};
	int rc;

	attach_preopen_join();
	r.arena = arena__new();
	if (!r.arena)
		return 1;
	sigprocmask(SIG_SETMASK, NULL, &r.old_mask);
	sigaction(SIGPIPE, NULL, &r.old_pipe);
	rc = run_open(&r);
	if (!rc)
		rc = run_loaded(&r);
	run_close(&r);
	arena__free(r.arena);
	return rc;
}
