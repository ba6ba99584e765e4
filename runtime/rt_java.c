/* HotSpot in ustack, user-space half (rt_java.h). The VM describes its
 * own layouts: libjvm.so exports gHotSpotVMStructs (type, field, static
 * or not, offset or address), gHotSpotVMTypes (type, size) and the
 * layouts of their entries (gHotSpotVM*Entry*Offset, *ArrayStride),
 * which the VM fills as it starts; all of it is read from the process's
 * memory, once per process, as DTrace's jhelper and otel-ebpf-profiler
 * do. Tested with Debian's OpenJDK 17. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "rt_java.h"

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
#include "perfmap.h"
#include "priv_io.h"
#include "rt_frames.h"

#define NAME_MAX_ 256
#define SCOPES_MAX 16
#define PCS_MAX (1u << 20)
#define LNT_MAX (64u << 10)
#define ENTRIES_MAX (1u << 16)
#define BUCKETS 4096
#define POLL_MS 200

/* what is read of the VM's description: offsets of fields, addresses of
 * static fields, sizes of types */
struct vm {
	uint64_t cc_heaps, cc_lo, cc_hi; /* CodeCache statics' addresses */
	uint64_t heap_memory, heap_segmap, heap_log2;
	uint64_t vs_lo, vs_hi;	  /* VirtualSpace */
	uint64_t ga_len, ga_data; /* GrowableArray */
	uint64_t cb_name, cb_fco, cb_fsize, cb_begin;
	uint64_t ai_code, sq_buf, sq_limit;    /* the interpreter's StubQueue */
	uint64_t cm_method, cm_scopes_data;    /* CompiledMethod */
	uint64_t cm_deopt, nm_origpc;	       /* deoptimized frames */
	uint64_t nm_metadata, nm_pcs, nm_deps; /* nmethod */
	uint64_t pc_offset, pc_scope;	       /* PcDesc */
	uint64_t m_cmethod;		       /* Method */
	uint64_t k_constants, k_name_index, k_code_size,
	    k_flags; /* ConstMethod */
	uint64_t cp_holder, cp_srcfile, ik_srcfile;
	uint64_t kl_name, sym_length, sym_body;
	uint64_t sz_heapblock, sz_constmethod, sz_cp, sz_pcdesc;
};

#define F(t, f, m, st)                                                         \
	{                                                                      \
		t, f, offsetof(struct vm, m), st                               \
	}
static const struct want {
	const char *type, *field;
	size_t at;
	bool stat; /* the address of a static field */
} wants[] = {
    F("CodeCache", "_heaps", cc_heaps, true),
    F("CodeCache", "_low_bound", cc_lo, true),
    F("CodeCache", "_high_bound", cc_hi, true),
    F("CodeHeap", "_memory", heap_memory, false),
    F("CodeHeap", "_segmap", heap_segmap, false),
    F("CodeHeap", "_log2_segment_size", heap_log2, false),
    F("VirtualSpace", "_low_boundary", vs_lo, false),
    F("VirtualSpace", "_high_boundary", vs_hi, false),
    F("GrowableArrayBase", "_len", ga_len, false),
    F("GenericGrowableArray", "_len", ga_len, false),
    F("GrowableArray<int>", "_data", ga_data, false),
    F("AbstractInterpreter", "_code", ai_code, true),
    F("StubQueue", "_stub_buffer", sq_buf, false),
    F("StubQueue", "_buffer_limit", sq_limit, false),
    F("CodeBlob", "_name", cb_name, false),
    F("CodeBlob", "_frame_complete_offset", cb_fco, false),
    F("CodeBlob", "_frame_size", cb_fsize, false),
    F("CodeBlob", "_code_begin", cb_begin, false),
    F("CompiledMethod", "_method", cm_method, false),
    F("CompiledMethod", "_scopes_data_begin", cm_scopes_data, false),
    F("CompiledMethod", "_deopt_handler_begin", cm_deopt, false),
    F("nmethod", "_orig_pc_offset", nm_origpc, false),
    F("nmethod", "_metadata_offset", nm_metadata, false),
    F("nmethod", "_scopes_pcs_offset", nm_pcs, false),
    F("nmethod", "_dependencies_offset", nm_deps, false),
    F("PcDesc", "_pc_offset", pc_offset, false),
    F("PcDesc", "_scope_decode_offset", pc_scope, false),
    F("Method", "_constMethod", m_cmethod, false),
    F("ConstMethod", "_constants", k_constants, false),
    F("ConstMethod", "_name_index", k_name_index, false),
    F("ConstMethod", "_code_size", k_code_size, false),
    F("ConstMethod", "_flags", k_flags, false),
    F("ConstantPool", "_pool_holder", cp_holder, false),
    F("ConstantPool", "_source_file_name_index", cp_srcfile, false),
    F("InstanceKlass", "_source_file_name_index", ik_srcfile, false),
    F("Klass", "_name", kl_name, false),
    F("Symbol", "_length", sym_length, false),
    F("Symbol", "_body", sym_body, false),
};
static const struct want types[] = {
    F("HeapBlock", NULL, sz_heapblock, false),
    F("ConstMethod", NULL, sz_constmethod, false),
    F("ConstantPool", NULL, sz_cp, false),
    F("PcDesc", NULL, sz_pcdesc, false),
};
#undef F

struct jproc {
	int pid;
	unsigned long long start;
	struct vm vm;
	struct et_java_proc bpf;
	char file[256];
	struct jproc *next;
};

struct jmethod { /* a Method* named */
	int pid;
	uint64_t ptr;
	char *name, *file; /* NULL: unreadable */
	uint8_t *lnt;
	size_t lntlen;
	struct jmethod *next;
};

struct jpc { /* a compiled frame's pc: its methods, innermost first */
	int pid;
	uint64_t pc;
	int n;
	uint64_t fr[SCOPES_MAX];
	struct jpc *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct jproc *procs;
static struct jmethod *methods[BUCKETS];
static struct jpc *pcs[BUCKETS];
static int procs_fd = -1, ustack_fd = -1;
/* processes that map libjvm.so whose VM had not described itself yet
 * (a -c child looked at before its VM started): tried again each poll */
#define PENDING_MAX 64
static int pending[PENDING_MAX], npending;

void rt_java_set_maps(int pfd, int sfd)
{
	pthread_mutex_lock(&lock);
	procs_fd = pfd;
	ustack_fd = sfd;
	pthread_mutex_unlock(&lock);
}

const char *rt_java_versions(void)
{
	return "17";
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

static uint32_t rd32(int pid, uint64_t addr)
{
	uint32_t v = 0;

	return rd(pid, addr, &v, 4) ? v : 0;
}

static uint16_t rd16(int pid, uint64_t addr)
{
	uint16_t v = 0;

	return rd(pid, addr, &v, 2) ? v : 0;
}

static bool rdstr(int pid, uint64_t addr, char *buf, size_t len)
{
	if (!rd(pid, addr, buf, len - 1)) {
		/* near the end of a mapping: byte by byte */
		size_t i = 0;

		for (; i + 1 < len && rd(pid, addr + i, buf + i, 1) && buf[i];
		     i++)
			;
		buf[i] = 0;
		return i > 0;
	}
	buf[len - 1] = 0;
	return true;
}

/* the start time of pid (clock ticks after boot), 0 when gone */
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

static struct jproc *proc_get(int pid)
{
	for (struct jproc *p = procs; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void proc_forget(int pid)
{
	for (struct jproc **pp = &procs; *pp; pp = &(*pp)->next) {
		if ((*pp)->pid == pid) {
			struct jproc *d = *pp;

			*pp = d->next;
			free(d);
			break;
		}
	}
	for (int b = 0; b < BUCKETS; b++) {
		for (struct jmethod **mp = &methods[b]; *mp;) {
			struct jmethod *m = *mp;

			if (m->pid != pid) {
				mp = &m->next;
				continue;
			}
			*mp = m->next;
			free(m->name);
			free(m->file);
			free(m->lnt);
			free(m);
		}
		for (struct jpc **cp = &pcs[b]; *cp;) {
			struct jpc *c = *cp;

			if (c->pid != pid) {
				cp = &c->next;
				continue;
			}
			*cp = c->next;
			free(c);
		}
	}
}

/* the libjvm.so pid maps: its path and load bias */
static struct elf_syms *find_jvm(int pid, char *file, size_t flen,
				 uint64_t *bias, bool *launcher)
{
	char path[64], line[4096 + 128];
	struct elf_syms *es = NULL;
	FILE *maps;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = priv_fopen(path);
	if (!maps)
		return NULL;
	while (!es && fgets(line, sizeof(line), maps)) {
		uint64_t start, pgoff;
		char full[4200], *name, *b;
		int off = 0;

		if (sscanf(line, "%" SCNx64 "-%*x %*s %" SCNx64 " %*s %*s %n",
			   &start, &pgoff, &off) < 2 ||
		    !off)
			continue;
		name = line + off;
		name[strcspn(name, "\n")] = 0;
		b = strrchr(name, '/');
		if (b && !strcmp(b, "/libjli.so"))
			*launcher = true;
		if (name[0] != '/' || !b || strcmp(b, "/libjvm.so"))
			continue;
		snprintf(full, sizeof(full), "/proc/%d/root%s", pid, name);
		es = elf_syms__open(full);
		if (es && elf_syms__bias(es, start, pgoff, bias)) {
			elf_syms__close(es);
			es = NULL;
			continue;
		}
		snprintf(file, flen, "%s", name);
	}
	fclose(maps);
	return es;
}

/* the value of libjvm's exported variable name (u64), 0 when none */
static uint64_t sym64(int pid, struct elf_syms *es, uint64_t bias,
		      const char *name)
{
	uint64_t a;

	if (elf_syms__symbol_addr(es, name, &a))
		return 0;
	return rd64(pid, a + bias);
}

/* one of gHotSpotVMStructs (fields) or gHotSpotVMTypes (sizes) read
 * into v */
static int read_table(int pid, struct elf_syms *es, uint64_t bias, bool fields,
		      struct vm *v)
{
	const char *pre =
	    fields ? "gHotSpotVMStructEntry" : "gHotSpotVMTypeEntry";
	char sym[96], tname[NAME_MAX_], fname[NAME_MAX_];
	uint64_t base, stride, o_type, o_field = 0, o_off, o_addr = 0, a;
	uint8_t e[256];
	int found = 0;

	base = sym64(pid, es, bias,
		     fields ? "gHotSpotVMStructs" : "gHotSpotVMTypes");
#define SYM(s)                                                                 \
	(snprintf(sym, sizeof(sym), "%s%s", pre, s), sym64(pid, es, bias, sym))
	stride = SYM("ArrayStride");
	o_type = SYM("TypeNameOffset");
	if (fields) {
		o_field = SYM("FieldNameOffset");
		o_off = SYM("OffsetOffset");
		o_addr = SYM("AddressOffset");
	} else {
		o_off = SYM("SizeOffset");
	}
#undef SYM
	if (!base || !stride || stride > sizeof(e) || o_type + 8 > stride ||
	    o_field + 8 > stride || o_off + 8 > stride || o_addr + 8 > stride)
		return -ENOTSUP;
	for (uint64_t i = 0; i < ENTRIES_MAX; i++) {
		uint64_t tn, fn = 0, val;

		if (!rd(pid, base + i * stride, e, stride))
			return -EIO;
		memcpy(&tn, e + o_type, 8);
		if (!tn)
			break;
		if (fields)
			memcpy(&fn, e + o_field, 8);
		if (!rdstr(pid, tn, tname, sizeof(tname)) ||
		    (fields && !rdstr(pid, fn, fname, sizeof(fname))))
			continue;
		for (size_t w = 0;
		     w < (fields ? sizeof(wants) : sizeof(types)) /
			     sizeof(wants[0]);
		     w++) {
			const struct want *x = fields ? &wants[w] : &types[w];

			if (strcmp(x->type, tname) ||
			    (fields && strcmp(x->field, fname)))
				continue;
			memcpy(&val, e + (x->stat ? o_addr : o_off), 8);
			memcpy((char *)v + x->at, &val, 8);
			found++;
		}
	}
	(void)a;
	return found ? 0 : -ENOTSUP;
}

/* the code cache's heaps for the BPF walker */
static int read_heaps(struct jproc *p)
{
	const struct vm *v = &p->vm;
	int pid = p->pid, n;
	uint64_t arr = rd64(pid, v->cc_heaps), data;

	p->bpf.lo = rd64(pid, v->cc_lo);
	p->bpf.hi = rd64(pid, v->cc_hi);
	n = (int)rd32(pid, arr + v->ga_len);
	data = rd64(pid, arr + v->ga_data);
	if (!arr || !data || n <= 0 || n > ET_JAVA_HEAPS || !p->bpf.lo ||
	    p->bpf.hi <= p->bpf.lo)
		return -ENOTSUP;
	for (int i = 0; i < n; i++) {
		uint64_t h = rd64(pid, data + 8 * i);
		struct et_java_heap *e = &p->bpf.heap[i];

		e->lo = rd64(pid, h + v->heap_memory + v->vs_lo);
		e->hi = rd64(pid, h + v->heap_memory + v->vs_hi);
		e->segmap = rd64(pid, h + v->heap_segmap + v->vs_lo);
		e->log2_seg = rd32(pid, h + v->heap_log2);
		if (!h || !e->lo || e->hi <= e->lo || !e->segmap ||
		    e->log2_seg > 16)
			return -ENOTSUP;
	}
	/* 0, 0 where the VM does not say (no frame of the deopt blobs'
	 * unpacking then told from others) */
	if (v->ai_code && v->sq_buf && v->sq_limit) {
		uint64_t q = rd64(pid, v->ai_code);

		p->bpf.interp_lo = q ? rd64(pid, q + v->sq_buf) : 0;
		p->bpf.interp_hi =
		    p->bpf.interp_lo
			? p->bpf.interp_lo + rd32(pid, q + v->sq_limit)
			: 0;
	}
	p->bpf.heapblock = (unsigned short)v->sz_heapblock;
	p->bpf.cb_name = (unsigned short)v->cb_name;
	p->bpf.cb_fco = (unsigned short)v->cb_fco;
	p->bpf.cb_fsize = (unsigned short)v->cb_fsize;
	p->bpf.cb_begin = (unsigned short)v->cb_begin;
	p->bpf.m_cmethod = (unsigned short)v->m_cmethod;
	p->bpf.cm_size = (unsigned short)v->sz_constmethod;
	p->bpf.cm_deopt = (unsigned short)v->cm_deopt;
	p->bpf.nm_origpc = (unsigned short)v->nm_origpc;
	return 0;
}

static int load_locked(int pid, const char **why)
{
	struct elf_syms *es;
	struct jproc *p;
	unsigned long long st = start_of(pid);
	uint32_t key = (uint32_t)pid;
	uint64_t bias = 0;
	char file[256];
	bool launcher = false;
	int err;

	p = proc_get(pid);
	if (p && (p->start == st || !st))
		return 0;
	if (p)
		proc_forget(pid);
	es = find_jvm(pid, file, sizeof(file), &bias, &launcher);
	if (!es && !launcher)
		return -ENOENT;
	if (!es) {
		/* the java launcher (libjli) before it loads libjvm: the
		 * -c child at its entry point */
		err = -EAGAIN;
		goto later;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		elf_syms__close(es);
		return -ENOMEM;
	}
	p->pid = pid;
	p->start = st;
	snprintf(p->file, sizeof(p->file), "%s", file);
	err = read_table(pid, es, bias, true, &p->vm);
	if (!err)
		err = read_table(pid, es, bias, false, &p->vm);
	elf_syms__close(es);
	if (!err)
		err = read_heaps(p);
	if (err) {
		free(p);
		err = -EAGAIN;
	later:
		/* a VM not started yet (its tables are filled as it
		 * starts): looked at again at the next polls */
		for (int i = 0; i < npending && pid; i++)
			if (pending[i] == pid)
				pid = 0;
		if (pid && npending < PENDING_MAX)
			pending[npending++] = pid;
		if (why)
			*why = "the VM's structure description is not readable "
			       "(yet)";
		return err;
	}
	p->next = procs;
	procs = p;
	if (procs_fd >= 0 &&
	    bpf_map_update_elem(procs_fd, &key, &p->bpf, BPF_ANY))
		return -errno;
	return 0;
}

int rt_java_load_pid(int pid, const char **why)
{
	int err;

	pthread_mutex_lock(&lock);
	err = load_locked(pid, why);

	pthread_mutex_unlock(&lock);
	return err;
}

uint32_t rt_java_u5(const uint8_t *t, size_t len, size_t *i)
{
	/* UNSIGNED5, L = 192, H = 64: bytes below 192 end a number */
	uint32_t sum = 0;
	unsigned shift = 0;

	for (int k = 0; k < 5 && *i < len; k++) {
		uint32_t b = t[(*i)++];

		sum += b << shift;
		if (b < 192 || k == 4)
			break;
		shift += 6;
	}
	return sum;
}

int rt_java_line(const uint8_t *t, size_t len, int bci)
{
	/* pairs (bci delta, line delta): a byte (bci << 3 | line) or
	 * 0xff and two signed UNSIGNED5 numbers; 0 ends; the line of the
	 * last pair at or before bci */
	int b = 0, line = 0, best = -1;
	size_t i = 0;

	while (i < len && t[i]) {
		uint8_t c = t[i++];

		if (c == 0xff) {
			uint32_t x = rt_java_u5(t, len, &i);
			uint32_t y = rt_java_u5(t, len, &i);

			b += (int)((x >> 1) ^ -(x & 1));
			line += (int)((y >> 1) ^ -(y & 1));
		} else {
			b += c >> 3;
			line += c & 7;
		}
		if (b > bci)
			break;
		best = line;
	}
	return best;
}

/* a Symbol's text (malloc'd), NULL when unreadable */
static char *symbol(struct jproc *p, uint64_t s)
{
	uint16_t n = rd16(p->pid, s + p->vm.sym_length);
	char *out;

	if (!s || !n)
		return NULL;
	out = calloc(1, n + 1u);
	if (out && !rd(p->pid, s + p->vm.sym_body, out, n)) {
		free(out);
		return NULL;
	}
	return out;
}

static struct jmethod *method_get(struct jproc *p, uint64_t m)
{
	size_t b = (m >> 3 ^ (uint64_t)p->pid * 0x9e3779b9u) % BUCKETS;
	const struct vm *v = &p->vm;
	uint64_t cm, cp, holder, base;
	struct jmethod *j;
	char *cls, *name;

	for (j = methods[b]; j; j = j->next)
		if (j->pid == p->pid && j->ptr == m)
			return j;
	j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->pid = p->pid;
	j->ptr = m;
	cm = rd64(p->pid, m + v->m_cmethod);
	cp = rd64(p->pid, cm + v->k_constants);
	holder = rd64(p->pid, cp + v->cp_holder);
	base = cp + v->sz_cp;
	cls = cm && cp && holder ? symbol(p, rd64(p->pid, holder + v->kl_name))
				 : NULL;
	name =
	    cls ? symbol(p, rd64(p->pid,
				 base + 8 * rd16(p->pid, cm + v->k_name_index)))
		: NULL;
	if (cls && name) {
		uint16_t sf = 0, flags = rd16(p->pid, cm + v->k_flags);
		uint16_t code = rd16(p->pid, cm + v->k_code_size);

		for (char *c = cls; *c; c++)
			if (*c == '/')
				*c = '.';
		if (asprintf(&j->name, "%s.%s", cls, name) < 0)
			j->name = NULL;
		sf = v->cp_srcfile ? rd16(p->pid, cp + v->cp_srcfile)
				   : rd16(p->pid, holder + v->ik_srcfile);
		if (sf)
			j->file = symbol(p, rd64(p->pid, base + 8 * sf));
		if (flags & 1) { /* _has_linenumber_table */
			uint8_t buf[LNT_MAX];
			uint64_t at = cm + v->sz_constmethod + code;
			size_t n = 0;

			/* read in pieces: the table ends at a 0 */
			while (n + 256 <= sizeof(buf) &&
			       rd(p->pid, at + n, buf + n, 256)) {
				n += 256;
				if (memchr(buf + n - 256, 0, 256))
					break;
			}
			if (n) {
				j->lnt = malloc(n);
				if (j->lnt)
					memcpy(j->lnt, buf, n);
				j->lntlen = j->lnt ? n : 0;
			}
		}
	}
	free(cls);
	free(name);
	j->next = methods[b];
	methods[b] = j;
	return j;
}

/* the CodeBlob of pc, as the walker finds it */
static uint64_t find_blob(struct jproc *p, uint64_t pc)
{
	for (int k = 0; k < ET_JAVA_HEAPS; k++) {
		const struct et_java_heap *h = &p->bpf.heap[k];
		uint64_t seg;
		uint8_t tag = 0xff;

		if (!h->lo || pc < h->lo || pc >= h->hi)
			continue;
		seg = (pc - h->lo) >> h->log2_seg;
		for (int i = 0; i < 64; i++) {
			if (!rd(p->pid, h->segmap + seg, &tag, 1) || !tag ||
			    tag == 0xff)
				break;
			seg -= tag;
		}
		return tag ? 0
			   : h->lo + (seg << h->log2_seg) + p->bpf.heapblock;
	}
	return 0;
}

/* the methods at a compiled frame's pc, innermost first */
static int decode_pc(struct jproc *p, uint64_t pc, uint64_t *out)
{
	const struct vm *v = &p->vm;
	int pid = p->pid, n = 0;
	uint64_t blob = find_blob(p, pc), begin, sd, meta, best = 0;
	uint32_t pcs_at, deps_at, rel, scope = 0;
	char type[16];
	uint8_t *buf;
	size_t len;
	int64_t best_off = -1;

	if (!blob ||
	    !rdstr(pid, rd64(pid, blob + v->cb_name), type, sizeof(type)))
		return 0;
	if (!strcmp(type, "native nmethod")) {
		out[0] =
		    ET_RTF_MAKE(ET_RTF_JAVA_JIT, rd64(pid, blob + v->cm_method),
				ET_RTF_IDX_NONE, 0);
		return 1;
	}
	if (strcmp(type, "nmethod"))
		return 0;
	begin = rd64(pid, blob + v->cb_begin);
	rel = (uint32_t)(pc - begin);
	pcs_at = rd32(pid, blob + v->nm_pcs);
	deps_at = rd32(pid, blob + v->nm_deps);
	len = deps_at > pcs_at ? deps_at - pcs_at : 0;
	if (len && len <= PCS_MAX && v->sz_pcdesc &&
	    (buf = malloc(len)) != NULL) {
		if (rd(pid, blob + pcs_at, buf, len)) {
			for (size_t i = 0; i + v->sz_pcdesc <= len;
			     i += v->sz_pcdesc) {
				int32_t off, sc;

				memcpy(&off, buf + i + v->pc_offset, 4);
				memcpy(&sc, buf + i + v->pc_scope, 4);
				/* the pc's own (a return address), else
				 * the next one (an interrupted pc) */
				if ((uint32_t)off == rel ||
				    (off > (int32_t)rel &&
				     (best_off < 0 || off < best_off))) {
					best_off = off;
					best = (uint32_t)sc;
					if ((uint32_t)off == rel)
						break;
				}
			}
		}
		free(buf);
	}
	scope = (uint32_t)best;
	sd = rd64(pid, blob + v->cm_scopes_data);
	meta = blob + rd32(pid, blob + v->nm_metadata);
	while (scope && n < SCOPES_MAX) {
		uint8_t s[32];
		size_t i = 0;
		uint32_t sender, midx;
		int64_t bci;

		if (!rd(pid, sd + scope, s, sizeof(s)))
			break;
		sender = rt_java_u5(s, sizeof(s), &i);
		midx = rt_java_u5(s, sizeof(s), &i);
		bci = (int64_t)rt_java_u5(s, sizeof(s), &i) - 1;
		if (!midx)
			break;
		out[n++] = ET_RTF_MAKE(
		    ET_RTF_JAVA_JIT, rd64(pid, meta + 8 * (midx - 1)),
		    bci >= 0 && bci < (int64_t)ET_RTF_IDX_NONE
			? (uint64_t)bci
			: ET_RTF_IDX_NONE,
		    0);
		scope = sender;
	}
	if (!n) /* no scopes at this pc: the nmethod's method */
		out[n++] =
		    ET_RTF_MAKE(ET_RTF_JAVA_JIT, rd64(pid, blob + v->cm_method),
				ET_RTF_IDX_NONE, 0);
	/* all but the outermost are inlined into the next */
	for (int k = 0; k + 1 < n; k++)
		out[k] |= ET_RTF_ENTRY;
	return n;
}

static struct jpc *pc_get(struct jproc *p, uint64_t pc)
{
	size_t b = (pc ^ (uint64_t)p->pid * 0x9e3779b9u) % BUCKETS;
	struct jpc *c;

	for (c = pcs[b]; c; c = c->next)
		if (c->pid == p->pid && c->pc == pc)
			return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->pid = p->pid;
	c->pc = pc;
	c->n = decode_pc(p, pc, c->fr);
	for (int i = 0; i < c->n; i++)
		method_get(p, ET_RTF_PTR(c->fr[i]));
	c->next = pcs[b];
	pcs[b] = c;
	return c;
}

int rt_java_expand(int pid, const uint64_t *in, int n, uint64_t *out, int max)
{
	struct jproc *p;
	bool fp = false;
	int o = 0;

	/* a stack walked by frame pointers (its JVM not known yet) keeps
	 * the code cache's addresses: what the stubs hide is unknown */
	for (int i = 0; i < n; i++)
		fp |= in[i] == ET_UW_MARK_FP;
	pthread_mutex_lock(&lock);
	p = proc_get(pid);
	for (int i = 0; i < n && o < max; i++) {
		uint64_t f = in[i];

		if (!p) {
			out[o++] = f;
			continue;
		}
		if (ET_RTF_IS(f) && ET_RTF_KIND(f) == ET_RTF_JAVA &&
		    (f & ET_RTF_ENTRY)) {
			struct jpc *c = pc_get(p, f & ET_RTF_JAVA_PCMASK);

			for (int k = 0; c && k < c->n && o < max; k++)
				out[o++] = c->fr[k];
			if (!c || !c->n) /* a blob no longer there */
				out[o++] = f;
			continue;
		}
		/* a stub's or an adapter's frame */
		if (!fp && !ET_RTF_IS(f) && f >= p->bpf.lo && f < p->bpf.hi)
			continue;
		out[o++] = f;
	}
	pthread_mutex_unlock(&lock);
	return o;
}

void rt_java_frame(int pid, uint64_t frame, bool bare, char *buf, size_t len,
		   const char **tier)
{
	uint64_t ptr = ET_RTF_PTR(frame);
	unsigned idx = (unsigned)ET_RTF_IDX(frame);
	struct jmethod *m = NULL;
	struct jproc *p;
	int line = -1;

	*tier = ET_RTF_KIND(frame) == ET_RTF_JAVA ? "interpreted"
		: (frame & ET_RTF_ENTRY)	  ? "inlined"
						  : "jit";
	if (ET_RTF_KIND(frame) == ET_RTF_JAVA && (frame & ET_RTF_ENTRY)) {
		/* a compiled frame rt_java_expand could not read (its code
		 * flushed, or not an nmethod VMStructs describes): the JVM's
		 * perf map names it when there is one (jcmd PID
		 * Compiler.perfmap, -XX:+DumpPerfMapAtExit) */
		uint64_t pc = frame & ET_RTF_JAVA_PCMASK, off;
		const char *path;
		char pm[512];

		if (!perfmap_lookup(pid, pc, pm, sizeof(pm), &off, &path))
			snprintf(buf, len, "%s", pm);
		else
			snprintf(buf, len, "[java compiled 0x%" PRIx64 "]",
				 pc);
		return;
	}
	pthread_mutex_lock(&lock);
	p = proc_get(pid);
	if (p)
		m = method_get(p, ptr);
	if (!m || !m->name) {
		snprintf(buf, len, "[java method 0x%" PRIx64 "]", ptr);
	} else {
		if (idx != ET_RTF_IDX_NONE && m->lnt)
			line = rt_java_line(m->lnt, m->lntlen, (int)idx);
		if (bare || !m->file)
			snprintf(buf, len, "%s", m->name);
		else if (line < 0)
			snprintf(buf, len, "%s (%s)", m->name, m->file);
		else
			snprintf(buf, len, "%s (%s:%d)", m->name, m->file,
				 line);
	}
	pthread_mutex_unlock(&lock);
}

/* the compiled frames of the stacks in ET_USTACK_MAP read in p (all, or
 * those new since the last scan): a stack does not say its process, so
 * each pc is looked up in each JVM, and only what is an nmethod there is
 * kept */
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

static void scan_stacks(struct jproc *only, bool new_only)
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

			if (!ET_RTF_IS(f) || ET_RTF_KIND(f) != ET_RTF_JAVA)
				continue;
			for (struct jproc *p = procs; p; p = p->next) {
				if (only && p != only)
					continue;
				if (f & ET_RTF_ENTRY) {
					uint64_t pc = f & ET_RTF_JAVA_PCMASK;

					if (pc >= p->bpf.lo && pc < p->bpf.hi)
						pc_get(p, pc);
				} else if (only) {
					method_get(p, ET_RTF_PTR(f));
				}
			}
		}
	}
}

void rt_java_at_exit(int pid)
{
	struct jproc *p;

	pthread_mutex_lock(&lock);
	p = proc_get(pid);
	if (p)
		scan_stacks(p, false);
	pthread_mutex_unlock(&lock);
}

int rt_java_poll(int *started, int max)
{
	static struct timespec last;
	struct timespec now;
	int n = 0;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec * 1000 + now.tv_nsec / 1000000 <
	    last.tv_sec * 1000 + last.tv_nsec / 1000000 + POLL_MS)
		return 0;
	last = now;
	pthread_mutex_lock(&lock);
	for (int i = 0; i < npending;) {
		int pid = pending[i], err = load_locked(pid, NULL);

		/* EPERM: alive, another user's (after the privilege drop) */
		if (err == -EAGAIN && (kill(pid, 0) == 0 || errno == EPERM)) {
			i++;
			continue;
		}
		/* loaded, or gone, or no JVM after all */
		if (!err && n < max)
			started[n++] = pid;
		pending[i] = pending[--npending];
	}
	if (procs)
		scan_stacks(NULL, true);
	pthread_mutex_unlock(&lock);
	return n;
}
