/* Formatting a printf-like record (printf, system, cat) with its parsed
 * format (compiler/printf_fmt.h), with C semantics as bpftrace 0.17 gets
 * them from snprintf: every integer travels as 64 bits and a specifier
 * without l/ll/j/z/t reads its low 32 bits (%d of 5000000000 prints
 * 705032704); signed arguments are sign-extended first. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output_impl.h"

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

static void print_int(FILE *m, const struct fmt_seg *s, uint64_t u)
{
	char spec[64];

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

/* The argument as the text %s prints (strings, symbols, numbers...). */
static const char *arg_text(struct value_env *env, const struct et_arg *arg,
			    const uint8_t *p, size_t size)
{
	struct value v;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	const char *s;

	value_decode(env, arg->type, p, size, &v);
	if (v.kind == V_STR)
		return arena_strndup(env->arena, v.u.str.s, v.u.str.len);
	m = open_memstream(&buf, &len);
	if (!m)
		return "";
	text_value(m, &v, 8, 1);
	fclose(m);
	s = arena_strndup(env->arena, buf, len);
	free(buf);
	return s;
}

/* %r %rx %rh: buf() bytes ({u64 length, bytes}, program.h); a string
 * prints up to its NUL */
static const char *arg_buf(struct value_env *env, const struct fmt_seg *s,
			   const struct et_arg *arg, const uint8_t *p,
			   size_t size)
{
	const struct type *t = arg->type;
	const uint8_t *data = p;
	size_t len = t && t->size && t->size < size ? t->size : size, n;

	if (t && t->kind == T_STRING)
		len = strnlen((const char *)p, len);
	else if (t && t->kind == T_BUF)
		len = value_buf_bytes(t, p, size, &data);
	return value_format_buf(env->arena, data, len, s->buf_mode, &n);
}

static void print_arg(FILE *m, struct value_env *env, const struct fmt_seg *s,
		      const struct et_arg *arg, const uint8_t *rec,
		      size_t size)
{
	const uint8_t *p = rec + arg->offset;
	size_t n = arg->offset + arg->size <= size ? arg->size : 0;
	char spec[64];

	if (s->cls == FMT_INT) {
		print_int(m, s, n ? value_read_int(arg->type, p, n) : 0);
		return;
	}
	build_spec(spec, sizeof(spec), s, "", 's');
	if (s->cls == FMT_BUF)
		fprintf(m, spec, arg_buf(env, s, arg, p, n));
	else
		fprintf(m, spec, arg_text(env, arg, p, n));
}

int printf_exec(struct output *o, const struct et_action *a,
		const void *rec, size_t size, char **out, size_t *len)
{
	struct arena *ar = arena__new();
	struct value_env env;
	FILE *m;
	int argi = 0;

	*out = NULL;
	*len = 0;
	if (!ar)
		return -ENOMEM;
	m = open_memstream(out, len);
	if (!m) {
		arena__free(ar);
		return -ENOMEM;
	}
	output_env(o, ar, &env);
	for (int i = 0; i < a->fmt.nsegs; i++) {
		const struct fmt_seg *s = &a->fmt.segs[i];

		if (!s->is_spec) {
			fwrite(s->text, 1, s->len, m);
			continue;
		}
		if (argi < a->nargs)
			print_arg(m, &env, s, &a->args[argi], rec, size);
		argi++;
	}
	fclose(m);
	arena__free(ar);
	return *out ? 0 : -ENOMEM;
}
