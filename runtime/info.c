/* etrace --info: what the front end can find out about this machine
 * without loading anything: kernel release, kernel BTF, tracefs, kernel
 * function list, kprobe/uprobe support (tracefs control files), lockdown
 * and unprivileged BPF settings, and the stdlib recipes built in. */
#include "driver.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "compile.h"
#include "recipes.h"

/* First line of a small file into buf; false when unreadable. */
static bool read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

static bool has_file(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static void info_btf(FILE *out, const struct compile_opts *opts)
{
	const char *path = opts->btf_path ? opts->btf_path :
			   "/sys/kernel/btf/vmlinux";
	struct stat st;

	if (!*path)
		fprintf(out, "  kernel BTF: disabled (ETRACE_BTF is empty)\n");
	else if (stat(path, &st) == 0)
		fprintf(out, "  kernel BTF: %s (%lld KiB)\n", path,
			(long long)st.st_size / 1024);
	else
		fprintf(out, "  kernel BTF: not found at %s: kernel types "
			"come only from the preamble\n", path);
}

/* Readable for real: lockdown lets root open some files but not read. */
static bool can_read(const char *path)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return false;
	ok = fgetc(f) != EOF;
	fclose(f);
	return ok;
}

static int count_dirs(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_type == DT_DIR && e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void info_tracefs(FILE *out, const char *tracefs)
{
	char path[4096];

	if (!tracefs) {
		fprintf(out, "  tracefs: not available (not mounted and "
			"could not be mounted): no tracepoints\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/events", tracefs);
	fprintf(out, "  tracefs: %s (%d tracepoint categories)\n", tracefs,
		count_dirs(path));
	fprintf(out, "  kprobes: %s\n", has_file(tracefs, "kprobe_events") ?
		"supported by the kernel" :
		"not available: this kernel was built without "
		"CONFIG_KPROBES (no kprobe_events in tracefs)");
	fprintf(out, "  uprobes: %s\n", has_file(tracefs, "uprobe_events") ?
		"supported by the kernel" :
		"not available: no uprobe_events in tracefs");
	snprintf(path, sizeof(path), "%s/available_filter_functions",
		 tracefs);
	fprintf(out, "  kernel function list: %s\n",
		can_read(path) ? "available_filter_functions" :
		can_read("/proc/kallsyms") ?
		"/proc/kallsyms (available_filter_functions unreadable)" :
		"none: kprobe targets are not checked");
}

static void info_security(FILE *out)
{
	char buf[256];

	if (read_line("/sys/kernel/security/lockdown", buf, sizeof(buf)))
		fprintf(out, "  lockdown: %s\n", buf);
	else
		fprintf(out, "  lockdown: unknown (securityfs not mounted)\n");
	if (read_line("/proc/sys/kernel/unprivileged_bpf_disabled", buf,
		      sizeof(buf)))
		fprintf(out, "  unprivileged_bpf_disabled: %s\n", buf);
}

int et_info(const struct cli *cli)
{
	struct compile_opts opts = { 0 };
	struct compile_ctx ctx;
	struct utsname u;
	int rc;

	rc = et_env_opts(&opts);
	if (rc)
		return rc;
	if (compile_ctx_init(&ctx, "etrace", "", 0, &opts)) {
		fprintf(stderr, "etrace: out of memory\n");
		return 1;
	}
	printf("etrace v%s\n", ETRACE_VERSION);
	printf("  build: front end only (parse, check, --dry-run); loading "
	       "BPF programs is not in this build yet\n");
	if (uname(&u) == 0)
		printf("  kernel: %s %s %s\n", u.sysname, u.release,
		       u.machine);
	info_btf(stdout, &ctx.opts);
	info_tracefs(stdout, compile_tracefs(&ctx));
	info_security(stdout);
	printf("  stdlib recipes: %d built in\n", et_nrecipes);
	compile_ctx_fini(&ctx);
	return 0;
}
