/* artifact_run.c: the parts of an artifact that concern the run rather
 * than the program's code (artifact.c): its settings (config = { ... }
 * and the environment when it was compiled; program.h struct
 * et_settings) and what its BPF programs count in ET_DROPS_MAP (struct
 * et_drop). Both are optional: an artifact without them has bpftrace's
 * default settings and counts nothing. Its named options (getopt, struct
 * et_option) are optional too. */
#include "artifact_impl.h"
#include "redact.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest of each setting a reader accepts (compiler/settings.c
 * accepts no more). */
#define MAX_PROBES (1u << 20)
#define MAX_CAT_BYTES (1u << 30)
#define MAX_LOG_SIZE (UINT32_MAX >> 2)
#define MAX_DROPS 65536
#define MAX_OPTIONS 1024

static void settings_json(cJSON *root, const struct et_settings *s)
{
	cJSON *o = cJSON_AddObjectToObject(root, "settings");

	cJSON_AddNumberToObject(o, "max_probes", s->max_probes);
	cJSON_AddNumberToObject(o, "cat_bytes_max", s->cat_bytes_max);
	cJSON_AddNumberToObject(o, "log_size", s->log_size);
	art_add_bool(o, "no_cpp_demangle", s->no_cpp_demangle);
	art_add_bool(o, "no_user_symbols", s->no_user_symbols);
	if (s->stack_lines)
		art_add_bool(o, "stack_lines", true);
	cJSON_AddStringToObject(o, "cache_user_symbols",
				et_usym_cache_name(s->cache_user_symbols));
	if (s->no_print_maps_on_exit)
		art_add_bool(o, "no_print_maps_on_exit", true);
	if (s->missing_probes)
		cJSON_AddNumberToObject(o, "missing_probes", s->missing_probes);
	art_add_str(o, "flamegraph", s->flamegraph);
	art_add_str(o, "folded", s->folded);
	art_add_str(o, "metrics_addr", s->metrics_addr);
	art_add_str(o, "otlp_endpoint", s->otlp_endpoint);
	if (s->otlp_protocol || s->otlp_protocol_set)
		cJSON_AddStringToObject(o, "otlp_protocol",
					s->otlp_protocol ? "json" : "protobuf");
	art_add_str(o, "otlp_headers", s->otlp_headers);
	if (s->otlp_interval_set)
		cJSON_AddNumberToObject(o, "otlp_interval_ms",
					s->otlp_interval_ms);
	if (s->otlp_queue)
		cJSON_AddNumberToObject(o, "otlp_queue", s->otlp_queue);
	art_add_str(o, "service_name", s->service_name);
	if (s->redact) {
		char names[128];

		cJSON_AddStringToObject(
		    o, "redact", redact_names(s->redact, names, sizeof(names)));
	}
	if (s->max_overhead)
		cJSON_AddNumberToObject(o, "max_overhead", s->max_overhead);
}

static cJSON *drop_json(const struct et_drop *d)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "cause", et_drop_cause_name(d->cause));
	if (d->map_id >= 0)
		cJSON_AddNumberToObject(o, "map", d->map_id);
	art_add_str(o, "what", d->what);
	cJSON_AddItemToObject(o, "loc", art_loc_json(d->loc));
	if (d->limit)
		cJSON_AddNumberToObject(o, "limit", d->limit);
	if (d->cause == DROP_RATE_LIMIT || d->cause == DROP_SHED)
		cJSON_AddNumberToObject(o, "probe", d->probe);
	return o;
}

static const char *const option_kinds[] = {
    [ET_OPT_BOOL] = "bool",
    [ET_OPT_UINT] = "uint",
    [ET_OPT_INT] = "int",
    [ET_OPT_STRING] = "string",
};

/* Integer defaults as decimal text: a JSON number is a double. */
static cJSON *option_json(const struct et_option *op)
{
	cJSON *o = cJSON_CreateObject();
	char def[32];

	cJSON_AddStringToObject(o, "name", op->name);
	art_add_str(o, "desc", op->desc);
	cJSON_AddStringToObject(o, "kind", option_kinds[op->kind]);
	if (op->kind == ET_OPT_STRING) {
		cJSON_AddStringToObject(o, "default", op->def_str);
		cJSON_AddNumberToObject(o, "size", op->size);
	} else {
		snprintf(def, sizeof(def), "%" PRIu64, op->def);
		cJSON_AddStringToObject(o, "default", def);
	}
	return o;
}

void art_run_write(cJSON *root, const struct et_program *p)
{
	cJSON *a;

	a = cJSON_AddArrayToObject(root, "options");
	for (int i = 0; i < p->noptions; i++)
		cJSON_AddItemToArray(a, option_json(&p->options[i]));

	settings_json(root, &p->settings);
	a = cJSON_AddArrayToObject(root, "drops");
	for (int i = 0; i < p->ndrops; i++)
		cJSON_AddItemToArray(a, drop_json(&p->drops[i]));
}

/* config otlp_*, service_name (runtime/otlp.h) */
static bool read_otlp(struct rd *r, const cJSON *o, struct et_settings *s)
{
	const char *what = "settings", *proto = NULL;

	s->otlp_interval_set =
		cJSON_GetObjectItemCaseSensitive(o, "otlp_interval_ms") != NULL;
	if (!art_get_str(r, o, what, "otlp_endpoint", false,
			 &s->otlp_endpoint) ||
	    !art_get_str(r, o, what, "otlp_protocol", false, &proto) ||
	    !art_get_u32(r, o, what, "otlp_interval_ms", UINT32_MAX,
			 &s->otlp_interval_ms) ||
	    !art_get_u32(r, o, what, "otlp_queue", 1u << 22, &s->otlp_queue) ||
	    !art_get_str(r, o, what, "service_name", false, &s->service_name) ||
	    !art_get_str(r, o, what, "otlp_headers", false, &s->otlp_headers))
		return false;
	if (proto && strcmp(proto, "json") && strcmp(proto, "protobuf"))
		return art_fail(r, "settings: unknown otlp_protocol '%s'", proto);
	s->otlp_protocol = proto && !strcmp(proto, "json");
	s->otlp_protocol_set = proto != NULL;
	return true;
}

/* config redact: class names (runtime/redact.h) */
static bool read_redact(struct rd *r, const cJSON *o, struct et_settings *s)
{
	const char *list = NULL, *bad = NULL;
	size_t badlen = 0;

	if (!art_get_str(r, o, "settings", "redact", false, &list))
		return false;
	if (list && redact_parse(list, &s->redact, &bad, &badlen))
		return art_fail(r, "settings: unknown redact class '%.*s'",
				(int)badlen, bad);
	return true;
}

static bool read_settings(struct rd *r, const cJSON *root)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "settings");
	struct et_settings *s = &r->p->settings;
	const char *cache = NULL;
	const char *what = "settings";

	et_settings_default(s);
	if (!o)
		return true;
	if (!cJSON_IsObject(o) ||
	    !art_get_u32(r, o, what, "max_probes", MAX_PROBES,
			 &s->max_probes) ||
	    !art_get_u32(r, o, what, "cat_bytes_max", MAX_CAT_BYTES,
			 &s->cat_bytes_max) ||
	    !art_get_u32(r, o, what, "log_size", MAX_LOG_SIZE, &s->log_size) ||
	    !art_get_str(r, o, what, "cache_user_symbols", false, &cache) ||
	    !art_get_str(r, o, what, "flamegraph", false, &s->flamegraph) ||
	    !art_get_str(r, o, what, "folded", false, &s->folded) ||
	    !art_get_str(r, o, what, "metrics_addr", false,
			 &s->metrics_addr) ||
	    !art_get_u32(r, o, what, "max_overhead", 10000,
			 &s->max_overhead) ||
	    !read_otlp(r, o, s) || !read_redact(r, o, s))
		return art_fail(r, "the settings are not settings");
	s->no_cpp_demangle = art_get_bool(o, "no_cpp_demangle");
	s->no_user_symbols = art_get_bool(o, "no_user_symbols");
	s->stack_lines = art_get_bool(o, "stack_lines");
	s->no_print_maps_on_exit = art_get_bool(o, "no_print_maps_on_exit");
	if (cJSON_GetObjectItemCaseSensitive(o, "missing_probes")) {
		uint32_t m;

		if (!art_get_u32(r, o, what, "missing_probes",
				 ET_MISSING_IGNORE, &m))
			return art_fail(r, "the settings are not settings");
		s->missing_probes = (uint8_t)m;
	}
	if (cache)
		s->cache_user_symbols = et_usym_cache_find(cache);
	if (s->cache_user_symbols == USYM_CACHE_COUNT)
		return art_fail(r, "settings: unknown cache_user_symbols '%s'",
				cache);
	if (!s->max_probes || !s->cat_bytes_max ||
	    s->log_size < ET_MIN_LOG_SIZE)
		return art_fail(r, "settings: max_probes, cat_bytes_max or "
				"log_size is too small");
	return true;
}

/* A map cause names one of the program's maps, a stack cause its stack,
 * others neither. */
static bool check_drop(struct rd *r, const char *what, struct et_drop *d,
		       uint64_t map, uint64_t probe)
{
	bool map_cause = d->cause <= DROP_MAP_FAILED;
	bool stack = d->cause == DROP_STACK_FULL ||
		     d->cause == DROP_STACK_COLLISION;
	bool gate = d->cause == DROP_RATE_LIMIT || d->cause == DROP_SHED;

	/* a gate's probe is one of the program's (read before the drops) */
	if (gate != (probe != UINT64_MAX) ||
	    (gate && probe >= (uint64_t)r->p->nprobes))
		return art_fail(r, "%s: not a probe of the program", what);
	d->probe = gate ? (int)probe : -1;
	if (d->cause == DROP_RATE_LIMIT && !d->limit)
		return art_fail(r, "%s: a rate limit of 0", what);

	if (map_cause != (map != UINT64_MAX) ||
	    (map_cause && map >= (uint64_t)r->p->nmaps))
		return art_fail(r, "%s: not a map of the program", what);
	d->map_id = map_cause ? (int)map : -1;
	if (stack && !d->what)
		return art_fail(r, "%s: which stack is not said", what);
	return true;
}

static bool read_drop(struct rd *r, const cJSON *o, int idx,
		      struct et_drop *d)
{
	const char *cause = NULL;
	uint64_t map = UINT64_MAX, probe = UINT64_MAX;
	char what[32];

	snprintf(what, sizeof(what), "drops[%d]", idx);
	if (!cJSON_IsObject(o) ||
	    !art_get_str(r, o, what, "cause", true, &cause))
		return art_fail(r, "%s is not a drop counter", what);
	d->cause = et_drop_cause_find(cause);
	if (d->cause == DROP_CAUSE_COUNT)
		return art_fail(r, "%s: unknown cause '%s'", what, cause);
	if (!art_get_uint(r, o, what, "map", MAX_DROPS, &map) ||
	    !art_get_str(r, o, what, "what", false, &d->what) ||
	    !art_get_loc(r, o, what, &d->loc) ||
	    !art_get_u32(r, o, what, "limit", UINT32_MAX, &d->limit) ||
	    !art_get_uint(r, o, what, "probe", MAX_DROPS, &probe))
		return false;
	return check_drop(r, what, d, map, probe);
}

static bool read_option(struct rd *r, const cJSON *o, int idx,
			struct et_option *op)
{
	const char *kind = NULL, *def = NULL;
	char *end;
	int k;

	if (!art_get_str(r, o, "option", "name", true, &op->name) ||
	    !art_get_str(r, o, "option", "desc", false, &op->desc) ||
	    !art_get_str(r, o, "option", "kind", true, &kind) ||
	    !art_get_str(r, o, "option", "default", true, &def) ||
	    !art_get_u32(r, o, "option", "size", 1u << 20, &op->size))
		return false;
	op->desc = op->desc ? op->desc : "";
	for (k = 0; k <= ET_OPT_STRING; k++)
		if (!strcmp(kind, option_kinds[k]))
			break;
	if (k > ET_OPT_STRING)
		return art_fail(r, "option %s: unknown kind '%s'", op->name,
				kind);
	op->kind = (enum et_option_kind)k;
	if (op->kind == ET_OPT_STRING) {
		op->def_str = def;
		if (!op->size || strlen(def) >= op->size)
			return art_fail(r, "option %s: bad size", op->name);
		return true;
	}
	errno = 0;
	op->def = strtoull(def, &end, 10);
	if (errno || end == def || *end)
		return art_fail(r, "option %s: bad default '%s'", op->name,
				def);
	return true;
}

bool art_run_read(struct rd *r, const cJSON *root)
{
	struct et_program *p = r->p;
	const cJSON *l, *o;
	int i = 0;

	if (!read_settings(r, root))
		return false;
	l = art_get_array(r, root, "drops", MAX_DROPS, &p->ndrops);
	p->drops = arena_calloc(r->a, p->ndrops + 1, sizeof(*p->drops));
	cJSON_ArrayForEach(o, l) {
		if (!read_drop(r, o, i, &p->drops[i]))
			return false;
		i++;
	}
	i = 0;
	l = art_get_array(r, root, "options", MAX_OPTIONS, &p->noptions);
	p->options = arena_calloc(r->a, p->noptions + 1, sizeof(*p->options));
	cJSON_ArrayForEach(o, l) {
		if (!read_option(r, o, i, &p->options[i]))
			return false;
		i++;
	}
	return !r->failed;
}
