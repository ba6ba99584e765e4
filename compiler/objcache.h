/* objcache: the on-disk cache of compiled BPF objects (issue #5: the O2
 * pipeline and BPF emission cost ~5 ms on every run of the same program).
 *
 * An entry maps a key (the caller's bytes: the unoptimized module as
 * bitcode plus the identity of the compiler that made it) to an object.
 * The file is named after a 64-bit FNV-1a hash of the key and holds the
 * whole key: a hit needs the stored key to equal the asked one byte for
 * byte, so a hash collision, a truncated or a corrupt file is a miss,
 * never a wrong object. No LLVM here; the code generator builds the key.
 *
 * Root loads these objects into the kernel, so the cache directory must
 * be owned by the effective user and not writable by group or others,
 * and so must each entry; otherwise the cache is off. Nothing in here
 * ever makes a run fail: every problem is a miss (or the cache off), and
 * objcache.note says what happened, for -v.
 *
 * Memory: objects returned by objcache_lookup are malloc'ed, the caller
 * frees them. */
#ifndef ETRACE_OBJCACHE_H
#define ETRACE_OBJCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Default bounds, applied on each store (least recently used first). */
#define OBJCACHE_MAX_ENTRIES 256
#define OBJCACHE_MAX_BYTES (32ull << 20)

/* Entry file names: 16 hex digits of the key's hash and this suffix. */
#define OBJCACHE_SUFFIX ".eto"
#define OBJCACHE_NAME_SIZE 24

struct objcache {
	int dirfd;            /* the directory, or -1: the cache is off */
	size_t max_entries;   /* eviction bounds (objcache__open sets the */
	uint64_t max_bytes;   /* defaults; tests lower them) */
	int miss;             /* why the last lookup missed (-errno), or 0 */
	char note[400];       /* the last event or reason, for -v */
};

/* Opens the cache in dir, or when dir is NULL in the default place:
 * $ETRACE_CACHE_DIR (empty: off), else /var/cache/etrace for root, else
 * $XDG_CACHE_HOME/etrace or ~/.cache/etrace. Missing directories are
 * created 0700. Returns true when the cache is usable; false leaves it
 * off with note saying why. objcache__close is needed either way. */
bool objcache__open(struct objcache *c, const char *dir);
void objcache__close(struct objcache *c);

/* A cache that is off from the start, note saying why (e.g. an option). */
void objcache_init_off(struct objcache *c, const char *why);

/* 64-bit FNV-1a of n bytes. */
uint64_t objcache_hash(const void *p, size_t n);
/* The file name of key's entry ("0123456789abcdef.eto"). */
void objcache_entry_name(const void *key, size_t keylen,
			 char name[OBJCACHE_NAME_SIZE]);

/* 0 and the object in *obj (malloc'ed), *len on a hit; the entry's mtime
 * is touched (LRU). A negative errno on a miss: -ENOENT no entry,
 * -ESTALE another key under the same hash, -EBADMSG a damaged entry,
 * -EPERM an entry we do not own, other errors of the file system. */
int objcache_lookup(struct objcache *c, const void *key, size_t keylen,
		    void **obj, size_t *len);
/* Stores obj under key atomically (a temporary file renamed into place),
 * then evicts the least recently used entries beyond the bounds. 0 or a
 * negative errno (nothing is left behind). */
int objcache_store(struct objcache *c, const void *key, size_t keylen,
		   const void *obj, size_t len);

/* The identity of the running etrace: its version and the GNU build-id
 * of the main program (or, without one, size and mtime of
 * /proc/self/exe), as one line of text in buf. 0 or a negative errno. */
int objcache_self_id(char *buf, size_t size);

#endif
