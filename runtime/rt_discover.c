/* etrace -l 'runtime:KIND[:PID]': the running processes of managed
 * runtimes (Python, Java, Node.js), found by what they map, with their
 * versions where that is cheap and what etrace sees in each. Python:
 * the interpreter file rt_python.c finds and its version; Java: the
 * libjvm a process maps and JAVA_VERSION of its JDK's release file;
 * Node.js: an executable named node (or a mapped libnode). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "rt_discover.h"

#include <ctype.h>
#include <dirent.h>
#include <fnmatch.h>
#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "priv_io.h"
#include "rt_python.h"
#include "rt_v8.h"
#include "usdt_notes.h"

/* what pid maps that names a runtime: libjvm, libnode */
static void mapped(int pid, char *jvm, size_t jlen, bool *libnode)
{
	char path[64], line[4096 + 128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = priv_fopen(path);
	while (f && fgets(line, sizeof(line), f)) {
		char *p = strchr(line, '/'), *b;

		if (!p)
			continue;
		p[strcspn(p, "\n")] = 0;
		b = strrchr(p, '/') + 1;
		if (!strcmp(b, "libjvm.so") && !jvm[0])
			snprintf(jvm, jlen, "%s", p);
		if (!strncmp(b, "libnode.so", 10))
			*libnode = true;
	}
	if (f)
		fclose(f);
}

/* JAVA_VERSION of the JDK that holds libjvm (JDK/lib/server/libjvm.so) */
static void java_version(int pid, const char *jvm, char *ver, size_t len)
{
	char path[PATH_MAX], line[256];
	FILE *f;
	int up = 3;

	snprintf(path, sizeof(path), "/proc/%d/root%s", pid, jvm);
	while (up-- > 0 && strrchr(path, '/'))
		*strrchr(path, '/') = 0;
	strncat(path, "/release", sizeof(path) - strlen(path) - 1);
	snprintf(ver, len, "?");
	f = priv_fopen(path);
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "JAVA_VERSION=\"", 14))
			continue;
		line[strcspn(line + 14, "\"") + 14] = 0;
		snprintf(ver, len, "%.31s", line + 14);
	}
	if (f)
		fclose(f);
}

/* the USDT probes a file has of one provider */
static size_t usdt_count(int pid, const char *file, const char *provider)
{
	char path[PATH_MAX];
	struct usdt_notes *un;
	size_t n = 0;

	snprintf(path, sizeof(path), "/proc/%d/root%s", pid, file);
	un = usdt_notes__open(path);
	for (size_t i = 0; un && i < un->count; i++)
		n += !strcmp(un->probes[i].provider, provider);
	usdt_notes__free(un);
	return n;
}

static bool wanted(const char *pattern, const char *kind, int pid)
{
	char key[64];

	snprintf(key, sizeof(key), "%s:%d", kind, pid);
	return !fnmatch(pattern, key, 0) || !fnmatch(pattern, kind, 0);
}

static int list_pid(int pid, const char *pattern, FILE *out)
{
	char exe[PATH_MAX] = "", link[64], ver[32], file[256],
	     jvm[PATH_MAX] = "";
	const char *b;
	bool libnode = false;
	ssize_t n;
	int found = 0;

	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	n = priv_readlink(link, exe, sizeof(exe) - 1);
	if (n <= 0)
		return 0;
	exe[n] = 0;
	b = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
	if (wanted(pattern, "python", pid) &&
	    rt_python_describe(pid, ver, sizeof(ver), file, sizeof(file))) {
		bool ok = strstr(rt_python_versions(), ver) != NULL;
		size_t u = usdt_count(pid, file, "python");

		fprintf(
		    out, "runtime:python:%d %s CPython %s (%s): %s", pid, b,
		    ver, file,
		    ok ? "Python frames in ustack, pyfunc/pyfile/pyline"
		       : "native frames only (no offsets for this version)");
		if (u)
			fprintf(out, ", %zu USDT probes (usdt:%s:python:*)", u,
				file);
		fputc('\n', out);
		found++;
	}
	mapped(pid, jvm, sizeof(jvm), &libnode);
	if (jvm[0] && wanted(pattern, "java", pid)) {
		java_version(pid, jvm, ver, sizeof(ver));
		fprintf(out,
			"runtime:java:%d %s Java %s (%s): Java frames in "
			"ustack (HotSpot: interpreted, compiled, inlined), "
			"%zu USDT probes (usdt:%s:hotspot:*)\n",
			pid, b, ver, jvm, usdt_count(pid, jvm, "hotspot"), jvm);
		found++;
	}
	if ((libnode || !strcmp(b, "node") || !strcmp(b, "nodejs")) &&
	    wanted(pattern, "node", pid)) {
		const char *why = "no v8dbg_* symbols";
		char file[256];
		int err = rt_v8_load_pid(pid, &why), v8 = 0;
		bool inl = false;

		if (!err &&
		    rt_v8_describe(pid, file, sizeof(file), &v8, &inl))
			fprintf(out,
				"runtime:node:%d %s Node.js V8 %d.%d (%s): "
				"JavaScript frames in ustack (interpreted, "
				"compiled%s; V8 metadata of %s)\n",
				pid, b, v8 / 10000, v8 / 100 % 100, exe,
				inl ? ", inlined" : "", file);
		else
			fprintf(out,
				"runtime:node:%d %s Node.js (%s): native frames "
				"(%s)\n",
				pid, b, exe,
				err == -ENOTSUP ? why : "no V8 metadata");
		found++;
	}
	return found;
}

int rt_discover_list(const char *pattern, int pid, FILE *out)
{
	DIR *d;
	struct dirent *e;
	int found = 0;

	if (!*pattern)
		pattern = "*";
	if (pid > 0)
		return list_pid(pid, pattern, out);
	d = opendir("/proc");
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]) ||
		    atoi(e->d_name) == (int)getpid())
			continue;
		found += list_pid(atoi(e->d_name), pattern, out);
	}
	closedir(d);
	return found;
}
