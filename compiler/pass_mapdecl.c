/* The map declaration pass: reads the top-level declarations
 * (let @m = lruhash(100);, ast u.program.map_decls) and the maps the type
 * pass found (ctx->maps), and checks each declaration as bpftrace 0.26
 * does: a known kind (hash lruhash percpuhash percpulruhash), a size
 * that fits a BPF map's max_entries, one declaration per map, and a kind
 * that matches the values the program stores (aggregations live in
 * per-CPU maps, other values in plain ones). A declared map the program
 * never uses gets a warning. Afterwards each declared map's map_info has
 * decl and decl_lru set: codegen takes the map type and max_entries from
 * them instead of the defaults (config max_map_keys). */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "compile.h"

static const struct {
	const char *name;
	bool percpu, lru;
} kinds[] = {
    {"hash", false, false},
    {"lruhash", false, true},
    {"percpuhash", true, false},
    {"percpulruhash", true, true},
};
#define NKINDS (int)(sizeof(kinds) / sizeof(kinds[0]))

static int kind_find(const char *name)
{
	for (int i = 0; i < NKINDS; i++)
		if (!strcmp(kinds[i].name, name))
			return i;
	return -1;
}

static struct map_info *map_find(struct compile_ctx *ctx, const char *name)
{
	for (struct map_info *m = ctx->maps; m; m = m->next)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

/* The kind the values ask for: bpftrace 0.26's wording, "hash" or
 * "percpuhash". */
static bool wants_percpu(const struct map_info *m)
{
	return type_is_aggregation(m->value);
}

static void decl_check(struct compile_ctx *ctx, struct node *d)
{
	const char *name = d->u.map_decl.name;
	int k = kind_find(d->u.map_decl.kind);
	struct map_info *m;

	for (struct node *e = ctx->ast->u.program.map_decls; e != d;
	     e = e->next) {
		if (strcmp(e->u.map_decl.name, name))
			continue;
		diag_error(&ctx->diags, d->loc, "Map %s is already declared",
			   name);
		diag_note(&ctx->diags, e->loc, "first declared here");
		return;
	}
	if (k < 0) {
		diag_error(&ctx->diags, d->loc, "Invalid bpf map type: %s",
			   d->u.map_decl.kind);
		diag_note(&ctx->diags, d->u.map_decl.kind_loc,
			  "Valid map types: hash, lruhash, percpuhash, "
			  "percpulruhash");
		return;
	}
	if (d->u.map_decl.size == 0 || d->u.map_decl.size > UINT32_MAX) {
		diag_error(&ctx->diags, d->u.map_decl.size_loc,
			   "Map declaration max entries must be between 1 and "
			   "%" PRIu32 " (provided %" PRIu64 ")",
			   UINT32_MAX, d->u.map_decl.size);
		return;
	}
	m = map_find(ctx, name);
	if (!m || (!m->read && !m->written && !m->cleared)) {
		diag_warning(&ctx->diags, d->loc, "Unused map: %s", name);
		return;
	}
	if (m->value && kinds[k].percpu != wants_percpu(m)) {
		diag_error(
		    &ctx->diags, m->value_map ? m->value_map->loc : d->loc,
		    "Incompatible map types. Type from declaration: "
		    "%s. Type from value/key type: %s",
		    kinds[k].name, wants_percpu(m) ? "percpuhash" : "hash");
		diag_note(&ctx->diags, d->loc, "%s declared here", name);
		return;
	}
	m->decl = d;
	m->decl_lru = kinds[k].lru;
}

int pass_mapdecl(struct compile_ctx *ctx)
{
	if (!ctx->ast)
		return 0;
	for (struct node *d = ctx->ast->u.program.map_decls; d; d = d->next)
		decl_check(ctx, d);
	return diag_has_errors(&ctx->diags) ? -EINVAL : 0;
}
