/* Formatting a printf-like record (printf, system, cat) with its parsed
 * format (compiler/printf_fmt.h), with C semantics as bpftrace 0.17 gets
 * them from snprintf: every integer travels as 64 bits and a specifier
 * without l/ll/j/z/t reads its low 32 bits (%d of 5000000000 prints
 * 705032704); signed arguments are sign-extended first. Records print
 * straight into the output FILE (printf_write); integers and strings
 * need no allocation. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output_impl.h"
#include "redact.h"

/* "%-08.3" + length + conv into buf. */
static void build_spec(char *buf, size_t size, const struct fmt_seg *s,
		       const char *length, char conv)
{
	char *p = buf;

	*p++ = '%';
	if (s->flags & FMT_LEFT)
		*p++ = '-';
	if (s->flags & FMT_PLUS)
		*p++ = '+';
	if (s->flags & FMT_ALT)
		*p++ = '#';
	if (s->flags & FMT_ZERO)
		*p++ = '0';
	if (s->width >= 0)
		p += sprintf(p, "%d", s->width);
	if (s->precision >= 0)
		p += sprintf(p, ".%d", s->precision);
	snprintf(p, size - (p - buf), "%s%c", length, conv);
}

/* n spaces or zeros */
static void pad(FILE *m, char c, int n)
{
	static const char spaces[] = "                                ";
	static const char zeros[] = "00000000000000000000000000000000";
	const char *from = c == '0' ? zeros : spaces;

	for (; n > 0; n -= (int)sizeof(spaces) - 1)
		fwrite(from, 1, n < (int)sizeof(spaces) - 1 ? (size_t)n :
			   sizeof(spaces) - 1, m);
}

/* The common integer specifiers (%d %i %u %x %X, flags '-' and '0', a
 * width, no precision) written without building a format and running
 * fprintf on it: a printf-heavy recipe (opensnoop) spent a third of its
 * time there. v: the argument as C's conversion of it to the length's
 * type sees it (sign-extended for d/i). false: not such a specifier. */
static bool print_int_fast(FILE *m, const struct fmt_seg *s, uint64_t v,
			   bool neg)
{
	char digits[24], *d = digits + sizeof(digits);
	const char *hex = s->conv == 'X' ? "0123456789ABCDEF" :
					  "0123456789abcdef";
	unsigned base = s->conv == 'x' || s->conv == 'X' ? 16 : 10;
	int n, width = s->width;

	if (s->precision >= 0 || (s->flags & ~(FMT_LEFT | FMT_ZERO)))
		return false;
	do {
		*--d = hex[v % base];
		v /= base;
	} while (v);
	n = (int)(digits + sizeof(digits) - d) + neg;
	if (s->flags & FMT_LEFT) {
		if (neg)
			fputc('-', m);
		fwrite(d, 1, digits + sizeof(digits) - d, m);
		pad(m, ' ', width - n);
		return true;
	}
	if (!(s->flags & FMT_ZERO))
		pad(m, ' ', width - n);
	if (neg)
		fputc('-', m);
	if (s->flags & FMT_ZERO)
		pad(m, '0', width - n);
	fwrite(d, 1, digits + sizeof(digits) - d, m);
	return true;
}

/* u converted as the specifier's length and conversion take it: the
 * magnitude and its sign (d, i) or the unsigned value; false for a
 * conversion print_int_fast does not do. */
static bool int_value(const struct fmt_seg *s, uint64_t u, uint64_t *v,
		      bool *neg)
{
	bool sgn = s->conv == 'd' || s->conv == 'i';
	int64_t x;

	if (!sgn && s->conv != 'u' && s->conv != 'x' && s->conv != 'X')
		return false;
	switch (s->length) {
	case FMT_LEN_NONE:
		x = sgn ? (int64_t)(int32_t)u : (int64_t)(uint32_t)u;
		break;
	case FMT_LEN_HH:
		x = sgn ? (int64_t)(int8_t)u : (int64_t)(uint8_t)u;
		break;
	case FMT_LEN_H:
		x = sgn ? (int64_t)(int16_t)u : (int64_t)(uint16_t)u;
		break;
	default: /* 64 bits */
		*neg = sgn && (int64_t)u < 0;
		*v = *neg ? -u : u;
		return true;
	}
	*neg = x < 0;
	*v = *neg ? -(uint64_t)x : (uint64_t)x;
	return true;
}

static void print_int(FILE *m, const struct fmt_seg *s, uint64_t u)
{
	char spec[64];
	uint64_t v;
	bool neg;

	if (int_value(s, u, &v, &neg) && print_int_fast(m, s, v, neg))
		return;

	switch (s->conv) {
	case 'p':
		build_spec(spec, sizeof(spec), s, "", 'p');
		fprintf(m, spec, (void *)(uintptr_t)u);
		return;
	case 'c':
		build_spec(spec, sizeof(spec), s, "", 'c');
		fprintf(m, spec, (int)u);
		return;
	}
	switch (s->length) {
	case FMT_LEN_L:
	case FMT_LEN_LL:
	case FMT_LEN_J:
	case FMT_LEN_Z:
	case FMT_LEN_T:
		build_spec(spec, sizeof(spec), s, "ll", s->conv);
		fprintf(m, spec, (long long)u);
		return;
	case FMT_LEN_HH:
		build_spec(spec, sizeof(spec), s, "hh", s->conv);
		break;
	case FMT_LEN_H:
		build_spec(spec, sizeof(spec), s, "h", s->conv);
		break;
	default:
		build_spec(spec, sizeof(spec), s, "", s->conv);
		break;
	}
	fprintf(m, spec, (int)(uint32_t)u);
}

/* What formatting one record needs: the environment for decoding
 * values, with an arena made only when an argument needs one (symbols,
 * buffers...), so that integers and strings allocate nothing. */
struct pf {
	struct output *o;
	struct arena *ar;
	struct value_env env;
};

static struct value_env *pf_env(struct pf *pf)
{
	if (!pf->ar) {
		pf->ar = arena__new();
		if (!pf->ar)
			return NULL;
		output_env(pf->o, pf->ar, &pf->env);
	}
	return &pf->env;
}

/* "%-08" + width + ".*s": the precision is passed as an argument. */
static void build_str_spec(char *buf, size_t size, const struct fmt_seg *s)
{
	struct fmt_seg t = *s;

	t.precision = -1;
	build_spec(buf, size, &t, ".*", 's');
}

/* text (up to len bytes or its NUL) as %s with s's flags, width and
 * precision prints it. */
static void print_str(FILE *m, const struct fmt_seg *s, const char *text,
		      size_t len)
{
	char spec[64];

	len = strnlen(text, len);
	if (s->precision >= 0 && (size_t)s->precision < len)
		len = s->precision;
	if (len > INT_MAX)
		len = INT_MAX;
	if (!(s->flags & ~FMT_LEFT)) {
		/* %s, %-8s, %8s: the padding written as fprintf would */
		int n = s->width - (int)len;

		if (!(s->flags & FMT_LEFT))
			pad(m, ' ', n);
		fwrite(text, 1, len, m);
		if (s->flags & FMT_LEFT)
			pad(m, ' ', n);
		return;
	}
	build_str_spec(spec, sizeof(spec), s);
	fprintf(m, spec, (int)len, text);
}

/* The argument as the text %s prints (strings, symbols, numbers...). */
static void print_text(FILE *m, struct pf *pf, const struct fmt_seg *s,
		       const struct et_arg *arg, const uint8_t *p,
		       size_t size)
{
	struct value_env *env;
	struct value v;
	char *buf = NULL;
	size_t len = 0;
	FILE *ms;

	if (arg->type && arg->type->kind == T_STRING) {
		const char *text = (const char *)p;
		size_t n = strnlen(text, size);
		char *r = NULL;
		int k = redact_string(pf->o->prog ? pf->o->prog->settings.redact
						  : 0,
				      text, n, &r, &n);

		if (k >= 0)
			print_str(m, s, k ? r : text, n);
		free(r);
		return;
	}
	env = pf_env(pf);
	if (!env)
		return;
	value_decode(env, arg->type, p, size, &v);
	if (v.kind == V_STR) {
		print_str(m, s, v.u.str.s, v.u.str.len);
		return;
	}
	if (s->width < 0 && s->precision < 0 && !s->flags) {
		text_value(m, &v, 8, 1);
		return;
	}
	ms = open_memstream(&buf, &len);
	if (!ms)
		return;
	text_value(ms, &v, 8, 1);
	fclose(ms);
	print_str(m, s, buf, len);
	free(buf);
}

/* %r %rx %rh: buf() bytes ({u64 length, bytes}, program.h); a string
 * prints up to its NUL */
static void print_buf(FILE *m, struct pf *pf, const struct fmt_seg *s,
		      const struct et_arg *arg, const uint8_t *p, size_t size)
{
	const struct et_type *t = arg->type;
	const uint8_t *data = p;
	size_t len = t && t->size && t->size < size ? t->size : size, n;
	struct value_env *env = pf_env(pf);
	const char *text;

	if (!env)
		return;
	if (t && t->kind == T_STRING)
		len = strnlen((const char *)p, len);
	else if (t && t->kind == T_BUF)
		len = value_buf_bytes(t, p, size, &data);
	text = value_format_buf(env->arena, data, len, s->buf_mode, &n);
	print_str(m, s, text, n);
}

static void print_arg(FILE *m, struct pf *pf, const struct fmt_seg *s,
		      const struct et_arg *arg, const uint8_t *rec,
		      size_t size)
{
	const uint8_t *p = rec + arg->offset;
	size_t n = arg->offset + arg->size <= size ? arg->size : 0;

	if (s->cls == FMT_INT)
		print_int(m, s, n ? value_read_int(arg->type, p, n) : 0);
	else if (s->cls == FMT_BUF)
		print_buf(m, pf, s, arg, p, n);
	else
		print_text(m, pf, s, arg, p, n);
}

int printf_write(struct output *o, const struct et_action *a,
		 const void *rec, size_t size, FILE *f)
{
	struct pf pf = { .o = o };
	int argi = 0;

	for (int i = 0; i < a->fmt.nsegs; i++) {
		const struct fmt_seg *s = &a->fmt.segs[i];

		if (!s->is_spec) {
			fwrite(s->text, 1, s->len, f);
			continue;
		}
		if (argi < a->nargs)
			print_arg(f, &pf, s, &a->args[argi], rec, size);
		argi++;
	}
	arena__free(pf.ar);
	return ferror(f) ? -EIO : 0;
}

int printf_exec(struct output *o, const struct et_action *a,
		const void *rec, size_t size, char **out, size_t *len)
{
	FILE *m;

	*out = NULL;
	*len = 0;
	m = open_memstream(out, len);
	if (!m)
		return -ENOMEM;
	printf_write(o, a, rec, size, m);
	fclose(m);
	return *out ? 0 : -ENOMEM;
}
