/* Value types of the runtime (etype.h): kind names for the artifact. */
#include "etype.h"

#include <string.h>

static const char *const kind_names[T_KIND_COUNT] = {
	[T_NONE] = "none",       [T_INT] = "int",
	[T_STRING] = "string",   [T_BUF] = "buf",
	[T_PTR] = "ptr",         [T_RECORD] = "record",
	[T_ARRAY] = "array",     [T_TUPLE] = "tuple",
	[T_STACK] = "stack",     [T_KSYM] = "ksym",
	[T_USYM] = "usym",       [T_INET] = "inet",
	[T_USERNAME] = "username", [T_TIMESTAMP] = "timestamp",
	[T_CGROUP_PATH] = "cgroup_path", [T_MACADDR] = "macaddr",
	[T_STRERROR] = "strerror",
	[T_SIGNAL_NAME] = "signal_name", [T_SYSCALL_NAME] = "syscall_name", [T_ENUM_VAL] = "enum",
	[T_CONTAINER] = "container", [T_CONTAINER_NAME] = "container_name",
	[T_POD] = "pod", [T_POD_NS] = "pod_namespace", [T_POD_UID] = "pod_uid",
	[T_BOOL] = "bool",
	[T_COUNT] = "count",     [T_SUM] = "sum",
	[T_MIN] = "min",         [T_MAX] = "max",
	[T_AVG] = "avg",         [T_STATS] = "stats",
	[T_HIST] = "hist",       [T_LHIST] = "lhist",
	[T_TSERIES] = "tseries",
};

const char *etype_kind_name(enum type_kind k)
{
	return (unsigned)k < T_KIND_COUNT ? kind_names[k] : "?";
}

enum type_kind etype_kind_find(const char *name)
{
	for (int k = 0; name && k < T_KIND_COUNT; k++)
		if (!strcmp(name, kind_names[k]))
			return (enum type_kind)k;
	return T_KIND_COUNT;
}

struct et_type *etype_new(struct arena *a, enum type_kind k, uint32_t size)
{
	struct et_type *t = arena_calloc(a, 1, sizeof(*t));

	t->kind = k;
	t->size = size;
	return t;
}
