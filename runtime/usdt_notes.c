/* Reading .note.stapsdt (usdt_notes.h): each NT_STAPSDT note holds the
 * probe address, the .stapsdt.base address the file was linked with, the
 * semaphore address, then provider, name and argument spec strings.
 * Addresses become file offsets through the PT_LOAD segments; argument
 * specs are parsed as GNU as x86-64 AT&T operands. */
#include "usdt_notes.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "priv_io.h"

#define NT_STAPSDT 3

/* ---- argument specs ---- */

struct x86_reg {
	const char *names[5];   /* 64, 32, 16, low 8, high 8 bit names */
	int off;                /* offsetof(struct pt_regs, ...) */
};

static const struct x86_reg x86_regs[] = {
	{ { "rax", "eax", "ax", "al", "ah" }, 80 },
	{ { "rbx", "ebx", "bx", "bl", "bh" }, 40 },
	{ { "rcx", "ecx", "cx", "cl", "ch" }, 88 },
	{ { "rdx", "edx", "dx", "dl", "dh" }, 96 },
	{ { "rsi", "esi", "si", "sil" }, 104 },
	{ { "rdi", "edi", "di", "dil" }, 112 },
	{ { "rbp", "ebp", "bp", "bpl" }, 32 },
	{ { "rsp", "esp", "sp", "spl" }, 152 },
	{ { "r8", "r8d", "r8w", "r8b" }, 72 },
	{ { "r9", "r9d", "r9w", "r9b" }, 64 },
	{ { "r10", "r10d", "r10w", "r10b" }, 56 },
	{ { "r11", "r11d", "r11w", "r11b" }, 48 },
	{ { "r12", "r12d", "r12w", "r12b" }, 24 },
	{ { "r13", "r13d", "r13w", "r13b" }, 16 },
	{ { "r14", "r14d", "r14w", "r14b" }, 8 },
	{ { "r15", "r15d", "r15w", "r15b" }, 0 },
	{ { "rip", "eip" }, 128 },
};

/* Where register name lives in struct pt_regs: its offset, or -1; *shift
 * 8 for the %ah-style high bytes; *width the index of the name in
 * x86_reg.names (0: the 64-bit name). */
static int reg_offset(const char *name, int *shift, int *width)
{
	for (size_t i = 0; i < sizeof(x86_regs) / sizeof(*x86_regs); i++)
		for (int k = 0; k < 5; k++) {
			const char *n = x86_regs[i].names[k];

			if (n && !strcmp(n, name)) {
				*shift = k == 4 ? 8 : 0;
				*width = k;
				return x86_regs[i].off;
			}
		}
	*shift = *width = 0;
	return -1;
}

/* An index register takes part in the address whole: only the 64-bit
 * general registers (a 32-bit one needs an address-size prefix). */
static void reg_locate(struct usdt_arg *arg)
{
	int shift, width;

	arg->reg_off =
	    arg->reg[0] ? reg_offset(arg->reg, &arg->reg_shift, &width) : -1;
	arg->index_off = -1;
	if (arg->index[0]) {
		int off = reg_offset(arg->index, &shift, &width);

		if (width == 0 && off >= 0 && strcmp(arg->index, "rip"))
			arg->index_off = off;
	}
}

/* "%name" into out (at most 7 characters); returns the length used. */
static int parse_reg(const char *s, char *out)
{
	int n = 0;

	if (*s != '%')
		return -EINVAL;
	while (isalnum((unsigned char)s[1 + n]) && n < 7) {
		out[n] = s[1 + n];
		n++;
	}
	out[n] = '\0';
	return n ? n + 1 : -EINVAL;
}

static int parse_int(const char *s, int64_t *v, const char **end)
{
	char *e;

	errno = 0;
	*v = strtoll(s, &e, 0);
	if (e == s || errno)
		return -EINVAL;
	*end = e;
	return 0;
}

/* disp: [symbol][+-number] or number; may be empty. */
static const char *parse_disp(const char *s, struct usdt_arg *arg)
{
	int n = 0;
	const char *end;

	while (s[n] && s[n] != '(' && s[n] != '+' && s[n] != '-' &&
	       (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '.'))
		n++;
	if (n && !isdigit((unsigned char)s[0])) {
		if (n >= (int)sizeof(arg->symbol))
			return NULL;
		memcpy(arg->symbol, s, n);
		arg->symbol[n] = '\0';
		s += n;
	}
	if (*s == '(' || !*s)
		return s;
	if (parse_int(s, &arg->value, &end) < 0)
		return NULL;
	return end;
}

/* "(%base[,%index[,scale]])" */
static int parse_mem(const char *s, struct usdt_arg *arg)
{
	int n;
	int64_t scale = 1;
	const char *end;

	arg->kind = USDT_ARG_MEM;
	if (!*s)
		return 0;   /* absolute address */
	if (*s++ != '(')
		return -EINVAL;
	if (*s == '%') {
		if ((n = parse_reg(s, arg->reg)) < 0)
			return n;
		s += n;
	}
	if (*s == ',') {
		if ((n = parse_reg(++s, arg->index)) < 0)
			return n;
		s += n;
		if (*s == ',') {
			if (parse_int(++s, &scale, &end) < 0)
				return -EINVAL;
			s = end;
		}
		if (scale != 1 && scale != 2 && scale != 4 && scale != 8)
			return -EINVAL;
		arg->scale = (int)scale;
	}
	return !strcmp(s, ")") ? 0 : -EINVAL;
}

static int parse_operand(const char *s, struct usdt_arg *arg)
{
	const char *end;
	int n;

	if (!*s)
		return -EINVAL;
	if (*s == '$') {
		arg->kind = USDT_ARG_CONST;
		return parse_int(s + 1, &arg->value, &end) < 0 || *end ?
		       -EINVAL : 0;
	}
	if (*s == '%') {
		arg->kind = USDT_ARG_REG;
		n = parse_reg(s, arg->reg);
		return n < 0 || s[n] ? -EINVAL : 0;
	}
	end = parse_disp(s, arg);
	return end ? parse_mem(end, arg) : -EINVAL;
}

int usdt_arg_parse(const char *spec, struct usdt_arg *arg)
{
	const char *at = strchr(spec, '@');
	const char *end;
	int64_t size = 8;
	int err;

	memset(arg, 0, sizeof(*arg));
	if (at) {
		if (parse_int(spec, &size, &end) < 0 || end != at)
			return -EINVAL;
		spec = at + 1;
	}
	arg->is_signed = size < 0;
	arg->size = (int)(size < 0 ? -size : size);
	if (arg->size != 1 && arg->size != 2 && arg->size != 4 &&
	    arg->size != 8)
		return -EINVAL;
	err = parse_operand(spec, arg);
	if (err)
		return err;
	reg_locate(arg);
	return 0;
}

int usdt_args_parse(const char *spec, struct usdt_arg *arg, int *nargs)
{
	char buf[128];

	*nargs = 0;
	while (*spec) {
		size_t n;

		while (isspace((unsigned char)*spec))
			spec++;
		n = strcspn(spec, " \t");
		if (!n)
			break;
		if (*nargs == USDT_MAX_ARGS)
			return -E2BIG;
		if (n >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, spec, n);
		buf[n] = '\0';
		if (usdt_arg_parse(buf, &arg[*nargs]) < 0)
			return -EINVAL;
		(*nargs)++;
		spec += n;
	}
	return 0;
}

/* ---- notes ---- */

struct note_reader {
	Elf *elf;
	bool is64;
	uint64_t base_addr;       /* .stapsdt.base address, 0 when absent */
	bool has_base;
	GElf_Phdr *load;          /* PT_LOAD segments */
	size_t nload;
	struct usdt_notes *un;
	size_t cap;
};

static int to_offset(const struct note_reader *r, uint64_t vaddr,
		     uint64_t *off)
{
	for (size_t i = 0; i < r->nload; i++) {
		const GElf_Phdr *p = &r->load[i];

		if (vaddr >= p->p_vaddr && vaddr - p->p_vaddr < p->p_filesz) {
			*off = vaddr - p->p_vaddr + p->p_offset;
			return 0;
		}
	}
	return -ENOENT;
}

static int read_load(struct note_reader *r)
{
	size_t n;

	if (elf_getphdrnum(r->elf, &n))
		return -EINVAL;
	r->load = calloc(n ? n : 1, sizeof(*r->load));
	if (!r->load)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (gelf_getphdr(r->elf, i, &r->load[r->nload]) &&
		    r->load[r->nload].p_type == PT_LOAD)
			r->nload++;
	return 0;
}

static uint64_t get_addr(const struct note_reader *r, const char **p)
{
	uint64_t v = 0;

	if (r->is64) {
		memcpy(&v, *p, 8);
		*p += 8;
	} else {
		uint32_t w;

		memcpy(&w, *p, 4);
		v = w;
		*p += 4;
	}
	return v;
}

/* The three strings after the addresses, each NUL-terminated in desc. */
static const char *get_str(const char **p, const char *end)
{
	const char *s = *p, *nul = memchr(s, '\0', end - s);

	if (!nul)
		return NULL;
	*p = nul + 1;
	return s;
}

static struct usdt_probe *new_probe(struct note_reader *r)
{
	struct usdt_notes *un = r->un;

	if (un->count == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		struct usdt_probe *v = realloc(un->probes, cap * sizeof(*v));

		if (!v)
			return NULL;
		un->probes = v;
		r->cap = cap;
	}
	memset(&un->probes[un->count], 0, sizeof(*un->probes));
	return &un->probes[un->count++];
}

static int add_note(struct note_reader *r, const char *desc, size_t len)
{
	const char *p = desc, *end = desc + len;
	const char *prov, *name, *args;
	struct usdt_probe *pr;
	uint64_t pc, base, sema;

	if (len < (r->is64 ? 24u : 12u))
		return -EINVAL;
	pc = get_addr(r, &p);
	base = get_addr(r, &p);
	sema = get_addr(r, &p);
	pr = new_probe(r);
	if (!pr)
		return -ENOMEM;
	prov = get_str(&p, end);
	name = prov ? get_str(&p, end) : NULL;
	args = name ? get_str(&p, end) : NULL;
	if (!args)
		return -EINVAL;
	/* the note data goes with the Elf handle: keep copies */
	pr->provider = strdup(prov);
	pr->name = strdup(name);
	pr->args = strdup(args);
	if (!pr->provider || !pr->name || !pr->args)
		return -ENOMEM;
	/* the file may have moved since linking (prelink): follow the base */
	pr->pc = base && r->has_base ? pc + r->base_addr - base : pc;
	pr->base = base;
	pr->semaphore = sema;
	if (to_offset(r, pr->pc, &pr->pc_offset) < 0)
		return -EINVAL;
	if (sema && to_offset(r, sema, &pr->sema_offset) < 0)
		return -EINVAL;
	/* an operand this parser does not know must not hide the probe */
	if (usdt_args_parse(pr->args, pr->arg, &pr->nargs) < 0)
		pr->nargs = -1;
	return 0;
}

static int read_notes(struct note_reader *r, Elf_Scn *scn)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;
	int err = 0;

	while (!err && data &&
	       (off = gelf_getnote(data, off, &nh, &name_off, &desc_off))) {
		if (nh.n_type != NT_STAPSDT || nh.n_namesz != 8 ||
		    memcmp((char *)data->d_buf + name_off, "stapsdt", 8))
			continue;
		err = add_note(r, (char *)data->d_buf + desc_off, nh.n_descsz);
	}
	return err;
}

/* Finds .stapsdt.base first: notes are adjusted by it. */
static int read_sections(struct note_reader *r)
{
	Elf_Scn *scn = NULL, *notes[16];
	size_t shstrndx, nnotes = 0;
	GElf_Shdr sh;
	int err = 0;

	if (elf_getshdrstrndx(r->elf, &shstrndx))
		return -EINVAL;
	while ((scn = elf_nextscn(r->elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(r->elf, shstrndx, sh.sh_name);
		if (!name)
			continue;
		if (!strcmp(name, ".stapsdt.base")) {
			r->base_addr = sh.sh_addr;
			r->has_base = true;
		} else if (sh.sh_type == SHT_NOTE &&
			   !strcmp(name, ".note.stapsdt") && nnotes < 16) {
			notes[nnotes++] = scn;
		}
	}
	for (size_t i = 0; i < nnotes && !err; i++)
		err = read_notes(r, notes[i]);
	return err;
}

void usdt_notes__free(struct usdt_notes *un)
{
	if (!un)
		return;
	for (size_t i = 0; i < un->count; i++) {
		free((char *)un->probes[i].provider);
		free((char *)un->probes[i].name);
		free((char *)un->probes[i].args);
	}
	free(un->probes);
	free(un);
}

static int read_file(struct note_reader *r, int fd)
{
	unsigned char magic[SELFMAG];
	GElf_Ehdr eh;

	if (pread(fd, magic, SELFMAG, 0) != SELFMAG ||
	    memcmp(magic, ELFMAG, SELFMAG))
		return -ENOEXEC;
	r->elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!r->elf || elf_kind(r->elf) != ELF_K_ELF ||
	    !gelf_getehdr(r->elf, &eh))
		return -EINVAL;
	r->is64 = gelf_getclass(r->elf) == ELFCLASS64;
	if (read_load(r) < 0)
		return -ENOMEM;
	return read_sections(r);
}

struct usdt_notes *usdt_notes__open(const char *path)
{
	struct note_reader r = { 0 };
	struct stat st = { 0 };
	int fd, err = -ENOMEM;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		errno = EINVAL;
		return NULL;
	}
	fd = priv_open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	r.un = calloc(1, sizeof(*r.un));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		err = S_ISDIR(st.st_mode) ? -EISDIR : -ENOEXEC;
	else if (r.un)
		err = read_file(&r, fd);
	elf_end(r.elf);
	free(r.load);
	close(fd);
	if (err) {
		usdt_notes__free(r.un);
		errno = -err;
		return NULL;
	}
	return r.un;
}

static bool field_matches(const char *pattern, const char *s, bool wildcard)
{
	if (!pattern)
		return true;
	return wildcard ? fnmatch(pattern, s, 0) == 0 : !strcmp(pattern, s);
}

const struct usdt_probe *usdt_notes__find(const struct usdt_notes *un,
					  const char *provider,
					  const char *name, bool wildcard,
					  size_t from)
{
	for (size_t i = from; i < un->count; i++) {
		const struct usdt_probe *p = &un->probes[i];

		if (field_matches(provider, p->provider, wildcard) &&
		    field_matches(name, p->name, wildcard))
			return p;
	}
	return NULL;
}
