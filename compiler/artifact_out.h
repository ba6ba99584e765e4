/* The compiler's side of the artifact (runtime/artifact.h): a compiled
 * program's metadata (prog_meta.h), with the compiler's types and its
 * links into the AST, turned into the runtime's program (runtime/
 * program.h) and from there into the artifact's JSON. */
#ifndef ETRACE_ARTIFACT_OUT_H
#define ETRACE_ARTIFACT_OUT_H

#include "compile.h"
#include "prog_meta.h"

/* A compiler type as the runtime sees it, in arena a (what the runtime
 * decodes: sizes, signs, fields, elements; pointers lose their target). */
struct et_type *type_to_et(struct arena *a, const struct type *t);

/* The runtime's program for m (without its object: obj stays NULL), in
 * a new arena it owns (et_program__free). NULL with errno set. */
struct et_program *artifact_program(struct compile_ctx *ctx,
				    const struct prog_meta *m);

/* The artifact's metadata for m as JSON (artifact__meta), malloc'ed;
 * NULL with errno set. */
char *artifact_meta_json(struct compile_ctx *ctx, const struct prog_meta *m);

#endif
