/* textbuf.c: a growable byte buffer to format into (textbuf.h). */
#include "textbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void tb_free(struct textbuf *tb)
{
	free(tb->data);
	*tb = (struct textbuf){0};
}

int tb_reserve(struct textbuf *tb, size_t n)
{
	size_t cap;
	char *d;

	if (tb->cap - tb->len >= n)
		return 0;
	cap = tb->cap ? tb->cap : 256;
	while (cap - tb->len < n) {
		if (cap > SIZE_MAX / 2) {
			tb->oom = true;
			return -ENOMEM;
		}
		cap *= 2;
	}
	d = realloc(tb->data, cap);
	if (!d) {
		tb->oom = true;
		return -ENOMEM;
	}
	tb->data = d;
	tb->cap = cap;
	return 0;
}

void tb_put(struct textbuf *tb, const char *s, size_t n)
{
	if (tb_reserve(tb, n))
		return;
	memcpy(tb->data + tb->len, s, n);
	tb->len += n;
}

void tb_puts(struct textbuf *tb, const char *s)
{
	tb_put(tb, s, strlen(s));
}

void tb_putc(struct textbuf *tb, char c)
{
	if (tb_reserve(tb, 1))
		return;
	tb->data[tb->len++] = c;
}

void tb_putsn(struct textbuf *tb, const char *s, size_t n)
{
	tb_put(tb, s, strnlen(s, n));
}

void tb_u64(struct textbuf *tb, uint64_t v)
{
	char d[20];
	int i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	tb_put(tb, d + i, sizeof(d) - i);
}

void tb_i64(struct textbuf *tb, int64_t v)
{
	if (v < 0) {
		tb_putc(tb, '-');
		/* -(INT64_MIN) in unsigned arithmetic */
		tb_u64(tb, 0 - (uint64_t)v);
		return;
	}
	tb_u64(tb, (uint64_t)v);
}

void tb_hex(struct textbuf *tb, const uint8_t *b, size_t n)
{
	static const char d[] = "0123456789abcdef";

	if (tb_reserve(tb, 2 * n))
		return;
	for (size_t i = 0; i < n; i++) {
		tb->data[tb->len++] = d[b[i] >> 4];
		tb->data[tb->len++] = d[b[i] & 15];
	}
}

void tb_double(struct textbuf *tb, double v)
{
	char d[64];
	int n = snprintf(d, sizeof(d), "%g", v);

	if (n > 0)
		tb_put(tb, d, (size_t)n < sizeof(d) ? (size_t)n : sizeof(d) - 1);
}

void tb_json(struct textbuf *tb, const char *s, size_t len)
{
	static const char hx[] = "0123456789abcdef";

	/* the worst case: every byte as \u00XX */
	if (len > (SIZE_MAX - 2) / 6 || tb_reserve(tb, 6 * len + 2))
		return;
	tb->data[tb->len++] = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char *o = tb->data + tb->len;

		switch (c) {
		case '"': o[0] = '\\'; o[1] = '"'; tb->len += 2; break;
		case '\\': o[0] = '\\'; o[1] = '\\'; tb->len += 2; break;
		case '\n': o[0] = '\\'; o[1] = 'n'; tb->len += 2; break;
		case '\r': o[0] = '\\'; o[1] = 'r'; tb->len += 2; break;
		case '\t': o[0] = '\\'; o[1] = 't'; tb->len += 2; break;
		default:
			if (c < 0x20) {
				memcpy(o, "\\u00", 4);
				o[4] = hx[c >> 4];
				o[5] = hx[c & 15];
				tb->len += 6;
			} else {
				o[0] = (char)c;
				tb->len++;
			}
		}
	}
	tb->data[tb->len++] = '"';
}

int tb_write(struct textbuf *tb, FILE *f)
{
	int err = 0;

	if (tb->oom)
		err = -ENOMEM;
	else if (tb->len && fwrite(tb->data, 1, tb->len, f) != tb->len)
		err = -EIO;
	tb_reset(tb);
	return err;
}
