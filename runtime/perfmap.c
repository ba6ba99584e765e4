/* perf maps of JIT code (perfmap.h): one file kept, its entries sorted
 * by start address, looked up by binary search. */
#include "perfmap.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct pm_entry {
	uint64_t start, size;
	char *name;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int pid;
	struct stat st; /* of the file when read */
	struct pm_entry *e;
	size_t n;
} kept;

static void forget(void)
{
	for (size_t i = 0; i < kept.n; i++)
		free(kept.e[i].name);
	free(kept.e);
	memset(&kept, 0, sizeof(kept));
}

/* pid's id in its innermost PID namespace (the last of NSpid). */
static int ns_pid(int pid)
{
	char path[64], line[256];
	int id = pid;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *p = line + 6, *end;

		if (strncmp(line, "NSpid:", 6))
			continue;
		for (long v; (v = strtol(p, &end, 10)), end != p; p = end)
			id = (int)v;
	}
	if (f)
		fclose(f);
	return id;
}

static int cmp(const void *a, const void *b)
{
	const struct pm_entry *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int load(int pid, const char *path, const struct stat *st)
{
	FILE *f = fopen(path, "re");
	char line[4096];
	size_t cap = 0;

	forget();
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, size;
		int at = 0;

		if (sscanf(line, "%" SCNx64 " %" SCNx64 " %n", &start, &size,
			   &at) < 2 ||
		    !at || !size)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (kept.n == cap) {
			size_t c = cap ? cap * 2 : 64;
			struct pm_entry *e = realloc(kept.e, c * sizeof(*e));

			if (!e)
				break;
			kept.e = e;
			cap = c;
		}
		kept.e[kept.n].start = start;
		kept.e[kept.n].size = size;
		kept.e[kept.n].name = strdup(line + at);
		if (!kept.e[kept.n].name)
			break;
		kept.n++;
	}
	fclose(f);
	qsort(kept.e, kept.n, sizeof(*kept.e), cmp);
	kept.pid = pid;
	kept.st = *st;
	return 0;
}

/* the last entry starting at or below addr, if it holds addr (a JIT
 * that reuses its code's memory appends the new entry: later lines win
 * among equal starts, qsort keeping no order, the search takes any) */
static const struct pm_entry *find(uint64_t addr)
{
	size_t lo = 0, hi = kept.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (kept.e[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || addr - kept.e[lo - 1].start >= kept.e[lo - 1].size)
		return NULL;
	return &kept.e[lo - 1];
}

int perfmap_lookup(int pid, uint64_t addr, char *buf, size_t size,
		   uint64_t *off)
{
	char path[128];
	const struct pm_entry *e;
	struct stat st;
	int err = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/root/tmp/perf-%d.map", pid,
		 ns_pid(pid));
	pthread_mutex_lock(&lock);
	if (stat(path, &st)) {
		err = -ENODATA;
		if (kept.pid != pid)
			goto out;
		err = -ENOENT;
		st = kept.st; /* gone with its process: what was read */
	} else if (kept.pid != pid || st.st_ino != kept.st.st_ino ||
		   st.st_size != kept.st.st_size ||
		   st.st_mtim.tv_nsec != kept.st.st_mtim.tv_nsec ||
		   st.st_mtime != kept.st.st_mtime) {
		if (load(pid, path, &st))
			goto out;
	}
	e = find(addr);
	if (e) {
		snprintf(buf, size, "%s", e->name);
		*off = addr - e->start;
		err = 0;
	}
out:
	pthread_mutex_unlock(&lock);
	return err;
}

void perfmap_reset(void)
{
	pthread_mutex_lock(&lock);
	forget();
	pthread_mutex_unlock(&lock);
}
