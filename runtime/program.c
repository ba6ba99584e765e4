/* A compiled program as the runtime holds it (program.h): names of the
 * enums in an artifact, default settings, and releasing it. */
#include "program.h"

#include <string.h>

static const char *const action_names[ACT_KIND_COUNT] = {
	[ACT_PRINTF] = "printf",         [ACT_SYSTEM] = "system",
	[ACT_CAT] = "cat",               [ACT_TIME] = "time",
	[ACT_JOIN] = "join",             [ACT_PRINT_MAP] = "print_map",
	[ACT_PRINT_VALUE] = "print_value", [ACT_CLEAR] = "clear",
	[ACT_ZERO] = "zero",             [ACT_EXIT] = "exit",
	[ACT_STRFTIME] = "strftime",     [ACT_HELPER_ERROR] = "helper_error",
	[ACT_WATCHPOINT] = "watchpoint", [ACT_UNWATCH] = "unwatch",
	[ACT_ERRORF] = "errorf",         [ACT_WARNF] = "warnf",
	[ACT_SPAN] = "span",             [ACT_H2] = "h2",
};

static const char *const storage_names[MS_COUNT] = {
	[MS_HASH] = "hash",
	[MS_PERCPU_HASH] = "percpu_hash",
	[MS_ARRAY] = "array",
	[MS_PERCPU_ARRAY] = "percpu_array",
	[MS_LRU_HASH] = "lru_hash",
	[MS_LRU_PERCPU_HASH] = "lru_percpu_hash",
};

static const char *const drop_names[DROP_CAUSE_COUNT] = {
	[DROP_MAP_FULL] = "map_full",
	[DROP_MAP_NOMEM] = "map_nomem",
	[DROP_MAP_FAILED] = "map_failed",
	[DROP_STACK_FULL] = "stack_full",
	[DROP_STACK_COLLISION] = "stack_collision",
	[DROP_READ] = "read_failed",
	[DROP_STR_TRUNC] = "str_truncated",
	[DROP_LOOP] = "loop_refused",
	[DROP_RATE_LIMIT] = "rate_limit",
	[DROP_SHED] = "shed",
};

static const char *const usym_cache_names[USYM_CACHE_COUNT] = {
	[USYM_CACHE_AUTO] = "auto",
	[USYM_CACHE_PER_PID] = "per_pid",
	[USYM_CACHE_PER_PROGRAM] = "per_program",
	[USYM_CACHE_NONE] = "none",
};

static int find(const char *const *names, int n, const char *name)
{
	for (int i = 0; name && i < n; i++)
		if (names[i] && !strcmp(names[i], name))
			return i;
	return n;
}

const char *et_action_kind_name(enum et_action_kind k)
{
	return (unsigned)k < ACT_KIND_COUNT ? action_names[k] : "?";
}

enum et_action_kind et_action_kind_find(const char *name)
{
	return (enum et_action_kind)find(action_names, ACT_KIND_COUNT, name);
}

const char *et_map_storage_name(enum et_map_storage s)
{
	return (unsigned)s < MS_COUNT ? storage_names[s] : "?";
}

enum et_map_storage et_map_storage_find(const char *name)
{
	return (enum et_map_storage)find(storage_names, MS_COUNT, name);
}

const char *et_drop_cause_name(enum et_drop_cause c)
{
	return (unsigned)c < DROP_CAUSE_COUNT ? drop_names[c] : "?";
}

enum et_drop_cause et_drop_cause_find(const char *name)
{
	return (enum et_drop_cause)find(drop_names, DROP_CAUSE_COUNT, name);
}

const char *et_usym_cache_name(enum et_usym_cache c)
{
	return (unsigned)c < USYM_CACHE_COUNT ? usym_cache_names[c] : "?";
}

enum et_usym_cache et_usym_cache_find(const char *name)
{
	return (enum et_usym_cache)find(usym_cache_names, USYM_CACHE_COUNT,
					name);
}

void et_settings_default(struct et_settings *s)
{
	*s = (struct et_settings){
		.max_probes = ET_DEFAULT_MAX_PROBES,
		.cat_bytes_max = ET_DEFAULT_CAT_BYTES_MAX,
		.log_size = ET_DEFAULT_LOG_SIZE,
		.cache_user_symbols = USYM_CACHE_AUTO,
	};
}

void et_program__free(struct et_program *p)
{
	if (p)
		arena__free(p->arena); /* p itself lives in its arena */
}
