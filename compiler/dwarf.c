/* The DWARF reader (dwarf_reader.h): opens a binary's debug info with
 * libdwfl (separate debug files found as elfutils finds them), indexes its
 * functions and named types on first lookup, and converts type DIEs to
 * struct type: integers by size and sign, char arrays as strings (as
 * bpftrace and btf.c do), pointers into user memory, records lazily.
 * Floating-point types cannot be read by BPF from registers: they become
 * T_NONE named after the DWARF type, which the type pass refuses. */
#include "dwarf_impl.h"

#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "typereg.h"

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

void compile_dwarf_free(struct compile_ctx *ctx)
{
	for (struct dwarf_file *df = ctx->dwarf; df; df = df->next)
		if (df->dwfl)
			dwfl_end(df->dwfl);
	ctx->dwarf = NULL;
}

/* dwfl reads the file itself; a missing one is ENOENT, not a silent
 * absence of debug info. */
static int open_debug_info(struct dwarf_file *df)
{
	Dwfl_Module *mod;
	Dwarf_Addr bias;

	if (access(df->path, R_OK))
		return -errno;
	df->dwfl = dwfl_begin(&offline_callbacks);
	if (!df->dwfl)
		return -ENOMEM;
	mod = dwfl_report_offline(df->dwfl, df->path, df->path, -1);
	dwfl_report_end(df->dwfl, NULL, NULL);
	df->dw = mod ? dwfl_module_getdwarf(mod, &bias) : NULL;
	if (!df->dw) {
		dwfl_end(df->dwfl);
		df->dwfl = NULL;
		return mod ? -ENODATA : -ENOEXEC;
	}
	return 0;
}

struct dwarf_file *dwarf_open(struct compile_ctx *ctx, const char *path)
{
	struct dwarf_file *df;

	for (df = ctx->dwarf; df; df = df->next)
		if (!strcmp(df->path, path))
			break;
	if (!df) {
		df = arena_calloc(ctx->arena, 1, sizeof(*df));
		df->path = arena_strdup(ctx->arena, path);
		df->ctx = ctx;
		df->err = -open_debug_info(df);
		df->next = ctx->dwarf;
		ctx->dwarf = df;
	}
	if (!df->dw)
		errno = df->err;
	return df->dw ? df : NULL;
}

/* ---- attributes ---- */

const char *dwarf_name_of(Dwarf_Die *die)
{
	Dwarf_Attribute a;

	return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
}

static const char *linkage_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *n;

	n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name,
						  &a));
	if (!n)
		n = dwarf_formstring(dwarf_attr_integrate(
			die, DW_AT_MIPS_linkage_name, &a));
	return n;
}

bool dwarf_type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) &&
	       dwarf_formref_die(&a, out);
}

static bool udata(Dwarf_Die *die, unsigned name, Dwarf_Word *v)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, name, &a) && !dwarf_formudata(&a, v);
}

static bool is_qualifier(int tag)
{
	return tag == DW_TAG_const_type || tag == DW_TAG_volatile_type ||
	       tag == DW_TAG_restrict_type || tag == DW_TAG_atomic_type ||
	       tag == DW_TAG_typedef;
}

bool dwarf_strip(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Die cur = *die;

	for (int depth = 0; is_qualifier(dwarf_tag(&cur)); depth++)
		if (depth > 64 || !dwarf_type_of(&cur, &cur))
			return false;
	*out = cur;
	return true;
}

uint64_t dwarf_size_of(Dwarf_Die *die)
{
	Dwarf_Word size;
	Dwarf_Die t;
	int tag;

	if (!dwarf_strip(die, &t))
		return 0;
	tag = dwarf_tag(&t);
	if (tag == DW_TAG_pointer_type || tag == DW_TAG_reference_type ||
	    tag == DW_TAG_rvalue_reference_type)
		return 8;
	if (dwarf_aggregate_size(&t, &size))
		return 0;
	return size;
}

/* ---- the name index ---- */

static void index_add(struct dwarf_file *df, struct treg_table *t,
		      const char *name, Dwarf_Die *die, bool has_code)
{
	struct treg_entry *e = treg_add(df->ctx->arena, t, name);
	struct dwarf_die *d = e->val;

	/* the first definition; a function's with code over one without */
	if (d && (d->has_code || !has_code))
		return;
	if (!d)
		d = e->val = arena_calloc(df->ctx->arena, 1, sizeof(*d));
	d->df = df;
	d->die = *die;
	d->has_code = has_code;
}

static bool has_code(Dwarf_Die *die)
{
	return dwarf_hasattr(die, DW_AT_low_pc) ||
	       dwarf_hasattr(die, DW_AT_ranges) ||
	       dwarf_hasattr(die, DW_AT_entry_pc);
}

static void index_function(struct dwarf_file *df, Dwarf_Die *die)
{
	const char *name = dwarf_name_of(die), *link = linkage_name(die);
	bool code = has_code(die);

	if (dwarf_hasattr(die, DW_AT_declaration))
		return;
	if (link)
		index_add(df, &df->funcs, link, die, code);
	if (name)
		index_add(df, &df->funcs, name, die, code);
}

/* "struct Foo" (in a namespace: "struct ns::Foo"), "Foo_t", or NULL. */
static const char *type_key(struct dwarf_file *df, Dwarf_Die *die,
			    const char *ns)
{
	const char *name = dwarf_name_of(die), *tag;

	if (!name)
		return NULL;
	switch (dwarf_tag(die)) {
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		tag = "struct ";
		break;
	case DW_TAG_union_type:
		tag = "union ";
		break;
	case DW_TAG_enumeration_type:
		tag = "enum ";
		break;
	case DW_TAG_typedef:
		tag = "";
		break;
	default:
		return NULL;
	}
	return arena_printf(df->ctx->arena, "%s%s%s%s", tag, ns ? ns : "",
			    ns ? "::" : "", name);
}

static void index_children(struct dwarf_file *df, Dwarf_Die *parent,
			   const char *ns, int depth)
{
	Dwarf_Die c;
	const char *key, *name;

	if (depth > 16 || dwarf_child(parent, &c))
		return;
	do {
		switch (dwarf_tag(&c)) {
		case DW_TAG_subprogram:
			index_function(df, &c);
			break;
		case DW_TAG_namespace:
			name = dwarf_name_of(&c);
			if (name && ns)
				name = arena_printf(df->ctx->arena, "%s::%s",
						    ns, name);
			index_children(df, &c, name ? name : ns, depth + 1);
			break;
		default:
			key = dwarf_hasattr(&c, DW_AT_declaration) ? NULL :
			      type_key(df, &c, ns);
			if (key)
				index_add(df, &df->types, key, &c, false);
		}
	} while (!dwarf_siblingof(&c, &c));
}

static void build_index(struct dwarf_file *df)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, subdie;
	uint8_t unit_type;

	if (df->indexed)
		return;
	df->indexed = true;
	while (!dwarf_get_units(df->dw, cu, &cu, NULL, &unit_type, &cudie,
				&subdie))
		index_children(df, unit_type == DW_UT_skeleton ? &subdie :
				   &cudie, NULL, 0);
}

static struct dwarf_die *lookup(struct dwarf_file *df, struct treg_table *t,
				const char *name)
{
	struct treg_entry *e;

	build_index(df);
	e = treg_find(t, name);
	return e ? e->val : NULL;
}

bool dwarf_func_die(struct dwarf_file *df, const char *func, Dwarf_Die *out)
{
	struct dwarf_die *d = lookup(df, &df->funcs, func);

	if (d)
		*out = d->die;
	return d != NULL;
}

/* ---- DIEs to struct type ---- */

/* Integers by size and sign; floating point (in SSE registers, which
 * BPF cannot read, or x87) is T_NONE named after its type. */
static struct type *base_type(struct dwarf_file *df, Dwarf_Die *die)
{
	struct arena *a = df->ctx->arena;
	Dwarf_Word enc = 0, size = dwarf_size_of(die);
	struct type *t;

	udata(die, DW_AT_encoding, &enc);
	if (enc == DW_ATE_float || enc == DW_ATE_complex_float ||
	    !size) {
		t = type_simple(a, T_NONE, (uint32_t)size);
		t->name = dwarf_name_of(die);
		return t;
	}
	if (size > 8)
		return type_array(a, type_int(8, false), (size + 7) / 8);
	return type_int((int)size, enc == DW_ATE_signed ||
			enc == DW_ATE_signed_char);
}

/* An enum has its underlying type's size and sign (int when the DIE
 * names none). */
static struct type *enum_type(struct dwarf_file *df, Dwarf_Die *die)
{
	Dwarf_Die under;
	uint64_t size = dwarf_size_of(die);

	if (dwarf_type_of(die, &under) && dwarf_strip(&under, &under) &&
	    dwarf_tag(&under) == DW_TAG_base_type)
		return base_type(df, &under);
	return type_int(size ? (int)size : 4, true);
}

static struct type *pointer_type(struct dwarf_file *df, Dwarf_Die *die)
{
	Dwarf_Die to;

	if (!dwarf_type_of(die, &to) || !dwarf_strip(&to, &to) ||
	    dwarf_tag(&to) == DW_TAG_subroutine_type)
		return type_ptr(df->ctx->arena, type_none(), AS_USER);
	return type_ptr(df->ctx->arena, dwarf_convert(df, &to), AS_USER);
}

/* char[N] is a string, as in bpftrace (and btf.c). */
static bool is_char(Dwarf_Die *die)
{
	Dwarf_Die t;
	const char *name;

	if (!dwarf_strip(die, &t) || dwarf_tag(&t) != DW_TAG_base_type ||
	    dwarf_size_of(&t) != 1)
		return false;
	name = dwarf_name_of(&t);
	return name && strstr(name, "char");
}

static uint64_t subrange_count(Dwarf_Die *sub)
{
	Dwarf_Word n;
	Dwarf_Attribute a;
	Dwarf_Sword upper;

	if (udata(sub, DW_AT_count, &n))
		return n;
	if (dwarf_attr_integrate(sub, DW_AT_upper_bound, &a) &&
	    !dwarf_formsdata(&a, &upper) && upper >= 0)
		return (uint64_t)upper + 1;
	return 0; /* flexible or variable length */
}

/* Dimensions outermost first: int a[2][3] is an array of 2 arrays. */
static struct type *array_dims(struct dwarf_file *df, Dwarf_Die *sub,
			       Dwarf_Die *elem, int depth)
{
	Dwarf_Die next = *sub;
	struct type *inner;
	uint64_t n = subrange_count(sub);
	bool last;

	do
		last = dwarf_siblingof(&next, &next) != 0;
	while (!last && dwarf_tag(&next) != DW_TAG_subrange_type);
	if (!last && depth < 8)
		inner = array_dims(df, &next, elem, depth + 1);
	else if (is_char(elem) && n)
		return type_string(df->ctx->arena, (uint32_t)n);
	else
		inner = dwarf_convert(df, elem);
	return type_array(df->ctx->arena, inner, (uint32_t)n);
}

static struct type *array_type(struct dwarf_file *df, Dwarf_Die *die)
{
	Dwarf_Die elem, sub;

	if (!dwarf_type_of(die, &elem) || dwarf_child(die, &sub))
		return type_simple(df->ctx->arena, T_NONE, 0);
	while (dwarf_tag(&sub) != DW_TAG_subrange_type)
		if (dwarf_siblingof(&sub, &sub))
			return type_simple(df->ctx->arena, T_NONE, 0);
	return array_dims(df, &sub, &elem, 0);
}

/* A record's name and size now, its fields on first use. A
 * declaration is the definition of the same name, when the binary has
 * one; else an incomplete record. */
static struct type *record_shell(struct dwarf_file *df, Dwarf_Die *die,
				 const char *tdname)
{
	bool is_union = dwarf_tag(die) == DW_TAG_union_type;
	const char *key = type_key(df, die, NULL);
	struct dwarf_die *def, *lazy;
	struct type *rec;

	if (dwarf_hasattr(die, DW_AT_declaration)) {
		def = key ? lookup(df, &df->types, key) : NULL;
		if (def)
			return dwarf_convert(df, &def->die);
	}
	rec = type_record(df->ctx->arena, key ? key : tdname, is_union);
	rec->as = AS_USER;
	rec->size = (uint32_t)dwarf_size_of(die);
	if (dwarf_hasattr(die, DW_AT_declaration)) {
		rec->incomplete = true;
		return rec;
	}
	lazy = arena_calloc(df->ctx->arena, 1, sizeof(*lazy));
	lazy->df = df;
	lazy->die = *die;
	rec->lazy_dwarf = lazy;
	return rec;
}

static struct type *convert_stripped(struct dwarf_file *df, Dwarf_Die *die,
				     const char *tdname)
{
	switch (dwarf_tag(die)) {
	case DW_TAG_base_type:
		return base_type(df, die);
	case DW_TAG_enumeration_type:
		return enum_type(df, die);
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		return pointer_type(df, die);
	case DW_TAG_array_type:
		return array_type(df, die);
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		return record_shell(df, die, tdname);
	default: /* functions, pointers to members, unspecified */
		return type_simple(df->ctx->arena, T_NONE, 0);
	}
}

/* The innermost typedef's name names an anonymous record. */
static const char *typedef_name(Dwarf_Die *die)
{
	const char *name = NULL;
	Dwarf_Die cur = *die;

	for (int depth = 0; is_qualifier(dwarf_tag(&cur)) && depth < 64;
	     depth++) {
		if (dwarf_tag(&cur) == DW_TAG_typedef)
			name = dwarf_name_of(&cur);
		if (!dwarf_type_of(&cur, &cur))
			break;
	}
	return name;
}

struct type *dwarf_convert(struct dwarf_file *df, Dwarf_Die *die)
{
	struct treg_entry *e;
	struct type *t;
	Dwarf_Die s;

	if (!die || !dwarf_strip(die, &s))
		return type_none();
	e = treg_find_id(&df->conv, (int64_t)(uintptr_t)s.addr);
	if (e)
		return e->val;
	/* cached before the fields: records may point at themselves */
	t = convert_stripped(df, &s, typedef_name(die));
	treg_add_id(df->ctx->arena, &df->conv, (int64_t)(uintptr_t)s.addr)
		->val = t;
	return t;
}

/* ---- record fields ---- */

/* DW_AT_data_member_location: a constant, or (DWARF 2) an expression
 * DW_OP_plus_uconst N. */
static bool member_offset(Dwarf_Die *m, uint64_t *off)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	Dwarf_Op *ops;
	size_t n;

	*off = 0;
	if (!dwarf_attr_integrate(m, DW_AT_data_member_location, &a))
		return true; /* union members, the first of a struct */
	if (!dwarf_formudata(&a, &w)) {
		*off = w;
		return true;
	}
	if (dwarf_getlocation(&a, &ops, &n) || n != 1 ||
	    ops[0].atom != DW_OP_plus_uconst)
		return false;
	*off = ops[0].number;
	return true;
}

/* A member's position in bits from the start of the record. */
static bool member_bits(Dwarf_Die *m, uint64_t *bits, Dwarf_Word *bsize)
{
	Dwarf_Word bit_off, storage;
	uint64_t off;

	*bsize = 0;
	udata(m, DW_AT_bit_size, bsize);
	if (udata(m, DW_AT_data_bit_offset, &bit_off)) {
		*bits = bit_off;
		return true;
	}
	if (!member_offset(m, &off))
		return false;
	*bits = off * 8;
	/* DWARF 2/3 bitfields count from the storage unit's top bit */
	if (*bsize && udata(m, DW_AT_bit_offset, &bit_off)) {
		if (!udata(m, DW_AT_byte_size, &storage))
			storage = dwarf_size_of(m);
		*bits += storage * 8 - bit_off - *bsize;
	}
	return true;
}

static void add_member(struct dwarf_file *df, struct type *rec,
		       Dwarf_Die *m)
{
	Dwarf_Die tdie;
	Dwarf_Word bsize;
	uint64_t bits;
	struct type *ft;

	if (!member_bits(m, &bits, &bsize))
		return;
	ft = dwarf_type_of(m, &tdie) ? dwarf_convert(df, &tdie) : type_none();
	type_record_add(df->ctx->arena, rec, dwarf_name_of(m), ft,
			(uint32_t)(bits / 8), bsize ? bits % 8 : 0,
			(uint16_t)bsize);
}

struct type *dwarf_complete_record(struct type *rec)
{
	struct dwarf_die *lazy = rec->lazy_dwarf;
	Dwarf_Die c;

	rec->lazy_dwarf = NULL; /* before the fields: records may recurse */
	if (!lazy || dwarf_child(&lazy->die, &c))
		return rec;
	do
		if (dwarf_tag(&c) == DW_TAG_member)
			add_member(lazy->df, rec, &c);
	while (!dwarf_siblingof(&c, &c));
	return rec;
}

struct type *dwarf_find_type(struct compile_ctx *ctx, struct dwarf_file *df,
			     const char *name)
{
	struct dwarf_die *d = lookup(df, &df->types, name);

	return d ? dwarf_convert(df, &d->die) : NULL;
}
