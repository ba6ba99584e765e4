/* CPython in ustack, user-space half (rt_python.h): the interpreter a
 * process maps, its offsets for the BPF walker, code objects named from
 * the process's memory, and the merge of Python frames into the native
 * stack. Offsets per minor version were read from each build's DWARF
 * (Debian's python3.11 with python3.11-dbg; pyenv's 3.11.7, 3.12.1 and
 * 3.13.0, gdb ptype/o); 3.8-3.10 run one C call of the evaluation loop
 * per Python call with PyFrameObject and know their threads by
 * pthread_self() only (no native_thread_id), which the walker does not
 * read; 3.14 is not installable here to measure. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "rt_python.h"

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
#include "unwind.h"

/* one minor version: the walker's offsets and the code object's */
struct pyver {
	int minor;
	struct et_py_proc off;
	short co_filename, co_name, co_qualname, co_firstlineno, co_linetable;
	short str_ascii; /* sizeof(PyASCIIObject): ASCII data there */
	short str_utf8;	 /* PyCompactUnicodeObject.utf8 */
};

static const struct pyver versions[] = {
    {11,
     {.flags = ET_PYF_CFRAME,
      .interp_head = 40,
      .interp_tstate = 16,
      .ts_next = 8,
      .ts_tid = 160,
      .ts_frame = 56,
      .cf_frame = 8,
      .fr_code = 32,
      .fr_prev = 48,
      .fr_instr = 56,
      .fr_entry = 68,
      .fr_owner = 69,
      .co_code = 184},
     112,
     120,
     128,
     72,
     136,
     48,
     56},
    {12,
     {.flags = ET_PYF_CFRAME | ET_PYF_CSTACK,
      .interp_head = 40,
      .interp_tstate = 72,
      .ts_next = 8,
      .ts_tid = 144,
      .ts_frame = 56,
      .cf_frame = 0,
      .fr_code = 0,
      .fr_prev = 8,
      .fr_instr = 56,
      .fr_entry = -1,
      .fr_owner = 70,
      .co_code = 192,
      .cstack_owner = 3},
     112,
     120,
     128,
     68,
     136,
     40,
     48},
    {13,
     {.flags = ET_PYF_CSTACK,
      .interp_head = 632,
      .interp_tstate = 7344,
      .ts_next = 8,
      .ts_tid = 160,
      .ts_frame = 72,
      .cf_frame = 0,
      .fr_code = 0,
      .fr_prev = 8,
      .fr_instr = 56,
      .fr_entry = -1,
      .fr_owner = 70,
      .co_code = 200,
      .cstack_owner = 3},
     112,
     120,
     128,
     68,
     136,
     40,
     48},
};

struct pyproc {
	int pid;
	unsigned long long start; /* /proc/PID/stat starttime: pid reuse */
	uint64_t start_stack, end_code; /* the image (unwind_exec_id) */
	const struct pyver *v;
	uint64_t eval_lo, eval_hi, code_type;
	char ver[8];
	char file[256];
	struct pyproc *next;
};

struct pycode {
	int pid;
	uint64_t ptr;
	char *qualname, *file; /* NULL: not a code object (or unreadable) */
	int firstline;
	uint8_t *lt;
	size_t ltlen;
	struct pycode *next;
};

#define CODE_BUCKETS 4096
#define STR_MAX 512
#define LINETABLE_MAX (64u << 10)
#define POLL_MS 200

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct pyproc *procs;
static struct pycode *codes[CODE_BUCKETS];
static int procs_fd = -1, ustack_fd = -1;

void rt_python_set_maps(int pfd, int sfd)
{
	pthread_mutex_lock(&lock);
	procs_fd = pfd;
	ustack_fd = sfd;
	pthread_mutex_unlock(&lock);
}

const char *rt_python_versions(void)
{
	return "3.11, 3.12, 3.13";
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
	p = strrchr(buf, ')'); /* comm may hold spaces */
	/* field 22; p is at the end of field 2 */
	for (int i = 0; p && i < 20; i++)
		p = strchr(p + 1, ' ');
	if (p)
		t = strtoull(p + 1, NULL, 10);
	return t;
}

/* forget pid's entry and names: another process has its pid now */
static void proc_forget(int pid)
{
	for (struct pyproc **pp = &procs; *pp; pp = &(*pp)->next) {
		if ((*pp)->pid != pid)
			continue;
		struct pyproc *dead = *pp;

		*pp = dead->next;
		free(dead);
		break;
	}
	for (int b = 0; b < CODE_BUCKETS; b++) {
		for (struct pycode **cp = &codes[b]; *cp;) {
			struct pycode *c = *cp;

			if (c->pid != pid) {
				cp = &c->next;
				continue;
			}
			*cp = c->next;
			free(c->qualname);
			free(c->file);
			free(c->lt);
			free(c);
		}
	}
}

static struct pyproc *proc_get(int pid)
{
	for (struct pyproc *p = procs; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

/* the minor version of "python3.N" or "libpython3.N.so...": -1 else */
static int minor_of(const char *path)
{
	const char *b = strrchr(path, '/');
	char *end;
	long m;

	b = b ? b + 1 : path;
	if (!strncmp(b, "lib", 3))
		b += 3;
	if (strncmp(b, "python3.", 8))
		return -1;
	m = strtol(b + 8, &end, 10);
	if (end == b + 8 || (*end && strncmp(end, ".so", 3)))
		return -1;
	return (int)m;
}

static const struct pyver *version_of(int minor)
{
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		if (versions[i].minor == minor)
			return &versions[i];
	return NULL;
}

/* a file pid maps that defines _PyRuntime: its path, bias, symbols */
static bool find_interp(int pid, char *file, size_t flen, int *minor,
			uint64_t *bias, struct elf_syms **out)
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
		char full[4200], *name;
		struct elf_syms *es;
		int off = 0;

		if (sscanf(line, "%" SCNx64 "-%*x %*s %" SCNx64 " %*s %*s %n",
			   &start, &pgoff, &off) < 2 ||
		    !off)
			continue;
		name = line + off;
		name[strcspn(name, "\n")] = 0;
		if (name[0] != '/' || minor_of(name) < 0 || !strcmp(name, seen))
			continue;
		snprintf(seen, sizeof(seen), "%s", name);
		snprintf(full, sizeof(full), "/proc/%d/root%s", pid, name);
		es = elf_syms__open(full);
		if (es && !elf_syms__symbol_addr(es, "_PyRuntime", &addr) &&
		    !elf_syms__bias(es, start, pgoff, bias)) {
			snprintf(file, flen, "%s", name);
			*minor = minor_of(name);
			*out = es;
			found = true;
		} else {
			elf_syms__close(es);
		}
	}
	fclose(maps);
	return found;
}

/* a full procs map: forget processes that are gone */
static void sweep_dead(void)
{
	for (struct pyproc *p = procs; p; p = p->next) {
		uint32_t key = (uint32_t)p->pid;

		if (kill(p->pid, 0) && errno == ESRCH)
			bpf_map_delete_elem(procs_fd, &key);
	}
}

static int load_locked(int pid, const char **why)
{
	struct et_py_proc e;
	struct elf_syms *es = NULL;
	const struct elf_sym *ev;
	struct pyproc *p;
	uint64_t bias = 0, rt = 0, ct = 0;
	uint32_t key = (uint32_t)pid;
	unsigned long long st;
	uint64_t stack = 0, code = 0;
	char file[256];
	int minor = -1;

	p = proc_get(pid);
	st = start_of(pid);
	if (!unwind_exec_id(pid, &stack, &code))
		st = 0;
	if (p && (!st || (p->start == st && p->start_stack == stack &&
			  p->end_code == code)))
		return 0; /* the same image, or gone: kept */
	if (p) {
		/* a process gone, its pid reused, or one that exec'ed: its
		 * entry is of another image; look again */
		proc_forget(pid);
		if (procs_fd >= 0)
			bpf_map_delete_elem(procs_fd, &key);
	}
	if (!find_interp(pid, file, sizeof(file), &minor, &bias, &es))
		return -ENOENT;
	p = calloc(1, sizeof(*p));
	if (!p) {
		elf_syms__close(es);
		return -ENOMEM;
	}
	p->pid = pid;
	p->start = st;
	p->start_stack = stack;
	p->end_code = code;
	p->v = version_of(minor);
	snprintf(p->ver, sizeof(p->ver), "3.%d", minor);
	snprintf(p->file, sizeof(p->file), "%s", file);
	ev = elf_syms__find(es, "_PyEval_EvalFrameDefault");
	if (ev) {
		p->eval_lo = ev->addr + bias;
		p->eval_hi = ev->addr + (ev->size ? ev->size : 1) + bias;
	}
	if (!elf_syms__symbol_addr(es, "PyCode_Type", &ct))
		p->code_type = ct + bias;
	elf_syms__symbol_addr(es, "_PyRuntime", &rt);
	elf_syms__close(es);
	p->next = procs;
	procs = p;
	if (!p->v) {
		if (why)
			*why = "no offsets for this Python version here";
		return -ENOTSUP;
	}
	if (procs_fd < 0)
		return 0;
	e = p->v->off;
	e.runtime = rt + bias;
	e.co_qualname = p->v->co_qualname;
	e.co_filename = p->v->co_filename;
	e.co_firstlineno = p->v->co_firstlineno;
	e.str_data = p->v->str_ascii;
	if (bpf_map_update_elem(procs_fd, &key, &e, BPF_ANY)) {
		sweep_dead();
		if (bpf_map_update_elem(procs_fd, &key, &e, BPF_ANY))
			return -errno;
	}
	return 0;
}

int rt_python_load_pid(int pid, const char **why)
{
	int err;

	pthread_mutex_lock(&lock);
	err = load_locked(pid, why);
	pthread_mutex_unlock(&lock);
	return err;
}

bool rt_python_describe(int pid, char *ver, size_t vlen, char *file,
			size_t flen)
{
	struct pyproc *p;
	bool ok;

	pthread_mutex_lock(&lock);
	if (!proc_get(pid))
		load_locked(pid, NULL);
	p = proc_get(pid);
	ok = p != NULL;
	if (p) {
		snprintf(ver, vlen, "%s", p->ver);
		snprintf(file, flen, "%s", p->file);
	}
	pthread_mutex_unlock(&lock);
	return ok;
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

/* a str object as UTF-8 (malloc'd), or NULL */
static char *read_str(int pid, const struct pyver *v, uint64_t s)
{
	uint64_t len = rd64(pid, s + 16), src;
	uint32_t state = 0;
	char *out;

	if (!rd(pid, s + 32, &state, 4) || len > STR_MAX)
		return NULL;
	if (state & (1u << 6)) { /* ascii (compact) */
		src = s + v->str_ascii;
	} else {
		/* the UTF-8 copy a non-ASCII name has once encoded */
		len = rd64(pid, s + v->str_utf8 - 8);
		src = rd64(pid, s + v->str_utf8);
		if (!src || len > STR_MAX)
			return NULL;
	}
	out = calloc(1, len + 1);
	if (out && !rd(pid, src, out, len)) {
		free(out);
		return NULL;
	}
	return out;
}

/* ptr's entry in p, read now when new; keep_bad: remember a failure
 * (a stack of p asked: p has no code object there) */
static struct pycode *code_get2(struct pyproc *p, uint64_t ptr, bool keep_bad);

static struct pycode *code_get(struct pyproc *p, uint64_t ptr)
{
	return code_get2(p, ptr, true);
}

static struct pycode *code_get2(struct pyproc *p, uint64_t ptr, bool keep_bad)
{
	size_t b = (ptr >> 4 ^ (uint64_t)p->pid * 0x9e3779b9u) % CODE_BUCKETS;
	const struct pyver *v = p->v;
	struct pycode *c;
	uint64_t lt;

	for (c = codes[b]; c; c = c->next)
		if (c->pid == p->pid && c->ptr == ptr)
			return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->pid = p->pid;
	c->ptr = ptr;
	if (v && (!p->code_type || rd64(p->pid, ptr + 8) == p->code_type)) {
		c->qualname =
		    read_str(p->pid, v, rd64(p->pid, ptr + v->co_qualname));
		c->file =
		    read_str(p->pid, v, rd64(p->pid, ptr + v->co_filename));
		rd(p->pid, ptr + v->co_firstlineno, &c->firstline, 4);
		lt = rd64(p->pid, ptr + v->co_linetable);
		c->ltlen = lt ? rd64(p->pid, lt + 16) : 0;
		if (c->ltlen && c->ltlen <= LINETABLE_MAX) {
			c->lt = malloc(c->ltlen);
			if (c->lt && !rd(p->pid, lt + 32, c->lt, c->ltlen)) {
				free(c->lt);
				c->lt = NULL;
			}
		}
		if (!c->qualname || !c->file) {
			free(c->qualname);
			free(c->file);
			c->qualname = c->file = NULL;
		}
	}
	/* kept when unreadable too (a process gone stays gone), unless
	 * the stack that holds ptr may be another process's */
	if (!c->qualname && !keep_bad) {
		free(c);
		return NULL;
	}
	c->next = codes[b];
	codes[b] = c;
	return c;
}

static unsigned varint(const uint8_t *t, size_t len, size_t *i)
{
	unsigned v = 0, shift = 0, b;

	do {
		if (*i >= len)
			return v;
		b = t[(*i)++];
		v |= (b & 63) << shift;
		shift += 6;
	} while ((b & 64) && shift < 30);
	return v;
}

static int svarint(const uint8_t *t, size_t len, size_t *i)
{
	unsigned v = varint(t, len, i);

	return v & 1 ? -(int)(v >> 1) : (int)(v >> 1);
}

/* The location table of 3.11+ (Objects/locations.md): entries of a
 * header byte (bit 7, a code in bits 6..3, the length - 1 in bits 2..0)
 * and the code's bytes. */
int rt_python_line(const uint8_t *lt, size_t len, int firstline, unsigned idx)
{
	int line = firstline;
	unsigned addr = 0;
	size_t i = 0;

	while (lt && i < len) {
		unsigned b = lt[i++], code = (b >> 3) & 15, n = (b & 7) + 1;

		switch (code) {
		case 15: /* no location */
			break;
		case 14: /* long form */
			line += svarint(lt, len, &i);
			varint(lt, len, &i);
			varint(lt, len, &i);
			varint(lt, len, &i);
			break;
		case 13: /* no column */
			line += svarint(lt, len, &i);
			break;
		case 12:
		case 11:
		case 10: /* one line: delta code - 10, two column bytes */
			line += (int)code - 10;
			i += 2;
			break;
		default: /* short form: same line, one column byte */
			i += 1;
			break;
		}
		if (idx >= addr && idx < addr + n)
			return code == 15 ? -1 : line;
		addr += n;
	}
	return -1;
}

void rt_python_frame(int pid, uint64_t frame, bool bare, char *buf, size_t len)
{
	uint64_t ptr = ET_RTF_PTR(frame);
	unsigned idx = (unsigned)ET_RTF_IDX(frame);
	struct pyproc *p;
	struct pycode *c = NULL;
	const char *file;
	int line;

	pthread_mutex_lock(&lock);
	p = proc_get(pid);
	if (p)
		c = code_get(p, ptr);
	if (!c || !c->qualname) {
		snprintf(buf, len, "[python code 0x%" PRIx64 "]", ptr);
		goto out;
	}
	line = idx == ET_RTF_IDX_NONE || bare
		   ? -1
		   : rt_python_line(c->lt, c->ltlen, c->firstline, idx);
	file = c->file;
	if (line < 0)
		snprintf(buf, len, "%s (%s)", c->qualname, file);
	else
		snprintf(buf, len, "%s (%s:%d)", c->qualname, file, line);
out:
	pthread_mutex_unlock(&lock);
}

/* The code objects of the stacks in ET_USTACK_MAP named in p (all
 * stacks, or those not scanned before): the stacks do not say their
 * process, so each is tried in p, and only what is a code object
 * there is kept (a stack of p itself would find it). */
#define SEEN_SLOTS 8192		  /* > ET_STACK_ENTRIES, a power of two */
static uint32_t seen[SEEN_SLOTS]; /* stack id + 1, 0: free */

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
	return false; /* full: the map has fewer entries */
}

static void scan_stacks(struct pyproc *only, bool new_only)
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
			if (!ET_RTF_IS(frames[i]) ||
			    ET_RTF_KIND(frames[i]) != ET_RTF_PYTHON)
				continue;
			for (struct pyproc *p = procs; p; p = p->next)
				if ((!only || p == only) && p->v &&
				    (only ||
				     !(kill(p->pid, 0) && errno == ESRCH)))
					code_get2(p, ET_RTF_PTR(frames[i]),
						  false);
		}
	}
}

void rt_python_at_exit(int pid)
{
	struct pyproc *p;

	pthread_mutex_lock(&lock);
	p = proc_get(pid);
	if (p)
		scan_stacks(p, false);
	pthread_mutex_unlock(&lock);
}

void rt_python_poll(void)
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

static bool is_eval(int pid, uint64_t ip, bool caller)
{
	struct pyproc *p;
	bool yes = false;

	pthread_mutex_lock(&lock);
	p = proc_get(pid);
	if (p && p->eval_hi) {
		ip -= caller; /* a return address: its call */
		yes = ip >= p->eval_lo && ip < p->eval_hi;
	}
	pthread_mutex_unlock(&lock);
	return yes;
}

int rt_frames_merge(int pid, const uint64_t *in, int n, uint64_t *out, int max)
{
	int k = 0, j, o = 0;
	uint64_t mark = 0;

	/* Python's frames follow the native ones; other runtimes' (Java)
	 * are in place among them */
	while (k < n && !(ET_RTF_IS(in[k]) &&
			  ET_RTF_KIND(in[k]) == ET_RTF_PYTHON))
		k++;
	if (k == n) { /* native only */
		o = n < max ? n : max;
		memcpy(out, in, o * sizeof(*in));
		return o;
	}
	j = k;
	for (int i = 0; i < k && o < max; i++) {
		if (in[i] == ET_UW_MARK_TRUNC || in[i] == ET_UW_MARK_FP) {
			mark = in[i];
			continue;
		}
		if (j >= n || !is_eval(pid, in[i], i > 0)) {
			out[o++] = in[i];
			continue;
		}
		/* this loop's run: up to the frame that entered it */
		while (j < n && o < max) {
			uint64_t f = in[j++];

			out[o++] = f;
			if (f & ET_RTF_ENTRY)
				break;
		}
	}
	while (j < n && o < max)
		out[o++] = in[j++];
	if (mark && o < max)
		out[o++] = mark;
	return o;
}
