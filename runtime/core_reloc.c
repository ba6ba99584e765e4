/* core_reloc.c: why a program's kernel struct field access could not be
 * relocated on this kernel, said at the access (core_reloc.h). Reads the
 * verifier's log of the rejected program (libbpf 1.1 rewrites the line of
 * the instruction it poisoned into "failed to resolve CO-RE relocation
 * <byte_off> [30] struct task_struct.x (0:7 @ offset 96)"), the program's
 * list of accesses, and the running kernel's BTF, walked along the access
 * to find the first member it lacks. */
#include "core_reloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "bpf/loader.h"
#include "run_impl.h"

#define CORE_FAILED "failed to resolve CO-RE relocation "
/* the call libbpf puts in place of an unresolved relocation's
 * instruction: "invalid func unknown#195896080" (0xbad2310) */
#define CORE_POISON "unknown#195896080"

/* Copies the n bytes at s into a buffer of size bytes, NUL-terminated. */
static void copy(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Past "<kind> " and "[id] " of a spec, if there. */
static const char *skip_tag(const char *s, char open, char close)
{
	const char *e = *s == open ? strchr(s, close) : NULL;

	if (!e)
		return s;
	return e + 1 + (e[1] == ' ');
}

/* "<byte_off> [30] struct task_struct___etrace1.f_path.dentry (0:7..." */
static void parse_spec(const char *s, struct core_failure *f)
{
	const char *name, *end, *flavor;
	size_t kind, root, n;

	s = skip_tag(skip_tag(s, '<', '>'), '[', ']');
	if (!strncmp(s, "struct ", 7))
		kind = 6;
	else if (!strncmp(s, "union ", 6))
		kind = 5;
	else
		return;
	name = s + kind + 1;
	end = name + strcspn(name, " (\n");
	root = strcspn(name, ".[ (\n");
	if (name[root] != '.' && name[root] != '[')
		return; /* no field named */
	flavor = strstr(name, "___");
	n = flavor && flavor < name + root ? (size_t)(flavor - name) : root;
	snprintf(f->type, sizeof(f->type), "%.*s %.*s", (int)kind, s, (int)n,
		 name);
	name += root + (name[root] == '.');
	copy(f->access, sizeof(f->access), name, (size_t)(end - name));
}

bool core_reloc_failed(const char *log, struct core_failure *f)
{
	const char *s = log ? strstr(log, CORE_FAILED) : NULL;

	memset(f, 0, sizeof(*f));
	if (!s)
		return log && strstr(log, CORE_POISON);
	parse_spec(s + strlen(CORE_FAILED), f);
	return true;
}

/* ---- the kernel's side ---- */

static int skip_mods(const struct btf *btf, int id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return t ? id : 0;
}

/* Member name of composite id, also inside anonymous members (as libbpf
 * matches it): its type, or 0. */
static int find_member(const struct btf *btf, int id, const char *name)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m = btf_members(t);
	int in;

	for (int i = 0; i < btf_vlen(t); i++) {
		const char *n = btf__name_by_offset(btf, m[i].name_off);
		const struct btf_type *mt;

		if (n && *n) {
			if (!strcmp(n, name))
				return skip_mods(btf, m[i].type);
			continue;
		}
		in = skip_mods(btf, m[i].type);
		mt = btf__type_by_id(btf, in);
		if (mt && btf_is_composite(mt) &&
		    (in = find_member(btf, in, name)))
			return in;
	}
	return 0;
}

/* One step of "a.b[2]": 1 a name (in name), 2 an index, 0 the end. */
static int next_step(const char **p, char *name, size_t n, unsigned *idx)
{
	const char *s = *p + (**p == '.');
	size_t k;

	if (!*s)
		return 0;
	if (*s == '[') {
		*idx = (unsigned)strtoul(s + 1, (char **)p, 10);
		*p += **p == ']';
		return 2;
	}
	k = strcspn(s, ".[");
	copy(name, n, s, k);
	*p = s + k;
	return 1;
}

/* One step of an access from the kernel's type *id, in the record
 * named where: the step's type in *id, or false with a sentence in msg. */
static bool step_in(const struct btf *k, int *id, int step, const char *name,
		    unsigned idx, const char *where, char *msg, size_t len)
{
	const struct btf_type *t = btf__type_by_id(k, *id);

	if (step == 2 && btf_is_array(t) && idx < btf_array(t)->nelems) {
		*id = skip_mods(k, btf_array(t)->type);
		return true;
	}
	if (step == 2) {
		snprintf(msg, len,
			 "%s's field '%s' has no element %u on this "
			 "kernel",
			 where, name, idx);
		return false;
	}
	if (btf_is_composite(t) && (*id = find_member(k, *id, name)))
		return true;
	snprintf(msg, len, "%s has no field '%s' on this kernel", where, name);
	return false;
}

/* The first step of type.access the kernel lacks, as a sentence in msg;
 * false when it has them all. */
static bool missing(const struct btf *k, const char *type, const char *access,
		    char *msg, size_t len)
{
	bool is_union = !strncmp(type, "union ", 6);
	const char *p = access, *where = type;
	char name[128] = "", wbuf[160];
	const struct btf_type *t;
	unsigned idx = 0;
	int id, step;

	id =
	    btf__find_by_name_kind(k, type + (is_union ? 6 : 7),
				   is_union ? BTF_KIND_UNION : BTF_KIND_STRUCT);
	if (id <= 0) {
		snprintf(msg, len, "%s does not exist on this kernel", type);
		return true;
	}
	while ((step = next_step(&p, name, sizeof(name), &idx))) {
		if (!step_in(k, &id, step, name, idx, where, msg, len))
			return true;
		t = btf__type_by_id(k, id);
		if (btf_is_composite(t) && t->name_off) { /* names the next */
			snprintf(wbuf, sizeof(wbuf), "%s %s",
				 btf_is_union(t) ? "union" : "struct",
				 btf__name_by_offset(k, t->name_off));
			where = wbuf;
		}
	}
	return false;
}

/* ---- the program's side ---- */

static unsigned loc_line(const struct source *src, struct loc l)
{
	int line = 0, col = 0;

	if (!loc_valid(l) || !src || !src->text)
		return 0;
	source_line_col(src, l.begin, &line, &col);
	return (unsigned)line;
}

/* The place of type.access in ep: on line if one is, else the first. */
static const struct et_core_field *pick(const struct et_probe *ep,
					const struct source *src,
					const struct core_failure *f,
					unsigned line)
{
	const struct et_core_field *first = NULL;

	for (int i = 0; i < ep->ncore_fields; i++) {
		const struct et_core_field *c = &ep->core_fields[i];

		if (strcmp(c->type, f->type) || strcmp(c->access, f->access))
			continue;
		if (line && loc_line(src, c->loc) == line)
			return c;
		if (!first)
			first = c;
	}
	return first;
}

void core_reloc_explain(const struct et_probe *ep, const struct source *src,
			const struct core_failure *f, unsigned line,
			const struct btf *kbtf, const struct et_core_field **at,
			char *msg, size_t len)
{
	*at = NULL;
	if (f->type[0]) {
		*at = pick(ep, src, f, line);
		if (!kbtf || !missing(kbtf, f->type, f->access, msg, len))
			snprintf(msg, len,
				 "%s's field '%s' has another type "
				 "on this kernel",
				 f->type, f->access);
		return;
	}
	for (int i = 0; kbtf && i < ep->ncore_fields; i++) {
		*at = &ep->core_fields[i];
		if (missing(kbtf, (*at)->type, (*at)->access, msg, len))
			return;
	}
	*at = NULL;
	snprintf(msg, len,
		 "a kernel struct field the program reads cannot "
		 "be found on this kernel");
}

/* ---- in a run ---- */

static const struct et_probe *probe_named(struct run *r, const char *name)
{
	for (int i = 0; name && i < r->prog->nprobes; i++) {
		const struct et_probe *ep = &r->prog->probes[i];

		if ((ep->prog_name && !strcmp(ep->prog_name, name)) ||
		    (ep->ret_prog_name && !strcmp(ep->ret_prog_name, name)))
			return ep;
	}
	return NULL;
}

static const char *compiled_on(struct run *r)
{
	return arena_printf(r->arena,
			    "the program was compiled on %s: "
			    "compile it again for this kernel",
			    r->prog->kernel ? r->prog->kernel
					    : "another kernel");
}

/* No log: libbpf stopped before the verifier. Without kernel BTF no
 * relocation can be resolved; say so at the first access. */
static bool no_kernel_btf(struct run *r)
{
	const struct et_core_field *c = NULL;
	struct btf *k;
	char msg[512];

	for (int i = 0; !c && i < r->prog->nprobes; i++)
		if (r->prog->probes[i].ncore_fields)
			c = &r->prog->probes[i].core_fields[0];
	if (!c || (k = btf__load_vmlinux_btf())) {
		if (c)
			btf__free(k);
		return false;
	}
	snprintf(msg, sizeof(msg),
		 "%s's field '%s' cannot be found: this "
		 "kernel has no BTF (/sys/kernel/btf/vmlinux)",
		 c->type, c->access);
	run_script_error(r, c->loc, msg,
			 "kernel struct fields are found by "
			 "the running kernel's BTF (CONFIG_DEBUG_INFO_BTF)");
	return true;
}

bool core_reloc_report(struct run *r, const char *prog, const char *log)
{
	const struct et_probe *ep = probe_named(r, prog);
	const struct et_core_field *at;
	struct core_failure f;
	struct btf *k;
	char msg[512];

	if (!log)
		return no_kernel_btf(r);
	if (!ep || !core_reloc_failed(log, &f))
		return false;
	k = btf__load_vmlinux_btf();
	core_reloc_explain(ep, &r->prog->src, &f, loader__log_line(r->l), k,
			   &at, msg, sizeof(msg));
	btf__free(k);
	if (r->o->verbose)
		fprintf(stderr, "etrace: the verifier's log for %s:\n%s\n",
			prog, log);
	run_script_error(r, at ? at->loc : ep->loc, msg, compiled_on(r));
	return true;
}
