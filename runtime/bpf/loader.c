/* loader.c: open, load, attach and detach a BPF object with libbpf,
 * keeping the verifier's log of a rejected program (see loader.h). */
#define _GNU_SOURCE /* vasprintf */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "loader.h"

/* The verifier's log per program, by default (config log_size). The
 * kernel (≥ 6.4) keeps the tail of a log that overflows, and the tail
 * is where the verifier says what went wrong. */
#define LOG_SIZE (256 * 1024)

struct prog_log {
	struct bpf_program *prog;
	char *buf;
};

struct loader {
	struct bpf_object *obj;
	void *image; /* libbpf reads it until load */
	struct bpf_link **links;
	struct bpf_program **linked; /* program of each link, or NULL */
	size_t nlinks, cap;
	struct prog_log *logs;
	size_t nlogs;
	const char *failed_prog;
	const char *failed_log;
	char *err;
	uint32_t log_size;
};

static int fail(struct loader *l, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct loader *l, int errnum, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) >= 0) {
		free(l->err);
		l->err = msg;
	}
	va_end(ap);
	return -errnum;
}

struct loader *loader__new(void)
{
	struct loader *l = calloc(1, sizeof(struct loader));

	if (l)
		l->log_size = LOG_SIZE;
	return l;
}

void loader__set_log_size(struct loader *l, uint32_t size)
{
	l->log_size = size;
}

static void free_logs(struct loader *l)
{
	for (size_t i = 0; i < l->nlogs; i++)
		free(l->logs[i].buf);
	free(l->logs);
	l->logs = NULL;
	l->nlogs = 0;
}

void loader__free(struct loader *l)
{
	if (!l)
		return;
	loader__detach(l);
	bpf_object__close(l->obj);
	free(l->links);
	free(l->linked);
	free(l->image);
	free_logs(l);
	free(l->err);
	free(l);
}

int loader__open_mem(struct loader *l, const void *buf, size_t len,
		     const char *name)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = name);
	int err;

	if (l->obj)
		return fail(l, EBUSY, "An object is already open");
	l->image = malloc(len);
	if (!l->image)
		return fail(l, ENOMEM, "Out of memory");
	memcpy(l->image, buf, len);
	l->obj = bpf_object__open_mem(l->image, len, &opts);
	if (!l->obj) {
		err = errno;
		free(l->image);
		l->image = NULL;
		return fail(l, err, "Cannot open the BPF object: %s",
			    strerror(err));
	}
	return 0;
}

/* A log buffer per program: libbpf asks for a log only when a load
 * fails, so the rejected program is the one whose log is not empty. */
static int alloc_logs(struct loader *l)
{
	struct bpf_program *p;
	size_t n = 0;

	bpf_object__for_each_program(p, l->obj) n++;
	l->logs = calloc(n ? n : 1, sizeof(*l->logs));
	if (!l->logs)
		return fail(l, ENOMEM, "Out of memory");
	bpf_object__for_each_program(p, l->obj)
	{
		struct prog_log *pl = &l->logs[l->nlogs++];

		pl->prog = p;
		pl->buf = calloc(1, l->log_size);
		if (!pl->buf)
			return fail(l, ENOMEM, "Out of memory");
		bpf_program__set_log_buf(p, pl->buf, l->log_size);
	}
	return 0;
}

static void find_rejected(struct loader *l)
{
	for (size_t i = 0; i < l->nlogs; i++) {
		if (l->logs[i].buf[0]) {
			l->failed_prog = bpf_program__name(l->logs[i].prog);
			l->failed_log = l->logs[i].buf;
			return;
		}
	}
}

/* Whether the object's BTF type t is something it uses from the kernel
 * by name (*func: a function): a kfunc, or an extern variable of
 * section .ksyms (a typed ksym; in_ksyms: t is an entry of it). libbpf
 * has made the kfuncs global functions at open and replaced their
 * entries of .ksyms with a variable of its own (dummy_ksym, allocated):
 * a kfunc is a function not static (the helpers linked in are) that is
 * no program. */
static bool kernel_extern(struct loader *l, const struct btf *obj,
			  const struct btf_type *t, bool in_ksyms, bool *func)
{
	*func = btf_is_func(t);
	if (*func)
		return btf_vlen(t) != BTF_FUNC_STATIC && /* the linkage */
		       !bpf_object__find_program_by_name(
			   l->obj, btf__name_by_offset(obj, t->name_off));
	return in_ksyms && btf_is_var(t) &&
	       btf_var(t)->linkage == BTF_VAR_GLOBAL_EXTERN;
}

/* The first kernel function or variable the object uses (kernel_extern)
 * that this kernel's BTF lacks, or NULL; *func says which. libbpf's own
 * message shows only with -v. */
static const char *missing_ksym(struct loader *l, bool *func)
{
	struct btf *obj = bpf_object__btf(l->obj), *vm;
	const char *missing = NULL, *name;
	int n = obj ? (int)btf__type_cnt(obj) : 0;

	vm = n ? btf__load_vmlinux_btf() : NULL;
	for (int i = 1; vm && !missing && i < n; i++) {
		const struct btf_type *t = btf__type_by_id(obj, i), *e;
		const struct btf_var_secinfo *v;
		bool ksyms = false;

		if (btf_is_datasec(t)) {
			ksyms = !strcmp(btf__name_by_offset(obj, t->name_off),
					".ksyms");
			v = btf_var_secinfos(t);
			for (int k = 0; ksyms && !missing && k < btf_vlen(t);
			     k++) {
				e = btf__type_by_id(obj, v[k].type);
				name = btf__name_by_offset(obj, e->name_off);
				if (kernel_extern(l, obj, e, true, func) &&
				    !*func &&
				    btf__find_by_name_kind(vm, name,
							   BTF_KIND_VAR) < 0)
					missing = name;
			}
			continue;
		}
		name = btf__name_by_offset(obj, t->name_off);
		if (kernel_extern(l, obj, t, false, func) &&
		    btf__find_by_name_kind(vm, name, BTF_KIND_FUNC) < 0)
			missing = name;
	}
	btf__free(vm);
	return missing;
}

int loader__load(struct loader *l)
{
	const char *name;
	bool func;
	int err;

	if (!l->obj)
		return fail(l, EINVAL, "No object is open");
	err = alloc_logs(l);
	if (err)
		return err;
	err = bpf_object__load(l->obj);
	free(l->image);
	l->image = NULL;
	if (!err) {
		free_logs(l);
		return 0;
	}
	find_rejected(l);
	if (l->failed_prog)
		return fail(l, -err, "The verifier rejected program %s: %s",
			    l->failed_prog, strerror(-err));
	free_logs(l);
	name = missing_ksym(l, &func);
	if (name)
		return fail(l, -err,
			    "Cannot load the BPF object: this kernel has no %s "
			    "%s (not in its BTF), which the program uses",
			    func ? "kernel function" : "kernel variable", name);
	return fail(l, -err, "Cannot load the BPF object: %s", strerror(-err));
}

static int grow_links(struct loader *l)
{
	size_t cap = l->cap ? l->cap * 2 : 16;
	struct bpf_link **links;
	struct bpf_program **linked;

	links = realloc(l->links, cap * sizeof(*links));
	if (!links)
		return -ENOMEM;
	l->links = links;
	linked = realloc(l->linked, cap * sizeof(*linked));
	if (!linked)
		return -ENOMEM;
	l->linked = linked;
	l->cap = cap;
	return 0;
}

static int keep_link(struct loader *l, struct bpf_link *link,
		     struct bpf_program *prog)
{
	if (l->nlinks == l->cap && grow_links(l)) {
		bpf_link__destroy(link);
		return fail(l, ENOMEM, "Out of memory");
	}
	l->links[l->nlinks] = link;
	l->linked[l->nlinks++] = prog;
	return 0;
}

int loader__add_link(struct loader *l, struct bpf_link *link)
{
	return keep_link(l, link, NULL);
}

int loader__destroy_link(struct loader *l, struct bpf_link *link)
{
	for (size_t i = 0; i < l->nlinks; i++) {
		if (l->links[i] != link)
			continue;
		bpf_link__destroy(link);
		l->links[i] = l->links[--l->nlinks];
		l->linked[i] = l->linked[l->nlinks];
		return 0;
	}
	return -ENOENT;
}

static bool is_linked(const struct loader *l, const struct bpf_program *p)
{
	for (size_t i = 0; i < l->nlinks; i++)
		if (l->linked[i] == p)
			return true;
	return false;
}

int loader__attach(struct loader *l)
{
	struct bpf_program *p;
	struct bpf_link *link;
	int err;

	if (!l->obj)
		return fail(l, EINVAL, "No object is open");
	bpf_object__for_each_program(p, l->obj)
	{
		if (bpf_program__fd(p) < 0 || is_linked(l, p))
			continue;
		link = bpf_program__attach(p);
		if (!link) {
			err = errno;
			return fail(l, err, "Cannot attach program %s (%s): %s",
				    bpf_program__name(p),
				    bpf_program__section_name(p),
				    strerror(err));
		}
		err = keep_link(l, link, p);
		if (err)
			return err;
	}
	return 0;
}

void loader__detach(struct loader *l)
{
	for (size_t i = 0; i < l->nlinks; i++)
		bpf_link__destroy(l->links[i]);
	l->nlinks = 0;
}

const char *loader__strerror(const struct loader *l)
{
	return l->err ? l->err : "";
}

const char *loader__failed_prog(const struct loader *l)
{
	return l->failed_prog;
}

const char *loader__verifier_log(const struct loader *l)
{
	return l->failed_log;
}

unsigned loader__log_line(const struct loader *l)
{
	const char *s = l->failed_log, *at;
	unsigned line = 0, n;

	if (!s)
		return 0;
	/* source lines look like "; TEXT @ FILE:LINE" */
	for (; (at = strstr(s, " @ ")); s = at + 3) {
		const char *eol = strchr(at, '\n');
		const char *colon =
		    memrchr(at, ':', eol ? eol - at : strlen(at));

		if (colon && sscanf(colon + 1, "%u", &n) == 1)
			line = n;
	}
	return line;
}

struct bpf_object *loader__object(struct loader *l)
{
	return l->obj;
}

int loader__map_fd(struct loader *l, const char *name)
{
	struct bpf_map *m;

	m = l->obj ? bpf_object__find_map_by_name(l->obj, name) : NULL;
	return m ? bpf_map__fd(m) : -ENOENT;
}

size_t loader__nlinks(const struct loader *l)
{
	return l->nlinks;
}

struct bpf_link *loader__link(const struct loader *l, size_t i)
{
	return i < l->nlinks ? l->links[i] : NULL;
}

int loader_tracefs_ensure(void)
{
	static const char dir[] = "/sys/kernel/tracing";
	struct stat st;

	if (stat("/sys/kernel/tracing/events", &st) == 0)
		return 0;
	if (mount("tracefs", dir, "tracefs", 0, NULL))
		return -errno;
	return 0;
}

/* The offset and size of the .rodata variable name, or -ENOENT. */
static int rodata_var(struct bpf_object *obj, const char *name,
		      size_t *off, size_t *size)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *t;
	int id;

	if (!btf)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	if (!t)
		return -ENOENT;
	vs = btf_var_secinfos(t);
	for (int i = 0; i < btf_vlen(t); i++, vs++) {
		const struct btf_type *v = btf__type_by_id(btf, vs->type);

		if (v && !strcmp(btf__name_by_offset(btf, v->name_off),
				 name)) {
			*off = vs->offset;
			*size = vs->size;
			return 0;
		}
	}
	return -ENOENT;
}

int loader__set_rodata(struct loader *l, const char *name, const void *value,
		       size_t size)
{
	struct bpf_object *obj = loader__object(l);
	struct bpf_map *m = obj ? bpf_object__find_map_by_name(obj, ".rodata")
				: NULL;
	size_t off, vsize, total = 0;
	const void *init;
	char *data;
	int err;

	if (!m || rodata_var(obj, name, &off, &vsize))
		return -ENOENT;
	init = bpf_map__initial_value(m, &total);
	if (!init || size != vsize || off + size > total)
		return -EINVAL;
	/* libbpf 1.1 lends the initial value read-only: set a copy */
	data = malloc(total);
	if (!data)
		return -ENOMEM;
	memcpy(data, init, total);
	memcpy(data + off, value, size);
	err = bpf_map__set_initial_value(m, data, total);
	free(data);
	return err;
}
