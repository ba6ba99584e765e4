/* Kernel symbolization (kallsyms.h): a sorted array of text symbols from
 * /proc/kallsyms, searched by address. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"

struct ksym {
	uint64_t addr;
	const char *name;
};

struct kallsyms {
	struct ksym *syms;
	size_t n, cap;
	char *names;     /* one buffer holding every name */
};

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int ksyms_push(struct kallsyms *k, uint64_t addr, const char *name)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 1024;
		struct ksym *s = realloc(k->syms, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		k->syms = s;
		k->cap = cap;
	}
	k->syms[k->n].addr = addr;
	k->syms[k->n++].name = name;
	return 0;
}

/* One line "addr type name [module]" of names[], cut in place. */
static int ksyms_line(struct kallsyms *k, char *line)
{
	char *end, *name, type;
	uint64_t addr = strtoull(line, &end, 16);

	if (end == line || *end != ' ' || !addr || addr == UINT64_MAX)
		return 0;
	type = end[1];
	if (!type || end[2] != ' ')
		return 0;
	if (strchr("bBdDrR", type))
		return 0;
	name = end + 3;
	name[strcspn(name, " \t")] = '\0';
	if (!*name)
		return 0;
	return ksyms_push(k, addr, name);
}

struct kallsyms *ksyms__parse(const char *text, size_t len)
{
	struct kallsyms *k = calloc(1, sizeof(*k));
	char *line, *next;
	int err = 0;

	if (!k || !(k->names = malloc(len + 1))) {
		free(k);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(k->names, text, len);
	k->names[len] = '\0';
	for (line = k->names; line && *line && !err; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		err = ksyms_line(k, line);
	}
	if (!err && !k->n)
		err = -ENODATA;
	if (err) {
		ksyms__free(k);
		errno = -err;
		return NULL;
	}
	qsort(k->syms, k->n, sizeof(*k->syms), ksym_cmp);
	return k;
}

struct kallsyms *ksyms__load(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	struct kallsyms *k = NULL;

	if (!f)
		return NULL;
	do {
		if (cap - len < 65536) {
			char *b = realloc(buf, cap += 1 << 20);

			if (!b) {
				errno = ENOMEM;
				goto out;
			}
			buf = b;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got);
	if (ferror(f)) {
		errno = EIO;
		goto out;
	}
	k = ksyms__parse(buf, len);
out:
	free(buf);
	fclose(f);
	return k;
}

void ksyms__free(struct kallsyms *k)
{
	if (!k)
		return;
	free(k->syms);
	free(k->names);
	free(k);
}

size_t ksyms__count(const struct kallsyms *k)
{
	return k ? k->n : 0;
}

const char *ksyms__resolve(const struct kallsyms *k, uint64_t addr,
			   uint64_t *offset)
{
	size_t lo = 0, hi;

	if (!k || !k->n || addr < k->syms[0].addr)
		return NULL;
	/* last symbol with syms[i].addr <= addr */
	hi = k->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (offset)
		*offset = addr - k->syms[lo].addr;
	return k->syms[lo].name;
}
