/* --container ID|NAME and --cgroup PATH (compiler/codegen/cg_cgfilter.c
 * writes the kernel side): before the load, the allowed cgroups are
 * found (container.h) and their levels set in ET_FILTER_CGLEVELS_VAR;
 * after it, their ids go into ET_CGROUP_FILTER_MAP, before any probe is
 * attached. */
#include <bpf/bpf.h>
#include <errno.h>
#include <string.h>

#include "abi.h"
#include "container.h"
#include "run_impl.h"

static bool too_deep(const char *what, int level)
{
	if (level < ET_CGROUP_LEVELS)
		return false;
	run_error("%s: its cgroup is %d levels deep, the filter tests %d", what,
		  level, ET_CGROUP_LEVELS - 1);
	return true;
}

static int add_container(struct run *r, const char *spec)
{
	int lv[ET_CGROUP_FILTER_MAX];
	int n = container_cgroups(spec, r->cg_ids + r->ncg_ids, lv,
				  ET_CGROUP_FILTER_MAX - r->ncg_ids);

	if (n <= 0) {
		run_error("--container %s: no container with that id or name "
			  "has a cgroup on this host",
			  spec);
		return -ENOENT;
	}
	for (int i = 0; i < n; i++)
		if (too_deep(spec, lv[i]))
			return -E2BIG;
	for (int i = 0; i < n; i++)
		r->cg_levels |= 1u << lv[i];
	r->ncg_ids += n;
	return 0;
}

static int add_cgroup(struct run *r, const char *path)
{
	uint64_t id;
	int level, err = container_cgroup_of_path(path, &id, &level);

	if (err) {
		run_error("--cgroup %s: %s", path,
			  err == -ENOTDIR ? "not a cgroup directory"
					  : strerror(-err));
		return err;
	}
	if (r->ncg_ids == ET_CGROUP_FILTER_MAX || too_deep(path, level))
		return -E2BIG;
	r->cg_ids[r->ncg_ids++] = id;
	r->cg_levels |= 1u << level;
	return 0;
}

int run_cgroup_fit(struct run *r)
{
	int err = 0;

	if (!r->o->container && !r->o->cgroup)
		return 0;
	if (r->o->container)
		err = add_container(r, r->o->container);
	if (!err && r->o->cgroup)
		err = add_cgroup(r, r->o->cgroup);
	if (err)
		return err;
	err = loader__set_rodata(r->l, ET_FILTER_CGLEVELS_VAR, &r->cg_levels,
				 sizeof(r->cg_levels));
	if (err == -ENOENT) {
		run_error("--container, --cgroup: no probe of this program "
			  "runs in a task (BEGIN, END and interval only): "
			  "they filter nothing");
		return err;
	}
	if (err)
		run_error("cannot set the cgroup filter in the program's "
			  "read-only data: %s",
			  strerror(-err));
	return err;
}

int run_cgroup_fill(struct run *r)
{
	int fd = r->ncg_ids ? loader__map_fd(r->l, ET_CGROUP_FILTER_MAP) : -1;
	uint8_t one = 1;

	for (int i = 0; fd >= 0 && i < r->ncg_ids; i++) {
		if (bpf_map_update_elem(fd, &r->cg_ids[i], &one, BPF_ANY)) {
			run_error("cannot fill the cgroup filter: %s",
				  strerror(errno));
			return -errno;
		}
	}
	if (r->ncg_ids && fd < 0) {
		run_error("the program has no cgroup filter map");
		return -ENOENT;
	}
	return 0;
}
