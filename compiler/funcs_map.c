/* Map functions: the aggregations (count sum avg min max stats hist
 * lhist tseries), which give the map's value type, and the functions taking
 * a map (delete clear zero len has_key). */
#include "funcs.h"

#include <inttypes.h>
#include <string.h>

static struct type *agg(struct compile_ctx *ctx, enum type_kind kind,
			bool is_signed)
{
	struct type *t = type_simple(ctx->arena, kind, 8);

	t->is_signed = is_signed;
	return t;
}

static struct type *check_count(struct compile_ctx *ctx, struct node *call,
				struct node *probe)
{
	return agg(ctx, T_COUNT, false);
}

/* sum/min/max/avg/stats/hist of one integer; the sign follows it. */
static struct type *check_agg1(struct compile_ctx *ctx, struct node *call,
			       struct node *probe)
{
	static const struct { const char *name; enum type_kind kind; } k[] = {
		{ "sum", T_SUM }, { "min", T_MIN }, { "max", T_MAX },
		{ "avg", T_AVG }, { "stats", T_STATS }, { "hist", T_HIST },
	};
	struct node *a = fn_arg(call, 0);

	if (!fn_int_arg(ctx, call, 0))
		return NULL;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (!strcmp(call->u.call.name, k[i].name))
			return agg(ctx, k[i].kind, a->type->is_signed);
	return NULL;
}

/* lhist(value, min, max, step): bounds are literals, as in bpftrace. */
static struct type *check_lhist(struct compile_ctx *ctx, struct node *call,
				struct node *probe)
{
	int64_t min, max, step;
	struct type *t;

	if (!fn_int_arg(ctx, call, 0))
		return NULL;
	if (!fn_int_literal(ctx, call, 1, &min) ||
	    !fn_int_literal(ctx, call, 2, &max) ||
	    !fn_int_literal(ctx, call, 3, &step))
		return NULL;
	if (min < 0) {
		diag_error(&ctx->diags, fn_arg(call, 1)->loc,
			   "lhist() min must be non-negative (provided min %" PRId64 ")",
			   min);
		return NULL;
	}
	if (min >= max) {
		diag_error(&ctx->diags, call->loc,
			   "lhist() min must be less than max (provided min %" PRId64 " and max %" PRId64 ")",
			   min, max);
		return NULL;
	}
	if (step < 1) {
		diag_error(&ctx->diags, fn_arg(call, 3)->loc,
			   "lhist() step must be >= 1 (%" PRId64 " provided)",
			   step);
		return NULL;
	}
	if (max - min < step) {
		diag_error(&ctx->diags, fn_arg(call, 3)->loc,
			   "lhist() step is too large for the given range (provided step %" PRId64 " for range %" PRId64 ")",
			   step, max - min);
		return NULL;
	}
	t = agg(ctx, T_LHIST, fn_arg(call, 0)->type->is_signed);
	t->lh_min = min;
	t->lh_max = max;
	t->lh_step = step;
	return t;
}

/* bpftrace 0.26 allows this many intervals at most */
#define TS_MAX_INTERVALS 1000000

static bool ts_agg_find(const char *s, enum ts_agg *agg)
{
	static const char *const names[TS_AGG_COUNT] = {
		[TS_AVG] = "avg", [TS_MAX] = "max", [TS_MIN] = "min",
		[TS_SUM] = "sum",
	};

	for (int i = 0; i < TS_AGG_COUNT; i++)
		if (names[i] && !strcmp(s, names[i])) {
			*agg = (enum ts_agg)i;
			return true;
		}
	return false;
}

/* tseries(value, interval_ns, num_intervals[, "avg"|"max"|"min"|"sum"]):
 * bounds and aggregation are literals, checked with bpftrace 0.26's
 * words. */
static struct type *check_tseries(struct compile_ctx *ctx, struct node *call,
				  struct node *probe)
{
	int64_t interval, num;
	const char *agg_name;
	struct type *t;
	enum ts_agg agg = TS_LAST;

	if (!fn_int_arg(ctx, call, 0))
		return NULL;
	if (!fn_const_int(fn_arg(call, 1), &interval)) {
		diag_error(&ctx->diags, fn_arg(call, 1)->loc,
			   "tseries: invalid interval_ns value (must be non-negative literal)");
		return NULL;
	}
	if (!fn_const_int(fn_arg(call, 2), &num)) {
		diag_error(&ctx->diags, fn_arg(call, 2)->loc,
			   "tseries: invalid num_intervals value (must be non-negative literal)");
		return NULL;
	}
	if (interval <= 0) {
		diag_error(&ctx->diags, fn_arg(call, 1)->loc,
			   "tseries() interval_ns must be >= 1 (%" PRId64 " provided)",
			   interval);
		return NULL;
	}
	if (num <= 0 || num > TS_MAX_INTERVALS) {
		diag_error(&ctx->diags, fn_arg(call, 2)->loc,
			   num <= 0 ? "tseries() num_intervals must be >= 1 (%" PRId64 " provided)"
				    : "tseries() num_intervals must be < 1000000 (%" PRId64 " provided)",
			   num);
		return NULL;
	}
	if (call->u.call.nargs == 4) {
		if (!fn_str_literal(ctx, call, 3, &agg_name, NULL))
			return NULL;
		if (!ts_agg_find(agg_name, &agg)) {
			diag_error(&ctx->diags, fn_arg(call, 3)->loc,
				   "tseries() expects one of the following aggregation functions: avg, max, min, sum (\"%s\" provided)",
				   agg_name);
			return NULL;
		}
	}
	t = type_simple(ctx->arena, T_TSERIES, 24);
	t->is_signed = fn_arg(call, 0)->type->is_signed;
	t->ts_interval = (uint64_t)interval;
	t->ts_num = (uint32_t)num;
	t->ts_agg = agg;
	return t;
}

static bool is_map(struct compile_ctx *ctx, const struct node *call,
		   const struct node *m)
{
	if (m && m->kind == N_MAP)
		return true;
	diag_error(&ctx->diags, m ? m->loc : call->loc,
		   "%s() expects a map to be provided", call->u.call.name);
	return false;
}

/* clear, zero, len, has_key: the whole map, not an element. */
static bool whole_map(struct compile_ctx *ctx, const struct node *call)
{
	struct node *m = fn_arg(call, 0);

	if (!is_map(ctx, call, m))
		return false;
	if (m->u.map.keys) {
		diag_error(&ctx->diags, m->loc,
			   "The map passed to %s() should not be indexed by a key",
			   call->u.call.name);
		return false;
	}
	return true;
}

/* delete(@m[k]), delete(@m, k) (bpftrace 0.22's spelling; a tuple for
 * several keys) or delete(@m) of a map without keys. Since 0.22 it is
 * also a value: true when the key was there (bpftrace 0.17 took it only
 * as a statement). */
static struct type *check_delete(struct compile_ctx *ctx, struct node *call,
				 struct node *probe)
{
	struct node *m = fn_arg(call, 0);
	const struct map_info *mi;

	if (!is_map(ctx, call, m))
		return NULL;
	if (call->u.call.nargs == 2 && m->u.map.keys) {
		diag_error(&ctx->diags, call->loc,
			   "delete() expects a map for the first argument and a key for the second argument e.g. `delete(@my_map, 1);`");
		return NULL;
	}
	mi = m->u.map.info;
	if (call->u.call.nargs == 1 && !m->u.map.keys && mi && mi->key) {
		diag_error(&ctx->diags, call->loc,
			   "call to delete() with a single argument expects a map without explicit keys (scalar map)");
		return NULL;
	}
	return type_bool();
}

static struct type *check_clear(struct compile_ctx *ctx, struct node *call,
				struct node *probe)
{
	return whole_map(ctx, call) ? type_none() : NULL;
}

static struct type *check_len(struct compile_ctx *ctx, struct node *call,
			      struct node *probe)
{
	const struct map_info *mi;

	if (!whole_map(ctx, call))
		return NULL;
	mi = fn_arg(call, 0)->u.map.info;
	if (mi && mi->key_site && !mi->key) {
		diag_error(&ctx->diags, call->loc,
			   "call to len() expects a map with explicit keys (non-scalar map)");
		return NULL;
	}
	return type_s64();
}

static struct type *check_has_key(struct compile_ctx *ctx, struct node *call,
				  struct node *probe)
{
	return whole_map(ctx, call) ? type_bool() : NULL;
}

const struct func funcs_map[] = {
	{ "count", 0, 0, FN_AGG, check_count, FG_AGG },
	{ "sum", 1, 1, FN_AGG, check_agg1, FG_AGG },
	{ "avg", 1, 1, FN_AGG, check_agg1, FG_AGG },
	{ "min", 1, 1, FN_AGG, check_agg1, FG_AGG },
	{ "max", 1, 1, FN_AGG, check_agg1, FG_AGG },
	{ "stats", 1, 1, FN_AGG, check_agg1, FG_AGG },
	{ "hist", 1, 1, FN_AGG, check_agg1, FG_AGG },
	{ "lhist", 4, 4, FN_AGG, check_lhist, FG_AGG },
	{ "tseries", 3, 4, FN_AGG, check_tseries, FG_AGG },
	{ "delete", 1, 2, FN_MAP_ARG, check_delete, FG_DELETE },
	{ "clear", 1, 1, FN_STMT | FN_ASYNC | FN_MAP_ARG,
	  check_clear, FG_CLEAR },
	{ "zero", 1, 1, FN_STMT | FN_ASYNC | FN_MAP_ARG, check_clear, FG_ZERO },
	{ "len", 1, 1, FN_MAP_ARG, check_len, FG_LEN },
	{ "has_key", 2, 2, FN_MAP_ARG, check_has_key, FG_HAS_KEY },
	{ NULL },
};
