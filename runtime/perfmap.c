/* Perf maps (perfmap.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "perfmap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "priv_io.h"

#define PROCS 64
#define RECHECK_NS 100000000LL /* stat the file at most every 100 ms */

struct pment {
	uint64_t start, size;
	uint32_t seq; /* line number: the later line wins */
	char *name;
};

struct pmproc {
	int pid; /* 0: free */
	char path[96];
	off_t size;
	struct timespec mtime;
	long long checked; /* CLOCK_MONOTONIC ns of the last stat */
	struct pment *e;
	size_t n;
	char *names; /* the names, one block */
	unsigned use; /* for eviction */
};

static struct pmproc procs[PROCS];
static unsigned uses;

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* pid as its own pid namespace numbers it (NSpid's last field) */
static int ns_pid(int pid)
{
	char path[64], line[256];
	int ns = pid;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = priv_fopen(path);
	if (!f)
		return pid;
	while (fgets(line, sizeof(line), f)) {
		char *p, *end;

		if (strncmp(line, "NSpid:", 6))
			continue;
		for (p = line + 6;; p = end) {
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			ns = (int)v;
		}
		break;
	}
	fclose(f);
	return ns;
}

static void drop(struct pmproc *p)
{
	free(p->e);
	free(p->names);
	p->e = NULL;
	p->names = NULL;
	p->n = 0;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct pment *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void load(struct pmproc *p)
{
	/* another user's process's, through the privileged helper after
	 * the privilege drop (priv_io.h) */
	FILE *f = priv_fopen(p->path);
	size_t cap = 0, ncap = 0, nlen = 0, *offs = NULL;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t l;

	drop(p);
	if (!f)
		return;
	while ((l = getline(&line, &lcap, f)) > 0) {
		uint64_t start, size;
		int pos = 0;

		if (sscanf(line, "%" SCNx64 " %" SCNx64 " %n", &start, &size,
			   &pos) < 2 ||
		    !pos)
			continue;
		line[strcspn(line, "\n")] = 0;
		size_t len = strlen(line + pos) + 1;

		if (p->n == cap) {
			size_t c = cap ? cap * 2 : 1024;
			struct pment *e = realloc(p->e, c * sizeof(*e));
			size_t *o = realloc(offs, c * sizeof(*o));

			if (!e || !o) {
				free(e ? e : p->e);
				free(o ? o : offs);
				p->e = NULL;
				offs = NULL;
				p->n = 0;
				break;
			}
			p->e = e;
			offs = o;
			cap = c;
		}
		if (nlen + len > ncap) {
			size_t c = ncap ? ncap * 2 : 65536;
			char *nb;

			while (c < nlen + len)
				c *= 2;
			nb = realloc(p->names, c);
			if (!nb)
				break;
			p->names = nb;
			ncap = c;
		}
		memcpy(p->names + nlen, line + pos, len);
		offs[p->n] = nlen;
		nlen += len;
		p->e[p->n] = (struct pment){start, size, (uint32_t)p->n, NULL};
		p->n++;
	}
	free(line);
	fclose(f);
	/* names point into the block now that it moves no more */
	for (size_t i = 0; i < p->n; i++)
		p->e[i].name = p->names + offs[p->e[i].seq];
	free(offs);
	qsort(p->e, p->n, sizeof(*p->e), cmp_ent);
}

static struct pmproc *proc_of(int pid)
{
	struct pmproc *p = NULL, *old = &procs[0];
	struct stat st;
	long long t = now_ns();

	for (int i = 0; i < PROCS && !p; i++)
		if (procs[i].pid == pid)
			p = &procs[i];
	if (!p) {
		for (int i = 0; i < PROCS; i++)
			if (procs[i].use < old->use)
				old = &procs[i];
		p = old;
		drop(p);
		memset(p, 0, sizeof(*p));
		p->pid = pid;
		snprintf(p->path, sizeof(p->path), "/proc/%d/root/tmp/perf-%d.map",
			 pid, ns_pid(pid));
		p->checked = -RECHECK_NS;
	}
	p->use = ++uses;
	if (t - p->checked < RECHECK_NS)
		return p;
	p->checked = t;
	if (priv_stat(p->path, &st)) {
		drop(p);
		p->size = 0;
		return p;
	}
	if (st.st_size != p->size || st.st_mtim.tv_sec != p->mtime.tv_sec ||
	    st.st_mtim.tv_nsec != p->mtime.tv_nsec) {
		p->size = st.st_size;
		p->mtime = st.st_mtim;
		load(p);
	}
	return p;
}

int perfmap_lookup(int pid, uint64_t addr, char *name, size_t len,
		   uint64_t *off, const char **path)
{
	struct pmproc *p = pid > 0 ? proc_of(pid) : NULL;
	const struct pment *best = NULL;
	size_t lo = 0, hi;

	if (!p || !p->n)
		return -ENOENT;
	/* the last entry starting at or before addr */
	hi = p->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->e[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* of those just before that hold addr, the latest written */
	for (size_t i = lo, k = 0; i > 0 && k < 64; i--, k++) {
		const struct pment *e = &p->e[i - 1];

		if (addr - e->start < e->size && (!best || e->seq > best->seq))
			best = e;
	}
	if (!best)
		return -ENOENT;
	snprintf(name, len, "%s", best->name);
	if (off)
		*off = addr - best->start;
	if (path)
		*path = p->path;
	return 0;
}

void perfmap_reset(void)
{
	for (int i = 0; i < PROCS; i++) {
		drop(&procs[i]);
		memset(&procs[i], 0, sizeof(procs[i]));
	}
	uses = 0;
}
