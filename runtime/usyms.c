/* User-space symbolization (usyms.h): per process, the file-backed
 * mappings of /proc/PID/maps; per address, the mapping, its file offset,
 * the file's virtual address and the ELF function holding it. A process
 * that is gone resolves nothing, as in bpftrace 0.17 (its executable is
 * checked on every lookup, which also notices a reused pid). The
 * settings of usyms__configure: the mappings kept per process (the
 * default), per program or not at all; names mangled; or no names. */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "perfmap.h"
#include "elf_syms.h"
#include "priv_io.h"
#include "umaps.h"
#include "usyms.h"

#define USYMS_PIDS 64

struct umap {
	uint64_t start, end, pgoff;
	char *path; /* as the process sees it (printed) */
	char *open; /* through /proc/PID/root when its root is another's
		       (a container's mount namespace), else NULL */
	struct elf_syms *es; /* its file, once opened (a reference) */
};

struct uproc {
	int pid;
	char *exe; /* /proc/PID/exe when the maps were read */
	struct umap *maps;
	size_t n;
};

struct usyms {
	struct uproc procs[USYMS_PIDS];
	size_t nprocs, next; /* next: slot to reuse when full */
	bool mangled;        /* config no_cpp_demangle */
	bool numbers;        /* config no_user_symbols */
	bool lines;          /* config stack_lines */
	enum et_usym_cache cache;
};

struct usyms *usyms__new(void)
{
	struct usyms *u = calloc(1, sizeof(struct usyms));

	if (u)
		u->cache = USYM_CACHE_PER_PID;
	return u;
}

/* Without ASLR (randomize_va_space 0), every process of a program has
 * the same layout. */
static bool aslr_off(void)
{
	FILE *f = fopen("/proc/sys/kernel/randomize_va_space", "re");
	int v = 1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 1;
		fclose(f);
	}
	return v == 0;
}

void usyms__configure(struct usyms *u, bool demangle, bool symbols,
		      enum et_usym_cache cache, bool lines)
{
	u->mangled = !demangle;
	u->numbers = !symbols;
	u->lines = lines && symbols;
	/* the line tables come with each file, through the descriptor
	 * that reached it (the helper's, after the privilege drop) */
	elf_syms__want_lines(u->lines);
	if (cache == USYM_CACHE_AUTO)
		cache = aslr_off() ? USYM_CACHE_PER_PROGRAM :
			USYM_CACHE_PER_PID;
	u->cache = cache;
}

static void uproc_clear(struct uproc *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->maps[i].path);
		free(p->maps[i].open);
		elf_syms__close(p->maps[i].es);
	}
	free(p->maps);
	free(p->exe);
	memset(p, 0, sizeof(*p));
}

void usyms__free(struct usyms *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->nprocs; i++)
		uproc_clear(&u->procs[i]);
	free(u);
}

static int uproc_add(struct uproc *p, uint64_t start, uint64_t end,
		     uint64_t pgoff, const char *path, bool other_root)
{
	struct umap *m = realloc(p->maps, (p->n + 1) * sizeof(*m));

	if (!m)
		return -ENOMEM;
	p->maps = m;
	m += p->n;
	m->path = strdup(path);
	m->open = NULL;
	m->es = NULL;
	if (!m->path)
		return -ENOMEM;
	if (other_root && asprintf(&m->open, "/proc/%d/root%s", p->pid,
				   path) < 0) {
		m->open = NULL;
		free(m->path);
		return -ENOMEM;
	}
	m->start = start;
	m->end = end;
	m->pgoff = pgoff;
	p->n++;
	return 0;
}

/* Does pid see another file system than ours (a container's mount
 * namespace, or another root)? Its files are then opened through
 * /proc/PID/root. */
static bool other_root(int pid)
{
	struct stat mine, its;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	if (!stat("/proc/self/ns/mnt", &mine) && !stat(path, &its) &&
	    (mine.st_dev != its.st_dev || mine.st_ino != its.st_ino))
		return true;
	snprintf(path, sizeof(path), "/proc/%d/root/", pid);
	if (stat("/", &mine) || stat(path, &its))
		return false;
	return mine.st_dev != its.st_dev || mine.st_ino != its.st_ino;
}

/* "start-end perms offset dev inode path": file-backed mappings only. */
static void uproc_read(struct uproc *p, int pid)
{
	char line[4096];
	bool other;
	FILE *f;

	p->pid = pid;
	other = other_root(pid);
	f = umaps_open(pid); /* also once the process has exited */
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long s, e, off;
		int path_at = 0;

		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %n", &s, &e, &off,
			   &path_at) < 3 || !path_at || line[path_at] != '/')
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (uproc_add(p, s, e, off, line + path_at, other))
			break;
	}
	if (f)
		fclose(f);
}

/* The executable of a live process into buf; false when it is gone (or
 * a zombie, or a kernel thread). */
static bool proc_exe(int pid, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	n = priv_readlink(link, buf, size - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

/* The kept mappings for pid running exe: its own (per process: unless
 * exe changed; never kept: none), or per program another process's of
 * the same executable (the same layout when ASLR is off). */
static struct uproc *uproc_kept(struct usyms *u, int pid, const char *exe,
				struct uproc **slot)
{
	struct uproc *same = NULL;

	*slot = NULL;
	for (size_t i = 0; i < u->nprocs; i++) {
		struct uproc *q = &u->procs[i];

		if (q->pid == pid)
			*slot = q;
		if (!same && q->exe && !strcmp(q->exe, exe))
			same = q;
	}
	if (u->cache == USYM_CACHE_NONE)
		return NULL;
	if (*slot && (*slot)->exe && !strcmp((*slot)->exe, exe))
		return *slot;
	return u->cache == USYM_CACHE_PER_PROGRAM ? same : NULL;
}

/* The mappings of pid, read on first use and again when its executable
 * changed (config cache_user_symbols: or kept per program, or read at
 * every lookup); for a process that has exited, those umaps captured at
 * its exit (runtime/umaps.c, with -c/-p); NULL when there are none. */
static struct uproc *uproc_get(struct usyms *u, int pid)
{
	char exe[4096];
	struct uproc *p, *kept;

	if (!proc_exe(pid, exe, sizeof(exe)) &&
	    !umaps_exe(pid, exe, sizeof(exe)))
		return NULL;
	kept = uproc_kept(u, pid, exe, &p);
	if (kept)
		return kept;
	if (p) {
		uproc_clear(p);
	} else if (u->nprocs < USYMS_PIDS) {
		p = &u->procs[u->nprocs++];
	} else {
		p = &u->procs[u->next];
		u->next = (u->next + 1) % USYMS_PIDS;
		uproc_clear(p);
	}
	p->exe = strdup(exe);
	uproc_read(p, pid);
	/* pid exited between its exe link and its maps (an empty read: its
	 * memory was gone): the copy umaps.c took at its exit stop, before
	 * that, is there now */
	if (!p->n) {
		char *keep = p->exe;

		p->exe = NULL;
		uproc_clear(p);
		p->exe = keep;
		uproc_read(p, pid);
	}
	return p;
}

static struct umap *umap_find(const struct uproc *p, uint64_t addr)
{
	for (size_t i = 0; i < p->n; i++)
		if (addr >= p->maps[i].start && addr < p->maps[i].end)
			return &p->maps[i];
	return NULL;
}

static int resolve(struct usyms *u, int pid, uint64_t addr, bool offset,
		   char *buf, size_t len, const char **module, bool ra);

/* m's file as the maps name it; else, after the privilege drop (a file
 * only its owner reaches, as under /root), through the process's root,
 * which the privileged helper opens while the process lives. Kept with
 * the mapping once opened: the next frame in it opens nothing (no
 * round trip to the helper), and a process that has exited since still
 * resolves in it. */
static struct elf_syms *map_syms(int pid, struct umap *m)
{
	char path[PATH_MAX + 32];
	struct elf_syms *es;

	if (m && m->es)
		return elf_syms__ref(m->es);
	es = m ? elf_syms__open(m->open ? m->open : m->path) : NULL;
	if (!es && m && !m->open && priv_dropped()) {
		snprintf(path, sizeof(path), "/proc/%d/root%s", pid, m->path);
		es = elf_syms__open(path);
	}
	if (es)
		m->es = elf_syms__ref(es);
	return es;
}

int usyms__resolve(struct usyms *u, int pid, uint64_t addr, bool offset,
		   char *buf, size_t len, const char **module)
{
	return resolve(u, pid, addr, offset, buf, len, module, false);
}

int usyms__resolve_ra(struct usyms *u, int pid, uint64_t addr, bool offset,
		      char *buf, size_t len, const char **module)
{
	if (!resolve(u, pid, addr, offset, buf, len, module, false))
		return 0;
	return resolve(u, pid, addr, offset, buf, len, module, true);
}

/* ra: addr is a return address; the function is the call's, the byte
 * before (a call to a function that does not return can end its
 * caller), the offset still addr's */
static int resolve(struct usyms *u, int pid, uint64_t addr, bool offset,
		   char *buf, size_t len, const char **module, bool ra)
{
	const struct uproc *p = u ? uproc_get(u, pid) : NULL;
	struct umap *m = p ? umap_find(p, addr - ra) : NULL;
	struct elf_syms *es = map_syms(pid, m);
	const struct elf_sym *s = NULL;
	const char *name = NULL, *pmpath = NULL;
	uint64_t vaddr = 0, pmoff = 0;
	char pm[512];

	if (es && !elf_syms__offset_to_vaddr(es, addr - ra - m->start +
							 m->pgoff,
					     &vaddr)) {
		s = elf_syms__lookup(es, vaddr);
		vaddr += ra;
	}
	if (s && u->numbers)
		s = NULL;
	if (s) {
		name = u->mangled ? NULL : elf_syms__demangled(es, s);
		name = name ? name : s->name;
		if (offset)
			snprintf(buf, len, "%s+%" PRIu64, name,
				 vaddr - s->addr);
		else
			snprintf(buf, len, "%s", name);
	} else if (!m && u && !u->numbers &&
		   !perfmap_lookup(pid, addr - ra, pm, sizeof(pm), &pmoff,
				   &pmpath)) {
		/* code no file maps (a JIT): its perf map */
		if (offset)
			snprintf(buf, len, "%s+%" PRIu64, pm, pmoff + ra);
		else
			snprintf(buf, len, "%s", pm);
		if (module)
			*module = pmpath;
		return 0;
	} else {
		snprintf(buf, len, "0x%" PRIx64, addr);
	}
	if (module)
		*module = s ? m->path : NULL;
	elf_syms__close(es);
	return s ? 0 : -ENOENT;
}

int usyms__line(struct usyms *u, int pid, uint64_t addr, bool caller,
		char *buf, size_t len)
{
	const struct uproc *p = u && u->lines ? uproc_get(u, pid) : NULL;
	uint64_t a = caller && addr ? addr - 1 : addr;
	struct umap *m = p ? umap_find(p, a) : NULL;
	struct elf_syms *es = map_syms(pid, m);
	uint64_t vaddr;
	int err = -ENOENT;

	if (es && !elf_syms__offset_to_vaddr(es, a - m->start + m->pgoff,
					     &vaddr))
		err = elf_syms__line(es, vaddr, buf, len) < 0 ? -ENOENT : 0;
	elf_syms__close(es);
	return err;
}
