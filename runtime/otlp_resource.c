/* The OTLP resource of a traced process (otlp_impl.h): service.name,
 * host.name, process.pid, process.executable.name and, when its cgroup
 * path names one, container.id. Read from /proc once per process, by
 * the exporter's sink on the event loop's thread while the process is
 * most likely still there; a process already gone keeps its comm. */
#include "otlp_impl.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"

bool otlp_container_id(const char *line, char id[65])
{
	const char *p = line + strlen(line);
	bool found = false;

	/* the last run of exactly 64 hex digits: /docker/<id>,
	 * docker-<id>.scope, cri-containerd-<id>.scope, libpod-<id>,
	 * crio-<id>.scope */
	while (p > line && !found) {
		const char *end = p, *start;

		while (end > line && !isxdigit((unsigned char)end[-1]))
			end--;
		start = end;
		while (start > line && isxdigit((unsigned char)start[-1]))
			start--;
		if (end - start == 64) {
			for (int i = 0; i < 64; i++)
				id[i] = (char)tolower((unsigned char)start[i]);
			id[64] = '\0';
			found = true;
		}
		p = start;
	}
	return found;
}

static bool container_of(uint32_t pid, char id[65])
{
	char path[64], line[4096];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		found = otlp_container_id(line, id);
	}
	fclose(f);
	return found;
}

/* The executable's base name, from /proc/PID/exe. */
static bool exe_of(uint32_t pid, char *buf, size_t size)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;

	n = priv_exe((pid_t)pid, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	/* an executable replaced since it started */
	if (n > 10 && !strcmp(target + n - 10, " (deleted)"))
		target[n - 10] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= size)
		return false;
	memcpy(buf, base, strlen(base) + 1);
	return buf[0] != '\0';
}

struct otlp_resource *otlp_resource_of(uint32_t pid, const char *comm,
				       const char *service, const char *host)
{
	char exe[256] = "", cid[65];
	bool has_cid = pid && container_of(pid, cid);
	size_t n, off;
	struct otlp_resource *r;
	char *p;

	if (!pid || !exe_of(pid, exe, sizeof(exe)))
		snprintf(exe, sizeof(exe), "%s", comm ? comm : "");
	if (!service || !service[0])
		service = exe[0] ? exe : "unknown_service:etrace";
	host = host ? host : "";
	n = sizeof(*r) + strlen(exe) + 1 + strlen(service) + 1 + strlen(host) +
	    1 + (has_cid ? 65 : 0);
	r = calloc(1, n);
	if (!r)
		return NULL;
	p = (char *)(r + 1);
	off = 0;
#define PUT(field, s)                                                          \
	do {                                                                   \
		r->field = strcpy(p + off, s);                                 \
		off += strlen(s) + 1;                                          \
	} while (0)
	PUT(service, service);
	PUT(host, host);
	if (exe[0])
		PUT(exe, exe);
	if (has_cid)
		PUT(container, cid);
#undef PUT
	r->pid = pid;
	return r;
}
