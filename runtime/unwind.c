/* Unwind tables for the CFI unwinder (unwind.h). */
#include "unwind.h"

#include <bpf/bpf.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "elf_syms.h"
#include "priv_io.h"

#define REG_RBP 6
#define REG_RSP 7
#define REG_RA 16

/* The offset N of a register saved at CFA + N (libdw's location
 * [DW_OP_call_frame_cfa, DW_OP_plus_uconst N] or [..., consts N, plus]),
 * false for any other expression. */
static bool cfa_offset(const Dwarf_Op *ops, size_t nops, int64_t *off)
{
	if (!nops || ops[0].atom != DW_OP_call_frame_cfa)
		return false;
	if (nops == 1)
		return (*off = 0), true;
	if (nops == 2 && ops[1].atom == DW_OP_plus_uconst)
		return (*off = (int64_t)ops[1].number), true;
	if (nops == 3 && ops[1].atom == DW_OP_consts &&
	    ops[2].atom == DW_OP_plus)
		return (*off = (int64_t)ops[1].number), true;
	if (nops == 3 && ops[1].atom == DW_OP_constu &&
	    ops[2].atom == DW_OP_minus)
		return (*off = -(int64_t)ops[1].number), true;
	return false;
}

/* The PLT's CFA: rsp + 8 + ((rip & 15) >= K) << 3 */
static bool plt_cfa(const Dwarf_Op *o, size_t n, int32_t *k)
{
	if (n != 9 || o[0].atom != DW_OP_breg7 || o[0].number != 8 ||
	    o[1].atom != DW_OP_breg16 || o[1].number != 0 ||
	    o[2].atom != DW_OP_lit15 || o[3].atom != DW_OP_and ||
	    o[4].atom < DW_OP_lit0 || o[4].atom > DW_OP_lit31 ||
	    o[5].atom != DW_OP_ge || o[6].atom != DW_OP_lit3 ||
	    o[7].atom != DW_OP_shl || o[8].atom != DW_OP_plus)
		return false;
	*k = o[4].atom - DW_OP_lit0;
	return true;
}

/* The sigreturn trampoline's rules (glibc's __restore_rt): CFA =
 * *(rsp + N), rip saved at rsp + N + 8, rbp at rsp + M (libdw gives a
 * register's DW_CFA_expression after a DW_OP_call_frame_cfa: the CFA
 * pushed first, as DWARF says) */
static bool signal_row(Dwarf_Frame *f, struct et_uw_row *r)
{
	Dwarf_Op *cfa, *ra, *bp, mem[3], mem2[3];
	size_t ncfa, nra, nbp;
	bool sig = false;

	if (dwarf_frame_info(f, NULL, NULL, &sig) < 0 || !sig ||
	    dwarf_frame_cfa(f, &cfa, &ncfa) || ncfa != 2 ||
	    cfa[0].atom != DW_OP_breg7 || cfa[1].atom != DW_OP_deref ||
	    dwarf_frame_register(f, REG_RA, mem, &ra, &nra) || nra != 2 ||
	    ra[0].atom != DW_OP_call_frame_cfa || ra[1].atom != DW_OP_breg7 ||
	    ra[1].number != cfa[0].number + 8 ||
	    dwarf_frame_register(f, REG_RBP, mem2, &bp, &nbp) || nbp != 2 ||
	    bp[0].atom != DW_OP_call_frame_cfa || bp[1].atom != DW_OP_breg7 ||
	    cfa[0].number > INT32_MAX || bp[1].number > INT16_MAX)
		return false;
	r->cfa = ET_UW_CFA_SIGNAL;
	r->cfa_off = (int32_t)cfa[0].number;
	r->rbp = ET_UW_RBP_AT;
	r->rbp_off = (int16_t)bp[1].number;
	return true;
}

/* The row of frame (at pc) */
static void frame_row(Dwarf_Frame *f, Dwarf_Addr pc, struct et_uw_row *r)
{
	Dwarf_Op mem[3], *ops;
	size_t nops;
	int64_t off;
	int32_t k;

	memset(r, 0, sizeof(*r));
	r->pc = (uint32_t)pc;
	if (signal_row(f, r))
		return;
	r->cfa = ET_UW_CFA_UNSUP;
	if (dwarf_frame_cfa(f, &ops, &nops) == 0 && nops) {
		int reg = -1;

		if (nops == 1 && ops[0].atom == DW_OP_bregx)
			reg = (int)ops[0].number, off = (int64_t)ops[0].number2;
		else if (nops == 1 && ops[0].atom >= DW_OP_breg0 &&
			 ops[0].atom <= DW_OP_breg31)
			reg = ops[0].atom - DW_OP_breg0,
			off = (int64_t)ops[0].number;
		if ((reg == REG_RSP || reg == REG_RBP) && off >= INT32_MIN &&
		    off <= INT32_MAX) {
			r->cfa = reg == REG_RSP ? ET_UW_CFA_RSP : ET_UW_CFA_RBP;
			r->cfa_off = (int32_t)off;
		} else if (plt_cfa(ops, nops, &k)) {
			r->cfa = ET_UW_CFA_PLT;
			r->cfa_off = k;
		}
	}
	if (dwarf_frame_register(f, REG_RA, mem, &ops, &nops) != 0) {
		r->cfa = ET_UW_CFA_UNSUP;
	} else if (!nops && ops) {
		/* undefined: the outermost frame */
		r->cfa = ET_UW_CFA_END;
		r->cfa_off = 0;
	} else if (!cfa_offset(ops, nops, &off) || off != -8) {
		if (r->cfa != ET_UW_CFA_UNSUP)
			r->cfa = ET_UW_CFA_UNSUP, r->cfa_off = 0;
	}
	r->rbp = ET_UW_RBP_UNDEF;
	if (dwarf_frame_register(f, REG_RBP, mem, &ops, &nops) == 0) {
		if (!nops && !ops)
			r->rbp = ET_UW_RBP_SAME;
		else if (cfa_offset(ops, nops, &off) && off >= INT16_MIN &&
			 off <= INT16_MAX)
			r->rbp = ET_UW_RBP_AT, r->rbp_off = (int16_t)off;
	}
	if (r->cfa == ET_UW_CFA_UNSUP || r->cfa == ET_UW_CFA_END)
		r->cfa_off = 0, r->rbp = ET_UW_RBP_SAME, r->rbp_off = 0;
}

struct rows {
	struct et_uw_row *v;
	uint32_t n, cap;
	int err;
};

static void push(struct rows *rs, const struct et_uw_row *r)
{
	struct et_uw_row *last = rs->n ? &rs->v[rs->n - 1] : NULL;

	if (rs->err)
		return;
	if (last && last->pc == r->pc) {
		*last = *r;
		return;
	}
	if (last && !memcmp(&last->cfa_off, &r->cfa_off,
			    sizeof(*r) - offsetof(struct et_uw_row, cfa_off)))
		return;
	if (rs->n == rs->cap) {
		uint32_t cap = rs->cap ? rs->cap * 2 : 1024;
		struct et_uw_row *v = realloc(rs->v, cap * sizeof(*v));

		if (!v) {
			rs->err = -ENOMEM;
			return;
		}
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n++] = *r;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The FDE pointer encoding of a CIE: its 'R' augmentation ('z' form),
 * else absolute. */
static uint8_t cie_fde_encoding(const Dwarf_CIE *cie)
{
	const uint8_t *d = cie->augmentation_data;
	const uint8_t *end = d ? d + cie->augmentation_data_size : NULL;
	const char *a = cie->augmentation;

	if (!a || a[0] != 'z' || !d)
		return DW_EH_PE_absptr;
	for (a++; *a && d < end; a++) {
		switch (*a) {
		case 'R':
			return *d;
		case 'L':
			d++;
			break;
		case 'P': {
			/* personality: encoding byte, then a pointer of it */
			uint8_t enc = *d++;

			switch (enc & 0x0f) {
			case DW_EH_PE_udata2: case DW_EH_PE_sdata2: d += 2; break;
			case DW_EH_PE_udata4: case DW_EH_PE_sdata4: d += 4; break;
			default: d += 8; break;
			}
			break;
		}
		case 'S':
			break;
		default:
			return DW_EH_PE_absptr;
		}
	}
	return DW_EH_PE_absptr;
}

/* The FDE start addresses of a file whose .eh_frame has no
 * .eh_frame_hdr (static executables are linked without one): every
 * FDE's initial location, decoded with its CIE's pointer encoding. */
static int eh_frame_starts(Elf *elf, uint64_t **out, size_t *n)
{
	struct { Dwarf_Off off; uint8_t enc; } cies[64];
	size_t ncies = 0, shstrndx, cap = 0, cnt = 0;
	Elf_Scn *scn = NULL;
	Elf_Data *d = NULL;
	GElf_Shdr sh;
	uint64_t *v = NULL, base = 0;
	Dwarf_Off off = 0, next;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return -ENOENT;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS)
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && !strcmp(name, ".eh_frame")) {
			d = elf_getdata(scn, NULL);
			base = sh.sh_addr;
			break;
		}
	}
	if (!d || !d->d_buf)
		return -ENOENT;
	for (;;) {
		Dwarf_CFI_Entry e;
		uint8_t enc = DW_EH_PE_absptr;
		uint64_t at;
		int r = dwarf_next_cfi((const unsigned char *)elf_getident(elf, NULL), d, true, off,
				       &next, &e);

		if (r)
			break; /* 1: the end; -1: unreadable from here */
		if (dwarf_cfi_cie_p(&e)) {
			if (ncies < sizeof(cies) / sizeof(cies[0]))
				cies[ncies++] = (typeof(cies[0])){
				    off, cie_fde_encoding(&e.cie) };
			off = next;
			continue;
		}
		for (size_t i = 0; i < ncies; i++)
			if (cies[i].off == e.fde.CIE_pointer)
				enc = cies[i].enc;
		at = base + (uint64_t)(e.fde.start - (const uint8_t *)d->d_buf);
		off = next;
		if (cnt == cap) {
			uint64_t *nv;

			cap = cap ? cap * 2 : 1024;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		switch (enc & 0x0f) {
		case DW_EH_PE_sdata4: {
			int32_t x;

			memcpy(&x, e.fde.start, 4);
			v[cnt] = (uint64_t)(int64_t)x;
			break;
		}
		case DW_EH_PE_udata4: {
			uint32_t x;

			memcpy(&x, e.fde.start, 4);
			v[cnt] = x;
			break;
		}
		case DW_EH_PE_absptr: case DW_EH_PE_udata8: case DW_EH_PE_sdata8:
			memcpy(&v[cnt], e.fde.start, 8);
			break;
		default:
			continue; /* an encoding not read here: that FDE is left out */
		}
		if ((enc & 0x70) == DW_EH_PE_pcrel)
			v[cnt] += at;
		else if ((enc & 0x70) != 0)
			continue;
		if (v[cnt])
			cnt++;
	}
	if (!cnt) {
		free(v);
		return -ENOENT;
	}
	qsort(v, cnt, sizeof(*v), cmp_u64);
	*out = v;
	*n = cnt;
	return 0;
}

/* The FDE start addresses of .eh_frame_hdr's search table, sorted. */
static int fde_starts(Elf *elf, uint64_t **out, size_t *n)
{
	size_t nph, cnt;
	GElf_Phdr ph;
	Elf_Data *d = NULL;
	const uint8_t *p;
	uint64_t base = 0, *v;

	if (elf_getphdrnum(elf, &nph))
		return -EINVAL;
	for (size_t i = 0; i < nph && !d; i++) {
		if (gelf_getphdr(elf, (int)i, &ph) &&
		    ph.p_type == PT_GNU_EH_FRAME && ph.p_filesz >= 12) {
			d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset,
						 ph.p_filesz, ELF_T_BYTE);
			base = ph.p_vaddr;
		}
	}
	if (!d || !d->d_buf)
		return eh_frame_starts(elf, out, n);
	p = d->d_buf;
	/* version 1; eh_frame_ptr 4 bytes; fde_count udata4; table
	 * datarel sdata4 pairs */
	if (p[0] != 1 || (p[1] & 0x0f) != DW_EH_PE_sdata4 ||
	    p[2] != DW_EH_PE_udata4 ||
	    p[3] != (DW_EH_PE_datarel | DW_EH_PE_sdata4))
		return -ENOENT;
	memcpy(&cnt, p + 8, 4);
	cnt &= 0xffffffffu;
	if (12 + cnt * 8 > d->d_size)
		return -ENOENT;
	v = malloc((cnt ? cnt : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < cnt; i++) {
		int32_t rel;

		memcpy(&rel, p + 12 + i * 8, 4);
		v[i] = base + (uint64_t)(int64_t)rel;
	}
	qsort(v, cnt, sizeof(*v), cmp_u64);
	*out = v;
	*n = cnt;
	return 0;
}

static int build_elf(Elf *elf, struct rows *rs)
{
	Dwarf_CFI *cfi = dwarf_getcfi_elf(elf);
	uint64_t *starts = NULL, addr = 0;
	size_t n = 0;
	int err;

	if (!cfi)
		return -ENOENT;
	err = fde_starts(elf, &starts, &n);
	if (err) {
		dwarf_cfi_end(cfi);
		return err;
	}
	for (size_t i = 0; i < n && !rs->err; i++) {
		struct et_uw_row none = {.cfa = ET_UW_CFA_NONE};

		if (starts[i] < addr)
			continue;
		if (starts[i] > UINT32_MAX) {
			err = -EFBIG;
			break;
		}
		addr = starts[i];
		for (;;) {
			Dwarf_Frame *f;
			Dwarf_Addr s, e;
			struct et_uw_row r;

			if (dwarf_cfi_addrframe(cfi, addr, &f))
				break;
			if (dwarf_frame_info(f, &s, &e, NULL) < 0 ||
			    e <= addr || e > UINT32_MAX) {
				free(f);
				break;
			}
			frame_row(f, addr, &r);
			free(f);
			push(rs, &r);
			addr = e;
		}
		/* past the last row: no CFI until the next FDE */
		none.pc = (uint32_t)addr;
		if (addr <= UINT32_MAX)
			push(rs, &none);
	}
	free(starts);
	dwarf_cfi_end(cfi);
	return err ? err : rs->err;
}

int unwind_build(const char *path, struct et_uw_row **rows, uint32_t *n)
{
	struct rows rs = {0};
	Elf *elf;
	int fd, err;

	elf_version(EV_CURRENT);
	fd = priv_open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		close(fd);
		return -EINVAL;
	}
	err = build_elf(elf, &rs);
	elf_end(elf);
	close(fd);
	if (err) {
		free(rs.v);
		return err;
	}
	*rows = rs.v;
	*n = rs.n;
	return 0;
}

/* ---- loading into the maps ---- */

struct ufile {
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	uint8_t build_id[20];
	size_t build_id_len;
	uint32_t row_start, row_len; /* row_len 0: no table */
	struct ufile *next;
};

struct unwinder {
	int rows_fd, maps_fd, procs_fd, miss_fd;
	int slot_pid[ET_UW_PROCS]; /* the process in each slot, or 0 */
	uint32_t used;
	uint32_t nfiles;
	struct ufile *files;
	/* unwind_on_load: interpreted runtimes' walkers (rt_python.h) */
	void (*on_load)(void *arg, int pid);
	void *on_load_arg;
};

void unwind_on_load(struct unwinder *u, void (*fn)(void *arg, int pid),
		    void *arg)
{
	u->on_load = fn;
	u->on_load_arg = arg;
}

struct unwinder *unwind_new(int rows_fd, int maps_fd, int procs_fd, int miss_fd)
{
	struct unwinder *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->rows_fd = rows_fd;
	u->maps_fd = maps_fd;
	u->procs_fd = procs_fd;
	u->miss_fd = miss_fd;
	return u;
}

void unwind_free(struct unwinder *u)
{
	struct ufile *f, *next;

	if (!u)
		return;
	for (f = u->files; f; f = next) {
		next = f->next;
		free(f);
	}
	free(u);
}

uint32_t unwind_rows_used(const struct unwinder *u)
{
	return u->used;
}

uint32_t unwind_files(const struct unwinder *u)
{
	return u->nfiles;
}

/* rows into the rows map from index first: in batches where the
 * kernel has them, else one by one */
static int load_rows(int fd, uint32_t first, const struct et_uw_row *rows,
		     uint32_t n)
{
	enum { BATCH = 4096 };
	uint32_t keys[BATCH];

	for (uint32_t done = 0; done < n;) {
		uint32_t want = n - done < BATCH ? n - done : BATCH, cnt = want;

		for (uint32_t i = 0; i < want; i++)
			keys[i] = first + done + i;
		if (bpf_map_update_batch(fd, keys, rows + done, &cnt, NULL)) {
			for (uint32_t i = 0; i < want; i++)
				if (bpf_map_update_elem(
					fd, &keys[i], &rows[done + i], BPF_ANY))
					return -errno;
		}
		done += want;
	}
	return 0;
}

/* ---- the disk cache: DIR/unwind/BUILDID.rows, DIR as the BPF object
 * cache's (ETRACE_CACHE_DIR; root: /var/cache/etrace; else
 * $XDG_CACHE_HOME/etrace or ~/.cache/etrace); the file: CACHE_MAGIC, the
 * row count, the rows ---- */

#define CACHE_MAGIC 0x32777565u /* "euw2": the row layout's version */

bool unwind_cache_path(const char *hex, char *buf, size_t size)
{
	const char *s = getenv("ETRACE_CACHE_DIR"),
		   *x = getenv("XDG_CACHE_HOME");
	size_t len = strlen(hex);
	char dir[4096];
	int n;

	if (!len || len > 128 || strspn(hex, "0123456789abcdef") != len ||
	    (s && !*s))
		return false;
	if (s)
		snprintf(dir, sizeof(dir), "%s", s);
	else if (geteuid() == 0)
		snprintf(dir, sizeof(dir), "/var/cache/etrace");
	else if (x && *x == '/')
		snprintf(dir, sizeof(dir), "%s/etrace", x);
	else if (getenv("HOME") && *getenv("HOME"))
		snprintf(dir, sizeof(dir), "%s/.cache/etrace", getenv("HOME"));
	else
		return false;
	n = snprintf(buf, size, "%s/unwind/%s.rows", dir, hex);
	return n > 0 && (size_t)n < size;
}

static bool cache_path(const uint8_t *id, size_t len, char *hex, char *buf,
		       size_t size)
{
	for (size_t i = 0; i < len && i < 64; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	hex[len < 64 ? 2 * len : 128] = '\0';
	return unwind_cache_path(hex, buf, size);
}

static int cache_read(const char *path, const char *hex,
		      struct et_uw_row **rows, uint32_t *n)
{
	/* after the drop the cache is root's (and this process's euid
	 * would name another directory): read by the helper */
	FILE *f = priv_dropped() ? priv_cache_fopen(hex) : fopen(path, "rbe");
	uint32_t hdr[2];
	struct et_uw_row *v;

	if (!f)
		return -ENOENT;
	if (fread(hdr, sizeof(hdr), 1, f) != 1 || hdr[0] != CACHE_MAGIC ||
	    !hdr[1] || hdr[1] > ET_UW_ROWS_MAX ||
	    !(v = malloc(hdr[1] * sizeof(*v)))) {
		fclose(f);
		return -EINVAL;
	}
	if (fread(v, sizeof(*v), hdr[1], f) != hdr[1]) {
		free(v);
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	*rows = v;
	*n = hdr[1];
	return 0;
}

/* written to a temporary file renamed into place: a reader never sees
 * half a file */
static void cache_write(const char *path, const struct et_uw_row *rows,
			uint32_t n)
{
	char tmp[4300], dir[4200], *slash;
	uint32_t hdr[2] = {CACHE_MAGIC, n};
	FILE *f;
	bool ok;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = 0;
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		/* the cache directory, then its unwind/ */
		*slash = 0;
		mkdir(dir, 0700);
		*slash = '/';
	}
	mkdir(dir, 0700);
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	f = fopen(tmp, "wbe");
	if (!f)
		return;
	ok = fwrite(hdr, sizeof(hdr), 1, f) == 1 &&
	     fwrite(rows, sizeof(*rows), n, f) == n;
	ok = !fclose(f) && ok;
	if (!ok || rename(tmp, path))
		unlink(tmp);
}

/* rows of path: from the disk cache by build id, else built (and
 * cached) */
static int rows_of(const char *path, const uint8_t *id, size_t idlen,
		   struct et_uw_row **rows, uint32_t *n)
{
	char cpath[4200], hex[129];
	bool cached = cache_path(id, idlen, hex, cpath, sizeof(cpath));
	int err;

	if (cached && !cache_read(cpath, hex, rows, n))
		return 0;
	err = unwind_build(path, rows, n);
	/* not after the drop (no mkdir, rename or unlink in the seccomp
	 * filter; another user's cache) */
	if (!err && cached && *n && !priv_dropped())
		cache_write(cpath, *rows, *n);
	return err;
}

/* The file's rows in the rows map (loaded now when first seen) */
static struct ufile *file_of(struct unwinder *u, const char *path)
{
	struct et_uw_row *rows = NULL;
	struct ufile *f;
	struct stat st;
	uint8_t id[20];
	size_t idlen;
	uint32_t n = 0;

	if (priv_stat(path, &st))
		return NULL;
	for (f = u->files; f; f = f->next)
		if (f->dev == st.st_dev && f->ino == st.st_ino &&
		    f->mtime.tv_sec == st.st_mtim.tv_sec &&
		    f->mtime.tv_nsec == st.st_mtim.tv_nsec)
			return f;
	idlen = elf_build_id(path, id, sizeof(id));
	for (f = u->files; f && idlen; f = f->next)
		if (f->build_id_len == idlen && !memcmp(f->build_id, id, idlen))
			return f;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->mtime = st.st_mtim;
	memcpy(f->build_id, id, idlen);
	f->build_id_len = idlen;
	f->next = u->files;
	u->files = f;
	u->nfiles++;
	if (rows_of(path, id, idlen, &rows, &n) || !n ||
	    n > ET_UW_ROWS_MAX - u->used) {
		free(rows);
		return f;
	}
	if (load_rows(u->rows_fd, u->used, rows, n)) {
		free(rows);
		return f;
	}
	free(rows);
	f->row_start = u->used;
	f->row_len = n;
	u->used += n;
	return f;
}

/* The bias of the mapping of path at start, file offset pgoff:
 * address - p_vaddr of the PT_LOAD holding pgoff */
static bool map_bias(const char *path, uint64_t start, uint64_t pgoff,
		     uint64_t *bias)
{
	int fd = priv_open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf;
	size_t nph;
	bool ok = false;

	if (fd < 0)
		return false;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf && !elf_getphdrnum(elf, &nph)) {
		for (size_t i = 0; i < nph && !ok; i++) {
			GElf_Phdr ph;

			if (!gelf_getphdr(elf, (int)i, &ph) ||
			    ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
				continue;
			if ((ph.p_offset & ~4095ULL) <= pgoff &&
			    pgoff < ph.p_offset + ph.p_filesz) {
				*bias =
				    start - pgoff + ph.p_offset - ph.p_vaddr;
				ok = true;
			}
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return ok;
}

static int cmp_map(const void *a, const void *b)
{
	const struct et_uw_map *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* pid's slot: its own, a free one, or one of a process that is gone
 * (its entry deleted); -1 when all ET_UW_PROCS are live */
static int slot_of(struct unwinder *u, int pid)
{
	int free_slot = -1;
	char path[32];

	for (int i = 0; i < ET_UW_PROCS; i++) {
		if (u->slot_pid[i] == pid)
			return i;
		if (!u->slot_pid[i] && free_slot < 0)
			free_slot = i;
	}
	if (free_slot >= 0)
		return free_slot;
	for (int i = 0; i < ET_UW_PROCS; i++) {
		uint32_t key = (uint32_t)u->slot_pid[i];

		snprintf(path, sizeof(path), "/proc/%d", u->slot_pid[i]);
		if (access(path, F_OK)) {
			bpf_map_delete_elem(u->procs_fd, &key);
			return i;
		}
	}
	return -1;
}

bool unwind_exec_id(int pid, uint64_t *start_stack, uint64_t *end_code)
{
	char path[64], buf[1024], *p;
	unsigned long long v[3];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	/* its addresses: zeros to another user, so read by the helper */
	n = priv_read_full(path, buf, sizeof(buf) - 1);
	if (n < 0)
		return false;
	buf[n] = 0;
	p = strrchr(buf, ')'); /* comm may hold spaces */
	/* fields 26..28 (startcode endcode startstack); p ends field 2 */
	for (int i = 0; p && i < 24; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu %llu %llu", &v[0], &v[1], &v[2]) != 3)
		return false;
	*end_code = v[1];
	*start_stack = v[2];
	return true;
}

/* The mappings of pid, in v (proc->n of them), read from its maps */
static int read_maps(struct unwinder *u, int pid, struct et_uw_map *v,
		     struct et_uw_proc *proc)
{
	char path[64], line[4096 + 128], file[4096];
	FILE *maps;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = priv_fopen(path);
	if (!maps)
		return -errno;
	proc->n = 0;
	while (fgets(line, sizeof(line), maps) && proc->n < ET_UW_MAPS) {
		uint64_t start, end, pgoff;
		char perms[8], full[4200];
		struct et_uw_map *m;
		struct ufile *f;
		int off = 0;

		file[0] = 0;
		if (sscanf(line,
			   "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %*s %*s %n",
			   &start, &end, perms, &pgoff, &off) < 4 ||
		    perms[2] != 'x')
			continue;
		if (off)
			snprintf(file, sizeof(file), "%s", line + off);
		file[strcspn(file, "\n")] = 0;
		m = &v[proc->n++];
		memset(m, 0, sizeof(*m));
		m->start = start;
		m->end = end;
		if (file[0] != '/')
			continue; /* anonymous, [vdso]: frame pointers */
		/* the file as the process sees it (its mount namespace) */
		snprintf(full, sizeof(full), "/proc/%d/root%s", pid, file);
		f = file_of(u, full);
		if (!f || !f->row_len ||
		    !map_bias(full, start, pgoff, &m->bias))
			continue;
		m->row_start = f->row_start;
		m->row_len = f->row_len;
	}
	fclose(maps);
	return 0;
}

int unwind_load_pid(struct unwinder *u, int pid)
{
	struct et_uw_map *v = calloc(ET_UW_MAPS, sizeof(*v));
	struct et_uw_proc proc = {0};
	uint32_t key = (uint32_t)pid;
	int slot = slot_of(u, pid), err = 0, tries = 0;
	uint64_t stack, code;

	if (!v)
		return -ENOMEM;
	if (slot < 0) {
		free(v);
		return -ENOSPC;
	}
	/* the maps of one image: its identity the same before and after
	 * (an exec in between: read again; one after: BPF sees the entry
	 * is of the image before and asks again) */
	do {
		if (!unwind_exec_id(pid, &proc.start_stack, &proc.end_code)) {
			free(v);
			return -ESRCH;
		}
		err = read_maps(u, pid, v, &proc);
		if (err) {
			free(v);
			return err;
		}
	} while (unwind_exec_id(pid, &stack, &code) &&
		 (stack != proc.start_stack || code != proc.end_code) &&
		 ++tries < 3);
	qsort(v, proc.n, sizeof(v[0]), cmp_map);
	proc.first = (uint32_t)slot * ET_UW_MAPS;
	for (uint32_t i = 0; i < proc.n && !err; i++) {
		uint32_t k = proc.first + i;

		if (bpf_map_update_elem(u->maps_fd, &k, &v[i], BPF_ANY))
			err = -errno;
	}
	/* the runtimes' entries first: BPF reads them only once this
	 * entry says the process runs the image they are of */
	if (!err && u->on_load)
		u->on_load(u->on_load_arg, pid);
	if (!err && bpf_map_update_elem(u->procs_fd, &key, &proc, BPF_ANY))
		err = -errno;
	if (!err)
		u->slot_pid[slot] = pid;
	free(v);
	return err;
}

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* Loads for POLL_BUDGET_MS at most (and one more process): the rest stay
 * in the miss map for the next call, so that the event loop goes on
 * (rt_python names code objects there while their process runs: a busy
 * machine's new processes, each a table to build, held it for seconds,
 * and a short -c Python command was named only at its exit, after the
 * interpreter had freed its code) */
#define POLL_BUDGET_MS 50

void unwind_poll(struct unwinder *u)
{
	uint32_t key, next, pids[256];
	uint64_t t0 = now_ms();
	int n = 0;
	bool first = true;

	while (n < 256 &&
	       !bpf_map_get_next_key(u->miss_fd, first ? NULL : &key, &next)) {
		pids[n++] = next;
		key = next;
		first = false;
	}
	for (int i = 0; i < n && now_ms() - t0 < POLL_BUDGET_MS; i++) {
		unwind_load_pid(u, (int)pids[i]);
		bpf_map_delete_elem(u->miss_fd, &pids[i]);
	}
}
