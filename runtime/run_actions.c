/* The ring buffer actions the runtime itself carries out: exit() stops
 * the run with its code, system() runs its command through the shell and
 * prints what it wrote (run_cmd.c), cat() prints a file (at most
 * cat_bytes_max bytes), a failed helper (-k) is a warning on stderr (a
 * helper_error record with -f json), watchpoints are armed and
 * unwatched (run_watch.c); every other action is printed by the output
 * module, and a print() of a map is followed by the report of what was
 * lost (drops.h). Between records: a failed output write or a pending
 * signal stops the ring buffer's consumption. A flood of system()/cat()
 * is bounded: once commands took CMD_BACKLOG_NS since the ring buffer
 * was last empty, the next ones are not run but counted until etrace
 * catches up, and none runs once the run is ending on a signal.
 * Also the one-shot read of an iterator. */
#define _GNU_SOURCE
#include "run_impl.h"
#include "h2.h"
#include "span.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/ringbuf.h"
#include "drops.h"
#include "events.h"
#include "outstream.h"
#include "output_impl.h"
#include "run_cmd.h"

/* system() output as JSON is {"type": "syscall"} in bpftrace 0.17. */
static void message(struct run *r, const char *type, const char *text,
		    size_t len)
{
	if (r->o->format == OUT_JSON)
		json_message(r->o->out, type, text, len);
	else
		fwrite(text, 1, len, r->o->out);
}

/* At most max bytes of f, malloc'ed in *buf; *cut when f had more. */
static size_t slurp(FILE *f, size_t max, char **buf, bool *cut)
{
	char *b = malloc(max + 1);
	size_t len = 0, n;

	*buf = b;
	*cut = false;
	if (!b)
		return 0;
	do {
		n = fread(b + len, 1, max + 1 - len, f);
		len += n;
	} while (n > 0 && len <= max);
	*cut = len > max;
	return len > max ? max : len;
}

/* Whether a command of a (system, cat) runs now: not once the run is
 * ending, nor when etrace is more than CMD_BACKLOG_NS behind (commands
 * took that long since the ring buffer was last empty); those are
 * counted. -EINTR when a signal that ends the run is pending. */
static int cmd_admit(struct run *r, const struct et_action *a)
{
	int sig = run_signal_pending(r);

	if (r->ending || sig == SIGINT || sig == SIGTERM) {
		drops__count(r->drops, a, DROPU_ENDING);
		return r->ending ? 1 : -EINTR;
	}
	if (r->cmd_ns > CMD_BACKLOG_NS) {
		drops__count(r->drops, a, DROPU_LATE);
		return 1;
	}
	return 0;
}

static int do_system(struct run *r, const struct et_action *a,
		     const void *rec, size_t size)
{
	uint64_t t0 = run_now_ns();
	char *cmd, *text = NULL;
	int err = cmd_admit(r, a);
	size_t len;

	if (err)
		return err < 0 ? err : 0;
	if (printf_exec(r->out, a, rec, size, &cmd, &len))
		return 0;
	fflush(r->o->out);
	err = run_cmd(cmd, r->sigfd, &r->old_mask, &r->usr1, &text, &len);
	if (err && err != -EINTR)
		run_error("system(\"%s\"): %s", cmd, strerror(-err));
	if (text)
		message(r, "syscall", text, len);
	free(text);
	free(cmd);
	r->cmd_ns += run_now_ns() - t0;
	if (err == -EINTR)
		r->done = true; /* the signal was read: the run ends */
	return err == -EINTR ? err : 0;
}

static int do_cat(struct run *r, const struct et_action *a,
		  const void *rec, size_t size)
{
	uint64_t t0 = run_now_ns();
	char *path, *text = NULL;
	int err = cmd_admit(r, a);
	size_t len;
	bool cut;
	FILE *f;

	if (err)
		return err < 0 ? err : 0;
	if (printf_exec(r->out, a, rec, size, &path, &len))
		return 0;
	f = fopen(path, "re");
	if (!f) {
		run_error("failed to open file '%s': %s", path,
			  strerror(errno));
		free(path);
		return 0;
	}
	len = slurp(f, r->prog->settings.cat_bytes_max, &text, &cut);
	fclose(f);
	if (cut)
		drops__count(r->drops, a, DROPU_CAT_CUT);
	if (text)
		message(r, "cat", text, len);
	free(text);
	free(path);
	r->cmd_ns += run_now_ns() - t0;
	return 0;
}

static int do_exit(struct run *r, const void *rec, size_t size)
{
	struct et_rec_exit e = { 0 };

	memcpy(&e, rec, size < sizeof(e) ? size : sizeof(e));
	r->exit_code = (int)(e.code & 0xff);
	r->exited = true;
	r->done = true;
	/* stops the consume: what follows exit() is not printed */
	return -ECANCELED;
}

/* -f json: bpftrace 0.17's record, in the output among the others. */
static void json_helper_error(struct run *r, const struct et_action *a,
			      long long ret)
{
	int line = 0, col = 0;

	if (loc_valid(a->loc))
		source_line_col(&r->prog->src, a->loc.begin, &line, &col);
	fprintf(r->o->out, "{\"type\": \"helper_error\", \"helper\": \"%s\", "
		"\"retcode\": %lld, \"line\": %d, \"col\": %d}\n", a->helper,
		ret, line, col);
}

/* -k: "WARNING: Failed to map_delete_elem: No such file or directory
 * (-2)" at the call in the script, printed as the compiler prints its
 * warnings (bpftrace 0.17 prints the value alone when it is not < 0);
 * with -f json a helper_error record instead. */
static int do_helper_error(struct run *r, const struct et_action *a,
			   const void *rec, size_t size)
{
	struct et_rec_helper_error e = { 0 };
	struct arena *ar;
	long long ret;
	struct diags d;

	memcpy(&e, rec, size < sizeof(e) ? size : sizeof(e));
	ret = (long long)e.ret;
	if (r->o->format == OUT_JSON) {
		json_helper_error(r, a, ret);
		return 0;
	}
	ar = arena__new(); /* not the run's: may be many */
	if (!ar)
		return 0;
	diags_init(&d, ar, &r->prog->src);
	if (ret < 0)
		diag_warning(&d, a->loc, "Failed to %s: %s (%lld)", a->helper,
			     strerror((int)-ret), ret);
	else
		diag_warning(&d, a->loc, "Failed to %s: %lld", a->helper,
			     ret);
	fflush(r->o->out); /* after what the script printed before */
	diags_print(&d, stderr);
	arena__free(ar);
	return 0;
}

/* errorf(), warnf(): the text at the call in the script, as the
 * compiler prints its diagnostics, after what the script printed
 * before. */
static int do_errorf(struct run *r, const struct et_action *a,
		     const void *rec, size_t size)
{
	struct arena *ar;
	struct diags d;
	size_t len;
	char *text;

	if (printf_exec(r->out, a, rec, size, &text, &len))
		return 0;
	ar = arena__new(); /* not the run's: may be many */
	if (ar) {
		diags_init(&d, ar, &r->prog->src);
		if (a->kind == ACT_ERRORF)
			diag_error(&d, a->loc, "%s", text);
		else
			diag_warning(&d, a->loc, "%s", text);
		fflush(r->o->out);
		diags_print(&d, stderr);
		arena__free(ar);
	}
	free(text);
	return 0;
}

static int dispatch(struct run *r, const struct et_action *a,
		    const void *rec, size_t size)
{
	switch (a->kind) {
	case ACT_ERRORF:
	case ACT_WARNF:
		return do_errorf(r, a, rec, size);
	case ACT_EXIT:
		return do_exit(r, rec, size);
	case ACT_SYSTEM:
		return do_system(r, a, rec, size);
	case ACT_CAT:
		return do_cat(r, a, rec, size);
	case ACT_HELPER_ERROR:
		return do_helper_error(r, a, rec, size);
	case ACT_UNWATCH:
		return run_watch_unwatch(r, a, rec, size);
	case ACT_SPAN:
		return r->spans ? span_rt__record(r->spans, a, rec, size) : 0;
	case ACT_H2:
		return r->h2 ? h2_rt__record(r->h2, rec, size) : 0;
	case ACT_PRINT_MAP:
		output__record(r->out, a, rec, size);
		drops__report(r->drops); /* a dump says what it misses */
		return 0;
	default:
		output__record(r->out, a, rec, size);
		return 0;
	}
}

/* After each record: a failed write stops the run (-EIO); every
 * SIGNAL_CHECK_EVERY records, a pending signal stops the consumption
 * (-EINTR) so that the event loop hears it however fast records come.
 * The record itself was handled: the ring buffer skips it either way. */
static int after_record(struct run *r)
{
	if (outstream__error(r->o->out)) {
		r->done = true;
		return -EIO;
	}
	if (++r->since_check < SIGNAL_CHECK_EVERY)
		return 0;
	r->since_check = 0;
	return run_signal_pending(r) ? -EINTR : 0;
}

static int on_record(void *ctx, const void *rec, size_t size)
{
	struct act_ctx *ac = ctx;
	struct run *r = ac->r;
	int rc;

	/* a process its watchpoint's uprobe stopped continues anyway */
	if (ac->a->kind == ACT_WATCHPOINT)
		return run_watch_arm(r, ac->a, rec, size);
	if (r->discard)
		return 0;
	rc = dispatch(r, ac->a, rec, size);
	return rc ? rc : after_record(r);
}

int run_signal_pending(struct run *r)
{
	sigset_t p;

	if (sigpending(&p))
		return 0;
	return sigismember(&p, SIGINT) ? SIGINT :
	       sigismember(&p, SIGTERM) ? SIGTERM :
	       sigismember(&p, SIGUSR1) ? SIGUSR1 : 0;
}

int run_actions_register(struct run *r)
{
	int n = r->prog->nactions, err;

	r->acts = calloc(n ? n : 1, sizeof(*r->acts));
	if (!r->acts)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		r->acts[i] = (struct act_ctx){ r, &r->prog->actions[i] };
		err = ringbuf__on(r->rb, r->prog->actions[i].id, on_record,
				  &r->acts[i]);
		if (err)
			return err;
	}
	return 0;
}

/* Reading the iterator runs the program over every object; its records
 * are consumed as they come so that the ring buffer does not fill. */
int run_iter(struct run *r)
{
	int fd = bpf_iter_create(bpf_link__fd(r->env.iter_link));
	char buf[4096];
	ssize_t n;

	if (fd < 0) {
		run_error("cannot read the iterator: %s", strerror(errno));
		return -errno;
	}
	do {
		n = read(fd, buf, sizeof(buf));
		ringbuf__consume(r->rb);
	} while (n > 0 || (n < 0 && errno == EINTR));
	close(fd);
	if (n < 0)
		run_error("reading the iterator: %s", strerror(errno));
	r->done = true;
	return 0;
}
