/* Unit tests: the compiled-object cache (compiler/objcache.c): hits,
 * misses on a key collision, a truncated or corrupt entry, a directory
 * or entry that is not ours alone, LRU eviction by count and by size,
 * the default location and the build identity. Each test works in a
 * fresh directory under /tmp. */
#define _GNU_SOURCE
#include "unit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "objcache.h"

static char dir[64];

static void fresh_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/etrace-objcache.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
}

static void rm_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static void open_fresh(struct objcache *c)
{
	fresh_dir();
	CU_ASSERT_TRUE_FATAL(objcache__open(c, dir));
	CU_ASSERT(c->dirfd >= 0);
}

static void close_rm(struct objcache *c)
{
	objcache__close(c);
	rm_dir();
}

/* The entry file of key (a static buffer: one at a time). */
static char *path_of(const char *key)
{
	static char p[128];
	char name[OBJCACHE_NAME_SIZE];

	objcache_entry_name(key, strlen(key), name);
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static int put(struct objcache *c, const char *key, const char *obj)
{
	return objcache_store(c, key, strlen(key), obj, strlen(obj));
}

/* lookup of key; on a hit the object must be want */
static int get(struct objcache *c, const char *key, const char *want)
{
	void *obj = NULL;
	size_t len = 0;
	int err = objcache_lookup(c, key, strlen(key), &obj, &len);

	if (!err) {
		CU_ASSERT_PTR_NOT_NULL(want);
		if (want) {
			CU_ASSERT_EQUAL(len, strlen(want));
			CU_ASSERT(len == strlen(want) &&
				  !memcmp(obj, want, len));
		}
	}
	free(obj);
	return err;
}

static int count_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' || strncmp(e->d_name, ".tmp", 4) == 0;
	closedir(d);
	return n;
}

static void test_hash(void)
{
	char name[OBJCACHE_NAME_SIZE];

	/* the published FNV-1a 64 test vectors */
	CU_ASSERT_EQUAL(objcache_hash("", 0), 0xcbf29ce484222325ull);
	CU_ASSERT_EQUAL(objcache_hash("a", 1), 0xaf63dc4c8601ec8cull);
	CU_ASSERT_EQUAL(objcache_hash("foobar", 6), 0x85944171f73967e8ull);
	objcache_entry_name("a", 1, name);
	CU_ASSERT_STRING_EQUAL(name, "af63dc4c8601ec8c.eto");
}

static void test_store_lookup(void)
{
	struct objcache c;

	open_fresh(&c);
	CU_ASSERT_EQUAL(get(&c, "key one", NULL), -ENOENT);
	CU_ASSERT(strstr(c.note, "not in cache") != NULL);
	CU_ASSERT_EQUAL(put(&c, "key one", "object one"), 0);
	CU_ASSERT(strstr(c.note, "compiled and cached") != NULL);
	CU_ASSERT_EQUAL(put(&c, "key two", "object two!"), 0);
	CU_ASSERT_EQUAL(get(&c, "key one", "object one"), 0);
	CU_ASSERT(strstr(c.note, "from cache (") != NULL);
	CU_ASSERT_EQUAL(get(&c, "key two", "object two!"), 0);
	/* a new store of a key replaces its entry */
	CU_ASSERT_EQUAL(put(&c, "key one", "object 1 again"), 0);
	CU_ASSERT_EQUAL(get(&c, "key one", "object 1 again"), 0);
	CU_ASSERT_EQUAL(count_files(), 2); /* no temporary file left */
	close_rm(&c);
}

/* Binary keys with NULs and a key that is a prefix of another. */
static void test_binary_keys(void)
{
	static const char k1[] = {'a', 0, 'b'}, k2[] = {'a', 0, 'c'};
	struct objcache c;
	void *obj = NULL;
	size_t len;

	open_fresh(&c);
	CU_ASSERT_EQUAL(objcache_store(&c, k1, 3, "x1", 2), 0);
	CU_ASSERT_EQUAL(objcache_store(&c, k2, 3, "x2", 2), 0);
	CU_ASSERT_EQUAL(objcache_lookup(&c, k2, 3, &obj, &len), 0);
	CU_ASSERT(obj && len == 2 && !memcmp(obj, "x2", 2));
	free(obj);
	CU_ASSERT_NOT_EQUAL(objcache_lookup(&c, k1, 2, &obj, &len), 0);
	close_rm(&c);
}

/* Another key stored under this key's hash (a collision) is a miss. */
static void test_collision(void)
{
	struct objcache c;
	char other[128];

	open_fresh(&c);
	CU_ASSERT_EQUAL(put(&c, "key B", "object B"), 0);
	snprintf(other, sizeof(other), "%s", path_of("key B"));
	CU_ASSERT_EQUAL(rename(other, path_of("key A")), 0);
	CU_ASSERT_EQUAL(get(&c, "key A", NULL), -ESTALE);
	CU_ASSERT(strstr(c.note, "same hash") != NULL);
	/* the same length, one byte apart */
	snprintf(other, sizeof(other), "%s", path_of("key A"));
	CU_ASSERT_EQUAL(rename(other, path_of("key C")), 0);
	CU_ASSERT_EQUAL(get(&c, "key C", NULL), -ESTALE);
	CU_ASSERT_EQUAL(get(&c, "key B", NULL), -ENOENT);
	close_rm(&c);
}

static void patch_byte(const char *path, long off, int whence)
{
	FILE *f = fopen(path, "r+");
	int ch;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fseek(f, off, whence);
	ch = fgetc(f);
	fseek(f, off, whence);
	fputc(ch ^ 0x40, f);
	fclose(f);
}

static void test_truncated(void)
{
	struct objcache c;
	struct stat st;
	const char *p;

	open_fresh(&c);
	CU_ASSERT_EQUAL(put(&c, "key", "the object"), 0);
	p = path_of("key");
	CU_ASSERT_EQUAL_FATAL(stat(p, &st), 0);
	CU_ASSERT_EQUAL(truncate(p, st.st_size - 1), 0);
	CU_ASSERT_EQUAL(get(&c, "key", NULL), -EBADMSG);
	CU_ASSERT(strstr(c.note, "damaged") != NULL);
	CU_ASSERT_EQUAL(truncate(p, 20), 0); /* inside the header */
	CU_ASSERT_EQUAL(get(&c, "key", NULL), -EBADMSG);
	CU_ASSERT_EQUAL(truncate(p, 0), 0);
	CU_ASSERT_EQUAL(get(&c, "key", NULL), -EBADMSG);
	/* a longer file is damaged too */
	CU_ASSERT_EQUAL(put(&c, "key", "the object"), 0);
	CU_ASSERT_EQUAL(truncate(p, st.st_size + 1), 0);
	CU_ASSERT_EQUAL(get(&c, "key", NULL), -EBADMSG);
	/* and storing again repairs it, saying so */
	CU_ASSERT_EQUAL(put(&c, "key", "the object"), 0);
	CU_ASSERT(strstr(c.note, "replacing what the cache had: damaged "
			 "entry") != NULL);
	CU_ASSERT_EQUAL(get(&c, "key", "the object"), 0);
	close_rm(&c);
}

static void test_corrupt(void)
{
	struct objcache c;

	open_fresh(&c);
	CU_ASSERT_EQUAL(put(&c, "key", "the object"), 0);
	patch_byte(path_of("key"), -1, SEEK_END); /* in the object */
	CU_ASSERT_EQUAL(get(&c, "key", NULL), -EBADMSG);
	CU_ASSERT_EQUAL(put(&c, "key", "the object"), 0);
	patch_byte(path_of("key"), -12, SEEK_END); /* in the key */
	CU_ASSERT_EQUAL(get(&c, "key", NULL), -ESTALE);
	CU_ASSERT_EQUAL(put(&c, "key", "the object"), 0);
	patch_byte(path_of("key"), 0, SEEK_SET); /* the magic */
	CU_ASSERT_EQUAL(get(&c, "key", NULL), -EBADMSG);
	CU_ASSERT_EQUAL(put(&c, "key", "the object"), 0);
	patch_byte(path_of("key"), 8, SEEK_SET); /* the format version */
	CU_ASSERT_EQUAL(get(&c, "key", NULL), -EBADMSG);
	CU_ASSERT_EQUAL(put(&c, "key", "the object"), 0);
	patch_byte(path_of("key"), 16, SEEK_SET); /* the key length */
	CU_ASSERT_EQUAL(get(&c, "key", NULL), -EBADMSG);
	close_rm(&c);
}

static void test_dir_permissions(void)
{
	struct objcache c;

	fresh_dir();
	CU_ASSERT_EQUAL(chmod(dir, 0777), 0);
	CU_ASSERT_FALSE(objcache__open(&c, dir));
	CU_ASSERT_EQUAL(c.dirfd, -1);
	CU_ASSERT(strstr(c.note, "writable by group or others") != NULL);
	CU_ASSERT_EQUAL(put(&c, "key", "obj"), -EBADF);
	CU_ASSERT_EQUAL(get(&c, "key", NULL), -ENOENT);
	objcache__close(&c);
	CU_ASSERT_EQUAL(chmod(dir, 0720), 0);
	CU_ASSERT_FALSE(objcache__open(&c, dir));
	objcache__close(&c);
	CU_ASSERT_EQUAL(chmod(dir, 0755), 0); /* readable is fine */
	CU_ASSERT_TRUE(objcache__open(&c, dir));
	objcache__close(&c);
	if (geteuid() == 0) {
		CU_ASSERT_EQUAL(chown(dir, 65534, 65534), 0);
		CU_ASSERT_FALSE(objcache__open(&c, dir));
		CU_ASSERT(strstr(c.note, "owned by uid 65534") != NULL);
		objcache__close(&c);
	}
	rm_dir();
}

/* A symlink as the directory, or as an entry, is refused. */
static void test_symlinks(void)
{
	struct objcache c;
	char link[128];

	open_fresh(&c);
	snprintf(link, sizeof(link), "%s/link", dir);
	CU_ASSERT_EQUAL(symlink(dir, link), 0);
	{
		struct objcache l;

		CU_ASSERT_FALSE(objcache__open(&l, link));
		objcache__close(&l);
	}
	CU_ASSERT_EQUAL(put(&c, "target", "obj"), 0);
	snprintf(link, sizeof(link), "%s", path_of("target"));
	CU_ASSERT_EQUAL(symlink(link, path_of("key")), 0);
	CU_ASSERT_EQUAL(get(&c, "key", NULL), -EPERM);
	close_rm(&c);
}

/* Entries must be ours and not writable by others. */
static void test_entry_owner(void)
{
	struct objcache c;

	open_fresh(&c);
	CU_ASSERT_EQUAL(put(&c, "key", "obj"), 0);
	CU_ASSERT_EQUAL(chmod(path_of("key"), 0622), 0);
	CU_ASSERT_EQUAL(get(&c, "key", NULL), -EPERM);
	CU_ASSERT_EQUAL(chmod(path_of("key"), 0644), 0);
	CU_ASSERT_EQUAL(get(&c, "key", "obj"), 0);
	if (geteuid() == 0) {
		CU_ASSERT_EQUAL(chown(path_of("key"), 65534, 65534), 0);
		CU_ASSERT_EQUAL(get(&c, "key", NULL), -EPERM);
		CU_ASSERT(strstr(c.note, "not owned") != NULL);
	}
	close_rm(&c);
}

static void set_age(const char *key, time_t age)
{
	struct timespec t[2] = {{time(NULL) - age, 0}, {time(NULL) - age, 0}};

	CU_ASSERT_EQUAL(utimensat(AT_FDCWD, path_of(key), t, 0), 0);
}

/* At most max_entries: the least recently used go, and a hit counts as a
 * use. */
static void test_evict_count(void)
{
	static const char *keys[] = {"k0", "k1", "k2", "k3"};
	struct objcache c;

	open_fresh(&c);
	c.max_entries = 3;
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(put(&c, keys[i], "obj"), 0);
		set_age(keys[i], 100 - i); /* k0 oldest */
	}
	CU_ASSERT_EQUAL(get(&c, "k0", "obj"), 0); /* now the newest */
	CU_ASSERT_EQUAL(put(&c, "k3", "obj"), 0);
	CU_ASSERT_EQUAL(count_files(), 3);
	CU_ASSERT_EQUAL(get(&c, "k1", NULL), -ENOENT);
	CU_ASSERT_EQUAL(get(&c, "k0", "obj"), 0);
	CU_ASSERT_EQUAL(get(&c, "k2", "obj"), 0);
	CU_ASSERT_EQUAL(get(&c, "k3", "obj"), 0);
	close_rm(&c);
}

/* At most max_bytes in all; an object above the bound is not stored. */
static void test_evict_bytes(void)
{
	char big[1000];
	struct objcache c;
	struct stat st;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	open_fresh(&c);
	CU_ASSERT_EQUAL(put(&c, "a", big), 0);
	CU_ASSERT_EQUAL_FATAL(stat(path_of("a"), &st), 0);
	c.max_bytes = (uint64_t)st.st_size * 2; /* room for two */
	set_age("a", 50);
	CU_ASSERT_EQUAL(put(&c, "b", big), 0);
	set_age("b", 40);
	CU_ASSERT_EQUAL(count_files(), 2);
	CU_ASSERT_EQUAL(put(&c, "c", big), 0);
	CU_ASSERT_EQUAL(count_files(), 2);
	CU_ASSERT_EQUAL(get(&c, "a", NULL), -ENOENT);
	CU_ASSERT_EQUAL(get(&c, "c", big), 0);
	c.max_bytes = 100;
	CU_ASSERT_EQUAL(get(&c, "c", NULL), -EFBIG); /* not read at all */
	CU_ASSERT_EQUAL(put(&c, "d", big), -EFBIG);
	CU_ASSERT(strstr(c.note, "not cached") != NULL);
	CU_ASSERT_EQUAL(get(&c, "d", NULL), -ENOENT);
	close_rm(&c);
}

/* Temporary files of crashed stores go when old; other files stay. */
static void test_stale_tmp(void)
{
	struct objcache c;
	char p[128];
	struct timespec old[2] = {{time(NULL) - 7200, 0},
				  {time(NULL) - 7200, 0}};
	FILE *f;

	open_fresh(&c);
	snprintf(p, sizeof(p), "%s/.tmp.1.2.3", dir);
	f = fopen(p, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	CU_ASSERT_EQUAL(put(&c, "k", "obj"), 0);
	CU_ASSERT_EQUAL(access(p, F_OK), 0); /* a store in progress */
	CU_ASSERT_EQUAL(utimensat(AT_FDCWD, p, old, 0), 0);
	snprintf(p + strlen(dir), sizeof(p) - strlen(dir), "/README");
	f = fopen(p, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	CU_ASSERT_EQUAL(put(&c, "k2", "obj"), 0);
	CU_ASSERT_EQUAL(count_files(), 3); /* k, k2, README */
	close_rm(&c);
}

static void test_default_dir(void)
{
	char sub[128];
	struct objcache c;
	struct stat st;
	char *saved = getenv("ETRACE_CACHE_DIR");

	saved = saved ? strdup(saved) : NULL;
	setenv("ETRACE_CACHE_DIR", "", 1);
	CU_ASSERT_FALSE(objcache__open(&c, NULL));
	CU_ASSERT(strstr(c.note, "ETRACE_CACHE_DIR is empty") != NULL);
	objcache__close(&c);
	fresh_dir();
	snprintf(sub, sizeof(sub), "%s/a/b", dir); /* created 0700 */
	setenv("ETRACE_CACHE_DIR", sub, 1);
	CU_ASSERT_TRUE(objcache__open(&c, NULL));
	CU_ASSERT_EQUAL(put(&c, "k", "obj"), 0);
	objcache__close(&c);
	CU_ASSERT_EQUAL_FATAL(stat(sub, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0700);
	snprintf(sub + strlen(sub), sizeof(sub) - strlen(sub), "/%s",
		 strrchr(path_of("k"), '/') + 1);
	CU_ASSERT_EQUAL(access(sub, F_OK), 0); /* the entry is there */
	rm_dir();
	if (saved)
		setenv("ETRACE_CACHE_DIR", saved, 1);
	else
		unsetenv("ETRACE_CACHE_DIR");
	free(saved);
	objcache_init_off(&c, "--no-cache");
	CU_ASSERT_STRING_EQUAL(c.note, "BPF object cache off: --no-cache");
	CU_ASSERT_EQUAL(put(&c, "k", "obj"), -EBADF);
}

static void test_self_id(void)
{
	char a[256], b[256];

	CU_ASSERT_EQUAL(objcache_self_id(a, sizeof(a)), 0);
	CU_ASSERT_EQUAL(objcache_self_id(b, sizeof(b)), 0);
	CU_ASSERT_STRING_EQUAL(a, b);
	CU_ASSERT(strncmp(a, "etrace " ETRACE_VERSION "\n", 8) == 0);
	/* gcc and lld on Debian link a build-id by default */
	CU_ASSERT(strstr(a, "\nbuild-id ") != NULL);
	CU_ASSERT(strlen(a) > strlen("etrace x\nbuild-id 01234567\n"));
	CU_ASSERT_EQUAL(objcache_self_id(a, 10), -ENAMETOOLONG);
}

UNIT_MAIN("objcache", UNIT_TEST(test_hash), UNIT_TEST(test_store_lookup),
	  UNIT_TEST(test_binary_keys), UNIT_TEST(test_collision),
	  UNIT_TEST(test_truncated), UNIT_TEST(test_corrupt),
	  UNIT_TEST(test_dir_permissions), UNIT_TEST(test_symlinks),
	  UNIT_TEST(test_entry_owner), UNIT_TEST(test_evict_count),
	  UNIT_TEST(test_evict_bytes), UNIT_TEST(test_stale_tmp),
	  UNIT_TEST(test_default_dir), UNIT_TEST(test_self_id))
