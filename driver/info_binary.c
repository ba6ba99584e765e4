/* etrace --info FILE: what etrace knows of one binary, the facts its
 * uprobes and stack symbolization rest on: the kind of ELF file, its
 * build id, where its function names come from (runtime/elf_syms.h:
 * .symtab, a separate debug source, or a Go binary's .gopclntab), where
 * its source lines come from, and for a Go binary the Go version, main
 * package and module of its build info (runtime/gobuildinfo.h). */
#include "driver.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "elf_syms.h"
#include "gobuildinfo.h"

/* Whether the file has a section named name (with contents). */
static bool has_section(Elf *elf, const char *name)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return false;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (n && !strcmp(n, name) && sh.sh_size)
			return true;
	}
	return false;
}

static void info_go(Elf *elf, bool go)
{
	struct gobuildinfo bi;

	if (gobuildinfo__read(elf, &bi) < 0) {
		if (go)
			printf("  Go: yes, version unknown (no .go.buildinfo, "
			       "no runtime.buildVersion)\n");
		return;
	}
	printf("  Go: %s (%s)\n", bi.version, bi.source);
	if (bi.path[0])
		printf("  Go main package: %s\n", bi.path);
	if (bi.module[0])
		printf("  Go module: %s %s, %u dependencies\n", bi.module,
		       bi.modver[0] ? bi.modver : "(no version)", bi.ndeps);
	else
		printf("  Go module: none (built in GOPATH mode or from "
		       "files)\n");
}

static void info_lines(Elf *elf, bool go)
{
	if (has_section(elf, ".debug_line"))
		printf("  source lines: DWARF (.debug_line)\n");
	else if (go)
		printf("  source lines: .gopclntab (no DWARF)\n");
	else
		printf("  source lines: from a separate debug file if one is "
		       "found, else none\n");
}

int et_info_binary(const char *path)
{
	struct elf_syms *es = elf_syms__open(path);
	const char *bid;
	Elf *elf = NULL;
	int fd = -1;

	if (!es) {
		fprintf(stderr, "etrace: %s: %s\n", path,
			errno == ENOEXEC ? "not an ELF file" : strerror(errno));
		return 1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	elf = fd < 0 ? NULL : elf_begin(fd, ELF_C_READ_MMAP, NULL);
	bid = elf_syms__build_id(es);
	printf("%s\n", path);
	printf("  ELF: %s\n",
	       elf_syms__is_dyn(es)
		   ? "position-independent (a PIE or a shared library)"
		   : "fixed-address executable");
	printf("  build id: %s\n", bid ? bid : "none");
	printf("  functions: %zu (%s)\n", elf_syms__count(es),
	       elf_syms__sources(es));
	if (elf) {
		info_lines(elf, elf_syms__is_go(es));
		info_go(elf, elf_syms__is_go(es));
		elf_end(elf);
	}
	if (fd >= 0)
		close(fd);
	elf_syms__close(es);
	return 0;
}
