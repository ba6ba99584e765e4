/* Diagnostic collection and printing (clang/chibicc style caret output). */
#include "diag.h"

#include <stdarg.h>
#include <string.h>

void diags_init(struct diags *d, struct arena *a, const struct source *src)
{
	memset(d, 0, sizeof(*d));
	d->arena = a;
	d->src = src;
	d->max_stored = 200;
}

/* A second error in the same macro expansion follows from the first (a
 * library macro's body used with a wrong argument): only the first is
 * shown, with its notes. */
static bool repeat_in_expansion(const struct diags *d, struct loc loc)
{
	const struct source *s;

	if (!loc_valid(loc))
		return false;
	s = source_of(d->src, loc.begin);
	if (!s || !s->macro)
		return false;
	for (const struct diag *g = d->head; g; g = g->next)
		if (g->level == DIAG_ERROR && loc_valid(g->loc) &&
		    source_of(d->src, g->loc.begin) == s)
			return true;
	return false;
}

static void diag_add(struct diags *d, enum diag_level level, struct loc loc,
		     const char *fmt, va_list ap)
{
	struct diag *g;

	if (level == DIAG_NOTE && d->muted)
		return;
	d->muted = false;
	if (level == DIAG_ERROR && repeat_in_expansion(d, loc)) {
		d->nerrors++;
		d->muted = true;
		return;
	}
	if (level == DIAG_ERROR)
		d->nerrors++;
	else if (level == DIAG_WARNING)
		d->nwarnings++;
	if (d->nstored >= d->max_stored) {
		if (level != DIAG_NOTE)
			d->ndropped++;
		return;
	}
	d->nstored++;
	g = arena_alloc(d->arena, sizeof(*g));
	g->level = level;
	g->loc = loc;
	g->msg = arena_vprintf(d->arena, fmt, ap);
	if (d->tail)
		d->tail->next = g;
	else
		d->head = g;
	d->tail = g;
}

#define DIAG_FN(fn, level)                                                   \
	void fn(struct diags *d, struct loc loc, const char *fmt, ...)       \
	{                                                                    \
		va_list ap;                                                  \
		va_start(ap, fmt);                                           \
		diag_add(d, level, loc, fmt, ap);                            \
		va_end(ap);                                                  \
	}
DIAG_FN(diag_error, DIAG_ERROR)
DIAG_FN(diag_warning, DIAG_WARNING)
DIAG_FN(diag_note, DIAG_NOTE)

const struct source *source_of(const struct source *src, uint32_t off)
{
	for (const struct source *s = src ? src->next : NULL; s; s = s->next)
		if (off >= s->base && off - s->base <= s->len)
			return s;
	return src;
}

void source_line_col(const struct source *src, uint32_t off, int *line,
		     int *col)
{
	int l = 1, c = 1;

	src = source_of(src, off);
	off -= src->base;
	if (off > src->len)
		off = src->len;
	for (uint32_t i = 0; i < off; i++) {
		if (src->text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

/* Print the line holding loc.begin, then "^~~~" under the part of the
 * range that lies on that line. Control bytes print as spaces so the caret
 * stays aligned and the terminal stays sane. */
static void print_context(const struct source *src, struct loc loc, FILE *out)
{
	uint32_t bol, eol, end;

	src = source_of(src, loc.begin);
	loc.begin -= src->base;
	loc.end = loc.end >= src->base ? loc.end - src->base : loc.begin;
	bol = eol = loc.begin;
	if (loc.begin > src->len)
		return;
	while (bol > 0 && src->text[bol - 1] != '\n')
		bol--;
	while (eol < src->len && src->text[eol] != '\n')
		eol++;
	for (uint32_t i = bol; i < eol; i++) {
		unsigned char ch = (unsigned char)src->text[i];
		fputc(ch == '\t' || ch >= 0x20 ? ch : ' ', out);
	}
	fputc('\n', out);
	for (uint32_t i = bol; i < loc.begin; i++)
		fputc(src->text[i] == '\t' ? '\t' : ' ', out);
	fputc('^', out);
	end = loc.end < eol ? loc.end : eol;
	for (uint32_t i = loc.begin + 1; i < end; i++)
		fputc('~', out);
	fputc('\n', out);
}

static const char *level_name[] = {
	[DIAG_ERROR] = "error",
	[DIAG_WARNING] = "warning",
	[DIAG_NOTE] = "note",
};

/* "in expansion of macro": for each macro call the location came from,
 * innermost first (bounded: a chain longer than this is elided). */
static void print_expansions(const struct diags *d, struct loc loc,
			     FILE *out)
{
	/* a range from an argument to the body it was put in: the body */
	if (loc.end > loc.begin &&
	    !source_of(d->src, loc.begin)->macro &&
	    source_of(d->src, loc.end - 1)->macro)
		loc.begin = loc.end - 1;
	for (int n = 0; n < 16; n++) {
		const struct source *s = source_of(d->src, loc.begin);
		int line, col;

		if (!s->macro || !loc_valid(s->called_at))
			return;
		loc = s->called_at;
		source_line_col(d->src, loc.begin, &line, &col);
		fprintf(out, "%s:%d:%d: note: in expansion of macro '%s'\n",
			source_of(d->src, loc.begin)->name, line, col,
			s->macro);
		print_context(d->src, loc, out);
	}
}

void diags_print(const struct diags *d, FILE *out)
{
	const char *name = d->src && d->src->name ? d->src->name : "etrace";

	for (const struct diag *g = d->head; g; g = g->next) {
		if (d->src && loc_valid(g->loc)) {
			int line, col;

			source_line_col(d->src, g->loc.begin, &line, &col);
			fprintf(out, "%s:%d:%d: %s: %s\n",
				source_of(d->src, g->loc.begin)->name, line, col,
				level_name[g->level], g->msg);
			print_context(d->src, g->loc, out);
			if (g->level != DIAG_NOTE)
				print_expansions(d, g->loc, out);
		} else {
			fprintf(out, "%s: %s: %s\n", name, level_name[g->level],
				g->msg);
		}
	}
	if (d->ndropped)
		fprintf(out, "%s: note: %d more diagnostics not shown\n", name,
			d->ndropped);
}
