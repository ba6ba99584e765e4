/* runtime/container.c: container ids and pod uids parsed from the cgroup
 * paths of each runtime's layout (systemd and cgroupfs drivers), paths
 * that name none, and the names read from a fake state tree of
 * containerd, CRI-O, podman and docker (ETRACE_CONTAINER_STATE_ROOT). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "unit.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID64B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

struct row {
	const char *path, *id, *uid;
};

static void test_parse(void)
{
	static const struct row r[] = {
	    {"/system.slice/docker-" ID64 ".scope", ID64, ""},
	    {"/docker/" ID64, ID64, ""},
	    {"/kubepods.slice/kubepods-besteffort.slice/"
	     "kubepods-besteffort-pod1b2c3d4e_0000_4a4a_8888_123456789abc"
	     ".slice/cri-containerd-" ID64 ".scope",
	     ID64, "1b2c3d4e-0000-4a4a-8888-123456789abc"},
	    {"/kubepods.slice/kubepods-pod0a0b.slice/crio-" ID64B ".scope",
	     ID64B, "0a0b"},
	    /* the pod's cgroup itself, and CRI-O's monitor: no container */
	    {"/kubepods.slice/kubepods-burstable.slice/"
	     "kubepods-burstable-pod0a0b.slice",
	     "", "0a0b"},
	    {"/kubepods.slice/kubepods-pod0a0b.slice/crio-conmon-" ID64
	     ".scope",
	     "", "0a0b"},
	    {"/kubepods/besteffort/pod0a0b-1111/" ID64, ID64, "0a0b-1111"},
	    {"/machine.slice/libpod-" ID64 ".scope/container", ID64, ""},
	    {"/machine.slice/libpod-conmon-" ID64 ".scope", "", ""},
	    {"/libpod_parent/libpod-" ID64, ID64, ""},
	    {"/machine.slice/machine-web\\x2d1.scope/payload", "web-1", ""},
	    {"/user.slice/user-0.slice/session-1.scope", "", ""},
	    {"/system.slice/docker.service", "", ""},
	    {"/", "", ""},
	    {"", "", ""},
	};
	char id[128], uid[64];

	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		container_parse_path(r[i].path, id, sizeof(id), uid,
				     sizeof(uid));
		if (strcmp(id, r[i].id) || strcmp(uid, r[i].uid))
			fprintf(stderr, "\n  %s -> [%s] [%s]\n", r[i].path, id,
				uid);
		CU_ASSERT_STRING_EQUAL(id, r[i].id);
		CU_ASSERT_STRING_EQUAL(uid, r[i].uid);
	}
	/* a short buffer cuts, never overflows */
	container_parse_path("/docker/" ID64, id, 9, uid, sizeof(uid));
	CU_ASSERT_STRING_EQUAL(id, "01234567");
}

static void write_file(const char *dir, const char *rel, const char *text)
{
	char path[4096], cmd[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	CU_ASSERT_EQUAL(system(cmd), 0);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static const char *field(const char *path, enum container_field f)
{
	static char buf[256];

	container_field_of_path(path, f, buf, sizeof(buf));
	return buf;
}

static void test_state(void)
{
	char dir[] = "/tmp/etrace-container-XXXXXX", cmd[128];
	const char *kube = "/kubepods.slice/kubepods-besteffort.slice/"
			   "kubepods-besteffort-podaa_bb.slice/";

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	setenv("ETRACE_CONTAINER_STATE_ROOT", dir, 1);
	write_file(dir,
		   "run/containerd/io.containerd.runtime.v2.task/k8s.io/" ID64
		   "/config.json",
		   "{\"annotations\": {"
		   "\"io.kubernetes.cri.sandbox-name\": \"web-7d9\","
		   "\"io.kubernetes.cri.sandbox-namespace\": \"shop\","
		   "\"io.kubernetes.cri.container-name\": \"nginx\"}}");
	write_file(dir,
		   "run/containers/storage/overlay-containers/" ID64B
		   "/userdata/config.json",
		   "{\"annotations\": {"
		   "\"io.kubernetes.pod.name\": \"db-0\","
		   "\"io.kubernetes.pod.namespace\": \"data\","
		   "\"io.kubernetes.pod.uid\": \"ignored-path-wins\","
		   "\"io.kubernetes.container.name\": \"postgres\"}}");
	write_file(dir, "var/lib/docker/containers/" ID64 "/config.v2.json",
		   "{\"Name\": \"/shadowed\"}");
	write_file(dir,
		   "var/lib/containers/storage/overlay-containers/"
		   "containers.json",
		   "[{\"id\": \"" ID64B "\", \"names\": [\"other\"]}]");

	char p1[512], p2[512];

	snprintf(p1, sizeof(p1), "%scri-containerd-%s.scope", kube, ID64);
	snprintf(p2, sizeof(p2), "%scrio-%s.scope", kube, ID64B);
	CU_ASSERT_STRING_EQUAL(field(p1, CF_ID), ID64);
	CU_ASSERT_STRING_EQUAL(field(p1, CF_POD), "web-7d9");
	CU_ASSERT_STRING_EQUAL(field(p1, CF_POD_NS), "shop");
	CU_ASSERT_STRING_EQUAL(field(p1, CF_POD_UID), "aa-bb");
	/* the CRI name comes first, docker's only when there is none */
	CU_ASSERT_STRING_EQUAL(field(p1, CF_NAME), "nginx");
	CU_ASSERT_STRING_EQUAL(field(p2, CF_POD), "db-0");
	CU_ASSERT_STRING_EQUAL(field(p2, CF_POD_NS), "data");
	CU_ASSERT_STRING_EQUAL(field(p2, CF_POD_UID), "aa-bb");
	CU_ASSERT_STRING_EQUAL(field(p2, CF_NAME), "postgres");
	/* docker alone */
	CU_ASSERT_STRING_EQUAL(field("/docker/" ID64, CF_NAME), "nginx");
	unlink(strcat(strcpy(p1, dir),
		      "/run/containerd/io.containerd."
		      "runtime.v2.task/k8s.io/" ID64 "/config.json"));
	CU_ASSERT_STRING_EQUAL(field("/docker/" ID64, CF_NAME), "shadowed");
	CU_ASSERT_STRING_EQUAL(field("/docker/" ID64, CF_POD), "");
	/* an nspawn machine's name is its id */
	CU_ASSERT_STRING_EQUAL(
	    field("/machine.slice/machine-db.scope", CF_NAME), "db");
	/* no container: every field empty */
	CU_ASSERT_STRING_EQUAL(field("/user.slice", CF_NAME), "");
	CU_ASSERT_STRING_EQUAL(field("/user.slice", CF_POD), "");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	unsetenv("ETRACE_CONTAINER_STATE_ROOT");
}

/* the state paths, which the privileged helper opens for a container
 * id the dropped process sends: a 64-hex id or none, nothing else */
static void test_state_path(void)
{
	char buf[512], bad[65];

	setenv("ETRACE_CONTAINER_STATE_ROOT", "/st", 1);
	CU_ASSERT_TRUE(container_state_path(CS_DOCKER, ID64, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "/st/var/lib/docker/containers/" ID64
				    "/config.v2.json");
	CU_ASSERT_TRUE(
	    container_state_path(CS_CONTAINERD, ID64, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf,
			       "/st/run/containerd/io.containerd.runtime.v2."
			       "task/*/" ID64 "/config.json");
	CU_ASSERT_TRUE(container_state_path(CS_PODMAN_NAMES, "", buf,
					    sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "/st/var/lib/containers/storage/"
				    "overlay-containers/containers.json");
	/* 64 characters, not all hex: a path out of the tree */
	memset(bad, 'a', 64);
	memcpy(bad, "../../../../etc/shadow/", 23);
	bad[64] = '\0';
	CU_ASSERT_FALSE(container_state_path(CS_DOCKER, bad, buf, sizeof(buf)));
	CU_ASSERT_FALSE(
	    container_state_path(CS_STORAGE_RUN, "abc", buf, sizeof(buf)));
	CU_ASSERT_FALSE(
	    container_state_path(CS_PODMAN_NAMES, ID64, buf, sizeof(buf)));
	CU_ASSERT_FALSE(container_state_path(CS_DOCKER, "", buf, sizeof(buf)));
	CU_ASSERT_FALSE(
	    container_state_path((enum container_state)CS_COUNT, ID64, buf,
				 sizeof(buf)));
	CU_ASSERT_FALSE(container_state_path(CS_DOCKER, ID64, buf, 20));
	unsetenv("ETRACE_CONTAINER_STATE_ROOT");
}

UNIT_MAIN("container", UNIT_TEST(test_parse), UNIT_TEST(test_state),
	  UNIT_TEST(test_state_path))
