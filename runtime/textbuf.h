/* textbuf.h: a growable byte buffer that hot output paths format into
 * (the span printer, runtime/span.c) and then write with one fwrite:
 * no printf, no allocation once the buffer has grown to its working
 * size. Numbers are written as printf's %PRIu64 / %PRId64 write them,
 * JSON strings as print_json.c's json_string.
 *
 * Ownership: tb_free frees the data; a buffer starts as { 0 }. Out of
 * memory: the buffer keeps what fit and tb->oom is set; tb_write then
 * writes nothing and fails with ENOMEM. */
#ifndef ETRACE_TEXTBUF_H
#define ETRACE_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct textbuf {
	char *data;
	size_t len, cap;
	bool oom;
};

void tb_free(struct textbuf *tb);
/* Empties tb (keeps its memory). */
static inline void tb_reset(struct textbuf *tb)
{
	tb->len = 0;
	tb->oom = false;
}
/* Room for n more bytes: 0, or -ENOMEM (oom set). */
int tb_reserve(struct textbuf *tb, size_t n);
void tb_put(struct textbuf *tb, const char *s, size_t n);
void tb_puts(struct textbuf *tb, const char *s);
void tb_putc(struct textbuf *tb, char c);
/* s up to n bytes or its first NUL, as printf's "%.*s" */
void tb_putsn(struct textbuf *tb, const char *s, size_t n);
void tb_u64(struct textbuf *tb, uint64_t v);
void tb_i64(struct textbuf *tb, int64_t v);
/* n bytes as 2n lowercase hex digits */
void tb_hex(struct textbuf *tb, const uint8_t *b, size_t n);
/* printf's "%g" */
void tb_double(struct textbuf *tb, double d);
/* s[0..len) as a JSON string, quotes included (json_string's bytes) */
void tb_json(struct textbuf *tb, const char *s, size_t len);
/* Writes the buffer to f and empties it: 0, or -EIO / -ENOMEM. */
int tb_write(struct textbuf *tb, FILE *f);

#endif
