/* Bump allocator owned by a compile context: everything the compiler builds
 * (AST, types, strings, diagnostics) lives here and is freed at once. */
#ifndef ETRACE_ARENA_H
#define ETRACE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* Returns NULL with errno set on allocation failure. */
struct arena *arena__new(void);
void arena__free(struct arena *a); /* NULL is a no-op */
/* Everything handed out is given up; up to keep bytes of the chunks stay
 * for the next allocations (a periodic job, e.g. a metrics scrape, that
 * would otherwise fault fresh pages in each time). */
void arena__reset(struct arena *a, size_t keep);

/* All return zeroed/terminated memory owned by the arena; they abort on
 * out-of-memory (the compiler has no way to continue without memory). */
void *arena_alloc(struct arena *a, size_t size);
void *arena_calloc(struct arena *a, size_t n, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
/* Bytes handed out so far (for -v statistics and fuzz limits). */
size_t arena_used(const struct arena *a);

#endif
