/* tracefs: locating (and mounting) it, tracepoint existence and wildcard
 * expansion over events/, and the format file parser (tracefs.h). */
#include "tracefs.h"
#include "tp_format.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRACEFS_DIR "/sys/kernel/tracing"
#define DEBUGFS_TRACING_DIR "/sys/kernel/debug/tracing"

static bool has_events(const char *root)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/events", root);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *compile_tracefs(struct compile_ctx *ctx)
{
	if (ctx->tracefs_tried)
		return ctx->tracefs_root;
	ctx->tracefs_tried = true;
	if (ctx->opts.tracefs) {
		if (*ctx->opts.tracefs)
			ctx->tracefs_root = ctx->opts.tracefs;
		return ctx->tracefs_root;
	}
	if (has_events(TRACEFS_DIR)) {
		ctx->tracefs_root = TRACEFS_DIR;
		return ctx->tracefs_root;
	}
	/* Unmounted at boot on some systems; as root we can mount it. */
	if (mount("tracefs", TRACEFS_DIR, "tracefs", 0, NULL) == 0 &&
	    has_events(TRACEFS_DIR))
		ctx->tracefs_root = TRACEFS_DIR;
	else if (has_events(DEBUGFS_TRACING_DIR))
		ctx->tracefs_root = DEBUGFS_TRACING_DIR;
	return ctx->tracefs_root;
}

/* ---- format files ---- */

/* The base type words of a declaration without qualifiers and '*':
 * "const char *" -> "char". */
static char *base_type(struct arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1), *w = out;
	const char *p = s, *end = s + n;

	while (p < end) {
		size_t len;

		while (p < end && (isspace((unsigned char)*p) || *p == '*'))
			p++;
		len = 0;
		while (p + len < end && !isspace((unsigned char)p[len]) &&
		       p[len] != '*')
			len++;
		if (!len)
			break;
		if (!((len == 5 && !strncmp(p, "const", 5)) ||
		      (len == 8 && !strncmp(p, "volatile", 8)))) {
			if (w != out)
				*w++ = ' ';
			memcpy(w, p, len);
			w += len;
		}
		p += len;
	}
	*w = '\0';
	return out;
}

static const struct {
	const char *name;
	int size;
	bool is_signed;
} c_ints[] = {
	{ "char", 1, true },	      { "signed char", 1, true },
	{ "unsigned char", 1, false }, { "u8", 1, false },
	{ "__u8", 1, false },	      { "s8", 1, true },
	{ "short", 2, true },	      { "unsigned short", 2, false },
	{ "u16", 2, false },	      { "s16", 2, true },
	{ "int", 4, true },	      { "unsigned int", 4, false },
	{ "unsigned", 4, false },      { "u32", 4, false },
	{ "__u32", 4, false },	      { "s32", 4, true },
	{ "long", 8, true },	      { "unsigned long", 8, false },
	{ "long long", 8, true },      { "unsigned long long", 8, false },
	{ "u64", 8, false },	      { "__u64", 8, false },
	{ "s64", 8, true },	      { "size_t", 8, false },
	{ "bool", 1, false },
	/* kernel typedefs: syscall tracepoint formats print signed:0 for
	 * every argument, so the declared type decides, as in bpftrace
	 * (whose C parser sees the typedef) */
	{ "off_t", 8, true },	      { "loff_t", 8, true },
	{ "ssize_t", 8, true },	      { "pid_t", 4, true },
	{ "time_t", 8, true },	      { "clockid_t", 4, true },
	{ "timer_t", 4, true },	      { "key_t", 4, true },
	{ "mqd_t", 4, true },	      { "key_serial_t", 4, true },
	{ "int32_t", 4, true },	      { "int64_t", 8, true },
	{ "long int", 8, true },
	{ "uid_t", 4, false },	      { "gid_t", 4, false },
	{ "qid_t", 4, false },	      { "umode_t", 2, false },
	{ "uint32_t", 4, false },     { "uint64_t", 8, false },
};

/* The signedness the declared type gives, else the format file's. */
static bool decl_signed(const char *base, bool fmt_signed)
{
	for (size_t i = 0; i < sizeof(c_ints) / sizeof(c_ints[0]); i++)
		if (!strcmp(base, c_ints[i].name))
			return c_ints[i].is_signed;
	return fmt_signed;
}

/* What a pointer in a format file points to. */
static struct type *pointee(struct arena *a, const char *base)
{
	for (size_t i = 0; i < sizeof(c_ints) / sizeof(c_ints[0]); i++)
		if (!strcmp(base, c_ints[i].name))
			return type_int(c_ints[i].size, c_ints[i].is_signed);
	if (!strcmp(base, "void"))
		return type_none();
	/* struct x, union y or a typedef: named, resolved later by name */
	{
		struct type *rec = type_record(a, base,
					       !strncmp(base, "union ", 6));
		rec->incomplete = true;
		return rec;
	}
}

static struct type *sized_int(struct arena *a, unsigned size, bool sign)
{
	if (size == 1 || size == 2 || size == 4 || size == 8)
		return type_int(size, sign);
	return type_array(a, type_int(1, false), size);
}

/* "char comm[16]": elements from the total size and the count. A plain
 * char array is a string, as bpftrace types it (its C parser turns
 * char[N] into string[N]); unsigned char and u8 arrays stay arrays. */
static struct type *array_field(struct arena *a, const struct tp_format_field *f,
				const char *bracket, const char *base)
{
	unsigned long count = strtoul(bracket + 1, NULL, 10);
	unsigned esize;
	bool sign = f->is_signed;

	if (!count || f->size % count)
		return type_array(a, type_int(1, false), f->size);
	esize = f->size / count;
	if (esize != 1 && esize != 2 && esize != 4 && esize != 8)
		return type_array(a, type_int(1, false), f->size);
	if (esize == 1 && !strcmp(base, "char"))
		return type_string(a, count);
	for (size_t i = 0; i < sizeof(c_ints) / sizeof(c_ints[0]); i++)
		if (!strcmp(base, c_ints[i].name))
			sign = c_ints[i].is_signed;
	return type_array(a, type_int(esize, sign), count);
}

static struct type *ptr_field(struct arena *a, const char *decl, size_t n,
			      enum addrspace as)
{
	struct type *t = pointee(a, base_type(a, decl, n));

	for (size_t i = 0; i < n; i++)
		if (decl[i] == '*')
			t = type_ptr(a, t, as);
	return t;
}

static int add_field(struct arena *a, struct type *rec,
		     const struct tp_format_field *f, enum addrspace as)
{
	const char *d = f->decl, *bracket = strchr(d, '[');
	const char *name = arena_strdup(a, f->name), *nb = d + f->name_off;
	struct type *t;

	if (f->dyn_loc) {
		struct field *fld;

		fld = type_record_add(a, rec, name, type_int(4, false),
				      f->offset, 0, 0);
		fld->dyn_loc = d[2] == 'd' ? FIELD_DATA_LOC : FIELD_REL_LOC;
		return 0;
	}
	if (!strncmp(name, "common_", 7))
		return 0;
	if (bracket)
		t = array_field(a, f, bracket, base_type(a, d, nb - d));
	else if (memchr(d, '*', nb - d))
		t = ptr_field(a, d, nb - d, as);
	else
		t = sized_int(a, f->size,
			      decl_signed(base_type(a, d, nb - d),
					  f->is_signed));
	type_record_add(a, rec, name, t, f->offset, 0, 0);
	return 0;
}

struct type *tracefs_parse_format(struct arena *a, const char *text,
				  const char *cat, const char *name)
{
	struct type *rec;
	enum addrspace as = !strcmp(cat, "syscalls") ? AS_USER : AS_KERNEL;
	const char *p = text;
	uint32_t size = 0;
	int nlines = 0;

	rec = type_record(a, arena_printf(a, "struct _tracepoint_%s_%s",
					  cat, name), false);
	rec->as = AS_KERNEL;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = arena_strndup(a, p, n);
		struct tp_format_field f;

		p = nl ? nl + 1 : NULL;
		if (!tp_format_line(line, &f))
			continue;
		if (add_field(a, rec, &f, as) < 0)
			continue;
		nlines++;
		if (f.offset + f.size > size)
			size = f.offset + f.size;
	}
	if (!nlines) {
		errno = EINVAL;
		return NULL;
	}
	rec->size = size;
	return rec;
}

/* ---- events/ ---- */

static char *event_path(struct compile_ctx *ctx, const char *cat,
			const char *name)
{
	const char *root = compile_tracefs(ctx);

	if (!root)
		return NULL;
	return arena_printf(ctx->arena, "%s/events/%s/%s/format", root, cat,
			    name);
}

bool tracefs_event_exists(struct compile_ctx *ctx, const char *cat,
			  const char *name)
{
	char *path;

	if (strchr(cat, '/') || strchr(name, '/') || !*cat || !*name)
		return false;
	path = event_path(ctx, cat, name);
	return path && access(path, F_OK) == 0;
}

static char *read_text(struct arena *a, const char *path)
{
	FILE *f = fopen(path, "re");
	size_t cap = 4096, n = 0, r;
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (n + 1 == cap) {
			char *nb = realloc(buf, cap *= 2);

			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	fclose(f);
	if (!buf)
		return NULL;
	buf[n] = '\0';
	{
		char *out = arena_strndup(a, buf, n);

		free(buf);
		return out;
	}
}

struct type *tracefs_event_type(struct compile_ctx *ctx, const char *cat,
				const char *name)
{
	char *path, *text;

	if (!tracefs_event_exists(ctx, cat, name)) {
		errno = ENOENT;
		return NULL;
	}
	path = event_path(ctx, cat, name);
	text = read_text(ctx->arena, path);
	if (!text)
		return NULL;
	return tracefs_parse_format(ctx->arena, text, cat, name);
}

static bool is_subdir(const char *dir, const char *name)
{
	char path[1024];
	struct stat st;

	if (name[0] == '.')
		return false;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

struct match_list {
	struct arena *a;
	const char **v;
	int n, cap;
};

static void match_add(struct match_list *m, const char *s)
{
	if (m->n == m->cap) {
		const char **nv;

		m->cap = m->cap ? m->cap * 2 : 16;
		nv = arena_calloc(m->a, m->cap, sizeof(*nv));
		if (m->n)
			memcpy(nv, m->v, m->n * sizeof(*nv));
		m->v = nv;
	}
	m->v[m->n++] = s;
}

static void match_events(struct compile_ctx *ctx, const char *catdir,
			 const char *cat, const char *name_pat,
			 struct match_list *m)
{
	DIR *d = opendir(catdir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!is_subdir(catdir, e->d_name) ||
		    fnmatch(name_pat, e->d_name, 0))
			continue;
		match_add(m, arena_printf(ctx->arena, "%s:%s", cat,
					  e->d_name));
	}
	closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int tracefs_events_match(struct compile_ctx *ctx, const char *cat_pat,
			 const char *name_pat, const char ***out)
{
	const char *root = compile_tracefs(ctx);
	struct match_list m = { .a = ctx->arena };
	char *events;
	struct dirent *e;
	DIR *d;

	*out = NULL;
	if (!root)
		return -ENOENT;
	events = arena_printf(ctx->arena, "%s/events", root);
	d = opendir(events);
	if (!d)
		return -ENOENT;
	while ((e = readdir(d))) {
		if (!is_subdir(events, e->d_name) ||
		    fnmatch(cat_pat, e->d_name, 0))
			continue;
		match_events(ctx, arena_printf(ctx->arena, "%s/%s", events,
					       e->d_name),
			     e->d_name, name_pat, &m);
	}
	closedir(d);
	if (m.n)
		qsort(m.v, m.n, sizeof(*m.v), cmp_str);
	*out = m.v;
	return m.n;
}

const char *tracefs_event_category(struct compile_ctx *ctx,
				   const char *name)
{
	const char **v;
	int n = tracefs_events_match(ctx, "*", name, &v);

	if (n <= 0)
		return NULL;
	return arena_strndup(ctx->arena, v[0], strcspn(v[0], ":"));
}
