/* The ring buffer actions the runtime itself carries out: exit() stops
 * the run with its code, system() runs its command through the shell and
 * prints what it wrote, cat() prints a file, a failed helper (-k) is a
 * warning on stderr (a helper_error record with -f json), watchpoints
 * are armed and unwatched (run_watch.c); every other action is printed
 * by the output module.
 * Also the one-shot read of an iterator. */
#define _GNU_SOURCE
#include "run_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/ringbuf.h"
#include "events.h"
#include "output_impl.h"

/* system() output as JSON is {"type": "syscall"} in bpftrace 0.17. */
static void message(struct run *r, const char *type, const char *text,
		    size_t len)
{
	if (r->o->format == OUT_JSON)
		json_message(r->o->out, type, text, len);
	else
		fwrite(text, 1, len, r->o->out);
}

/* Everything f yields, malloc'ed in *buf. */
static size_t slurp(FILE *f, char **buf)
{
	size_t len = 0, cap = 0, n;
	char *b = NULL, *nb;

	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			nb = realloc(b, cap);
			if (!nb)
				break;
			b = nb;
		}
		n = fread(b + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	*buf = b;
	return b ? len : 0;
}

static int do_system(struct run *r, const struct et_action *a,
		     const void *rec, size_t size)
{
	char *cmd, *text = NULL;
	size_t len;
	FILE *p;

	if (printf_exec(r->out, a, rec, size, &cmd, &len))
		return 0;
	fflush(r->o->out);
	p = popen(cmd, "re");
	if (!p) {
		run_error("system(\"%s\"): %s", cmd, strerror(errno));
		free(cmd);
		return 0;
	}
	len = slurp(p, &text);
	pclose(p);
	if (text)
		message(r, "syscall", text, len);
	free(text);
	free(cmd);
	return 0;
}

static int do_cat(struct run *r, const struct et_action *a,
		  const void *rec, size_t size)
{
	char *path, *text = NULL;
	size_t len;
	FILE *f;

	if (printf_exec(r->out, a, rec, size, &path, &len))
		return 0;
	f = fopen(path, "re");
	if (!f) {
		run_error("failed to open file '%s': %s", path,
			  strerror(errno));
		free(path);
		return 0;
	}
	len = slurp(f, &text);
	fclose(f);
	if (text)
		message(r, "cat", text, len);
	free(text);
	free(path);
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

static int on_record(void *ctx, const void *rec, size_t size)
{
	struct act_ctx *ac = ctx;
	struct run *r = ac->r;

	/* a process its watchpoint's uprobe stopped continues anyway */
	if (ac->a->kind == ACT_WATCHPOINT)
		return run_watch_arm(r, ac->a, rec, size);
	if (r->discard)
		return 0;
	switch (ac->a->kind) {
	case ACT_EXIT:
		return do_exit(r, rec, size);
	case ACT_SYSTEM:
		return do_system(r, ac->a, rec, size);
	case ACT_CAT:
		return do_cat(r, ac->a, rec, size);
	case ACT_HELPER_ERROR:
		return do_helper_error(r, ac->a, rec, size);
	case ACT_UNWATCH:
		return run_watch_unwatch(r, ac->a, rec, size);
	default:
		output__record(r->out, ac->a, rec, size);
		return 0;
	}
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
