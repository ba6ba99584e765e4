/* Kernel BTF: opened once per compile context when a script first needs a
 * kernel type, converted to struct type lazily. A record is created with
 * its name and size only; its fields are converted on first use
 * (type_complete), so naming task_struct converts one level of it, not
 * the whole kernel. Conversions are cached by BTF id. */
#include <bpf/btf.h>
#include <errno.h>
#include <string.h>

#include "typereg.h"
#include "typereg_impl.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

struct type *btf_complete_record(struct type *rec);

struct btf *compile_btf(struct compile_ctx *ctx)
{
	const char *path = ctx->opts.btf_path;

	if (ctx->btf_tried)
		return ctx->btf;
	ctx->btf_tried = true;
	if (ctx->opts.shared_btf)
		return ctx->btf = ctx->opts.shared_btf;
	if (!path)
		path = VMLINUX_BTF;
	if (!*path)
		return NULL;
	ctx->btf = btf__parse(path, NULL); /* NULL with errno set */
	return ctx->btf;
}

bool compile_btf_foreign(const struct compile_ctx *ctx)
{
	const char *path = ctx->opts.btf_path;

	return path && *path && strcmp(path, VMLINUX_BTF);
}

void compile_btf_free(struct compile_ctx *ctx)
{
	if (ctx->btf != ctx->opts.shared_btf)
		btf__free(ctx->btf);
	ctx->btf = NULL;
	ctx->btf_tried = false;
}

/* Skips typedef, const, volatile, restrict and type tags; *tdname gets
 * the innermost typedef name seen (names anonymous records). */
static int skip_mods(const struct btf *btf, int id, const char **tdname)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		if (btf_is_typedef(t) && tdname)
			*tdname = btf__name_by_offset(btf, t->name_off);
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return t ? id : 0;
}

static struct type *int_type(struct compile_ctx *ctx,
			     const struct btf_type *t)
{
	bool is_signed = btf_int_encoding(t) & BTF_INT_SIGNED;

	if (t->size > 8)
		return type_array(ctx->arena, type_int(8, false),
				  (t->size + 7) / 8);
	return type_int(t->size, is_signed);
}

/* char[N] is a string, as in bpftrace 0.17 (which reads kernel types
 * as C): plain char only, through typedefs; unsigned char and u8 arrays
 * are arrays of integers. */
static bool is_char(const struct btf *btf, int id)
{
	const struct btf_type *t =
	    btf__type_by_id(btf, skip_mods(btf, id, NULL));

	return t && btf_is_int(t) && t->size == 1 &&
	       !strcmp(btf__name_by_offset(btf, t->name_off), "char");
}

/* A flexible array member (char name[]) has no elements: a string[0],
 * which prints as "" as in bpftrace. */
static struct type *array_type(struct compile_ctx *ctx, struct btf *btf,
			       const struct btf_type *t)
{
	const struct btf_array *arr = btf_array(t);

	if (is_char(btf, arr->type))
		return type_string(ctx->arena, arr->nelems);
	return type_array(ctx->arena, btf_to_type(ctx, arr->type),
			  arr->nelems);
}

static struct type *ptr_type(struct compile_ctx *ctx, struct btf *btf,
			     const struct btf_type *t)
{
	int pid = skip_mods(btf, t->type, NULL);
	const struct btf_type *p = pid ? btf__type_by_id(btf, pid) : NULL;

	if (!p || btf_is_func_proto(p))
		return type_ptr(ctx->arena, type_none(), AS_KERNEL);
	return type_ptr(ctx->arena, btf_to_type(ctx, t->type), AS_KERNEL);
}

/* A record shell: name and size now, fields on first use. */
static struct type *record_shell(struct compile_ctx *ctx, struct btf *btf,
				 const struct btf_type *t, int id,
				 const char *tdname)
{
	const char *n = btf__name_by_offset(btf, t->name_off);
	bool is_union = btf_is_union(t);
	struct type *rec;

	if (n && *n)
		n = arena_printf(ctx->arena, "%s %s",
				 is_union ? "union" : "struct", n);
	else
		n = tdname;
	rec = type_record(ctx->arena, n, is_union);
	rec->size = t->size;
	rec->as = AS_KERNEL;
	rec->btf_id = id;
	rec->lazy_ctx = ctx;
	return rec;
}

static struct type *convert(struct compile_ctx *ctx, struct btf *btf,
			    int id, const char *tdname)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	if (!t)
		return type_none();
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return int_type(ctx, t);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return type_int(t->size, btf_kflag(t));
	case BTF_KIND_PTR:
		return ptr_type(ctx, btf, t);
	case BTF_KIND_ARRAY:
		return array_type(ctx, btf, t);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return record_shell(ctx, btf, t, id, tdname);
	case BTF_KIND_FWD:
		return NULL;
	default:
		return type_simple(ctx->arena, T_NONE, 0);
	}
}

struct type *btf_to_type(struct compile_ctx *ctx, int btf_id)
{
	struct btf *btf = compile_btf(ctx);
	struct typereg *r = typereg_get(ctx);
	const char *tdname = NULL;
	struct treg_entry *e;
	struct type *t;
	int id;

	if (!btf)
		return NULL;
	id = skip_mods(btf, btf_id, &tdname);
	e = treg_find_id(&r->btf_ids, id);
	if (e)
		return e->val;
	t = convert(ctx, btf, id, tdname);
	if (!t) { /* forward declaration: find the definition by name */
		const struct btf_type *f = btf__type_by_id(btf, id);
		const char *n = arena_printf(ctx->arena, "%s %s",
			btf_kflag(f) ? "union" : "struct",
			btf__name_by_offset(btf, f->name_off));

		t = btf_find_record(ctx, n);
		if (!t) {
			t = type_record(ctx->arena, n, btf_kflag(f));
			t->incomplete = true;
		}
	}
	treg_add_id(ctx->arena, &r->btf_ids, id)->val = t;
	return t;
}

static void add_member(struct compile_ctx *ctx, struct btf *btf,
		       struct type *rec, const struct btf_type *t, int i)
{
	const struct btf_member *m = btf_members(t) + i;
	uint32_t bits = btf_member_bit_offset(t, i);
	uint32_t bsize = btf_member_bitfield_size(t, i);
	const char *name = btf__name_by_offset(btf, m->name_off);
	struct type *ft = btf_to_type(ctx, m->type);

	if (!ft)
		ft = type_none();
	if (!bsize) { /* old-style: the width lives in the int type */
		int iid = skip_mods(btf, m->type, NULL);
		const struct btf_type *it = btf__type_by_id(btf, iid);

		if (it && btf_is_int(it) && btf_int_bits(it) != it->size * 8) {
			bsize = btf_int_bits(it);
			bits += btf_int_offset(it);
		}
	}
	type_record_add(ctx->arena, rec, name && *name ? name : NULL, ft,
			bits / 8, bsize ? bits % 8 : 0,
			bsize);
}

struct type *btf_complete_record(struct type *rec)
{
	struct compile_ctx *ctx = rec->lazy_ctx;
	struct btf *btf = ctx->btf;
	const struct btf_type *t = btf__type_by_id(btf, rec->btf_id);

	rec->lazy_ctx = NULL; /* before the fields: records may recurse */
	for (int i = 0; t && i < btf_vlen(t); i++)
		add_member(ctx, btf, rec, t, i);
	return rec;
}

/* Cached lookup of a BTF type by kind and bare name; key names the
 * cache entry ("struct sock"). Misses are cached too. */
static int find_named(struct compile_ctx *ctx, struct treg_table *cache,
		      const char *key, const char *name, int kind)
{
	struct btf *btf = compile_btf(ctx);
	struct treg_entry *e;
	int id;

	if (!btf)
		return 0;
	e = treg_find(cache, key);
	if (e)
		return (int)e->key;
	id = btf__find_by_name_kind(btf, name, kind);
	e = treg_add(ctx->arena, cache, key);
	e->key = id > 0 ? id : 0;
	return (int)e->key;
}

struct type *btf_find_record(struct compile_ctx *ctx, const char *name)
{
	struct typereg *r = typereg_get(ctx);
	int id = 0;

	if (!strncmp(name, "struct ", 7))
		id = find_named(ctx, &r->btf_records, name, name + 7,
				BTF_KIND_STRUCT);
	else if (!strncmp(name, "union ", 6))
		id = find_named(ctx, &r->btf_records, name, name + 6,
				BTF_KIND_UNION);
	return id ? btf_to_type(ctx, id) : NULL;
}

/* The kernel's enum id as an int of its size that knows its constants. */
static struct type *enum_type(struct compile_ctx *ctx, int id, const char *name)
{
	struct btf *btf = compile_btf(ctx);
	const struct btf_type *t = btf__type_by_id(btf, id);
	struct type *base = btf_to_type(ctx, id);
	struct et_enumerator *e;
	int n = btf_vlen(t);

	if (!base)
		return NULL;
	e = arena_calloc(ctx->arena, n ? n : 1, sizeof(*e));
	for (int i = 0; i < n; i++) {
		if (btf_is_enum64(t)) {
			const struct btf_enum64 *v = btf_enum64(t) + i;

			e[i].name = btf__name_by_offset(btf, v->name_off);
			e[i].value = (int64_t)btf_enum64_value(v);
		} else {
			const struct btf_enum *v = btf_enum(t) + i;

			e[i].name = btf__name_by_offset(btf, v->name_off);
			e[i].value = btf_kflag(t) ? (int64_t)v->val
						  : (int64_t)(uint32_t)v->val;
		}
	}
	return type_enum(ctx->arena, base, name, e, (uint32_t)n);
}

/* Typedefs resolve to what they name; "enum X" to an int of its size
 * that knows its constants. */
struct type *btf_find_typedef(struct compile_ctx *ctx, const char *name)
{
	struct typereg *r = typereg_get(ctx);
	int id;

	if (!strncmp(name, "enum ", 5)) {
		id = find_named(ctx, &r->btf_typedefs, name, name + 5,
				BTF_KIND_ENUM);
		if (!id)
			id = find_named(ctx, &r->btf_typedefs,
					arena_printf(ctx->arena, "%s/64", name),
					name + 5, BTF_KIND_ENUM64);
		return id ? enum_type(ctx, id, name) : NULL;
	}
	id = find_named(ctx, &r->btf_typedefs, name, name, BTF_KIND_TYPEDEF);
	return id ? btf_to_type(ctx, id) : NULL;
}

/* Value of the constant called name in one BTF enum, if it has it. */
static bool enum_has(struct btf *btf, const struct btf_type *t,
		     const char *name, int64_t *value)
{
	for (int i = 0; i < btf_vlen(t); i++) {
		if (btf_is_enum64(t)) {
			const struct btf_enum64 *e = btf_enum64(t) + i;

			if (strcmp(btf__name_by_offset(btf, e->name_off), name))
				continue;
			*value = (int64_t)btf_enum64_value(e);
		} else {
			const struct btf_enum *e = btf_enum(t) + i;

			if (strcmp(btf__name_by_offset(btf, e->name_off), name))
				continue;
			*value = btf_kflag(t) ? (int64_t)e->val :
					       (int64_t)(uint32_t)e->val;
		}
		return true;
	}
	return false;
}

/* One scan of the kernel's enums per name (a script names few). */
bool btf_find_enum_value(struct compile_ctx *ctx, const char *name,
			 int64_t *value)
{
	struct btf *btf = compile_btf(ctx);
	struct typereg *r = typereg_get(ctx);
	struct treg_entry *e;
	uint32_t n;

	if (!btf)
		return false;
	e = treg_find(&r->btf_enums, name);
	if (!e) {
		e = treg_add(ctx->arena, &r->btf_enums, name);
		n = btf__type_cnt(btf);
		for (uint32_t id = 1; id < n && !e->val; id++) {
			const struct btf_type *t = btf__type_by_id(btf, id);

			if (btf_is_any_enum(t) &&
			    enum_has(btf, t, name, &e->key))
				/* the enum's tag: typereg_enum_of */
				e->val = (void *)btf__name_by_offset(
					btf, t->name_off);
		}
	}
	if (e->val)
		*value = e->key;
	return e->val != NULL;
}

/* Parameters are 8-byte slots, as the fentry context stores them. */
bool btf_func_proto(struct compile_ctx *ctx, const char *func,
		    struct type **args, struct type **ret)
{
	struct btf *btf = compile_btf(ctx);
	const struct btf_type *fn, *proto;
	const struct btf_param *p;
	struct type *rec;
	int id;

	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	fn = id > 0 ? btf__type_by_id(btf, id) : NULL;
	proto = fn ? btf__type_by_id(btf, fn->type) : NULL;
	if (!proto || !btf_is_func_proto(proto))
		return false;
	rec = type_record(ctx->arena, arena_printf(ctx->arena,
			  "struct _func_args_%s", func), false);
	rec->as = AS_KERNEL;
	p = btf_params(proto);
	for (int i = 0; i < btf_vlen(proto); i++) {
		const char *n = btf__name_by_offset(btf, p[i].name_off);
		struct type *t = p[i].type ? btf_to_type(ctx, p[i].type) : NULL;

		if (!n || !*n)
			n = arena_printf(ctx->arena, "arg%d", i);
		type_record_add(ctx->arena, rec, n, t ? t : type_none(), i * 8,
				0, 0);
	}
	rec->size = btf_vlen(proto) * 8;
	if (args)
		*args = rec;
	if (ret)
		*ret = proto->type ? btf_to_type(ctx, proto->type) :
				     type_none();
	return true;
}
