/* codegen.c: the entry point of code generation. Walks the probes of the
 * typed AST, emits one BPF program per concrete attach target (a wildcard
 * expands to its matches), fills struct prog_meta, then optimizes and
 * emits the module as a BPF ELF object. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"
#include "artifact.h"
#include "artifact_out.h"
#include "builtins.h"
#include "cg_probe.h"
#include "probe.h"
#include "usdt_notes.h"

/* config perf_rb_pages: one ring buffer for every CPU */
#define RB_PAGE 4096

void gen_error(struct gen *g, struct loc loc, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = arena_vprintf(g->ctx->arena, fmt, ap);
	va_end(ap);
	diag_error(&g->ctx->diags, loc, "%s", msg);
	g->errors++;
}

void gen_loc(struct gen *g, const struct node *n)
{
	int line = 1, col = 1;

	if (n && loc_valid(n->loc)) {
		source_line_col(&g->ctx->src, n->loc.begin, &line, &col);
		g->at = n;
		if (n->kind >= N_BLOCK && n->kind <= N_JUMP)
			g->at_stmt = n;
	}
	cg_set_loc(g->cg, line, col);
}

const char *gen_section(struct gen *g, enum probe_kind kind,
			struct attach_point *ap, const char *t)
{
	return probe_provider(kind)->section(g->ctx, ap, t, g->sleepable);
}

struct type *gen_args_rec(struct gen *g)
{
	const struct probe_provider *p = probe_provider(g->kind);

	if (!g->args_known) {
		g->args_rec = p->target_args ? p->target_args(g->ctx, g->ap,
							      g->args_target)
					     : NULL;
		g->args_known = true;
	}
	return g->args_rec;
}

static struct probe_meta *new_probe(struct gen *g)
{
	struct prog_meta *p = g->prog;
	struct probe_meta *n;

	n = arena_calloc(g->ctx->arena, p->nprobes + 1, sizeof(*n));
	if (p->nprobes)
		memcpy(n, p->probes, p->nprobes * sizeof(*n));
	p->probes = n;
	return &n[p->nprobes++];
}

/* -p PID: kernel-side probes (but interval) return early for other
 * processes. The PID
 * is ET_FILTER_PID_VAR in .rodata, which the runtime sets before loading
 * (runtime/abi.h), so that a program compiled ahead of time takes -p when
 * it is run. The verifier knows the value: with none (0) it removes the
 * test's helper call as dead code; with one it compares with a constant.
 * A program compiled to run at once without -p has no test at all. */
void gen_pid_filter(struct gen *g)
{
	LLVMValueRef pid, tgid, skip;
	LLVMBasicBlockRef check, ret, go;

	gen_cgroup_filter(g);
	/* an interval is no event of a process: filtered, it would fire
	 * only when its CPU's timer caught the process running (never for
	 * one that sleeps), and interval:s:N { exit(); } would not end */
	if ((probe_provider(g->kind)->flags & PF_NO_CTX) ||
	    g->kind == PK_INTERVAL ||
	    (!g->ctx->opts.target_pid && !g->ctx->opts.ahead_of_time))
		return;
	if (!g->filter_pid)
		g->filter_pid = cg_rodata_define(g->cg, ET_FILTER_PID_VAR, 32);
	check = gen_block(g, "pid_check");
	ret = gen_block(g, "other_pid");
	go = gen_block(g, "pid_ok");
	pid = LLVMBuildZExt(g->b, cg_rodata_load(g->cg, g->filter_pid, 32),
			    cg_int(g->cg, 64), "filter_pid");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, pid,
					    cg_const(g->cg, 64, 0), "all"),
			go, check);
	LLVMPositionBuilderAtEnd(g->b, check);
	tgid = LLVMBuildLShr(g->b, cg_get_pid_tgid(g->cg),
			     cg_const(g->cg, 64, 32), "tgid");
	skip = LLVMBuildICmp(g->b, LLVMIntNE, tgid, pid, "skip");
	LLVMBuildCondBr(g->b, skip, ret, go);
	LLVMPositionBuilderAtEnd(g->b, ret);
	cg_return(g->cg, 0);
	LLVMPositionBuilderAtEnd(g->b, go);
}

static void predicate(struct gen *g, struct node *pred)
{
	LLVMBasicBlockRef ret, go;
	LLVMValueRef c;
	int mark = g->ntemps;

	if (!pred)
		return;
	gen_loc(g, pred);
	c = gen_cond(g, pred);
	gen_end_temps(g, mark);
	ret = gen_block(g, "pred_false");
	go = gen_block(g, "pred_true");
	LLVMBuildCondBr(g->b, c, go, ret);
	LLVMPositionBuilderAtEnd(g->b, ret);
	cg_return(g->cg, 0);
	LLVMPositionBuilderAtEnd(g->b, go);
}

static bool stack_or_str(struct node *n, void *arg)
{
	int *uses = arg;

	if (n->type && n->type->kind == T_STACK)
		uses[0] = 1;
	if (n->kind == N_CALL && n->u.call.func &&
	    (n->u.call.func->flags & FN_SLEEPABLE))
		uses[1] = 1;
	return true;
}

/* User probes that read strings are sleepable, unless they take stacks
 * (the kernel allows no stack trace map in sleepable programs). */
static bool user_sleepable(struct node *probe, enum probe_kind kind)
{
	int uses[2] = { 0, 0 };

	if (!(probe_provider(kind)->flags & PF_SLEEPABLE))
		return false;
	ast_walk(probe, stack_or_str, uses);
	return !uses[0] && uses[1];
}

/* g's state for the program of probe at ap for target t, and what its
 * provider says of it in its metadata g->ep. */
static void begin_program(struct gen *g, struct node *probe,
			  struct attach_point *ap, const char *t)
{
	const struct probe_provider *pp = probe_provider(ap->kind);
	const struct cg_probe *cp = cg_probe(ap->kind);
	struct probe_meta *ep = g->ep;

	g->sleepable = user_sleepable(probe, ap->kind);
	ep->section = gen_section(g, ap->kind, ap, t);
	if (t)
		ep->attach_target = t;
	else if (pp->attach_target)
		ep->attach_target = pp->attach_target(g->ctx, ap);
	g->probe = probe;
	g->ap = ap;
	g->kind = ap->kind;
	g->probe_name = probe_name(g->ctx, ap, t);
	g->args_rec = NULL;
	g->args_target = t;
	g->args_known = false;
	g->lat_saved = NULL;
	g->ctx_ptr = NULL;
	g->usdt_probe = NULL;
	if (cp->begin)
		cp->begin(g, ep, ap, t);
	g->vars = NULL;
	g->brk = g->cont = NULL;
}

/* The metadata of a new program of probe at ap for target t, and g's
 * state for it. */
static struct probe_meta *start_program(struct gen *g, struct node *probe,
					struct attach_point *ap, const char *t)
{
	struct probe_meta *ep = new_probe(g);

	g->ep = ep;
	ep->probe = probe;
	ep->ap = ap;
	ep->kind = ap->kind;
	ep->prog_name = arena_printf(g->ctx->arena, "p%d_%d",
				     probe->u.probe.index, g->nprog++);
	begin_program(g, probe, ap, t);
	return ep;
}

/* Its function begun, after the -p check. */
static int open_program(struct gen *g, struct probe_meta *ep)
{
	if (!cg_probe_begin(g->cg, ep->prog_name, ep->section)) {
		gen_error(g, g->probe->loc, "%s", cg_strerror(g->cg));
		return -EINVAL;
	}
	gen_loc(g, g->probe);
	gen_pid_filter(g);
	return 0;
}

static int gen_program(struct gen *g, struct node *probe,
		       struct attach_point *ap, const char *t)
{
	struct probe_meta *ep = start_program(g, probe, ap, t);
	int errors = g->errors;

	if (probe->u.probe.at_return)
		return gen_latency(g, ep, t);
	if (open_program(g, ep))
		return -EINVAL;
	return gen_body(g, errors);
}

struct probe_meta *gen_begin_program(struct gen *g, struct node *probe,
				     struct attach_point *ap, const char *t)
{
	struct probe_meta *ep = start_program(g, probe, ap, t);

	/* the probe's block is not in it: never sleepable */
	g->sleepable = false;
	ep->section = gen_section(g, ap->kind, ap, t);
	return open_program(g, ep) ? NULL : ep;
}

int gen_end_program(struct gen *g)
{
	cg_return(g->cg, 0);
	if (cg_probe_end(g->cg)) {
		gen_error(g, g->probe->loc, "%s", cg_strerror(g->cg));
		return -EINVAL;
	}
	return 0;
}

int gen_body(struct gen *g, int errors)
{
	struct node *probe = g->probe;

	g->span_ptr = g->span_key = NULL; /* span.open / span.key set them */
	gen_gate(g, false);
	predicate(g, probe->u.probe.pred);
	gen_gate(g, true);
	gen_block_stmts(g, probe->u.probe.body);
	cg_return(g->cg, 0);
	if (g->errors > errors)
		return -EINVAL; /* once, not again for each wildcard match */
	if (cg_probe_end(g->cg)) {
		gen_error(g, probe->loc, "%s", cg_strerror(g->cg));
		return -EINVAL;
	}
	return 0;
}

/* One program per target, or as many as its kind says (a usdt probe:
 * one per note, cg_usdt.c). */
static int gen_target(struct gen *g, struct node *p, struct attach_point *ap,
		      const char *t)
{
	const struct cg_probe *cp = cg_probe(ap->kind);
	size_t n = cp->nprograms ? cp->nprograms(g, ap, t) : 1;
	int err = 0;

	if (!n)
		return -EINVAL;
	for (g->prog_index = 0; g->prog_index < n && !err; g->prog_index++)
		err = gen_program(g, p, ap, t);
	g->prog_index = 0;
	if (!err && cp->after)
		err = cp->after(g, p, ap, t);
	return err;
}

static int gen_probes(struct gen *g)
{
	struct node *p, *a;
	int err = 0;

	for (p = g->ctx->ast->u.program.probes; p && !err; p = p->next) {
		for (a = p->u.probe.attach; a && !err; a = a->next) {
			struct attach_point *ap = a->u.attach.ap;

			/* a target the probe pass found missing (and only
			 * warned about: the probe has others) gets no
			 * program, as bpftrace skips it */
			if (!ap || !ap->exists)
				continue;
			if (ap->wildcard && ap->nmatches)
				for (int i = 0; i < ap->nmatches && !err; i++)
					err = gen_target(g, p, ap,
							 ap->matches[i]);
			else
				err = gen_target(g, p, ap, NULL);
		}
	}
	return err ? err : (g->errors ? -EINVAL : 0);
}

/* Span blocks send a record of some 250 bytes per completed span: a
 * program with any has 4 MiB of ring buffer unless perf_rb_pages says
 * otherwise, so that 100k spans/s survive 40 ms of etrace not being
 * scheduled (tests/bench/spans.sh). */
#define SPAN_RB_PAGES 1024

static void define_globals(struct gen *g)
{
	const struct compile_opts *o = &g->ctx->opts;
	uint32_t pages = o->perf_rb_pages;
	struct cg_map_spec rb = {
	    .name = ET_RINGBUF_MAP,
	    .type = BPF_MAP_TYPE_RINGBUF,
	};

	if (g->ctx->nspans && !o->perf_rb_pages_set && pages < SPAN_RB_PAGES)
		pages = SPAN_RB_PAGES;
	rb.max_entries = pages * RB_PAGE;

	g->ringbuf = cg_map_define_spec(g->cg, &rb);
	g->lost = cg_map_define(g->cg, ET_LOST_MAP, BPF_MAP_TYPE_PERCPU_ARRAY,
				ET_LOST_N, 4, 8);
	g->state = cg_map_define(g->cg, ET_STATE_MAP, BPF_MAP_TYPE_ARRAY, 1,
				 4, sizeof(struct et_state));
	g->prog->ringbuf_size = rb.max_entries;
}

/* Writes the IR to path (--emit-llvm); reports a failure naming it. */
static int write_ir(struct gen *g, const char *path)
{
	FILE *f = fopen(path, "w");
	int err = f ? cg_print_ir(g->cg, f) : -errno;

	if (f && fclose(f) && !err)
		err = -errno;
	if (err)
		gen_error(g, LOC_NONE, "Cannot write the LLVM IR to %s: %s",
			  path, strerror(-err));
	return err;
}

/* The object (or the artifact, the object with its metadata section) to
 * path (--emit-elf). */
static int write_obj(struct gen *g, const char *path, const void *obj,
		     size_t len)
{
	FILE *f = fopen(path, "wb");
	int err = 0;

	if (!f || fwrite(obj, 1, len, f) != len)
		err = -errno;
	if (f && fclose(f) && !err)
		err = -errno;
	if (err)
		gen_error(g, LOC_NONE, "Cannot write the BPF object to %s: %s",
			  path, strerror(-err));
	return err;
}

static bool cache_on(const struct codegen_opts *o)
{
	return o->cache && o->cache->dirfd >= 0 && !o->no_opt && !o->ir &&
	       !o->llvm_out;
}

/* The object cache's key: who compiles (etrace build, LLVM, target
 * machine) and what (the unoptimized module, and the metadata the
 * artifact will carry: formats, types, the script). malloc'ed, or NULL. */
static void *cache_key(struct gen *g, struct objcache *c, const char *meta,
		       size_t *len)
{
	char id[512];
	size_t n, mlen = strlen(meta) + 1;
	void *bc = NULL, *key = NULL;
	size_t bclen = 0;
	int err = objcache_self_id(id, sizeof(id));

	n = strlen(id);
	if (!err)
		err = cg_target_id(g->cg, id + n, sizeof(id) - n);
	if (!err)
		err = cg_bitcode(g->cg, &bc, &bclen);
	n = strlen(id) + 1; /* the NUL ends the text part */
	if (!err && !(key = malloc(n + mlen + bclen)))
		err = -ENOMEM;
	if (err) {
		snprintf(c->note, sizeof(c->note), "BPF object cache "
			 "skipped: no key: %s", strerror(-err));
	} else {
		memcpy(key, id, n);
		memcpy((char *)key + n, meta, mlen);
		memcpy((char *)key + n + mlen, bc, bclen);
		*len = n + mlen + bclen;
	}
	free(bc);
	return key;
}

/* O2 (unless no_opt), -d ir, the object; a compile error reported. */
static int compile_obj(struct gen *g, const struct codegen_opts *o)
{
	struct cg *cg = g->cg;
	int err = o->no_opt ? cg_lower(cg) : cg_optimize(cg);

	if (!err && o->ir)
		err = cg_print_ir(cg, o->ir);
	if (!err)
		err = cg_emit(cg, &g->prog->obj, &g->prog->obj_len);
	if (err)
		gen_error(g, LOC_NONE, "Code generation failed: %s",
			  *cg_strerror(cg) ? cg_strerror(cg) : strerror(-err));
	return err;
}

/* --emit-llvm (have_ir: the module was compiled here, not cached) and
 * --emit-elf: obj, the object or the artifact. */
static int write_debug_outputs(struct gen *g, const struct codegen_opts *o,
			       bool have_ir, const void *obj, size_t len)
{
	int err = 0;

	if (o->llvm_out && have_ir && (err = write_ir(g, o->llvm_out)))
		return err;
	if (o->elf_out)
		err = write_obj(g, o->elf_out, obj, len);
	return err;
}

/* The artifact of the generated module and its metadata: from the
 * cache, or compiled, built and stored. */
static int finish_artifact(struct gen *g, const struct codegen_opts *o,
			   void **art, size_t *art_len)
{
	char *meta = artifact_meta_json(g->ctx, g->prog);
	void *key = NULL;
	size_t keylen = 0;
	int err;

	if (!meta) {
		gen_error(g, LOC_NONE, "Cannot write the program's metadata: %s",
			  strerror(errno));
		return -ENOMEM;
	}
	if (cache_on(o))
		key = cache_key(g, o->cache, meta, &keylen);
	if (key && !objcache_lookup(o->cache, key, keylen, art, art_len)) {
		err = 0;
		goto out;
	}
	err = compile_obj(g, o);
	if (!err)
		err = artifact__build(g->prog->obj, g->prog->obj_len, meta,
				      art, art_len);
	if (err == -EINVAL)
		gen_error(g, LOC_NONE, "LLVM emitted an object etrace cannot "
			  "extend with its metadata");
	if (!err && key)
		objcache_store(o->cache, key, keylen, *art, *art_len);
out:
	free(key);
	free(meta);
	if (!err)
		err = write_debug_outputs(g, o, !!g->prog->obj, *art, *art_len);
	return err;
}

static int finish(struct gen *g, const struct codegen_opts *o)
{
	int err = compile_obj(g, o);

	return err ? err : write_debug_outputs(g, o, true, g->prog->obj,
					       g->prog->obj_len);
}

/* config max_bpf_progs: bpftrace's bound on the BPF programs a script
 * makes (a return probe is one more). */
static int check_progs(struct gen *g)
{
	uint32_t max = g->ctx->opts.max_bpf_progs;
	int n = 0;

	for (int i = 0; i < g->prog->nprobes; i++)
		n += 1 + (g->prog->probes[i].ret_prog_name != NULL);
	if ((uint32_t)n <= max)
		return 0;
	gen_error(g, LOC_NONE, "The program makes %d BPF programs, more than "
		  "max_bpf_progs (%u): raise it with config max_bpf_progs", n,
		  max);
	return -E2BIG;
}

/* The typed AST to IR and metadata in g (g->cg made, g->prog zeroed). */
static int generate(struct gen *g, const struct codegen_opts *opts)
{
	int err;

	if (!g->ctx->ast)
		return -EINVAL;
	g->cg = cg__new(g->ctx->src.name ? g->ctx->src.name : "stdin");
	if (!g->cg) {
		gen_error(g, LOC_NONE, "Cannot create the BPF code generator");
		return -ENOMEM;
	}
	if (g->ctx->opts.license)
		cg_set_license(g->cg, g->ctx->opts.license);
	g->b = cg_builder(g->cg);
	gen_helper_checks(g, opts ? opts->helper_checks : 0,
			  !opts || !opts->no_drop_counts);
	define_globals(g);
	gen_define_maps(g);
	err = gen_probes(g);
	gen_kstruct_finish(g);
	if (!err)
		err = check_progs(g);
	if (!err)
		err = gen_gate_finish(g);
	return err ? err : gen_drops_finish(g);
}

int codegen_ex(struct compile_ctx *ctx, struct prog_meta *out,
	       const struct codegen_opts *opts)
{
	static const struct codegen_opts none;
	struct gen g = {.ctx = ctx, .prog = out};
	int err;

	memset(out, 0, sizeof(*out));
	err = generate(&g, opts);
	if (!err)
		err = finish(&g, opts ? opts : &none);
	cg__free(g.cg);
	usdt_notes__free(g.usdt);
	if (err) {
		prog_meta_free(out);
		return err < 0 ? err : -EINVAL;
	}
	return 0;
}

int codegen(struct compile_ctx *ctx, struct prog_meta *out)
{
	return codegen_ex(ctx, out, NULL);
}

int codegen_artifact(struct compile_ctx *ctx, const struct codegen_opts *opts,
		     void **art, size_t *len)
{
	static const struct codegen_opts none;
	struct prog_meta meta = { 0 };
	struct gen g = {.ctx = ctx, .prog = &meta};
	int err;

	*art = NULL;
	*len = 0;
	err = generate(&g, opts);
	if (!err)
		err = finish_artifact(&g, opts ? opts : &none, art, len);
	cg__free(g.cg);
	usdt_notes__free(g.usdt);
	prog_meta_free(&meta);
	if (err) {
		free(*art);
		*art = NULL;
		return err < 0 ? err : -EINVAL;
	}
	return 0;
}
