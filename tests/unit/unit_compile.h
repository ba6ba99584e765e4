/* Shared by the unit tests that compile whole programs from source: a
 * context per test file, run() through every pass, and expectations on
 * the printed diagnostics. Include after unit.h. */
#ifndef ETRACE_UNIT_COMPILE_H
#define ETRACE_UNIT_COMPILE_H

#include <stdio.h>

#include "compile.h"

static struct compile_ctx ctx;
static char out[16384];

/* Compiles prog (through the check pass) without kernel symbol checks;
 * returns compile_run's result and leaves the diagnostics in out. */
static inline int run(const char *prog)
{
	struct compile_opts o = { .kallsyms = "" };
	FILE *f;
	int err;

	compile_ctx_fini(&ctx);
	if (compile_ctx_init(&ctx, "t.et", prog, strlen(prog), &o))
		return -1;
	err = compile_run(&ctx, NULL, NULL);
	f = fmemopen(out, sizeof(out), "w");
	diags_print(&ctx.diags, f);
	fclose(f);
	return err;
}

static inline void expect_ok(const char *prog)
{
	int err = run(prog);

	if (err)
		fprintf(stderr, "\nunexpected failure of %s:\n%s", prog, out);
	CU_ASSERT_EQUAL(err, 0);
}

static inline void expect_err(const char *prog, const char *msg)
{
	int err = run(prog);

	if (!err || !strstr(out, msg))
		fprintf(stderr, "\n%s\nwanted '%s', got:\n%s", prog, msg, out);
	CU_ASSERT(err < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, msg));
}

#endif
