/* settings.c: the table of bpftrace's settings (settings.h) and how a
 * config item or an environment variable sets one. What each setting
 * changes: strlen, stack_mode, max_map_keys, max_bpf_progs and
 * perf_rb_pages the compiled program (the code generator reads them);
 * max_probes, cat_bytes_max, log_size, no_cpp_demangle, no_user_symbols,
 * cache_user_symbols and stack_lines the run (opts.run, in the artifact). */
#include "settings.h"

#include "otlp.h"
#include "loadguard.h"
#include "redact.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum setting_kind { SK_INT, SK_BOOL, SK_WORD, SK_STR };

struct setting {
	const char *name;             /* the config key */
	/* bpftrace 0.26's other name of the key (max_strlen for strlen),
	 * also read as BPFTRACE_ALIAS and ETRACE_ALIAS; a bool alias may
	 * mean the opposite (cpp_demangle, no_cpp_demangle) */
	const char *alias;
	bool alias_inverts;
	/* more environment names than BPFTRACE_NAME and ETRACE_NAME */
	const char *env[3];
	enum setting_kind kind;
	int64_t min, max;             /* SK_INT */
	bool pow2;                    /* SK_INT: a power of two */
	const char *words[8];         /* SK_WORD: the values, in order */
	/* a setting that does not apply to etrace: why */
	const char *refused;
	/* a setting etrace accepts that changes nothing here but for the
	 * value it already has (the index in words, or the bool): why,
	 * said in a warning when another value is given */
	const char *no_effect;
	int64_t same;
	/* v: the integer, the bool, or the index in words */
	void (*set)(struct compile_opts *o, int64_t v);
	/* SK_STR: the text */
	void (*set_str)(struct compile_opts *o, const char *text);
	/* SK_STR with a form: whether text has it, and what it is */
	bool (*check_str)(const char *text);
	const char *str_expected;
};

static void set_strlen(struct compile_opts *o, int64_t v)
{
	o->strlen = (int)v;
}

static void set_stack_mode(struct compile_opts *o, int64_t v)
{
	static const enum stack_mode m[] = { STACK_BPFTRACE, STACK_PERF,
					     STACK_RAW };

	o->stack_mode = m[v];
}

static void set_ustack_unwind(struct compile_opts *o, int64_t v)
{
	o->ustack_fp = v == 1;
}

static void set_map_keys(struct compile_opts *o, int64_t v)
{
	o->max_map_keys = (uint32_t)v;
}

static void set_span_max(struct compile_opts *o, int64_t v)
{
	o->span_max = (uint32_t)v;
}

static void set_span_timeout(struct compile_opts *o, int64_t v)
{
	o->span_timeout_ns = (uint64_t)v;
}

static void set_probes(struct compile_opts *o, int64_t v)
{
	o->run.max_probes = (uint32_t)v;
}

static void set_progs(struct compile_opts *o, int64_t v)
{
	o->max_bpf_progs = (uint32_t)v;
}

static void set_cat(struct compile_opts *o, int64_t v)
{
	o->run.cat_bytes_max = (uint32_t)v;
}

static void set_log(struct compile_opts *o, int64_t v)
{
	o->run.log_size = (uint32_t)v;
}

static void set_rb_pages(struct compile_opts *o, int64_t v)
{
	o->perf_rb_pages = (uint32_t)v;
	o->perf_rb_pages_set = true;
}

static void set_demangle(struct compile_opts *o, int64_t v)
{
	o->run.no_cpp_demangle = v != 0;
}

static void set_usyms(struct compile_opts *o, int64_t v)
{
	o->run.no_user_symbols = v != 0;
}

static void set_stack_lines(struct compile_opts *o, int64_t v)
{
	o->run.stack_lines = v != 0;
}

/* per_pid, per_program, none, and bpftrace 0.17's 0 (no cache) and 1
 * (cache per executable) */
static void set_usym_cache(struct compile_opts *o, int64_t v)
{
	static const enum et_usym_cache c[] = {
		USYM_CACHE_PER_PID, USYM_CACHE_PER_PROGRAM, USYM_CACHE_NONE,
		USYM_CACHE_NONE, USYM_CACHE_PER_PROGRAM,
	};

	o->run.cache_user_symbols = c[v];
}

static void set_block_scoping(struct compile_opts *o, int64_t v)
{
	o->block_scoping = v != 0;
}

static void set_enum_names(struct compile_opts *o, int64_t v)
{
	o->enum_names = v != 0;
}

static void set_signed_sub(struct compile_opts *o, int64_t v)
{
	o->signed_subtraction = v != 0;
}

static void set_no_effect(struct compile_opts *o, int64_t v)
{
	(void)o;
	(void)v;
}

static void set_print_maps(struct compile_opts *o, int64_t v)
{
	o->run.no_print_maps_on_exit = v == 0;
}

static void set_missing(struct compile_opts *o, int64_t v)
{
	static const enum missing_probes m[] = { MP_IGNORE, MP_WARN,
						 MP_ERROR };
	static const uint8_t r[] = { ET_MISSING_IGNORE, ET_MISSING_WARN,
				     ET_MISSING_ERROR };

	o->missing_probes = m[v];
	o->run.missing_probes = r[v];
}

/* bpftrace's words, in words[] order */
static const char *const licenses[] = {
	"GPL",		"GPL v2",      "GPL and additional rights",
	"Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL",
};

static void set_license(struct compile_opts *o, int64_t v)
{
	o->license = licenses[v];
}

static void set_str_trailer(struct compile_opts *o, const char *text)
{
	(void)o;
	(void)text;
}

/* config flamegraph / folded: files the run writes at exit ("": none);
 * the text lives as long as the compile (the config's string, or the
 * environment), and the artifact copies it */
static void set_flamegraph(struct compile_opts *o, const char *text)
{
	o->run.flamegraph = text[0] ? text : NULL;
}

static void set_folded(struct compile_opts *o, const char *text)
{
	o->run.folded = text[0] ? text : NULL;
}

/* config otlp_*, service_name: OpenTelemetry export (runtime/otlp.h;
 * --otlp overrides the endpoint) */
static void set_otlp_endpoint(struct compile_opts *o, const char *text)
{
	o->run.otlp_endpoint = text[0] ? text : NULL;
}

static void set_otlp_protocol(struct compile_opts *o, int64_t v)
{
	o->run.otlp_protocol = (uint8_t)v;
	o->run.otlp_protocol_set = true;
}

/* "key=value,..." as OTEL_EXPORTER_OTLP_HEADERS (otlp_kv_parse) */
static bool check_otlp_headers(const char *text)
{
	struct otlp_kv *kv;
	size_t n;
	char why[256];

	if (otlp_kv_parse(text, &kv, &n, why, sizeof(why)))
		return false;
	otlp_kv_free(kv, n);
	return true;
}

static void set_otlp_headers(struct compile_opts *o, const char *text)
{
	o->run.otlp_headers = text[0] ? text : NULL;
}

static bool check_otlp_interval(const char *text)
{
	uint32_t ms;

	return otlp_parse_interval(text, &ms) == 0;
}

static void set_otlp_interval(struct compile_opts *o, const char *text)
{
	uint32_t ms = 0;

	otlp_parse_interval(text, &ms);
	o->run.otlp_interval_ms = ms;
	o->run.otlp_interval_set = true;
}

static void set_otlp_queue(struct compile_opts *o, int64_t v)
{
	o->run.otlp_queue = (uint32_t)v;
}

static void set_service_name(struct compile_opts *o, const char *text)
{
	o->run.service_name = text[0] ? text : NULL;
}

/* config redact: class names of runtime/redact.h */
static bool check_redact(const char *text)
{
	const char *bad;
	size_t badlen;
	uint32_t m;

	return redact_parse(text, &m, &bad, &badlen) == 0;
}

static void set_redact(struct compile_opts *o, const char *text)
{
	const char *bad;
	size_t badlen;

	redact_parse(text, &o->run.redact, &bad, &badlen);
}

/* config rate_limit: events per second of each probe */
static void set_rate_limit(struct compile_opts *o, int64_t v)
{
	o->rate_limit = (uint32_t)v;
}

/* config max_overhead: "2%" (runtime/loadguard.h) */
static bool check_overhead(const char *text)
{
	uint32_t v;

	return loadguard_parse_budget(text, &v) == 0;
}

static void set_overhead(struct compile_opts *o, const char *text)
{
	loadguard_parse_budget(text, &o->run.max_overhead);
}

/* config metrics_addr: the Prometheus endpoint ("": none) */
static void set_metrics_addr(struct compile_opts *o, const char *text)
{
	o->run.metrics_addr = text[0] ? text : NULL;
}

/* enable, warn, error, and bpftrace's bools: true enables, false is
 * error */
static const enum unstable_mode unstable_modes[] = {
	UM_ENABLE, UM_WARN, UM_ERROR, UM_ENABLE, UM_ERROR, UM_ENABLE, UM_ERROR,
};

#define UNSTABLE_SETTER(fn, feature)                              \
	static void fn(struct compile_opts *o, int64_t v)         \
	{                                                         \
		o->unstable[feature] = unstable_modes[v];         \
	}
UNSTABLE_SETTER(set_un_tseries, UNSTABLE_TSERIES)
UNSTABLE_SETTER(set_un_dw_ustack, UNSTABLE_DW_USTACK)
UNSTABLE_SETTER(set_un_import, UNSTABLE_IMPORT_STATEMENT)
UNSTABLE_SETTER(set_un_typeinfo, UNSTABLE_TYPEINFO)

#define UNSTABLE_WORDS                                                  \
	.words = { "enable", "warn", "error", "true", "false", "1", "0" }

static const struct setting settings[] = {
	/* str() buffers live on the 512-byte BPF stack */
	{ "strlen", "max_strlen", false, {}, SK_INT, 1, 200,
	  .set = set_strlen },
	{ "stack_mode", NULL, false, {}, SK_WORD,
	  .words = { "bpftrace", "perf", "raw" },
	  .set = set_stack_mode },
	/* ustack: call frame information (bpf-helpers/unwind.c) or the
	 * kernel's frame pointer walk */
	{ "ustack_unwind", NULL, false, {}, SK_WORD, .words = { "cfi", "fp" },
	  .set = set_ustack_unwind },
	{ "max_map_keys", "map_keys_max", false, { "ETRACE_MAP_KEYS" },
	  SK_INT, 1, 1 << 24, .set = set_map_keys },
	{ "max_probes", NULL, false, {}, SK_INT, 1, 1 << 20,
	  .set = set_probes },
	/* span blocks (etrace's): open instances per block; how long one
	 * stays open (ns, or a duration: 30s) before it expires */
	{ "span_max", NULL, false, {}, SK_INT, 1, 1 << 22,
	  .set = set_span_max },
	{ "span_timeout", NULL, false, {}, SK_INT, 1000000, INT64_MAX,
	  .set = set_span_timeout },
	{ "max_bpf_progs", NULL, false, {}, SK_INT, 1, 1 << 20,
	  .set = set_progs },
	{ "cat_bytes_max", "max_cat_bytes", false, {}, SK_INT, 1, 1 << 30,
	  .set = set_cat },
	{ "log_size", NULL, false, {}, SK_INT, ET_MIN_LOG_SIZE, UINT32_MAX >> 2,
	  .set = set_log },
	/* one ring buffer for all CPUs, of this many 4 KiB pages; the
	 * kernel wants a power of two */
	{ "perf_rb_pages", NULL, false, {}, SK_INT, 1, 1 << 18, true,
	  .set = set_rb_pages },
	{ "max_type_res_iterations", NULL, false, {}, SK_INT, 0, 1 << 20,
	  .refused = "etrace reads a kernel type from BTF with every type it "
		     "depends on, in one step; bpftrace parses its C "
		     "definitions again for each level of nested types, at "
		     "most this many times" },
	{ "no_cpp_demangle", "cpp_demangle", true, {}, SK_BOOL,
	  .set = set_demangle },
	{ "no_user_symbols", NULL, false, {}, SK_BOOL, .set = set_usyms },
	/* etrace's: ustack frames with their source line */
	{ "stack_lines", NULL, false, {}, SK_BOOL, .set = set_stack_lines },
	{ "cache_user_symbols", NULL, false, {}, SK_WORD,
	  .words = { "per_pid", "per_program", "none", "0", "1" },
	  .set = set_usym_cache },
	/* bpftrace 0.26's meaning where it differs from 0.17's */
	{ "block_scoping", NULL, false, {}, SK_BOOL,
	  .set = set_block_scoping },
	{ "signed_subtraction", NULL, false, {}, SK_BOOL,
	  .set = set_signed_sub },
	{ "enum_names", NULL, false, {}, SK_BOOL, .set = set_enum_names },
	/* bpftrace 0.18 to 0.26 */
	{ "missing_probes", NULL, false, {}, SK_WORD,
	  .words = { "ignore", "warn", "error" }, .set = set_missing },
	{ "print_maps_on_exit", NULL, false, {}, SK_BOOL,
	  .set = set_print_maps },
	{ "license", NULL, false, {}, SK_WORD,
	  .words = { "GPL", "GPL v2", "GPL and additional rights",
		     "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL" },
	  .set = set_license },
	{ "on_stack_limit", NULL, false, {}, SK_INT, 0, 1 << 20,
	  .no_effect = "etrace keeps every value on the 512-byte BPF stack "
		       "(hence strlen's limit of 200)",
	  .same = -1, .set = set_no_effect },
	{ "lazy_symbolication", NULL, false, {}, SK_BOOL,
	  .no_effect = "etrace always reads a binary's symbols when an "
		       "address in it is first printed",
	  .same = 1, .set = set_no_effect },
	{ "show_debug_info", NULL, false, {}, SK_BOOL,
	  .no_effect = "etrace's stacks show no source file and line (as "
		       "bpftrace's without blazesym)",
	  .same = 0, .set = set_no_effect },
	{ "use_blazesym", NULL, false, {}, SK_BOOL,
	  .no_effect = "etrace symbolizes with its own ELF reader, not "
		       "blazesym",
	  .same = 0, .set = set_no_effect },
	{ "str_trunc_trailer", NULL, false, {}, SK_STR,
	  .no_effect = "etrace prints a cut string as it was read (as "
		       "bpftrace 0.17) and counts the cuts in a note at exit",
	  .set_str = set_str_trailer },
	/* etrace: the stacks of the maps keyed by stacks, written at exit
	 * as an SVG flame graph and as folded stacks (--flamegraph and
	 * --folded override them) */
	{ "flamegraph", NULL, false, {}, SK_STR, .set_str = set_flamegraph },
	{ "folded", NULL, false, {}, SK_STR, .set_str = set_folded },
	/* etrace: serve Prometheus metrics (--metrics-addr overrides it) */
	{ "metrics_addr", NULL, false, {}, SK_STR,
	  .set_str = set_metrics_addr },
	/* etrace: OTLP/HTTP export of spans and maps (--otlp overrides the
	 * endpoint) */
	{ "otlp_endpoint", NULL, false, {}, SK_STR,
	  .set_str = set_otlp_endpoint },
	{ "otlp_protocol", NULL, false, {}, SK_WORD,
	  .words = { "protobuf", "json" }, .set = set_otlp_protocol },
	{ "otlp_interval", NULL, false, {}, SK_STR,
	  .check_str = check_otlp_interval,
	  .str_expected = "a duration: 10s, 500ms, 2m, 1h, or 0 (at exit "
			  "only)",
	  .set_str = set_otlp_interval },
	{ "otlp_queue", NULL, false, {}, SK_INT, 1, 1 << 22,
	  .set = set_otlp_queue },
	{ "otlp_headers", NULL, false, {}, SK_STR,
	  .check_str = check_otlp_headers,
	  .str_expected = "headers as key=value,key2=value2 (values "
			  "percent-encoded)",
	  .set_str = set_otlp_headers },
	{ "service_name", NULL, false, {}, SK_STR,
	  .set_str = set_service_name },
	/* etrace: redaction of every string printed (runtime/redact.h) */
	{ "redact", NULL, false, {}, SK_STR, .check_str = check_redact,
	  .str_expected = "class names separated by commas: email, card, "
			  "ssn, ipv4, jwt, secret, pii, sql, resp",
	  .set_str = set_redact },
	/* etrace: load management (runtime/loadguard.h) */
	{ "rate_limit", NULL, false, {}, SK_INT, 1, UINT32_MAX,
	  .set = set_rate_limit },
	{ "max_overhead", NULL, false, {}, SK_STR, .check_str = check_overhead,
	  .str_expected = "a share of the CPUs' time: 2%, 0.5%",
	  .set_str = set_overhead },
	{ "unstable_tseries", NULL, false, {}, SK_WORD, UNSTABLE_WORDS,
	  .set = set_un_tseries },
	{ "unstable_dw_ustack", NULL, false, {}, SK_WORD, UNSTABLE_WORDS,
	  .set = set_un_dw_ustack },
	{ "unstable_import_statement", NULL, false, {}, SK_WORD,
	  UNSTABLE_WORDS, .set = set_un_import },
	{ "unstable_typeinfo", NULL, false, {}, SK_WORD, UNSTABLE_WORDS,
	  .set = set_un_typeinfo },
};

#define NSETTINGS ((int)(sizeof(settings) / sizeof(settings[0])))

_Static_assert(NSETTINGS <= SETTINGS_MAX, "SETTINGS_MAX too small");

/* "BPFTRACE_STRLEN", "ETRACE_STRLEN", "strlen" and "max_strlen" name
 * the same key; *alias: named by its alias. */
static int find(const char *key, bool *alias)
{
	if (!strncasecmp(key, "bpftrace_", 9))
		key += 9;
	else if (!strncasecmp(key, "etrace_", 7))
		key += 7;
	for (int i = 0; i < NSETTINGS; i++) {
		*alias = settings[i].alias &&
			 !strcasecmp(key, settings[i].alias);
		if (*alias || !strcasecmp(key, settings[i].name))
			return i;
	}
	return -1;
}

static bool parse_int(const struct setting *s, const char *text, int64_t *v)
{
	char *end;
	long long x;

	errno = 0;
	x = strtoll(text, &end, 10);
	if (errno || end == text || *end || x < s->min || x > s->max)
		return false;
	if (s->pow2 && (x & (x - 1)))
		return false;
	*v = x;
	return true;
}

/* The value text means: the integer, the bool or the word's index. */
static bool parse_text(const struct setting *s, const char *text,
		       int64_t *v)
{
	switch (s->kind) {
	case SK_INT:
		return parse_int(s, text, v);
	case SK_BOOL:
		if (!strcmp(text, "0") || !strcasecmp(text, "false"))
			return (*v = 0), true;
		if (!strcmp(text, "1") || !strcasecmp(text, "true"))
			return (*v = 1), true;
		return false;
	case SK_STR:
		*v = 0;
		return !s->check_str || s->check_str(text);
	case SK_WORD:
		for (int i = 0; i < 8 && s->words[i]; i++)
			if (!strcasecmp(text, s->words[i]))
				return (*v = i), true;
		return false;
	}
	return false;
}

/* What a valid value looks like, after "expected ". */
static const char *expected(const struct setting *s, char *buf, size_t len)
{
	size_t n = 0;
	int nw = 0;

	switch (s->kind) {
	case SK_INT:
		snprintf(buf, len, "%s integer from %" PRId64 " to %" PRId64,
			 s->pow2 ? "a power-of-two" : "an", s->min, s->max);
		return buf;
	case SK_BOOL:
		return "true, false, 0 or 1";
	case SK_STR:
		return s->str_expected ? s->str_expected : "a string";
	case SK_WORD:
		break;
	}
	while (nw < 8 && s->words[nw])
		nw++;
	buf[0] = '\0';
	for (int i = 0; i < nw && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
				      i == 0 ? "" : i == nw - 1 ? " or " : ", ",
				      s->words[i]);
	return buf;
}

/* Whether v (text) is what etrace does anyway, for a setting with
 * no_effect; true for the others. */
static bool same_value(const struct setting *s, int64_t v, const char *text)
{
	if (!s->no_effect)
		return true;
	if (s->kind == SK_STR)
		return !text[0];
	return v == s->same;
}

static void set_value(struct compile_opts *o, const struct setting *s,
		      int64_t v, const char *text)
{
	if (s->kind == SK_STR)
		s->set_str(o, text);
	else
		s->set(o, v);
}

/* The value of environment variable name for setting s, if set. 0, or
 * 2 after a message. */
static int env_one(struct compile_opts *o, int i, const char *name,
		   bool alias, FILE *err)
{
	const struct setting *s = &settings[i];
	const char *text = getenv(name);
	char buf[128];
	int64_t v;

	if (!text || o->from_env[i])
		return 0;
	if (s->refused) {
		fprintf(err, "etrace: warning: %s has no effect: %s\n", name,
			s->refused);
		o->from_env[i] = name;
		return 0;
	}
	if (!parse_text(s, text, &v)) {
		fprintf(err, "etrace: invalid %s '%s': expected %s\n", name,
			text, expected(s, buf, sizeof(buf)));
		return 2;
	}
	if (alias && s->alias_inverts)
		v = !v;
	if (!same_value(s, v, text))
		fprintf(err, "etrace: warning: %s=%s has no effect: %s\n",
			name, text, s->no_effect);
	set_value(o, s, v, text);
	o->from_env[i] = name;
	return 0;
}

/* ETRACE_NAME (prefix "ETRACE_") or BPFTRACE_NAME of setting i (of
 * its alias if alias), kept for messages. */
static const char *env_name(int i, const char *prefix, bool alias)
{
	static char names[SETTINGS_MAX][2][2][48];
	char *n = names[i][alias][prefix[0] == 'B'];
	const char *key = alias ? settings[i].alias : settings[i].name;
	size_t k = strlen(prefix);

	if (!n[0]) {
		memcpy(n, prefix, k);
		for (const char *c = key; *c && k < 47; c++)
			n[k++] = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
		n[k] = '\0';
	}
	return n;
}

/* The names of setting i with prefix (ETRACE_ or BPFTRACE_): the key's,
 * its alias's, then the others the table gives. */
static int env_prefixed(struct compile_opts *o, int i, const char *prefix,
			FILE *err)
{
	const char *const *more = settings[i].env;
	int rc = env_one(o, i, env_name(i, prefix, false), false, err);

	if (!rc && settings[i].alias)
		rc = env_one(o, i, env_name(i, prefix, true), true, err);
	for (int k = 0; k < 3 && more[k] && !rc; k++)
		if (!strncmp(more[k], prefix, strlen(prefix)))
			rc = env_one(o, i, more[k], false, err);
	return rc;
}

int settings_from_env(struct compile_opts *opts, FILE *err)
{
	int rc = 0;

	/* ETRACE_ names first */
	for (int i = 0; i < NSETTINGS && !rc; i++) {
		rc = env_prefixed(opts, i, "ETRACE_", err);
		if (!rc)
			rc = env_prefixed(opts, i, "BPFTRACE_", err);
	}
	return rc;
}

/* The text of a config value: a word, a string, or a number's digits. */
static const char *node_text(const struct node *v, char *buf, size_t len)
{
	switch (v->kind) {
	case N_IDENT:
		return v->u.ident.name;
	case N_STRING:
		return v->u.string.str;
	case N_INT:
		if (v->u.integer.is_unsigned && (int64_t)v->u.integer.value < 0)
			return "";
		snprintf(buf, len, "%" PRIu64, v->u.integer.value);
		return buf;
	default:
		return "";
	}
}

/* An integer setting takes a number, a word setting a word (or a string,
 * or for cache_user_symbols 0 and 1), a bool true, false, 0 or 1. */
static bool config_value(const struct setting *s, const struct node *v,
			 int64_t *out)
{
	char buf[32];

	if (!v || (s->kind == SK_INT && v->kind != N_INT) ||
	    (s->kind == SK_BOOL && v->kind == N_STRING) ||
	    (s->kind == SK_STR && v->kind != N_STRING))
		return false;
	return parse_text(s, node_text(v, buf, sizeof(buf)), out);
}

void settings_apply_config(struct compile_ctx *ctx, const struct node *c)
{
	bool alias;
	int i = find(c->u.config.key, &alias);
	const struct node *v = c->u.config.value;
	struct loc loc = v ? v->loc : c->loc;
	char buf[128];
	const char *text;
	int64_t x;

	if (i < 0) {
		diag_error(&ctx->diags, c->loc,
			   "Unrecognized config variable: %s", c->u.config.key);
		return;
	}
	if (settings[i].refused) {
		diag_error(&ctx->diags, c->loc, "config variable %s does not "
			   "apply to etrace: %s", c->u.config.key,
			   settings[i].refused);
		return;
	}
	if (!config_value(&settings[i], v, &x)) {
		diag_error(&ctx->diags, loc, "Invalid value for config variable "
			   "%s: expected %s", c->u.config.key,
			   expected(&settings[i], buf, sizeof(buf)));
		return;
	}
	if (alias && settings[i].alias_inverts)
		x = !x;
	if (ctx->opts.from_env[i]) {
		diag_warning(&ctx->diags, c->loc, "config variable %s is "
			     "overridden by %s from the environment",
			     c->u.config.key, ctx->opts.from_env[i]);
		return;
	}
	text = node_text(v, buf, sizeof(buf));
	if (!same_value(&settings[i], x, text))
		diag_warning(&ctx->diags, loc, "config variable %s = %s%s%s "
			     "has no effect: %s", c->u.config.key,
			     v->kind == N_STRING ? "\"" : "", text,
			     v->kind == N_STRING ? "\"" : "",
			     settings[i].no_effect);
	set_value(&ctx->opts, &settings[i], x, text);
}

void settings_config(struct compile_ctx *ctx,
		     void (*resolve)(struct compile_ctx *ctx, struct node *v))
{
	if (ctx->config_done || !ctx->ast)
		return;
	ctx->config_done = true;
	for (struct node *c = ctx->ast->u.program.config; c; c = c->next) {
		if (resolve && c->u.config.value)
			resolve(ctx, c->u.config.value);
		settings_apply_config(ctx, c);
	}
}

static const struct {
	const char *key, *what;
	enum unstable_mode def;       /* bpftrace 0.26's default */
} unstable[UNSTABLE_COUNT] = {
	[UNSTABLE_TSERIES] = { "unstable_tseries", "tseries", UM_WARN },
	[UNSTABLE_DW_USTACK] = { "unstable_dw_ustack",
				 "dw_ustack (DWARF stack unwinding)", UM_WARN },
	[UNSTABLE_IMPORT_STATEMENT] = { "unstable_import_statement",
					"import statements", UM_ERROR },
	[UNSTABLE_TYPEINFO] = { "unstable_typeinfo", "typeinfo", UM_ERROR },
};

enum unstable_mode settings_unstable_mode(const struct compile_opts *o,
					  enum unstable_feature f)
{
	return o->unstable[f] == UM_DEFAULT ? unstable[f].def : o->unstable[f];
}

bool settings_unstable(struct compile_ctx *ctx, enum unstable_feature f,
		       struct loc loc)
{
	switch (settings_unstable_mode(&ctx->opts, f)) {
	case UM_ERROR:
		if (f == UNSTABLE_IMPORT_STATEMENT)
			diag_error(&ctx->diags, loc, "Import statements that "
				   "are not at the top level are primarily "
				   "for the standard library. If this is "
				   "functionality you need, please file an "
				   "issue to explain why.");
		else
			diag_error(&ctx->diags, loc, "%s feature is not "
				   "enabled by default. To enable this "
				   "unstable feature, set the config flag to "
				   "enable. %s=enable", unstable[f].what,
				   unstable[f].key);
		return false;
	case UM_WARN:
		if (ctx->unstable_warned & (1u << f))
			return true;
		ctx->unstable_warned |= 1u << f;
		diag_warning(&ctx->diags, loc, "Script is using an unstable "
			     "feature: %s. To prevent this warning you must "
			     "explicitly enable it in the config e.g. "
			     "%s=enable", unstable[f].what, unstable[f].key);
		return true;
	default:
		return true;
	}
}

void settings_defaults(struct compile_opts *o)
{
	if (o->strlen <= 0)
		o->strlen = 64;
	if (!o->max_map_keys)
		o->max_map_keys = 4096;
	if (!o->max_bpf_progs)
		o->max_bpf_progs = 512;
	if (!o->perf_rb_pages)
		o->perf_rb_pages = 64;
	if (!o->run.max_probes)
		o->run.max_probes = ET_DEFAULT_MAX_PROBES;
	if (!o->span_max)
		o->span_max = 10240;
	if (!o->span_timeout_ns)
		o->span_timeout_ns = 30000000000ULL;
	if (!o->run.cat_bytes_max)
		o->run.cat_bytes_max = ET_DEFAULT_CAT_BYTES_MAX;
	if (!o->run.log_size)
		o->run.log_size = ET_DEFAULT_LOG_SIZE;
}
