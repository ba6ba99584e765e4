/* Shared by the two halves of etrace -l: list.c (the pattern, the kernel's
 * probes, the recipes) and list_user.c (uprobes and USDT of binaries and
 * processes). */
#ifndef ETRACE_LIST_IMPL_H
#define ETRACE_LIST_IMPL_H

#include <stdio.h>

#include "compile.h"
#include "probe_kind.h"

/* Lists the kind (uprobe, uretprobe or usdt) probes that rest, the
 * pattern after "KIND:", names, to out; verbose (-lv): each uprobe's
 * parameters below it, from the binary's debug info. ctx's target_pid
 * is -p PID. Returns 0, or <0 after an error reported in ctx->diags at
 * loc. */
int list_user(struct compile_ctx *ctx, enum probe_kind kind,
	      const char *rest, struct loc loc, bool verbose, FILE *out);

#endif
