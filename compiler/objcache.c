/* objcache.c: the on-disk cache of compiled BPF objects (objcache.h):
 * where it lives and who may own it, the entry file format, lookup,
 * atomic store, LRU eviction, and the build identity of the running
 * binary that goes into every key.
 *
 * An entry file is a header, the key, then the object:
 *   magic "ETOBJC\r\n", u32 format version, u32 zero, u64 key length,
 *   u64 object length, u64 FNV-1a of the object (host byte order: the
 *   key holds the build identity, so a file never meets another host).
 * The file size must be exactly the sum, the key must equal the asked one
 * and the object its checksum, or the entry is a miss. */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include "objcache.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <link.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "ETOBJC\r\n"
#define FORMAT_VERSION 1
/* Temporary files of a store; ones this old were left by a crash. */
#define TMP_PREFIX ".tmp."
#define TMP_STALE_SEC 3600

struct header {
	char magic[8];
	uint32_t version;
	uint32_t zero;
	uint64_t keylen;
	uint64_t objlen;
	uint64_t objsum;
};

static void note(struct objcache *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct objcache *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->note, sizeof(c->note), fmt, ap);
	va_end(ap);
}

uint64_t objcache_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

void objcache_entry_name(const void *key, size_t keylen,
			 char name[OBJCACHE_NAME_SIZE])
{
	snprintf(name, OBJCACHE_NAME_SIZE, "%016" PRIx64 OBJCACHE_SUFFIX,
		 objcache_hash(key, keylen));
}

void objcache_init_off(struct objcache *c, const char *why)
{
	c->dirfd = -1;
	c->miss = 0;
	c->max_entries = OBJCACHE_MAX_ENTRIES;
	c->max_bytes = OBJCACHE_MAX_BYTES;
	note(c, "BPF object cache off: %s", why);
}

/* ---- the directory ---- */

/* The default directory in buf, or NULL with *why set. */
static const char *default_dir(char *buf, size_t size, const char **why)
{
	const char *s = getenv("ETRACE_CACHE_DIR");

	if (s) {
		*why = "ETRACE_CACHE_DIR is empty";
		return *s ? s : NULL;
	}
	if (geteuid() == 0)
		return "/var/cache/etrace";
	s = getenv("XDG_CACHE_HOME");
	if (s && *s == '/') {
		snprintf(buf, size, "%s/etrace", s);
		return buf;
	}
	s = getenv("HOME");
	if (s && *s) {
		snprintf(buf, size, "%s/.cache/etrace", s);
		return buf;
	}
	*why = "no HOME to keep it in";
	return NULL;
}

/* mkdir -p with mode 0700 for the directories it creates. */
static int make_dirs(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1, end; ; p++) {
		if (*p != '/' && *p)
			continue;
		end = *p;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		if (!end)
			return 0;
		*p = '/';
	}
}

/* The directory must be ours alone: root loads what is in it. */
static bool check_dir(struct objcache *c, int fd, const char *dir)
{
	struct stat st;

	if (fstat(fd, &st)) {
		note(c, "BPF object cache off: %s: %s", dir, strerror(errno));
		return false;
	}
	if (st.st_uid != geteuid()) {
		note(c, "BPF object cache off: %s is owned by uid %u, not %u",
		     dir, (unsigned)st.st_uid, (unsigned)geteuid());
		return false;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		note(c, "BPF object cache off: %s is writable by group or "
		     "others (mode %03o)", dir, (unsigned)st.st_mode & 0777);
		return false;
	}
	return true;
}

bool objcache__open(struct objcache *c, const char *dir)
{
	const char *why = NULL;
	char buf[4096];
	int fd, err;

	objcache_init_off(c, "not opened");
	if (!dir)
		dir = default_dir(buf, sizeof(buf), &why);
	if (!dir) {
		note(c, "BPF object cache off: %s", why);
		return false;
	}
	err = make_dirs(dir);
	if (err) {
		note(c, "BPF object cache off: cannot create %s: %s", dir,
		     strerror(-err));
		return false;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		note(c, "BPF object cache off: %s: %s", dir, strerror(errno));
		return false;
	}
	if (!check_dir(c, fd, dir)) {
		close(fd);
		return false;
	}
	c->dirfd = fd;
	note(c, "BPF object cache in %s", dir);
	return true;
}

void objcache__close(struct objcache *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);
	c->dirfd = -1;
}

/* ---- lookup ---- */

static int read_all(int fd, void *buf, size_t n)
{
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = pread(fd, (char *)buf + done, n - done, (off_t)done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EBADMSG;
		done += (size_t)r;
	}
	return 0;
}

/* Opens an entry for reading: a regular file of ours, not writable by
 * others; its size in *size. */
static int open_entry(struct objcache *c, const char *name, size_t *size)
{
	struct stat st;
	int fd;

	fd = openat(c->dirfd, name,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP ? -EPERM : -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return -EPERM;
	}
	if ((uint64_t)st.st_size > c->max_bytes) { /* not one we stored */
		close(fd);
		return -EFBIG;
	}
	*size = (size_t)st.st_size;
	return fd;
}

/* The object of a whole entry file in buf, when its key is key. */
static int check_entry(const unsigned char *buf, size_t size,
		       const void *key, size_t keylen, void **obj,
		       size_t *len)
{
	struct header h;

	if (size < sizeof(h))
		return -EBADMSG;
	memcpy(&h, buf, sizeof(h));
	if (memcmp(h.magic, MAGIC, sizeof(h.magic)) ||
	    h.version != FORMAT_VERSION || h.zero ||
	    h.keylen > size || h.objlen > size ||
	    sizeof(h) + h.keylen + h.objlen != size)
		return -EBADMSG;
	if (h.keylen != keylen || memcmp(buf + sizeof(h), key, keylen))
		return -ESTALE;
	buf += sizeof(h) + keylen;
	if (objcache_hash(buf, h.objlen) != h.objsum || !h.objlen)
		return -EBADMSG;
	*obj = malloc(h.objlen);
	if (!*obj)
		return -ENOMEM;
	memcpy(*obj, buf, h.objlen);
	*len = h.objlen;
	return 0;
}

static const char *miss_reason(int err)
{
	switch (err) {
	case -ENOENT: return "no entry";
	case -ESTALE: return "another key under the same hash";
	case -EBADMSG: return "damaged entry";
	case -EPERM: return "entry not owned by us alone";
	default: return strerror(-err);
	}
}

int objcache_lookup(struct objcache *c, const void *key, size_t keylen,
		    void **obj, size_t *len)
{
	char name[OBJCACHE_NAME_SIZE];
	unsigned char *buf = NULL;
	size_t size = 0;
	int fd, err;

	if (c->dirfd < 0)
		return -ENOENT;
	objcache_entry_name(key, keylen, name);
	fd = open_entry(c, name, &size);
	if (fd < 0) {
		err = fd;
		goto out;
	}
	buf = malloc(size ? size : 1);
	err = buf ? read_all(fd, buf, size) : -ENOMEM;
	if (!err)
		err = check_entry(buf, size, key, keylen, obj, len);
	if (!err)
		futimens(fd, NULL); /* most recently used */
	close(fd);
	free(buf);
out:
	c->miss = err;
	if (err)
		note(c, "BPF object not in cache (%.16s): %s", name,
		     miss_reason(err));
	else
		note(c, "BPF object from cache (%.16s)", name);
	return err;
}

/* ---- store and eviction ---- */

static int write_entry(int fd, const void *key, size_t keylen,
		       const void *obj, size_t len)
{
	struct header h = {.version = FORMAT_VERSION, .keylen = keylen,
			   .objlen = len, .objsum = objcache_hash(obj, len)};
	struct iovec iov[3] = {
	    {.iov_base = &h, .iov_len = sizeof(h)},
	    {.iov_base = (void *)key, .iov_len = keylen},
	    {.iov_base = (void *)obj, .iov_len = len},
	};
	size_t want = sizeof(h) + keylen + len;
	ssize_t n;

	memcpy(h.magic, MAGIC, sizeof(h.magic));
	/* a short write to a regular file means a full disk: a miss */
	n = writev(fd, iov, 3);
	if (n < 0)
		return -errno;
	return (size_t)n == want ? 0 : -ENOSPC;
}

struct entry {
	char name[OBJCACHE_NAME_SIZE];
	struct timespec mtime;
	uint64_t size;
};

static bool entry_name(const char *s)
{
	size_t n = strlen(s);

	if (n != 16 + strlen(OBJCACHE_SUFFIX) ||
	    strcmp(s + 16, OBJCACHE_SUFFIX))
		return false;
	for (int i = 0; i < 16; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

static int older(const void *a, const void *b)
{
	const struct timespec *x = &((const struct entry *)a)->mtime;
	const struct timespec *y = &((const struct entry *)b)->mtime;

	if (x->tv_sec != y->tv_sec)
		return x->tv_sec < y->tv_sec ? -1 : 1;
	if (x->tv_nsec != y->tv_nsec)
		return x->tv_nsec < y->tv_nsec ? -1 : 1;
	return 0;
}

/* Appends an entry file (or removes a stale temporary file). */
static int scan_one(struct objcache *c, const char *name, struct entry **v,
		    size_t *n, size_t *cap)
{
	struct stat st;

	if (fstatat(c->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) ||
	    !S_ISREG(st.st_mode))
		return 0;
	if (!strncmp(name, TMP_PREFIX, strlen(TMP_PREFIX))) {
		if (time(NULL) - st.st_mtime > TMP_STALE_SEC)
			unlinkat(c->dirfd, name, 0);
		return 0;
	}
	if (!entry_name(name))
		return 0;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct entry *nv = realloc(*v, nc * sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = nc;
	}
	snprintf((*v)[*n].name, OBJCACHE_NAME_SIZE, "%s", name);
	(*v)[*n].mtime = st.st_mtim;
	(*v)[(*n)++].size = (uint64_t)st.st_size;
	return 0;
}

/* The entries of the directory, in *v (malloc'ed). */
static int scan(struct objcache *c, struct entry **v, size_t *n)
{
	size_t cap = 0;
	struct dirent *d;
	int fd = dup(c->dirfd), err = 0;
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;

	*v = NULL;
	*n = 0;
	if (!dir) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	rewinddir(dir);
	while (!err && (d = readdir(dir)))
		err = scan_one(c, d->d_name, v, n, &cap);
	closedir(dir);
	return err;
}

/* Removes least recently used entries until both bounds hold. Entries
 * that others remove meanwhile (a concurrent etrace) count as gone. */
static int evict(struct objcache *c)
{
	struct entry *v;
	uint64_t bytes = 0;
	size_t n, i;
	int err = scan(c, &v, &n);

	if (err)
		return err;
	for (i = 0; i < n; i++)
		bytes += v[i].size;
	qsort(v, n, sizeof(*v), older);
	for (i = 0; i < n && (n - i > c->max_entries ||
			      bytes > c->max_bytes); i++) {
		unlinkat(c->dirfd, v[i].name, 0);
		bytes -= v[i].size;
	}
	free(v);
	return 0;
}

static int store(struct objcache *c, const char *name, const void *key,
		 size_t keylen, const void *obj, size_t len)
{
	static unsigned seq;
	char tmp[64];
	int fd, err;

	snprintf(tmp, sizeof(tmp), TMP_PREFIX "%d.%u.%ld", (int)getpid(),
		 seq++, (long)time(NULL));
	fd = openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600);
	if (fd < 0)
		return -errno;
	err = write_entry(fd, key, keylen, obj, len);
	if (close(fd) && !err)
		err = -errno;
	if (!err && renameat(c->dirfd, tmp, c->dirfd, name))
		err = -errno;
	if (err)
		unlinkat(c->dirfd, tmp, 0);
	return err;
}

int objcache_store(struct objcache *c, const void *key, size_t keylen,
		   const void *obj, size_t len)
{
	char name[OBJCACHE_NAME_SIZE];
	int err;

	if (c->dirfd < 0)
		return -EBADF;
	objcache_entry_name(key, keylen, name);
	if (sizeof(struct header) + keylen + len > c->max_bytes)
		err = -EFBIG;
	else
		err = store(c, name, key, keylen, obj, len);
	if (!err)
		err = evict(c);
	if (err)
		note(c, "BPF object compiled, not cached (%.16s): %s", name,
		     strerror(-err));
	else if (c->miss && c->miss != -ENOENT)
		note(c, "BPF object compiled and cached (%.16s), replacing "
		     "what the cache had: %s", name, miss_reason(c->miss));
	else
		note(c, "BPF object compiled and cached (%.16s)", name);
	return err;
}

/* ---- the identity of this binary ---- */

struct build_id {
	char hex[2 * 64 + 1];
};

/* The NT_GNU_BUILD_ID note in one PT_NOTE segment, as hex. */
static bool note_build_id(const char *p, size_t size, size_t align,
			  struct build_id *id)
{
	while (size >= sizeof(ElfW(Nhdr))) {
		const ElfW(Nhdr) *nh = (const void *)p;
		size_t name = (nh->n_namesz + align - 1) & ~(align - 1);
		size_t desc = (nh->n_descsz + align - 1) & ~(align - 1);
		size_t step = sizeof(*nh) + name + desc;
		const unsigned char *d = (const void *)(p + sizeof(*nh) + name);

		if (step > size)
			return false;
		if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
		    !memcmp(p + sizeof(*nh), "GNU", 4) && nh->n_descsz &&
		    nh->n_descsz <= 64) {
			for (size_t i = 0; i < nh->n_descsz; i++)
				sprintf(id->hex + 2 * i, "%02x", d[i]);
			return true;
		}
		p += step;
		size -= step;
	}
	return false;
}

/* dl_iterate_phdr visits the main program first. */
static int phdr_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_NOTE)
			continue;
		if (note_build_id((const char *)(info->dlpi_addr + ph->p_vaddr),
				  ph->p_memsz, ph->p_align == 8 ? 8 : 4, arg))
			return 1;
	}
	return -1; /* the main program has none: stop anyway */
}

int objcache_self_id(char *buf, size_t size)
{
	struct build_id id = {{0}};
	struct stat st;
	int n;

	if (dl_iterate_phdr(phdr_cb, &id) == 1)
		n = snprintf(buf, size, "etrace %s\nbuild-id %s\n",
			     ETRACE_VERSION, id.hex);
	else if (stat("/proc/self/exe", &st) == 0)
		n = snprintf(buf, size, "etrace %s\nexe %lld %lld.%09ld\n",
			     ETRACE_VERSION, (long long)st.st_size,
			     (long long)st.st_mtim.tv_sec,
			     st.st_mtim.tv_nsec);
	else
		return -errno;
	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}
