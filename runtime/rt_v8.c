/* Node.js (V8) in ustack, user-space half (rt_v8.h). Everything about
 * the layout comes from the v8dbg_* symbols V8's postmortem metadata
 * puts in node (gen-postmortem-metadata.py), read from the process's
 * own memory, except two facts the metadata lacks: the JSFunction
 * instance types are a range of 15 from JS_FUNCTION_TYPE (V8 9.6 and
 * later: the constructor kinds), and ScopeInfo keeps the function's
 * name and then its start and end positions after the context locals
 * (V8 9.1 to 12.7; the way otel-ebpf-profiler reads them).
 *
 * Objects move in V8's garbage collections. A SharedFunctionInfo lives
 * in old space and moves only when a full GC compacts its page; its
 * address in a stack is named soon after the stack was taken (the event
 * loop names new stacks every 200 ms, and at a watched process's exit),
 * and only when the object there is still a SharedFunctionInfo; the
 * name is cached per process and address. A compaction between the
 * sample and the naming can leave "[js 0x...]" (another object there)
 * or, if another function's SharedFunctionInfo moved to that very
 * address, that function's name: the window is the naming delay. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "rt_v8.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

#include "abi.h"
#include "elf_syms.h"
#include "priv_io.h"
#include "rt_frames.h"

#define SFI_BUCKETS 4096
#define NAME_MAX_UNITS 512
#define SOURCE_MAX (16u << 20) /* code units of a script read for lines */
#define STR_DEPTH 16
#define POLL_MS 200
#define JSFN_TYPES 15

/* the object layout user space reads (the BPF side's is et_v8_proc) */
struct v8lay {
	int sfi_nos, sfi_script, script_name, script_source, script_line_ends;
	int str_len, seq_chars, cons_first, cons_second, thin_actual;
	int sliced_parent, sliced_offset, fixed_len, fixed_data;
	int si_ncontextlocals, si_first_vars;
	int type_scope_info, type_script, type_fixed_array, first_nonstring;
	int str_repr_mask, str_enc_mask, str_onebyte, str_seq, str_cons,
	    str_ext, str_sliced, str_thin;
	/* optimized code (rt_v8_expand): Code's deoptimization data and
	 * source position table; DeoptimizationData's indices */
	int code_deopt, code_spt, dd_count, dd_literals, dd_sfi, dd_positions;
};

struct v8proc {
	int pid;
	unsigned long long start;
	bool ok;
	struct et_v8_proc off;
	struct v8lay lay;
	char file[256];
	int version; /* v8_version's */
	struct v8proc *next;
};

/* the functions at an offset in optimized code: innermost (inlined)
 * first, the code's own function last; n 0: not read */
#define INL_MAX 32
struct v8code {
	int pid;
	uint64_t code, off;
	int n;
	uint64_t sfi[INL_MAX];
	struct v8code *next;
};

struct v8sfi {
	int pid;
	uint64_t ptr;
	char *name, *file; /* NULL: not a SharedFunctionInfo (or unreadable) */
	int line;	   /* the function's first line, 0: not known */
	struct v8sfi *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct v8proc *procs;
static struct v8sfi *sfis[SFI_BUCKETS];
static struct v8code *codes[SFI_BUCKETS];
static int procs_fd = -1, ustack_fd = -1;

void rt_v8_set_maps(int pfd, int sfd)
{
	pthread_mutex_lock(&lock);
	procs_fd = pfd;
	ustack_fd = sfd;
	pthread_mutex_unlock(&lock);
}

static unsigned long long start_of(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = priv_fopen(path);
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	for (int i = 0; p && i < 20; i++)
		p = strchr(p + 1, ' ');
	if (p)
		t = strtoull(p + 1, NULL, 10);
	return t;
}

/* through the helper's /proc/PID/mem once privileges are dropped */
static bool rd(int pid, uint64_t addr, void *buf, size_t len)
{
	return priv_vm_read(pid, addr, buf, len);
}

static uint64_t rd64(int pid, uint64_t addr)
{
	uint64_t v = 0;

	return rd(pid, addr, &v, 8) ? v : 0;
}

static struct v8proc *proc_get(int pid)
{
	for (struct v8proc *p = procs; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void proc_forget(int pid)
{
	for (struct v8proc **pp = &procs; *pp; pp = &(*pp)->next) {
		if ((*pp)->pid != pid)
			continue;
		struct v8proc *dead = *pp;

		*pp = dead->next;
		free(dead);
		break;
	}
	for (int b = 0; b < SFI_BUCKETS; b++) {
		for (struct v8sfi **cp = &sfis[b]; *cp;) {
			struct v8sfi *c = *cp;

			if (c->pid != pid) {
				cp = &c->next;
				continue;
			}
			*cp = c->next;
			free(c->name);
			free(c->file);
			free(c);
		}
		for (struct v8code **cp = &codes[b]; *cp;) {
			struct v8code *c = *cp;

			if (c->pid != pid) {
				cp = &c->next;
				continue;
			}
			*cp = c->next;
			free(c);
		}
	}
}

/* the metadata of one file: its symbols, read in the process */
struct meta {
	int pid;
	uint64_t bias;
	struct elf_syms *es;
	bool missing;
	const char *what; /* the first symbol missing */
};

static int sym_int(struct meta *m, const char *name)
{
	uint64_t addr;
	int32_t v = 0;

	if (elf_syms__symbol_addr(m->es, name, &addr) ||
	    !rd(m->pid, addr + m->bias, &v, 4)) {
		if (!m->missing)
			m->what = name;
		m->missing = true;
		return 0;
	}
	return v;
}

/* an optional symbol's int: def when missing */
static int sym_opt(struct meta *m, const char *name, int def)
{
	uint64_t addr;
	int32_t v = 0;

	if (elf_syms__symbol_addr(m->es, name, &addr) ||
	    !rd(m->pid, addr + m->bias, &v, 4))
		return def;
	return v;
}

/* V8's version (v8::internal::Version), major * 10000 + minor * 100
 * (minor < 100), 0 when not read */
static int v8_version(struct meta *m)
{
	int major = sym_opt(m, "_ZN2v88internal7Version6major_E", 0);
	int minor = sym_opt(m, "_ZN2v88internal7Version6minor_E", 0);

	return major > 0 && minor >= 0 && minor < 100 ? major * 10000 + minor * 100
						     : 0;
}

/* What optimized frames need (ET_RTF_V8_CODE): the metadata has the
 * code kinds, Code's deoptimization data and source positions and
 * DeoptimizationData's indices, not JSFunction::code nor Code's
 * instruction start, flags and size; those are V8 11.1 to 11.3's
 * (Node 20; otel-ebpf-profiler's facts, measured on Debian's node 20:
 * JSFunction::code 3 words after shared, Code: source positions,
 * instruction_stream, instruction_start, flags (u32), builtin id and
 * kind-specific flags (u16 each), instruction_size). Any other V8:
 * fn_code 0, a compiled function is its one frame. BPF checks the pc
 * is in the instructions these say, so a wrong layout loses the
 * inlined frames, never invents one. */
static void read_code_meta(struct meta *m, struct et_v8_proc *o,
			   struct v8lay *l)
{
	int ver = v8_version(m), spt, base, mask, shift;

	l->code_spt =
	    sym_opt(m, "v8dbg_class_Code__source_position_table__ByteArray", 0);
	l->code_deopt =
	    sym_opt(m, "v8dbg_class_Code__deoptimization_data__FixedArray", 0);
	l->dd_count = sym_opt(
	    m, "v8dbg_DeoptimizationDataInlinedFunctionCountIndex", -1);
	l->dd_literals =
	    sym_opt(m, "v8dbg_DeoptimizationDataLiteralArrayIndex", -1);
	l->dd_sfi =
	    sym_opt(m, "v8dbg_DeoptimizationDataSharedFunctionInfoIndex", -1);
	l->dd_positions =
	    sym_opt(m, "v8dbg_DeoptimizationDataInliningPositionsIndex", -1);
	spt = l->code_spt;
	base = sym_opt(m, "v8dbg_CodeKindBaseline", -1);
	mask = sym_opt(m, "v8dbg_CodeKindFieldMask", 0);
	shift = sym_opt(m, "v8dbg_CodeKindFieldShift", -1);
	o->fn_code = 0;
	if (ver < 110100 || ver > 110300 || !spt || !l->code_deopt ||
	    l->dd_count < 0 || l->dd_literals < 0 || l->dd_sfi < 0 ||
	    l->dd_positions < 0 || base < 0 || base + 2 > 255 || !mask ||
	    mask > 255 || shift)
		return;
	o->fn_code = (short)(o->fn_shared + 24);
	o->code_type = (unsigned short)sym_opt(m, "v8dbg_type_Code__CODE_TYPE", 0);
	o->code_start = (short)(spt + 16);
	o->code_flags = (short)(spt + 24);
	o->code_size = (short)(spt + 32);
	o->kind_mask = (unsigned char)mask;
	o->kind_lo = (unsigned char)(base + 1); /* MAGLEV */
	o->kind_hi = (unsigned char)(base + 2); /* TURBOFAN */
	if (!o->code_type)
		o->fn_code = 0;
}

/* a file pid maps with V8's metadata: its path, bias, symbols */
static bool find_v8(int pid, char *file, size_t flen, uint64_t *bias,
		    struct elf_syms **out)
{
	char path[64], line[4096 + 128], seen[4096] = "";
	FILE *maps;
	bool found = false;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = priv_fopen(path);
	if (!maps)
		return false;
	while (!found && fgets(line, sizeof(line), maps)) {
		uint64_t start, pgoff, addr;
		char full[4200], *name, perms[8];
		struct elf_syms *es;
		int off = 0;

		if (sscanf(line, "%" SCNx64 "-%*x %7s %" SCNx64 " %*s %*s %n",
			   &start, perms, &pgoff, &off) < 3 ||
		    !off || perms[2] != 'x')
			continue;
		name = line + off;
		name[strcspn(name, "\n")] = 0;
		if (name[0] != '/' || !strcmp(name, seen))
			continue;
		snprintf(seen, sizeof(seen), "%s", name);
		/* node, or a libnode.so; not every library */
		if (!strstr(strrchr(name, '/'), "node"))
			continue;
		snprintf(full, sizeof(full), "/proc/%d/root%s", pid, name);
		es = elf_syms__open(full);
		if (es &&
		    !elf_syms__symbol_addr(es, "v8dbg_off_fp_function",
					   &addr) &&
		    !elf_syms__bias(es, start, pgoff, bias)) {
			snprintf(file, flen, "%s", name);
			*out = es;
			found = true;
		} else {
			elf_syms__close(es);
		}
	}
	fclose(maps);
	return found;
}

static void read_meta(struct meta *m, struct et_v8_proc *o, struct v8lay *l)
{
	int jsfn;

	o->fp_marker = (short)sym_int(m, "v8dbg_off_fp_context_or_frame_type");
	o->fp_function = (short)sym_int(m, "v8dbg_off_fp_function");
	o->fp_bc_array = (short)sym_int(m, "v8dbg_off_fp_bytecode_array");
	o->fp_bc_offset = (short)sym_int(m, "v8dbg_off_fp_bytecode_offset");
	o->obj_map = (short)sym_int(m, "v8dbg_class_HeapObject__map__Map");
	o->map_type =
	    (short)sym_int(m, "v8dbg_class_Map__instance_type__uint16_t");
	o->fn_shared = (short)sym_int(
	    m, "v8dbg_class_JSFunction__shared__SharedFunctionInfo");
	jsfn = sym_int(m, "v8dbg_type_JSFunction__JS_FUNCTION_TYPE");
	o->jsfn_first = (unsigned short)jsfn;
	o->jsfn_last = (unsigned short)(jsfn + JSFN_TYPES - 1);
	o->sfi_type = (unsigned short)sym_int(
	    m, "v8dbg_type_SharedFunctionInfo__SHARED_FUNCTION_INFO_TYPE");
	o->bc_type = (unsigned short)sym_int(
	    m, "v8dbg_type_BytecodeArray__BYTECODE_ARRAY_TYPE");

	l->sfi_nos = sym_int(
	    m, "v8dbg_class_SharedFunctionInfo__name_or_scope_info__Object");
	l->sfi_script = sym_int(m, "v8dbg_class_SharedFunctionInfo__script_or_"
				   "debug_info__HeapObject");
	l->script_name = sym_int(m, "v8dbg_class_Script__name__Object");
	l->script_source = sym_int(m, "v8dbg_class_Script__source__Object");
	l->script_line_ends = sym_int(m, "v8dbg_class_Script__line_ends__Object");
	l->str_len = sym_int(m, "v8dbg_class_String__length__int32_t");
	l->seq_chars = sym_int(m, "v8dbg_class_SeqOneByteString__chars__char");
	l->cons_first = sym_int(m, "v8dbg_class_ConsString__first__String");
	l->cons_second = sym_int(m, "v8dbg_class_ConsString__second__String");
	l->thin_actual = sym_int(m, "v8dbg_class_ThinString__actual__String");
	l->sliced_parent = sym_int(m, "v8dbg_class_SlicedString__parent__String");
	l->sliced_offset = sym_int(m, "v8dbg_class_SlicedString__offset__SMI");
	l->fixed_len = sym_int(m, "v8dbg_class_FixedArrayBase__length__SMI");
	l->fixed_data = sym_int(m, "v8dbg_class_FixedArray__data__uintptr_t");
	l->si_ncontextlocals = sym_int(m, "v8dbg_scopeinfo_idx_ncontextlocals");
	l->si_first_vars = sym_int(m, "v8dbg_scopeinfo_idx_first_vars");
	l->type_scope_info = sym_int(m, "v8dbg_type_ScopeInfo__SCOPE_INFO_TYPE");
	l->type_script = sym_int(m, "v8dbg_type_Script__SCRIPT_TYPE");
	l->type_fixed_array =
	    sym_int(m, "v8dbg_type_FixedArray__FIXED_ARRAY_TYPE");
	l->first_nonstring = sym_int(m, "v8dbg_FirstNonstringType");
	l->str_repr_mask = sym_int(m, "v8dbg_StringRepresentationMask");
	l->str_enc_mask = sym_int(m, "v8dbg_StringEncodingMask");
	l->str_onebyte = sym_int(m, "v8dbg_OneByteStringTag");
	l->str_seq = sym_int(m, "v8dbg_SeqStringTag");
	l->str_cons = sym_int(m, "v8dbg_ConsStringTag");
	l->str_ext = sym_int(m, "v8dbg_ExternalStringTag");
	l->str_sliced = sym_int(m, "v8dbg_SlicedStringTag");
	l->str_thin = sym_int(m, "v8dbg_ThinStringTag");

	read_code_meta(m, o, l);
}

static int load_locked(int pid, const char **why)
{
	struct meta m = {.pid = pid};
	struct v8proc *p;
	uint32_t key = (uint32_t)pid;
	unsigned long long st;
	char file[256];

	p = proc_get(pid);
	st = start_of(pid);
	if (p && (p->start == st || !st))
		return p->ok ? 0 : -ENOTSUP;
	if (p)
		proc_forget(pid);
	if (!find_v8(pid, file, sizeof(file), &m.bias, &m.es))
		return -ENOENT;
	p = calloc(1, sizeof(*p));
	if (!p) {
		elf_syms__close(m.es);
		return -ENOMEM;
	}
	p->pid = pid;
	p->start = st;
	snprintf(p->file, sizeof(p->file), "%s", file);
	read_meta(&m, &p->off, &p->lay);
	p->version = v8_version(&m);
	elf_syms__close(m.es);
	p->next = procs;
	procs = p;
	if (m.missing) {
		if (why)
			*why = m.what;
		return -ENOTSUP;
	}
	p->ok = true;
	if (procs_fd < 0)
		return 0;
	if (bpf_map_update_elem(procs_fd, &key, &p->off, BPF_ANY))
		return -errno;
	return 0;
}

int rt_v8_load_pid(int pid, const char **why)
{
	int err;

	pthread_mutex_lock(&lock);
	err = load_locked(pid, why);
	pthread_mutex_unlock(&lock);
	return err;
}

bool rt_v8_describe(int pid, char *file, size_t flen, int *version,
		    bool *inlined)
{
	struct v8proc *p;
	bool ok = false;

	pthread_mutex_lock(&lock);
	p = proc_get(pid);
	if (p && p->ok) {
		snprintf(file, flen, "%s", p->file);
		*version = p->version;
		*inlined = p->off.fn_code != 0;
		ok = true;
	}
	pthread_mutex_unlock(&lock);
	return ok;
}

/* the instance type of tagged heap object o, -1 when not one */
static int obj_type(struct v8proc *p, uint64_t o)
{
	uint64_t map;
	uint16_t t;

	if ((o & 3) != 1)
		return -1;
	map = rd64(p->pid, o - 1 + (uint64_t)p->off.obj_map);
	if ((map & 3) != 1 ||
	    !rd(p->pid, map - 1 + (uint64_t)p->off.map_type, &t, 2))
		return -1;
	return t;
}

/* a growing buffer of UTF-16 code units */
struct units {
	uint16_t *u;
	size_t n, max;
};

/* the code units [from, from + len) of string s appended to b; false
 * when it cannot be read (or b is full) */
static bool str_units(struct v8proc *p, uint64_t s, size_t from, size_t len,
		      struct units *b, int depth)
{
	const struct v8lay *l = &p->lay;
	int t = obj_type(p, s);
	int32_t slen = 0;
	uint64_t base = s - 1;

	if (t < 0 || t >= l->first_nonstring || depth > STR_DEPTH ||
	    !rd(p->pid, base + l->str_len, &slen, 4) || slen < 0)
		return false;
	if (from > (size_t)slen)
		return true;
	if (len > (size_t)slen - from)
		len = (size_t)slen - from;
	if (len > b->max - b->n)
		len = b->max - b->n;
	if (!len)
		return true;
	int repr = t & l->str_repr_mask;
	bool one = (t & l->str_enc_mask) == l->str_onebyte;

	if (repr == l->str_seq || repr == l->str_ext) {
		uint64_t data = base + l->seq_chars;
		uint16_t *dst = b->u + b->n;

		/* an external string's data pointer is cached after its
		 * resource pointer (not an "uncached" one) */
		if (repr == l->str_ext)
			data = rd64(p->pid, base + l->seq_chars + 8);
		if (!data)
			return false;
		if (one) {
			uint8_t *tmp = malloc(len);
			bool ok = tmp && rd(p->pid, data + from, tmp, len);

			for (size_t i = 0; ok && i < len; i++)
				dst[i] = tmp[i];
			free(tmp);
			if (!ok)
				return false;
		} else if (!rd(p->pid, data + 2 * from, dst, 2 * len)) {
			return false;
		}
		b->n += len;
		return true;
	}
	if (repr == l->str_cons) {
		uint64_t first = rd64(p->pid, base + l->cons_first);
		uint64_t second = rd64(p->pid, base + l->cons_second);
		int32_t flen = 0;

		if (!rd(p->pid, first - 1 + l->str_len, &flen, 4) || flen < 0)
			return false;
		if (from < (size_t)flen &&
		    !str_units(p, first, from, len, b, depth + 1))
			return false;
		if (from + len > (size_t)flen)
			return str_units(p, second,
					 from > (size_t)flen ? from - flen : 0,
					 from + len - (from > (size_t)flen ?
								from :
								(size_t)flen),
					 b, depth + 1);
		return true;
	}
	if (repr == l->str_thin)
		return str_units(p, rd64(p->pid, base + l->thin_actual), from,
				 len, b, depth + 1);
	if (repr == l->str_sliced) {
		uint64_t off = rd64(p->pid, base + l->sliced_offset) >> 32;

		return str_units(p, rd64(p->pid, base + l->sliced_parent),
				 from + off, len, b, depth + 1);
	}
	return false;
}

/* string s as UTF-8 (malloc'd), or NULL */
static char *str_utf8(struct v8proc *p, uint64_t s)
{
	uint16_t u[NAME_MAX_UNITS];
	struct units b = {u, 0, NAME_MAX_UNITS};
	char *out, *o;

	if (!str_units(p, s, 0, NAME_MAX_UNITS, &b, 0))
		return NULL;
	out = o = malloc(b.n * 3 + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < b.n; i++) {
		unsigned c = u[i];

		if (c < 0x80) {
			*o++ = (char)c;
		} else if (c < 0x800) {
			*o++ = (char)(0xc0 | c >> 6);
			*o++ = (char)(0x80 | (c & 0x3f));
		} else {
			*o++ = (char)(0xe0 | c >> 12);
			*o++ = (char)(0x80 | (c >> 6 & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*o = 0;
	return out;
}

/* The function's name and start position from its ScopeInfo: after
 * the fixed slots and two per context local, the first string is the
 * name, and the first two Smis after it with start < end are its
 * start and end positions. */
static char *scope_info(struct v8proc *p, uint64_t si, int *start)
{
	const struct v8lay *l = &p->lay;
	uint64_t slot[16];
	char *name = NULL;
	int64_t prev = -1;
	size_t i;

	*start = -1;
	if (!rd(p->pid, si - 1 + 8, slot, sizeof(slot)))
		return NULL;
	i = (size_t)l->si_first_vars +
	    2 * (size_t)(slot[l->si_ncontextlocals & 15] >> 32);
	for (; i < 16; i++) {
		if (!name && (slot[i] & 3) == 1) {
			name = str_utf8(p, slot[i]);
			continue;
		}
		if (name && !(slot[i] & 1)) {
			int64_t v = (int64_t)slot[i] >> 32;

			if (prev >= 0 && prev < v) {
				*start = (int)prev;
				break;
			}
			prev = v;
		} else {
			prev = -1;
		}
	}
	return name;
}

/* the line (1-based) of position pos in script sc, 0 when unknown */
static int line_of(struct v8proc *p, uint64_t sc, int pos)
{
	const struct v8lay *l = &p->lay;
	uint64_t src = rd64(p->pid, sc - 1 + l->script_source);
	struct units b = {0};
	int line = 1;

	if (pos < 0 || (size_t)pos > SOURCE_MAX)
		return 0;
	b.max = (size_t)pos;
	b.u = malloc(b.max * 2 + 2);
	if (!b.u)
		return 0;
	if (!str_units(p, src, 0, b.max, &b, 0) || b.n != (size_t)pos) {
		free(b.u);
		return 0;
	}
	for (size_t i = 0; i < b.n; i++)
		line += b.u[i] == '\n';
	free(b.u);
	return line;
}

static struct v8sfi *sfi_get(struct v8proc *p, uint64_t ptr, bool keep_bad)
{
	size_t b = (ptr >> 3 ^ (uint64_t)p->pid * 0x9e3779b9u) % SFI_BUCKETS;
	const struct v8lay *l = &p->lay;
	uint64_t tagged = ptr + 1, nos, sc;
	struct v8sfi *c;
	int start = -1, t;

	for (c = sfis[b]; c; c = c->next)
		if (c->pid == p->pid && c->ptr == ptr)
			return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->pid = p->pid;
	c->ptr = ptr;
	if (p->ok && obj_type(p, tagged) == p->off.sfi_type) {
		nos = rd64(p->pid, ptr + l->sfi_nos);
		t = obj_type(p, nos);
		if (t == l->type_scope_info)
			c->name = scope_info(p, nos, &start);
		else if (t >= 0 && t < l->first_nonstring)
			c->name = str_utf8(p, nos);
		if (c->name && !c->name[0]) {
			free(c->name);
			c->name = NULL;
		}
		if (!c->name)
			c->name = strdup("(anonymous)");
		sc = rd64(p->pid, ptr + l->sfi_script);
		if (obj_type(p, sc) == l->type_script) {
			c->file = str_utf8(
			    p, rd64(p->pid, sc - 1 + l->script_name));
			c->line = line_of(p, sc, start);
		}
		if (!c->file)
			c->file = strdup("[unknown]");
	}
	if (!c->name && !keep_bad) {
		free(c);
		return NULL;
	}
	c->next = sfis[b];
	sfis[b] = c;
	return c;
}

/* one zig-zag VLQ of V8's source position table at *i (< n) */
static bool spt_int(const uint8_t *d, size_t n, size_t *i, int64_t *out)
{
	uint64_t v = 0;
	unsigned sh = 0;
	uint8_t b;

	do {
		if (*i >= n || sh > 63)
			return false;
		b = d[(*i)++];
		v |= (uint64_t)(b & 0x7f) << sh;
		sh += 7;
	} while (b & 0x80);
	*out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
	return true;
}

#define SPT_MAX (1u << 20)
#define POS_INLINING(pos) ((int)(((pos) >> 31) & 0xffff) - 1)

/* The source position at offset off of code's instructions (the last
 * entry at or before it: src/codegen/source-position-table.cc, deltas
 * of the code offset, whose sign is the statement flag, and of the
 * 64-bit SourcePosition, each a zig-zag VLQ); false when unread. */
static bool code_position(struct v8proc *p, uint64_t code, uint64_t off,
			  uint64_t *pos)
{
	const struct v8lay *l = &p->lay;
	uint64_t spt = rd64(p->pid, code + l->code_spt), len;
	int64_t co = 0, sp = 0, d;
	bool found = false;
	uint8_t *data;
	size_t i = 0;

	if (obj_type(p, spt) < 0)
		return false;
	len = rd64(p->pid, spt - 1 + l->fixed_len) >> 32;
	if (!len || len > SPT_MAX)
		return false;
	data = malloc(len);
	if (!data || !rd(p->pid, spt - 1 + l->fixed_len + 8, data, len)) {
		free(data);
		return false;
	}
	while (i < len) {
		if (!spt_int(data, len, &i, &d))
			break;
		co += d >= 0 ? d : -(d + 1);
		if (!spt_int(data, len, &i, &d))
			break;
		sp += d;
		if (co > (int64_t)off)
			break;
		*pos = (uint64_t)sp;
		found = true;
	}
	free(data);
	return found;
}

/* a FixedArray's (or WeakFixedArray's) element k, a weak reference
 * made strong; 0 when out of bounds */
static uint64_t fixed_get(struct v8proc *p, uint64_t arr, int64_t k)
{
	const struct v8lay *l = &p->lay;
	uint64_t v;

	if (k < 0 || obj_type(p, arr) < 0 ||
	    (int64_t)(rd64(p->pid, arr - 1 + l->fixed_len) >> 32) <= k)
		return 0;
	v = rd64(p->pid, arr - 1 + l->fixed_data + 8 * (uint64_t)k);
	return (v & 3) == 3 ? v & ~2ULL : v;
}

/* The functions at off in code (a Code object's address): from the
 * pc's source position, its inlining id, each InliningPosition
 * (deoptimization data: {SourcePosition of the call, int function's
 * literal index}, 16 bytes) to its caller's, then the code's own
 * SharedFunctionInfo (src/deoptimizer/, src/objects/
 * deoptimization-data.h). */
static void code_read(struct v8proc *p, struct v8code *c)
{
	const struct v8lay *l = &p->lay;
	uint64_t code = c->code, dd, lits, ips, pos = 0, sfi, nips;
	int64_t ninl;
	int id;

	if (!p->ok || !p->off.fn_code ||
	    obj_type(p, code + 1) != p->off.code_type ||
	    !code_position(p, code, c->off, &pos))
		return;
	dd = rd64(p->pid, code + l->code_deopt);
	ninl = (int64_t)fixed_get(p, dd, l->dd_count) >> 32;
	lits = fixed_get(p, dd, l->dd_literals);
	ips = fixed_get(p, dd, l->dd_positions);
	nips = obj_type(p, ips) < 0 ? 0 :
	       (rd64(p->pid, ips - 1 + l->fixed_len) >> 32) / 16;
	for (id = POS_INLINING(pos); id >= 0 && c->n < INL_MAX - 1;) {
		uint64_t ent[2];
		int32_t fid;

		if ((uint64_t)id >= nips ||
		    !rd(p->pid, ips - 1 + l->fixed_len + 8 + 16 * (uint64_t)id,
			ent, sizeof(ent)))
			goto bad;
		fid = (int32_t)ent[1];
		if (fid < 0 || fid >= ninl)
			goto bad;
		sfi = fixed_get(p, lits, fid);
		if (obj_type(p, sfi) != p->off.sfi_type)
			goto bad;
		c->sfi[c->n++] = sfi - 1;
		id = POS_INLINING(ent[0]);
	}
	sfi = fixed_get(p, dd, l->dd_sfi);
	if (id >= 0 || obj_type(p, sfi) != p->off.sfi_type)
		goto bad;
	c->sfi[c->n++] = sfi - 1;
	for (int k = 0; k < c->n; k++)
		sfi_get(p, c->sfi[k], false);
	return;
bad:
	c->n = 0;
}

static struct v8code *code_get(struct v8proc *p, uint64_t frame, bool keep_bad)
{
	uint64_t code = ET_RTF_PTR(frame), off = ET_RTF_V8_OFF(frame);
	size_t b = ((code >> 3) ^ off * 31 ^ (uint64_t)p->pid * 0x9e3779b9u) %
		   SFI_BUCKETS;
	struct v8code *c;

	for (c = codes[b]; c; c = c->next)
		if (c->pid == p->pid && c->code == code && c->off == off)
			return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->pid = p->pid;
	c->code = code;
	c->off = off;
	code_read(p, c);
	if (!c->n && !keep_bad) {
		free(c);
		return NULL;
	}
	c->next = codes[b];
	codes[b] = c;
	return c;
}

int rt_v8_expand(int pid, const uint64_t *in, int n, uint64_t *out, int max)
{
	struct v8proc *p;
	int o = 0;

	pthread_mutex_lock(&lock);
	p = proc_get(pid);
	for (int i = 0; i < n && o < max; i++) {
		struct v8code *c;

		if (!p || !ET_RTF_IS(in[i]) ||
		    ET_RTF_KIND(in[i]) != ET_RTF_V8_CODE) {
			out[o++] = in[i];
			continue;
		}
		c = code_get(p, in[i], true);
		if (!c || !c->n) {
			out[o++] = in[i];
			continue;
		}
		for (int k = 0; k < c->n && o < max; k++)
			out[o++] = ET_RTF_MAKE(k + 1 < c->n ? ET_RTF_V8_INLINED :
							      ET_RTF_NODE,
					       c->sfi[k], ET_RTF_IDX_NONE, 0) |
				   ET_RTF_V8_COMPILED;
	}
	pthread_mutex_unlock(&lock);
	return o;
}

void rt_v8_frame(int pid, uint64_t frame, bool bare, char *buf, size_t len)
{
	uint64_t ptr = ET_RTF_PTR(frame);
	const char *tier = frame & ET_RTF_V8_COMPILED ? "*" : "~";
	struct v8proc *p;
	struct v8sfi *c = NULL;

	if (ET_RTF_KIND(frame) == ET_RTF_V8_CODE) {
		/* optimized code rt_v8_expand could not read */
		snprintf(buf, len, "[js code 0x%" PRIx64 "+%" PRIu64 "]", ptr,
			 (uint64_t)ET_RTF_V8_OFF(frame));
		return;
	}
	pthread_mutex_lock(&lock);
	p = proc_get(pid);
	if (p)
		c = sfi_get(p, ptr, true);
	if (!c || !c->name)
		snprintf(buf, len, "[js 0x%" PRIx64 "]", ptr);
	else if (bare)
		snprintf(buf, len, "%s (%s)", c->name, c->file);
	else if (c->line > 0)
		snprintf(buf, len, "%s%s (%s:%d)", tier, c->name, c->file,
			 c->line);
	else
		snprintf(buf, len, "%s%s (%s)", tier, c->name, c->file);
	pthread_mutex_unlock(&lock);
}

#define SEEN_SLOTS 8192
static uint32_t seen[SEEN_SLOTS];

static bool seen_add(uint32_t id)
{
	uint32_t h = (id * 0x9e3779b1u) & (SEEN_SLOTS - 1);

	for (uint32_t i = 0; i < SEEN_SLOTS;
	     i++, h = (h + 1) & (SEEN_SLOTS - 1)) {
		if (seen[h] == id + 1)
			return false;
		if (!seen[h]) {
			seen[h] = id + 1;
			return true;
		}
	}
	return false;
}

/* the functions of the stacks in ET_USTACK_MAP named in p (or in every
 * live V8 process: a stack does not say its process; only what is a
 * SharedFunctionInfo there is kept) */
static void scan_stacks(struct v8proc *only, bool new_only)
{
	uint64_t frames[ET_STACK_DEPTH];
	uint32_t key, next;
	bool first = true;

	while (ustack_fd >= 0 &&
	       !bpf_map_get_next_key(ustack_fd, first ? NULL : &key, &next)) {
		key = next;
		first = false;
		if ((!seen_add(key) && new_only) ||
		    bpf_map_lookup_elem(ustack_fd, &key, frames))
			continue;
		for (int i = 0; i < ET_STACK_DEPTH && frames[i]; i++) {
			uint64_t f = frames[i];

			if (!ET_RTF_IS(f) || (ET_RTF_KIND(f) != ET_RTF_NODE &&
					      ET_RTF_KIND(f) != ET_RTF_V8_CODE))
				continue;
			for (struct v8proc *p = procs; p; p = p->next) {
				if ((only && p != only) || !p->ok ||
				    (!only && kill(p->pid, 0) && errno == ESRCH))
					continue;
				if (ET_RTF_KIND(f) == ET_RTF_NODE)
					sfi_get(p, ET_RTF_PTR(f), false);
				else
					code_get(p, f, false);
			}
		}
	}
}

void rt_v8_at_exit(int pid)
{
	struct v8proc *p;

	pthread_mutex_lock(&lock);
	p = proc_get(pid);
	if (p)
		scan_stacks(p, false);
	pthread_mutex_unlock(&lock);
}

void rt_v8_poll(void)
{
	static struct timespec last;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec * 1000 + now.tv_nsec / 1000000 <
	    last.tv_sec * 1000 + last.tv_nsec / 1000000 + POLL_MS)
		return;
	last = now;
	pthread_mutex_lock(&lock);
	if (procs)
		scan_stacks(NULL, true);
	pthread_mutex_unlock(&lock);
}
