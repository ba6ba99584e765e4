/* artifact.c: the compiled artifact (artifact.h). Three parts:
 *   - the ELF container: find a section by name, append one (plain byte
 *     work on ELF64 little-endian relocatable objects, every offset
 *     checked, so that the reader can be fuzzed without libelf);
 *   - writing the metadata as JSON (cJSON), types as a table in which a
 *     type refers only to types before it (so a reader never loops);
 *   - reading it back into a struct et_program, checking every number
 *     against what the runtime will do with it: a type's parts lie inside
 *     it, a record's arguments inside the record, map key and value sizes
 *     hold their types, every index is in range, every place lies in the
 *     script. */
#include "artifact.h"
#include "artifact_impl.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

/* Bounds on what a reader accepts: far above what the compiler makes,
 * low enough that a hostile file cannot make the runtime allocate or
 * loop without end. */
#define MAX_ARTIFACT (256u << 20)
#define MAX_TYPE_SIZE (1u << 24)
#define MAX_FIELDS 4096
#define MAX_ITEMS 65536
#define MAX_LHIST_BUCKETS 100000

/* ---- ELF container ---- */

static int elf_header(const void *buf, size_t len, Elf64_Ehdr *eh)
{
	if (len < sizeof(*eh))
		return -EINVAL;
	memcpy(eh, buf, sizeof(*eh));
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) || !eh->e_shnum ||
	    eh->e_shstrndx >= eh->e_shnum || eh->e_shoff > len ||
	    (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > len - eh->e_shoff)
		return -EINVAL;
	return 0;
}

static void section_header(const void *buf, const Elf64_Ehdr *eh, int i,
			   Elf64_Shdr *sh)
{
	memcpy(sh, (const char *)buf + eh->e_shoff + i * sizeof(*sh),
	       sizeof(*sh));
}

static bool section_in(const Elf64_Shdr *sh, size_t len)
{
	return sh->sh_type == SHT_NOBITS ||
	       (sh->sh_offset <= len && sh->sh_size <= len - sh->sh_offset);
}

int artifact__is_elf(const void *buf, size_t len)
{
	return len >= SELFMAG && !memcmp(buf, ELFMAG, SELFMAG);
}

/* The bytes of section name: 0, or -ENOENT, -EINVAL. */
static int find_section(const void *buf, size_t len, const char *name,
			const char **data, size_t *size)
{
	size_t nlen = strlen(name) + 1;
	Elf64_Shdr strs, sh;
	Elf64_Ehdr eh;

	if (elf_header(buf, len, &eh))
		return -EINVAL;
	section_header(buf, &eh, eh.e_shstrndx, &strs);
	if (strs.sh_type != SHT_STRTAB || !section_in(&strs, len))
		return -EINVAL;
	for (int i = 0; i < eh.e_shnum; i++) {
		section_header(buf, &eh, i, &sh);
		if (sh.sh_name >= strs.sh_size ||
		    strs.sh_size - sh.sh_name < nlen ||
		    memcmp((const char *)buf + strs.sh_offset + sh.sh_name,
			   name, nlen))
			continue;
		if (sh.sh_type != SHT_PROGBITS || !section_in(&sh, len))
			return -EINVAL;
		*data = (const char *)buf + sh.sh_offset;
		*size = sh.sh_size;
		return 0;
	}
	return -ENOENT;
}

int artifact__has_meta(const void *buf, size_t len)
{
	const char *meta;
	size_t mlen;

	return artifact__is_elf(buf, len) &&
	       !find_section(buf, len, ET_ARTIFACT_SECTION, &meta, &mlen);
}

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* The object, then the metadata, a new section name table (the old one
 * plus the new name) and the section headers with one more entry; the old
 * name table and headers stay behind as unreferenced bytes. */
int artifact__build(const void *obj, size_t obj_len, const char *meta,
		    void **out, size_t *out_len)
{
	size_t mlen = strlen(meta), nlen = sizeof(ET_ARTIFACT_SECTION);
	size_t moff, soff, hoff, total, nsh;
	Elf64_Shdr strs, sh = { 0 };
	Elf64_Ehdr eh;
	char *b;

	if (elf_header(obj, obj_len, &eh) || eh.e_shnum >= SHN_LORESERVE - 1)
		return -EINVAL;
	section_header(obj, &eh, eh.e_shstrndx, &strs);
	if (strs.sh_type != SHT_STRTAB || !section_in(&strs, obj_len))
		return -EINVAL;
	nsh = eh.e_shnum;
	moff = align8(obj_len);
	soff = moff + mlen;
	hoff = align8(soff + strs.sh_size + nlen);
	total = hoff + (nsh + 1) * sizeof(Elf64_Shdr);
	b = calloc(1, total);
	if (!b)
		return -ENOMEM;
	memcpy(b, obj, obj_len);
	memcpy(b + moff, meta, mlen);
	memcpy(b + soff, (const char *)obj + strs.sh_offset, strs.sh_size);
	memcpy(b + soff + strs.sh_size, ET_ARTIFACT_SECTION, nlen);
	memcpy(b + hoff, (const char *)obj + eh.e_shoff,
	       nsh * sizeof(Elf64_Shdr));
	strs.sh_offset = soff;
	sh.sh_name = (Elf64_Word)strs.sh_size;
	strs.sh_size += nlen;
	memcpy(b + hoff + eh.e_shstrndx * sizeof(Elf64_Shdr), &strs,
	       sizeof(strs));
	sh.sh_type = SHT_PROGBITS;
	sh.sh_offset = moff;
	sh.sh_size = mlen;
	sh.sh_addralign = 1;
	memcpy(b + hoff + nsh * sizeof(Elf64_Shdr), &sh, sizeof(sh));
	eh.e_shoff = hoff;
	eh.e_shnum = (Elf64_Half)(nsh + 1);
	memcpy(b, &eh, sizeof(eh));
	*out = b;
	*out_len = total;
	return 0;
}

/* ---- writing ---- */

struct wr {
	cJSON *types;
	const struct et_type **seen;  /* index in "types" */
	int nseen, cap;
	bool oom;
};

cJSON *art_loc_json(struct loc l)
{
	cJSON *a;

	if (!loc_valid(l))
		return cJSON_CreateNull();
	a = cJSON_CreateArray();
	cJSON_AddItemToArray(a, cJSON_CreateNumber(l.begin));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(l.end));
	return a;
}

void art_add_str(cJSON *o, const char *k, const char *s)
{
	if (s)
		cJSON_AddStringToObject(o, k, s);
}

/* 64-bit values travel as decimal strings: JSON numbers are doubles. */
static void add_u64(cJSON *o, const char *k, uint64_t v)
{
	char buf[24];

	if (!v)
		return;
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	cJSON_AddStringToObject(o, k, buf);
}

static void add_s64(cJSON *o, const char *k, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	cJSON_AddStringToObject(o, k, buf);
}

static void add_num(cJSON *o, const char *k, double v)
{
	if (v)
		cJSON_AddNumberToObject(o, k, v);
}

void art_add_bool(cJSON *o, const char *k, bool v)
{
	if (v)
		cJSON_AddTrueToObject(o, k);
}

static const char *const stack_modes[] = {
	[STACK_BPFTRACE] = "bpftrace", [STACK_PERF] = "perf",
	[STACK_RAW] = "raw", [STACK_BUILD_ID] = "build_id",
	[STACK_NATIVE] = "native",
};

/* The index of t in the type table, its parts first; -1 for none. */
static int type_index(struct wr *w, const struct et_type *t)
{
	cJSON *o, *fs;
	int elem = -1;

	if (!t)
		return -1;
	for (int i = 0; i < w->nseen; i++)
		if (w->seen[i] == t)
			return i;
	if (t->kind == T_ARRAY)
		elem = type_index(w, t->elem);
	fs = t->nfields ? cJSON_CreateArray() : NULL;
	for (uint32_t i = 0; i < t->nfields; i++) {
		const struct et_field *f = &t->fields[i];
		cJSON *fo = cJSON_CreateObject();

		art_add_str(fo, "name", f->name);
		cJSON_AddNumberToObject(fo, "type", type_index(w, f->type));
		cJSON_AddNumberToObject(fo, "offset", f->offset);
		add_num(fo, "bit_offset", f->bit_offset);
		add_num(fo, "bit_size", f->bit_size);
		cJSON_AddItemToArray(fs, fo);
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", etype_kind_name(t->kind));
	cJSON_AddNumberToObject(o, "size", t->size);
	art_add_bool(o, "signed", t->is_signed);
	art_add_str(o, "name", t->name);
	art_add_bool(o, "union", t->is_union);
	if (elem >= 0) {
		cJSON_AddNumberToObject(o, "elem", elem);
		cJSON_AddNumberToObject(o, "count", t->count);
	}
	if (fs)
		cJSON_AddItemToObject(o, "fields", fs);
	if (t->kind == T_STACK) {
		art_add_bool(o, "kernel", t->kernel);
		if ((unsigned)t->mode <
		    sizeof(stack_modes) / sizeof(stack_modes[0]))
			cJSON_AddStringToObject(o, "mode",
						stack_modes[t->mode]);
		add_num(o, "frames", t->frames);
	}
	if (t->kind == T_LHIST) {
		add_s64(o, "min", t->lh_min);
		add_s64(o, "max", t->lh_max);
		add_s64(o, "step", t->lh_step);
	}
	if (t->nenumerators) {
		cJSON *es = cJSON_AddArrayToObject(o, "enumerators");

		for (uint32_t i = 0; i < t->nenumerators; i++) {
			cJSON *eo = cJSON_CreateObject();

			art_add_str(eo, "name", t->enumerators[i].name);
			add_s64(eo, "value", t->enumerators[i].value);
			cJSON_AddItemToArray(es, eo);
		}
	}
	if (t->kind == T_HIST)
		add_num(o, "bits", t->hist_bits);
	if (t->kind == T_TSERIES) {
		add_s64(o, "interval", (int64_t)t->ts_interval);
		add_num(o, "intervals", t->ts_num);
		add_num(o, "agg", t->ts_agg);
	}
	if (w->nseen == w->cap) {
		int ncap = w->cap ? w->cap * 2 : 16;
		const struct et_type **n = realloc(w->seen,
						   ncap * sizeof(*n));

		if (!n) {
			w->oom = true;
			cJSON_Delete(o);
			return -1;
		}
		w->seen = n;
		w->cap = ncap;
	}
	w->seen[w->nseen] = t;
	cJSON_AddItemToArray(w->types, o);
	return w->nseen++;
}

static void core_fields_json(cJSON *o, const struct et_probe *ep)
{
	cJSON *fs;

	if (!ep->ncore_fields)
		return;
	fs = cJSON_AddArrayToObject(o, "core_fields");
	for (int i = 0; i < ep->ncore_fields; i++) {
		const struct et_core_field *f = &ep->core_fields[i];
		cJSON *fo = cJSON_CreateObject();

		cJSON_AddStringToObject(fo, "type", f->type);
		cJSON_AddStringToObject(fo, "access", f->access);
		cJSON_AddItemToObject(fo, "loc", art_loc_json(f->loc));
		cJSON_AddItemToArray(fs, fo);
	}
}

static cJSON *probe_json(struct wr *w, const struct et_probe *ep)
{
	cJSON *o = cJSON_CreateObject(), *m, *fs;

	cJSON_AddStringToObject(o, "kind", probe_kind_name(ep->kind));
	art_add_str(o, "prog", ep->prog_name);
	art_add_str(o, "section", ep->section);
	art_add_str(o, "attach_target", ep->attach_target);
	art_add_bool(o, "at_return", ep->at_return);
	art_add_bool(o, "deferred", ep->deferred);
	art_add_str(o, "ret_prog", ep->ret_prog_name);
	art_add_str(o, "raw", ep->raw);
	cJSON_AddItemToObject(o, "loc", art_loc_json(ep->loc));
	art_add_str(o, "target", ep->target);
	art_add_str(o, "ns", ep->ns);
	art_add_str(o, "func", ep->func);
	art_add_str(o, "mode", ep->mode);
	add_u64(o, "offset", ep->offset);
	add_u64(o, "address", ep->address);
	add_u64(o, "freq", ep->freq);
	art_add_bool(o, "has_offset", ep->has_offset);
	art_add_bool(o, "has_address", ep->has_address);
	art_add_bool(o, "wildcard", ep->wildcard);
	if (ep->nmatches) {
		m = cJSON_AddArrayToObject(o, "matches");
		for (int i = 0; i < ep->nmatches; i++)
			cJSON_AddItemToArray(m,
					     cJSON_CreateString(ep->matches[i]));
	}
	add_u64(o, "usdt_offset", ep->usdt_offset);
	add_u64(o, "usdt_sema_offset", ep->usdt_sema_offset);
	add_u64(o, "go_entry", ep->go_entry);
	if (ep->ngo_rets) {
		m = cJSON_AddArrayToObject(o, "go_rets");
		for (int i = 0; i < ep->ngo_rets; i++)
			cJSON_AddItemToArray(
			    m, cJSON_CreateNumber((double)ep->go_rets[i]));
	}
	if (ep->ntp_fields) {
		fs = cJSON_AddArrayToObject(o, "tp_fields");
		for (int i = 0; i < ep->ntp_fields; i++) {
			const struct et_tp_field *f = &ep->tp_fields[i];
			cJSON *fo = cJSON_CreateObject();

			cJSON_AddStringToObject(fo, "name", f->name);
			cJSON_AddNumberToObject(fo, "offset", f->offset);
			cJSON_AddNumberToObject(fo, "size", f->size);
			cJSON_AddItemToObject(fo, "loc", art_loc_json(f->loc));
			cJSON_AddItemToArray(fs, fo);
		}
	}
	core_fields_json(o, ep);
	return o;
}

static cJSON *map_json(struct wr *w, const struct et_map *m)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", m->name ? m->name : "");
	art_add_str(o, "bpf_name", m->bpf_name);
	cJSON_AddNumberToObject(o, "key", type_index(w, m->key));
	cJSON_AddNumberToObject(o, "value", type_index(w, m->value));
	cJSON_AddStringToObject(o, "storage",
				et_map_storage_name(m->storage));
	cJSON_AddNumberToObject(o, "key_size", m->key_size);
	cJSON_AddNumberToObject(o, "value_size", m->value_size);
	cJSON_AddNumberToObject(o, "max_entries", m->max_entries);
	art_add_bool(o, "bucketed", m->bucketed);
	art_add_bool(o, "declared", m->declared);
	return o;
}

static cJSON *action_json(struct wr *w, const struct et_action *a)
{
	cJSON *o = cJSON_CreateObject(), *args;

	cJSON_AddStringToObject(o, "kind", et_action_kind_name(a->kind));
	cJSON_AddItemToObject(o, "loc", art_loc_json(a->loc));
	art_add_str(o, "fmt", a->fmt_str);
	cJSON_AddNumberToObject(o, "rec_size", a->rec_size);
	if (a->map_id >= 0)
		cJSON_AddNumberToObject(o, "map", a->map_id);
	art_add_str(o, "helper", a->helper);
	args = cJSON_AddArrayToObject(o, "args");
	for (int i = 0; i < a->nargs; i++) {
		cJSON *ao = cJSON_CreateObject();

		cJSON_AddNumberToObject(ao, "type",
					type_index(w, a->args[i].type));
		cJSON_AddNumberToObject(ao, "offset", a->args[i].offset);
		cJSON_AddNumberToObject(ao, "size", a->args[i].size);
		cJSON_AddItemToArray(args, ao);
	}
	return o;
}

static void add_lists(cJSON *root, struct wr *w, const struct et_program *p)
{
	cJSON *a, *k;

	a = cJSON_AddArrayToObject(root, "probes");
	for (int i = 0; i < p->nprobes; i++)
		cJSON_AddItemToArray(a, probe_json(w, &p->probes[i]));
	a = cJSON_AddArrayToObject(root, "maps");
	for (int i = 0; i < p->nmaps; i++)
		cJSON_AddItemToArray(a, map_json(w, &p->maps[i]));
	a = cJSON_AddArrayToObject(root, "actions");
	for (int i = 0; i < p->nactions; i++)
		cJSON_AddItemToArray(a, action_json(w, &p->actions[i]));
	a = cJSON_AddArrayToObject(root, "kaddr");
	for (int i = 0; i < p->nkaddr; i++) {
		k = cJSON_CreateObject();
		cJSON_AddStringToObject(k, "name", p->kaddr[i]);
		cJSON_AddItemToObject(k, "loc", art_loc_json(p->kaddr_loc[i]));
		cJSON_AddItemToArray(a, k);
	}
	a = cJSON_AddArrayToObject(root, "params");
	for (int i = 0; i < p->nparams; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(p->params[i]));
}

char *artifact__meta(const struct et_program *p)
{
	struct wr w = { 0 };
	cJSON *root = cJSON_CreateObject(), *src;
	char *text = NULL;

	if (!root)
		goto out;
	cJSON_AddNumberToObject(root, "etrace_artifact", ET_ARTIFACT_VERSION);
	art_add_str(root, "compiler", p->compiler);
	art_add_str(root, "kernel", p->kernel);
	src = cJSON_AddObjectToObject(root, "source");
	cJSON_AddStringToObject(src, "name", p->src.name ? p->src.name : "");
	/* the text as bytes up to its first NUL (a script with NULs does
	 * not compile) */
	cJSON_AddStringToObject(src, "text", p->src.text ? p->src.text : "");
	cJSON_AddNumberToObject(root, "ringbuf_size", p->ringbuf_size);
	art_add_bool(root, "needs_kallsyms", p->needs_kallsyms);
	art_add_bool(root, "needs_usyms", p->needs_usyms);
	art_add_bool(root, "needs_containers", p->needs_containers);
	art_add_bool(root, "needs_unwind", p->needs_unwind);
	art_add_bool(root, "needs_child", p->needs_child);
	art_add_bool(root, "needs_unsafe", p->needs_unsafe);
	w.types = cJSON_AddArrayToObject(root, "types");
	add_lists(root, &w, p);
	art_run_write(root, p);
	if (!w.oom)
		text = cJSON_PrintUnformatted(root);
out:
	cJSON_Delete(root);
	free(w.seen);
	if (!text)
		errno = ENOMEM;
	return text;
}

/* ---- reading ---- */

bool art_fail(struct rd *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->failed)
		return false;
	r->failed = true;
	n = snprintf(r->err, r->errlen, "corrupt artifact: ");
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < r->errlen)
		vsnprintf(r->err + n, r->errlen - n, fmt, ap);
	va_end(ap);
	return false;
}

/* An optional number: an integer in [0, max]; *v untouched when absent. */
bool art_get_uint(struct rd *r, const cJSON *o, const char *what,
		     const char *k, uint64_t max, uint64_t *v)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, k);
	double d;

	if (!n)
		return true;
	d = cJSON_IsNumber(n) ? n->valuedouble : -1;
	if (!(d >= 0 && d <= (double)max && d == (double)(uint64_t)d))
		return art_fail(r, "%s: '%s' is not an integer from 0 to %" PRIu64,
			    what, k, max);
	*v = (uint64_t)d;
	return true;
}

bool art_get_u32(struct rd *r, const cJSON *o, const char *what,
		    const char *k, uint32_t max, uint32_t *v)
{
	uint64_t x = *v;

	if (!art_get_uint(r, o, what, k, max, &x))
		return false;
	*v = (uint32_t)x;
	return true;
}

/* A type index, or -1 when the key is absent or -1: the type or NULL. */
static bool get_type(struct rd *r, const cJSON *o, const char *what,
		     const char *k, int below, struct et_type **t)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, k);
	double d = n && cJSON_IsNumber(n) ? n->valuedouble : -2;

	*t = NULL;
	if (!n || d == -1)
		return true;
	if (!(d >= 0 && d < below && d == (int)d))
		return art_fail(r, "%s: '%s' is not a type index below %d", what,
			    k, below);
	*t = r->types[(int)d];
	return true;
}

bool art_get_str(struct rd *r, const cJSON *o, const char *what,
		    const char *k, bool required, const char **s)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, k);

	*s = NULL;
	if (!n || cJSON_IsNull(n)) {
		if (required)
			return art_fail(r, "%s: '%s' is missing", what, k);
		return true;
	}
	if (!cJSON_IsString(n))
		return art_fail(r, "%s: '%s' is not a string", what, k);
	*s = arena_strdup(r->a, n->valuestring);
	return true;
}

bool art_get_bool(const cJSON *o, const char *k)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* A 64-bit value as a decimal string (absent: 0). */
static bool get_str64(struct rd *r, const cJSON *o, const char *what,
		      const char *k, bool is_signed, uint64_t *v)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, k);
	const char *s;
	char *end;

	*v = 0;
	if (!n)
		return true;
	s = cJSON_IsString(n) ? n->valuestring : NULL;
	if (!s || !*s || (!is_signed && *s == '-'))
		return art_fail(r, "%s: '%s' is not a 64-bit integer", what, k);
	errno = 0;
	*v = is_signed ? (uint64_t)strtoll(s, &end, 10) :
	     strtoull(s, &end, 10);
	if (errno || *end)
		return art_fail(r, "%s: '%s' is not a 64-bit integer", what, k);
	return true;
}

bool art_get_loc(struct rd *r, const cJSON *o, const char *what,
		    struct loc *l)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "loc");
	const cJSON *b, *e;

	*l = LOC_NONE;
	if (!n || cJSON_IsNull(n))
		return true;
	b = cJSON_GetArrayItem(n, 0);
	e = cJSON_GetArrayItem(n, 1);
	if (!cJSON_IsArray(n) || cJSON_GetArraySize(n) != 2 ||
	    !cJSON_IsNumber(b) || !cJSON_IsNumber(e) ||
	    !(b->valuedouble >= 0 && b->valuedouble <= e->valuedouble &&
	      b->valuedouble <= r->p->src.len &&
	      e->valuedouble <= r->p->src.len + 1.0))
		return art_fail(r, "%s: 'loc' is not a place in the script", what);
	l->begin = (uint32_t)b->valuedouble;
	l->end = (uint32_t)e->valuedouble;
	return true;
}

/* The array under key k (absent: empty), at most max items. */
const cJSON *art_get_array(struct rd *r, const cJSON *o, const char *k,
			      int max, int *n)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, k);

	*n = 0;
	if (!a)
		return NULL;
	if (!cJSON_IsArray(a) || (*n = cJSON_GetArraySize(a)) > max) {
		art_fail(r, "'%s' is not a list of at most %d items", k, max);
		*n = 0;
		return NULL;
	}
	return a;
}

/* How many bytes a value of type t occupies where it is stored: what the
 * decoder reads (value.c). */
static uint64_t stored_size(const struct et_type *t)
{
	if (!t)
		return 0;
	if (t->kind == T_BUF)
		return 8 + (uint64_t)t->size;
	if (t->kind == T_USYM)
		return 16;
	return t->size;
}

static bool read_field(struct rd *r, const cJSON *fo, const char *what,
		       int below, struct et_type *t, struct et_field *f)
{
	uint32_t off = 0, bo = 0, bs = 0;

	if (!art_get_str(r, fo, what, "name", false, &f->name) ||
	    !get_type(r, fo, what, "type", below, &f->type) ||
	    !art_get_u32(r, fo, what, "offset", MAX_TYPE_SIZE, &off) ||
	    !art_get_u32(r, fo, what, "bit_offset", 63, &bo) ||
	    !art_get_u32(r, fo, what, "bit_size", 64, &bs))
		return false;
	if (!f->type)
		return art_fail(r, "%s: a field has no type", what);
	if (bs && bo + bs > 64)
		return art_fail(r, "%s: a bitfield spans more than 64 bits", what);
	/* a bitfield takes the bytes that hold its bits, from the one
	 * holding its first bit (not its whole int's) */
	if (off + (bs ? (bo + bs + 7) / 8 : stored_size(f->type)) > t->size)
		return art_fail(r, "%s: a field lies outside its %u bytes", what,
			    t->size);
	f->offset = off;
	f->bit_offset = (uint16_t)bo;
	f->bit_size = (uint16_t)bs;
	return true;
}

/* bounds as compiler/funcs_map.c checks them */
static bool read_tseries(struct rd *r, const cJSON *o, const char *what,
			 struct et_type *t)
{
	uint64_t interval;
	uint32_t num = 0, agg = 0;

	if (!get_str64(r, o, what, "interval", true, &interval) ||
	    !art_get_u32(r, o, what, "intervals", 1000000, &num) ||
	    !art_get_u32(r, o, what, "agg", TS_AGG_COUNT - 1, &agg))
		return false;
	if (!interval || (int64_t)interval < 0 || !num)
		return art_fail(r, "%s: not a valid tseries", what);
	t->ts_interval = interval;
	t->ts_num = num;
	t->ts_agg = (enum ts_agg)agg;
	return true;
}

static bool read_stack_lhist(struct rd *r, const cJSON *o, const char *what,
			     struct et_type *t)
{
	const char *mode = NULL;
	uint64_t min, max, step;
	uint32_t frames = 0, bits = 0;

	t->kernel = art_get_bool(o, "kernel");
	if (!art_get_str(r, o, what, "mode", false, &mode) ||
	    !art_get_u32(r, o, what, "frames", 1024, &frames) ||
	    !art_get_u32(r, o, what, "bits", 5, &bits))
		return false;
	t->frames = (int)frames;
	t->hist_bits = (int)bits;
	for (size_t i = 0;
	     mode && i < sizeof(stack_modes) / sizeof(stack_modes[0]); i++)
		if (!strcmp(mode, stack_modes[i]))
			t->mode = (enum stack_mode)i;
	if (t->kind == T_TSERIES)
		return read_tseries(r, o, what, t);
	if (t->kind != T_LHIST)
		return true;
	if (!get_str64(r, o, what, "min", true, &min) ||
	    !get_str64(r, o, what, "max", true, &max) ||
	    !get_str64(r, o, what, "step", true, &step))
		return false;
	t->lh_min = (int64_t)min;
	t->lh_max = (int64_t)max;
	t->lh_step = (int64_t)step;
	if (t->lh_step <= 0 || t->lh_min >= t->lh_max ||
	    ((double)t->lh_max - (double)t->lh_min) / (double)t->lh_step >
		    MAX_LHIST_BUCKETS)
		return art_fail(r, "%s: not a valid lhist", what);
	return true;
}

/* An enum's constants: [{"name": "A", "value": "1"}, ...] */
static bool read_enumerators(struct rd *r, const cJSON *o, const char *what,
			     struct et_type *t)
{
	const cJSON *es, *eo;
	struct et_enumerator *e;
	int n, i = 0;

	es = art_get_array(r, o, "enumerators", MAX_ITEMS, &n);
	if (r->failed)
		return false;
	if (n && t->kind != T_INT)
		return art_fail(r, "%s: enumerators in a %s", what,
				etype_kind_name(t->kind));
	e = arena_calloc(r->a, n ? n : 1, sizeof(*e));
	cJSON_ArrayForEach(eo, es)
	{
		uint64_t v;

		if (!cJSON_IsObject(eo) ||
		    !art_get_str(r, eo, what, "name", true, &e[i].name) ||
		    !get_str64(r, eo, what, "value", true, &v))
			return art_fail(r, "%s: not a valid enumerator", what);
		e[i++].value = (int64_t)v;
	}
	t->enumerators = e;
	t->nenumerators = (uint32_t)n;
	return true;
}

static bool read_type(struct rd *r, const cJSON *o, int idx)
{
	struct et_type *t;
	const cJSON *fs, *fo;
	const char *kind = NULL;
	char what[32];
	enum type_kind k;
	int nf;

	snprintf(what, sizeof(what), "types[%d]", idx);
	if (!cJSON_IsObject(o) || !art_get_str(r, o, what, "kind", true, &kind))
		return art_fail(r, "%s is not a type", what);
	k = etype_kind_find(kind);
	if (k == T_KIND_COUNT)
		return art_fail(r, "%s: unknown kind '%s'", what, kind);
	t = etype_new(r->a, k, 0);
	r->types[idx] = t;
	t->is_signed = art_get_bool(o, "signed");
	t->is_union = art_get_bool(o, "union");
	if (!art_get_u32(r, o, what, "size", MAX_TYPE_SIZE, &t->size) ||
	    !art_get_str(r, o, what, "name", false, &t->name) ||
	    !get_type(r, o, what, "elem", idx, &t->elem) ||
	    !art_get_u32(r, o, what, "count", MAX_TYPE_SIZE, &t->count) ||
	    !read_stack_lhist(r, o, what, t) ||
	    !read_enumerators(r, o, what, t))
		return false;
	if (k == T_INT && t->size != 1 && t->size != 2 && t->size != 4 &&
	    t->size != 8)
		return art_fail(r, "%s: an integer of %u bytes", what, t->size);
	if (k == T_ARRAY && (!t->elem || (uint64_t)t->count *
				 stored_size(t->elem) > t->size))
		return art_fail(r, "%s: an array larger than its %u bytes", what,
			    t->size);
	fs = art_get_array(r, o, "fields", MAX_FIELDS, &nf);
	if (r->failed)
		return false;
	if (nf && k != T_TUPLE && k != T_RECORD)
		return art_fail(r, "%s: fields in a %s", what, kind);
	t->fields = arena_calloc(r->a, nf ? nf : 1, sizeof(*t->fields));
	t->nfields = (uint32_t)nf;
	nf = 0;
	cJSON_ArrayForEach(fo, fs)
		if (!read_field(r, fo, what, idx, t, &t->fields[nf++]))
			return false;
	return true;
}

static bool read_matches(struct rd *r, const cJSON *o, const char *what,
			 struct et_probe *ep)
{
	const cJSON *ms = art_get_array(r, o, "matches", MAX_ITEMS,
				    &ep->nmatches), *m;
	int i = 0;

	ep->matches = arena_calloc(r->a, ep->nmatches + 1, sizeof(char *));
	cJSON_ArrayForEach(m, ms) {
		if (!cJSON_IsString(m))
			return art_fail(r, "%s: a match is not a string", what);
		ep->matches[i++] = arena_strdup(r->a, m->valuestring);
	}
	return !r->failed;
}

static bool read_tp_fields(struct rd *r, const cJSON *o, const char *what,
			   struct et_probe *ep)
{
	const cJSON *fs = art_get_array(r, o, "tp_fields", MAX_FIELDS,
				    &ep->ntp_fields), *fo;
	int i = 0;

	ep->tp_fields = arena_calloc(r->a, ep->ntp_fields + 1,
				     sizeof(*ep->tp_fields));
	cJSON_ArrayForEach(fo, fs) {
		struct et_tp_field *f = &ep->tp_fields[i++];

		if (!art_get_str(r, fo, what, "name", true, &f->name) ||
		    !art_get_u32(r, fo, what, "offset", MAX_TYPE_SIZE,
			     &f->offset) ||
		    !art_get_u32(r, fo, what, "size", MAX_TYPE_SIZE, &f->size) ||
		    !art_get_loc(r, fo, what, &f->loc))
			return false;
	}
	return !r->failed;
}

/* "go_rets": the RET offsets of a Go function, in it (< 2^32) */
static bool read_go_rets(struct rd *r, const cJSON *o, const char *what,
			 struct et_probe *ep)
{
	const cJSON *rs = art_get_array(r, o, "go_rets", MAX_ITEMS,
				    &ep->ngo_rets), *n;
	int i = 0;

	ep->go_rets = arena_calloc(r->a, ep->ngo_rets + 1,
				   sizeof(*ep->go_rets));
	cJSON_ArrayForEach(n, rs) {
		if (!cJSON_IsNumber(n) || n->valuedouble < 0 ||
		    n->valuedouble >= 4294967296.0 ||
		    n->valuedouble != (double)(uint64_t)n->valuedouble)
			return art_fail(r, "%s: a go_rets offset is not an "
				    "offset", what);
		ep->go_rets[i++] = (uint64_t)n->valuedouble;
	}
	return !r->failed;
}

/* "core_fields": type and access name a relocation, never empty */
static bool read_core_fields(struct rd *r, const cJSON *o, const char *what,
			     struct et_probe *ep)
{
	const cJSON *fs = art_get_array(r, o, "core_fields", MAX_FIELDS,
				    &ep->ncore_fields), *fo;
	int i = 0;

	ep->core_fields = arena_calloc(r->a, ep->ncore_fields + 1,
				       sizeof(*ep->core_fields));
	cJSON_ArrayForEach(fo, fs) {
		struct et_core_field *f = &ep->core_fields[i++];

		if (!art_get_str(r, fo, what, "type", true, &f->type) ||
		    !art_get_str(r, fo, what, "access", true, &f->access) ||
		    !art_get_loc(r, fo, what, &f->loc))
			return false;
		if (!*f->type || !*f->access)
			return art_fail(r, "%s: a core field without a name",
				    what);
	}
	return !r->failed;
}

static bool read_probe(struct rd *r, const cJSON *o, int idx,
		       struct et_probe *ep)
{
	const char *kind = NULL;
	char what[32];

	snprintf(what, sizeof(what), "probes[%d]", idx);
	if (!cJSON_IsObject(o) || !art_get_str(r, o, what, "kind", true, &kind))
		return art_fail(r, "%s is not a probe", what);
	ep->kind = probe_kind_find(kind);
	if (ep->kind == PK_COUNT || strcmp(kind, probe_kind_name(ep->kind)))
		return art_fail(r, "%s: unknown probe kind '%s'", what, kind);
	ep->at_return = art_get_bool(o, "at_return");
	ep->deferred = art_get_bool(o, "deferred");
	ep->has_offset = art_get_bool(o, "has_offset");
	ep->has_address = art_get_bool(o, "has_address");
	ep->wildcard = art_get_bool(o, "wildcard");
	if (!art_get_str(r, o, what, "prog", true, &ep->prog_name) ||
	    !art_get_str(r, o, what, "section", true, &ep->section) ||
	    !art_get_str(r, o, what, "attach_target", false,
		     &ep->attach_target) ||
	    !art_get_str(r, o, what, "ret_prog", ep->at_return,
		     &ep->ret_prog_name) ||
	    !art_get_str(r, o, what, "raw", true, &ep->raw) ||
	    !art_get_loc(r, o, what, &ep->loc) ||
	    !art_get_str(r, o, what, "target", false, &ep->target) ||
	    !art_get_str(r, o, what, "ns", false, &ep->ns) ||
	    !art_get_str(r, o, what, "func", false, &ep->func) ||
	    !art_get_str(r, o, what, "mode", false, &ep->mode) ||
	    !get_str64(r, o, what, "offset", false, &ep->offset) ||
	    !get_str64(r, o, what, "address", false, &ep->address) ||
	    !get_str64(r, o, what, "freq", false, &ep->freq) ||
	    !get_str64(r, o, what, "usdt_offset", false, &ep->usdt_offset) ||
	    !get_str64(r, o, what, "usdt_sema_offset", false,
		       &ep->usdt_sema_offset) ||
	    !get_str64(r, o, what, "go_entry", false, &ep->go_entry))
		return false;
	return read_matches(r, o, what, ep) &&
	       read_go_rets(r, o, what, ep) &&
	       read_tp_fields(r, o, what, ep) &&
	       read_core_fields(r, o, what, ep);
}

/* What the output module reads of a map's key and value. */
static bool check_map(struct rd *r, const char *what, const struct et_map *m)
{
	uint64_t key = m->key ? stored_size(m->key) : 0;
	uint64_t val = stored_size(m->value);

	if (m->key && m->key->kind == T_INT)
		key = 8; /* top-level integers are widened */
	if (m->bucketed)
		key += 8;
	if (!m->key && !m->bucketed)
		key = 4;
	switch (m->value ? m->value->kind : T_NONE) {
	case T_MIN: case T_MAX: case T_AVG: case T_STATS:
		val = 16;
		break;
	case T_COUNT: case T_SUM: case T_HIST: case T_LHIST:
		val = 8;
		break;
	case T_TSERIES:
		val = 24;
		break;
	case T_INT:
		val = 8;
		break;
	default:
		break;
	}
	if (!m->value || m->key_size < key || m->value_size < val ||
	    !m->max_entries)
		return art_fail(r, "%s: its key or value does not fit its sizes",
			    what);
	return true;
}

static bool read_map(struct rd *r, const cJSON *o, int idx, struct et_map *m)
{
	const char *storage = NULL;
	char what[32];

	snprintf(what, sizeof(what), "maps[%d]", idx);
	m->id = idx;
	if (!cJSON_IsObject(o) ||
	    !art_get_str(r, o, what, "name", true, &m->name) ||
	    !art_get_str(r, o, what, "bpf_name", true, &m->bpf_name) ||
	    !get_type(r, o, what, "key", r->ntypes, (struct et_type **)&m->key) ||
	    !get_type(r, o, what, "value", r->ntypes,
		      (struct et_type **)&m->value) ||
	    !art_get_str(r, o, what, "storage", true, &storage) ||
	    !art_get_u32(r, o, what, "key_size", MAX_TYPE_SIZE, &m->key_size) ||
	    !art_get_u32(r, o, what, "value_size", MAX_TYPE_SIZE,
		     &m->value_size) ||
	    !art_get_u32(r, o, what, "max_entries", UINT32_MAX, &m->max_entries))
		return art_fail(r, "%s is not a map", what);
	m->bucketed = art_get_bool(o, "bucketed");
	m->declared = art_get_bool(o, "declared");
	m->storage = et_map_storage_find(storage);
	if (m->storage == MS_COUNT)
		return art_fail(r, "%s: unknown storage '%s'", what, storage);
	return check_map(r, what, m);
}

static bool read_args(struct rd *r, const cJSON *o, const char *what,
		      struct et_action *a)
{
	const cJSON *as = art_get_array(r, o, "args", ET_JOIN_MAX + 256,
				    &a->nargs), *ao;
	int i = 0;

	a->args = arena_calloc(r->a, a->nargs + 1, sizeof(*a->args));
	cJSON_ArrayForEach(ao, as) {
		struct et_arg *g = &a->args[i++];

		if (!get_type(r, ao, what, "type", r->ntypes,
			      (struct et_type **)&g->type) ||
		    !art_get_u32(r, ao, what, "offset", MAX_TYPE_SIZE,
			     &g->offset) ||
		    !art_get_u32(r, ao, what, "size", MAX_TYPE_SIZE, &g->size))
			return false;
		if (!g->type || g->size < stored_size(g->type) ||
		    (uint64_t)g->offset + g->size > a->rec_size)
			return art_fail(r, "%s: an argument lies outside its "
				    "record", what);
	}
	return !r->failed;
}

/* The records the runtime acts on have their number of u64 arguments
 * (program.h). */
static bool words_ok(const struct et_action *a)
{
	int n = a->kind == ACT_WATCHPOINT ? 3 : a->kind == ACT_UNWATCH ? 1 :
					      -1;

	if (n < 0)
		return true;
	if (a->nargs != n)
		return false;
	for (int i = 0; i < n; i++)
		if (a->args[i].size != 8)
			return false;
	return true;
}

static bool read_action(struct rd *r, const cJSON *o, int idx,
			struct et_action *a)
{
	const char *kind = NULL;
	uint64_t map = UINT64_MAX;
	char what[32];

	snprintf(what, sizeof(what), "actions[%d]", idx);
	a->id = (uint32_t)idx;
	if (!cJSON_IsObject(o) || !art_get_str(r, o, what, "kind", true, &kind))
		return art_fail(r, "%s is not an action", what);
	a->kind = et_action_kind_find(kind);
	if (a->kind == ACT_KIND_COUNT)
		return art_fail(r, "%s: unknown action '%s'", what, kind);
	if (!art_get_loc(r, o, what, &a->loc) ||
	    !art_get_str(r, o, what, "fmt", false, &a->fmt_str) ||
	    !art_get_u32(r, o, what, "rec_size", MAX_TYPE_SIZE, &a->rec_size) ||
	    !art_get_uint(r, o, what, "map", MAX_ITEMS, &map) ||
	    !art_get_str(r, o, what, "helper", false, &a->helper) ||
	    !read_args(r, o, what, a))
		return false;
	if (map != UINT64_MAX && map >= (uint64_t)r->p->nmaps)
		return art_fail(r, "%s: map %" PRIu64 " does not exist", what, map);
	a->map_id = map == UINT64_MAX ? -1 : (int)map;
	if ((a->kind == ACT_PRINT_MAP || a->kind == ACT_CLEAR ||
	     a->kind == ACT_ZERO) && a->map_id < 0)
		return art_fail(r, "%s: %s of no map", what, kind);
	if (!words_ok(a))
		return art_fail(r, "%s: a %s record has the wrong arguments",
				what, kind);
	if (a->fmt_str)
		printf_fmt_parse(r->a, a->fmt_str, (uint32_t)strlen(a->fmt_str),
				 &a->fmt);
	return true;
}

/* The lists of the root object, each item through fn into an array of
 * item-size elements. */
#define READ_LIST(r, root, key, field, nfield, fn)                          \
	do {                                                                \
		const cJSON *_l = art_get_array(r, root, key, MAX_ITEMS,         \
					    &(r)->p->nfield), *_o;           \
		int _i = 0;                                                 \
		(r)->p->field = arena_calloc((r)->a, (r)->p->nfield + 1,     \
					     sizeof(*(r)->p->field));        \
		cJSON_ArrayForEach(_o, _l) {                                 \
			if (!fn(r, _o, _i, &(r)->p->field[_i]))            \
				break;                                      \
			_i++;                                               \
		}                                                           \
	} while (0)

static bool read_types(struct rd *r, const cJSON *root)
{
	const cJSON *ts = art_get_array(r, root, "types", MAX_ITEMS, &r->ntypes);
	const cJSON *o;
	int i = 0;

	r->types = arena_calloc(r->a, r->ntypes + 1, sizeof(*r->types));
	cJSON_ArrayForEach(o, ts)
		if (!read_type(r, o, i++))
			return false;
	return !r->failed;
}

static bool read_kaddr_params(struct rd *r, const cJSON *root)
{
	struct et_program *p = r->p;
	const cJSON *l, *o;
	int n;

	l = art_get_array(r, root, "kaddr", ET_MAX_KADDR, &n);
	cJSON_ArrayForEach(o, l) {
		if (!art_get_str(r, o, "kaddr", "name", true,
			     &p->kaddr[p->nkaddr]) ||
		    !art_get_loc(r, o, "kaddr", &p->kaddr_loc[p->nkaddr]))
			return false;
		p->nkaddr++;
	}
	l = art_get_array(r, root, "params", MAX_ITEMS, &p->nparams);
	p->params = arena_calloc(r->a, p->nparams + 1, sizeof(char *));
	n = 0;
	cJSON_ArrayForEach(o, l) {
		if (!cJSON_IsString(o))
			return art_fail(r, "params: not a string");
		p->params[n++] = arena_strdup(r->a, o->valuestring);
	}
	return !r->failed;
}

static bool read_source(struct rd *r, const cJSON *root)
{
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(root, "source");
	const char *name = NULL, *text = NULL;

	if (!cJSON_IsObject(src) ||
	    !art_get_str(r, src, "source", "name", true, &name) ||
	    !art_get_str(r, src, "source", "text", true, &text))
		return art_fail(r, "no script source");
	r->p->src.name = name;
	r->p->src.text = text;
	r->p->src.len = (uint32_t)strlen(text);
	return true;
}

static bool read_root(struct rd *r, const cJSON *root)
{
	struct et_program *p = r->p;
	uint32_t rb = 0;

	if (!read_source(r, root) ||
	    !art_get_str(r, root, "root", "compiler", false, &p->compiler) ||
	    !art_get_str(r, root, "root", "kernel", false, &p->kernel) ||
	    !art_get_u32(r, root, "root", "ringbuf_size", 1u << 30, &rb) ||
	    !read_types(r, root))
		return false;
	if (rb < 4096 || (rb & (rb - 1)))
		return art_fail(r, "the ring buffer size %u is not a power of two",
			    rb);
	p->ringbuf_size = rb;
	p->needs_kallsyms = art_get_bool(root, "needs_kallsyms");
	p->needs_usyms = art_get_bool(root, "needs_usyms");
	p->needs_containers = art_get_bool(root, "needs_containers");
	p->needs_unwind = art_get_bool(root, "needs_unwind");
	p->needs_child = art_get_bool(root, "needs_child");
	p->needs_unsafe = art_get_bool(root, "needs_unsafe");
	READ_LIST(r, root, "probes", probes, nprobes, read_probe);
	if (!r->failed)
		READ_LIST(r, root, "maps", maps, nmaps, read_map);
	if (!r->failed)
		READ_LIST(r, root, "actions", actions, nactions, read_action);
	return !r->failed && read_kaddr_params(r, root) &&
	       art_run_read(r, root);
}

/* The format version, checked before anything else is believed. */
static bool check_version(struct rd *r, const cJSON *root)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root,
							  "etrace_artifact");

	if (!cJSON_IsObject(root) || !cJSON_IsNumber(v))
		return art_fail(r, "its metadata is not etrace's");
	if (v->valuedouble != ET_ARTIFACT_VERSION) {
		snprintf(r->err, r->errlen, "the artifact has format version "
			 "%g; this etrace reads version %d: compile it again "
			 "with this etrace", v->valuedouble,
			 ET_ARTIFACT_VERSION);
		r->failed = true;
		return false;
	}
	return true;
}

static struct et_program *program_new(const void *buf, size_t len)
{
	struct arena *a = arena__new();
	struct et_program *p;
	void *obj;

	if (!a)
		return NULL;
	p = arena_calloc(a, 1, sizeof(*p));
	obj = arena_alloc(a, len);
	memcpy(obj, buf, len);
	p->arena = a;
	p->obj = obj;
	p->obj_len = len;
	return p;
}

int artifact__read(const void *buf, size_t len, struct et_program **out,
		   char *err, size_t errlen)
{
	struct rd r = { .err = err, .errlen = errlen };
	const char *meta = NULL;
	size_t mlen = 0;
	cJSON *root;
	int rc;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	rc = find_section(buf, len, ET_ARTIFACT_SECTION, &meta, &mlen);
	if (rc) {
		snprintf(err, errlen, rc == -ENOENT ? "not an etrace artifact "
			 "(a BPF object without etrace's %s section)" :
			 "not an etrace artifact (not an ELF64 object, or "
			 "truncated)", ET_ARTIFACT_SECTION);
		return -EINVAL;
	}
	root = cJSON_ParseWithLength(meta, mlen);
	if (!root) {
		snprintf(err, errlen, "corrupt artifact: its metadata is not "
			 "valid JSON");
		return -EINVAL;
	}
	r.p = program_new(buf, len);
	if (!r.p) {
		cJSON_Delete(root);
		return -ENOMEM;
	}
	r.a = r.p->arena;
	if (check_version(&r, root))
		read_root(&r, root);
	cJSON_Delete(root);
	if (r.failed) {
		et_program__free(r.p);
		return -EINVAL;
	}
	*out = r.p;
	return 0;
}

int artifact__slurp(const char *path, void **out, size_t *out_len,
		    char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	ssize_t k;
	int fd, rc;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		rc = -errno;
		snprintf(err, errlen, "cannot read it: %s", strerror(errno));
		goto out;
	}
	rc = -EINVAL;
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_ARTIFACT) {
		snprintf(err, errlen, "not an artifact: %s",
			 S_ISREG(st.st_mode) ? "too large" : "not a file");
		goto out;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	rc = -ENOMEM;
	if (!buf)
		goto out;
	while (n < (size_t)st.st_size &&
	       (k = read(fd, buf + n, st.st_size - n)) > 0)
		n += (size_t)k;
	*out = buf;
	*out_len = n;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

int artifact__read_file(const char *path, struct et_program **out,
			char *err, size_t errlen)
{
	void *buf;
	size_t len;
	int rc;

	*out = NULL;
	rc = artifact__slurp(path, &buf, &len, err, errlen);
	if (rc)
		return rc;
	rc = artifact__read(buf, len, out, err, errlen);
	free(buf);
	return rc;
}
