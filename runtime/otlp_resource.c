/* The OTLP resource of a traced process (otlp_impl.h): service.name,
 * host.name, process.pid, process.executable.name and, when its cgroup
 * path names one, container.id, and what container.h knows of its
 * container and pod: container.name, k8s.pod.name, k8s.namespace.name,
 * k8s.pod.uid (the names from the runtimes' state, which only a run
 * that keeps its privileges can read). Read from /proc once per process, by
 * the exporter's sink on the event loop's thread while the process is
 * most likely still there; a process already gone keeps its comm. */
#include "otlp_impl.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "priv.h"

const char *const otlp_pod_keys[OTLP_POD_ATTRS] = {
	"container.name", "k8s.pod.name", "k8s.namespace.name", "k8s.pod.uid"};

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

/* pid's container id and pod attributes, from one read of
 * /proc/PID/cgroup: the id from any line, the pod attributes from the
 * cgroup v2 path (the "0::" line), each "" when unknown; false, and no
 * pod attributes, when no line names a container. */
static bool container_of(uint32_t pid, char id[65],
			 char pod[OTLP_POD_ATTRS][256])
{
	static const enum container_field f[OTLP_POD_ATTRS] = {
	    CF_NAME, CF_POD, CF_POD_NS, CF_POD_UID};
	char path[64], line[4096];
	bool found = false;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	fp = priv_fopen(path);
	if (!fp)
		return false;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "0::", 3))
			for (int i = 0; i < OTLP_POD_ATTRS; i++)
				container_field_of_path(line + 3, f[i], pod[i],
							sizeof(pod[i]));
		if (!found)
			found = otlp_container_id(line, id);
	}
	fclose(fp);
	for (int i = 0; !found && i < OTLP_POD_ATTRS; i++)
		pod[i][0] = '\0';
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
	char exe[256] = "", cid[65], pod[OTLP_POD_ATTRS][256] = {{0}};
	bool has_cid = pid && container_of(pid, cid, pod);
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
	for (int i = 0; i < OTLP_POD_ATTRS; i++)
		n += strlen(pod[i]) + 1;
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
	for (int i = 0; i < OTLP_POD_ATTRS; i++)
		if (pod[i][0])
			PUT(pod[i], pod[i]);
#undef PUT
	r->pid = pid;
	return r;
}
