/* uprobe:binary:func[+offset], uprobe:binary:address and
 * uprobe:binary:lang:func (lang: cpp): a user function entry. Resolving
 * finds the binary, then the function in its symbol tables (elf_syms.h):
 * by name, by demangled name (C++, Rust), by wildcard (ap->matches: the
 * symbol names, one per address), or by address (rewritten to the
 * containing function + offset, which is what attaching takes). It also
 * marks the functions of Go binaries (ap->go, go_abi.h). */
#include "probe_impl.h"

#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "dwarf_reader.h"

#include "elf_syms.h"
#include "go_abi.h"

static const char *const langs[] = { "cpp" };

static int uprobe_lang(struct compile_ctx *ctx, struct attach_point *ap,
		       const char *lang)
{
	for (size_t i = 0; i < sizeof(langs) / sizeof(*langs); i++) {
		if (!strcmp(lang, langs[i])) {
			ap->lang = langs[i];
			return 0;
		}
	}
	diag_error(&ctx->diags, ap->loc,
		   "Unsupported language '%s' in %s probe: expected cpp", lang,
		   probe_kind_name(ap->kind));
	return -EINVAL;
}

static bool is_lang(const char *s)
{
	for (size_t i = 0; i < sizeof(langs) / sizeof(*langs); i++)
		if (!strcmp(s, langs[i]))
			return true;
	return false;
}

static bool decimal(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The line (and column) of a statement probe: 1 or 2 decimal fields. */
static bool line_fields(char **parts, int n)
{
	return (n == 1 || n == 2) && decimal(parts[0]) &&
	       (n == 1 || decimal(parts[1]));
}

/* uprobe:BIN@FILE:LINE[:COL] (bpftrace 0.26) or uprobe:BIN:FILE:LINE[:COL]:
 * a statement probe? The '@' spelling unless BIN@FILE is itself a file;
 * the ':' spelling when FILE is not a language (uprobe:BIN:cpp:FUNC). */
static bool is_statement(char **parts, int nparts, int *file_part)
{
	const char *at = strrchr(parts[0], '@');

	if (at && line_fields(parts + 1, nparts - 1) &&
	    access(parts[0], F_OK)) {
		*file_part = 0;
		return true;
	}
	if (nparts >= 3 && !is_lang(parts[1]) &&
	    line_fields(parts + 2, nparts - 2)) {
		*file_part = 1;
		return true;
	}
	return false;
}

static int parse_statement(struct compile_ctx *ctx, struct attach_point *ap,
			   char **parts, int nparts, int file_part)
{
	const char *kind = probe_kind_name(ap->kind);
	char *at = file_part ? NULL : strrchr(parts[0], '@');
	char **lines = parts + file_part + 1;

	if (ap->kind != PK_UPROBE) {
		diag_error(&ctx->diags, ap->loc,
			   "%s cannot be attached to a source line: "
			   "only a uprobe can", kind);
		return -EINVAL;
	}
	if (at)
		*at = '\0';
	ap->target = parts[0];
	ap->src_file = at ? at + 1 : parts[1];
	if (!*ap->target) {
		diag_error(&ctx->diags, ap->loc,
			   "%s probe must have a target binary", kind);
		return -EINVAL;
	}
	if (!*ap->src_file) {
		diag_error(&ctx->diags, ap->loc,
			   "A statement probe must name its source "
			   "file: uprobe:BIN@FILE:LINE[:COL]");
		return -EINVAL;
	}
	if (probe_has_wildcard(ap->target) ||
	    probe_has_wildcard(ap->src_file)) {
		diag_error(&ctx->diags, ap->loc,
			   "Cannot use wildcards with a source code "
			   "location");
		return -EINVAL;
	}
	ap->src_line = (unsigned)strtoul(lines[0], NULL, 10);
	ap->src_col =
	    nparts - file_part == 3 ? (unsigned)strtoul(lines[1], NULL, 10) : 0;
	if (!ap->src_line) {
		diag_error(&ctx->diags, ap->loc,
			   "Invalid line number 0: lines are numbered "
			   "from 1");
		return -EINVAL;
	}
	return 0;
}

int probe_uprobe_parse_common(struct compile_ctx *ctx,
			      struct attach_point *ap, char **parts,
			      int nparts, bool allow_offset)
{
	const char *kind = probe_kind_name(ap->kind);
	const char *spec = parts[nparts - 1];
	uint64_t addr;
	int file_part;

	if (nparts >= 2 && is_statement(parts, nparts, &file_part))
		return parse_statement(ctx, ap, parts, nparts, file_part);
	if (probe_nargs(ctx, ap, nparts, 2, 3) < 0)
		return -EINVAL;
	if (!*parts[0]) {
		diag_error(&ctx->diags, ap->loc,
			   "%s probe must have a target binary", kind);
		return -EINVAL;
	}
	ap->target = parts[0];
	if (nparts == 3 && uprobe_lang(ctx, ap, parts[1]) < 0)
		return -EINVAL;
	if (!*spec) {
		diag_error(&ctx->diags, ap->loc,
			   "%s probe must be attached to a function or an address",
			   kind);
		return -EINVAL;
	}
	if (!ap->lang && probe_parse_u64(spec, &addr) == 0) {
		ap->address = addr;
		ap->has_address = true;
	} else if (probe_func_offset(ctx, ap, spec, allow_offset) < 0) {
		return -EINVAL;
	}
	ap->wildcard = probe_has_wildcard(ap->target) ||
		       probe_has_wildcard(ap->func);
	return 0;
}

/* ---- resolving against the binary's symbols ---- */

static const char *kind_name(const struct attach_point *ap)
{
	return probe_kind_name(ap->kind);
}

/* For a file without a .symtab of its own, the symbol sources tried
 * (elf_syms__sources): " (tried .symtab: none, .dynsym, build-id debug
 * file: none in /usr/lib/debug, ...)". */
static const char *sources_note(struct compile_ctx *ctx, struct elf_syms *es)
{
	const char *s = elf_syms__sources(es);

	if (!strcmp(s, ".symtab, .dynsym"))
		return "";
	return arena_printf(ctx->arena, " (tried %s)", s);
}

static bool uses_latency(struct node *n, void *arg)
{
	bool *found = arg;

	if (n->kind == N_IDENT && (!strcmp(n->u.ident.name, "elapsed") ||
				   !strcmp(n->u.ident.name, "retval")))
		*found = true;
	return !*found;
}

struct node *probe_of_ap(struct compile_ctx *ctx,
			 const struct attach_point *ap)
{
	for (struct node *p = ctx->ast ? ctx->ast->u.program.probes : NULL;
	     p; p = p->next)
		for (struct node *a = p->u.probe.attach; a; a = a->next)
			if (a->u.attach.ap == ap)
				return p;
	return NULL;
}

/* Does the probe holding ap use elapsed or retval (the latency form of
 * SPEC 3.2, which returns through a uretprobe)? */
static bool probe_of_ap_uses_latency(struct compile_ctx *ctx,
				     const struct attach_point *ap)
{
	struct node *p = probe_of_ap(ctx, ap);
	bool found = false;

	if (p && p->u.probe.pred)
		ast_walk(p->u.probe.pred, uses_latency, &found);
	if (p && !found && p->u.probe.body)
		ast_walk(p->u.probe.body, uses_latency, &found);
	return found;
}

/* A function of a Go binary: its arguments by Go's ABI, its returns
 * through uprobes on its RET instructions (compiler/codegen/cg_go.c),
 * never a uretprobe, which rewrites the return address on the stack
 * that Go copies when it grows. What needs g from R14 (latency keyed
 * by goroutine) or results in registers needs Go >= 1.17. */
static int check_go(struct compile_ctx *ctx, struct attach_point *ap,
		    struct elf_syms *es)
{
	if (!elf_syms__is_go(es))
		return 0;
	ap->go = true;
	ap->go_regabi = go_abi_regabi(ap->target);
	if (ap->go_regabi)
		return 0;
	if (ap->kind == PK_URETPROBE) {
		diag_error(&ctx->diags, ap->loc,
			   "Cannot use uretprobe on %s: it was built by Go "
			   "before 1.17, whose results are on the stack "
			   "where etrace does not look for them", ap->target);
		return -EINVAL;
	}
	if (probe_of_ap_uses_latency(ctx, ap)) {
		diag_error(&ctx->diags, ap->loc,
			   "Cannot measure the latency of a function of %s: "
			   "it was built by Go before 1.17, which keeps the "
			   "goroutine in thread-local storage only, where "
			   "etrace does not read it", ap->target);
		return -EINVAL;
	}
	return 0;
}

struct match_state {
	struct compile_ctx *ctx;
	struct attach_point *ap;
	uint64_t last_addr;
	const struct elf_sym *first;
};

/* Aliases share an address: attach once, under the first name. */
static int add_match(const struct elf_sym *sym, void *arg)
{
	struct match_state *m = arg;

	if (m->first && sym->addr == m->last_addr)
		return 0;
	if (!m->first)
		m->first = sym;
	m->last_addr = sym->addr;
	probe_add_match(m->ctx, m->ap, sym->name);
	return 0;
}

static int check_offset(struct compile_ctx *ctx, struct attach_point *ap,
			const struct elf_sym *sym)
{
	if (!ap->has_offset || !sym->size || ap->offset < sym->size)
		return 0;
	diag_error(&ctx->diags, ap->loc,
		   "Offset %" PRIu64 " is outside function '%s' of %s (its "
		   "size is %" PRIu64 ")", ap->offset, ap->func, ap->target,
		   sym->size);
	return -EINVAL;
}

/* uprobe:bin:0x1234: the function holding the address, + offset. */
static int resolve_address(struct compile_ctx *ctx, struct attach_point *ap,
			   struct elf_syms *es)
{
	const struct elf_sym *sym = elf_syms__lookup(es, ap->address);

	if (!sym) {
		diag_error(&ctx->diags, ap->loc,
			   "Could not resolve address: %s:0x%" PRIx64 " (%s)",
			   ap->target, ap->address, elf_syms__stripped(es) ?
			   "the file has no symbol table: stripped" :
			   "no function there");
		return -EINVAL;
	}
	if (ap->kind == PK_URETPROBE && sym->addr != ap->address) {
		diag_error(&ctx->diags, ap->loc,
			   "uretprobe address 0x%" PRIx64 " is not the start "
			   "of a function (it is %s+%" PRIu64 ")", ap->address,
			   sym->name, ap->address - sym->addr);
		return -EINVAL;
	}
	ap->func = arena_strdup(ctx->arena, sym->name);
	ap->offset = ap->address - sym->addr;
	ap->has_offset = ap->offset != 0;
	ap->has_address = false;
	return 0;
}

/* A probe with several attach points survives a missing one (bpftrace's
 * tools list functions that only some builds have): the probe pass then
 * warns, or fails when none exists; so does any missing one under
 * config missing_probes = warn or ignore. Alone, the function's absence
 * is an error that names the binary. Returns 0 or -EINVAL. */
static int report_no_symbol(struct compile_ctx *ctx,
			    struct attach_point *ap, struct elf_syms *es)
{
	const char *what = ap->lang ? "C++ function" : "symbol";
	struct node *p = probe_of_ap(ctx, ap);

	if ((p && p->u.probe.attach && p->u.probe.attach->next) ||
	    ctx->opts.missing_probes == MP_WARN ||
	    ctx->opts.missing_probes == MP_IGNORE) {
		ap->exists = false;
		return 0;
	}
	if (ap->wildcard)
		diag_error(&ctx->diags, ap->loc, "No %s matches '%s' in %s%s",
			   what, ap->func, ap->target, sources_note(ctx, es));
	else
		diag_error(&ctx->diags, ap->loc, "No %s '%s' in %s%s", what,
			   ap->func, ap->target, sources_note(ctx, es));
	return -EINVAL;
}

/* By name: the plain symbol first, then demangled names; a demangled
 * name without parameters may name several overloads, which then become
 * matches like a wildcard's. -ENOENT (not reported) when nothing
 * matches. */
static int resolve_name(struct compile_ctx *ctx, struct attach_point *ap,
			struct elf_syms *es)
{
	struct match_state m = { .ctx = ctx, .ap = ap };
	const struct elf_sym *sym = ap->lang || ap->wildcard ? NULL :
				    elf_syms__find(es, ap->func);

	if (sym)
		return check_offset(ctx, ap, sym);
	if (elf_syms__match(es, ap->func, ap->wildcard, ap->lang != NULL,
			    add_match, &m) < 0)
		return -ENOMEM;
	if (!ap->nmatches)
		return -ENOENT;
	if (ap->wildcard || ap->nmatches > 1) {
		ap->wildcard = true;  /* attach every match */
		return 0;
	}
	/* one function by its demangled name: attach by its real name */
	ap->func = ap->matches[0];
	ap->matches = NULL;
	ap->nmatches = 0;
	return check_offset(ctx, ap, m.first);
}

/* A statement probe: the line's addresses through the line table, each
 * as function + offset; the first is ap, the others chained on
 * ap->more. */
static int resolve_statement(struct compile_ctx *ctx, struct attach_point *ap,
			     struct elf_syms *es)
{
	struct dwarf_file *df = dwarf_open(ctx, ap->target);
	struct dwarf_stmt_addr *addrs;
	struct attach_point *prev = ap;
	const char *why = NULL;
	int n;

	if (!df) {
		diag_error(&ctx->diags, ap->loc,
			   "No DWARF debug info found for %s (%s), "
			   "cannot attach by source code location",
			   ap->target,
			   errno == ENODATA ? "built without -g?"
					    : strerror(errno));
		return -EINVAL;
	}
	n = dwarf_stmt_addrs(df, ap->src_file, ap->src_line, ap->src_col,
			     &addrs, &why);
	if (n == -ENOMEM) {
		diag_error(&ctx->diags, ap->loc, "out of memory");
		return n;
	}
	if (n < 0) {
		diag_error(&ctx->diags, ap->loc, "Cannot attach %s: %s",
			   ap->raw, why);
		return -EINVAL;
	}
	for (int i = 0; i < n; i++) {
		struct attach_point *a = ap;

		if (i) {
			a = arena_alloc(ctx->arena, sizeof(*a));
			*a = *ap;
			a->more = NULL;
			prev->more = a;
			prev = a;
		}
		a->address = addrs[i].addr;
		a->has_address = true;
		if (resolve_address(ctx, a, es) < 0)
			return -EINVAL;
	}
	return 0;
}

static int resolve_symbols(struct compile_ctx *ctx, struct attach_point *ap,
			   struct elf_syms *es)
{
	if (check_go(ctx, ap, es) < 0)
		return -EINVAL;
	if (ap->src_file)
		return resolve_statement(ctx, ap, es);
	if (ap->has_address)
		return resolve_address(ctx, ap, es);
	return resolve_name(ctx, ap, es);
}

/* glibc 2.34 moved libpthread, librt, libdl, libutil and libanl into
 * libc and left stubs: uprobe:libpthread:pthread_create (bpftrace's
 * threadsnoop.bt) means libc's pthread_create now. */
static const char *glibc_merged_into_libc(struct compile_ctx *ctx,
					  const char *path)
{
	static const char *const stubs[] = { "libpthread.so", "librt.so",
		"libdl.so", "libutil.so", "libanl.so" };
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	for (size_t i = 0; i < sizeof(stubs) / sizeof(*stubs); i++)
		if (!strncmp(base, stubs[i], strlen(stubs[i])))
			return arena_printf(ctx->arena, "%.*slibc.so.6",
					    (int)(base - path), path);
	return NULL;
}

static int retry_in_libc(struct compile_ctx *ctx, struct attach_point *ap)
{
	const char *libc = glibc_merged_into_libc(ctx, ap->target);
	struct elf_syms *es = libc ? elf_syms__open(libc) : NULL;
	int err;

	if (!es)
		return -ENOENT;
	err = resolve_name(ctx, ap, es);
	elf_syms__close(es);
	if (err)
		return err;
	diag_warning(&ctx->diags, ap->loc,
		     "'%s' is not in %s but in %s (glibc 2.34 merged it into "
		     "libc): tracing it there", ap->func, ap->target, libc);
	ap->target = libc;
	ap->moved_to_libc = true;
	return 0;
}

int probe_resolve_uprobe(struct compile_ctx *ctx, struct attach_point *ap)
{
	struct elf_syms *es;
	int err;

	err = probe_resolve_binary(ctx, ap);
	if (err || probe_has_wildcard(ap->target))
		return err;
	es = elf_syms__open(ap->target);
	if (!es) {
		if (errno == ENOEXEC)
			diag_error(&ctx->diags, ap->loc,
				   "%s target file '%s' is not an ELF file",
				   kind_name(ap), ap->target);
		else
			diag_error(&ctx->diags, ap->loc,
				   "Cannot read the symbols of %s: %s",
				   ap->target, strerror(errno));
		return -EINVAL;
	}
	err = resolve_symbols(ctx, ap, es);
	if (err == -ENOENT && !ap->has_address)
		err = retry_in_libc(ctx, ap);
	if (err == -ENOENT)
		err = report_no_symbol(ctx, ap, es);
	elf_syms__close(es);
	return err;
}

static int uprobe_parse(struct compile_ctx *ctx, struct attach_point *ap,
			char **parts, int nparts)
{
	return probe_uprobe_parse_common(ctx, ap, parts, nparts, true);
}

static const char *uprobe_section(struct compile_ctx *ctx,
				  const struct attach_point *ap, const char *t,
				  bool sleepable)
{
	return probe_user_section(ctx, "uprobe", ap, t, sleepable);
}

const struct probe_provider probe_UPROBE = {
	.kind = PK_UPROBE,
	.flags = PF_ARGN | PF_ENTRY | PF_FUNC | PF_KERNEL_CTX | PF_SARGN |
		 PF_USER | PF_SLEEPABLE | PF_BINARY | PF_ARGS,
	.as = AS_USER,
	.max_args = 6,
	.ret_kind = PK_URETPROBE,
	.parse = uprobe_parse,
	.resolve = probe_resolve_uprobe,
	.args_type = probe_uprobe_args,
	.section = uprobe_section,
	.match_name = probe_user_match_name,
	.attach_target = probe_attach_func,
	.target_args = probe_uprobe_target_args,
};
