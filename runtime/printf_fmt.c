/* Parsing printf-style formats into segments (see printf_fmt.h for the
 * accepted syntax). */
#include "printf_fmt.h"

#include <string.h>

/* No ' ' flag: "100% sure" is text in bpftrace, not "% s". */
static unsigned flag_bit(char c)
{
	switch (c) {
	case '-': return FMT_LEFT;
	case '+': return FMT_PLUS;
	case '#': return FMT_ALT;
	case '0': return FMT_ZERO;
	}
	return 0;
}

static int parse_num(const char *s, uint32_t len, uint32_t *i)
{
	int v = 0;

	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		if (v < 100000)
			v = v * 10 + (s[*i] - '0');
		(*i)++;
	}
	return v;
}

static enum fmt_length parse_length(const char *s, uint32_t len,
				    uint32_t *i)
{
	char c = *i < len ? s[*i] : 0;
	char d = *i + 1 < len ? s[*i + 1] : 0;

	switch (c) {
	case 'h':
		*i += d == 'h' ? 2 : 1;
		return d == 'h' ? FMT_LEN_HH : FMT_LEN_H;
	case 'l':
		*i += d == 'l' ? 2 : 1;
		return d == 'l' ? FMT_LEN_LL : FMT_LEN_L;
	case 'j': (*i)++; return FMT_LEN_J;
	case 'z': (*i)++; return FMT_LEN_Z;
	case 't': (*i)++; return FMT_LEN_T;
	}
	return FMT_LEN_NONE;
}

/* Conversion at s[*i]; sets the class. Length modifiers only go with the
 * integer conversions (bpftrace rejects %ls, %lc). */
static bool parse_conv(const char *s, uint32_t len, uint32_t *i,
		       struct fmt_seg *g)
{
	char c = *i < len ? s[*i] : 0;

	if (c && strchr("diuoxXcp", c)) {
		if (c == 'c' && g->length != FMT_LEN_NONE)
			return false;
		g->cls = FMT_INT;
	} else if (c == 's' && g->length == FMT_LEN_NONE) {
		g->cls = FMT_STR;
	} else if (c == 'r' && g->length == FMT_LEN_NONE) {
		g->cls = FMT_BUF;
		if (*i + 1 < len && (s[*i + 1] == 'x' || s[*i + 1] == 'h'))
			g->buf_mode = s[++*i];
	} else {
		return false;
	}
	g->conv = c;
	(*i)++;
	return true;
}

static const char *length_str[] = {
	[FMT_LEN_NONE] = "", [FMT_LEN_HH] = "hh", [FMT_LEN_H] = "h",
	[FMT_LEN_L] = "l", [FMT_LEN_LL] = "ll", [FMT_LEN_J] = "j",
	[FMT_LEN_Z] = "z", [FMT_LEN_T] = "t",
};

/* Parses a specifier starting at s[start] == '%'. Returns the index after
 * it, or 0 when there is none there. */
static uint32_t parse_spec(struct arena *a, const char *s, uint32_t len,
			   uint32_t start, struct fmt_seg *g)
{
	uint32_t i = start + 1;

	memset(g, 0, sizeof(*g));
	g->width = g->precision = -1;
	while (i < len && flag_bit(s[i]))
		g->flags |= flag_bit(s[i++]);
	if (i < len && s[i] >= '1' && s[i] <= '9')
		g->width = parse_num(s, len, &i);
	if (i < len && s[i] == '.') {
		i++;
		g->precision = parse_num(s, len, &i);
	}
	g->length = parse_length(s, len, &i);
	if (!parse_conv(s, len, &i, g))
		return 0;
	g->is_spec = true;
	g->text = s + start;
	g->len = i - start;
	g->name = arena_printf(a, "%%%s%c%s", length_str[g->length], g->conv,
			       g->buf_mode ? (char[]){ g->buf_mode, 0 } : "");
	return i;
}

static struct fmt_seg *add_seg(struct arena *a, struct fmt *f, int *cap)
{
	if (f->nsegs == *cap) {
		int ncap = *cap ? *cap * 2 : 8;
		struct fmt_seg *n = arena_calloc(a, ncap, sizeof(*n));

		if (f->nsegs)
			memcpy(n, f->segs, f->nsegs * sizeof(*n));
		f->segs = n;
		*cap = ncap;
	}
	return &f->segs[f->nsegs++];
}

/* Appends one byte of literal text, merging with the previous segment
 * when it is text ending right before it in a text buffer of our own. */
static void add_text(struct arena *a, struct fmt *f, int *cap, char c,
		     char **tbuf)
{
	struct fmt_seg *g = f->nsegs ? &f->segs[f->nsegs - 1] : NULL;

	if (!g || g->is_spec) {
		g = add_seg(a, f, cap);
		memset(g, 0, sizeof(*g));
		g->text = *tbuf;
	}
	(*tbuf)[0] = c;
	(*tbuf)++;
	g->len++;
}

void printf_fmt_parse(struct arena *a, const char *s, uint32_t len,
		      struct fmt *f)
{
	char *tbuf = arena_alloc(a, len + 1);
	int cap = 0;
	uint32_t i = 0;

	memset(f, 0, sizeof(*f));
	while (i < len) {
		struct fmt_seg spec;
		uint32_t next;

		if (s[i] != '%') {
			add_text(a, f, &cap, s[i++], &tbuf);
			continue;
		}
		if (i + 1 < len && s[i + 1] == '%') {
			add_text(a, f, &cap, '%', &tbuf);
			i += 2;
			continue;
		}
		next = parse_spec(a, s, len, i, &spec);
		if (!next) {
			add_text(a, f, &cap, s[i++], &tbuf);
			continue;
		}
		*add_seg(a, f, &cap) = spec;
		f->nspecs++;
		i = next;
	}
}
