/* Reading the function symbols of an ELF file with libelf (elf_syms.h):
 * .symtab and .dynsym (and, when the file is stripped, the .symtab of
 * the first separate source symsrc.h finds, else a Go binary's
 * .gopclntab: gopclntab.h), PT_LOAD segments for the
 * address/offset mapping, the build-id note and the Go markers; source
 * lines through libdw. Files are kept in a process-wide cache keyed by
 * identity and build-id. */
#define _GNU_SOURCE  /* qsort_r */
#include "elf_syms.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demangle.h"
#include "gopclntab.h"
#include "priv_io.h"
#include "symsrc.h"

struct segment {
	uint64_t vaddr, filesz, offset;
};

struct elf_syms {
	struct elf_syms *next;      /* cache list */
	int refs;
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	char *build_id;
	bool dyn, stripped, go;
	struct segment *segs;
	size_t nsegs;
	struct elf_sym *syms;       /* by address */
	size_t nsyms, cap;
	size_t *by_name;            /* indices of syms sorted by name */
	char **dem_full, **dem_name;  /* lazily demangled, per symbol */
	bool demangled;
	char sources[768];          /* the sources tried, and what gave */
	char *debug_file;           /* the separate source's file */
	/* DWARF line tables (elf_syms__line), opened on first use */
	Dwarf *dw;
	int dw_fd;
	bool dw_tried;
	/* a Go binary's .gopclntab: its functions when nothing else names
	 * them, its lines when no DWARF has them (read on first use) */
	struct gopclntab *gopcln;
	bool gopcln_tried;
};

static struct elf_syms *cache;

/* elf_syms__want_lines: each file's line tables are opened with it */
static bool want_lines;

static void lines_load(struct elf_syms *es, int fd, const char *path);

bool elf_syms__is_elf(const char *path)
{
	unsigned char magic[SELFMAG];
	int fd = priv_open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	bool ok;

	if (fd < 0)
		return false;
	ok = read(fd, magic, SELFMAG) == SELFMAG &&
	     !memcmp(magic, ELFMAG, SELFMAG);
	close(fd);
	if (!ok)
		errno = ENOEXEC;
	return ok;
}

/* ---- freeing ---- */

static void es_free(struct elf_syms *es)
{
	if (!es)
		return;
	for (size_t i = 0; i < es->nsyms; i++) {
		free((char *)es->syms[i].name);
		if (es->dem_full)
			free(es->dem_full[i]);
		if (es->dem_name)
			free(es->dem_name[i]);
	}
	free(es->dem_full);
	free(es->dem_name);
	if (es->dw)
		dwarf_end(es->dw);
	if (es->dw_fd >= 0)
		close(es->dw_fd);
	gopclntab__free(es->gopcln);
	free(es->debug_file);
	free(es->syms);
	free(es->by_name);
	free(es->segs);
	free(es->build_id);
	free(es->path);
	free(es);
}

struct elf_syms *elf_syms__ref(struct elf_syms *es)
{
	es->refs++;
	return es;
}

void elf_syms__close(struct elf_syms *es)
{
	if (es && es->refs > 0)
		es->refs--;
}

void elf_syms__cache_clear(void)
{
	struct elf_syms **pp = &cache;

	while (*pp) {
		struct elf_syms *es = *pp;

		if (es->refs) {
			pp = &es->next;
			continue;
		}
		*pp = es->next;
		es_free(es);
	}
}

/* ---- segments and sections ---- */

static int read_segments(struct elf_syms *es, Elf *elf)
{
	size_t n;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &n))
		return -EINVAL;
	es->segs = calloc(n ? n : 1, sizeof(*es->segs));
	if (!es->segs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		es->segs[es->nsegs++] = (struct segment){
			.vaddr = ph.p_vaddr, .filesz = ph.p_filesz,
			.offset = ph.p_offset,
		};
	}
	return 0;
}

int elf_syms__vaddr_to_offset(const struct elf_syms *es, uint64_t vaddr,
			      uint64_t *offset)
{
	for (size_t i = 0; i < es->nsegs; i++) {
		const struct segment *s = &es->segs[i];

		if (vaddr >= s->vaddr && vaddr - s->vaddr < s->filesz) {
			*offset = vaddr - s->vaddr + s->offset;
			return 0;
		}
	}
	return -ENOENT;
}

int elf_syms__offset_to_vaddr(const struct elf_syms *es, uint64_t offset,
			      uint64_t *vaddr)
{
	for (size_t i = 0; i < es->nsegs; i++) {
		const struct segment *s = &es->segs[i];

		if (offset >= s->offset && offset - s->offset < s->filesz) {
			*vaddr = offset - s->offset + s->vaddr;
			return 0;
		}
	}
	return -ENOENT;
}

int elf_syms__bias(const struct elf_syms *es, uint64_t map_start,
		   uint64_t map_pgoff, uint64_t *bias)
{
	uint64_t vaddr;
	int err = elf_syms__offset_to_vaddr(es, map_pgoff, &vaddr);

	if (!err)
		*bias = map_start - vaddr;
	return err;
}

/* The GNU build-id note in the note section scn: its bytes (*len of
 * them), or NULL. */
static const unsigned char *scn_build_id(Elf_Scn *scn, size_t *len)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	while (data && (off = gelf_getnote(data, off, &nh, &name_off,
					    &desc_off)) > 0) {
		if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
		    memcmp((char *)data->d_buf + name_off, "GNU", 4))
			continue;
		*len = nh.n_descsz;
		return (const unsigned char *)data->d_buf + desc_off;
	}
	return NULL;
}

static int read_build_id(struct elf_syms *es, Elf_Scn *scn)
{
	size_t n = 0;
	const unsigned char *desc = scn_build_id(scn, &n);

	if (!desc)
		return 0;
	es->build_id = malloc(2 * n + 1);
	if (!es->build_id)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		sprintf(es->build_id + 2 * i, "%02x", desc[i]);
	es->build_id[2 * n] = '\0';
	return 0;
}

size_t elf_build_id(const char *path, unsigned char *id, size_t max)
{
	Elf_Scn *scn = NULL;
	size_t len = 0, n;
	Elf *elf;
	int fd;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return 0;
	fd = priv_open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	while (elf && !len && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const unsigned char *desc;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
		    !(desc = scn_build_id(scn, &n)))
			continue;
		len = n < max ? n : max;
		memcpy(id, desc, len);
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return len;
}

/* ---- symbols ---- */

static int add_sym(struct elf_syms *es, const char *name,
		   const GElf_Sym *s)
{
	struct elf_sym *e;

	if (es->nsyms == es->cap) {
		size_t cap = es->cap ? 2 * es->cap : 256;
		struct elf_sym *v = realloc(es->syms, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		es->syms = v;
		es->cap = cap;
	}
	e = &es->syms[es->nsyms];
	*e = (struct elf_sym){
		.name = strdup(name),
		.addr = s->st_value,
		.size = s->st_size,
		.ifunc = GELF_ST_TYPE(s->st_info) == STT_GNU_IFUNC,
		.global = GELF_ST_BIND(s->st_info) != STB_LOCAL,
	};
	if (!e->name)
		return -ENOMEM;
	if (elf_syms__vaddr_to_offset(es, e->addr, &e->offset) < 0)
		e->offset = 0;
	es->nsyms++;
	return 0;
}

static int read_symtab(struct elf_syms *es, Elf *elf, Elf_Scn *scn)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	GElf_Shdr sh;
	GElf_Sym s;

	if (!data || !gelf_getshdr(scn, &sh) || !sh.sh_entsize)
		return 0;
	for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
		const char *name;
		int type;

		if (!gelf_getsym(data, i, &s))
			continue;
		name = elf_strptr(elf, sh.sh_link, s.st_name);
		if (!name || !*name)
			continue;
		if (!strcmp(name, "runtime.buildVersion"))
			es->go = true;
		type = GELF_ST_TYPE(s.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
		    s.st_shndx == SHN_UNDEF || !s.st_value)
			continue;
		if (add_sym(es, name, &s) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Scans the section headers of es's own file: build-id, Go markers, and
 * whether a .symtab exists (!stripped). Cheap: no symbol is read. */
static int scan_sections(struct elf_syms *es, Elf *elf)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;
	int err = 0;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return -EINVAL;
	es->stripped = true;
	while (!err && (scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		name = name ? name : "";
		if (!strcmp(name, ".go.buildinfo") ||
		    !strcmp(name, ".gopclntab") ||
		    !strcmp(name, ".data.rel.ro.gopclntab"))
			es->go = true;
		if (sh.sh_type == SHT_SYMTAB)
			es->stripped = false;
		if (sh.sh_type == SHT_NOTE && !es->build_id)
			err = read_build_id(es, scn);
	}
	return err;
}

/* Reads the function symbols of elf: .symtab and .dynsym, or only the
 * .symtab of a separate debug file. Returns whether a .symtab was read
 * (1), 0, or a negative errno. */
static int read_symbols(struct elf_syms *es, Elf *elf, bool from_debug)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	int err = 0, symtab = 0;

	while (!err && (scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			symtab = 1;
		if (sh.sh_type == SHT_SYMTAB ||
		    (sh.sh_type == SHT_DYNSYM && !from_debug))
			err = read_symtab(es, elf, scn);
	}
	return err ? err : symtab;
}

static int cmp_addr(const void *a, const void *b)
{
	const struct elf_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->global != y->global)
		return x->global ? -1 : 1;  /* globals name an address first */
	return strcmp(x->name, y->name);
}

static int cmp_name(const void *a, const void *b, void *arg)
{
	const struct elf_syms *es = arg;

	return strcmp(es->syms[*(const size_t *)a].name,
		      es->syms[*(const size_t *)b].name);
}

/* Sorts by address, drops the .dynsym copies of .symtab entries, and
 * builds the by-name index. */
static int index_syms(struct elf_syms *es)
{
	size_t n = 0;

	if (es->nsyms)
		qsort(es->syms, es->nsyms, sizeof(*es->syms), cmp_addr);
	for (size_t i = 0; i < es->nsyms; i++) {
		if (n && es->syms[n - 1].addr == es->syms[i].addr &&
		    !strcmp(es->syms[n - 1].name, es->syms[i].name)) {
			if (es->syms[i].size > es->syms[n - 1].size)
				es->syms[n - 1].size = es->syms[i].size;
			free((char *)es->syms[i].name);
			continue;
		}
		es->syms[n++] = es->syms[i];
	}
	es->nsyms = n;
	es->by_name = malloc((n ? n : 1) * sizeof(*es->by_name));
	if (!es->by_name)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		es->by_name[i] = i;
	qsort_r(es->by_name, n, sizeof(*es->by_name), cmp_name, es);
	return 0;
}

/* ---- opening ---- */

/* Appends ", TEXT" to the sources tried. */
static void note_source(struct elf_syms *es, const char *fmt, ...)
{
	size_t n = strlen(es->sources);
	va_list ap;

	if (n + 2 >= sizeof(es->sources))
		return;
	va_start(ap, fmt);
	strcpy(es->sources + n, ", ");
	vsnprintf(es->sources + n + 2, sizeof(es->sources) - n - 2, fmt, ap);
	va_end(ap);
}

/* A stripped file's symbols may live elsewhere (symsrc.h): a debug file
 * by build id (Debian's -dbgsym packages) or by .gnu_debuglink,
 * MiniDebugInfo (Fedora), debuginfod. */
static int read_debug_file(struct elf_syms *es, Elf *elf)
{
	struct symsrc src;
	int err = symsrc__find(es->path, elf, es->build_id, &src, es->sources,
			       sizeof(es->sources));

	if (err <= 0)
		return err;
	err = read_symbols(es, src.elf, true);
	if (err > 0)
		es->stripped = false;  /* its symbols are known after all */
	if (src.file) {
		es->debug_file = src.file;  /* DWARF too, maybe */
		src.file = NULL;
	}
	symsrc__close(&src);
	return err < 0 ? err : 0;
}

/* A stripped Go binary still has the table its runtime symbolizes
 * tracebacks with: every function, with its entry and end. */
static int read_gopclntab(struct elf_syms *es, Elf *elf)
{
	struct gopclntab_func f;
	size_t n;

	es->gopcln_tried = true;
	es->gopcln = gopclntab__from_elf(elf);
	if (!es->gopcln) {
		note_source(es, ".gopclntab: %s", errno == ENOENT ? "none" :
			    errno == ENOMEM ? "out of memory" :
			    "unreadable");
		return errno == ENOMEM ? -ENOMEM : 0;
	}
	n = gopclntab__count(es->gopcln);
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s = { .st_info = GELF_ST_INFO(STB_GLOBAL, STT_FUNC) };
		char name[1024];

		if (gopclntab__func(es->gopcln, i, &f) < 0 || !f.entry ||
		    f.end < f.entry)
			continue;
		s.st_value = f.entry;
		s.st_size = f.end - f.entry;
		/* one name per function: the ABI0 twin's as .symtab's */
		snprintf(name, sizeof(name), "%s%s", f.name,
			 f.abi0 ? ".abi0" : "");
		if (add_sym(es, name, &s) < 0)
			return -ENOMEM;
	}
	note_source(es, ".gopclntab (Go %s): %zu functions",
		    gopclntab__format(es->gopcln), n);
	es->stripped = false; /* its functions are known after all */
	return 0;
}

static struct elf_syms *cache_find(const struct stat *st)
{
	for (struct elf_syms *es = cache; es; es = es->next)
		if (es->dev == st->st_dev && es->ino == st->st_ino &&
		    es->size == st->st_size &&
		    es->mtime.tv_sec == st->st_mtim.tv_sec &&
		    es->mtime.tv_nsec == st->st_mtim.tv_nsec)
			return es;
	return NULL;
}

/* A stripped copy shares its original's build-id, not its symbols. */
static struct elf_syms *cache_find_build_id(const char *bid, bool stripped)
{
	for (struct elf_syms *es = cache; bid && es; es = es->next)
		if (es->build_id && !strcmp(es->build_id, bid) &&
		    es->stripped == stripped)
			return es;
	return NULL;
}

static struct elf_syms *es_new(const char *path, const struct stat *st)
{
	struct elf_syms *es = calloc(1, sizeof(*es));

	if (!es)
		return NULL;
	es->path = strdup(path);
	if (!es->path) {
		free(es);
		return NULL;
	}
	es->dw_fd = -1;
	es->dev = st->st_dev;
	es->ino = st->st_ino;
	es->size = st->st_size;
	es->mtime = st->st_mtim;
	return es;
}

/* Loads path into es unless the cache holds the same file under another
 * name (same build-id and as stripped): then *same is that entry. */
static int load(struct elf_syms *es, int fd, struct elf_syms **same)
{
	Elf *elf;
	GElf_Ehdr eh;
	int err = -ENOEXEC;

	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF)
		goto out;
	err = -EINVAL;
	if (!gelf_getehdr(elf, &eh))
		goto out;
	es->dyn = eh.e_type == ET_DYN;
	err = read_segments(es, elf);
	if (!err)
		err = scan_sections(es, elf);
	if (err)
		goto out;
	*same = cache_find_build_id(es->build_id, es->stripped);
	if (*same)
		goto out;
	snprintf(es->sources, sizeof(es->sources), "%s, .dynsym",
		 es->stripped ? ".symtab: none" : ".symtab");
	err = read_symbols(es, elf, false);
	if (err >= 0 && es->stripped)
		err = read_debug_file(es, elf);
	if (err >= 0 && es->stripped && es->go)
		err = read_gopclntab(es, elf);
	if (err >= 0)
		err = index_syms(es);
out:
	elf_end(elf);
	return err < 0 ? err : 0;
}

static struct elf_syms *open_new(const char *path, int fd,
				 const struct stat *st)
{
	struct elf_syms *es = es_new(path, st), *same = NULL;
	int err;

	if (!es)
		return NULL;
	err = load(es, fd, &same);
	if (err || same) {
		es_free(es);
		errno = -err;
		return same;
	}
	es->next = cache;
	cache = es;
	return es;
}

/* name's st_value in the symbol table section scn, or 0 */
static uint64_t symtab_value(Elf *elf, Elf_Scn *scn, const char *name)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	GElf_Shdr sh;
	GElf_Sym s;

	if (!data || !gelf_getshdr(scn, &sh) || !sh.sh_entsize)
		return 0;
	for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
		const char *n;

		if (!gelf_getsym(data, i, &s) || s.st_shndx == SHN_UNDEF)
			continue;
		n = elf_strptr(elf, sh.sh_link, s.st_name);
		if (n && !strcmp(n, name) && s.st_value)
			return s.st_value;
	}
	return 0;
}

/* name's st_value in the symbol tables of file, or 0 */
static uint64_t file_symbol_value(const char *file, const char *name)
{
	int fd = priv_open(file, O_RDONLY | O_CLOEXEC);
	Elf *elf = fd < 0 ? NULL : elf_begin(fd, ELF_C_READ, NULL);
	Elf_Scn *scn = NULL;
	uint64_t v = 0;
	GElf_Shdr sh;

	while (elf && !v && (scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) &&
		    (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM))
			v = symtab_value(elf, scn, name);
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
	return v;
}

/* the file's own tables, then its separate debug file's */
int elf_syms__symbol_addr(const struct elf_syms *es, const char *name,
			  uint64_t *vaddr)
{
	*vaddr = file_symbol_value(es->path, name);
	if (!*vaddr && es->debug_file)
		*vaddr = file_symbol_value(es->debug_file, name);
	return *vaddr ? 0 : -ENOENT;
}

void elf_syms__want_lines(bool on)
{
	want_lines = on;
}

struct elf_syms *elf_syms__open(const char *path)
{
	struct elf_syms *es = NULL;
	struct stat st;
	int fd;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		errno = EINVAL;
		return NULL;
	}
	fd = priv_open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0)
		goto out;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : ENOEXEC;
		goto out;
	}
	es = cache_find(&st);
	if (!es && elf_syms__is_elf(path))
		es = open_new(path, fd, &st);
	if (es)
		es->refs++;
	if (es && want_lines && !es->dw_tried)
		lines_load(es, fd, path);
out:
	close(fd);
	return es;
}

/* ---- accessors ---- */

const char *elf_syms__path(const struct elf_syms *es)
{
	return es->path;
}

const char *elf_syms__build_id(const struct elf_syms *es)
{
	return es->build_id;
}

bool elf_syms__is_dyn(const struct elf_syms *es)
{
	return es->dyn;
}

bool elf_syms__stripped(const struct elf_syms *es)
{
	return es->stripped;
}

bool elf_syms__is_go(const struct elf_syms *es)
{
	return es->go;
}

const char *elf_syms__sources(const struct elf_syms *es)
{
	return es->sources;
}

size_t elf_syms__count(const struct elf_syms *es)
{
	return es->nsyms;
}

const struct elf_sym *elf_syms__at(const struct elf_syms *es, size_t i)
{
	return i < es->nsyms ? &es->syms[i] : NULL;
}

/* ---- demangled names ---- */

static int demangle_all(struct elf_syms *es)
{
	if (es->demangled)
		return 0;
	es->dem_full = calloc(es->nsyms ? es->nsyms : 1, sizeof(char *));
	es->dem_name = calloc(es->nsyms ? es->nsyms : 1, sizeof(char *));
	if (!es->dem_full || !es->dem_name) {
		free(es->dem_full);
		free(es->dem_name);
		es->dem_full = es->dem_name = NULL;
		return -ENOMEM;
	}
	for (size_t i = 0; i < es->nsyms; i++) {
		if (!demangle_is_mangled(es->syms[i].name))
			continue;
		es->dem_full[i] = demangle(es->syms[i].name, DEMANGLE_FULL);
		if (es->dem_full[i])
			es->dem_name[i] = demangle(es->syms[i].name,
						   DEMANGLE_NAME);
	}
	es->demangled = true;
	return 0;
}

const char *elf_syms__demangled(struct elf_syms *es,
				const struct elf_sym *sym)
{
	size_t i = sym - es->syms;

	if (i >= es->nsyms || demangle_all(es) < 0)
		return NULL;
	return es->dem_full[i];
}

/* ---- lookups ---- */

const struct elf_sym *elf_syms__find(const struct elf_syms *es,
				     const char *name)
{
	size_t len = strlen(name), lo = 0, hi = es->nsyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, es->syms[es->by_name[mid]].name);

		if (!c)
			return &es->syms[es->by_name[mid]];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	/* .symtab names versioned copies "memcpy@GLIBC_2.2.5" */
	for (size_t i = 0; i < es->nsyms; i++)
		if (!strncmp(es->syms[i].name, name, len) &&
		    es->syms[i].name[len] == '@')
			return &es->syms[i];
	errno = ENOENT;
	return NULL;
}

static bool name_matches(const char *pattern, const char *s, bool wildcard)
{
	if (!s)
		return false;
	return wildcard ? fnmatch(pattern, s, 0) == 0 : !strcmp(pattern, s);
}

int elf_syms__match(struct elf_syms *es, const char *name, bool wildcard,
		    bool demangled_only, elf_sym_fn fn, void *arg)
{
	int n = 0, err;

	if (demangle_all(es) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < es->nsyms; i++) {
		const struct elf_sym *s = &es->syms[i];
		bool plain = !demangled_only &&
			     name_matches(name, s->name, wildcard);

		if (!plain && !name_matches(name, es->dem_full[i], wildcard) &&
		    !name_matches(name, es->dem_name[i], wildcard))
			continue;
		n++;
		err = fn ? fn(s, arg) : 0;
		if (err < 0)
			return err;
	}
	return n;
}

const struct elf_sym *elf_syms__lookup(const struct elf_syms *es,
				       uint64_t addr)
{
	size_t lo = 0, hi = es->nsyms;

	/* hi: the first symbol above addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (es->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the nearest starts first; a few earlier ones may enclose it */
	for (size_t i = hi, tries = 0; i-- > 0 && tries < 64; tries++) {
		const struct elf_sym *s = &es->syms[i];

		if (addr - s->addr < s->size || (!s->size && addr == s->addr)) {
			/* aliases: the first (global) name of the address */
			while (i > 0 && es->syms[i - 1].addr == s->addr)
				s = &es->syms[--i];
			return s;
		}
	}
	errno = ENOENT;
	return NULL;
}

int elf_syms__symbolize(struct elf_syms *es, uint64_t addr, uint64_t bias,
			bool demangled, bool always_offset, char *buf,
			size_t len)
{
	uint64_t a = addr - bias;
	const struct elf_sym *s = elf_syms__lookup(es, a);
	const char *name;

	if (!s) {
		snprintf(buf, len, "0x%" PRIx64, addr);
		return -ENOENT;
	}
	name = demangled ? elf_syms__demangled(es, s) : NULL;
	name = name ? name : s->name;
	if (a == s->addr && !always_offset)
		return snprintf(buf, len, "%s", name);
	return snprintf(buf, len, "%s+%" PRIu64, name, a - s->addr);
}

/* ---- source lines ---- */

/* The DWARF of the file open as fd (a descriptor of its own, closed
 * with it), when it has line tables. */
static Dwarf *dw_from_fd(int fd, int *fdp)
{
	Dwarf *dw = fd < 0 ? NULL : dwarf_begin(fd, DWARF_C_READ);
	Dwarf_Off off = 0, next;
	size_t hsize;

	/* a file without .debug_info (stripped of it) has no CU */
	if (dw && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL)) {
		dwarf_end(dw);
		dw = NULL;
	}
	if (!dw && fd >= 0)
		close(fd);
	*fdp = dw ? fd : -1;
	return dw;
}

/* The DWARF of file, when it has line tables. */
static Dwarf *dw_open(const char *file, int *fdp)
{
	return dw_from_fd(priv_open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK),
			  fdp);
}

/* The separate debug file's DWARF; after the privilege drop, when the
 * file was reached in a process's root (/proc/PID/root/..., which the
 * privileged helper opens), the debug file in that root too: a system
 * debug file or one beside the file, which the helper opens as well. */
static Dwarf *dw_open_debug(const struct elf_syms *es, const char *via,
			    int *fdp)
{
	char path[PATH_MAX + 64];
	Dwarf *dw = dw_open(es->debug_file, fdp);
	int pid, n = 0;

	if (dw || !priv_dropped() || !strncmp(es->debug_file, "/proc/", 6) ||
	    sscanf(via, "/proc/%d/root/%n", &pid, &n) != 1 || !n)
		return dw;
	snprintf(path, sizeof(path), "/proc/%d/root%s", pid, es->debug_file);
	return dw_open(path, fdp);
}

/* The line tables of es, through fd, the file open as path (by the
 * privileged helper maybe: path may be one this process cannot open):
 * its DWARF, else its debug file's; a Go binary's .gopclntab. */
static void lines_load(struct elf_syms *es, int fd, const char *path)
{
	es->dw_tried = true;
	es->dw = dw_from_fd(fcntl(fd, F_DUPFD_CLOEXEC, 0), &es->dw_fd);
	if (!es->dw && es->debug_file)
		es->dw = dw_open_debug(es, path, &es->dw_fd);
	if (es->go && !es->gopcln_tried) {
		Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);

		es->gopcln_tried = true;
		es->gopcln = elf ? gopclntab__from_elf(elf) : NULL;
		elf_end(elf);
	}
}

/* A Go binary's line from its .gopclntab, opened on first use. */
static int go_line(struct elf_syms *es, uint64_t vaddr, const char **file,
		   int *lineno)
{
	if (!es->go)
		return -ENOENT;
	if (!es->gopcln_tried) {
		int fd = priv_open(es->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		Elf *elf = fd < 0 ? NULL : elf_begin(fd, ELF_C_READ_MMAP, NULL);

		es->gopcln_tried = true;
		es->gopcln = elf ? gopclntab__from_elf(elf) : NULL;
		elf_end(elf);
		if (fd >= 0)
			close(fd);
	}
	if (!es->gopcln)
		return -ENOENT;
	return gopclntab__line(es->gopcln, vaddr, file, lineno);
}

/* The DWARF line table, else a Go binary's .gopclntab. */
int elf_syms__line(struct elf_syms *es, uint64_t vaddr, char *buf,
		   size_t len)
{
	Dwarf_Die cu;
	Dwarf_Line *line = NULL;
	const char *file = NULL, *base;
	int lineno = 0;

	if (!es->dw_tried) {
		es->dw_tried = true;
		es->dw = dw_open(es->path, &es->dw_fd);
		if (!es->dw && es->debug_file)
			es->dw = dw_open(es->debug_file, &es->dw_fd);
	}
	if (es->dw && dwarf_addrdie(es->dw, vaddr, &cu))
		line = dwarf_getsrc_die(&cu, vaddr);
	file = line ? dwarf_linesrc(line, NULL, NULL) : NULL;
	if ((!file || dwarf_lineno(line, &lineno) || lineno <= 0) &&
	    go_line(es, vaddr, &file, &lineno) < 0)
		return -ENOENT;
	base = strrchr(file, '/');
	return snprintf(buf, len, "%s:%d", base ? base + 1 : file, lineno);
}

Elf_Scn *elf_section_named(Elf *elf, const char *name)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, &sh))
			continue;
		n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}
