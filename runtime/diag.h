/* Diagnostics: collected while compiling, printed once at the end in the
 * form FILE:LINE:COL: error: message, the source line, a caret with '~'
 * under the range, then the notes attached to it. */
#ifndef ETRACE_DIAG_H
#define ETRACE_DIAG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"

/* A range of bytes [begin, end) in the program source. LOC_NONE when a
 * diagnostic has no place in the source (e.g. a command-line problem). */
struct loc {
	uint32_t begin;
	uint32_t end;
};
#define LOC_NONE ((struct loc){ UINT32_MAX, UINT32_MAX })
static inline bool loc_valid(struct loc l)
{
	return l.begin != UINT32_MAX;
}
static inline struct loc loc_span(struct loc a, struct loc b)
{
	if (!loc_valid(a))
		return b;
	if (!loc_valid(b))
		return a;
	return (struct loc){ a.begin < b.begin ? a.begin : b.begin,
			     a.end > b.end ? a.end : b.end };
}

/* The program text. name is what diagnostics print ("stdin" for -e and -,
 * as bpftrace does, else the path). text is NUL-terminated; len excludes
 * the NUL and the text may contain other NULs. */
struct source {
	const char *name;
	const char *text;
	uint32_t len;
	/* Further sources (imported files, the macro library): each owns
	 * the offsets [base, base + len] of one offset space, so a loc
	 * names its file too. The first source has base 0. */
	uint32_t base;
	const struct source *next;
	/* A macro expansion: its nodes carry locations in a copy of the
	 * offsets of the file that defines the macro (text shared), and
	 * every diagnostic there ends with a note at the call. */
	const char *macro;
	struct loc called_at;
};

/* The source of the list src holding offset off (src itself when none
 * does). */
const struct source *source_of(const struct source *src, uint32_t off);

enum diag_level {
	DIAG_ERROR,
	DIAG_WARNING,
	DIAG_NOTE,
};

struct diag {
	enum diag_level level;
	struct loc loc;
	char *msg;
	struct diag *next;
};

/* Owned by the compile context; messages live in its arena. */
struct diags {
	struct arena *arena;
	const struct source *src;
	struct diag *head, *tail;
	int nerrors;
	int nwarnings;
	/* Cap against pathological inputs (fuzzing): later errors are
	 * counted but not stored. */
	int max_stored;
	int nstored;
	int ndropped;
	/* the last error was not shown: neither are its notes */
	bool muted;
};

void diags_init(struct diags *d, struct arena *a, const struct source *src);

void diag_error(struct diags *d, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_warning(struct diags *d, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A note belongs to the error or warning reported just before it. */
void diag_note(struct diags *d, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline bool diag_has_errors(const struct diags *d)
{
	return d->nerrors > 0;
}

/* 1-based line and column (in bytes) of a byte offset. */
void source_line_col(const struct source *src, uint32_t off, int *line,
		     int *col);

/* Prints all diagnostics in the order reported. */
void diags_print(const struct diags *d, FILE *out);

#endif
