/* Finding the binary of a uprobe, uretprobe or usdt attach point: a path
 * (which must be a regular file), an executable on PATH, or a shared
 * library by name (uprobe:libc:malloc), as bpftrace resolves them. */
#include "probe_impl.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const lib_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64",
	"/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
};

static bool is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_elf(const char *path)
{
	unsigned char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = read(fd, magic, 4) == 4 && !memcmp(magic, "\177ELF", 4);
	close(fd);
	return ok;
}

static const char *find_in_path(struct compile_ctx *ctx, const char *name)
{
	const char *path = getenv("PATH");
	const char *p;

	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (p = path; *p;) {
		size_t n = strcspn(p, ":");
		char *cand = arena_printf(ctx->arena, "%.*s/%s",
					  (int)(n ? n : 1),
					  n ? p : ".", name);

		if (is_regular(cand) && access(cand, X_OK) == 0)
			return cand;
		p += n;
		if (*p == ':')
			p++;
	}
	return NULL;
}

/* "libc" matches libc.so and libc.so.6; the ELF with the greatest name
 * wins (libc.so is a linker script, libc.so.6 the library). */
static const char *find_in_dir(struct compile_ctx *ctx, const char *dir,
			       const char *stem)
{
	size_t len = strlen(stem);
	const char *best = NULL;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		char *cand;

		if (strncmp(e->d_name, stem, len) ||
		    strncmp(e->d_name + len, ".so", 3) ||
		    (e->d_name[len + 3] && e->d_name[len + 3] != '.'))
			continue;
		cand = arena_printf(ctx->arena, "%s/%s", dir, e->d_name);
		if (!is_regular(cand) || !is_elf(cand))
			continue;
		if (!best || strcmp(cand, best) > 0)
			best = cand;
	}
	closedir(d);
	return best;
}

static const char *find_library(struct compile_ctx *ctx, const char *name)
{
	const char *stems[2] = { name, NULL };

	if (strncmp(name, "lib", 3))
		stems[1] = arena_printf(ctx->arena, "lib%s", name);
	for (int s = 0; s < 2 && stems[s]; s++)
		for (size_t i = 0; i < sizeof(lib_dirs) / sizeof(*lib_dirs);
		     i++) {
			const char *f = find_in_dir(ctx, lib_dirs[i], stems[s]);

			if (f)
				return f;
		}
	return NULL;
}

const char *probe_find_binary(struct compile_ctx *ctx, const char *name)
{
	const char *f;

	if (!name || !*name)
		return NULL;
	if (strchr(name, '/'))
		return is_regular(name) ? name : NULL;
	/* a library named with its suffix: libssl.so.3 */
	if (strstr(name, ".so")) {
		for (size_t i = 0; i < sizeof(lib_dirs) / sizeof(*lib_dirs);
		     i++) {
			char *cand = arena_printf(ctx->arena, "%s/%s",
						  lib_dirs[i], name);

			if (is_regular(cand))
				return cand;
		}
	}
	f = find_in_path(ctx, name);
	return f ? f : find_library(ctx, name);
}

int probe_resolve_binary(struct compile_ctx *ctx, struct attach_point *ap)
{
	const char *kind = probe_kind_name(ap->kind);
	const char *f;
	struct stat st;

	if (probe_has_wildcard(ap->target))
		return 0; /* expanded when attaching */
	f = probe_find_binary(ctx, ap->target);
	if (f) {
		ap->target = f;
		return 0;
	}
	if (!strchr(ap->target, '/'))
		diag_error(&ctx->diags, ap->loc,
			   "%s target '%s' not found in PATH or the shared library directories",
			   kind, ap->target);
	else if (stat(ap->target, &st) == 0)
		diag_error(&ctx->diags, ap->loc,
			   "%s target file '%s' is not a regular file", kind,
			   ap->target);
	else
		diag_error(&ctx->diags, ap->loc,
			   "%s target file '%s' does not exist", kind,
			   ap->target);
	return -ENOENT;
}
