/* Unit tests: ELF function symbols (elf_syms.c) and demangling
 * (demangle.c) against the programs tests/progs/uprobe builds, with
 * addresses and file offsets cross-checked against nm and readelf. */
#include "unit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demangle.h"
#include "elf_syms.h"
#include "probe.h"
#include "unit_compile.h"

#define PROGS ETRACE_UPROBE_PROGS
#define PIE PROGS "/uprobe_c_pie"
#define NOPIE PROGS "/uprobe_c_nopie"
#define O2 PROGS "/uprobe_c_o2"
#define STRIPPED PROGS "/uprobe_c_stripped"
#define LIB PROGS "/libetrace_uprobe.so"
#define CPP PROGS "/uprobe_cpp"

/* ---- reference values from binutils ---- */

/* The address nm prints for name (nm -D when dynamic), 0 when absent. */
static uint64_t nm_addr(const char *path, const char *name, bool dynamic)
{
	char cmd[512], line[512], sym[400], type;
	uint64_t addr, found = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "nm %s '%s' 2>/dev/null",
		 dynamic ? "-D" : "", path);
	f = popen(cmd, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNx64 " %c %399s", &addr, &type,
			   sym) != 3)
			continue;
		sym[strcspn(sym, "@")] = '\0';  /* malloc@@GLIBC_2.2.5 */
		if (!strcmp(sym, name))
			found = addr;
	}
	pclose(f);
	return found;
}

/* The file offset of vaddr from readelf's LOAD program headers. */
static uint64_t readelf_offset(const char *path, uint64_t vaddr)
{
	char cmd[512], line[512];
	uint64_t off, va, pa, fsz, result = UINT64_MAX;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "readelf -lW '%s'", path);
	f = popen(cmd, "r");
	if (!f)
		return result;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " LOAD 0x%" SCNx64 " 0x%" SCNx64 " 0x%" SCNx64
			   " 0x%" SCNx64, &off, &va, &pa, &fsz) == 4 &&
		    vaddr >= va && vaddr < va + fsz)
			result = vaddr - va + off;
	pclose(f);
	return result;
}

/* readelf -n's "Build ID: ..." */
static void readelf_build_id(const char *path, char *out, size_t len)
{
	char cmd[512], line[512];
	FILE *f;

	*out = '\0';
	snprintf(cmd, sizeof(cmd), "readelf -n '%s'", path);
	f = popen(cmd, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " Build ID: %127s", out) == 1)
			break;
	pclose(f);
	(void)len;
}

/* The symbol's address and offset agree with nm and readelf. */
static void check_sym(const char *path, const char *name, bool dynamic)
{
	struct elf_syms *es = elf_syms__open(path);
	const struct elf_sym *s;
	uint64_t want = nm_addr(path, name, dynamic);

	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	CU_ASSERT_NOT_EQUAL_FATAL(want, 0);
	s = elf_syms__find(es, name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s->name, name);
	CU_ASSERT_EQUAL(s->addr, want);
	CU_ASSERT_EQUAL(s->offset, readelf_offset(path, want));
	CU_ASSERT_TRUE(s->size > 0);
	elf_syms__close(es);
}

/* ---- files ---- */

static void test_is_elf(void)
{
	CU_ASSERT_TRUE(elf_syms__is_elf(PIE));
	CU_ASSERT_TRUE(elf_syms__is_elf(LIB));
	CU_ASSERT_FALSE(elf_syms__is_elf("/etc/passwd"));
	CU_ASSERT_FALSE(elf_syms__is_elf("/nonexistent/etrace"));
}

static void test_open_errors(void)
{
	errno = 0;
	CU_ASSERT_PTR_NULL(elf_syms__open("/etc/passwd"));
	CU_ASSERT_EQUAL(errno, ENOEXEC);
	CU_ASSERT_PTR_NULL(elf_syms__open("/nonexistent/etrace"));
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_PTR_NULL(elf_syms__open("/tmp"));
	CU_ASSERT_EQUAL(errno, EISDIR);
	elf_syms__close(NULL);
}

static void test_kinds(void)
{
	struct elf_syms *pie = elf_syms__open(PIE);
	struct elf_syms *nopie = elf_syms__open(NOPIE);
	struct elf_syms *lib = elf_syms__open(LIB);

	CU_ASSERT_PTR_NOT_NULL_FATAL(pie);
	CU_ASSERT_PTR_NOT_NULL_FATAL(nopie);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lib);
	CU_ASSERT_TRUE(elf_syms__is_dyn(pie));
	CU_ASSERT_FALSE(elf_syms__is_dyn(nopie));
	CU_ASSERT_TRUE(elf_syms__is_dyn(lib));
	CU_ASSERT_FALSE(elf_syms__stripped(pie));
	CU_ASSERT_FALSE(elf_syms__is_go(pie));
	CU_ASSERT_FALSE(elf_syms__is_go(lib));
	CU_ASSERT_STRING_EQUAL(elf_syms__path(pie), PIE);
	elf_syms__close(pie);
	elf_syms__close(nopie);
	elf_syms__close(lib);
}

/* ---- symbols and offsets ---- */

static void test_pie_symbols(void)
{
	check_sym(PIE, "et_add", false);
	check_sym(PIE, "et_fib", false);
	check_sym(PIE, "main", false);
	check_sym(PIE, "et_local_helper", false);  /* a local symbol */
	check_sym(O2, "et_handle_request", false);
	check_sym(O2, "et_local_helper", false);
}

static void test_nopie_symbols(void)
{
	struct elf_syms *es = elf_syms__open(NOPIE);
	const struct elf_sym *s;

	check_sym(NOPIE, "et_add", false);
	check_sym(NOPIE, "et_sleep_ms", false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	s = elf_syms__find(es, "et_add");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	/* linked at 0x400000: the offset is not the address */
	CU_ASSERT_TRUE(s->addr >= 0x400000);
	CU_ASSERT_TRUE(s->offset < s->addr);
	elf_syms__close(es);
}

static void test_shared_library(void)
{
	struct elf_syms *es = elf_syms__open(LIB);
	const struct elf_sym *s;

	check_sym(LIB, "et_lib_square", true);
	check_sym(LIB, "et_lib_sum", true);
	check_sym(LIB, "et_lib_hidden", false);  /* not exported */
	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	CU_ASSERT_EQUAL(nm_addr(LIB, "et_lib_hidden", true), 0);
	s = elf_syms__find(es, "et_lib_hidden");
	CU_ASSERT_PTR_NOT_NULL(s);
	if (s)
		CU_ASSERT_FALSE(s->global);
	s = elf_syms__find(es, "et_lib_square");
	CU_ASSERT_PTR_NOT_NULL(s);
	if (s)
		CU_ASSERT_TRUE(s->global);
	elf_syms__close(es);
}

static void test_stripped(void)
{
	struct elf_syms *es = elf_syms__open(STRIPPED);

	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	CU_ASSERT_TRUE(elf_syms__stripped(es));
	CU_ASSERT_PTR_NULL(elf_syms__find(es, "et_add"));
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_PTR_NULL(elf_syms__find(es, "main"));
	elf_syms__close(es);
}

/* The line addr2line gives for vaddr in path ("uprobe_c.c:32"). */
static void addr2line(const char *path, uint64_t vaddr, char *buf,
		      size_t len)
{
	char cmd[512];
	FILE *f;

	buf[0] = '\0';
	snprintf(cmd, sizeof(cmd),
		 "addr2line -e '%s' 0x%" PRIx64 " | sed 's|.*/||; s| .*||'",
		 path, vaddr);
	f = popen(cmd, "r");
	if (f && fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		pclose(f);
}

/* The sources tried (a stripped file with none of them: each says why)
 * and source lines from DWARF, checked against addr2line. */
static void test_sources_lines(void)
{
	struct elf_syms *es;
	const struct elf_sym *sym;
	char got[256], want[256];
	uint64_t addr;

	setenv("ETRACE_DEBUG_ROOT", "/nonexistent/etrace-debug", 1);
	unsetenv("DEBUGINFOD_URLS");
	elf_syms__cache_clear();
	es = elf_syms__open(STRIPPED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	CU_ASSERT_STRING_EQUAL(elf_syms__sources(es),
			       ".symtab: none, .dynsym, build-id debug file: "
			       "none in /nonexistent/etrace-debug, "
			       ".gnu_debuglink: none, .gnu_debugdata: none, "
			       "debuginfod: DEBUGINFOD_URLS unset");
	elf_syms__close(es);
	unsetenv("ETRACE_DEBUG_ROOT");

	es = elf_syms__open(PIE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	CU_ASSERT_STRING_EQUAL(elf_syms__sources(es), ".symtab, .dynsym");
	sym = elf_syms__find(es, "et_handle_request");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sym);
	addr = sym->addr;
	for (uint64_t off = 0; off < sym->size; off += 3) {
		CU_ASSERT_TRUE(elf_syms__line(es, sym->addr + off, got,
					      sizeof(got)) > 0);
		addr2line(PIE, sym->addr + off, want, sizeof(want));
		CU_ASSERT_STRING_EQUAL(got, want);
	}
	CU_ASSERT_EQUAL(elf_syms__line(es, 0, got, sizeof(got)), -ENOENT);
	elf_syms__close(es);
	/* no DWARF, no separate source: no line */
	es = elf_syms__open(STRIPPED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	CU_ASSERT_EQUAL(elf_syms__line(es, addr, got, sizeof(got)), -ENOENT);
	elf_syms__close(es);
}

static void test_sorted_unique(void)
{
	struct elf_syms *es = elf_syms__open(LIB);
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	n = elf_syms__count(es);
	CU_ASSERT_TRUE(n >= 3);
	for (size_t i = 1; i < n; i++) {
		const struct elf_sym *a = elf_syms__at(es, i - 1);
		const struct elf_sym *b = elf_syms__at(es, i);

		CU_ASSERT_TRUE(a->addr <= b->addr);
		/* et_lib_square is in .symtab and .dynsym: kept once */
		CU_ASSERT_FALSE(a->addr == b->addr &&
				!strcmp(a->name, b->name));
	}
	CU_ASSERT_PTR_NULL(elf_syms__at(es, n));
	elf_syms__close(es);
}

static int count_cb(const struct elf_sym *sym, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int stop_cb(const struct elf_sym *sym, void *arg)
{
	return -EINTR;
}

static void test_wildcards(void)
{
	struct elf_syms *es = elf_syms__open(PIE);
	int n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	CU_ASSERT_EQUAL(elf_syms__match(es, "et_handle_*", true, false,
					count_cb, &n), 2);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(elf_syms__match(es, "et_?dd", true, false, NULL,
					NULL), 1);
	CU_ASSERT_EQUAL(elf_syms__match(es, "et_[af]*", true, false, NULL,
					NULL), 2);
	CU_ASSERT_EQUAL(elf_syms__match(es, "nothing_*", true, false, NULL,
					NULL), 0);
	/* without wildcard, '*' is a plain character */
	CU_ASSERT_EQUAL(elf_syms__match(es, "et_*", false, false, NULL,
					NULL), 0);
	CU_ASSERT_EQUAL(elf_syms__match(es, "et_*", true, false, stop_cb,
					NULL), -EINTR);
	elf_syms__close(es);
}

/* The system's libc: no .symtab (Debian strips it), exports in .dynsym,
 * versioned names found by their plain name. */
static void test_system_libc(void)
{
	const char *libc = "/lib/x86_64-linux-gnu/libc.so.6";
	struct elf_syms *es = elf_syms__open(libc);

	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	check_sym(libc, "malloc", true);
	check_sym(libc, "nanosleep", true);
	CU_ASSERT_TRUE(elf_syms__is_dyn(es));
	CU_ASSERT_FALSE(elf_syms__is_go(es));
	CU_ASSERT_TRUE(elf_syms__match(es, "pthread_mutex_*lock", true, false,
				       NULL, NULL) >= 2);
	elf_syms__close(es);
}

/* ---- C++ ---- */

static void test_cpp_exact(void)
{
	struct elf_syms *es = elf_syms__open(CPP);
	const struct elf_sym *s;

	check_sym(CPP, "_ZN4etns7computeEi", false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	s = elf_syms__find(es, "_ZN4etns7biggestIiEET_S1_S1_");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(elf_syms__demangled(es, s),
			       "int etns::biggest<int>(int, int)");
	s = elf_syms__find(es, "main");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NULL(elf_syms__demangled(es, s));
	elf_syms__close(es);
}

static void test_cpp_demangled_match(void)
{
	struct elf_syms *es = elf_syms__open(CPP);

	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	/* the name without parameters matches every overload */
	CU_ASSERT_EQUAL(elf_syms__match(es, "etns::compute", false, false,
					NULL, NULL), 3);
	CU_ASSERT_EQUAL(elf_syms__match(es, "etns::compute(int)", false,
					false, NULL, NULL), 1);
	CU_ASSERT_EQUAL(elf_syms__match(es, "etns::compute(int, int)", false,
					true, NULL, NULL), 1);
	CU_ASSERT_EQUAL(elf_syms__match(es, "etns::compute(*double*)", true,
					true, NULL, NULL), 1);
	/* value, poke, and the constructor's C1 and C2 copies */
	CU_ASSERT_EQUAL(elf_syms__match(es, "etns::Widget::*", true, true,
					NULL, NULL), 4);
	CU_ASSERT_EQUAL(elf_syms__match(es, "etns::biggest<*>", true, true,
					NULL, NULL), 2);
	/* cpp: only demangled names count */
	CU_ASSERT_EQUAL(elf_syms__match(es, "_ZN4etns7computeEi", false,
					true, NULL, NULL), 0);
	CU_ASSERT_EQUAL(elf_syms__match(es, "_ZN4etns7computeEi", false,
					false, NULL, NULL), 1);
	elf_syms__close(es);
}

/* ---- addresses ---- */

static void test_lookup_symbolize(void)
{
	struct elf_syms *es = elf_syms__open(PIE);
	const struct elf_sym *add;
	uint64_t bias = 0x555555554000ULL, off, va;
	char buf[128];

	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	add = elf_syms__find(es, "et_add");
	CU_ASSERT_PTR_NOT_NULL_FATAL(add);
	CU_ASSERT_PTR_EQUAL(elf_syms__lookup(es, add->addr), add);
	CU_ASSERT_PTR_EQUAL(elf_syms__lookup(es, add->addr + add->size - 1),
			    add);
	CU_ASSERT_PTR_NOT_EQUAL(elf_syms__lookup(es, add->addr + add->size),
				add);
	CU_ASSERT_EQUAL(elf_syms__symbolize(es, add->addr + 3, 0, true,
					    false, buf, sizeof(buf)), 8);
	CU_ASSERT_STRING_EQUAL(buf, "et_add+3");
	elf_syms__symbolize(es, bias + add->addr, bias, true, false, buf,
			    sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "et_add");
	elf_syms__symbolize(es, bias + add->addr, bias, true, true, buf,
			    sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "et_add+0");
	CU_ASSERT_EQUAL(elf_syms__symbolize(es, 0x10, 0, true, false, buf,
					    sizeof(buf)), -ENOENT);
	CU_ASSERT_STRING_EQUAL(buf, "0x10");
	CU_ASSERT_EQUAL(elf_syms__vaddr_to_offset(es, add->addr, &off), 0);
	CU_ASSERT_EQUAL(off, add->offset);
	CU_ASSERT_EQUAL(elf_syms__offset_to_vaddr(es, off, &va), 0);
	CU_ASSERT_EQUAL(va, add->addr);
	CU_ASSERT_EQUAL(elf_syms__vaddr_to_offset(es, 1ULL << 60, &off),
			-ENOENT);
	elf_syms__close(es);
}

static void test_symbolize_nopie_cpp(void)
{
	struct elf_syms *es = elf_syms__open(NOPIE);
	struct elf_syms *cpp = elf_syms__open(CPP);
	const struct elf_sym *s;
	char buf[128];

	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cpp);
	s = elf_syms__find(es, "et_fib");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	elf_syms__symbolize(es, s->addr + 5, 0, true, false, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "et_fib+5");
	s = elf_syms__find(cpp, "_ZN4etns7computeEi");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	elf_syms__symbolize(cpp, s->addr + 1, 0, true, false, buf,
			    sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "etns::compute(int)+1");
	elf_syms__symbolize(cpp, s->addr + 1, 0, false, false, buf,
			    sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "_ZN4etns7computeEi+1");
	/* truncation reports the full length, as snprintf does */
	CU_ASSERT_EQUAL(elf_syms__symbolize(cpp, s->addr, 0, true, false, buf,
					    4), 18);
	CU_ASSERT_STRING_EQUAL(buf, "etn");
	elf_syms__close(es);
	elf_syms__close(cpp);
}

/* The runtime path: this test program's own mapping in /proc/self/maps
 * gives the load bias, and a function's runtime address symbolizes. */
static void test_bias_self(void)
{
	char exe[512], line[1024], path[512], perms[8], buf[128];
	unsigned long long start, end, pgoff;
	struct elf_syms *es;
	uint64_t bias = 0;
	bool found = false;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	FILE *f = fopen("/proc/self/maps", "r");

	CU_ASSERT_TRUE_FATAL(n > 0 && f);
	exe[n] = '\0';
	es = elf_syms__open(exe);
	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%llx-%llx %7s %llx %*s %*s %511s", &start,
			       &end, perms, &pgoff, path) == 5 &&
			!strcmp(path, exe) && perms[2] == 'x' &&
			elf_syms__bias(es, start, pgoff, &bias) == 0;
	fclose(f);
	CU_ASSERT_TRUE_FATAL(found);
	elf_syms__symbolize(es, (uint64_t)(uintptr_t)test_is_elf + 2, bias,
			    true, false, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "test_is_elf+2");
	/* a fabricated non-PIE mapping: no bias */
	elf_syms__close(es);
	es = elf_syms__open(NOPIE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	CU_ASSERT_EQUAL(elf_syms__bias(es, 0x401000, 0x1000, &bias), 0);
	CU_ASSERT_EQUAL(bias, 0);
	elf_syms__close(es);
}

/* ---- build-id and cache ---- */

static void test_build_id_cache(void)
{
	struct elf_syms *a = elf_syms__open(PIE), *b, *c;
	char want[128], copy[] = "/tmp/etrace-elfsyms-XXXXXX", cmd[256];
	int fd;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	readelf_build_id(PIE, want, sizeof(want));
	CU_ASSERT_PTR_NOT_NULL_FATAL(elf_syms__build_id(a));
	CU_ASSERT_STRING_EQUAL(elf_syms__build_id(a), want);
	b = elf_syms__open(PIE);
	CU_ASSERT_PTR_EQUAL(a, b);
	/* a copy elsewhere has the same build-id: the same symbols */
	fd = mkstemp(copy);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", PIE, copy);
	CU_ASSERT_EQUAL(system(cmd), 0);
	c = elf_syms__open(copy);
	CU_ASSERT_PTR_EQUAL(c, a);
	unlink(copy);
	elf_syms__close(a);
	elf_syms__close(b);
	elf_syms__close(c);
	elf_syms__cache_clear();
	a = elf_syms__open(PIE);
	CU_ASSERT_PTR_NOT_NULL(a);
	CU_ASSERT_PTR_NOT_NULL(elf_syms__find(a, "et_add"));
	elf_syms__close(a);
}

/* ---- Go ---- */

static void test_go(void)
{
	static const char *const files[] = { PROGS "/hello_go",
					     PROGS "/hello_go_stripped" };

	if (!ETRACE_HAVE_GO) {
		fprintf(stderr, "(golang-go not installed: Go not tested) ");
		return;
	}
	for (int i = 0; i < 2; i++) {
		struct elf_syms *es = elf_syms__open(files[i]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(es);
		CU_ASSERT_TRUE(elf_syms__is_go(es));
		/* -s -w: its .gopclntab names its functions
		 * (test_gopclntab.c) */
		CU_ASSERT_FALSE(elf_syms__stripped(es));
		CU_ASSERT_PTR_NOT_NULL(elf_syms__find(es, "main.etAdd"));
		elf_syms__close(es);
	}
}

/* ---- the uprobe provider's resolve hook (probe_uprobe.c) ---- */

/* The attach point of the first probe after compiling prog. */
static struct attach_point *first_ap(const char *prog)
{
	expect_ok(prog);
	if (!ctx.ast || !ctx.ast->u.program.probes)
		return NULL;
	return ctx.ast->u.program.probes->u.probe.attach->u.attach.ap;
}

static void test_hook_names(void)
{
	struct attach_point *ap;

	ap = first_ap("uprobe:" PIE ":et_add { exit(); }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->func, "et_add");
	CU_ASSERT_EQUAL(ap->nmatches, 0);
	ap = first_ap("uprobe:" O2 ":et_handle_* { exit(); }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_EQUAL_FATAL(ap->nmatches, 2);
	CU_ASSERT_STRING_EQUAL(ap->matches[0], "et_handle_request");
	CU_ASSERT_STRING_EQUAL(ap->matches[1], "et_handle_response");
	ap = first_ap("uprobe:" LIB ":et_lib_square+1 { exit(); }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_EQUAL(ap->offset, 1);
	/* libraries by name through the linker's directories */
	ap = first_ap("uretprobe:libc:malloc { exit(); }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_PTR_NOT_NULL(strstr(ap->target, "libc.so.6"));
	/* glibc 2.34+: libpthread's functions are libc's (threadsnoop.bt) */
	ap = first_ap("uprobe:libpthread:pthread_create { exit(); }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_PTR_NOT_NULL(strstr(ap->target, "/libc.so.6"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "warning: 'pthread_create' is not "
				      "in "));
	expect_err("uprobe:libpthread:etrace_nope { exit(); }",
		   "No symbol 'etrace_nope' in ");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "libpthread.so"));
}

static void test_hook_cpp(void)
{
	struct attach_point *ap;

	/* every overload, one attach each, by mangled name */
	ap = first_ap("uprobe:" CPP ":\"etns::compute\" { exit(); }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_TRUE(ap->wildcard);
	CU_ASSERT_EQUAL_FATAL(ap->nmatches, 3);
	CU_ASSERT_STRING_EQUAL(ap->matches[0], "_ZN4etns7computeEi");
	ap = first_ap("uprobe:" CPP ":cpp:\"etns::compute(int, int)\" "
		      "{ exit(); }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->func, "_ZN4etns7computeEii");
	CU_ASSERT_EQUAL(ap->nmatches, 0);
	CU_ASSERT_FALSE(ap->wildcard);
	/* the constructor's C1/C2 aliases are one function */
	ap = first_ap("uprobe:" CPP ":cpp:\"etns::Widget::*\" { exit(); }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_EQUAL(ap->nmatches, 3);
	expect_err("uprobe:" CPP ":cpp:_ZN4etns7computeEi { exit(); }",
		   "No C++ function '_ZN4etns7computeEi' in " CPP);
}

static void test_hook_address(void)
{
	struct elf_syms *es = elf_syms__open(NOPIE);
	const struct elf_sym *fib;
	struct attach_point *ap;
	char prog[512];

	CU_ASSERT_PTR_NOT_NULL_FATAL(es);
	fib = elf_syms__find(es, "et_fib");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fib);
	snprintf(prog, sizeof(prog), "uprobe:%s:0x%" PRIx64 " { exit(); }",
		 NOPIE, fib->addr + 4);
	ap = first_ap(prog);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->func, "et_fib");
	CU_ASSERT_EQUAL(ap->offset, 4);
	CU_ASSERT_TRUE(ap->has_offset);
	CU_ASSERT_FALSE(ap->has_address);
	snprintf(prog, sizeof(prog), "uretprobe:%s:%" PRIu64 " { exit(); }",
		 NOPIE, fib->addr);
	ap = first_ap(prog);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ap);
	CU_ASSERT_STRING_EQUAL(ap->func, "et_fib");
	CU_ASSERT_FALSE(ap->has_offset);
	snprintf(prog, sizeof(prog), "uretprobe:%s:0x%" PRIx64 " { exit(); }",
		 NOPIE, fib->addr + 4);
	expect_err(prog, "is not the start of a function (it is et_fib+4)");
	expect_err("uprobe:" NOPIE ":0x10 { exit(); }",
		   "Could not resolve address: " NOPIE ":0x10 (no function "
		   "there)");
	elf_syms__close(es);
}

static void test_hook_errors(void)
{
	expect_err("uprobe:" PIE ":et_nope { exit(); }",
		   "No symbol 'et_nope' in " PIE);
	CU_ASSERT_PTR_NULL(strstr(out, "stripped"));
	expect_err("uprobe:" STRIPPED ":et_add { exit(); }",
		   "No symbol 'et_add' in " STRIPPED " (tried .symtab: none, "
		   ".dynsym, build-id debug file: none in ");
	expect_err("uprobe:" PIE ":et_zz* { exit(); }",
		   "No symbol matches 'et_zz*' in " PIE);
	expect_err("uprobe:/etc/passwd:main { exit(); }",
		   "uprobe target file '/etc/passwd' is not an ELF file");
	expect_err("uprobe:" PIE ":et_add+4096 { exit(); }",
		   "Offset 4096 is outside function 'et_add' of " PIE);
	/* beside another attach point, a missing function only warns... */
	expect_ok("uprobe:" PIE ":et_nope, uprobe:" PIE ":et_add { exit(); }");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "warning: uprobe target 'et_nope' "
				      "does not exist here"));
	/* ...unless none exists */
	expect_err("uprobe:" PIE ":et_nope, uprobe:" PIE ":et_zz* { exit(); }",
		   "error: uprobe target 'et_zz*' matches nothing here");
}

static void test_hook_go(void)
{
	if (!ETRACE_HAVE_GO)
		return;
	expect_ok("uprobe:" PROGS "/hello_go:main.etAdd { @ = count(); }");
	/* returns through uprobes on the RETs (compiler/codegen/cg_go.c):
	 * no uretprobe, so no refusal */
	expect_ok("uretprobe:" PROGS "/hello_go:main.etAdd { exit(); }");
	expect_ok("uprobe:" PROGS "/hello_go:main.etAdd "
		  "{ @ = hist(elapsed); }");
	/* Go's registers: argN up to arg9 (the stack after R11) */
	expect_ok("uprobe:" PROGS "/hello_go:main.etAdd { @ = arg9; }");
	expect_err("uprobe:" PIE ":et_add { @ = arg6; }",
		   "x86_64 doesn't support arg6");
	expect_ok("uprobe:" PIE ":et_add { @ = hist(elapsed); }");
}

/* ---- demangle ---- */

static void check_demangle(const char *in, enum demangle_form form,
			   const char *want)
{
	char *s = demangle(in, form);

	if (!want) {
		CU_ASSERT_PTR_NULL(s);
	} else {
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_STRING_EQUAL(s, want);
	}
	free(s);
}

static void test_demangle(void)
{
	check_demangle("_ZN2ns3fooEi", DEMANGLE_FULL, "ns::foo(int)");
	check_demangle("_ZN2ns3fooEi", DEMANGLE_NAME, "ns::foo");
	check_demangle("_ZNKSt6vectorIiSaIiEE4sizeEv", DEMANGLE_FULL,
		       "std::vector<int, std::allocator<int> >::size() const");
	check_demangle("_Z3maxIiET_S0_S0_", DEMANGLE_FULL,
		       "int max<int>(int, int)");
	check_demangle("_Z3maxIiET_S0_S0_", DEMANGLE_NAME, "max<int>");
	/* Rust legacy: the hash goes; v0: crate disambiguators go */
	check_demangle("_ZN3std2rt10lang_start17h4e2f3f2c1a2b3c4dE",
		       DEMANGLE_FULL, "std::rt::lang_start");
	check_demangle("_RNvCs15kBYyAo9fc_7mycrate7example", DEMANGLE_FULL,
		       "mycrate::example");
	check_demangle("main", DEMANGLE_FULL, NULL);
	check_demangle("_Zgarbage", DEMANGLE_FULL, NULL);
	check_demangle("", DEMANGLE_FULL, NULL);
	CU_ASSERT_TRUE(demangle_is_mangled("_ZN2ns3fooEi"));
	CU_ASSERT_TRUE(demangle_is_mangled("_RNvC1a1b"));
	CU_ASSERT_FALSE(demangle_is_mangled("_start"));
	CU_ASSERT_FALSE(demangle_is_mangled(NULL));
}

UNIT_MAIN("elf_syms",
	  UNIT_TEST(test_is_elf),
	  UNIT_TEST(test_open_errors),
	  UNIT_TEST(test_kinds),
	  UNIT_TEST(test_pie_symbols),
	  UNIT_TEST(test_nopie_symbols),
	  UNIT_TEST(test_shared_library),
	  UNIT_TEST(test_stripped),
	  UNIT_TEST(test_sources_lines),
	  UNIT_TEST(test_sorted_unique),
	  UNIT_TEST(test_wildcards),
	  UNIT_TEST(test_system_libc),
	  UNIT_TEST(test_cpp_exact),
	  UNIT_TEST(test_cpp_demangled_match),
	  UNIT_TEST(test_lookup_symbolize),
	  UNIT_TEST(test_symbolize_nopie_cpp),
	  UNIT_TEST(test_bias_self),
	  UNIT_TEST(test_build_id_cache),
	  UNIT_TEST(test_go),
	  UNIT_TEST(test_hook_names),
	  UNIT_TEST(test_hook_cpp),
	  UNIT_TEST(test_hook_address),
	  UNIT_TEST(test_hook_errors),
	  UNIT_TEST(test_hook_go),
	  UNIT_TEST(test_demangle))
