/* The output module (output.h): the output object and the ring buffer
 * records it prints (printf, time, join, print of a value or a map,
 * clear/zero), plus the attach and lost-events messages.
 * Maps are dumped by output_map.c; values are printed by print_text.c
 * and print_json.c. */
#include <bpf/bpf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "kallsyms.h"
#include "output_impl.h"
#include "usyms.h"

#define TIME_BUF 64 /* bpftrace's strftime buffer: longer output fails */
#define STACK_FD_UNKNOWN (-2)

/* The default stack reader: the stack trace maps of program.h. */
static int stack_from_fds(void *ctx, const struct et_type *t, uint64_t id,
			  uint64_t *ips, int max)
{
	struct output *o = ctx;
	uint64_t frames[ET_STACK_DEPTH] = { 0 };
	uint32_t sid = (uint32_t)id;
	int *fdp = t->kernel ? &o->kstack_fd : &o->ustack_fd, fd, n = 0;
	struct et_map m = { .id = -1, .bpf_name = t->kernel ? ET_KSTACK_MAP :
						  ET_USTACK_MAP };

	/* not given: ask map_fd once, by object name */
	if (*fdp == STACK_FD_UNKNOWN)
		*fdp = o->map_fd ? o->map_fd(o->map_fd_ctx, &m) : -1;
	fd = *fdp;

	if (fd < 0 || sid == UINT32_MAX)
		return -ENOENT;
	if (bpf_map_lookup_elem(fd, &sid, frames))
		return -errno;
	while (n < max && n < ET_STACK_DEPTH && frames[n]) {
		ips[n] = frames[n];
		n++;
	}
	return n;
}

struct output *output__new(const struct et_program *prog,
			   enum output_format fmt, FILE *out,
			   output_map_fd_fn map_fd, void *map_fd_ctx)
{
	struct output *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->prog = prog;
	o->fmt = fmt;
	o->out = out;
	o->map_fd = map_fd;
	o->map_fd_ctx = map_fd_ctx;
	o->usyms = usyms__new();
	if (!o->usyms) {
		free(o);
		return NULL;
	}
	if (prog)
		usyms__configure(o->usyms, !prog->settings.no_cpp_demangle,
				 !prog->settings.no_user_symbols,
				 prog->settings.cache_user_symbols,
				 prog->settings.stack_lines);
	if (fmt == OUT_FOLDED && prog && prog->nmaps) {
		o->folded_warned = calloc(prog->nmaps, sizeof(bool));
		if (!o->folded_warned) {
			usyms__free(o->usyms);
			free(o);
			return NULL;
		}
	}
	o->kstack_fd = o->ustack_fd = STACK_FD_UNKNOWN;
	o->stack_fn = stack_from_fds;
	o->stack_ctx = o;
	return o;
}

void output__free(struct output *o)
{
	if (!o)
		return;
	ksyms__free(o->ksyms);
	usyms__free(o->usyms);
	free(o->folded_warned);
	free(o);
}

void output__set_stacks(struct output *o, output_stack_fn fn, void *ctx)
{
	o->stack_fn = fn;
	o->stack_ctx = ctx;
}

void output__set_stack_fds(struct output *o, int kstack_fd, int ustack_fd)
{
	o->kstack_fd = kstack_fd;
	o->ustack_fd = ustack_fd;
	o->stack_fn = stack_from_fds;
	o->stack_ctx = o;
}

void output__set_separator(struct output *o, FILE *f)
{
	o->sep = f;
}

void output__set_sources(struct output *o, const char *kallsyms,
			 const char *passwd)
{
	if (kallsyms) {
		ksyms__free(o->ksyms);
		o->ksyms = NULL;
		o->ksyms_tried = false;
		o->kallsyms_path = kallsyms;
	}
	if (passwd)
		o->passwd_path = passwd;
}

/* /proc/kallsyms is read once, on the first address to symbolize. */
static struct kallsyms *load_ksyms(void *ctx)
{
	struct output *o = ctx;

	if (!o->ksyms_tried) {
		o->ksyms_tried = true;
		o->ksyms = ksyms__load(o->kallsyms_path ? o->kallsyms_path :
				       "/proc/kallsyms");
	}
	return o->ksyms;
}

void output__load_ksyms(struct output *o)
{
	load_ksyms(o);
}

/* The wall clock time of boot as bpftrace 0.17 computes it for
 * strftime(): CLOCK_REALTIME minus CLOCK_BOOTTIME, from the tightest of
 * 5 realtime/boottime/realtime readings. 0 or -errno. */
int output_read_boottime(int64_t *sec, int64_t *nsec)
{
	long best = -1;

	for (int i = 0; i < 5; i++) {
		struct timespec before, boot, after;
		long delta, avg;

		if (clock_gettime(CLOCK_REALTIME, &before) ||
		    clock_gettime(CLOCK_BOOTTIME, &boot) ||
		    clock_gettime(CLOCK_REALTIME, &after) ||
		    after.tv_sec != before.tv_sec)
			continue;
		delta = after.tv_nsec - before.tv_nsec;
		if (best >= 0 && delta >= best)
			continue;
		best = delta;
		avg = (before.tv_nsec + after.tv_nsec) / 2;
		*sec = after.tv_sec - boot.tv_sec - (avg < boot.tv_nsec);
		*nsec = avg - boot.tv_nsec + (avg < boot.tv_nsec ?
					      1000000000L : 0);
	}
	return best >= 0 ? 0 : -EAGAIN;
}

static bool has_strftime(const struct et_program *p)
{
	for (int i = 0; p && i < p->nactions; i++)
		if (p->actions[i].kind == ACT_STRFTIME)
			return true;
	return false;
}

void output_env(struct output *o, struct arena *a, struct value_env *env)
{
	memset(env, 0, sizeof(*env));
	env->arena = a;
	env->load_ksyms = load_ksyms;
	env->load_ctx = o;
	env->stack_fn = o->stack_fn;
	env->stack_ctx = o->stack_ctx;
	env->usyms = o->usyms;
	env->passwd_path = o->passwd_path;
	env->prog = o->prog;
	if (!o->btime_read) {
		o->btime_read = true;
		if (!has_strftime(o->prog) ||
		    output_read_boottime(&o->btime, &o->btime_nsec))
			o->btime = o->btime_nsec = 0;
	}
	env->btime = o->btime;
	env->btime_nsec = o->btime_nsec;
}

void output__message(struct output *o, const char *type, const char *text,
		     size_t len)
{
	if (o->fmt == OUT_JSON)
		json_message(o->out, type, text, len);
	else
		fwrite(text, 1, len, o->out);
}

int output__format(struct output *o, const struct et_action *a,
		   const void *rec, size_t size, char **str)
{
	size_t len;

	return printf_exec(o, a, rec, size, str, &len);
}

/* Text goes straight into the output, without a copy per record. */
static int print_printf(struct output *o, const struct et_action *a,
			const void *rec, size_t size)
{
	char *s;
	size_t len;
	int err;

	if (o->fmt != OUT_JSON)
		return printf_write(o, a, rec, size, o->out);
	err = printf_exec(o, a, rec, size, &s, &len);
	if (err)
		return err;
	output__message(o, "printf", s, len);
	free(s);
	return 0;
}

static int print_time(struct output *o, const struct et_action *a)
{
	char buf[TIME_BUF];
	time_t t = time(NULL);
	struct tm tm;
	size_t len;

	if (!localtime_r(&t, &tm))
		return -errno;
	len = strftime(buf, sizeof(buf), a->fmt_str ? a->fmt_str :
		       "%H:%M:%S\n", &tm);
	if (!len)
		return -EOVERFLOW;
	output__message(o, "time", buf, len);
	return 0;
}

/* join(): hdr, u64 n, then ET_JOIN_MAX strings of ET_JOIN_ARG_SIZE
 * (program.h); as bpftrace, an empty string ends the list. */
static int print_join(struct output *o, const struct et_action *a,
		      const uint8_t *rec, size_t size)
{
	const char *delim = a->fmt_str ? a->fmt_str : " ";
	char *buf = NULL;
	size_t len = 0;
	uint64_t n;
	FILE *m;

	if (size < 16)
		return -EINVAL;
	memcpy(&n, rec + 8, 8);
	m = open_memstream(&buf, &len);
	if (!m)
		return -ENOMEM;
	for (uint64_t i = 0; i < n && i < ET_JOIN_MAX; i++) {
		const char *s = (const char *)rec + 16 + i * ET_JOIN_ARG_SIZE;

		if (16 + (i + 1) * ET_JOIN_ARG_SIZE > size || !s[0])
			break;
		if (i)
			fputs(delim, m);
		fwrite(s, 1, strnlen(s, ET_JOIN_ARG_SIZE), m);
	}
	if (o->fmt != OUT_JSON)
		fputc('\n', m);
	fclose(m);
	output__message(o, "join", buf, len);
	free(buf);
	return 0;
}

static int print_value(struct output *o, const struct et_action *a,
		       const uint8_t *rec, size_t size)
{
	const struct et_arg *arg = a->nargs ? &a->args[0] : NULL;
	struct value_env env;
	struct value v;
	struct arena *ar;

	if (!arg || arg->offset + arg->size > size)
		return -EINVAL;
	ar = arena__new();
	if (!ar)
		return -ENOMEM;
	output_env(o, ar, &env);
	value_decode(&env, arg->type, rec + arg->offset, arg->size, &v);
	if (o->fmt == OUT_JSON)
		json_value_line(o->out, &v);
	else
		text_value_line(o->out, &v);
	arena__free(ar);
	return 0;
}

static const struct et_map *action_map(struct output *o,
				       const struct et_action *a)
{
	if (!o->prog || a->map_id < 0 || a->map_id >= o->prog->nmaps)
		return NULL;
	return &o->prog->maps[a->map_id];
}

static int print_map_rec(struct output *o, const struct et_action *a,
			 const void *rec, size_t size)
{
	const struct et_map *m = action_map(o, a);
	struct et_rec_print_map r;

	if (!m || size < sizeof(r))
		return -EINVAL;
	memcpy(&r, rec, sizeof(r));
	return output__print_map(o, m, r.top, r.div);
}

int output__record(struct output *o, const struct et_action *a,
		   const void *rec, size_t size)
{
	const struct et_map *m;

	switch (a->kind) {
	case ACT_PRINTF:
		return print_printf(o, a, rec, size);
	case ACT_TIME:
		return print_time(o, a);
	case ACT_JOIN:
		return print_join(o, a, rec, size);
	case ACT_PRINT_VALUE:
		return print_value(o, a, rec, size);
	case ACT_PRINT_MAP:
		return print_map_rec(o, a, rec, size);
	case ACT_CLEAR:
	case ACT_ZERO:
		m = action_map(o, a);
		return m ? output__clear_map(o, m, a->kind == ACT_ZERO) :
			   -EINVAL;
	case ACT_EXIT:
	case ACT_SYSTEM:
	case ACT_CAT:
	case ACT_STRFTIME:
	case ACT_HELPER_ERROR: /* a warning on stderr (run_actions.c) */
	case ACT_WATCHPOINT:   /* carried out by run_watch.c */
	case ACT_UNWATCH:
	case ACT_ERRORF:       /* on stderr (run_actions.c) */
	case ACT_WARNF:
	case ACT_SPAN:         /* runtime/span.c */
	case ACT_H2:           /* runtime/h2.c */
		return 0;
	case ACT_KIND_COUNT:
		break;
	}
	return -EINVAL;
}

void output__attached(struct output *o, int nprobes)
{
	if (o->fmt == OUT_FOLDED)
		fprintf(stderr, "Attaching %d probe%s...\n", nprobes,
			nprobes == 1 ? "" : "s");
	else if (o->fmt == OUT_JSON)
		fprintf(o->out, "{\"type\": \"attached_probes\", \"data\": "
			"{\"probes\": %d}}\n", nprobes);
	else
		fprintf(o->out, "Attaching %d probe%s...\n", nprobes,
			nprobes == 1 ? "" : "s");
}

void output__lost(struct output *o, uint64_t n)
{
	if (o->fmt == OUT_FOLDED)
		fprintf(stderr, "Lost %" PRIu64 " events\n", n);
	else if (o->fmt == OUT_JSON)
		fprintf(o->out, "{\"type\": \"lost_events\", \"data\": "
			"{\"events\": %" PRIu64 "}}\n", n);
	else
		fprintf(o->out, "Lost %" PRIu64 " events\n", n);
}
