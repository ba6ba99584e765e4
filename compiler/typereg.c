/* The type registry (typereg.h): records, typedefs and enum constants the
 * preamble defined, looked up before kernel BTF (btf.c), and resolution of
 * types as written in casts and sizeof (N_TYPESPEC): there, in a probe of
 * user binaries, the types their debug info defines (dwarf_reader.h) come
 * between the preamble's and the kernel's. */
#include "typereg.h"

#include <string.h>

#include "dwarf_reader.h"
#include "probe_impl.h"
#include "typereg_impl.h"

static unsigned treg_hash(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % TREG_BUCKETS;
}

struct treg_entry *treg_find(struct treg_table *t, const char *name)
{
	for (struct treg_entry *e = t->b[treg_hash(name)]; e; e = e->next)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

struct treg_entry *treg_add(struct arena *a, struct treg_table *t,
			    const char *name)
{
	struct treg_entry *e = treg_find(t, name);
	unsigned h;

	if (e)
		return e;
	h = treg_hash(name);
	e = arena_calloc(a, 1, sizeof(*e));
	e->name = arena_strdup(a, name);
	e->next = t->b[h];
	t->b[h] = e;
	return e;
}

static unsigned id_hash(int64_t key)
{
	return (unsigned)((uint64_t)key * 0x9e3779b97f4a7c15ull >> 56) %
	       TREG_BUCKETS;
}

struct treg_entry *treg_find_id(struct treg_table *t, int64_t key)
{
	for (struct treg_entry *e = t->b[id_hash(key)]; e; e = e->next)
		if (e->key == key)
			return e;
	return NULL;
}

struct treg_entry *treg_add_id(struct arena *a, struct treg_table *t,
			       int64_t key)
{
	struct treg_entry *e = treg_find_id(t, key);
	unsigned h = id_hash(key);

	if (e)
		return e;
	e = arena_calloc(a, 1, sizeof(*e));
	e->key = key;
	e->next = t->b[h];
	t->b[h] = e;
	return e;
}

struct typereg *typereg_get(struct compile_ctx *ctx)
{
	if (!ctx->types)
		ctx->types = arena_calloc(ctx->arena, 1, sizeof(*ctx->types));
	return ctx->types;
}

void typereg_add_record(struct compile_ctx *ctx, struct type *rec)
{
	struct typereg *r = typereg_get(ctx);

	treg_add(ctx->arena, &r->records, rec->name)->val = rec;
}

void typereg_add_typedef(struct compile_ctx *ctx, const char *name,
			 struct type *t)
{
	struct typereg *r = typereg_get(ctx);

	treg_add(ctx->arena, &r->typedefs, name)->val = t;
}

void typereg_add_enum_value(struct compile_ctx *ctx, const char *name,
			    int64_t value, const char *enum_name)
{
	struct typereg *r = typereg_get(ctx);
	struct treg_entry *e = treg_add(ctx->arena, &r->enums, name);

	e->key = value;
	e->val = arena_strdup(ctx->arena, enum_name ? enum_name : "");
}

/* A preamble record that is only declared (struct foo;) gives way to the
 * kernel's definition, as bpftrace does. */
struct type *typereg_record(struct compile_ctx *ctx, const char *name)
{
	struct typereg *r = typereg_get(ctx);
	struct treg_entry *e = treg_find(&r->records, name);
	struct type *t = e ? e->val : NULL, *k;

	if (t && !t->incomplete)
		return t;
	k = btf_find_record(ctx, name);
	return k ? k : t;
}

struct type *typereg_typedef(struct compile_ctx *ctx, const char *name)
{
	struct typereg *r = typereg_get(ctx);
	struct treg_entry *e = treg_find(&r->typedefs, name);

	if (e)
		return e->val;
	return btf_find_typedef(ctx, name);
}

bool typereg_enum_value(struct compile_ctx *ctx, const char *name,
			int64_t *value)
{
	struct typereg *r = typereg_get(ctx);
	struct treg_entry *e = treg_find(&r->enums, name);

	if (e) {
		*value = e->key;
		return true;
	}
	return btf_find_enum_value(ctx, name, value);
}

const char *typereg_enum_of(struct compile_ctx *ctx, const char *name)
{
	struct typereg *r = typereg_get(ctx);
	struct treg_entry *e = treg_find(&r->enums, name);
	int64_t v;

	if (e)
		return e->val;
	if (!btf_find_enum_value(ctx, name, &v))
		return NULL;
	e = treg_find(&r->btf_enums, name);
	return e ? e->val : NULL;
}

struct type *typereg_complete(struct compile_ctx *ctx, struct type *t)
{
	struct type *def;

	if (!t || t->kind != T_RECORD)
		return t;
	if (t->incomplete && t->name) {
		def = !strncmp(t->name, "struct ", 7) ||
		      !strncmp(t->name, "union ", 6) ?
			typereg_record(ctx, t->name) :
			typereg_typedef(ctx, t->name);
		if (def && def->kind == T_RECORD && !def->incomplete)
			t = def;
	}
	return type_complete(t);
}

/* "int8".."uint64" as bpftrace spells them. */
static struct type *bpftrace_int(const char *name)
{
	static const char *const names[] = { "8", "16", "32", "64" };
	bool is_signed = strncmp(name, "uint", 4) != 0;
	const char *bits = name + (is_signed ? 3 : 4);

	if (strncmp(name, is_signed ? "int" : "uint", is_signed ? 3 : 4))
		return NULL;
	for (int i = 0; i < 4; i++)
		if (!strcmp(bits, names[i]))
			return type_int(1 << i, is_signed);
	return NULL;
}

/* C spellings of the integer types: "unsigned long", "short int",
 * "char", "signed char", "long long"... (LP64). */
static struct type *c_int(const char *name)
{
	int nlong = 0, nshort = 0, nchar = 0, nint = 0, sign = 0;
	const char *p = name;

	while (*p) {
		size_t n = strcspn(p, " \t");

		if (n == 4 && !strncmp(p, "long", 4))
			nlong++;
		else if (n == 5 && !strncmp(p, "short", 5))
			nshort++;
		else if (n == 4 && !strncmp(p, "char", 4))
			nchar++;
		else if (n == 3 && !strncmp(p, "int", 3))
			nint++;
		else if (n == 8 && !strncmp(p, "unsigned", 8))
			sign = sign ? 3 : 1;
		else if (n == 6 && !strncmp(p, "signed", 6))
			sign = sign ? 3 : 2;
		else if (n)
			return NULL;
		p += n;
		p += strspn(p, " \t");
	}
	if (sign == 3 || nlong > 2 || nshort > 1 || nchar > 1 || nint > 1 ||
	    (nchar && (nlong || nshort || nint)) || (nshort && nlong))
		return NULL;
	if (!(nlong || nshort || nchar || nint || sign))
		return NULL;
	if (nchar)
		return type_int(1, sign != 1);
	return type_int(nshort ? 2 : nlong ? 8 : 4, sign != 1);
}

/* Does the preamble define name (completely)? */
static bool preamble_defines(struct compile_ctx *ctx, const char *name)
{
	struct typereg *r = typereg_get(ctx);
	struct treg_entry *e = treg_find(&r->records, name);

	if (!e)
		e = treg_find(&r->typedefs, name);
	return e && e->val && !((struct type *)e->val)->incomplete;
}

/* In a probe of user binaries (uprobes, USDT), a type their debug info
 * defines: the first attach point's binary that has it. */
static struct type *binary_type(struct compile_ctx *ctx, const char *name)
{
	const struct node *p = ctx->type_probe;
	struct dwarf_file *df;
	struct type *t;

	for (struct node *a = p ? p->u.probe.attach : NULL; a; a = a->next) {
		const struct attach_point *ap = a->u.attach.ap;

		if (!ap || !ap->target ||
		    !(probe_provider(ap->kind)->flags & PF_BINARY) ||
		    probe_has_wildcard(ap->target))
			continue;
		df = dwarf_open(ctx, ap->target);
		t = df ? dwarf_find_type(ctx, df, name) : NULL;
		if (t)
			return t;
	}
	return NULL;
}

static struct type *resolve_name(struct compile_ctx *ctx, const char *name)
{
	struct type *t;

	if ((t = bpftrace_int(name)) || (t = c_int(name)))
		return t;
	if (!preamble_defines(ctx, name) && (t = binary_type(ctx, name)))
		return t;
	if (!strncmp(name, "struct ", 7) || !strncmp(name, "union ", 6))
		return typereg_record(ctx, name);
	/* enum types are registered as typedefs under "enum NAME" */
	return typereg_typedef(ctx, name);
}

struct type *typereg_resolve(struct compile_ctx *ctx, struct node *typespec)
{
	const char *name = typespec->u.typespec.name;
	int depth = typespec->u.typespec.ptr_depth;
	struct type *t;

	if (!strcmp(name, "void") && depth > 0)
		t = type_none();
	else if (!strcmp(name, "bool") && !depth &&
		 typespec->u.typespec.array_len <= 0)
		t = type_bool(); /* bpftrace 0.26's bool: (bool)3 is true */
	else
		t = resolve_name(ctx, name);
	if (!t && !strncmp(name, "enum ", 5) && !depth) {
		/* bpftrace 0.26's words (0.17 had no enum casts) */
		diag_error(&ctx->diags, typespec->loc, "Unknown enum: %s",
			   name + 5);
		return NULL;
	}
	if (!t) {
		diag_error(&ctx->diags, typespec->loc,
			   "Unknown struct/union: '%s'", name);
		return NULL;
	}
	if (typespec->u.typespec.array_len > 0)
		t = type_array(ctx->arena, t, typespec->u.typespec.array_len);
	for (int i = 0; i < depth; i++)
		t = type_ptr(ctx->arena, t, t->as);
	typespec->u.typespec.resolved = t;
	return t;
}
