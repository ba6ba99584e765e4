/* The kernel function index (kfuncs.h): one buffer holding the file, NUL-
 * terminated names pointing into it, sorted and deduplicated. */
#include "kfuncs.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ksym_index {
	char *buf;
	char **names;
	size_t n;
};

void ksym_index_free(struct ksym_index *idx)
{
	if (!idx)
		return;
	free(idx->names);
	free(idx->buf);
	free(idx);
}

/* /proc and tracefs files report size 0: read until EOF. A read error
 * (tracefs answers EPERM under lockdown) fails the whole load. */
static char *read_all(const char *path, size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	char *buf = NULL, *nb;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	for (;;) {
		if (!buf || n + 1 >= cap) {
			cap = buf ? cap * 2 : cap;
			nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	r = errno;
	free(buf);
	close(fd);
	errno = (int)r;
	return NULL;
}

static bool is_hex_word(const char *s, size_t len)
{
	if (len < 8)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	return true;
}

/* Cuts one line into its function name (in place); NULL to skip it. */
static char *line_name(char *line)
{
	char *tok[3];
	int ntok = 0;
	char *p = line;

	while (ntok < 3) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		tok[ntok++] = p;
		p += strcspn(p, " \t");
		if (*p)
			*p++ = '\0';
	}
	if (ntok == 0)
		return NULL;
	if (ntok == 3 && is_hex_word(tok[0], strlen(tok[0])) &&
	    strlen(tok[1]) == 1) {
		/* kallsyms: only text symbols are functions */
		if (tok[1][0] != 't' && tok[1][0] != 'T')
			return NULL;
		return tok[2];
	}
	if (tok[0][0] == '#')
		return NULL;
	return tok[0];
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int index_lines(struct ksym_index *idx, size_t len)
{
	size_t cap = 1024, n = 0;
	char *p = idx->buf, *end = idx->buf + len;

	idx->names = malloc(cap * sizeof(*idx->names));
	if (!idx->names)
		return -ENOMEM;
	while (p < end) {
		char *nl = memchr(p, '\n', end - p);
		char *name;

		if (nl)
			*nl = '\0';
		name = line_name(p);
		p = nl ? nl + 1 : end;
		if (!name)
			continue;
		if (n == cap) {
			char **nn = realloc(idx->names,
					    2 * cap * sizeof(*nn));
			if (!nn)
				return -ENOMEM;
			idx->names = nn;
			cap *= 2;
		}
		idx->names[n++] = name;
	}
	qsort(idx->names, n, sizeof(*idx->names), cmp_names);
	idx->n = 0;
	for (size_t i = 0; i < n; i++)
		if (!idx->n || strcmp(idx->names[idx->n - 1], idx->names[i]))
			idx->names[idx->n++] = idx->names[i];
	return idx->n ? 0 : -ENODATA;
}

static struct ksym_index *index_buf(char *buf, size_t len)
{
	struct ksym_index *idx = calloc(1, sizeof(*idx));
	int err;

	if (!idx) {
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	idx->buf = buf;
	err = index_lines(idx, len);
	if (err) {
		ksym_index_free(idx);
		errno = -err;
		return NULL;
	}
	return idx;
}

struct ksym_index *ksym_index_parse(const char *text, size_t len)
{
	char *buf = malloc(len + 1);

	if (!buf) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	return index_buf(buf, len);
}

struct ksym_index *ksym_index_load(const char *path)
{
	size_t len;
	char *buf = read_all(path, &len);

	if (!buf)
		return NULL;
	return index_buf(buf, len);
}

size_t ksym_index_count(const struct ksym_index *idx)
{
	return idx ? idx->n : 0;
}

bool ksym_index_has(const struct ksym_index *idx, const char *name)
{
	if (!idx)
		return false;
	return bsearch(&name, idx->names, idx->n, sizeof(*idx->names),
		       cmp_names) != NULL;
}

int ksym_index_match(const struct ksym_index *idx, const char *pattern,
		     int (*fn)(const char *name, void *arg), void *arg)
{
	size_t lit = strcspn(pattern, "*?[\\");
	size_t i = 0;
	int count = 0;

	if (!idx)
		return 0;
	/* Names sharing the literal prefix are contiguous: start there. */
	if (lit) {
		size_t lo = 0, hi = idx->n;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (strncmp(idx->names[mid], pattern, lit) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		i = lo;
	}
	for (; i < idx->n; i++) {
		if (lit && strncmp(idx->names[i], pattern, lit))
			break;
		if (fnmatch(pattern, idx->names[i], 0))
			continue;
		count++;
		if (fn && fn(idx->names[i], arg))
			break;
	}
	return count;
}
