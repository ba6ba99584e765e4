/* Parsing printf-style formats into segments and checking arguments
 * against them (see printf_fmt.h for the accepted syntax). */
#include "printf_fmt.h"

#include <string.h>

#include "funcs.h"

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

bool printf_fmt_class_of(const struct type *t, enum fmt_class *cls)
{
	if (!t)
		return false;
	switch (t->kind) {
	case T_INT:
	case T_PTR:
		*cls = FMT_INT;
		return true;
	case T_STRING: case T_KSYM: case T_USYM: case T_INET:
	case T_USERNAME: case T_STACK: case T_TIMESTAMP: case T_MACADDR:
	case T_CGROUP_PATH: case T_STRERROR:
		*cls = FMT_STR;
		return true;
	case T_BUF:
		*cls = FMT_BUF;
		return true;
	case T_ARRAY:
		/* char name[16] in a record prints as the string it holds */
		if (t->elem && t->elem->kind == T_INT && t->elem->size == 1) {
			*cls = FMT_STR;
			return true;
		}
		return false;
	default:
		return false;
	}
}

static const char *class_name[] = {
	[FMT_INT] = "integer", [FMT_STR] = "string", [FMT_BUF] = "buffer",
};

/* bpftrace names the kind a value prints as: pointers are "integer",
 * symbols "string". */
static const char *supplied_name(const struct type *t)
{
	enum fmt_class cls;

	if (printf_fmt_class_of(t, &cls))
		return class_name[cls];
	return fn_kind_name(t);
}

bool printf_fmt_check(struct compile_ctx *ctx, const char *fn,
		      const struct fmt *f, struct node *args,
		      struct loc call_loc)
{
	int nargs = ast_list_len(args), k = 0;
	bool ok = true;

	if (nargs != f->nspecs) {
		diag_error(&ctx->diags, call_loc,
			   "%s: %s arguments for format string (%d supplied, %d expected)",
			   fn, nargs > f->nspecs ? "Too many" : "Not enough",
			   nargs, f->nspecs);
		return false;
	}
	for (int i = 0; i < f->nsegs; i++) {
		const struct fmt_seg *g = &f->segs[i];
		struct node *arg = args;
		enum fmt_class cls;

		if (!g->is_spec)
			continue;
		for (int j = 0; j < k; j++)
			arg = arg->next;
		k++;
		if (printf_fmt_class_of(arg->type, &cls) && cls == g->cls)
			continue;
		diag_error(&ctx->diags, arg->loc,
			   "%s: %s specifier expects a value of type %s (%s supplied)",
			   fn, g->name, class_name[g->cls],
			   supplied_name(arg->type));
		ok = false;
	}
	return ok;
}
