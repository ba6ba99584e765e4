/* Containers and Kubernetes pods as the kernel knows them: a cgroup id
 * (bpf_get_current_cgroup_id). The cgroup v2 directory with that id
 * (name_to_handle_at) names the container and the pod in the layouts of
 * docker, containerd/CRI, CRI-O, podman and systemd-nspawn; the
 * runtimes' state on disk names the container and its pod (no API
 * server). ETRACE_CONTAINER_STATE_ROOT, when set, is put in front of
 * every state path (/run/containerd, /run/containers/storage,
 * /var/lib/containers/storage, /var/lib/docker): tests point it at a
 * fake tree.
 *
 * The cache is global and locked (the event loop and the metrics
 * thread decode values); a cgroup id not in it walks the hierarchy
 * again once. Returned strings belong to the cache and live until
 * containers_reset(). */
#ifndef ETRACE_CONTAINER_H
#define ETRACE_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a cgroup says of its container; "" when it says nothing. */
enum container_field {
	CF_ID,	    /* container id (64 hex, or the nspawn machine name) */
	CF_NAME,    /* the runtime's name for the container */
	CF_POD,	    /* pod name */
	CF_POD_NS,  /* pod namespace */
	CF_POD_UID, /* pod uid (from the cgroup path, else the state) */
	CF_COUNT
};

/* A cgroup path (relative to the cgroup2 mount, as in /proc/PID/cgroup's
 * "0::" line): the container id of its deepest container component and
 * the pod uid of its pod component. id and uid get "" when absent.
 * Pure: no file is read. */
void container_parse_path(const char *path, char *id, size_t idsz, char *uid,
			  size_t uidsz);

/* The field of the container of cgroup id, copied to buf; "" when the
 * cgroup is in no container or is gone. */
void container_field(uint64_t cgid, enum container_field f, char *buf,
		     size_t size);

/* The field of the container whose cgroup path is path (for a process's
 * /proc/PID/cgroup line): the runtime state, as container_field. */
void container_field_of_path(const char *path, enum container_field f,
			     char *buf, size_t size);

/* --container ID|NAME: the cgroups of the containers whose id starts
 * with spec (12 hex digits or more, as docker prints them), or whose
 * name, or nspawn machine name, is spec: their ids and their levels
 * (depth below the root: 1 for /system.slice). Returns how many (at
 * most max), or a negative errno. */
int container_cgroups(const char *spec, uint64_t *ids, int *levels, int max);

/* --cgroup PATH: the id and level of a cgroup v2 directory, PATH
 * absolute (under the mount) or relative to the cgroup2 mount. Returns
 * 0 or a negative errno. */
int container_cgroup_of_path(const char *path, uint64_t *id, int *level);

/* The runtimes' state files of a container (ETRACE_CONTAINER_STATE_ROOT
 * in front): containerd's bundle (a glob pattern: its namespace is a
 * '*'), CRI-O's and podman's bundles, podman's names, docker's config. */
enum container_state {
	CS_CONTAINERD,	/* /run/containerd/...task/NS/ID/config.json */
	CS_STORAGE_RUN, /* /run/containers/storage/...ID/userdata/config.json */
	CS_STORAGE_LIB, /* /var/lib/containers/storage/, the same */
	CS_PODMAN_NAMES, /* its overlay-containers/containers.json (no ID) */
	CS_DOCKER,	 /* /var/lib/docker/containers/ID/config.v2.json */
	CS_COUNT
};

/* The path of state file `which` of container id (64 hex digits; ""
 * for CS_PODMAN_NAMES) into buf; false when id is not one. The
 * privileged helper (priv.h) builds its paths with it too: after the
 * privilege drop, state that is root's is opened by the helper. */
bool container_state_path(enum container_state which, const char *id, char *buf,
			  size_t size);

/* Forget the cache (tests). */
void containers_reset(void);

#endif
