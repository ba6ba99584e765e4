/* Statement probes (uprobe:BIN@FILE:LINE[:COL]): a source line to the
 * addresses where its statements begin, through the line tables of the
 * compilation units that name FILE. A line may have code in several
 * places: a function inlined into several callers, a loop header's
 * initialisation, test and increment. As a debugger's breakpoint does,
 * each function or inlined copy (the innermost DW_TAG_subprogram or
 * DW_TAG_inlined_subroutine holding the address) gets one probe, at the
 * lowest address of its rows that begin a statement (is_stmt). */
#include "dwarf_impl.h"

#include <dwarf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Does path end with file, at a '/' or as a whole ("stmt.c" matches
 * "/src/progs/stmt.c", "progs/stmt.c" too; "t.c" does not)? */
static bool path_ends_with(const char *path, const char *file)
{
	size_t lp = strlen(path), lf;

	while (!strncmp(file, "./", 2))
		file += 2;
	lf = strlen(file);
	if (!lf || lf > lp || strcmp(path + lp - lf, file))
		return false;
	return lf == lp || path[lp - lf - 1] == '/' || file[0] == '/';
}

struct stmt_state {
	struct dwarf_file *df;
	const char *file;
	unsigned line, col;
	const char *src;   /* the file's full name in the tables */
	const char *other; /* a second file file names: ambiguous */
	int below, above;  /* nearest lines with code, 0: none */
	struct dwarf_stmt_addr *out;
	int n, cap;
};

/* The function or inlined copy that holds addr in cu: its DIE offset
 * (0 when no scope holds it). */
static Dwarf_Off scope_of(Dwarf_Die *cudie, Dwarf_Addr addr)
{
	Dwarf_Die *scopes = NULL;
	Dwarf_Off off = 0;
	int n = dwarf_getscopes(cudie, addr, &scopes);

	for (int i = 0; i < n && !off; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag == DW_TAG_subprogram ||
		    tag == DW_TAG_inlined_subroutine)
			off = dwarf_dieoffset(&scopes[i]);
	}
	free(scopes);
	return off;
}

static int add_addr(struct stmt_state *st, Dwarf_Addr addr, Dwarf_Off scope,
		    int line)
{
	for (int i = 0; i < st->n; i++) {
		if (st->out[i].scope != scope)
			continue;
		if (addr < st->out[i].addr) {
			st->out[i].addr = addr;
			st->out[i].line = line;
		}
		return 0;
	}
	if (st->n == st->cap) {
		int cap = st->cap ? 2 * st->cap : 8;
		struct dwarf_stmt_addr *v =
		    arena_calloc(st->df->ctx->arena, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		if (st->n)
			memcpy(v, st->out, st->n * sizeof(*v));
		st->out = v;
		st->cap = cap;
	}
	st->out[st->n++] = (struct dwarf_stmt_addr){addr, scope, line};
	return 0;
}

/* The file's name among cu's files: st->src, or NULL when cu does not
 * name it; a second file that also ends with st->file is kept in
 * st->other. */
static bool cu_names_file(struct stmt_state *st, Dwarf_Die *cudie)
{
	Dwarf_Files *files;
	size_t nfiles;
	bool found = false;

	if (dwarf_getsrcfiles(cudie, &files, &nfiles))
		return false;
	for (size_t i = 0; i < nfiles; i++) {
		const char *f = dwarf_filesrc(files, i, NULL, NULL);

		if (!f || !path_ends_with(f, st->file))
			continue;
		if (!st->src)
			st->src = arena_strdup(st->df->ctx->arena, f);
		else if (strcmp(st->src, f) && !st->other)
			st->other = arena_strdup(st->df->ctx->arena, f);
		found |= !strcmp(st->src, f);
	}
	return found;
}

static int scan_cu(struct stmt_state *st, Dwarf_Die *cudie)
{
	Dwarf_Lines *lines;
	size_t nlines;

	if (!cu_names_file(st, cudie) ||
	    dwarf_getsrclines(cudie, &lines, &nlines))
		return 0;
	for (size_t i = 0; i < nlines; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		const char *src = l ? dwarf_linesrc(l, NULL, NULL) : NULL;
		bool stmt = false, end = true;
		int lineno = 0, col = 0;
		Dwarf_Addr addr;

		if (!src || strcmp(src, st->src) || dwarf_lineno(l, &lineno) ||
		    dwarf_linebeginstatement(l, &stmt) || !stmt ||
		    dwarf_lineendsequence(l, &end) || end || lineno <= 0 ||
		    dwarf_lineaddr(l, &addr))
			continue;
		dwarf_linecol(l, &col);
		if ((unsigned)lineno != st->line) {
			if ((unsigned)lineno < st->line && lineno > st->below)
				st->below = lineno;
			if ((unsigned)lineno > st->line &&
			    (!st->above || lineno < st->above))
				st->above = lineno;
			continue;
		}
		if (st->col && (unsigned)col != st->col)
			continue;
		if (add_addr(st, addr, scope_of(cudie, addr), lineno) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int cmp_addr(const void *a, const void *b)
{
	const struct dwarf_stmt_addr *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int dwarf_stmt_addrs(struct dwarf_file *df, const char *file, unsigned line,
		     unsigned col, struct dwarf_stmt_addr **out,
		     const char **why)
{
	struct stmt_state st = {
	    .df = df, .file = file, .line = line, .col = col};
	struct compile_ctx *ctx = df->ctx;
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, subdie;
	uint8_t unit_type;

	while (!dwarf_get_units(df->dw, cu, &cu, NULL, &unit_type, &cudie,
				&subdie))
		if (scan_cu(&st,
			    unit_type == DW_UT_skeleton ? &subdie : &cudie) < 0)
			return -ENOMEM;
	if (!st.src) {
		*why = arena_printf(ctx->arena,
				    "no compilation unit of %s "
				    "has a source file '%s'",
				    df->path, file);
		return -ENOENT;
	}
	if (st.other) {
		*why = arena_printf(ctx->arena,
				    "'%s' is ambiguous in %s: it "
				    "names %s and %s (give more of the path)",
				    file, df->path, st.src, st.other);
		return -EINVAL;
	}
	if (!st.n) {
		const char *at =
		    col ? arena_printf(ctx->arena, ":%u column %u", line, col)
			: arena_printf(ctx->arena, ":%u", line);

		if (st.below && st.above)
			*why = arena_printf(ctx->arena,
					    "no code at %s%s; the nearest "
					    "lines with code are %d and %d",
					    file, at, st.below, st.above);
		else if (st.below || st.above)
			*why = arena_printf(ctx->arena,
					    "no code at %s%s; the nearest "
					    "line with code is %d",
					    file, at,
					    st.below ? st.below : st.above);
		else
			*why = arena_printf(ctx->arena, "no code at %s%s", file,
					    at);
		return -ENOENT;
	}
	qsort(st.out, st.n, sizeof(*st.out), cmp_addr);
	*out = st.out;
	return st.n;
}
