/* Types of a binary's debug info spelled as bpftrace 0.17 lists a
 * function's parameters (-lv): the name of a base type or typedef,
 * "struct Foo", "T*" for a pointer (void* when it points at nothing),
 * "const T" (a const pointer: "T* const"), and "<unknown type>" for what
 * it does not spell (volatile, restrict, function types). Beyond
 * bpftrace, which aborts on them: "struct {...}" for an anonymous record,
 * "T&" and "T&&" for C++ references, "T[N]" for arrays. */
#include "dwarf_impl.h"

#include <dwarf.h>
#include <inttypes.h>

#define UNKNOWN "<unknown type>"

static const char *text(struct dwarf_file *df, Dwarf_Die *die, int depth);

static const char *tagged(struct dwarf_file *df, const char *tag,
			  Dwarf_Die *die)
{
	const char *name = dwarf_name_of(die);

	return arena_printf(df->ctx->arena, "%s %s", tag,
			    name ? name : "{...}");
}

/* The type a DIE's DW_AT_type names, or void when none. */
static const char *inner(struct dwarf_file *df, Dwarf_Die *die, int depth)
{
	Dwarf_Die t;

	return dwarf_type_of(die, &t) ? text(df, &t, depth + 1) : "void";
}

static bool points(Dwarf_Die *die)
{
	Dwarf_Die t;

	return dwarf_type_of(die, &t) && dwarf_tag(&t) == DW_TAG_pointer_type;
}

static const char *array_text(struct dwarf_file *df, Dwarf_Die *die,
			      int depth)
{
	const char *elem = inner(df, die, depth);
	Dwarf_Attribute a;
	Dwarf_Word n = 0;
	Dwarf_Die sub;

	if (!dwarf_child(die, &sub) &&
	    dwarf_attr_integrate(&sub, DW_AT_count, &a))
		dwarf_formudata(&a, &n);
	else if (!dwarf_child(die, &sub) &&
		 dwarf_attr_integrate(&sub, DW_AT_upper_bound, &a) &&
		 !dwarf_formudata(&a, &n))
		n++;
	return arena_printf(df->ctx->arena, "%s[%" PRIu64 "]", elem,
			    (uint64_t)n);
}

static const char *text(struct dwarf_file *df, Dwarf_Die *die, int depth)
{
	struct arena *a = df->ctx->arena;

	if (depth > 32)
		return UNKNOWN;
	switch (dwarf_tag(die)) {
	case DW_TAG_base_type:
	case DW_TAG_typedef:
		return dwarf_name_of(die) ? dwarf_name_of(die) : UNKNOWN;
	case DW_TAG_structure_type:
		return tagged(df, "struct", die);
	case DW_TAG_class_type:
		return tagged(df, "class", die);
	case DW_TAG_union_type:
		return tagged(df, "union", die);
	case DW_TAG_enumeration_type:
		return tagged(df, "enum", die);
	case DW_TAG_pointer_type:
		return arena_printf(a, "%s*", inner(df, die, depth));
	case DW_TAG_reference_type:
		return arena_printf(a, "%s&", inner(df, die, depth));
	case DW_TAG_rvalue_reference_type:
		return arena_printf(a, "%s&&", inner(df, die, depth));
	case DW_TAG_const_type:
		return arena_printf(a, points(die) ? "%s const" : "const %s",
				    inner(df, die, depth));
	case DW_TAG_array_type:
		return array_text(df, die, depth);
	default:
		return UNKNOWN;
	}
}

const char *dwarf_type_text(struct dwarf_file *df, Dwarf_Die *die)
{
	return die ? text(df, die, 0) : "void";
}
