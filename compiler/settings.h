/* settings.h: bpftrace's settings, one table for both ways of giving
 * them: `config = { key = value }` in a script (pass_resolve.c) and the
 * environment (BPFTRACE_KEY, ETRACE_KEY, and the names bpftrace 0.17
 * reads, such as BPFTRACE_MAP_KEYS_MAX). Each setting has its effect (in
 * compile_opts: what the code generator reads, and opts.run, which
 * travels in the artifact to the runtime) or is refused with the reason.
 * The environment comes first, as in bpftrace: a script's config does
 * not override it, and a warning says so. */
#ifndef ETRACE_SETTINGS_H
#define ETRACE_SETTINGS_H

#include <stdio.h>

#include "compile.h"

/* Every setting the environment gives into opts. 0, or 2 (a usage
 * error) after "etrace: invalid NAME ..." on err; a refused setting is a
 * warning on err. */
int settings_from_env(struct compile_opts *opts, FILE *err);

/* One `key = value` of a config block (N_CONFIG, its value resolved)
 * into ctx->opts; errors and warnings in ctx->diags. */
void settings_apply_config(struct compile_ctx *ctx, const struct node *c);

/* Applies the script's config block once (whichever pass needs it
 * first: the probe pass, for missing_probes), after resolve(ctx, value)
 * on each value (positional parameters). */
void settings_config(struct compile_ctx *ctx,
		     void (*resolve)(struct compile_ctx *ctx, struct node *v));

/* Config unstable_NAME for feature f: enable, warn or error (bpftrace
 * 0.26's default when not given). */
enum unstable_mode settings_unstable_mode(const struct compile_opts *o,
					  enum unstable_feature f);

/* A use of unstable feature f at loc: under "error" an error (false),
 * under "warn" one warning per program (bpftrace 0.26's words). */
bool settings_unstable(struct compile_ctx *ctx, enum unstable_feature f,
		       struct loc loc);

/* bpftrace's defaults for what opts leaves at 0. */
void settings_defaults(struct compile_opts *opts);

#endif
