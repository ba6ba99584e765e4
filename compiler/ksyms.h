/* The kernel function index of a compile context (the reader is the
 * runtime's: runtime/kfuncs.h), loaded once per context. */
#ifndef ETRACE_KSYMS_H
#define ETRACE_KSYMS_H

#include <stdbool.h>
#include <stddef.h>

#include "compile.h"
#include "kfuncs.h"

/* The index for ctx, loaded on first use: opts.kallsyms when set (""
 * disables checks: NULL), else <tracefs>/available_filter_functions when
 * readable, else /proc/kallsyms. NULL when none could be read; the probe
 * pass then skips kernel function checks. Freed by
 * compile_kfuncs_free(). */
struct ksym_index *compile_kfuncs(struct compile_ctx *ctx);

#endif
