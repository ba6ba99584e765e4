/* Containers and pods of cgroup ids (container.h): the cgroup v2
 * hierarchy walked once into a table {id, level, path}, walked again
 * when an id is missing; per entry, the fields parsed from its path and
 * read from the container runtimes' state, computed on first use. */
#define _GNU_SOURCE
#include "container.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "priv_io.h"

struct cg_entry {
	uint64_t id;
	int level;
	char *path;	       /* relative to the mount: "/system.slice" */
	char *field[CF_COUNT]; /* NULL until computed */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct cg_entry *entries;
static size_t nentries, cap;
static char root[4096];
static size_t rootlen;
static bool walked;
/* ids a fresh walk did not find (gone, or from another hierarchy):
 * cgroup ids are never reused, so one walk per id is enough */
static uint64_t missing[256];
static size_t nmissing;

/* The cgroup2 mount point (the first in /proc/mounts). */
static void find_root(void)
{
	FILE *f = fopen("/proc/mounts", "re");
	char dev[64], dir[4096], fs[64];

	snprintf(root, sizeof(root), "/sys/fs/cgroup");
	while (f && fscanf(f, "%63s %4095s %63s%*[^\n]", dev, dir, fs) == 3) {
		if (!strcmp(fs, "cgroup2")) {
			snprintf(root, sizeof(root), "%s", dir);
			break;
		}
	}
	if (f)
		fclose(f);
	rootlen = strlen(root);
	while (rootlen > 1 && root[rootlen - 1] == '/')
		root[--rootlen] = '\0';
}

/* A cgroup's id is its kernfs node id, which name_to_handle_at returns
 * as the file handle (the inode number on 64-bit kernels). */
static int id_of(const char *path, uint64_t *id)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = {.fh.handle_bytes = sizeof(uint64_t)};
	int mount_id;
	struct stat st;

	if (!name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) &&
	    h.fh.handle_bytes == sizeof(uint64_t)) {
		memcpy(id, h.fh.f_handle, sizeof(*id));
		return 0;
	}
	if (stat(path, &st))
		return -errno;
	*id = st.st_ino;
	return 0;
}

static int visit(const char *path, const struct stat *st, int flag,
		 struct FTW *ftw)
{
	struct cg_entry *e;
	uint64_t id;

	if (flag != FTW_D || id_of(path, &id))
		return 0;
	if (nentries == cap) {
		size_t n = cap ? cap * 2 : 256;
		struct cg_entry *ne = realloc(entries, n * sizeof(*ne));

		if (!ne)
			return -1;
		entries = ne;
		cap = n;
	}
	e = &entries[nentries];
	memset(e, 0, sizeof(*e));
	e->id = id;
	e->level = ftw->level;
	e->path = strdup(path[rootlen] ? path + rootlen : "/");
	if (!e->path)
		return -1;
	nentries++;
	return 0;
}

static void forget(void)
{
	for (size_t i = 0; i < nentries; i++) {
		free(entries[i].path);
		for (int f = 0; f < CF_COUNT; f++)
			free(entries[i].field[f]);
	}
	nentries = 0;
}

static void walk(void)
{
	if (!rootlen)
		find_root();
	forget();
	nftw(root, visit, 32, FTW_PHYS);
	walked = true;
}

static struct cg_entry *find(uint64_t id)
{
	for (size_t i = 0; i < nentries; i++)
		if (entries[i].id == id)
			return &entries[i];
	return NULL;
}

static struct cg_entry *lookup(uint64_t id)
{
	struct cg_entry *e = walked ? find(id) : NULL;

	if (e)
		return e;
	for (size_t i = 0; i < nmissing && i < 256; i++)
		if (missing[i] == id)
			return NULL;
	walk();
	e = find(id);
	if (!e)
		missing[nmissing++ % 256] = id; /* oldest first out */
	return e;
}

/* ---- the path's names ---- */

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

static bool starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && !memcmp(s, prefix, k);
}

/* systemd's unit name escaping: "\x2d" is '-' */
static void unescape(const char *s, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < size; i++) {
		unsigned int c;

		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    sscanf(s + i + 2, "%2x", &c) == 1) {
			out[o++] = (char)c;
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
}

static void put(char *buf, size_t size, const char *s, size_t n)
{
	if (!size)
		return;
	n = n < size - 1 ? n : size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* One component c (n bytes, parent p of pn bytes): a container id? */
static bool component_id(const char *c, size_t n, const char *p, size_t pn,
			 char *id, size_t idsz)
{
	static const char *const scopes[] = {"docker-", "cri-containerd-",
					     "crio-", "libpod-"};
	size_t k;

	if (n > 6 && !memcmp(c + n - 6, ".scope", 6)) {
		n -= 6;
		for (size_t i = 0; i < sizeof(scopes) / sizeof(*scopes); i++) {
			k = strlen(scopes[i]);
			/* crio-conmon-ID, libpod-conmon-ID: the monitor */
			if (starts(c, n, scopes[i]) && all_hex(c + k, n - k)) {
				put(id, idsz, c + k, n - k);
				return true;
			}
		}
		if (starts(c, n, "machine-") && n > 8) {
			unescape(c + 8, n - 8, id, idsz);
			return true;
		}
		return false;
	}
	/* cgroupfs drivers: /docker/ID, /kubepods/QOS/podUID/ID,
	 * /libpod_parent/libpod-ID */
	if (starts(c, n, "libpod-") && all_hex(c + 7, n - 7)) {
		put(id, idsz, c + 7, n - 7);
		return true;
	}
	if (n == 64 && all_hex(c, n) &&
	    ((pn == 6 && !memcmp(p, "docker", 6)) || starts(p, pn, "pod"))) {
		put(id, idsz, c, n);
		return true;
	}
	return false;
}

/* kubepods-besteffort-pod<uid>.slice (dashes as '_'), kubepods/podUID */
static bool component_pod(const char *c, size_t n, bool in_kubepods, char *uid,
			  size_t uidsz)
{
	const char *s = NULL;
	size_t len = 0;

	if (starts(c, n, "kubepods") && n > 6 &&
	    !memcmp(c + n - 6, ".slice", 6)) {
		const char *pod = memmem(c, n - 6, "-pod", 4);

		if (pod) {
			s = pod + 4;
			len = (size_t)(c + n - 6 - s);
		}
	} else if (in_kubepods && starts(c, n, "pod")) {
		s = c + 3;
		len = n - 3;
	}
	if (!s || !len)
		return false;
	put(uid, uidsz, s, len);
	for (char *q = uid; *q; q++)
		if (*q == '_')
			*q = '-';
	return true;
}

void container_parse_path(const char *path, char *id, size_t idsz, char *uid,
			  size_t uidsz)
{
	const char *c = path, *p = "";
	size_t pn = 0;
	bool kube = false;

	if (idsz)
		id[0] = '\0';
	if (uidsz)
		uid[0] = '\0';
	while (*c) {
		size_t n;

		while (*c == '/')
			c++;
		n = strcspn(c, "/");
		if (!n)
			break;
		component_id(c, n, p, pn, id, idsz);
		if (component_pod(c, n, kube, uid, uidsz))
			kube = true;
		kube = kube || starts(c, n, "kubepods");
		p = c;
		pn = n;
		c += n;
	}
}

/* ---- the runtimes' state ---- */

static const char *state_root(void)
{
	const char *r = getenv("ETRACE_CONTAINER_STATE_ROOT");

	return r ? r : "";
}

static void set_field(char **fields, enum container_field f, const char *s)
{
	if (s && s[0] && !fields[f])
		fields[f] = strdup(s);
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool container_state_path(enum container_state which, const char *id, char *buf,
			  size_t size)
{
	static const char *const fmt[CS_COUNT] = {
	    [CS_CONTAINERD] = "%s/run/containerd/io.containerd.runtime.v2.task/"
			      "*/%s/config.json",
	    [CS_STORAGE_RUN] = "%s/run/containers/storage/overlay-containers/"
			       "%s/userdata/config.json",
	    [CS_STORAGE_LIB] = "%s/var/lib/containers/storage/"
			       "overlay-containers/%s/userdata/config.json",
	    [CS_PODMAN_NAMES] = "%s/var/lib/containers/storage/"
				"overlay-containers/containers.json%s",
	    [CS_DOCKER] = "%s/var/lib/docker/containers/%s/config.v2.json",
	};
	size_t n = strlen(id);
	int len;

	if ((unsigned)which >= CS_COUNT ||
	    (which == CS_PODMAN_NAMES ? n != 0 : n != 64 || !all_hex(id, n)))
		return false;
	len = snprintf(buf, size, fmt[which], state_root(), id);
	return len > 0 && (size_t)len < size;
}

static cJSON *parse_file(FILE *f)
{
	char *buf = NULL;
	size_t len = 0;
	cJSON *j = NULL;

	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);

		if (n > 0 && n < (16 << 20) && fseek(f, 0, SEEK_SET) == 0) {
			buf = malloc((size_t)n + 1);
			len = buf ? fread(buf, 1, (size_t)n, f) : 0;
		}
	}
	fclose(f);
	if (buf) {
		buf[len] = '\0';
		j = cJSON_Parse(buf);
	}
	free(buf);
	return j;
}

/* State file `which` of container id: as ourselves, else (root's
 * files, after the privilege drop) opened by the privileged helper */
static cJSON *read_state(enum container_state which, const char *id)
{
	char path[4096];
	FILE *f = NULL;
	glob_t g;

	if (!container_state_path(which, id, path, sizeof(path)))
		return NULL;
	if (which != CS_CONTAINERD) {
		f = fopen(path, "re");
	} else if (!glob(path, 0, NULL, &g)) {
		/* the id is unique: one namespace holds it */
		f = fopen(g.gl_pathv[0], "re");
		globfree(&g);
	}
	if (!f)
		f = priv_state_fopen(which, id);
	return f ? parse_file(f) : NULL;
}

/* Kubernetes' annotations or labels: containerd's (CRI) and CRI-O's,
 * and the docker labels of dockershim */
static void from_labels(const cJSON *a, char **fields)
{
	set_field(fields, CF_POD, jstr(a, "io.kubernetes.cri.sandbox-name"));
	set_field(fields, CF_POD_NS,
		  jstr(a, "io.kubernetes.cri.sandbox-namespace"));
	set_field(fields, CF_POD_UID, jstr(a, "io.kubernetes.cri.sandbox-uid"));
	set_field(fields, CF_NAME, jstr(a, "io.kubernetes.cri.container-name"));
	set_field(fields, CF_POD, jstr(a, "io.kubernetes.pod.name"));
	set_field(fields, CF_POD_NS, jstr(a, "io.kubernetes.pod.namespace"));
	set_field(fields, CF_POD_UID, jstr(a, "io.kubernetes.pod.uid"));
	set_field(fields, CF_NAME, jstr(a, "io.kubernetes.container.name"));
}

/* An OCI bundle's config.json: its annotations */
static void from_oci(enum container_state which, const char *id, char **fields)
{
	cJSON *j = read_state(which, id);

	if (j)
		from_labels(cJSON_GetObjectItemCaseSensitive(j, "annotations"),
			    fields);
	cJSON_Delete(j);
}

/* CRI-O and podman (containers/storage): the bundle under
 * overlay-containers/ID/userdata; podman's names in containers.json */
static void from_storage(const char *id, char **fields)
{
	cJSON *j, *c;

	from_oci(CS_STORAGE_RUN, id, fields);
	from_oci(CS_STORAGE_LIB, id, fields);
	j = read_state(CS_PODMAN_NAMES, "");
	cJSON_ArrayForEach(c, j)
	{
		const cJSON *names =
		    cJSON_GetObjectItemCaseSensitive(c, "names");
		const char *cid = jstr(c, "id");

		if (cid && !strcmp(cid, id) && cJSON_GetArraySize(names) > 0)
			set_field(fields, CF_NAME,
				  cJSON_GetArrayItem(names, 0)->valuestring);
	}
	cJSON_Delete(j);
}

/* docker: /var/lib/docker/containers/ID/config.v2.json, "Name": "/x" */
static void from_docker(const char *id, char **fields)
{
	const char *name;
	cJSON *j = read_state(CS_DOCKER, id);

	name = jstr(j, "Name");
	set_field(fields, CF_NAME, name && name[0] == '/' ? name + 1 : name);
	from_labels(
	    cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(j, "Config"), "Labels"),
	    fields);
	cJSON_Delete(j);
}

static void fill(const char *path, char **fields)
{
	char id[256], uid[128];

	container_parse_path(path, id, sizeof(id), uid, sizeof(uid));
	set_field(fields, CF_ID, id);
	set_field(fields, CF_POD_UID, uid);
	if (strlen(id) == 64 && all_hex(id, 64)) {
		from_oci(CS_CONTAINERD, id, fields);
		from_storage(id, fields);
		from_docker(id, fields);
	} else if (id[0]) {
		set_field(fields, CF_NAME, id); /* the nspawn machine */
	}
	/* every field set: "" when unknown (and fill() done) */
	for (int f = 0; f < CF_COUNT; f++)
		if (!fields[f])
			fields[f] = strdup("");
}

static void copy(char *buf, size_t size, const char *s)
{
	if (size)
		snprintf(buf, size, "%s", s ? s : "");
}

void container_field(uint64_t cgid, enum container_field f, char *buf,
		     size_t size)
{
	struct cg_entry *e;

	pthread_mutex_lock(&lock);
	e = lookup(cgid);
	if (e && !e->field[CF_ID])
		fill(e->path, e->field);
	copy(buf, size, e ? e->field[f] : "");
	pthread_mutex_unlock(&lock);
}

void container_field_of_path(const char *path, enum container_field f,
			     char *buf, size_t size)
{
	char *fields[CF_COUNT] = {0};

	fill(path, fields);
	copy(buf, size, fields[f]);
	for (int i = 0; i < CF_COUNT; i++)
		free(fields[i]);
}

/* Does entry e's container match spec, and is e the container's own
 * cgroup (not one below it)? */
static bool is_container(struct cg_entry *e, const char *spec)
{
	const char *id, *slash;
	size_t n = strlen(spec);
	char pid[256], uid[8];
	char *parent;

	if (!e->field[CF_ID])
		fill(e->path, e->field);
	id = e->field[CF_ID];
	if (!id[0])
		return false;
	if (strcmp(id, spec) && strcmp(e->field[CF_NAME], spec) &&
	    !(n >= 12 && all_hex(spec, n) && !strncmp(id, spec, n)))
		return false;
	slash = strrchr(e->path, '/');
	parent = strndup(e->path, slash ? (size_t)(slash - e->path) : 0);
	if (!parent)
		return false;
	container_parse_path(parent, pid, sizeof(pid), uid, sizeof(uid));
	free(parent);
	return strcmp(pid, id) != 0;
}

int container_cgroups(const char *spec, uint64_t *ids, int *levels, int max)
{
	int n = 0;

	pthread_mutex_lock(&lock);
	walk();
	for (size_t i = 0; i < nentries && n < max; i++) {
		if (!is_container(&entries[i], spec))
			continue;
		ids[n] = entries[i].id;
		levels[n++] = entries[i].level;
	}
	pthread_mutex_unlock(&lock);
	return n;
}

int container_cgroup_of_path(const char *path, uint64_t *id, int *level)
{
	char full[8192];
	struct stat st;
	int err, lv = 0;

	pthread_mutex_lock(&lock);
	if (!rootlen)
		find_root();
	if (!strncmp(path, root, rootlen) &&
	    (path[rootlen] == '/' || !path[rootlen]))
		path += rootlen;
	snprintf(full, sizeof(full), "%s/%s", root, path);
	pthread_mutex_unlock(&lock);
	if (stat(full, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	err = id_of(full, id);
	/* the level: the path's components below the mount */
	for (const char *c = path; *c;) {
		size_t n;

		while (*c == '/')
			c++;
		n = strcspn(c, "/");
		if (n && !(n == 1 && c[0] == '.'))
			lv++;
		c += n;
	}
	*level = lv;
	return err;
}

void containers_reset(void)
{
	pthread_mutex_lock(&lock);
	forget();
	free(entries);
	entries = NULL;
	cap = 0;
	walked = false;
	nmissing = 0;
	rootlen = 0;
	pthread_mutex_unlock(&lock);
}
