/* drops.c: the counters of what a run lost and their reports (drops.h).
 * The BPF counters are per-CPU: a report sums them, compares with what
 * it said last time, and says only what grew ("N ... (M in all)" once
 * something was said before). */
#include "drops.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "output_impl.h"

struct drops {
	const struct et_program *p;
	int fd;
	int ncpus;
	uint64_t *percpu;             /* one lookup's values */
	uint64_t *total, *said;       /* per BPF slot */
	uint64_t *utotal, *usaid;     /* per action and enum drop_user */
	enum output_format fmt;
	FILE *out;
};

struct drops *drops__new(const struct et_program *p, int map_fd,
			 enum output_format fmt, FILE *out)
{
	struct drops *d = calloc(1, sizeof(*d));
	size_t nb = (size_t)p->ndrops + 1;
	size_t nu = ((size_t)p->nactions + 1) * DROPU_COUNT;

	if (!d)
		return NULL;
	d->p = p;
	d->fd = p->ndrops ? map_fd : -1;
	d->ncpus = libbpf_num_possible_cpus();
	d->fmt = fmt;
	d->out = out;
	d->percpu = calloc(d->ncpus > 0 ? d->ncpus : 1, sizeof(uint64_t));
	d->total = calloc(nb, sizeof(uint64_t));
	d->said = calloc(nb, sizeof(uint64_t));
	d->utotal = calloc(nu, sizeof(uint64_t));
	d->usaid = calloc(nu, sizeof(uint64_t));
	if (!d->percpu || !d->total || !d->said || !d->utotal || !d->usaid) {
		drops__free(d);
		return NULL;
	}
	return d;
}

void drops__free(struct drops *d)
{
	if (!d)
		return;
	free(d->percpu);
	free(d->total);
	free(d->said);
	free(d->utotal);
	free(d->usaid);
	free(d);
}

void drops__count(struct drops *d, const struct et_action *a,
		  enum drop_user c)
{
	if (d && a->id < (uint32_t)d->p->nactions)
		d->utotal[a->id * DROPU_COUNT + c]++;
}

uint64_t drops__user_total(const struct drops *d, enum drop_user c)
{
	uint64_t n = 0;

	for (int i = 0; d && i < d->p->nactions; i++)
		n += d->utotal[i * DROPU_COUNT + c];
	return n;
}

/* "stdin:1:41: " for a place in the script, else "". */
static void where(const struct et_program *p, struct loc l, char *buf,
		  size_t len)
{
	int line, col;

	buf[0] = '\0';
	if (!loc_valid(l) || l.begin > p->src.len)
		return;
	source_line_col(&p->src, l.begin, &line, &col);
	snprintf(buf, len, "%s:%d:%d: ", p->src.name ? p->src.name : "stdin",
		 line, col);
}

static const char *s(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* " (M in all)" when something was reported before. */
static void in_all(uint64_t n, uint64_t total, char *buf, size_t len)
{
	buf[0] = '\0';
	if (total != n)
		snprintf(buf, len, " (%" PRIu64 " in all)", total);
}

static const char *map_name(const struct et_program *p, int id)
{
	return id >= 0 && id < p->nmaps ? p->maps[id].name : "?";
}

static bool map_declared(const struct et_program *p, int id)
{
	return id >= 0 && id < p->nmaps && p->maps[id].declared;
}

int drops__format(const struct et_program *p, int i, uint64_t n,
		  uint64_t total, char *buf, size_t len)
{
	const struct et_drop *e = &p->drops[i];
	const char *m = map_name(p, e->map_id), *w = e->what ? e->what : "";
	char at[256], all[48];

	where(p, e->loc, at, sizeof(at));
	in_all(n, total, all, sizeof(all));
	switch (e->cause) {
	case DROP_MAP_FULL:
		return snprintf(buf, len, "warning: %s: %" PRIu64 " update%s "
				"dropped%s, the map is full (%u keys; raise "
				"%s)", m, n, s(n), all, e->limit,
				map_declared(p, e->map_id)
					? "its size in its declaration"
					: "with config max_map_keys");
	case DROP_MAP_NOMEM:
		return snprintf(buf, len, "warning: %s: %" PRIu64 " update%s "
				"dropped%s, the kernel had no memory for a new "
				"key", m, n, s(n), all);
	case DROP_MAP_FAILED:
		return snprintf(buf, len, "warning: %s: %" PRIu64 " update%s "
				"failed%s", m, n, s(n), all);
	case DROP_STACK_FULL:
		return snprintf(buf, len, "warning: %s: %" PRIu64 " stack%s "
				"lost%s, the stack map is full (%u stacks)", w,
				n, s(n), all, e->limit);
	case DROP_STACK_COLLISION:
		return snprintf(buf, len, "warning: %s: %" PRIu64 " stack%s "
				"lost%s to hash collisions in the stack map "
				"(%u entries)", w, n, s(n), all, e->limit);
	case DROP_READ:
		return snprintf(buf, len, "%swarning: %" PRIu64 " read%s "
				"failed%s (%s): %s zeros", at, n, s(n), all, w,
				n == 1 ? "the value read as" :
				"those values read as");
	case DROP_STR_TRUNC:
		return snprintf(buf, len, "%snote: %" PRIu64 " string%s cut "
				"at strlen%s (%u bytes with the NUL; raise "
				"with config strlen)", at, n, s(n), all,
				e->limit);
	case DROP_LOOP:
		return snprintf(buf, len, "%swarning: %" PRIu64 " for loop%s "
				"not run%s: a range of more than %u "
				"iterations (the kernel's limit)", at, n, s(n),
				all, e->limit);
	case DROP_RATE_LIMIT:
		return snprintf(buf, len, "%swarning: %s: %" PRIu64 " event%s "
				"dropped%s by the rate limit of %u per "
				"second", at, w, n, s(n), all, e->limit);
	case DROP_SHED:
		return snprintf(buf, len, "%swarning: %s: %" PRIu64 " event%s "
				"skipped%s by the overhead guard's sampling "
				"(max_overhead)", at, w, n, s(n), all);
	default:
		return snprintf(buf, len, "warning: %" PRIu64 " lost", n);
	}
}

static int format_user(const struct et_program *p, const struct et_action *a,
		       enum drop_user c, uint64_t n, uint64_t total,
		       char *buf, size_t len)
{
	const char *fn = a->kind == ACT_CAT ? "cat()" : "system()";
	char at[256], all[48];

	where(p, a->loc, at, sizeof(at));
	in_all(n, total, all, sizeof(all));
	switch (c) {
	case DROPU_LATE:
		return snprintf(buf, len, "%swarning: %" PRIu64 " %s call%s "
				"not run%s: etrace was more than 1 s behind "
				"running them", at, n, fn, s(n), all);
	case DROPU_ENDING:
		return snprintf(buf, len, "%swarning: %" PRIu64 " %s call%s "
				"not run%s: etrace was ending", at, n, fn, s(n),
				all);
	default:
		return snprintf(buf, len, "%snote: %" PRIu64 " file%s cut by "
				"cat()%s at %u bytes (raise with config "
				"cat_bytes_max)", at, n, s(n), all,
				p->settings.cat_bytes_max);
	}
}

/* One line of a report: the text on stderr, or a JSON record. */
static void say(struct drops *d, const char *cause, const char *text,
		uint64_t n, uint64_t total)
{
	if (d->fmt != OUT_JSON) {
		fflush(d->out); /* after what the script printed before */
		fprintf(stderr, "%s\n", text);
		return;
	}
	fprintf(d->out, "{\"type\": \"dropped\", \"data\": {\"cause\": "
		"\"%s\", \"count\": %" PRIu64 ", \"total\": %" PRIu64
		", \"message\": ", cause, n, total);
	json_string(d->out, text, strlen(text));
	fputs("}}\n", d->out);
}

/* The BPF counter of slot i, summed over the CPUs. */
static uint64_t read_slot(struct drops *d, uint32_t i)
{
	uint64_t sum = 0;

	if (d->fd < 0 || d->ncpus <= 0 ||
	    bpf_map_lookup_elem(d->fd, &i, d->percpu))
		return d->total[i];
	for (int c = 0; c < d->ncpus; c++)
		sum += d->percpu[c];
	return sum;
}

static void report_bpf(struct drops *d)
{
	char text[512];
	uint64_t n;

	for (int i = 0; i < d->p->ndrops; i++) {
		d->total[i] = read_slot(d, (uint32_t)i);
		if (d->total[i] <= d->said[i])
			continue;
		n = d->total[i] - d->said[i];
		drops__format(d->p, i, n, d->total[i], text, sizeof(text));
		say(d, et_drop_cause_name(d->p->drops[i].cause), text, n,
		    d->total[i]);
		d->said[i] = d->total[i];
	}
}

void drops__report(struct drops *d)
{
	static const char *const names[DROPU_COUNT] = {
		[DROPU_LATE] = "not_run_late", [DROPU_ENDING] = "not_run_ending",
		[DROPU_CAT_CUT] = "cat_truncated",
	};
	char text[512];
	uint64_t n, *t, *said;

	if (!d)
		return;
	report_bpf(d);
	for (int i = 0; i < d->p->nactions; i++) {
		for (int c = 0; c < DROPU_COUNT; c++) {
			t = &d->utotal[i * DROPU_COUNT + c];
			said = &d->usaid[i * DROPU_COUNT + c];
			if (*t <= *said)
				continue;
			n = *t - *said;
			format_user(d->p, &d->p->actions[i], (enum drop_user)c,
				    n, *t, text, sizeof(text));
			say(d, names[c], text, n, *t);
			*said = *t;
		}
	}
}
