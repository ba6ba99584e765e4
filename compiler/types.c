/* The type system (types.h): interned scalar ints, arena constructors,
 * field lookup through anonymous members, equality, and the type names
 * bpftrace 0.17 prints in its messages. */
#include "types.h"

#include <string.h>

#include "typereg.h"

/* BTF records are laid out on first use (btf.c), DWARF ones too
 * (dwarf.c). */
struct type *btf_complete_record(struct type *rec);
struct type *dwarf_complete_record(struct type *rec);

static struct type none_type = { .kind = T_NONE };
static struct type int_types[2][4] = {
	{ { .kind = T_INT, .size = 1 }, { .kind = T_INT, .size = 2 },
	  { .kind = T_INT, .size = 4 }, { .kind = T_INT, .size = 8 } },
	{ { .kind = T_INT, .size = 1, .is_signed = true },
	  { .kind = T_INT, .size = 2, .is_signed = true },
	  { .kind = T_INT, .size = 4, .is_signed = true },
	  { .kind = T_INT, .size = 8, .is_signed = true } },
};

struct type *type_none(void)
{
	return &none_type;
}

struct type *type_bool(void)
{
	static struct type bool_type = { .kind = T_BOOL, .size = 8 };

	return &bool_type;
}

struct type *type_enum(struct arena *a, const struct type *base,
		       const char *name, const struct et_enumerator *e,
		       uint32_t n)
{
	struct type *t = arena_calloc(a, 1, sizeof(*t));
	struct et_enumerator *copy = arena_calloc(a, n ? n : 1, sizeof(*copy));

	*t = *base;
	t->name = arena_strdup(a, name);
	for (uint32_t i = 0; i < n; i++) {
		copy[i].name = arena_strdup(a, e[i].name);
		copy[i].value = e[i].value;
	}
	t->enumerators = copy;
	t->nenumerators = n;
	t->wide = t;
	if (t->size != 8) {
		t->wide = arena_calloc(a, 1, sizeof(*t));
		*t->wide = *t;
		t->wide->size = 8;
		t->wide->wide = t->wide;
	}
	return t;
}

/* Sizes other than 1, 2, 4, 8 round up to the next one (at most 8). */
struct type *type_int(int bytes, bool is_signed)
{
	int i = bytes <= 1 ? 0 : bytes <= 2 ? 1 : bytes <= 4 ? 2 : 3;

	return &int_types[is_signed ? 1 : 0][i];
}

static struct type *type_new(struct arena *a, enum type_kind kind,
			     uint32_t size)
{
	struct type *t = arena_alloc(a, sizeof(*t));

	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->size = size;
	return t;
}

struct type *type_simple(struct arena *a, enum type_kind kind, uint32_t size)
{
	return type_new(a, kind, size);
}

struct type *type_string(struct arena *a, uint32_t size)
{
	return type_new(a, T_STRING, size);
}

struct type *type_buf(struct arena *a, uint32_t size)
{
	return type_new(a, T_BUF, size);
}

struct type *type_ptr(struct arena *a, struct type *elem, enum addrspace as)
{
	struct type *t = type_new(a, T_PTR, 8);

	t->elem = elem ? elem : type_none();
	t->as = as;
	return t;
}

struct type *type_array(struct arena *a, struct type *elem, uint32_t count)
{
	struct type *t = type_new(a, T_ARRAY, elem->size * count);

	t->elem = elem;
	t->count = count;
	t->as = elem->as;
	return t;
}

/* Alignment in a tuple, as bpftrace 0.17's LLVM types have it: a struct
 * or union is an array of bytes there (align 1), an array its elements',
 * a tuple its largest field's. */
static uint32_t type_align(const struct type *t)
{
	uint32_t max = 1;

	switch (t->kind) {
	case T_INT:
		return t->size ? t->size : 1;
	case T_STRING:
	case T_BUF:
	case T_RECORD:
		return 1;
	case T_ARRAY:
		return type_align(t->elem);
	case T_TUPLE:
		for (uint32_t i = 0; i < t->nfields; i++)
			if (type_align(t->fields[i].type) > max)
				max = type_align(t->fields[i].type);
		return max;
	default:
		return 8;
	}
}

/* Bytes a value takes in a tuple: its size, but buf() values are
 * {u64 length, bytes} and usym values {u64 address, u64 tgid} there as
 * everywhere else (runtime/abi.h). */
static uint32_t stored_size(const struct type *t)
{
	if (t->kind == T_BUF)
		return 8 + t->size;
	if (t->kind == T_USYM)
		return 16;
	return t->size;
}

/* Tuple fields are laid out like a C struct: each at its natural
 * alignment, the whole padded to the largest one. */
struct type *type_tuple(struct arena *a, struct type **elems, uint32_t n)
{
	struct type *t = type_new(a, T_TUPLE, 0);
	uint32_t off = 0, max = 1;

	t->fields = arena_calloc(a, n ? n : 1, sizeof(*t->fields));
	t->nfields = t->count = n;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t al = type_align(elems[i]);

		if (al > max)
			max = al;
		if (off % al)
			off += al - off % al;
		t->fields[i].type = elems[i];
		t->fields[i].offset = off;
		off += stored_size(elems[i]);
	}
	if (off % max)
		off += max - off % max;
	t->size = off;
	return t;
}

struct type *type_named_tuple(struct arena *a, struct type **elems,
			      const char **names, uint32_t n)
{
	struct type *t = type_tuple(a, elems, n);

	for (uint32_t i = 0; i < n; i++)
		t->fields[i].name = names[i];
	return t;
}

bool type_is_named_tuple(const struct type *t)
{
	return t && t->kind == T_TUPLE && t->nfields && t->fields[0].name;
}

const struct field *type_named_field(const struct type *t, const char *name)
{
	for (uint32_t i = 0; type_is_named_tuple(t) && i < t->nfields; i++)
		if (!strcmp(t->fields[i].name, name))
			return &t->fields[i];
	return NULL;
}

struct type *type_record(struct arena *a, const char *name, bool is_union)
{
	struct type *t = type_new(a, T_RECORD, 0);

	if (!name)
		name = is_union ? "union (anonymous)" : "struct (anonymous)";
	t->name = arena_strdup(a, name);
	t->is_union = is_union;
	return t;
}

/* Capacity is implicit: the array doubles whenever nfields reaches a
 * power of two (>= 4). */
struct field *type_record_add(struct arena *a, struct type *rec,
			      const char *name, struct type *t,
			      uint32_t offset, uint16_t bit_offset,
			      uint16_t bit_size)
{
	uint32_t n = rec->nfields;
	struct field *f;

	if (n == 0 || (n >= 4 && !(n & (n - 1)))) {
		struct field *nf = arena_calloc(a, n ? 2 * n : 4, sizeof(*nf));

		if (n)
			memcpy(nf, rec->fields, n * sizeof(*nf));
		rec->fields = nf;
	}
	f = &rec->fields[rec->nfields++];
	f->name = name ? arena_strdup(a, name) : NULL;
	f->type = t;
	f->offset = offset;
	f->bit_offset = bit_offset;
	f->bit_size = bit_size;
	return f;
}

struct type *type_stack(struct arena *a, bool kernel, enum stack_mode mode,
			int frames)
{
	struct type *t = type_new(a, T_STACK, 8);

	t->kernel = kernel;
	t->mode = mode;
	t->frames = frames;
	return t;
}

struct type *type_complete(struct type *t)
{
	if (t && t->kind == T_RECORD && t->lazy_dwarf)
		dwarf_complete_record(t);
	if (t && t->kind == T_RECORD && t->lazy_ctx)
		btf_complete_record(t);
	return t;
}

const struct field *type_field(const struct type *rec, const char *name,
			       uint32_t *offset)
{
	if (type_is_named_tuple(rec)) {
		const struct field *f = type_named_field(rec, name);

		if (f && offset)
			*offset = f->offset;
		return f;
	}
	if (!rec || rec->kind != T_RECORD)
		return NULL;
	type_complete((struct type *)rec);
	for (uint32_t i = 0; i < rec->nfields; i++) {
		const struct field *f = &rec->fields[i];

		if (f->name && !strcmp(f->name, name)) {
			if (offset)
				*offset = f->offset;
			return f;
		}
	}
	/* C looks into anonymous struct/union members. */
	for (uint32_t i = 0; i < rec->nfields; i++) {
		const struct field *f = &rec->fields[i], *in;
		uint32_t off = 0;

		if (f->name || f->type->kind != T_RECORD)
			continue;
		in = type_field(f->type, name, &off);
		if (in) {
			if (offset)
				*offset = f->offset + off;
			return in;
		}
	}
	return NULL;
}

/* Tuples element by element; records (named tuples) field by name, in
 * any order. */
static bool fields_equal(const struct type *a, const struct type *b,
			 bool compat)
{
	if (a->nfields != b->nfields ||
	    type_is_named_tuple(a) != type_is_named_tuple(b))
		return false;
	for (uint32_t i = 0; i < a->nfields; i++) {
		const struct field *bf =
		    type_is_named_tuple(a)
			? type_named_field(b, a->fields[i].name)
			: &b->fields[i];
		const struct type *x = a->fields[i].type;
		const struct type *y = bf ? bf->type : NULL;

		if (!y)
			return false;

		if (compat ? !type_compatible(x, y) : !type_equal(x, y))
			return false;
	}
	return true;
}

static bool equal(const struct type *a, const struct type *b, bool compat)
{
	if (a == b)
		return true;
	if (!a || !b || a->kind != b->kind)
		return false;
	switch (a->kind) {
	case T_INT:
		return a->size == b->size && a->is_signed == b->is_signed;
	case T_STRING:
	case T_BUF:
		return compat || a->size == b->size;
	case T_PTR:
		return equal(a->elem, b->elem, false);
	case T_ARRAY:
		return a->count == b->count && equal(a->elem, b->elem, false);
	case T_RECORD:
		return a->is_union == b->is_union && a->size == b->size &&
		       a->name && b->name && !strcmp(a->name, b->name);
	case T_TUPLE:
		return fields_equal(a, b, compat);
	case T_STACK:
		return a->kernel == b->kernel && a->mode == b->mode &&
		       a->frames == b->frames;
	case T_LHIST:
		return a->lh_min == b->lh_min && a->lh_max == b->lh_max &&
		       a->lh_step == b->lh_step;
	case T_HIST:
		return a->hist_bits == b->hist_bits;
	case T_TSERIES:
		return a->ts_interval == b->ts_interval &&
		       a->ts_num == b->ts_num && a->ts_agg == b->ts_agg &&
		       a->is_signed == b->is_signed;
	case T_SUM: case T_MIN: case T_MAX: case T_AVG: case T_STATS:
		return a->is_signed == b->is_signed;
	case T_INET:
	case T_ENUM_VAL:
		return a->size == b->size;
	default:
		return true;
	}
}

bool type_equal(const struct type *a, const struct type *b)
{
	return equal(a, b, false);
}

bool type_compatible(const struct type *a, const struct type *b)
{
	return equal(a, b, true);
}

static struct type *common_elem(struct arena *ar, const struct type *a,
				const struct type *b)
{
	if (a->kind != b->kind)
		return NULL;
	switch (a->kind) {
	case T_INT:
		return type_int(8, a->is_signed && b->is_signed);
	case T_STRING:
		return type_string(ar, a->size > b->size ? a->size : b->size);
	case T_TUPLE:
		return type_tuple_common(ar, a, b);
	default:
		return type_equal(a, b) ? (struct type *)a : NULL;
	}
}

struct type *type_tuple_common(struct arena *ar, const struct type *a,
			       const struct type *b)
{
	bool named = type_is_named_tuple(a);
	struct type **elems;
	const char **names;

	if (a->kind != T_TUPLE || b->kind != T_TUPLE ||
	    a->nfields != b->nfields || named != type_is_named_tuple(b))
		return NULL;
	elems = arena_calloc(ar, a->nfields ? a->nfields : 1, sizeof(*elems));
	names = arena_calloc(ar, a->nfields ? a->nfields : 1, sizeof(*names));
	for (uint32_t i = 0; i < a->nfields; i++) {
		const struct field *bf =
		    named ? type_named_field(b, a->fields[i].name)
			  : &b->fields[i];

		if (!bf ||
		    !(elems[i] = common_elem(ar, a->fields[i].type, bf->type)))
			return NULL;
		names[i] = a->fields[i].name;
	}
	return named ? type_named_tuple(ar, elems, names, a->nfields)
		     : type_tuple(ar, elems, a->nfields);
}

bool type_is_int(const struct type *t)
{
	return t && t->kind == T_INT;
}

bool type_is_aggregation(const struct type *t)
{
	return t && t->kind >= T_COUNT && t->kind <= T_TSERIES;
}

bool type_is_storable(const struct type *t)
{
	return t && t->kind != T_NONE && t->kind != T_ENUM_VAL &&
	       !type_is_aggregation(t);
}

static const char *const kind_names[T_KIND_COUNT] = {
	[T_NONE] = "none",         [T_KSYM] = "ksym",
	[T_USYM] = "usym",         [T_INET] = "inet",
	[T_USERNAME] = "username", [T_TIMESTAMP] = "timestamp",
	[T_CGROUP_PATH] = "cgroup_path", [T_MACADDR] = "mac_address",
	[T_STRERROR] = "strerror",
	[T_SIGNAL_NAME] = "signal_name", [T_SYSCALL_NAME] = "syscall_name", [T_ENUM_VAL] = "enum",
	[T_CONTAINER] = "container", [T_CONTAINER_NAME] = "container_name",
	[T_POD] = "pod", [T_POD_NS] = "pod_namespace", [T_POD_UID] = "pod_uid",
	[T_BOOL] = "bool",
	[T_COUNT] = "count",       [T_SUM] = "sum",
	[T_MIN] = "min",           [T_MAX] = "max",
	[T_AVG] = "avg",           [T_STATS] = "stats",
	[T_HIST] = "hist",         [T_LHIST] = "lhist",
	[T_TSERIES] = "tseries",
};

static const char *tuple_name(struct arena *a, const struct type *t)
{
	char *s = arena_strdup(a, "(");

	/* bpftrace 0.26's words: record { .a = int64, .b = string[2] } */
	if (type_is_named_tuple(t)) {
		s = arena_strdup(a, "record { ");
		for (uint32_t i = 0; i < t->nfields; i++)
			s = arena_printf(a, "%s%s.%s = %s", s, i ? ", " : "",
					 t->fields[i].name,
					 type_name(a, t->fields[i].type));
		return arena_printf(a, "%s }", s);
	}

	for (uint32_t i = 0; i < t->nfields; i++)
		s = arena_printf(a, "%s%s%s", s, i ? "," : "",
				 type_name(a, t->fields[i].type));
	return arena_printf(a, "%s)", s);
}

const char *type_name(struct arena *a, const struct type *t)
{
	if (!t)
		return "none";
	switch (t->kind) {
	case T_INT:
		if (t->nenumerators)
			return t->name;
		return arena_printf(a, "%sint%u", t->is_signed ? "" :
				    "unsigned ", t->size * 8);
	case T_STRING:
		return arena_printf(a, "string[%u]", t->size);
	case T_BUF:
		return arena_printf(a, "buffer[%u]", t->size);
	case T_PTR:
		return arena_printf(a, "%s *", type_name(a, t->elem));
	case T_RECORD:
		return t->name;
	case T_ARRAY:
		return arena_printf(a, "%s[%u]", type_name(a, t->elem),
				    t->count);
	case T_TUPLE:
		return tuple_name(a, t);
	case T_STACK:
		return t->kernel ? "kstack" : "ustack";
	default:
		if (t->kind < T_KIND_COUNT && kind_names[t->kind])
			return kind_names[t->kind];
		return "none";
	}
}

struct type *type_record_common(struct arena *a, const char *name,
				struct type *const *recs, int n)
{
	struct type *rec = type_complete(recs[0]);
	struct type *t = type_record(a, name, false);

	for (uint32_t i = 0; i < rec->nfields; i++) {
		const struct field *f = &rec->fields[i];
		bool all = f->name != NULL;

		for (int j = 1; j < n && all; j++) {
			uint32_t off;
			const struct field *g = type_field(recs[j], f->name,
							   &off);

			all = g && type_equal(g->type, f->type) &&
			      g->bit_size == f->bit_size &&
			      g->dyn_loc == f->dyn_loc;
		}
		if (all) {
			struct field *nf = type_record_add(
				a, t, f->name, f->type, f->offset,
				f->bit_offset, f->bit_size);
			nf->dyn_loc = f->dyn_loc;
		}
	}
	t->size = rec->size;
	return t->nfields ? t : NULL;
}
