/* A Go function's parameters from its DWARF (go_abi.h): each input
 * parameter (DW_AT_variable_parameter false: results have it true)
 * classified as Go's ABI classifies its type, then placed in the
 * argument area by go_abi_place, registers or stack as the binary's
 * ABI says (its unit's DW_AT_producer ends in "regabi" from Go 1.17).
 *
 * A value in registers takes one register per scalar word, so a field
 * of the args record lies in consecutive registers exactly when each of
 * its scalars is a whole word: strings, slices, interfaces, pointers,
 * structs of words. Other values in registers (struct { a, b int32 },
 * or floating-point: X registers, which a uprobe cannot read) are typed
 * T_NONE, named after their type and where they are, which the type
 * pass refuses where they are used. */
#include "dwarf_impl.h"
#include "go_abi.h"

#include <dwarf.h>
#include <errno.h>
#include <string.h>

/* What one type takes; *words false when a scalar in it is no whole
 * word (its registers do not follow its memory layout). */
static bool classify(Dwarf_Die *die, struct go_val *v, bool *words, int depth)
{
	Dwarf_Attribute a;
	Dwarf_Word enc = 0, n = 0;
	Dwarf_Die t, m, elem, sub;
	uint64_t size;

	if (depth > 16)
		return false;
	if (!dwarf_strip(die, &t))
		return true; /* void: nothing */
	size = dwarf_size_of(&t);
	switch (dwarf_tag(&t)) {
	case DW_TAG_base_type:
		if (dwarf_attr_integrate(&t, DW_AT_encoding, &a))
			dwarf_formudata(&a, &enc);
		if (enc == DW_ATE_float) {
			v->nfloat++;
			*words = false;
		} else if (enc == DW_ATE_complex_float) {
			v->nfloat += 2;
			*words = false;
		} else {
			v->nint++;
			*words = *words && size == 8;
		}
		return size != 0;
	case DW_TAG_pointer_type:
	case DW_TAG_subroutine_type:
		v->nint++;
		return true;
	case DW_TAG_structure_type:
		if (dwarf_child(&t, &m))
			return true;
		do {
			if (dwarf_tag(&m) == DW_TAG_member &&
			    dwarf_type_of(&m, &elem) &&
			    !classify(&elem, v, words, depth + 1))
				return false;
		} while (!dwarf_siblingof(&m, &m));
		return true;
	case DW_TAG_array_type:
		if (!dwarf_type_of(&t, &elem))
			return false;
		if (!dwarf_child(&t, &sub) &&
		    dwarf_attr_integrate(&sub, DW_AT_count, &a))
			dwarf_formudata(&a, &n);
		else if (!dwarf_child(&t, &sub) &&
			 dwarf_attr_integrate(&sub, DW_AT_upper_bound, &a) &&
			 !dwarf_formudata(&a, &n))
			n++;
		if (n > 1)
			v->stack_only = true;
		return n == 0 || classify(&elem, v, words, depth + 1);
	default:
		return false;
	}
}

static uint64_t align_of(Dwarf_Die *die, int depth)
{
	Dwarf_Die t, m, elem;
	uint64_t al = 1, x;

	if (depth > 16 || !dwarf_strip(die, &t))
		return 1;
	switch (dwarf_tag(&t)) {
	case DW_TAG_structure_type:
		if (dwarf_child(&t, &m))
			return 1;
		do {
			if (dwarf_tag(&m) == DW_TAG_member &&
			    dwarf_type_of(&m, &elem) &&
			    (x = align_of(&elem, depth + 1)) > al)
				al = x;
		} while (!dwarf_siblingof(&m, &m));
		return al;
	case DW_TAG_array_type:
		return dwarf_type_of(&t, &elem) ? align_of(&elem, depth + 1)
						: 1;
	default:
		x = dwarf_size_of(&t);
		/* complex128 aligns as float64 */
		return x > 8 ? 8 : (x ? x : 1);
	}
}

static bool is_regabi(Dwarf_Die *fn)
{
	Dwarf_Die cu;
	Dwarf_Attribute a;
	const char *p;

	if (!dwarf_diecu(fn, &cu, NULL, NULL) ||
	    !dwarf_attr(&cu, DW_AT_producer, &a) || !(p = dwarf_formstring(&a)))
		return true;
	return strstr(p, "regabi") != NULL;
}

bool dwarf_go_is_result(Dwarf_Die *p)
{
	Dwarf_Attribute a;
	bool flag = false;

	return dwarf_attr(p, DW_AT_variable_parameter, &a) &&
	       !dwarf_formflag(&a, &flag) && flag;
}

int dwarf_go_func(struct dwarf_file *df, const char *func)
{
	Dwarf_Die fn, cu;

	if (!dwarf_func_die(df, func, &fn) ||
	    !dwarf_diecu(&fn, &cu, NULL, NULL))
		return -1;
	return dwarf_srclang(&cu) == DW_LANG_Go;
}

#define GO_MAX_PARAMS 64

struct type *dwarf_go_func_args(struct compile_ctx *ctx, struct dwarf_file *df,
				Dwarf_Die *fn, const char *func)
{
	struct go_val vals[GO_MAX_PARAMS];
	uint32_t offs[GO_MAX_PARAMS];
	Dwarf_Die dies[GO_MAX_PARAMS], c, t;
	bool words[GO_MAX_PARAMS], ok[GO_MAX_PARAMS];
	int n = 0, nregs = is_regabi(fn) ? GO_NREGS : 0;
	struct type *rec;
	uint64_t stack;

	if (dwarf_child(fn, &c))
		c.addr = NULL;
	for (bool more = c.addr != NULL; more && n < GO_MAX_PARAMS;
	     more = !dwarf_siblingof(&c, &c)) {
		if (dwarf_tag(&c) != DW_TAG_formal_parameter ||
		    dwarf_go_is_result(&c))
			continue;
		memset(&vals[n], 0, sizeof(vals[n]));
		words[n] = true;
		dies[n] = c;
		ok[n] = dwarf_type_of(&c, &t) &&
			classify(&t, &vals[n], &words[n], 0);
		vals[n].size = ok[n] ? dwarf_size_of(&t) : 8;
		vals[n].align = ok[n] ? align_of(&t, 0) : 8;
		/* one scalar: its register holds it whole */
		if (vals[n].nint + vals[n].nfloat == 1 && vals[n].size <= 8)
			words[n] = true;
		if (!ok[n])
			vals[n].nint = 1;
		n++;
	}
	if (n == GO_MAX_PARAMS) {
		errno = E2BIG;
		return NULL;
	}
	stack = go_abi_place(vals, n, nregs, offs);
	rec = type_record(
	    ctx->arena, arena_printf(ctx->arena, "struct _func_args_%s", func),
	    false);
	rec->as = AS_USER;
	for (int i = 0; i < n; i++) {
		const char *name = dwarf_name_of(&dies[i]);
		struct type *ty = NULL;
		const char *where = NULL;

		if (!name || !dwarf_type_of(&dies[i], &t))
			continue;
		if (!ok[i])
			where = "a way etrace cannot read";
		else if (offs[i] == GO_IN_FLOAT)
			where = "floating-point registers";
		else if (offs[i] < GO_STACK_AREA && !words[i])
			where = "registers, one per field";
		if (where) {
			ty = type_simple(ctx->arena, T_NONE, 0);
			ty->name = arena_printf(ctx->arena, "%s, passed in %s",
						dwarf_type_text(df, &t), where);
			offs[i] = 0;
		} else {
			ty = dwarf_convert(df, &t);
		}
		if (ty)
			type_record_add(ctx->arena, rec, name, ty, offs[i], 0,
					0);
	}
	rec->size = (uint32_t)(GO_STACK_AREA + stack);
	return rec;
}
