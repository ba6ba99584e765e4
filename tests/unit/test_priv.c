/* Unit tests of what the privileged helper lets through (runtime/priv.c,
 * priv_allowed): /proc/PID files the runtime reads, the exe link only
 * as a link, paths under /proc/PID/root without "." or ".." components;
 * nothing else. (Whether a file under root/ is mapped by the process is
 * checked by the helper against its maps: tests/runtime/priv.sh.) */
#include "unit.h"

#include <errno.h>

#include "priv_io.h"
#include "unwind.h"

static int allowed(const char *path, bool link)
{
	const char *rel = "unset";
	pid_t pid = 0;
	int r = priv_allowed(path, link, &pid, &rel);

	if (!r && !rel)
		CU_ASSERT(pid > 0);
	return r;
}

static void test_proc_files(void)
{
	const char *rel = "unset";
	pid_t pid = 0;

	CU_ASSERT_EQUAL(priv_allowed("/proc/123/maps", false, &pid, &rel), 0);
	CU_ASSERT_EQUAL(pid, 123);
	CU_ASSERT_PTR_NULL(rel);
	CU_ASSERT_EQUAL(allowed("/proc/1/mem", false), 0);
	CU_ASSERT_EQUAL(allowed("/proc/42/stat", false), 0);
	CU_ASSERT_EQUAL(allowed("/proc/42/auxv", false), 0);
	CU_ASSERT_EQUAL(allowed("/proc/42/cgroup", false), 0);
	/* not what a symbolizer reads */
	CU_ASSERT_EQUAL(allowed("/proc/42/environ", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/42/cmdline", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/42/maps/", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/42/task/42/maps", false), -EPERM);
	/* the exe link is read, never opened; nothing else is read */
	CU_ASSERT_EQUAL(allowed("/proc/42/exe", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/42/exe", true), 0);
	CU_ASSERT_EQUAL(allowed("/proc/42/cwd", true), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/42/maps", true), -EPERM);
}

static void test_pids(void)
{
	CU_ASSERT_EQUAL(allowed("/proc/self/maps", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/0/maps", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/012/maps", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/-1/maps", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/99999999999/maps", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/12a/maps", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc//maps", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/12", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/etc/shadow", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("proc/12/maps", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/sys/12/maps", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("", false), -EPERM);
}

static void test_root(void)
{
	const char *rel = NULL;
	pid_t pid = 0;

	CU_ASSERT_EQUAL(
	    priv_allowed("/proc/7/root/usr/lib/libc.so.6", false, &pid, &rel),
	    0);
	CU_ASSERT_EQUAL(pid, 7);
	CU_ASSERT_STRING_EQUAL(rel, "usr/lib/libc.so.6");
	CU_ASSERT_EQUAL(allowed("/proc/7/root/a..b/.x", false), 0);
	CU_ASSERT_EQUAL(allowed("/proc/7/root/", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/7/root", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/7/root/../etc/shadow", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/7/root/usr/../etc/shadow", false),
			-EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/7/root/usr/./lib", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/7/root/usr//lib", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/7/root/usr/lib/", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/7/root/usr/..", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/7/root//etc", false), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/7/root/usr/lib", true), -EPERM);
	CU_ASSERT_EQUAL(allowed("/proc/7/rootx/usr", false), -EPERM);
}

/* the unwind cache files the helper reads for the dropped process: a
 * build id in lowercase hex names one, nothing else does */
static void test_cache_path(void)
{
	char buf[256];

	setenv("ETRACE_CACHE_DIR", "/c", 1);
	CU_ASSERT_TRUE(unwind_cache_path("0a1b", buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "/c/unwind/0a1b.rows");
	CU_ASSERT_FALSE(unwind_cache_path("", buf, sizeof(buf)));
	CU_ASSERT_FALSE(
	    unwind_cache_path("../../etc/shadow", buf, sizeof(buf)));
	CU_ASSERT_FALSE(unwind_cache_path("0A1B", buf, sizeof(buf)));
	CU_ASSERT_FALSE(unwind_cache_path("0a1b", buf, 12));
	unsetenv("ETRACE_CACHE_DIR");
}

UNIT_MAIN("priv", UNIT_TEST(test_cache_path), UNIT_TEST(test_proc_files),
	  UNIT_TEST(test_pids), UNIT_TEST(test_root))
