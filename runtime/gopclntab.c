/* Reading Go's .gopclntab (gopclntab.h), as Go's own runtime/symtab.go
 * and debug/gosym do: a header of pointer-sized words locating the
 * function name table, the compilation-unit file index (cutab), the file
 * name table, the pc-value tables and the function table; the function
 * table is sorted pairs (entry, offset of the function's _func record)
 * closed by the end of the text. Every offset read from the table is
 * checked against its size: a damaged table gives errors, never a read
 * out of bounds. Little-endian tables only (the targets etrace runs on). */
#define _GNU_SOURCE /* qsort_r */
#include "gopclntab.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define GO116_MAGIC 0xfffffffau
#define GO118_MAGIC 0xfffffff0u
#define GO120_MAGIC 0xfffffff1u
/* _func.flag (runtime/symtab.go funcFlag_ASM) */
#define FUNC_FLAG_ASM 4

struct gopclntab {
	unsigned char *data;
	size_t len;
	uint32_t magic;
	unsigned quantum, ptrsize;
	bool go118;    /* 32-bit entry offsets from text */
	uint64_t text; /* Go 1.18+: the base of entry offsets */
	size_t nfunc;
	/* offsets into data of the header's tables */
	uint64_t funcname, cutab, filetab, pctab, pcln;
	unsigned char *abi0; /* per function: gopclntab_func.abi0 */
};

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rdword(const struct gopclntab *t, const unsigned char *p)
{
	if (t->ptrsize == 4)
		return rd32(p);
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* [off, off + n) lies in the table */
static bool in_table(const struct gopclntab *t, uint64_t off, uint64_t n)
{
	return off <= t->len && n <= t->len - off;
}

/* The NUL-terminated string at base + off, or NULL when it does not end
 * inside the table. */
static const char *str_at(const struct gopclntab *t, uint64_t base,
			  uint64_t off)
{
	uint64_t at = base + off;

	if (at < base || at >= t->len ||
	    !memchr(t->data + at, '\0', t->len - at))
		return NULL;
	return (const char *)t->data + at;
}

/* The header: magic, two zero bytes, pc quantum, pointer size, then
 * words: nfunc, nfiles, [textStart (1.18+)], funcnametab, cutab,
 * filetab, pctab, functab (offsets from the table's start). */
static int parse_header(struct gopclntab *t)
{
	const unsigned char *d = t->data;
	unsigned w = 0;

	if (t->len < 8)
		return -EINVAL;
	t->magic = rd32(d);
	if (t->magic != GO116_MAGIC && t->magic != GO118_MAGIC &&
	    t->magic != GO120_MAGIC)
		return -EPROTONOSUPPORT;
	t->quantum = d[6];
	t->ptrsize = d[7];
	if (d[4] || d[5] ||
	    (t->quantum != 1 && t->quantum != 2 && t->quantum != 4) ||
	    (t->ptrsize != 4 && t->ptrsize != 8))
		return -EINVAL;
	t->go118 = t->magic != GO116_MAGIC;
	if (!in_table(t, 8, (t->go118 ? 8 : 7) * (uint64_t)t->ptrsize))
		return -EINVAL;
#define WORD() rdword(t, d + 8 + (w++) * t->ptrsize)
	t->nfunc = WORD();
	(void)WORD(); /* nfiles */
	if (t->go118)
		(void)WORD(); /* textStart: possibly unrelocated */
	t->funcname = WORD();
	t->cutab = WORD();
	t->filetab = WORD();
	t->pctab = WORD();
	t->pcln = WORD();
#undef WORD
	/* the function table: nfunc (entry, offset) pairs and the end;
	 * nfunc bounded first, so that its size cannot wrap */
	if (t->nfunc > t->len / 8 || !in_table(t, t->pcln,
					       (2 * (uint64_t)t->nfunc + 1) *
						   (t->go118 ? 4 : t->ptrsize)))
		return -EINVAL;
	return 0;
}

static int mark_abi0(struct gopclntab *t);

struct gopclntab *gopclntab__new(const void *data, size_t len, uint64_t text)
{
	struct gopclntab *t = calloc(1, sizeof(*t));
	int err;

	if (!t)
		return NULL;
	t->data = malloc(len ? len : 1);
	if (!t->data) {
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(t->data, data, len);
	t->len = len;
	t->text = text;
	err = parse_header(t);
	if (!err)
		err = mark_abi0(t);
	if (err) {
		gopclntab__free(t);
		errno = -err;
		return NULL;
	}
	return t;
}

struct gopclntab *gopclntab__from_elf(Elf *elf)
{
	Elf_Scn *scn = NULL, *tab = NULL;
	uint64_t text = 0;
	size_t shstrndx;
	Elf_Data *data;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(elf, &shstrndx)) {
		errno = EINVAL;
		return NULL;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		/* a PIE's table is relocated: .data.rel.ro.gopclntab */
		if (name && (!strcmp(name, ".gopclntab") ||
			     !strcmp(name, ".data.rel.ro.gopclntab")))
			tab = scn;
		else if (name && !strcmp(name, ".text"))
			text = sh.sh_addr;
	}
	data = tab ? elf_getdata(tab, NULL) : NULL;
	if (!data || !data->d_buf || !data->d_size) {
		errno = ENOENT;
		return NULL;
	}
	return gopclntab__new(data->d_buf, data->d_size, text);
}

void gopclntab__free(struct gopclntab *t)
{
	if (!t)
		return;
	free(t->abi0);
	free(t->data);
	free(t);
}

const char *gopclntab__format(const struct gopclntab *t)
{
	return t->magic == GO116_MAGIC	 ? "1.16-1.17"
	       : t->magic == GO118_MAGIC ? "1.18-1.19"
					 : "1.20+";
}

size_t gopclntab__count(const struct gopclntab *t)
{
	return t->nfunc;
}

/* field k of the function table (entries and _func offsets alternate) */
static uint64_t functab(const struct gopclntab *t, size_t k)
{
	if (t->go118)
		return rd32(t->data + t->pcln + 4 * k);
	return rdword(t, t->data + t->pcln + k * t->ptrsize);
}

static uint64_t entry_of(const struct gopclntab *t, size_t i)
{
	uint64_t v = functab(t, 2 * i);

	return t->go118 ? t->text + v : v;
}

/* The offset of function i's _func record and of its field n (1:
 * nameoff, 5: pcfile, 6: pcln, 8: cuOffset; 0 is the entry, a uint32
 * offset since Go 1.18, a pointer before), checked in bounds. */
static int func_field(const struct gopclntab *t, size_t i, unsigned n,
		      uint32_t *v)
{
	uint64_t rec = t->pcln + functab(t, 2 * i + 1);
	uint64_t off = rec + (t->go118 ? 4 : t->ptrsize) + (n - 1) * 4;

	if (rec < t->pcln || !in_table(t, off, 4))
		return -EINVAL;
	*v = rd32(t->data + off);
	return 0;
}

/* function i's name, or NULL */
static const char *name_of(const struct gopclntab *t, size_t i)
{
	uint32_t nameoff;

	if (func_field(t, i, 1, &nameoff))
		return NULL;
	return str_at(t, t->funcname, nameoff);
}

/* Whether function i is written in assembly (its _func.flag, the byte
 * after funcID, the field after cuOffset: startLine comes first since
 * Go 1.20). */
static bool is_asm(const struct gopclntab *t, size_t i)
{
	uint32_t v;

	if (func_field(t, i, t->magic == GO120_MAGIC ? 10 : 9, &v))
		return false;
	return (v >> 8) & FUNC_FLAG_ASM;
}

static int cmp_index(const void *a, const void *b, void *arg)
{
	const struct gopclntab *t = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const char *nx = name_of(t, x), *ny = name_of(t, y);
	int c = strcmp(nx ? nx : "", ny ? ny : "");

	return c ? c : x < y ? -1 : 1;
}

/* In each pair of functions sharing a name, the ABI0 one (abi0): the
 * assembly function, else the later. */
static int mark_abi0(struct gopclntab *t)
{
	size_t *idx = malloc((t->nfunc ? t->nfunc : 1) * sizeof(*idx));

	t->abi0 = calloc(t->nfunc ? t->nfunc : 1, 1);
	if (!idx || !t->abi0) {
		free(idx);
		return -ENOMEM;
	}
	for (size_t i = 0; i < t->nfunc; i++)
		idx[i] = i;
	qsort_r(idx, t->nfunc, sizeof(*idx), cmp_index, t);
	for (size_t i = 0; i + 1 < t->nfunc; i++) {
		const char *a = name_of(t, idx[i]), *b = name_of(t, idx[i + 1]);

		if (!a || !b || strcmp(a, b))
			continue;
		/* idx[i] < idx[i + 1]: the earlier first */
		t->abi0[is_asm(t, idx[i]) ? idx[i] : idx[i + 1]] = 1;
		i++;
	}
	free(idx);
	return 0;
}

int gopclntab__func(const struct gopclntab *t, size_t i,
		    struct gopclntab_func *f)
{
	if (i >= t->nfunc)
		return -ENOENT;
	f->name = name_of(t, i);
	if (!f->name)
		return -EINVAL;
	f->abi0 = t->abi0[i];
	f->entry = entry_of(t, i);
	f->end = entry_of(t, i + 1);
	return 0;
}

long gopclntab__find(const struct gopclntab *t, uint64_t pc)
{
	size_t lo = 0, hi = t->nfunc;

	if (!t->nfunc || pc < entry_of(t, 0) || pc >= entry_of(t, t->nfunc))
		return -ENOENT;
	/* the last function whose entry is <= pc */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (entry_of(t, mid) <= pc)
			lo = mid;
		else
			hi = mid;
	}
	return (long)lo;
}

/* An unsigned LEB128 of at most 32 bits at *off in the pc-value tables;
 * false past the table's end. */
static bool varint(const struct gopclntab *t, uint64_t *off, uint32_t *v)
{
	uint32_t r = 0;

	for (unsigned shift = 0; shift < 35; shift += 7) {
		unsigned char b;

		if (*off >= t->len)
			return false;
		b = t->data[(*off)++];
		r |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return true;
		}
	}
	return false;
}

/* The value of the pc-value table at pctab + tab for pc in the function
 * starting at entry: rows of (value delta, zig-zag; pc delta in
 * quanta), starting from -1 at entry; a zero value delta after the first
 * row ends the table. -1 when pc is past its rows. */
static int32_t pcvalue(const struct gopclntab *t, uint32_t tab, uint64_t entry,
		       uint64_t pc)
{
	uint64_t off = t->pctab + tab, at = entry;
	int32_t val = -1;
	bool first = true;

	if (off < t->pctab)
		return -1;
	for (;;) {
		uint32_t uv, pcd;

		if (!varint(t, &off, &uv) || (uv == 0 && !first))
			return -1;
		first = false;
		uv = uv & 1 ? ~(uv >> 1) : uv >> 1;
		if (!varint(t, &off, &pcd))
			return -1;
		at += (uint64_t)pcd * t->quantum;
		val += (int32_t)uv;
		if (pc < at)
			return val;
	}
}

int gopclntab__line(const struct gopclntab *t, uint64_t pc, const char **file,
		    int *line)
{
	long i = gopclntab__find(t, pc);
	uint32_t pcfile, pcln, cuoff, fnoff;
	uint64_t entry, at;
	int32_t fno, ln;

	if (i < 0 || func_field(t, i, 5, &pcfile) ||
	    func_field(t, i, 6, &pcln) || func_field(t, i, 8, &cuoff) ||
	    !pcfile || !pcln)
		return -ENOENT;
	entry = entry_of(t, i);
	fno = pcvalue(t, pcfile, entry, pc);
	ln = pcvalue(t, pcln, entry, pc);
	if (fno < 0 || ln <= 0)
		return -ENOENT;
	/* the file: the CU's fno-th entry of cutab, an offset in filetab */
	at = t->cutab + ((uint64_t)cuoff + (uint32_t)fno) * 4;
	if (!in_table(t, at, 4))
		return -ENOENT;
	fnoff = rd32(t->data + at);
	*file = fnoff == UINT32_MAX ? NULL : str_at(t, t->filetab, fnoff);
	if (!*file)
		return -ENOENT;
	*line = ln;
	return 0;
}
