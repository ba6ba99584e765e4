/* Go build information (gobuildinfo.h), read as Go's debug/buildinfo
 * reads it: in .go.buildinfo, 16-byte aligned, the 14-byte magic
 * "\xff Go buildinf:", the pointer size, a flags byte (bit 1: the two
 * strings follow the 32-byte header inline, each prefixed by its length
 * as a varint; else two addresses of Go string headers follow the
 * magic). The second string, runtime.modinfo, lies between two 16-byte
 * sentinels and holds lines "path\tPKG", "mod\tMODULE\tVERSION[\tSUM]",
 * "dep\t..." and "build\t...". Binaries whose .go.buildinfo is gone
 * still name runtime.buildVersion in their .symtab. */
#include "gobuildinfo.h"

#include "elf_syms.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char magic[14] = "\xff Go buildinf:";

/* n bytes of elf's memory image at vaddr into buf, from the section
 * holding them. */
static bool read_vaddr(Elf *elf, uint64_t vaddr, void *buf, size_t n)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS ||
		    !(sh.sh_flags & SHF_ALLOC) || vaddr < sh.sh_addr ||
		    vaddr - sh.sh_addr >= sh.sh_size)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || vaddr - sh.sh_addr > d->d_size ||
		    n > d->d_size - (vaddr - sh.sh_addr))
			return false;
		memcpy(buf, (char *)d->d_buf + (vaddr - sh.sh_addr), n);
		return true;
	}
	return false;
}

static uint64_t rdptr(const unsigned char *p, unsigned ptrsize)
{
	uint64_t v = 0;

	for (unsigned i = ptrsize; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* The Go string whose header (data pointer, length) is at vaddr, as a
 * malloc'd C string (*n bytes before the added NUL: modinfo's sentinels
 * hold NULs), or NULL. */
static char *go_string(Elf *elf, uint64_t vaddr, unsigned ptrsize, size_t *n)
{
	unsigned char hdr[16];
	uint64_t ptr, len;
	char *s;

	if (!read_vaddr(elf, vaddr, hdr, 2 * ptrsize))
		return NULL;
	ptr = rdptr(hdr, ptrsize);
	len = rdptr(hdr + ptrsize, ptrsize);
	if (len > (1u << 20) || !(s = malloc(len + 1)))
		return NULL;
	if (!read_vaddr(elf, ptr, s, len)) {
		free(s);
		return NULL;
	}
	s[len] = '\0';
	*n = len;
	return s;
}

/* A varint-prefixed string at *p (end: the data's end), malloc'd; its
 * length in *n. */
static char *inline_string(const unsigned char **p, const unsigned char *end,
			   size_t *n)
{
	uint64_t len = 0;
	unsigned shift = 0;
	char *s;

	while (*p < end && shift < 64) {
		unsigned char b = *(*p)++;

		len |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	if (len > (uint64_t)(end - *p) || !(s = malloc(len + 1)))
		return NULL;
	memcpy(s, *p, len);
	s[len] = '\0';
	*p += len;
	*n = len;
	return s;
}

/* The version and modinfo strings of the .go.buildinfo blob. */
static int from_section(Elf *elf, char **vers, char **mod, size_t *mlen)
{
	Elf_Scn *scn = elf_section_named(elf, ".go.buildinfo");
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	const unsigned char *p, *end;
	size_t off = 0, size, vlen;
	unsigned ptrsize;

	if (!d || !d->d_buf)
		return -ENOENT;
	size = d->d_size < 65536 ? d->d_size : 65536;
	while (off + 32 <= size && memcmp((char *)d->d_buf + off, magic, 14))
		off += 16;
	if (off + 32 > size)
		return -ENOENT;
	p = (const unsigned char *)d->d_buf + off;
	end = (const unsigned char *)d->d_buf + d->d_size;
	ptrsize = p[14];
	if (p[15] & 2) {
		p += 32;
		*vers = inline_string(&p, end, &vlen);
		*mod = *vers ? inline_string(&p, end, mlen) : NULL;
	} else if ((ptrsize == 4 || ptrsize == 8) && !(p[15] & 1)) {
		*vers = go_string(elf, rdptr(p + 16, ptrsize), ptrsize, &vlen);
		*mod = go_string(elf, rdptr(p + 16 + ptrsize, ptrsize), ptrsize,
				 mlen);
	}
	return *vers && **vers ? 0 : -ENOENT;
}

/* name's value in the .symtab of elf, or 0 */
static uint64_t symbol(Elf *elf, const char *want)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Sym s;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *d = elf_getdata(scn, NULL);

		if (!d || !gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    !sh.sh_entsize)
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			const char *n;

			if (!gelf_getsym(d, i, &s))
				continue;
			n = elf_strptr(elf, sh.sh_link, s.st_name);
			if (n && !strcmp(n, want))
				return s.st_value;
		}
	}
	return 0;
}

static int from_symbols(Elf *elf, char **vers, char **mod, size_t *mlen)
{
	uint64_t v = symbol(elf, "runtime.buildVersion");
	uint64_t m = symbol(elf, "runtime.modinfo");
	GElf_Ehdr eh;
	unsigned ptrsize;
	size_t vlen;

	if (!v || !gelf_getehdr(elf, &eh))
		return -ENOENT;
	ptrsize = eh.e_ident[EI_CLASS] == ELFCLASS32 ? 4 : 8;
	*vers = go_string(elf, v, ptrsize, &vlen);
	*mod = m ? go_string(elf, m, ptrsize, mlen) : NULL;
	return *vers && **vers ? 0 : -ENOENT;
}

static void copy(char *dst, size_t size, const char *s, size_t n)
{
	snprintf(dst, size, "%.*s", (int)n, s);
}

/* modinfo's lines, its sentinels stripped */
static void parse_modinfo(struct gobuildinfo *bi, const char *mod, size_t len)
{
	const char *p = mod, *end = mod + len;

	if (len >= 33 && mod[len - 17] == '\n') {
		p += 16;
		end -= 16;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *f2, *f3;
		size_t n;

		nl = nl ? nl : end;
		f2 = memchr(p, '\t', nl - p);
		f2 = f2 ? f2 + 1 : nl;
		f3 = memchr(f2, '\t', nl - f2);
		n = (f3 ? f3 : nl) - f2;
		if (!strncmp(p, "path\t", 5))
			copy(bi->path, sizeof(bi->path), f2, n);
		else if (!strncmp(p, "mod\t", 4)) {
			copy(bi->module, sizeof(bi->module), f2, n);
			if (f3) {
				const char *f4 =
				    memchr(f3 + 1, '\t', nl - f3 - 1);

				copy(bi->modver, sizeof(bi->modver), f3 + 1,
				     (f4 ? f4 : nl) - f3 - 1);
			}
		} else if (!strncmp(p, "dep\t", 4))
			bi->ndeps++;
		p = nl + 1;
	}
}

int gobuildinfo__read(Elf *elf, struct gobuildinfo *bi)
{
	char *vers = NULL, *mod = NULL;
	size_t mlen = 0;
	int err;

	memset(bi, 0, sizeof(*bi));
	bi->source = ".go.buildinfo";
	err = from_section(elf, &vers, &mod, &mlen);
	if (err) {
		free(vers);
		free(mod);
		vers = mod = NULL;
		bi->source = "runtime.buildVersion";
		err = from_symbols(elf, &vers, &mod, &mlen);
	}
	if (!err) {
		copy(bi->version, sizeof(bi->version), vers, strlen(vers));
		if (mod)
			parse_modinfo(bi, mod, mlen);
	} else {
		bi->source = NULL;
	}
	free(vers);
	free(mod);
	return err;
}
