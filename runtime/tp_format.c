/* Tracepoint format file lines (tp_format.h). */
#include "tp_format.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool line_value(const char *line, const char *key, unsigned *out)
{
	const char *p = strstr(line, key);
	char *end;
	unsigned long v;

	if (!p)
		return false;
	v = strtoul(p + strlen(key), &end, 10);
	if (end == p + strlen(key))
		return false;
	*out = (unsigned)v;
	return true;
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The field's name: the identifier before the '[' of an array, else the
 * last one of the declaration ("__data_loc char[] name" too). */
static bool decl_name(struct tp_format_field *f)
{
	const char *d = f->decl, *bracket = strchr(d, '[');
	const char *end = bracket && strncmp(d, "__data_loc", 10) &&
			  strncmp(d, "__rel_loc", 9) ? bracket : d + strlen(d);
	const char *b;

	while (end > d && !is_ident_char(end[-1]))
		end--;
	b = end;
	while (b > d && is_ident_char(b[-1]))
		b--;
	if (b == end || (size_t)(end - b) >= sizeof(f->name))
		return false;
	memcpy(f->name, b, end - b);
	f->name[end - b] = '\0';
	f->name_off = (unsigned)(b - d);
	return true;
}

bool tp_format_line(const char *line, struct tp_format_field *f)
{
	const char *p = strstr(line, "field:"), *semi;
	unsigned sign = 0;
	size_t n;

	if (!p)
		return false;
	p += 6;
	semi = strchr(p, ';');
	if (!semi)
		return false;
	n = semi - p;
	if (n == 0 || n >= sizeof(f->decl))
		return false;
	memcpy(f->decl, p, n);
	f->decl[n] = '\0';
	if (!line_value(semi, "offset:", &f->offset) ||
	    !line_value(semi, "size:", &f->size) || !decl_name(f))
		return false;
	line_value(semi, "signed:", &sign);
	f->is_signed = sign != 0;
	f->dyn_loc = !strncmp(f->decl, "__data_loc", 10) ||
		     !strncmp(f->decl, "__rel_loc", 9);
	return true;
}

int tp_format_each(const char *text, unsigned long len,
		   int (*fn)(const struct tp_format_field *f, void *arg),
		   void *arg)
{
	const char *p = text, *end = text + len;
	struct tp_format_field f;
	char line[512];
	int rc;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = (nl ? nl : end) - p;

		if (n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = '\0';
			if (tp_format_line(line, &f) && (rc = fn(&f, arg)))
				return rc;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}
