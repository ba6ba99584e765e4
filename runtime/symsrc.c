/* The separate symbol sources of a stripped ELF file (symsrc.h): build-id
 * debug files, .gnu_debuglink, MiniDebugInfo (liblzma) and debuginfod
 * (libdebuginfod through dlopen, so that a run without DEBUGINFOD_URLS
 * never loads libcurl and its dependencies). */
#define _GNU_SOURCE
#include "symsrc.h"

#include "elf_syms.h"
#include "priv_io.h"

#include <dlfcn.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define DEFAULT_DEBUG_ROOT "/usr/lib/debug"
/* a decompressed .gnu_debugdata larger than this is refused */
#define DEBUGDATA_MAX (256u << 20)

/* "a, b: c" into tried */
static void note(char *tried, size_t len, const char *fmt, ...)
{
	size_t n = strlen(tried);
	va_list ap;

	if (n + 2 >= len)
		return;
	if (n) {
		strcpy(tried + n, ", ");
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(tried + n, len - n, fmt, ap);
	va_end(ap);
}

static const char *debug_roots(void)
{
	const char *r = getenv("ETRACE_DEBUG_ROOT");

	return r && *r ? r : DEFAULT_DEBUG_ROOT;
}

/* Does the ELF have a symbol table with at least one entry? */
static bool has_symtab(Elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB &&
		    sh.sh_entsize && sh.sh_size > sh.sh_entsize)
			return true;
	return false;
}

/* Opens file as the source kind when it is an ELF with a .symtab. */
static int open_file(const char *file, const char *kind, struct symsrc *out)
{
	int fd = priv_open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	Elf *elf;

	if (fd < 0)
		return 0;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !has_symtab(elf)) {
		elf_end(elf);
		close(fd);
		return 0;
	}
	*out = (struct symsrc){.elf = elf, .fd = fd, .kind = kind};
	out->file = strdup(file);
	if (!out->file) {
		symsrc__close(out);
		return -ENOMEM;
	}
	return 1;
}

/* ---- 1. by build id ---- */

static int by_build_id(const char *build_id, struct symsrc *out, char *tried,
		       size_t len)
{
	const char *roots = debug_roots(), *r = roots;
	char file[PATH_MAX];

	if (!build_id || strlen(build_id) < 3) {
		note(tried, len, "build-id debug file: no build id");
		return 0;
	}
	while (*r) {
		size_t n = strcspn(r, ":");
		int found;

		snprintf(file, sizeof(file), "%.*s/.build-id/%.2s/%s.debug",
			 (int)n, r, build_id, build_id + 2);
		found = n ? open_file(file, "build-id debug file", out) : 0;
		if (found)
			return found;
		r += n + (r[n] == ':');
	}
	note(tried, len, "build-id debug file: none in %s", roots);
	return 0;
}

/* ---- 2. .gnu_debuglink ---- */

static bool crc_matches(const char *file, uint32_t want)
{
	int fd = priv_open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	unsigned char buf[65536];
	uLong crc = crc32(0, Z_NULL, 0);
	ssize_t n;

	if (fd < 0)
		return false;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		crc = crc32(crc, buf, (uInt)n);
	close(fd);
	return n == 0 && (uint32_t)crc == want;
}

/* file opens for reading (through the privilege helper for another
 * user's process's files) */
static bool readable(const char *file)
{
	int fd = priv_open(file, O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int by_debuglink(const char *path, Elf *elf, struct symsrc *out,
			char *tried, size_t len)
{
	GElf_Word crc;
	const char *link = dwelf_elf_gnu_debuglink(elf, &crc);
	char real[PATH_MAX], dir[PATH_MAX], file[PATH_MAX];
	const char *roots = debug_roots(), *r = roots;
	bool bad_crc = false;
	char *slash;

	if (!link || !*link || strchr(link, '/')) {
		note(tried, len, ".gnu_debuglink: none");
		return 0;
	}
	if (!realpath(path, real))
		snprintf(real, sizeof(real), "%s", path);
	snprintf(dir, sizeof(dir), "%s", real);
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir] = '\0'; /* "/x" -> "/" */
	else
		strcpy(dir, ".");
	for (int i = 0;; i++) {
		int found;

		if (i == 0)
			snprintf(file, sizeof(file), "%s/%s", dir, link);
		else if (i == 1)
			snprintf(file, sizeof(file), "%s/.debug/%s", dir, link);
		else if (*r) {
			size_t n = strcspn(r, ":");

			snprintf(file, sizeof(file), "%.*s%s/%s", (int)n, r,
				 dir, link);
			r += n + (r[n] == ':');
		} else {
			break;
		}
		/* the file itself may carry its own name */
		if (!strcmp(file, real) || !readable(file))
			continue;
		if (!crc_matches(file, crc)) {
			bad_crc = true;
			continue;
		}
		found = open_file(file, ".gnu_debuglink", out);
		if (found)
			return found;
	}
	note(tried, len, ".gnu_debuglink: %s %s", link,
	     bad_crc ? "has another CRC" : "not found");
	return 0;
}

/* ---- 3. MiniDebugInfo ---- */

static int xz_decode(const void *in, size_t in_len, void **outp,
		     size_t *out_len)
{
	lzma_stream s = LZMA_STREAM_INIT;
	size_t cap = in_len * 4 + 4096;
	unsigned char *buf = malloc(cap);
	lzma_ret rc;

	if (!buf)
		return -ENOMEM;
	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK) {
		free(buf);
		return -EINVAL;
	}
	s.next_in = in;
	s.avail_in = in_len;
	s.next_out = buf;
	s.avail_out = cap;
	do {
		rc = lzma_code(&s, LZMA_FINISH);
		if (rc == LZMA_OK && !s.avail_out) {
			unsigned char *nb =
			    cap < DEBUGDATA_MAX ? realloc(buf, 2 * cap) : NULL;

			if (!nb) {
				rc = LZMA_MEM_ERROR;
				break;
			}
			buf = nb;
			s.next_out = buf + cap;
			s.avail_out = cap;
			cap *= 2;
		}
	} while (rc == LZMA_OK);
	*out_len = cap - s.avail_out;
	lzma_end(&s);
	if (rc != LZMA_STREAM_END) {
		free(buf);
		return rc == LZMA_MEM_ERROR ? -ENOMEM : -EINVAL;
	}
	*outp = buf;
	return 0;
}

static int by_debugdata(Elf *elf, struct symsrc *out, char *tried, size_t len)
{
	Elf_Scn *scn = elf_section_named(elf, ".gnu_debugdata");
	Elf_Data *data = scn ? elf_rawdata(scn, NULL) : NULL;
	void *mem = NULL;
	size_t n = 0;
	Elf *inner;
	int err;

	if (!data || !data->d_size) {
		note(tried, len, ".gnu_debugdata: none");
		return 0;
	}
	err = xz_decode(data->d_buf, data->d_size, &mem, &n);
	if (err == -ENOMEM)
		return err;
	inner = err ? NULL : elf_memory(mem, n);
	if (!inner || elf_kind(inner) != ELF_K_ELF || !has_symtab(inner)) {
		elf_end(inner);
		free(mem);
		note(tried, len, ".gnu_debugdata: %s",
		     err ? "not xz data" : "no symbol table in it");
		return 0;
	}
	*out = (struct symsrc){
	    .elf = inner, .fd = -1, .mem = mem, .kind = ".gnu_debugdata"};
	return 1;
}

/* ---- 4. debuginfod ---- */

/* libdebuginfod's API (debuginfod_find_debuginfo(3)): a build id given
 * as hex text has length 0; the result is an fd, *path malloc'd. */
typedef struct debuginfod_client debuginfod_client;
struct dfod {
	debuginfod_client *(*begin)(void);
	int (*find_debuginfo)(debuginfod_client *, const unsigned char *, int,
			      char **);
	void (*end)(debuginfod_client *);
	bool loaded, ok;
};

static struct dfod *dfod_load(void)
{
	static struct dfod d;
	void *h;

	if (d.loaded)
		return d.ok ? &d : NULL;
	d.loaded = true;
	h = dlopen("libdebuginfod.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return NULL;
	d.begin = (debuginfod_client * (*)(void)) dlsym(h, "debuginfod_begin");
	d.find_debuginfo =
	    (int (*)(debuginfod_client *, const unsigned char *, int,
		     char **))dlsym(h, "debuginfod_find_debuginfo");
	d.end = (void (*)(debuginfod_client *))dlsym(h, "debuginfod_end");
	d.ok = d.begin && d.find_debuginfo && d.end;
	return d.ok ? &d : NULL;
}

static int by_debuginfod(const char *build_id, struct symsrc *out, char *tried,
			 size_t len)
{
	const char *urls = getenv("DEBUGINFOD_URLS");
	struct dfod *d;
	debuginfod_client *c;
	char *file = NULL;
	int fd, found;

	if (!urls || !*urls) {
		note(tried, len, "debuginfod: DEBUGINFOD_URLS unset");
		return 0;
	}
	if (!build_id) {
		note(tried, len, "debuginfod: no build id");
		return 0;
	}
	d = dfod_load();
	if (!d) {
		note(tried, len, "debuginfod: no libdebuginfod.so.1");
		return 0;
	}
	c = d->begin();
	fd = c ? d->find_debuginfo(c, (const unsigned char *)build_id, 0, &file)
	       : -ENOMEM;
	if (c)
		d->end(c);
	if (fd < 0) {
		note(tried, len, "debuginfod: %s", strerror(-fd));
		return 0;
	}
	close(fd);
	found = open_file(file, "debuginfod", out);
	if (!found)
		note(tried, len, "debuginfod: %s has no symbol table", file);
	free(file);
	return found;
}

/* ---- all ---- */

int symsrc__find(const char *path, Elf *elf, const char *build_id,
		 struct symsrc *out, char *tried, size_t len)
{
	int found;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	found = by_build_id(build_id, out, tried, len);
	if (!found)
		found = by_debuglink(path, elf, out, tried, len);
	if (!found)
		found = by_debugdata(elf, out, tried, len);
	if (!found)
		found = by_debuginfod(build_id, out, tried, len);
	if (found > 0)
		note(tried, len, "%s%s%s", out->kind, out->file ? ": " : "",
		     out->file ? out->file : "");
	return found;
}

void symsrc__close(struct symsrc *s)
{
	if (!s)
		return;
	elf_end(s->elf);
	if (s->fd >= 0)
		close(s->fd);
	free(s->mem);
	free(s->file);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}
