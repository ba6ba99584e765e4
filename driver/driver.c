/* Running a program from the command line: read it (-e, FILE, stdin or an
 * embedded stdlib recipe), apply ETRACE_* settings, compile it through the
 * passes and the code generator into an artifact, print diagnostics,
 * honour -d (a pass, or "ir"), --dry-run and --compile-only, then read the
 * artifact back and hand it to the runtime (run.h). A FILE that is an
 * artifact already (etrace prog.eto) goes to the runtime directly. */
#include "driver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "artifact.h"
#include "codegen.h"
#include "compile.h"
#include "objcache.h"
#include "recipes.h"
#include "run.h"
#include "run_cli.h"
#include "settings.h"
#include "sign.h"

/* -d ir: the optimized LLVM IR of the code generator. */
#define STAGE_IR "ir"

/* The program text and the name diagnostics print for it. */
struct program {
	const char *name;
	const char *text;
	size_t len;
	char *owned;   /* malloc'ed text, or NULL */
};

static int read_fd(int fd, char **out, size_t *outlen)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len + 1 >= cap) {
			nb = realloc(buf, cap * 2);
			if (!nb)
				goto nomem;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
nomem:
	free(buf);
	return -ENOMEM;
}

static int read_path(const char *path, char **out, size_t *len)
{
	struct stat st;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return -EISDIR;
	}
	err = read_fd(fd, out, len);
	close(fd);
	return err;
}

/* A bare name that is no file may be a recipe: `etrace opensnoop`. */
static int load_script(const char *script, struct program *p)
{
	static char name[300];
	const struct et_recipe *r;
	int err;

	if (!strcmp(script, "-")) {
		p->name = "stdin";
		return read_fd(STDIN_FILENO, &p->owned, &p->len);
	}
	p->name = script;
	err = read_path(script, &p->owned, &p->len);
	if (strchr(script, '/'))
		return err;
	/* `etrace gogrpc ./gogrpc` in the folder of the traced binary: a
	 * program that is no artifact cannot be a script, the recipe is meant */
	if (!err && artifact__is_elf(p->owned, p->len) &&
	    !artifact__has_meta(p->owned, p->len) && et_recipe_find(script)) {
		free(p->owned);
		p->owned = NULL;
		err = -ENOENT;
	}
	if (err != -ENOENT)
		return err;
	r = et_recipe_find(script);
	if (!r)
		return err;
	snprintf(name, sizeof(name), "stdlib/%s.et", r->name);
	p->name = name;
	p->text = r->text;
	p->len = r->len;
	return 0;
}

static int load_program(const struct cli *cli, struct program *p)
{
	int err;

	memset(p, 0, sizeof(*p));
	if (cli->prog) {
		p->name = "stdin";
		p->text = cli->prog;
		p->len = strlen(cli->prog);
		return 0;
	}
	err = load_script(cli->script, p);
	if (err) {
		fprintf(stderr, "etrace: cannot read '%s': %s%s\n",
			cli->script, strerror(-err),
			err == -ENOENT && !strchr(cli->script, '/') ?
			" (and no stdlib recipe has that name; "
			"etrace -l 'stdlib:*' lists them)" : "");
		return 1;
	}
	if (p->owned)
		p->text = p->owned;
	return 0;
}

int et_env_opts(struct compile_opts *opts)
{
	const char *s;

	s = getenv("ETRACE_BTF");
	if (s)
		opts->btf_path = s;
	s = getenv("ETRACE_TRACEFS");
	if (s && *s)
		opts->tracefs = s;
	s = getenv("ETRACE_KALLSYMS");
	if (s)
		opts->kallsyms = s;
	return settings_from_env(opts, stderr);
}

/* -d STAGE must name a pass of compile_passes. */
static int check_stage(const char *stage)
{
	char msg[256];
	size_t n;

	if (!stage || !strcmp(stage, STAGE_IR))
		return 0;
	for (int i = 0; i < compile_npasses; i++)
		if (!strcmp(compile_passes[i].name, stage))
			return 0;
	n = (size_t)snprintf(msg, sizeof(msg),
			     "unknown stage '%s' for -d: expected", stage);
	for (int i = 0; i < compile_npasses && n < sizeof(msg); i++)
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s %s",
				      i == 0 ? "" :
				      ",", compile_passes[i].name);
	if (n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, " or %s", STAGE_IR);
	return cli_usage_error(msg);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void report_stats(const struct compile_ctx *ctx, double ms)
{
	fprintf(stderr, "etrace: %s: %d probe%s, %d map%s, %d error%s, "
		"%d warning%s; compiled in %.2f ms using %zu KiB\n",
		ctx->src.name, ctx->nprobes, ctx->nprobes == 1 ? "" : "s",
		ctx->nmaps, ctx->nmaps == 1 ? "" : "s",
		ctx->diags.nerrors, ctx->diags.nerrors == 1 ? "" : "s",
		ctx->diags.nwarnings, ctx->diags.nwarnings == 1 ? "" : "s",
		ms, arena_used(ctx->arena) / 1024);
}

static void fill_opts(const struct cli *cli, struct compile_opts *opts)
{
	opts->unsafe = cli->unsafe;
	opts->params = cli->params;
	opts->nparams = cli->nparams;
	opts->include_dirs = cli->include_dirs;
	opts->ninclude_dirs = cli->ninclude_dirs;
	opts->include_files = cli->include_files;
	opts->ninclude_files = cli->ninclude_files;
	/* ahead of time, -c is the run's: cpid checked when it runs */
	opts->has_child = cli->cmd != NULL || cli->compile_only;
	opts->child_cmd = cli->cmd;
	opts->target_pid = (int)cli->pid;
	opts->ahead_of_time = cli->compile_only;
	/* the probes get the guard's gate (config max_overhead too) */
	if (cli->max_overhead)
		opts->run.max_overhead = cli->max_overhead;
	opts->cgroup_filter = cli->container || cli->cgroup;
}

/* The object cache for this run, or why there is none (for -v): -d ir
 * and --emit-llvm need the compiler's own output, --dry-run loads
 * nothing (so gains nothing). */
static void open_cache(const struct cli *cli, struct objcache *c)
{
	if (cli->no_cache)
		objcache_init_off(c, "--no-cache");
	else if (cli->dry_run)
		objcache_init_off(c, "--dry-run");
	else if (cli->dump_stage)
		objcache_init_off(c, "-d");
	else if (cli->emit_llvm)
		objcache_init_off(c, "--emit-llvm");
	else
		objcache__open(c, NULL);
}

/* Tracepoints whose perf events are opened while the program compiles
 * (a wildcard can match hundreds: the rest are opened when attached). */
#define PREOPEN_MAX 256

/* The tracepoints of ctx's probes, as "cat:name" in the arena. */
static int tracepoint_names(struct compile_ctx *ctx, const char **names,
			    int max)
{
	struct node *p, *a;
	struct attach_point *ap;
	int n = 0;

	for (p = ctx->ast->u.program.probes; p; p = p->next) {
		for (a = p->u.probe.attach; a; a = a->next) {
			ap = a->u.attach.ap;
			if (!ap || !ap->exists || ap->kind != PK_TRACEPOINT)
				continue;
			if (!ap->wildcard && n < max)
				names[n++] = arena_printf(ctx->arena, "%s:%s",
							  ap->target, ap->func);
			for (int i = 0; ap->wildcard && i < ap->nmatches &&
					n < max; i++)
				names[n++] = ap->matches[i];
		}
	}
	return n;
}

/* The kernel opens the perf events of the tracepoints while LLVM runs. */
static void prepare_run(struct compile_ctx *ctx)
{
	const char *names[PREOPEN_MAX];

	if (ctx->ast)
		run_prepare(names, tracepoint_names(ctx, names, PREOPEN_MAX));
}

/* --compile-only: the artifact to -o FILE. */
static int write_artifact(const struct cli *cli, const void *art,
			  size_t len)
{
	FILE *f = fopen(cli->output, "we");

	if (!f || fwrite(art, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "etrace: cannot write '%s': %s\n",
			cli->output, strerror(errno));
		if (f)
			fclose(f);
		return 1;
	}
	return 0;
}

/* --sign KEY.pem: the artifact with its signature trailer (sign.h). */
static int sign_artifact(const struct cli *cli, void **art, size_t *len)
{
	void *signed_art;
	size_t n;
	char err[512];

	if (sign__artifact(*art, *len, cli->sign_key, &signed_art, &n, err,
			   sizeof(err))) {
		fprintf(stderr, "etrace: cannot sign '%s': %s\n", cli->output,
			err);
		return 1;
	}
	free(*art);
	*art = signed_art;
	*len = n;
	return 0;
}

/* Code generation (and for -d ir its dump), then, unless --dry-run, the
 * artifact written (--compile-only) or run. Diagnostics of the whole
 * compilation are printed here, once. Returns the exit status. */
static int back_end(const struct cli *cli, struct compile_ctx *ctx,
		    FILE *out)
{
	bool ir = cli->dump_stage && !strcmp(cli->dump_stage, STAGE_IR);
	bool run = !ir && !cli->dry_run && !cli->compile_only;
	struct codegen_opts cg = {
		.ir = ir ? out : NULL,
		.llvm_out = cli->emit_llvm,
		.elf_out = cli->emit_elf,
		.helper_checks = cli->helper_checks,
	};
	struct objcache cache;
	double t0 = now_ms();
	void *art = NULL;
	size_t len = 0;
	int rc;

	open_cache(cli, &cache);
	cg.cache = &cache;
	if (run)
		prepare_run(ctx);
	rc = codegen_artifact(ctx, &cg, &art, &len) ? 1 : 0;
	objcache__close(&cache);
	fflush(out);
	diags_print(&ctx->diags, stderr);
	if (cli->verbose && !cli->quiet)
		fprintf(stderr, "etrace: BPF code generated in %.2f ms, "
			"%zu bytes of artifact\netrace: %s\n", now_ms() - t0,
			len, cache.note);
	if (!rc && cli->compile_only && cli->sign_key)
		rc = sign_artifact(cli, &art, &len);
	if (!rc && cli->compile_only)
		rc = write_artifact(cli, art, len);
	else if (!rc && run)
		rc = run_cli_artifact(cli, art, len, true, out);
	if (!run)
		run_unprepare();
	free(art);
	return rc;
}

/* Compiles p; returns the exit status. */
static int compile_program(const struct cli *cli, struct program *p,
			   struct compile_opts *opts, FILE *out)
{
	struct compile_ctx ctx;
	double t0 = now_ms();
	int err, rc;
	bool ir;

	err = compile_ctx_init(&ctx, p->name, p->text, p->len, opts);
	if (err) {
		fprintf(stderr, "etrace: %s: %s\n", p->name, strerror(-err));
		return 1;
	}
	ir = cli->dump_stage && !strcmp(cli->dump_stage, STAGE_IR);
	err = compile_run(&ctx, ir ? NULL : cli->dump_stage, out);
	fflush(out);
	if (err || (cli->dump_stage && !ir))
		diags_print(&ctx.diags, stderr);
	if (cli->verbose && !cli->quiet)
		report_stats(&ctx, now_ms() - t0);
	rc = err ? 1 : 0;
	if (!rc && (!cli->dump_stage || ir))
		rc = back_end(cli, &ctx, out);
	compile_ctx_fini(&ctx);
	return rc;
}

/* etrace prog.eto: what --compile-only wrote, run without compiling. */
static int run_compiled(const struct cli *cli, struct program *p)
{
	const char *why = cli->compile_only ? "--compile-only" :
			  cli->dump_stage ? "-d" : cli->emit_llvm ?
			  "--emit-llvm" : cli->emit_elf ? "--emit-elf" : NULL;
	struct et_program *prog;
	char err[512];
	size_t len;

	if (why) {
		fprintf(stderr, "etrace: %s needs a script: %s is a compiled "
			"program\n", why, p->name);
		return 2;
	}
	if (!cli->dry_run)
		return run_cli_artifact(cli, p->text, p->len, false, NULL);
	if (run_cli_body(cli, p->name, p->text, p->len, &len))
		return 1;
	if (artifact__read(p->text, len, &prog, err, sizeof(err))) {
		fprintf(stderr, "etrace: %s: %s\n", p->name, err);
		return 1;
	}
	et_program__free(prog);
	return 0;
}

int et_run(const struct cli *cli)
{
	struct compile_opts opts = { 0 };
	struct program p;
	FILE *out;
	int rc;

	rc = check_stage(cli->dump_stage);
	if (rc)
		return rc;
	rc = et_env_opts(&opts);
	if (rc)
		return rc;
	fill_opts(cli, &opts);
	rc = load_program(cli, &p);
	if (rc)
		return rc;
	if (p.owned && artifact__is_elf(p.text, p.len)) {
		rc = run_compiled(cli, &p);
		free(p.owned);
		return rc;
	}
	rc = run_cli_check_pid(cli);
	out = rc ? NULL : cli->compile_only ? stdout :
	      run_cli_open_output(cli);
	if (!out) {
		free(p.owned);
		return 1;
	}
	rc = compile_program(cli, &p, &opts, out);
	if (out != stdout)
		rc = run_cli_close_output(out, rc);
	free(p.owned);
	return rc;
}
