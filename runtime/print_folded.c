/* Folded stacks (-f folded) and the stacks of a flame graph
 * (--flamegraph): the entries of a map keyed by stacks, one line each,
 * "comm;user_outer;...;user_leaf;kernel_outer_[k];...;kernel_leaf_[k]
 * COUNT". The key's other fields (comm, pid, strings...) come first, in
 * key order, then the user stacks, then the kernel stacks, each from its
 * outermost frame to its leaf: a sample's user frames run before the
 * kernel frames they called into, and stackcollapse-perf.pl marks kernel
 * frames with "_[k]" the same way. Frames are bare function names (no
 * "+offset"), so that samples in one function add up. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "flamegraph.h"
#include "output_impl.h"

static bool type_has_stack(const struct et_type *t)
{
	if (!t)
		return false;
	if (t->kind == T_STACK)
		return true;
	if (t->kind != T_TUPLE && t->kind != T_RECORD)
		return false;
	for (uint32_t i = 0; i < t->nfields; i++)
		if (type_has_stack(t->fields[i].type))
			return true;
	return false;
}

const char *folded_unfit(const struct et_map *m)
{
	if (!type_has_stack(m->key))
		return "is not keyed by a stack (kstack or ustack)";
	switch (m->value->kind) {
	case T_COUNT:
	case T_SUM:
	case T_MIN:
	case T_MAX:
	case T_INT:
		if (!m->bucketed)
			return NULL;
		/* fall through */
	default:
		return "holds no counts (count(), sum() or integers)";
	}
}

struct frames {
	const char **name;
	enum fg_kind *kind;
	int n, cap;
};

static int frames_push(struct frames *f, const char *name, enum fg_kind k)
{
	if (f->n == f->cap) {
		int cap = f->cap ? f->cap * 2 : 64;
		const char **n = realloc(f->name, cap * sizeof(*n));
		enum fg_kind *kk;

		if (!n)
			return -ENOMEM;
		f->name = n;
		kk = realloc(f->kind, cap * sizeof(*kk));
		if (!kk)
			return -ENOMEM;
		f->kind = kk;
		f->cap = cap;
	}
	f->name[f->n] = name;
	f->kind[f->n++] = k;
	return 0;
}

/* ';' separates frames and a newline ends the line: neither may stay in
 * a frame's name. */
static const char *frame_name(struct arena *a, const char *s, size_t len,
			      const char *suffix)
{
	char *p = arena_printf(a, "%.*s%s", (int)len, s, suffix);

	for (char *c = p; *c; c++)
		if (*c == ';' || *c == '\n' || *c == '\r')
			*c = *c == ';' ? ':' : ' ';
	return p;
}

/* The fields of key v: the others pushed to f, the stacks kept in
 * stacks[] (kernel or user) for later. */
static int key_fields(struct arena *a, const struct value *v, struct frames *f,
		      const struct value **stacks, int *nstacks)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m;
	int err = 0;

	switch (v->kind) {
	case V_STACK:
		if (*nstacks < 64)
			stacks[(*nstacks)++] = v;
		return 0;
	case V_TUPLE:
	case V_RECORD:
		for (int i = 0; i < v->u.tuple.n && !err; i++)
			err = key_fields(a, &v->u.tuple.items[i], f, stacks,
					 nstacks);
		return err;
	case V_STR:
		/* an unreadable stack decodes as "" too: nothing to show */
		if (!v->u.str.len)
			return 0;
		return frames_push(
		    f, frame_name(a, v->u.str.s, v->u.str.len, ""), FG_OTHER);
	default:
		m = open_memstream(&text, &len);
		if (!m)
			return -ENOMEM;
		text_key_value(m, v);
		if (fclose(m)) {
			free(text);
			return -ENOMEM;
		}
		err = frames_push(f, frame_name(a, text, len, ""), FG_OTHER);
		free(text);
		return err;
	}
}

static int push_stacks(struct arena *a, struct frames *f,
		       const struct value *const *stacks, int n, bool kernel)
{
	int err = 0;

	for (int i = 0; i < n && !err; i++) {
		const struct value *s = stacks[i];

		if (s->u.stack.kernel != kernel)
			continue;
		for (int k = s->u.stack.n - 1; k >= 0 && !err; k--) {
			const char *fr = s->u.stack.frames[k];

			err = frames_push(
			    f,
			    frame_name(a, fr, strlen(fr), kernel ? "_[k]" : ""),
			    kernel ? FG_KERNEL : FG_USER);
		}
	}
	return err;
}

int folded_add(struct flamegraph *fg, struct arena *a, const struct map_dump *d,
	       const char *root)
{
	struct frames f = {0};
	const struct value *stacks[64];
	int err = 0;

	for (size_t i = 0; i < d->n && !err; i++) {
		const struct map_entry *e = &d->e[i];
		uint64_t count = e->val.u.u;
		int nstacks = 0;

		if (e->val.kind == V_INT && e->val.u.i <= 0)
			continue;
		if (e->val.kind != V_INT && e->val.kind != V_UINT)
			continue;
		count /= d->div;
		f.n = 0;
		if (root)
			err = frames_push(&f, root, FG_OTHER);
		if (!err)
			err = key_fields(a, &e->key, &f, stacks, &nstacks);
		if (!err)
			err = push_stacks(a, &f, stacks, nstacks, false);
		if (!err)
			err = push_stacks(a, &f, stacks, nstacks, true);
		if (!err && f.n)
			err = flamegraph__add(fg, f.name, f.kind, f.n, count);
	}
	free(f.name);
	free(f.kind);
	return err;
}

void folded_map(struct output *o, const struct et_map *m,
		const struct map_dump *d, struct arena *a)
{
	const char *why = folded_unfit(m);
	struct flamegraph *fg;

	if (why) {
		ptrdiff_t i = o->prog ? m - o->prog->maps : -1;

		/* once per map of the program (maps of tests: always) */
		if (i < 0 || i >= o->prog->nmaps || !o->folded_warned ||
		    !o->folded_warned[i]) {
			if (i >= 0 && i < o->prog->nmaps && o->folded_warned)
				o->folded_warned[i] = true;
			fprintf(stderr,
				"etrace: warning: %s %s: -f folded "
				"leaves it out\n",
				m->name, why);
		}
		return;
	}
	fg = flamegraph__new();
	if (!fg || folded_add(fg, a, d, NULL))
		fprintf(stderr, "etrace: %s: %s\n", m->name, strerror(ENOMEM));
	else
		flamegraph__write_folded(fg, o->out);
	flamegraph__free(fg);
}
