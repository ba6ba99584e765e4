/* Bump allocator: large chunks, 16-byte aligned pieces, no per-object free. */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_MIN (64 * 1024)

struct chunk {
	struct chunk *prev;
	size_t size;
	size_t used;
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct chunk *head;
	struct chunk *spare; /* kept by arena__reset, handed out again */
	size_t total;
};

struct arena *arena__new(void)
{
	return calloc(1, sizeof(struct arena));
}

static void chunks_free(struct chunk *c)
{
	for (struct chunk *p; c; c = p) {
		p = c->prev;
		free(c);
	}
}

void arena__free(struct arena *a)
{
	if (!a)
		return;
	chunks_free(a->head);
	chunks_free(a->spare);
	free(a);
}

void arena__reset(struct arena *a, size_t keep)
{
	struct chunk *c = a->head, *p;
	size_t kept = 0;

	for (struct chunk *s = a->spare; s; s = s->prev)
		kept += s->size;
	for (; c; c = p) {
		p = c->prev;
		if (kept + c->size > keep) {
			free(c);
			continue;
		}
		kept += c->size;
		c->prev = a->spare;
		a->spare = c;
	}
	a->head = NULL;
	a->total = 0;
}

/* A spare chunk of at least need bytes, or NULL. */
static struct chunk *spare_take(struct arena *a, size_t need)
{
	for (struct chunk **s = &a->spare; *s; s = &(*s)->prev) {
		struct chunk *c = *s;

		if (c->size < need)
			continue;
		*s = c->prev;
		return c;
	}
	return NULL;
}

static struct chunk *chunk_new(struct arena *a, struct chunk *prev, size_t need)
{
	size_t size = need > CHUNK_MIN ? need : CHUNK_MIN;
	struct chunk *c = a->spare ? spare_take(a, need) : NULL;

	if (c) {
		c->prev = prev;
		c->used = 0;
		return c;
	}
	c = malloc(sizeof(*c) + size);

	if (!c) {
		fputs("etrace: out of memory\n", stderr);
		abort();
	}
	c->prev = prev;
	c->size = size;
	c->used = 0;
	return c;
}

/* size bytes, not zeroed */
static void *take(struct arena *a, size_t size)
{
	struct chunk *c = a->head;
	void *p;

	size = (size + 15) & ~(size_t)15;
	if (!size)
		size = 16;
	if (!c || c->size - c->used < size) {
		if (size > CHUNK_MIN / 4 && c) {
			/* big piece: own chunk, keep filling the current one */
			struct chunk *big = chunk_new(a, c->prev, size);
			c->prev = big;
			big->used = size;
			a->total += size;
			return big->data;
		}
		c = a->head = chunk_new(a, c, size);
	}
	p = c->data + c->used;
	c->used += size;
	a->total += size;
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p = take(a, size);

	return memset(p, 0, size);
}

void *arena_calloc(struct arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		fputs("etrace: out of memory\n", stderr);
		abort();
	}
	return arena_alloc(a, n * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = take(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	p = take(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}
