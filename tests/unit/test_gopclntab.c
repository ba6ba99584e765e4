/* Unit tests: Go's .gopclntab (gopclntab.c), Go build info
 * (gobuildinfo.c) and the stripped Go binaries elf_syms.c names through
 * them, against tests/progs/gosyms/chain.go built by the suite: every
 * function of the stripped build's table is in the unstripped twin's
 * .symtab at the same address, every line it gives equals the twin's
 * DWARF line table (libdw), and the build info equals what `go version
 * -m` prints. Damaged tables give errors, never reads out of bounds
 * (the ASan build runs this too). */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_syms.h"
#include "gobuildinfo.h"
#include "gopclntab.h"

#define PROGS ETRACE_GOSYMS_PROGS
#define CHAIN PROGS "/chain"
#define STRIPPED PROGS "/chain_stripped"
#define PIE PROGS "/chain_pie"
#define MOD PROGS "/chain_mod"

/* The table format the Go toolchain that built path writes. */
static const char *format_of(const char *path)
{
	struct gobuildinfo bi;
	int fd = open(path, O_RDONLY | O_CLOEXEC), minor = 0;
	Elf *elf = fd < 0 ? NULL : elf_begin(fd, ELF_C_READ, NULL);

	if (elf && !gobuildinfo__read(elf, &bi))
		sscanf(bi.version, "go1.%d", &minor);
	elf_end(elf);
	if (fd >= 0)
		close(fd);
	return minor >= 20 ? "1.20+" : minor >= 18 ? "1.18-1.19" : "1.16-1.17";
}

static bool have_go(void)
{
	if (!ETRACE_HAVE_GO)
		fprintf(stderr, "(golang-go not installed: not tested) ");
	return ETRACE_HAVE_GO;
}

/* The .gopclntab of path (its ELF kept open in *fdp and *elfp). */
static struct gopclntab *table_of(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf;
	struct gopclntab *t;

	CU_ASSERT_FATAL(fd >= 0);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(elf);
	t = gopclntab__from_elf(elf);
	elf_end(elf);
	close(fd);
	return t;
}

/* ---- functions ---- */

/* The twin's .symtab names each function of the table at its entry,
 * assembly ones with Go's ".abi0" suffix; entries ascend and each
 * function ends where the next begins. */
static void test_functions(void)
{
	struct gopclntab *t;
	struct elf_syms *es;
	struct gopclntab_func f, prev = {0};
	size_t n, found = 0, mains = 0;
	char abi0[512];

	if (!have_go())
		return;
	t = table_of(STRIPPED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(gopclntab__format(t), format_of(STRIPPED));
	es = elf_syms__open(CHAIN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	n = gopclntab__count(t);
	CU_ASSERT(n > 1000);
	for (size_t i = 0; i < n; i++) {
		const struct elf_sym *s;

		CU_ASSERT_EQUAL_FATAL(gopclntab__func(t, i, &f), 0);
		CU_ASSERT(f.entry < f.end);
		if (i)
			CU_ASSERT_EQUAL(prev.end, f.entry);
		prev = f;
		mains += !strncmp(f.name, "main.", 5);
		/* a pair sharing a name: its ABI0 side is NAME.abi0 */
		snprintf(abi0, sizeof(abi0), "%s.abi0", f.name);
		s = elf_syms__find(es, f.abi0 ? abi0 : f.name);
		if (!f.abi0 && (!s || s->addr != f.entry))
			s = elf_syms__find(es, abi0);
		if (s && s->addr == f.entry)
			found++;
		else if (strstr(f.name, "[...]"))
			found++; /* the table shortens array types */
		else
			fprintf(stderr, "\n%s at 0x%" PRIx64 ": %s", f.name,
				f.entry,
				s ? "another address" : "not in .symtab");
	}
	CU_ASSERT_EQUAL(found, n);
	/* main.etLeaf, main.etMiddle, main.etOuter, main.(*etCounter).add,
	 * main.main */
	CU_ASSERT_EQUAL(mains, 5);
	CU_ASSERT_EQUAL(gopclntab__func(t, n, &f), -ENOENT);
	elf_syms__close(es);
	gopclntab__free(t);
}

/* find: each function's entry, last byte and the text's end */
static void test_find(void)
{
	struct gopclntab *t;
	struct gopclntab_func f, last;
	size_t n;

	if (!have_go())
		return;
	t = table_of(STRIPPED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	n = gopclntab__count(t);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL_FATAL(gopclntab__func(t, i, &f), 0);
		CU_ASSERT_EQUAL(gopclntab__find(t, f.entry), (long)i);
		CU_ASSERT_EQUAL(gopclntab__find(t, f.end - 1), (long)i);
	}
	CU_ASSERT_EQUAL(gopclntab__func(t, 0, &f), 0);
	CU_ASSERT_EQUAL(gopclntab__find(t, f.entry - 1), -ENOENT);
	CU_ASSERT_EQUAL(gopclntab__func(t, n - 1, &last), 0);
	CU_ASSERT_EQUAL(gopclntab__find(t, last.end), -ENOENT);
	gopclntab__free(t);
}

/* ---- lines ---- */

/* Every byte of every main.* and runtime.main function: the table's
 * line equals the twin's DWARF line (elf_syms__line of a binary with
 * DWARF reads DWARF), the file's base name too. */
static void test_lines_match_dwarf(void)
{
	struct gopclntab *t;
	struct elf_syms *es;
	struct gopclntab_func f;
	size_t checked = 0, differ = 0;

	if (!have_go())
		return;
	t = table_of(CHAIN);
	es = elf_syms__open(CHAIN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	for (size_t i = 0; i < gopclntab__count(t); i++) {
		CU_ASSERT_EQUAL_FATAL(gopclntab__func(t, i, &f), 0);
		if (strncmp(f.name, "main.", 5) &&
		    strcmp(f.name, "runtime.main"))
			continue;
		for (uint64_t pc = f.entry; pc < f.end; pc++) {
			char want[512], got[512];
			const char *file, *base;
			int line;

			if (elf_syms__line(es, pc, want, sizeof(want)) < 0)
				continue; /* padding after the code */
			CU_ASSERT_EQUAL_FATAL(
			    gopclntab__line(t, pc, &file, &line), 0);
			base = strrchr(file, '/');
			snprintf(got, sizeof(got), "%s:%d",
				 base ? base + 1 : file, line);
			checked++;
			if (strcmp(want, got) && differ++ < 5)
				fprintf(stderr,
					"\n%s+%" PRIu64 ": %s, DWARF %s",
					f.name, pc - f.entry, got, want);
		}
	}
	CU_ASSERT(checked > 500);
	CU_ASSERT_EQUAL(differ, 0);
	elf_syms__close(es);
	gopclntab__free(t);
}

/* The full path the compiler saw, and a pc outside every function. */
static void test_line_file(void)
{
	struct gopclntab *t;
	struct elf_syms *es;
	const struct elf_sym *s;
	char got[256], want[256];
	const char *file;
	int line;

	if (!have_go())
		return;
	t = table_of(STRIPPED);
	es = elf_syms__open(CHAIN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	s = elf_syms__find(es, "main.etLeaf");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(gopclntab__line(t, s->addr, &file, &line), 0);
	snprintf(got, sizeof(got), "chain.go:%d", line);
	CU_ASSERT(elf_syms__line(es, s->addr, want, sizeof(want)) > 0);
	CU_ASSERT_STRING_EQUAL(got, want);
	CU_ASSERT(strlen(file) > 9 && file[0] == '/' &&
		  !strcmp(file + strlen(file) - 9, "/chain.go"));
	CU_ASSERT_EQUAL(gopclntab__line(t, 0x1000, &file, &line), -ENOENT);
	elf_syms__close(es);
	gopclntab__free(t);
}

/* ---- through elf_syms ---- */

/* A Go binary with its .symtab but without DWARF (go build -ldflags=-w,
 * here objcopy --strip-debug): its names from .symtab, its lines from
 * .gopclntab, those of the twin's DWARF. */
static void test_lines_without_dwarf(void)
{
	char tmp[] = "/tmp/etrace-gonodw-XXXXXX", cmd[512];
	char got[256], want[256];
	struct elf_syms *es, *twin;
	const struct elf_sym *s;
	int fd;

	if (!have_go())
		return;
	fd = mkstemp(tmp);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "objcopy --strip-debug '%s' '%s'", CHAIN,
		 tmp);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	es = elf_syms__open(tmp);
	twin = elf_syms__open(CHAIN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	CU_ASSERT_PTR_NOT_NULL_FATAL(twin);
	CU_ASSERT_STRING_EQUAL(elf_syms__sources(es), ".symtab, .dynsym");
	s = elf_syms__find(es, "main.etOuter");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (uint64_t pc = s->addr; pc < s->addr + s->size; pc++) {
		if (elf_syms__line(twin, pc, want, sizeof(want)) < 0)
			continue;
		CU_ASSERT(elf_syms__line(es, pc, got, sizeof(got)) > 0);
		CU_ASSERT_STRING_EQUAL(got, want);
	}
	elf_syms__close(es);
	elf_syms__close(twin);
	elf_syms__cache_clear();
	unlink(tmp);
}

/* The stripped build: functions at the twin's addresses, its lines, the
 * sources tried; the twin keeps its .symtab names. */
static void test_elf_syms_stripped(void)
{
	static const char *const names[] = {"main.etLeaf", "main.etMiddle",
					    "main.etOuter", "main.main",
					    "runtime.main"};
	struct elf_syms *es, *twin;
	char buf[256], want[256];

	if (!have_go())
		return;
	es = elf_syms__open(STRIPPED);
	twin = elf_syms__open(CHAIN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	CU_ASSERT_PTR_NOT_NULL_FATAL(twin);
	CU_ASSERT_TRUE(elf_syms__is_go(es));
	CU_ASSERT_FALSE(elf_syms__stripped(es));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(elf_syms__sources(es), ".symtab: none, .dynsym, "));
	snprintf(want, sizeof(want),
		 ", .gopclntab (Go %s): ", format_of(STRIPPED));
	CU_ASSERT_PTR_NOT_NULL(strstr(elf_syms__sources(es), want));
	CU_ASSERT_STRING_EQUAL(elf_syms__sources(twin), ".symtab, .dynsym");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct elf_sym *s = elf_syms__find(es, names[i]);
		const struct elf_sym *w = elf_syms__find(twin, names[i]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_PTR_NOT_NULL_FATAL(w);
		CU_ASSERT_EQUAL(s->addr, w->addr);
		CU_ASSERT_EQUAL(s->offset, w->offset);
		CU_ASSERT(s->size >= w->size);
		CU_ASSERT_PTR_EQUAL(elf_syms__lookup(es, s->addr + 1), s);
		CU_ASSERT(elf_syms__symbolize(es, s->addr + 3, 0, true, false,
					      buf, sizeof(buf)) > 0);
		snprintf(want, sizeof(want), "%s+3", names[i]);
		CU_ASSERT_STRING_EQUAL(buf, want);
		/* the line of the stripped build equals the twin's DWARF */
		CU_ASSERT(
		    elf_syms__line(twin, s->addr + 3, want, sizeof(want)) > 0);
		CU_ASSERT(elf_syms__line(es, s->addr + 3, buf, sizeof(buf)) >
			  0);
		CU_ASSERT_STRING_EQUAL(buf, want);
	}
	CU_ASSERT_EQUAL(
	    elf_syms__match(es, "main.et*", true, false, NULL, NULL), 3);
	elf_syms__close(es);
	elf_syms__close(twin);
}

/* A PIE: the table is .data.rel.ro.gopclntab and entries are offsets
 * from .text; the same functions and lines as the twin. */
static void test_pie(void)
{
	struct elf_syms *es, *twin;
	const struct elf_sym *s, *w;
	char buf[256], want[256];

	if (!have_go())
		return;
	es = elf_syms__open(PIE);
	twin = elf_syms__open(CHAIN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	CU_ASSERT_PTR_NOT_NULL_FATAL(twin);
	CU_ASSERT_TRUE(elf_syms__is_dyn(es));
	s = elf_syms__find(es, "main.etMiddle");
	w = elf_syms__find(twin, "main.etMiddle");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT(s->size > 0);
	CU_ASSERT(elf_syms__line(es, s->addr + 25, buf, sizeof(buf)) > 0);
	CU_ASSERT(elf_syms__line(twin, w->addr + 25, want, sizeof(want)) > 0);
	CU_ASSERT_STRING_EQUAL(buf, want);
	elf_syms__close(es);
	elf_syms__close(twin);
}

/* ---- damaged tables ---- */

static unsigned char *section_copy(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf = fd < 0 ? NULL : elf_begin(fd, ELF_C_READ, NULL);
	Elf_Scn *scn = NULL;
	unsigned char *copy = NULL;
	size_t shstrndx;
	GElf_Shdr sh;

	CU_ASSERT_PTR_NOT_NULL_FATAL(elf);
	elf_getshdrstrndx(elf, &shstrndx);
	while (!copy && (scn = elf_nextscn(elf, scn))) {
		Elf_Data *d;

		gelf_getshdr(scn, &sh);
		if (strcmp(elf_strptr(elf, shstrndx, sh.sh_name), ".gopclntab"))
			continue;
		d = elf_getdata(scn, NULL);
		copy = malloc(d->d_size);
		memcpy(copy, d->d_buf, d->d_size);
		*len = d->d_size;
	}
	elf_end(elf);
	close(fd);
	return copy;
}

/* Every function and the line of its entry, whatever they are. */
static void walk(const struct gopclntab *t)
{
	struct gopclntab_func f;
	const char *file;
	int line;

	for (size_t i = 0; i < gopclntab__count(t); i++)
		if (!gopclntab__func(t, i, &f))
			gopclntab__line(t, f.entry + 4, &file, &line);
}

static void test_damaged(void)
{
	static const unsigned char old[16] = {0xfb, 0xff, 0xff, 0xff,
					      0,    0,	  1,	8};
	unsigned char *data, *bad;
	uint32_t seed = 12345;
	struct gopclntab *t;
	size_t len = 0;

	errno = 0;
	CU_ASSERT_PTR_NULL(gopclntab__new(old, sizeof(old), 0));
	CU_ASSERT_EQUAL(errno, EPROTONOSUPPORT); /* Go 1.2-1.15 */
	CU_ASSERT_PTR_NULL(gopclntab__new(old, 4, 0));
	CU_ASSERT_EQUAL(errno, EINVAL);
	if (!have_go())
		return;
	data = section_copy(STRIPPED, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	/* cut short: the header's function table no longer fits */
	for (size_t cut = 0; cut < 4096; cut += 7) {
		t = gopclntab__new(data, cut, 0x401000);
		CU_ASSERT_PTR_NULL(t);
		gopclntab__free(t);
	}
	/* cut after the function table, or bytes overwritten: whatever
	 * the walk reads stays inside */
	bad = malloc(len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
	for (int round = 0; round < 60; round++) {
		size_t n = round < 20 ? len - (len / 20) * round : len;

		/* every fourth round two bytes of the header's words, else
		 * 64 bytes of the tables */
		bool header = round % 4 == 0;
		size_t from = header ? 8 : 64, span = header ? 64 : len - 64;

		memcpy(bad, data, len);
		for (int k = 0; round >= 20 && k < (header ? 2 : 64); k++) {
			seed = seed * 1103515245u + 12345u;
			bad[from + (seed >> 8) % span] = (unsigned char)seed;
		}
		t = gopclntab__new(bad, n, 0x401000);
		if (t)
			walk(t);
		gopclntab__free(t);
	}
	free(bad);
	free(data);
}

/* ---- the other formats, rewritten from the Go 1.18 table ---- */

static uint64_t get(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	memcpy(&v, p, n); /* little endian, as the tables */
	return v;
}

static void put(unsigned char *p, uint64_t v, size_t n)
{
	memcpy(p, &v, n);
}

/* The 1.18 table data (len bytes, text at 0x401000) rewritten as a Go
 * 1.16-1.17 table (magic 0xfffffffa: seven header words, no textStart;
 * function table and _func entries as 8-byte addresses) or a 1.20 one
 * (0xfffffff1: startLine before funcID in _func). The other tables stay
 * where they are; the new function table and records are appended. */
static unsigned char *rewrite(const unsigned char *data, size_t len, bool go116,
			      size_t *out_len)
{
	uint64_t nfunc = get(data + 8, 8), pcln = get(data + 64, 8);
	size_t fsz = go116 ? 8 : 4, rsz = 44;
	size_t at = (len + 7) & ~(size_t)7;
	size_t tab = (2 * nfunc + 1) * fsz, n = at + tab + nfunc * rsz;
	unsigned char *t = calloc(1, n);

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	memcpy(t, data, len);
	put(t, go116 ? 0xfffffffa : 0xfffffff1, 4);
	if (go116) { /* drop textStart: words 3.. move down one */
		memmove(t + 24, data + 32, 5 * 8);
		put(t + 64, 0, 8);
		put(t + 56, at, 8);
	} else {
		put(t + 64, at, 8);
	}
	for (uint64_t i = 0; i <= nfunc; i++) {
		uint64_t e = get(data + pcln + 8 * i, 4);
		uint64_t rec = pcln + get(data + pcln + 8 * i + 4, 4);
		unsigned char *r = t + at + tab + i * rsz;

		put(t + at + 2 * i * fsz, go116 ? 0x401000 + e : e, fsz);
		if (i == nfunc)
			break;
		put(t + at + (2 * i + 1) * fsz, tab + i * rsz, fsz);
		if (go116) { /* entry address, then the 1.18 fields */
			put(r, 0x401000 + e, 8);
			memcpy(r + 8, data + rec + 4, 36);
		} else { /* entry offset .. cuOffset, startLine, funcID.. */
			memcpy(r, data + rec, 36);
			put(r + 36, 0, 4);
			memcpy(r + 40, data + rec + 36, 4);
		}
	}
	*out_len = n;
	return t;
}

/* Each rewritten table gives the functions, ABI0 marks and lines of the
 * original. */
static void test_formats(void)
{
	struct gopclntab *orig, *t;
	unsigned char *data, *re;
	size_t len = 0, n = 0, lines = 0;

	if (!have_go())
		return;
	data = section_copy(STRIPPED, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	orig = gopclntab__new(data, len, 0x401000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(orig);
	if (strcmp(gopclntab__format(orig), "1.18-1.19")) {
		fprintf(stderr, "(not a Go 1.18-1.19 table: not rewritten) ");
		goto out;
	}
	for (int go116 = 0; go116 < 2; go116++) {
		re = rewrite(data, len, go116, &n);
		t = gopclntab__new(re, n, go116 ? 0 : 0x401000);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		CU_ASSERT_STRING_EQUAL(gopclntab__format(t),
				       go116 ? "1.16-1.17" : "1.20+");
		CU_ASSERT_EQUAL_FATAL(gopclntab__count(t),
				      gopclntab__count(orig));
		for (size_t i = 0; i < gopclntab__count(t); i++) {
			struct gopclntab_func a, b;
			const char *fa, *fb;
			int la, lb;

			CU_ASSERT_EQUAL_FATAL(gopclntab__func(orig, i, &a), 0);
			CU_ASSERT_EQUAL_FATAL(gopclntab__func(t, i, &b), 0);
			CU_ASSERT_STRING_EQUAL(a.name, b.name);
			CU_ASSERT_EQUAL(a.entry, b.entry);
			CU_ASSERT_EQUAL(a.end, b.end);
			CU_ASSERT_EQUAL(a.abi0, b.abi0);
			for (uint64_t pc = a.entry; pc < a.end; pc += 7) {
				int ra = gopclntab__line(orig, pc, &fa, &la);

				CU_ASSERT_EQUAL(
				    gopclntab__line(t, pc, &fb, &lb), ra);
				if (ra || gopclntab__line(t, pc, &fb, &lb))
					continue;
				CU_ASSERT_STRING_EQUAL(fa, fb);
				CU_ASSERT_EQUAL(la, lb);
				lines++;
			}
		}
		gopclntab__free(t);
		free(re);
	}
	CU_ASSERT(lines > 10000);
out:
	gopclntab__free(orig);
	free(data);
}

/* ---- build info ---- */

/* What `go version -m FILE` prints: "FILE: VERSION", then "\tpath\tP",
 * "\tmod\tM\tV\t..." lines. */
static void go_version_m(const char *file, char *vers, char *path, char *mod,
			 char *modver)
{
	char cmd[1024], line[1024];
	FILE *p;

	*vers = *path = *mod = *modver = '\0';
	snprintf(cmd, sizeof(cmd), "'%s' version -m '%s'", ETRACE_GO, file);
	p = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	while (fgets(line, sizeof(line), p)) {
		char *colon = strstr(line, ": ");

		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '\t' && colon)
			strcpy(vers, colon + 2);
		else if (sscanf(line, "\tpath\t%255s", path) == 1)
			continue;
		else
			sscanf(line, "\tmod\t%255s\t%63s", mod, modver);
	}
	CU_ASSERT_EQUAL(pclose(p), 0);
}

static void check_buildinfo(const char *file, const char *module)
{
	char vers[256], path[256], mod[256], modver[64];
	struct gobuildinfo bi;
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	Elf *elf = fd < 0 ? NULL : elf_begin(fd, ELF_C_READ, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(elf);
	CU_ASSERT_EQUAL(gobuildinfo__read(elf, &bi), 0);
	go_version_m(file, vers, path, mod, modver);
	CU_ASSERT_STRING_EQUAL(bi.version, vers);
	CU_ASSERT_STRING_EQUAL(bi.path, path);
	CU_ASSERT_STRING_EQUAL(bi.module, mod);
	CU_ASSERT_STRING_EQUAL(bi.modver, modver);
	CU_ASSERT_STRING_EQUAL(bi.module, module);
	CU_ASSERT_STRING_EQUAL(bi.source, ".go.buildinfo");
	CU_ASSERT_EQUAL(strncmp(bi.version, "go1.", 4), 0);
	elf_end(elf);
	close(fd);
}

static void test_buildinfo(void)
{
	struct gobuildinfo bi;
	int fd;
	Elf *elf;

	if (!have_go())
		return;
	check_buildinfo(STRIPPED, "");
	check_buildinfo(PIE, "");
	check_buildinfo(MOD, "example.com/chain");
	/* without .go.buildinfo: runtime.buildVersion and runtime.modinfo
	 * of the .symtab */
	{
		char tmp[] = "/tmp/etrace-gobi-XXXXXX", cmd[256];
		int tfd = mkstemp(tmp);

		CU_ASSERT_FATAL(tfd >= 0);
		close(tfd);
		snprintf(cmd, sizeof(cmd),
			 "objcopy --remove-section "
			 ".go.buildinfo '%s' '%s'",
			 CHAIN, tmp);
		CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
		fd = open(tmp, O_RDONLY | O_CLOEXEC);
		elf = elf_begin(fd, ELF_C_READ, NULL);
		CU_ASSERT_EQUAL(gobuildinfo__read(elf, &bi), 0);
		CU_ASSERT_STRING_EQUAL(bi.source, "runtime.buildVersion");
		CU_ASSERT_EQUAL(strncmp(bi.version, "go1.", 4), 0);
		CU_ASSERT_STRING_EQUAL(bi.path, "command-line-arguments");
		elf_end(elf);
		close(fd);
		unlink(tmp);
	}
	/* a C program (this test) is no Go binary */
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	CU_ASSERT_EQUAL(gobuildinfo__read(elf, &bi), -ENOENT);
	elf_end(elf);
	close(fd);
}

UNIT_MAIN("gopclntab",
	  UNIT_TEST(test_functions),
	  UNIT_TEST(test_find),
	  UNIT_TEST(test_lines_match_dwarf),
	  UNIT_TEST(test_line_file),
	  UNIT_TEST(test_lines_without_dwarf),
	  UNIT_TEST(test_elf_syms_stripped),
	  UNIT_TEST(test_pie),
	  UNIT_TEST(test_damaged),
	  UNIT_TEST(test_formats),
	  UNIT_TEST(test_buildinfo))
