/* What the user probes (uprobe, uretprobe, usdt) share: finding the
 * binary of an attach point, a path (which must be a regular file), an
 * executable on PATH, or a shared library by name (uprobe:libc:malloc),
 * as bpftrace resolves them; with -p PID a name is first looked up in
 * that process's mappings, and a path, when the process lives in another
 * mount namespace, in its file system (/proc/PID/root); and the names of
 * their programs (section, probe builtin). */
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

/* A mapped file's name stands for name: "libc" or "c" for libc.so.6 or
 * libc-2.31.so, "python3.11" for python3.11. */
static bool maps_name_matches(const char *file, const char *name)
{
	const char *base = strrchr(file, '/');
	size_t n = strlen(name);

	base = base ? base + 1 : file;
	if (!strncmp(base, "lib", 3) && strncmp(name, "lib", 3))
		base += 3;
	return !strncmp(base, name, n) &&
	       (!base[n] || !strncmp(base + n, ".so", 3) ||
		(base[n] == '-' && strstr(base + n, ".so")));
}

/* file, mapped by -p PID with inode ino, as this process reaches it: its
 * own path when that is the same file, else through /proc/PID/root (a
 * process in another mount namespace). In the arena. */
static const char *pid_file_path(struct compile_ctx *ctx, const char *file,
				 unsigned long ino)
{
	struct stat st;

	if (stat(file, &st) == 0 && st.st_ino == ino)
		return arena_strdup(ctx->arena, file);
	return arena_printf(ctx->arena, "/proc/%d/root%s", ctx->opts.target_pid,
			    file);
}

int probe_pid_files(struct compile_ctx *ctx,
		    int (*fn)(struct compile_ctx *ctx, const char *path,
			      const char *mapped, void *arg),
		    void *arg)
{
	char line[4096], file[4096], last[4096] = "";
	unsigned long ino;
	int err = 0;
	FILE *f;

	snprintf(line, sizeof(line), "/proc/%d/maps", ctx->opts.target_pid);
	f = fopen(line, "re");
	if (!f)
		return -errno;
	while (!err && fgets(line, sizeof(line), f)) {
		int n = sscanf(line, "%*s %*s %*s %*s %lu %4095s", &ino, file);

		if (n != 2 || file[0] != '/' || !strcmp(file, last))
			continue;
		strcpy(last, file);
		err = fn(ctx, pid_file_path(ctx, file, ino), file, arg);
	}
	fclose(f);
	return err > 0 ? 0 : err;
}

struct maps_find {
	const char *name;
	const char *found;
};

static int maps_find_one(struct compile_ctx *ctx, const char *path,
			 const char *mapped, void *arg)
{
	struct maps_find *mf = arg;

	(void)ctx;
	if (!maps_name_matches(mapped, mf->name))
		return 0;
	mf->found = path;
	return 1;
}

/* The file of -p PID's mappings that name stands for, as this process
 * sees it (pid_file_path). */
static const char *find_in_maps(struct compile_ctx *ctx, const char *name)
{
	struct maps_find mf = { .name = name };

	probe_pid_files(ctx, maps_find_one, &mf);
	return mf.found;
}

/* Does -p PID see another file system than we do (a container)? As
 * bpftrace: only when both mount namespaces can be read and differ. */
static bool other_mount_ns(int pid)
{
	char path[64];
	struct stat self, other;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	return stat("/proc/self/ns/mnt", &self) == 0 &&
	       stat(path, &other) == 0 &&
	       (self.st_ino != other.st_ino || self.st_dev != other.st_dev);
}

/* A path as -p PID sees it, when PID lives in another mount namespace:
 * the same path under /proc/PID/root (relative ones from its root, as
 * bpftrace takes them). NULL when that is not the case or no file is
 * there. */
static const char *path_in_pid_root(struct compile_ctx *ctx,
				    const char *name)
{
	int pid = ctx->opts.target_pid;
	char prefix[64];
	const char *f;

	if (pid <= 0 || !other_mount_ns(pid))
		return NULL;
	snprintf(prefix, sizeof(prefix), "/proc/%d/root", pid);
	if (!strncmp(name, prefix, strlen(prefix)))
		return NULL; /* already there */
	f = arena_printf(ctx->arena, "%s%s%s", prefix, *name == '/' ? "" : "/",
			 name);
	return is_regular(f) ? f : NULL;
}

const char *probe_find_binary(struct compile_ctx *ctx, const char *name)
{
	const char *f;

	if (!name || !*name)
		return NULL;
	if (strchr(name, '/')) {
		f = path_in_pid_root(ctx, name);
		return f ? f : is_regular(name) ? name : NULL;
	}
	if (ctx->opts.target_pid > 0 && (f = find_in_maps(ctx, name)))
		return f;
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

	if (probe_has_wildcard(ap->target)) {
		/* nothing expands it when attaching: refuse it here */
		diag_error(&ctx->diags, ap->loc,
			   "Wildcards in the file of a %s probe are not "
			   "supported ('%s'): name each file (etrace -l "
			   "'%s:%s:*' lists what it matches)", kind,
			   ap->target, kind, ap->target);
		return -EINVAL;
	}
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

const char *probe_user_section(struct compile_ctx *ctx, const char *prefix,
			       const struct attach_point *ap, const char *t,
			       bool sleepable)
{
	return arena_printf(ctx->arena, "%s%s/%s:%s", prefix,
			    sleepable ? ".s" : "", ap->target,
			    t ? t : ap->func);
}

/* The binary as written, the match in full (bpftrace). */
const char *probe_user_match_name(struct compile_ctx *ctx,
				  const struct attach_point *ap, const char *t)
{
	const char *rest = strchr(ap->raw, ':');

	if (!rest)
		return arena_printf(ctx->arena, "%s:%s",
				    probe_kind_name(ap->kind), t);
	return arena_printf(ctx->arena, "%s:%.*s:%s",
			    probe_kind_name(ap->kind),
			    (int)strcspn(rest + 1, ":"), rest + 1, t);
}
