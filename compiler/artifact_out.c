/* artifact_out.c: a program's metadata (prog_meta.h) as the runtime's
 * program (runtime/program.h), from which runtime/artifact.c writes the
 * artifact. Reads the metadata, the compile context's source and options;
 * writes a new et_program in its own arena. Types are converted once each
 * (a pointer-keyed memo), keeping what the runtime decodes; a pointer
 * keeps only its size, so a record that points to itself converts
 * without recursion. */
#include "artifact_out.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "artifact.h"

struct conv {
	struct arena *a;
	const struct type **from;
	struct et_type **to;
	int n, cap;
};

static struct et_type *conv_type(struct conv *c, const struct type *t);

static void remember(struct conv *c, const struct type *t, struct et_type *e)
{
	if (c->n == c->cap) {
		int ncap = c->cap ? c->cap * 2 : 32;
		const struct type **f = arena_calloc(c->a, ncap, sizeof(*f));
		struct et_type **to = arena_calloc(c->a, ncap, sizeof(*to));

		if (c->n) {
			memcpy(f, c->from, c->n * sizeof(*f));
			memcpy(to, c->to, c->n * sizeof(*to));
		}
		c->from = f;
		c->to = to;
		c->cap = ncap;
	}
	c->from[c->n] = t;
	c->to[c->n++] = e;
}

static void conv_fields(struct conv *c, const struct type *t,
			struct et_type *e)
{
	e->nfields = t->nfields;
	e->fields = arena_calloc(c->a, t->nfields ? t->nfields : 1,
				 sizeof(*e->fields));
	for (uint32_t i = 0; i < t->nfields; i++) {
		const struct field *f = &t->fields[i];
		struct et_field *g = &e->fields[i];

		g->name = f->name ? arena_strdup(c->a, f->name) : NULL;
		g->type = conv_type(c, f->type);
		g->offset = f->offset;
		g->bit_offset = f->bit_offset;
		g->bit_size = f->bit_size;
	}
}

static struct et_type *conv_type(struct conv *c, const struct type *t)
{
	struct et_type *e;

	if (!t)
		return NULL;
	for (int i = 0; i < c->n; i++)
		if (c->from[i] == t)
			return c->to[i];
	if (t->kind == T_RECORD)
		type_complete((struct type *)t);
	e = etype_new(c->a, t->kind, t->size);
	remember(c, t, e);
	e->is_signed = t->is_signed;
	e->is_union = t->is_union;
	e->name = t->kind == T_RECORD && t->name ?
		  arena_strdup(c->a, t->name) : NULL;
	e->kernel = t->kernel;
	e->mode = t->mode;
	e->frames = t->frames;
	e->lh_min = t->lh_min;
	e->lh_max = t->lh_max;
	e->lh_step = t->lh_step;
	e->hist_bits = t->hist_bits;
	e->ts_interval = t->ts_interval;
	e->ts_num = t->ts_num;
	e->ts_agg = t->ts_agg;
	if (t->kind == T_INT && t->nenumerators) {
		struct et_enumerator *en =
		    arena_calloc(c->a, t->nenumerators, sizeof(*en));

		for (uint32_t i = 0; i < t->nenumerators; i++) {
			en[i].name = arena_strdup(c->a, t->enumerators[i].name);
			en[i].value = t->enumerators[i].value;
		}
		e->enumerators = en;
		e->nenumerators = t->nenumerators;
		e->name = arena_strdup(c->a, t->name);
	}
	if (t->kind == T_PTR)
		e->size = 8;
	if (t->kind == T_ARRAY) {
		e->elem = conv_type(c, t->elem);
		e->count = t->count;
	}
	if (t->kind == T_TUPLE || t->kind == T_RECORD)
		conv_fields(c, t, e);
	return e;
}

struct et_type *type_to_et(struct arena *a, const struct type *t)
{
	struct conv c = { .a = a };

	return conv_type(&c, t);
}

static const char *dup(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static void conv_core_fields(struct arena *a, const struct probe_meta *m,
			     struct et_probe *ep)
{
	const struct core_field_meta *f;
	int n = 0;

	for (f = m->core_fields; f; f = f->next)
		n++;
	ep->core_fields = arena_calloc(a, n + 1, sizeof(*ep->core_fields));
	for (f = m->core_fields; f; f = f->next) {
		struct et_core_field *c = &ep->core_fields[ep->ncore_fields++];

		c->type = dup(a, f->type);
		c->access = dup(a, f->access);
		c->loc = f->loc;
	}
}

/* The attach point as the runtime needs it, and the fields read. */
static void conv_probe(struct arena *a, const struct probe_meta *m,
		       struct et_probe *ep)
{
	const struct attach_point *ap = m->ap;
	const struct tp_field_meta *f;
	int n = 0;

	ep->kind = m->kind;
	ep->prog_name = dup(a, m->prog_name);
	ep->section = dup(a, m->section);
	ep->attach_target = dup(a, m->attach_target);
	ep->at_return = m->at_return;
	ep->ret_prog_name = dup(a, m->ret_prog_name);
	ep->deferred = m->deferred;
	ep->usdt_offset = m->usdt_offset;
	ep->usdt_sema_offset = m->usdt_sema_offset;
	ep->ngo_rets = m->ngo_rets;
	ep->go_entry = m->go_entry;
	ep->go_rets = arena_calloc(a, m->ngo_rets + 1, sizeof(*ep->go_rets));
	for (int i = 0; i < m->ngo_rets; i++)
		ep->go_rets[i] = m->go_rets[i];
	ep->raw = dup(a, ap ? ap->raw : probe_kind_name(m->kind));
	ep->loc = ap ? ap->loc : m->probe->loc;
	if (ap) {
		ep->target = dup(a, ap->target);
		ep->ns = dup(a, ap->ns);
		ep->func = dup(a, ap->func);
		ep->mode = dup(a, ap->mode);
		ep->offset = ap->offset;
		ep->address = ap->address;
		ep->freq = ap->freq;
		ep->has_offset = ap->has_offset;
		ep->has_address = ap->has_address;
		ep->wildcard = ap->wildcard;
		ep->nmatches = ap->nmatches;
		ep->matches = arena_calloc(a, ap->nmatches + 1, sizeof(char *));
		for (int i = 0; i < ap->nmatches; i++)
			ep->matches[i] = dup(a, ap->matches[i]);
	}
	for (f = m->tp_fields; f; f = f->next)
		n++;
	ep->tp_fields = arena_calloc(a, n + 1, sizeof(*ep->tp_fields));
	for (f = m->tp_fields; f; f = f->next) {
		struct et_tp_field *t = &ep->tp_fields[ep->ntp_fields++];

		t->name = dup(a, f->name);
		t->offset = f->offset;
		t->size = f->size;
		t->loc = f->loc;
	}
	conv_core_fields(a, m, ep);
}

static void conv_map(struct conv *c, const struct map_meta *m,
		     struct et_map *e)
{
	e->id = m->id;
	e->name = dup(c->a, m->name);
	e->bpf_name = dup(c->a, m->bpf_name);
	e->key = m->info ? conv_type(c, m->info->key) : NULL;
	e->value = m->info ? conv_type(c, m->info->value) : NULL;
	e->storage = m->storage;
	e->key_size = m->key_size;
	e->value_size = m->value_size;
	e->max_entries = m->max_entries;
	e->bucketed = m->bucketed;
	e->declared = m->declared;
}

static void conv_action(struct conv *c, const struct action_meta *m,
			struct et_action *e)
{
	e->id = m->id;
	e->kind = m->kind;
	e->loc = m->loc;
	e->fmt_str = dup(c->a, m->fmt_str);
	if (e->fmt_str) /* as the reader parses it */
		printf_fmt_parse(c->a, e->fmt_str, (uint32_t)strlen(e->fmt_str),
				 &e->fmt);
	e->rec_size = m->rec_size;
	e->map_id = m->map_id;
	e->helper = dup(c->a, m->helper);
	e->nargs = m->nargs;
	e->args = arena_calloc(c->a, m->nargs + 1, sizeof(*e->args));
	for (int i = 0; i < m->nargs; i++) {
		e->args[i].type = conv_type(c, m->args[i].type);
		e->args[i].offset = m->args[i].offset;
		e->args[i].size = m->args[i].size;
	}
}

/* The runtime knows only the main script: places in macro expansions
 * become their calls, places in imported files none (compile.h). */
static void main_locs(struct compile_ctx *ctx, struct et_program *p)
{
	for (int i = 0; i < p->nprobes; i++) {
		struct et_probe *ep = &p->probes[i];

		ep->loc = compile_main_loc(ctx, ep->loc);
		for (int j = 0; j < ep->ncore_fields; j++)
			ep->core_fields[j].loc =
				compile_main_loc(ctx, ep->core_fields[j].loc);
		for (int j = 0; j < ep->ntp_fields; j++)
			ep->tp_fields[j].loc =
				compile_main_loc(ctx, ep->tp_fields[j].loc);
	}
	for (int i = 0; i < p->nactions; i++)
		p->actions[i].loc = compile_main_loc(ctx, p->actions[i].loc);
	for (int i = 0; i < p->nkaddr; i++)
		p->kaddr_loc[i] = compile_main_loc(ctx, p->kaddr_loc[i]);
	for (int i = 0; i < p->ndrops; i++)
		p->drops[i].loc = compile_main_loc(ctx, p->drops[i].loc);
}

static void conv_lists(struct conv *c, struct compile_ctx *ctx,
		       const struct prog_meta *m, struct et_program *p)
{
	p->nprobes = m->nprobes;
	p->probes = arena_calloc(c->a, m->nprobes + 1, sizeof(*p->probes));
	for (int i = 0; i < m->nprobes; i++)
		conv_probe(c->a, &m->probes[i], &p->probes[i]);
	p->nmaps = m->nmaps;
	p->maps = arena_calloc(c->a, m->nmaps + 1, sizeof(*p->maps));
	for (int i = 0; i < m->nmaps; i++)
		conv_map(c, &m->maps[i], &p->maps[i]);
	p->nactions = m->nactions;
	p->actions = arena_calloc(c->a, m->nactions + 1, sizeof(*p->actions));
	for (int i = 0; i < m->nactions; i++)
		conv_action(c, &m->actions[i], &p->actions[i]);
	p->nkaddr = m->nkaddr;
	for (int i = 0; i < m->nkaddr; i++) {
		p->kaddr[i] = dup(c->a, m->kaddr[i]);
		p->kaddr_loc[i] = m->kaddr_loc[i];
	}
	p->ndrops = m->ndrops;
	p->drops = arena_calloc(c->a, m->ndrops + 1, sizeof(*p->drops));
	for (int i = 0; i < m->ndrops; i++) {
		p->drops[i] = m->drops[i];
		p->drops[i].what = dup(c->a, m->drops[i].what);
	}
	main_locs(ctx, p);
	p->settings = ctx->opts.run;
	p->noptions = ctx->noptions;
	p->options = arena_calloc(c->a, ctx->noptions + 1, sizeof(*p->options));
	for (int i = 0; i < ctx->noptions; i++) {
		p->options[i] = ctx->options[i];
		p->options[i].name = dup(c->a, ctx->options[i].name);
		p->options[i].desc = dup(c->a, ctx->options[i].desc);
		p->options[i].def_str = dup(c->a, ctx->options[i].def_str);
	}
	p->nparams = ctx->opts.nparams;
	p->params = arena_calloc(c->a, p->nparams + 1, sizeof(char *));
	for (int i = 0; i < p->nparams; i++)
		p->params[i] = dup(c->a, ctx->opts.params[i]);
}

struct et_program *artifact_program(struct compile_ctx *ctx,
				    const struct prog_meta *m)
{
	struct arena *a = arena__new();
	struct conv c = { .a = a };
	struct et_program *p;
	struct utsname u;

	if (!a)
		return NULL;
	p = arena_calloc(a, 1, sizeof(*p));
	p->arena = a;
	p->src.name = dup(a, ctx->src.name ? ctx->src.name : "stdin");
	p->src.text = arena_strndup(a, ctx->src.text, ctx->src.len);
	p->src.len = (uint32_t)strlen(p->src.text);
	p->compiler = "etrace " ETRACE_VERSION;
	p->kernel = uname(&u) ? NULL : dup(a, u.release);
	p->ringbuf_size = m->ringbuf_size;
	p->needs_kallsyms = m->needs_kallsyms;
	p->needs_usyms = m->needs_usyms;
	p->needs_containers = m->needs_containers;
	p->needs_unwind = m->needs_unwind;
	p->needs_child = m->needs_child;
	p->needs_unsafe = m->needs_unsafe;
	conv_lists(&c, ctx, m, p);
	return p;
}

char *artifact_meta_json(struct compile_ctx *ctx, const struct prog_meta *m)
{
	struct et_program *p = artifact_program(ctx, m);
	char *json;

	if (!p)
		return NULL;
	json = artifact__meta(p);
	et_program__free(p);
	return json;
}
