/* The imports pass: reads the files that `import "PATH";` names and merges
 * them into the program. An .et/.bt file brings its C definitions (ahead of
 * the importer's), its macros and its probes (ahead of the importer's); a
 * .h header becomes an #include of the preamble (compiler/pass_preamble.c);
 * a directory brings each of those files in it, in name order. A path is
 * looked for next to the importing file (the working directory for -e and
 * stdin), then in each -I directory. Each file is imported once; a file
 * that imports itself through others is an error, as are a missing file,
 * a config block in an imported file and a world-writable directory.
 * After it, program.imports is empty and every source is parsed. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compile.h"

/* Files imported or being imported (by real path). */
struct ifile {
	const char *real;
	const char *shown; /* the name diagnostics print */
	bool done;	   /* false while its own imports are read */
	struct ifile *next;
};

struct istate {
	struct compile_ctx *ctx;
	struct ifile *files;
	struct node *root;  /* the main program */
	struct node *cdefs; /* C definitions the imports bring */
	struct node *probes, *probes_tail;
	int nfiles;
};

static void import_node(struct istate *s, struct node *imp, const char *dir);

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

/* The directory of a source: its path's, or "." for stdin and -e. */
static const char *dir_of(struct compile_ctx *ctx, const char *name)
{
	const char *slash = strrchr(name, '/');

	if (!strcmp(name, "stdin") || !slash)
		return ".";
	if (slash == name)
		return "/";
	return arena_strndup(ctx->arena, name, slash - name);
}

static bool world_writable(const char *path)
{
	char *d = strdup(path), *slash;
	struct stat st;
	bool ww;

	if (!d)
		return false;
	slash = strrchr(d, '/');
	if (slash && slash != d)
		*slash = 0;
	else if (slash)
		slash[1] = 0;
	ww = !stat(d, &st) && (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX);
	free(d);
	return ww;
}

/* Merges one parsed .et file into the program. */
static void merge(struct istate *s, struct node *prog, const char *dir)
{
	struct node *p = s->root;

	if (prog->u.program.config)
		diag_error(&s->ctx->diags, prog->u.program.config->loc,
			   "invalid `config` within import");
	for (struct node *i = prog->u.program.imports, *next; i; i = next) {
		next = i->next;
		import_node(s, i, dir);
	}
	s->cdefs = ast_append(s->cdefs, prog->u.program.cdefs);
	p->u.program.macros =
	    ast_append(prog->u.program.macros, p->u.program.macros);
	for (struct node *pr = prog->u.program.probes, *next; pr; pr = next) {
		next = pr->next;
		pr->next = NULL;
		if (s->probes_tail)
			s->probes_tail->next = pr;
		else
			s->probes = pr;
		s->probes_tail = pr;
	}
}

static void import_script(struct istate *s, struct node *imp, const char *path,
			  const char *real)
{
	struct compile_ctx *ctx = s->ctx;
	const struct source *src;
	struct ifile *f;
	struct node *prog;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	for (f = s->files; f; f = f->next) {
		const char *c;

		if (strcmp(f->real, real))
			continue;
		if (f->done)
			return;
		/* f, the files it is importing (the list is newest first),
		 * f again */
		c = f->shown;
		for (struct ifile *g = s->files; g != f; g = g->next)
			if (!g->done)
				c = arena_printf(ctx->arena, "%s > %s",
						 g->shown, c);
		diag_error(&ctx->diags, imp->loc, "Import cycle: %s > %s",
			   f->shown, c);
		return;
	}
	fp = fopen(path, "r");
	if (!fp) {
		diag_error(&ctx->diags, imp->loc,
			   "error reading import '%s': %s", path,
			   strerror(errno));
		return;
	}
	fseek(fp, 0, SEEK_END);
	len = ftell(fp) > 0 ? (size_t)ftell(fp) : 0;
	rewind(fp);
	text = malloc(len + 1);
	if (text)
		len = fread(text, 1, len, fp);
	fclose(fp);
	if (!text) {
		diag_error(&ctx->diags, imp->loc, "Out of memory");
		return;
	}
	src = compile_add_source(ctx, path, text, len);
	free(text);
	if (!src) {
		diag_error(&ctx->diags, imp->loc, "Import '%s' is too large",
			   path);
		return;
	}
	f = arena_calloc(ctx->arena, 1, sizeof(*f));
	f->real = arena_strdup(ctx->arena, real);
	f->shown = src->name;
	f->next = s->files;
	s->files = f;
	prog = compile_parse_more(ctx, src);
	if (prog)
		merge(s, prog, dir_of(ctx, path));
	f->done = true;
}

/* One file found for an import: by its kind. */
static void import_file(struct istate *s, struct node *imp, const char *path,
			bool from_dir)
{
	struct compile_ctx *ctx = s->ctx;
	char real[PATH_MAX];

	if (world_writable(path)) {
		diag_error(&ctx->diags, imp->loc,
			   "Refusing to import '%s': its directory is "
			   "world-writable",
			   path);
		return;
	}
	if (!realpath(path, real)) {
		diag_error(&ctx->diags, imp->loc,
			   "error reading import '%s': %s", path,
			   strerror(errno));
		return;
	}
	if (ends_with(path, ".et") || ends_with(path, ".bt")) {
		struct stat st;

		/* never a FIFO or a device: reading it could block */
		if (stat(real, &st) || !S_ISREG(st.st_mode)) {
			diag_error(&ctx->diags, imp->loc,
				   "error reading import '%s': not a regular "
				   "file",
				   path);
			return;
		}
		import_script(s, imp, path, real);
	} else if (ends_with(path, ".h")) {
		struct ifile *f;

		for (f = s->files; f && strcmp(f->real, real); f = f->next)
			;
		if (f)
			return;
		f = arena_calloc(ctx->arena, 1, sizeof(*f));
		f->real = arena_strdup(ctx->arena, real);
		f->shown = f->real;
		f->done = true;
		f->next = s->files;
		s->files = f;
		s->cdefs = ast_append(
		    s->cdefs, ast_cdef(ctx->arena, imp->loc, CDEF_DIRECTIVE,
				       arena_printf(ctx->arena,
						    "#include \"%s\"", real)));
	} else if (ends_with(path, ".bpf.c") || ends_with(path, ".c") ||
		   ends_with(path, ".o")) {
		/* etrace links only its own BPF helpers (bpf-helpers/) */
		diag_error(&ctx->diags, imp->loc,
			   "Importing BPF C sources and objects is not "
			   "supported: etrace links only its own BPF helpers");
	} else if (!from_dir) {
		diag_error(&ctx->diags, imp->loc, "unknown import type: %s",
			   path);
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void import_dir(struct istate *s, struct node *imp, const char *path)
{
	struct compile_ctx *ctx = s->ctx;
	DIR *d = opendir(path);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;

	if (!d) {
		diag_error(&ctx->diags, imp->loc,
			   "error reading import '%s': %s", path,
			   strerror(errno));
		return;
	}
	while ((e = readdir(d)) && n < 4096) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **more;

			cap = cap ? 2 * cap : 16;
			more = arena_calloc(ctx->arena, cap, sizeof(*more));
			if (n)
				memcpy(more, names, n * sizeof(*more));
			names = more;
		}
		names[n++] = arena_printf(ctx->arena, "%s/%s", path, e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (!stat(names[i], &st) && S_ISREG(st.st_mode))
			import_file(s, imp, names[i], true);
	}
}

/* Resolves one import: next to the importer, then in each -I directory. */
static void import_node(struct istate *s, struct node *imp, const char *dir)
{
	struct compile_ctx *ctx = s->ctx;
	const char *name = imp->u.import.path, *checked = "";
	struct stat st;

	if (++s->nfiles > 1000) {
		if (s->nfiles == 1001)
			diag_error(&ctx->diags, imp->loc,
				   "Too many imports (more than 1000)");
		return;
	}
	for (int i = -1; i < ctx->opts.ninclude_dirs; i++) {
		const char *d = i < 0 ? dir : ctx->opts.include_dirs[i];
		const char *path =
		    name[0] == '/' || !strcmp(d, ".")
			? name
			: arena_printf(ctx->arena, "%s/%s", d, name);

		if (!stat(path, &st)) {
			if (S_ISDIR(st.st_mode))
				import_dir(s, imp, path);
			else
				import_file(s, imp, path, false);
			return;
		}
		checked = arena_printf(ctx->arena, "%s%s%s", checked,
				       *checked ? "," : "", path);
		if (name[0] == '/')
			break;
	}
	diag_error(&ctx->diags, imp->loc,
		   "Unable to find suitable path for import");
	diag_note(&ctx->diags, LOC_NONE, "checked: %s", checked);
}

int pass_imports(struct compile_ctx *ctx)
{
	struct node *p = ctx->ast;
	struct istate s = {.ctx = ctx, .root = p};

	char real[PATH_MAX];

	if (!p || !p->u.program.imports)
		return 0;
	/* the script itself, so that importing it back is a cycle */
	if (strcmp(ctx->src.name, "stdin") && realpath(ctx->src.name, real)) {
		s.files = arena_calloc(ctx->arena, 1, sizeof(*s.files));
		s.files->real = arena_strdup(ctx->arena, real);
		s.files->shown = ctx->src.name;
	}
	for (struct node *i = p->u.program.imports, *next; i; i = next) {
		next = i->next;
		import_node(&s, i, dir_of(ctx, ctx->src.name));
	}
	p->u.program.imports = NULL;
	p->u.program.cdefs = ast_append(s.cdefs, p->u.program.cdefs);
	if (s.probes_tail) {
		s.probes_tail->next = p->u.program.probes;
		p->u.program.probes = s.probes;
	}
	if (!p->u.program.probes && !diag_has_errors(&ctx->diags))
		diag_error(&ctx->diags, LOC_NONE, "Program has no probes");
	return diag_has_errors(&ctx->diags) ? -EINVAL : 0;
}
