/* The type registry: named records, typedefs and enum constants, from the
 * script's preamble (libclang) first, then kernel BTF. Lookups are lazy: a
 * BTF type is converted to a struct type the first time it is named. */
#ifndef ETRACE_TYPEREG_H
#define ETRACE_TYPEREG_H

#include <stdbool.h>
#include <stdint.h>

#include "compile.h"

/* Creates ctx->types if needed. */
struct typereg *typereg_get(struct compile_ctx *ctx);

/* Preamble side (pass_preamble.c): register a definition. name includes
 * the tag: "struct foo", "union bar", "enum baz"; typedefs by bare name. */
void typereg_add_record(struct compile_ctx *ctx, struct type *rec);
void typereg_add_typedef(struct compile_ctx *ctx, const char *name,
			 struct type *t);
/* enum_name: the enum's tag ("" when anonymous) */
void typereg_add_enum_value(struct compile_ctx *ctx, const char *name,
			    int64_t value, const char *enum_name);

/* Lookups: preamble first, then BTF. NULL when unknown (no diagnostic). */
struct type *typereg_record(struct compile_ctx *ctx, const char *name);
struct type *typereg_typedef(struct compile_ctx *ctx, const char *name);
bool typereg_enum_value(struct compile_ctx *ctx, const char *name,
			int64_t *value);
/* The tag of the enum that has the constant name ("" when anonymous),
 * NULL when there is none. */
const char *typereg_enum_of(struct compile_ctx *ctx, const char *name);

/* A record ready for field access: a placeholder marked incomplete
 * (e.g. a pointee named in a tracepoint format) is replaced by the
 * registry's definition of that name, a lazy BTF record gets its fields.
 * Returns t itself (still incomplete) when nothing defines it. */
struct type *typereg_complete(struct compile_ctx *ctx, struct type *t);

/* Resolves a type as written (N_TYPESPEC: "uint32", "struct sock", a
 * typedef, with pointers and array). Reports unknown types. */
struct type *typereg_resolve(struct compile_ctx *ctx, struct node *typespec);

/* BTF side (compiler/btf.c). */
struct type *btf_to_type(struct compile_ctx *ctx, int btf_id);
struct type *btf_find_record(struct compile_ctx *ctx, const char *name);
struct type *btf_find_typedef(struct compile_ctx *ctx, const char *name);
bool btf_find_enum_value(struct compile_ctx *ctx, const char *name,
			 int64_t *value);
/* Kernel function prototype from BTF: the args record (fields named as
 * the parameters) and the return type. false when the function has no
 * BTF. */
bool btf_func_proto(struct compile_ctx *ctx, const char *func,
		    struct type **args, struct type **ret);

#endif
