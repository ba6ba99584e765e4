/* Go's calling conventions on amd64 and the facts of a Go binary the
 * probes need (go_abi.h): its version from .go.buildinfo, the
 * assignment of values to registers and the stack, goid's offset. */
#include "go_abi.h"

#include <fcntl.h>
#include <stdio.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

#include "ast.h"
#include "dwarf_reader.h"
#include "funcs.h"
#include "probe.h"
#include "types.h"

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) / a * a : v;
}

uint64_t go_abi_place(const struct go_val *vals, int n, int nint_regs,
		      uint32_t *offs)
{
	int ints = 0, floats = 0;
	uint64_t stack = 0;

	for (int i = 0; i < n; i++) {
		const struct go_val *v = &vals[i];

		if (!v->size) {
			offs[i] = GO_STACK_AREA + (uint32_t)stack;
			continue;
		}
		/* whole in registers, or whole on the stack (the
		 * registers it would have taken stay free for the next) */
		if (!v->stack_only && ints + v->nint <= nint_regs &&
		    floats + v->nfloat <= (nint_regs ? GO_NFLOATS : 0)) {
			offs[i] = v->nint ? (uint32_t)ints * 8 : GO_IN_FLOAT;
			ints += v->nint;
			floats += v->nfloat;
			continue;
		}
		stack = round_up(stack, v->align ? v->align : 1);
		offs[i] = GO_STACK_AREA + (uint32_t)stack;
		stack += v->size;
	}
	return round_up(stack, 8);
}

/* ---- .go.buildinfo ---- */

/* The bytes at virtual address addr of the ELF (len at most n), from
 * the section holding them. */
static bool read_vaddr(Elf *elf, uint64_t addr, void *out, size_t n)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    addr < sh.sh_addr || addr + n > sh.sh_addr + sh.sh_size)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || addr - sh.sh_addr + n > d->d_size)
			return false;
		memcpy(out, (char *)d->d_buf + (addr - sh.sh_addr), n);
		return true;
	}
	return false;
}

static bool parse_version(const char *s, size_t len, int *major, int *minor)
{
	char buf[32];
	int a = 0, b = 0;

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (sscanf(buf, "go%d.%d", &a, &b) < 2 || a < 1)
		return false;
	*major = a;
	*minor = b;
	return true;
}

/* Go 1.18+: the version inline (a uvarint length, then its bytes) at
 * offset 32; before: a pointer at offset 16 to the string header of
 * runtime.buildVersion. */
static bool buildinfo_version(Elf *elf, const unsigned char *p, size_t n,
			      int *major, int *minor)
{
	uint64_t hdr[2], len = 0;
	unsigned shift = 0;
	size_t i = 32;
	char s[32];

	if (n < 32 || memcmp(p, "\xff Go buildinf:", 14))
		return false;
	if (p[15] & 2) {
		while (i < n && shift < 64) {
			len |= (uint64_t)(p[i] & 0x7f) << shift;
			shift += 7;
			if (!(p[i++] & 0x80))
				break;
		}
		return i + len <= n &&
		       parse_version((const char *)p + i, len, major, minor);
	}
	if (p[14] != 8 || (p[15] & 1)) /* 64-bit little-endian only */
		return false;
	memcpy(hdr, p + 16, 8);
	if (!read_vaddr(elf, hdr[0], hdr, 16) || hdr[1] >= sizeof(s) ||
	    !read_vaddr(elf, hdr[0], s, hdr[1]))
		return false;
	return parse_version(s, hdr[1], major, minor);
}

bool go_abi_version(const char *path, int *major, int *minor)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf = NULL;
	Elf_Scn *scn = NULL;
	size_t shstr;
	bool ok = false;

	if (fd < 0)
		return false;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_getshdrstrndx(elf, &shstr))
		goto out;
	while ((scn = elf_nextscn(elf, scn)) && !ok) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstr, sh.sh_name);
		if (!name || strcmp(name, ".go.buildinfo"))
			continue;
		d = elf_getdata(scn, NULL);
		ok = d && d->d_buf &&
		     buildinfo_version(elf, d->d_buf, d->d_size, major, minor);
		break;
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return ok;
}

bool go_abi_regabi(const char *path)
{
	int major, minor;

	if (!go_abi_version(path, &major, &minor))
		return true;
	return major > 1 || minor >= 17;
}

/* ---- g in thread-local storage ---- */

static bool tlsg_symbol(Elf *elf, uint64_t *value)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *d;
		GElf_Sym sym;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0;
		     d && sh.sh_entsize && i < sh.sh_size / sh.sh_entsize;
		     i++) {
			const char *name;

			if (!gelf_getsym(d, (int)i, &sym) ||
			    GELF_ST_TYPE(sym.st_info) != STT_TLS)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (name && !strcmp(name, "runtime.tlsg")) {
				*value = sym.st_value;
				return true;
			}
		}
	}
	return false;
}

int64_t go_abi_tls_g(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf;
	size_t nph = 0;
	uint64_t value = 0;
	int64_t off = -8;

	if (fd < 0)
		return off;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf && !elf_getphdrnum(elf, &nph) && tlsg_symbol(elf, &value)) {
		for (size_t i = 0; i < nph; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(elf, (int)i, &ph) &&
			    ph.p_type == PT_TLS) {
				off = (int64_t)value -
				      (int64_t)round_up(ph.p_memsz,
							ph.p_align ? ph.p_align
								   : 1);
				break;
			}
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return off;
}

bool go_abi_is_go_func(struct compile_ctx *ctx, const char *path,
		       const char *func)
{
	static const char *const c_suffixes[] = {
	    ".cold", ".part.", ".constprop.", ".isra.", ".lto_priv.", NULL};
	struct dwarf_file *df = dwarf_open(ctx, path);
	int lang = df ? dwarf_go_func(df, func) : -1;

	if (lang >= 0)
		return lang == 1;
	if (!func || !strchr(func, '.') || func[0] == '_' || func[0] == '.')
		return false;
	for (int i = 0; c_suffixes[i]; i++)
		if (strstr(func, c_suffixes[i]))
			return false;
	return true;
}

/* ---- gostr ---- */

static bool is_word(const struct type *t)
{
	return t && (t->kind == T_INT || t->kind == T_PTR);
}

struct type *go_check_gostr(struct compile_ctx *ctx, struct node *call,
			    struct node *probe)
{
	struct node *a = fn_arg(call, 0), *n = fn_arg(call, 1);
	const struct field *p, *len;
	uint32_t off;

	(void)probe;
	if (!a->type || (n && !n->type))
		return NULL;
	if (n) {
		if (!is_word(a->type) || n->type->kind != T_INT) {
			diag_error(&ctx->diags, call->loc,
				   "gostr(ptr, len) "
				   "expects an integer or a pointer and an "
				   "integer");
			return NULL;
		}
		return type_string(ctx->arena, ctx->opts.strlen);
	}
	p = a->type->kind == T_RECORD ? type_field(a->type, "str", &off) : NULL;
	len =
	    a->type->kind == T_RECORD ? type_field(a->type, "len", &off) : NULL;
	if (!p || !len || !is_word(p->type) || len->type->kind != T_INT) {
		diag_error(&ctx->diags, a->loc,
			   "gostr() expects a Go string "
			   "(a record with fields str and len, such as "
			   "args.s of a string parameter), or gostr(ptr, "
			   "len)");
		return NULL;
	}
	return type_string(ctx->arena, ctx->opts.strlen);
}

static bool latency_ident(struct node *n, void *arg)
{
	bool *found = arg;

	if (n->kind == N_IDENT && (!strcmp(n->u.ident.name, "elapsed") ||
				   !strcmp(n->u.ident.name, "retval")))
		*found = true;
	return !*found;
}

/* Does the uprobe's block run at the return (SPEC 3.2: it uses elapsed
 * or retval; pass_check marks it so after the types)? */
static bool runs_at_return(struct node *probe)
{
	bool found = false;

	if (probe->u.probe.pred)
		ast_walk(probe->u.probe.pred, latency_ident, &found);
	if (!found && probe->u.probe.body)
		ast_walk(probe->u.probe.body, latency_ident, &found);
	return found;
}

struct type *go_check_goret(struct compile_ctx *ctx, struct node *call,
			    struct node *probe)
{
	int64_t n;

	if (!fn_int_literal(ctx, call, 0, &n))
		return NULL;
	if (n < 0 || n >= GO_NREGS) {
		diag_error(&ctx->diags, fn_arg(call, 0)->loc,
			   "goret() reads "
			   "one of the %d integer result registers: 0 to %d",
			   GO_NREGS, GO_NREGS - 1);
		return NULL;
	}
	for (struct node *a = probe ? probe->u.probe.attach : NULL; a;
	     a = a->next) {
		const struct attach_point *ap = a->u.attach.ap;

		if (ap && ap->go && ap->go_regabi &&
		    (ap->kind == PK_URETPROBE || runs_at_return(probe)))
			continue;
		diag_error(&ctx->diags, call->loc,
			   "goret() can only be used "
			   "at the return of a function of a Go binary built "
			   "by Go 1.17 or later (a uretprobe, or a uprobe's "
			   "block using elapsed or retval): '%s' is not one",
			   ap ? ap->raw : "?");
		return NULL;
	}
	return type_u64();
}

/* ---- runtime.g ---- */

uint32_t go_abi_goid_offset(struct compile_ctx *ctx, const char *path,
			    const char **why)
{
	struct dwarf_file *df = dwarf_open(ctx, path);
	struct type *g =
	    df ? dwarf_find_type(ctx, df, "struct runtime.g") : NULL;
	int major, minor;

	if (g && g->kind == T_RECORD)
		g = type_complete(g);
	for (uint32_t i = 0; g && g->kind == T_RECORD && i < g->nfields; i++)
		if (!strcmp(g->fields[i].name, "goid"))
			return g->fields[i].offset;
	/* runtime2.go: goid follows the same fields from 1.17 to 1.22 */
	if (go_abi_version(path, &major, &minor) && major == 1 && minor >= 17 &&
	    minor <= 22)
		return 152;
	*why = arena_printf(ctx->arena,
			    "%s has no DWARF describing "
			    "runtime.g and is not a Go version whose goid "
			    "offset etrace knows (1.17 to 1.22)",
			    path);
	return 0;
}
