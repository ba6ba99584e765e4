/* run_fit.c: between opening a program's object and loading it, whether
 * the program fits (run_impl.h, run_fit):
 *   - its object: every map the metadata describes is there, with the
 *     key and value sizes the output decodes by (an artifact is checked,
 *     not trusted);
 *   - this kernel: every tracepoint field a program reads is, in this
 *     kernel's format file, where it was when the program was compiled
 *     (CO-RE relocations cover kernel structs; tracepoint records are
 *     laid out by tracefs, so their layout is checked here instead);
 *   - the run: a program that reads cpid needs -c CMD;
 * and the run-time constants it reads: -p PID into ET_FILTER_PID_VAR. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "options.h"
#include "run_impl.h"
#include "tp_format.h"

static int check_maps(struct run *r, struct bpf_object *obj)
{
	for (int i = 0; i < r->prog->nmaps; i++) {
		const struct et_map *m = &r->prog->maps[i];
		struct bpf_map *bm = bpf_object__find_map_by_name(obj,
								  m->bpf_name);

		if (!bm || bpf_map__key_size(bm) != m->key_size ||
		    bpf_map__value_size(bm) != m->value_size) {
			run_error("corrupt artifact: map %s (%s) %s", m->name,
				  m->bpf_name, bm ? "differs from the object's"
				  : "is not in the object");
			return -EINVAL;
		}
	}
	return 0;
}

/* Programs that fire for any process (attach.h: pid_scoped). */
static bool has_kernel_side(const struct et_program *p)
{
	for (int i = 0; i < p->nprobes; i++)
		if (!attach_provider(p->probes[i].kind)->pid_scoped)
			return true;
	return false;
}

/* -p PID (or 0) where the kernel-side programs read it. */
static int set_filter_pid(struct run *r)
{
	uint32_t pid = (uint32_t)r->o->pid;
	int err = loader__set_rodata(r->l, ET_FILTER_PID_VAR, &pid,
				     sizeof(pid));

	if (err == -ENOENT && pid && has_kernel_side(r->prog)) {
		run_error("this program was compiled without -p support: "
			  "compile it with -p, or with --compile-only");
		return -EINVAL;
	}
	if (err == -ENOENT)
		return 0; /* no program filters by process */
	if (err)
		run_error("cannot set -p in the program's read-only data: %s",
			  strerror(-err));
	return err;
}

/* The CPUs a per-CPU total adds up (ET_NCPUS_VAR), when a program reads
 * one. */
static int set_ncpus(struct run *r)
{
	int n = libbpf_num_possible_cpus();
	uint32_t v = n > 0 ? (uint32_t)n : 1;
	int err = loader__set_rodata(r->l, ET_NCPUS_VAR, &v, sizeof(v));

	if (err == -ENOENT)
		return 0;
	if (err)
		run_error("cannot set the number of CPUs in the program's "
			  "read-only data: %s",
			  strerror(-err));
	return err;
}

/* pid(curr_ns), tid(curr_ns): etrace's own PID namespace. */
static int set_rodata_u64(struct run *r, const char *var, uint64_t v)
{
	int err = loader__set_rodata(r->l, var, &v, sizeof(v));

	if (err && err != -ENOENT)
		run_error("cannot set %s in the program's read-only data: %s",
			  var, strerror(-err));
	return err == -ENOENT ? 0 : err;
}

static int set_pidns(struct run *r)
{
	struct stat st;
	int err;

	if (stat("/proc/self/ns/pid", &st)) {
		st.st_dev = 0;
		st.st_ino = 0;
	}
	err = set_rodata_u64(r, ET_PIDNS_DEV_VAR, st.st_dev);
	if (!err)
		err = set_rodata_u64(r, ET_PIDNS_INO_VAR, st.st_ino);
	return err;
}

static char *read_small_file(const char *path, size_t *len)
{
	char *buf = malloc(65536);
	ssize_t n = 0, k;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while (n < 65535 && (k = read(fd, buf + n, 65535 - n)) > 0)
		n += k;
	close(fd);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

struct field_find {
	const char *name;
	struct tp_format_field found;
	bool ok;
};

static int match_field(const struct tp_format_field *f, void *arg)
{
	struct field_find *ff = arg;

	if (strcmp(f->name, ff->name))
		return 0;
	ff->found = *f;
	ff->ok = true;
	return 1;
}

/* The fields ep reads, in tracepoint cat:name (one of ep's targets). */
static int check_tracepoint(struct run *r, const struct et_probe *ep,
			    const char *tp)
{
	const char *root = attach_tracefs(), *colon = strchr(tp, ':');
	char path[512], msg[512];
	const char *was = r->prog->kernel ? r->prog->kernel : "another kernel";
	size_t len = 0;
	char *text;

	if (!root || !colon)
		return 0; /* attaching says what is missing */
	snprintf(path, sizeof(path), "%s/events/%.*s/%s/format", root,
		 (int)(colon - tp), tp, colon + 1);
	text = read_small_file(path, &len);
	if (!text)
		return 0;
	for (int i = 0; i < ep->ntp_fields; i++) {
		const struct et_tp_field *f = &ep->tp_fields[i];
		struct field_find ff = { .name = f->name };

		tp_format_each(text, len, match_field, &ff);
		if (ff.ok && ff.found.offset == f->offset &&
		    (ff.found.dyn_loc ? 4 : ff.found.size) == f->size)
			continue;
		if (!ff.ok)
			snprintf(msg, sizeof(msg), "tracepoint:%s has no field "
				 "'%s' on this kernel", tp, f->name);
		else
			snprintf(msg, sizeof(msg), "tracepoint:%s: field '%s' "
				 "is at offset %u (%u bytes) on this kernel, "
				 "not at offset %u (%u bytes)", tp, f->name,
				 ff.found.offset, ff.found.size, f->offset,
				 f->size);
		free(text);
		run_script_error(r, f->loc, msg, arena_printf(r->arena,
			"the program was compiled on %s: compile it again "
			"for this kernel", was));
		return -EINVAL;
	}
	free(text);
	return 0;
}

static int check_tracepoints(struct run *r)
{
	char tp[512];
	int err = 0;

	for (int i = 0; i < r->prog->nprobes && !err; i++) {
		const struct et_probe *ep = &r->prog->probes[i];

		if (ep->kind != PK_TRACEPOINT || !ep->ntp_fields)
			continue;
		if (ep->attach_target) {
			err = check_tracepoint(r, ep, ep->attach_target);
			continue;
		}
		for (int k = 0; k < ep->nmatches && !err; k++)
			err = check_tracepoint(r, ep, ep->matches[k]);
		if (!ep->wildcard && ep->target && ep->func) {
			snprintf(tp, sizeof(tp), "%s:%s", ep->target, ep->func);
			err = check_tracepoint(r, ep, tp);
		}
	}
	return err;
}

int run_fit(struct run *r)
{
	struct bpf_object *obj = loader__object(r->l);
	int err;

	if (r->prog->needs_child && !r->o->cmd) {
		run_error("this program reads cpid: run it with -c CMD");
		return -EINVAL;
	}
	if (r->prog->needs_unsafe && !r->o->unsafe) {
		run_error("this program calls system() or signal(): run it "
			  "with --unsafe");
		return -EINVAL;
	}
	err = check_maps(r, obj);
	if (!err)
		err = set_filter_pid(r);
	if (!err)
		err = set_ncpus(r);
	if (!err)
		err = set_pidns(r);
	if (!err)
		err = run_cgroup_fit(r);
	if (!err && r->prog->noptions)
		err = options__set(r->l, r->prog, r->o->named, r->o->nnamed);
	if (!err && !r->o->fresh)
		err = check_tracepoints(r);
	return err;
}
