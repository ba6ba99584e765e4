/* cg_map.c: BPF maps as libbpf's BTF-defined maps. A map is a global in
 * section ".maps" whose debug-info type is the struct libbpf parses:
 *	struct { int (*type)[T]; int (*max_entries)[N]; K *key; V *value; }
 * (the __uint/__type macros of bpf_helpers.h): numbers are array sizes. */
#include <errno.h>
#include <string.h>

#include "cg_impl.h"

LLVMMetadataRef cg_di_sized(struct cg *cg, uint32_t size)
{
	static const struct {
		uint32_t size;
		const char *name;
		unsigned enc;
	} ints[] = {
	    {1, "unsigned char", 8 /* DW_ATE_unsigned_char */},
	    {2, "unsigned short", 7 /* DW_ATE_unsigned */},
	    {4, "unsigned int", 7},
	    {8, "unsigned long long", 7},
	    {16, "unsigned __int128", 7},
	};
	LLVMMetadataRef u8, sub;

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (ints[i].size == size)
			return LLVMDIBuilderCreateBasicType(
			    cg->di, ints[i].name, strlen(ints[i].name),
			    size * 8, ints[i].enc, 0);
	if (!size)
		return NULL;
	u8 = cg_di_sized(cg, 1);
	sub = LLVMDIBuilderGetOrCreateSubrange(cg->di, 0, size);
	return LLVMDIBuilderCreateArrayType(cg->di, (uint64_t)size * 8, 8, u8,
					    &sub, 1);
}

/* int (*name)[n]: how BTF maps carry a number */
static LLVMMetadataRef di_number(struct cg *cg, uint32_t n)
{
	LLVMMetadataRef i32, sub, arr;

	i32 = LLVMDIBuilderCreateBasicType(cg->di, "int", 3, 32,
					   5 /* DW_ATE_signed */, 0);
	sub = LLVMDIBuilderGetOrCreateSubrange(cg->di, 0, n);
	arr = LLVMDIBuilderCreateArrayType(cg->di, (uint64_t)n * 32, 32, i32,
					   &sub, 1);
	return LLVMDIBuilderCreatePointerType(cg->di, arr, 64, 64, 0, "", 0);
}

static LLVMMetadataRef di_ptr(struct cg *cg, LLVMMetadataRef to)
{
	return LLVMDIBuilderCreatePointerType(cg->di, to, 64, 64, 0, "", 0);
}

static LLVMMetadataRef member(struct cg *cg, const char *name, unsigned idx,
			      LLVMMetadataRef ty)
{
	return LLVMDIBuilderCreateMemberType(cg->di, cg->file, name,
					     strlen(name), cg->file, 0, 64, 64,
					     idx * 64, 0, ty);
}

/* The members of the map's struct; returns how many. */
static unsigned map_members(struct cg *cg, const struct cg_map_spec *s,
			    LLVMMetadataRef m[5])
{
	LLVMMetadataRef kt = s->key_type, vt = s->value_type;
	unsigned n = 0;

	m[n] = member(cg, "type", n, di_number(cg, s->type));
	n++;
	m[n] = member(cg, "max_entries", n, di_number(cg, s->max_entries));
	n++;
	if (s->key_size) {
		if (!kt)
			kt = cg_di_sized(cg, s->key_size);
		m[n] = member(cg, "key", n, di_ptr(cg, kt));
		n++;
	}
	if (s->value_size) {
		if (!vt)
			vt = cg_di_sized(cg, s->value_size);
		m[n] = member(cg, "value", n, di_ptr(cg, vt));
		n++;
	}
	if (s->map_flags) {
		m[n] = member(cg, "map_flags", n, di_number(cg, s->map_flags));
		n++;
	}
	return n;
}

static LLVMMetadataRef map_btf(struct cg *cg, const struct cg_map_spec *s,
			       unsigned *n)
{
	LLVMMetadataRef m[5], st, expr;
	const char *name = s->name;

	*n = map_members(cg, s, m);
	st = LLVMDIBuilderCreateStructType(cg->di, cg->file, "", 0, cg->file, 0,
					   *n * 64, 64, 0, NULL, m, *n, 0, NULL,
					   "", 0);
	expr = LLVMDIBuilderCreateExpression(cg->di, NULL, 0);
	return LLVMDIBuilderCreateGlobalVariableExpression(
	    cg->di, cg->cu, name, strlen(name), name, strlen(name), cg->file, 0,
	    st, 0, expr, NULL, 64);
}

LLVMValueRef cg_map_define_spec(struct cg *cg, const struct cg_map_spec *s)
{
	LLVMTypeRef el[5], st;
	LLVMMetadataRef gve;
	LLVMValueRef g;
	unsigned n;

	if (!s->name || !*s->name || !s->max_entries) {
		cg_fail(cg, EINVAL, "Map %s needs a name and max_entries",
			s->name ? s->name : "(null)");
		return NULL;
	}
	if (cg->finalized || LLVMGetNamedGlobal(cg->mod, s->name)) {
		cg_fail(cg, EEXIST, "Cannot define map %s: %s", s->name,
			cg->finalized ? "module finalized" : "name taken");
		return NULL;
	}
	gve = map_btf(cg, s, &n);
	/* the IR type only reserves the space; BTF carries the meaning */
	for (unsigned i = 0; i < n; i++)
		el[i] = cg_ptr(cg);
	st = LLVMStructTypeInContext(cg->ctx, el, n, 0);
	g = LLVMAddGlobal(cg->mod, st, s->name);
	LLVMGlobalSetMetadata(g, LLVMGetMDKindIDInContext(cg->ctx, "dbg", 3),
			      gve);
	LLVMSetInitializer(g, LLVMConstNull(st));
	LLVMSetSection(g, ".maps");
	LLVMSetAlignment(g, 8);
	return g;
}

LLVMValueRef cg_map_define(struct cg *cg, const char *name,
			   enum bpf_map_type type, uint32_t max_entries,
			   uint32_t key_size, uint32_t value_size)
{
	struct cg_map_spec s = {
	    .name = name,
	    .type = type,
	    .max_entries = max_entries,
	    .key_size = key_size,
	    .value_size = value_size,
	};

	return cg_map_define_spec(cg, &s);
}

LLVMValueRef cg_map_get(struct cg *cg, const char *name)
{
	LLVMValueRef g = LLVMGetNamedGlobal(cg->mod, name);
	const char *sec = g ? LLVMGetSection(g) : NULL;

	return sec && !strcmp(sec, ".maps") ? g : NULL;
}

static LLVMValueRef rodata_define(struct cg *cg, const char *name,
				  LLVMTypeRef t, uint32_t bytes, unsigned align)
{
	LLVMMetadataRef gve;
	LLVMValueRef g;

	if (cg->finalized || LLVMGetNamedGlobal(cg->mod, name)) {
		cg_fail(cg, EEXIST, "Cannot define %s: %s", name,
			cg->finalized ? "module finalized" : "name taken");
		return NULL;
	}
	/* with debug info, so that BTF describes .rodata and libbpf can
	 * find the variable by name */
	gve = LLVMDIBuilderCreateGlobalVariableExpression(
	    cg->di, cg->cu, name, strlen(name), name, strlen(name), cg->file, 0,
	    cg_di_sized(cg, bytes), 0,
	    LLVMDIBuilderCreateExpression(cg->di, NULL, 0), NULL, align * 8);
	g = LLVMAddGlobal(cg->mod, t, name);
	LLVMGlobalSetMetadata(g, LLVMGetMDKindIDInContext(cg->ctx, "dbg", 3),
			      gve);
	LLVMSetInitializer(g, LLVMConstNull(t));
	LLVMSetGlobalConstant(g, 1);
	LLVMSetSection(g, ".rodata");
	LLVMSetAlignment(g, align);
	return g;
}

LLVMValueRef cg_rodata_define(struct cg *cg, const char *name, unsigned bits)
{
	return rodata_define(cg, name, cg_int(cg, bits), bits / 8, bits / 8);
}

LLVMValueRef cg_rodata_define_bytes(struct cg *cg, const char *name,
				    uint32_t size)
{
	return rodata_define(cg, name, LLVMArrayType(cg_int(cg, 8), size), size,
			     8);
}

LLVMValueRef cg_rodata_load(struct cg *cg, LLVMValueRef g, unsigned bits)
{
	LLVMValueRef v = LLVMBuildLoad2(cg->b, cg_int(cg, bits), g, "");

	/* the value is the runtime's to set: never folded to the zero the
	 * object holds */
	LLVMSetVolatile(v, 1);
	return v;
}
