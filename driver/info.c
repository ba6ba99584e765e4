/* etrace --info: what this machine allows, detected rather than assumed:
 * kernel release, kernel BTF, tracefs, kernel function list, lockdown
 * (securityfs mounted when needed) and unprivileged BPF settings, BPF
 * features the runtime needs (ring buffer, program test runs), and per
 * probe type whether it works here (runtime/attach.h: each provider tries
 * what it needs, e.g. loads a trivial program or opens a perf event). */
#include "driver.h"

#include <dirent.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "attach.h"
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
	snprintf(path, sizeof(path), "%s/available_filter_functions",
		 tracefs);
	fprintf(out, "  kernel function list: %s\n",
		can_read(path) ? "available_filter_functions" :
		can_read("/proc/kallsyms") ?
		"/proc/kallsyms (available_filter_functions unreadable)" :
		"none: kprobe targets are not checked");
}

/* "none [integrity] confidentiality": the mode in brackets. */
static const char *lockdown_mode(char *line)
{
	char *b = strchr(line, '['), *e = b ? strchr(b, ']') : NULL;

	if (!e)
		return line;
	*e = '\0';
	return b + 1;
}

static void info_security(FILE *out)
{
	static const char lockdown[] = "/sys/kernel/security/lockdown";
	char buf[256];

	if (access(lockdown, F_OK) &&
	    access("/sys/kernel/security", F_OK) == 0)
		mount("securityfs", "/sys/kernel/security", "securityfs", 0,
		      NULL);
	if (read_line(lockdown, buf, sizeof(buf)))
		fprintf(out, "  lockdown: %s\n", lockdown_mode(buf));
	else
		fprintf(out, "  lockdown: unknown (securityfs not mounted)\n");
	if (read_line("/proc/sys/kernel/unprivileged_bpf_disabled", buf,
		      sizeof(buf)))
		fprintf(out, "  unprivileged_bpf_disabled: %s\n", buf);
}

static const char *yes_no(int probe_result, const char *no)
{
	return probe_result == 1 ? "yes" : no;
}

/* What the runtime needs from the kernel's BPF beyond the probes. */
static void info_bpf(FILE *out)
{
	if (!attach_privileged()) {
		fprintf(out, "  BPF features: not detected: that needs root\n");
		return;
	}
	libbpf_set_print(NULL);
	fprintf(out, "  BPF ring buffer: %s\n",
		yes_no(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL),
		       "no: programs cannot send output"));
	fprintf(out, "  per-CPU maps: %s\n",
		yes_no(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_PERCPU_HASH,
						 NULL),
		       "no: aggregations cannot be kept"));
	fprintf(out, "  bpf_probe_read_kernel: %s\n",
		yes_no(libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT,
					       BPF_FUNC_probe_read_kernel,
					       NULL), "no"));
}

int et_info(const struct cli *cli)
{
	struct compile_opts opts = { 0 };
	struct compile_ctx ctx;
	struct utsname u;
	int rc;

	if (cli->info_file)
		return et_info_binary(cli->info_file);
	rc = et_env_opts(&opts);
	if (rc)
		return rc;
	if (compile_ctx_init(&ctx, "etrace", "", 0, &opts)) {
		fprintf(stderr, "etrace: out of memory\n");
		return 1;
	}
	printf("etrace v%s\n", ETRACE_VERSION);
	if (uname(&u) == 0)
		printf("  kernel: %s %s %s\n", u.sysname, u.release,
		       u.machine);
	info_btf(stdout, &ctx.opts);
	info_tracefs(stdout, compile_tracefs(&ctx));
	info_security(stdout);
	info_bpf(stdout);
	attach_report(stdout);
	printf("  stdlib recipes: %d built in\n", et_nrecipes);
	compile_ctx_fini(&ctx);
	return 0;
}
