/* The probe provider registry (probes.def order), attach point lexing
 * (':' outside quotes, positional parameters), the helpers the providers
 * share (probe_impl.h), and probe_flags(). */
#include "probe.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "probe_impl.h"

static const struct probe_provider *const providers[PK_COUNT] = {
#define PROBE(id, name, alias, alias2) [PK_##id] = &probe_##id,
#include "probes.def"
#undef PROBE
};

const struct probe_provider *probe_provider(enum probe_kind kind)
{
	return (unsigned)kind < PK_COUNT ? providers[kind] : NULL;
}

const struct probe_provider *probe_provider_find(const char *name)
{
	return probe_provider(probe_kind_find(name));
}

/* ---- lexing ---- */

struct ap_lex {
	struct compile_ctx *ctx;
	struct loc loc;
	char **parts;
	int nparts, cap;
	char *cur;
	size_t len, curcap;
};

static void lex_putc(struct ap_lex *l, char c)
{
	if (l->len + 1 >= l->curcap) {
		size_t ncap = l->curcap ? l->curcap * 2 : 64;
		char *n = arena_alloc(l->ctx->arena, ncap);

		if (l->len)
			memcpy(n, l->cur, l->len);
		l->cur = n;
		l->curcap = ncap;
	}
	l->cur[l->len++] = c;
	l->cur[l->len] = '\0';
}

static void lex_end_part(struct ap_lex *l)
{
	if (l->nparts == l->cap) {
		int ncap = l->cap ? l->cap * 2 : 8;
		char **n = arena_calloc(l->ctx->arena, ncap, sizeof(*n));

		if (l->nparts)
			memcpy(n, l->parts, l->nparts * sizeof(*n));
		l->parts = n;
		l->cap = ncap;
	}
	l->parts[l->nparts++] = l->len ? l->cur : arena_strdup(l->ctx->arena,
							      "");
	l->cur = NULL;
	l->len = l->curcap = 0;
}

/* $N outside quotes: replaced by the text of positional parameter N, as
 * bpftrace does. Returns the number of bytes consumed or -EINVAL. */
static int lex_positional(struct ap_lex *l, const char *s)
{
	size_t n = 1;
	char *end;
	long idx;
	const char *val;

	while (s[n] && s[n] != ':' && s[n] != '"')
		n++;
	idx = strtol(s + 1, &end, 10);
	if (end == s + 1 || idx < 1) {
		diag_error(&l->ctx->diags, l->loc,
			   "Invalid positional parameter '%.*s' in attach point",
			   (int)n, s);
		return -EINVAL;
	}
	if (end != s + n) {
		diag_error(&l->ctx->diags, l->loc,
			   "Found trailing text '%.*s' in positional parameter index. Try quoting the trailing text",
			   (int)(s + n - end), end);
		return -EINVAL;
	}
	if (idx > l->ctx->opts.nparams) {
		diag_error(&l->ctx->diags, l->loc,
			   "Positional parameter $%ld used in attach point is not set (%d given)",
			   idx, l->ctx->opts.nparams);
		return -EINVAL;
	}
	val = l->ctx->opts.params[idx - 1];
	for (const char *p = val; *p; p++)
		lex_putc(l, *p);
	return (int)n;
}

static int ap_lex(struct ap_lex *l, const char *raw)
{
	bool quoted = false;

	for (size_t i = 0; raw[i]; i++) {
		char c = raw[i];

		if (c == '"') {
			quoted = !quoted;
		} else if (c == ':' && !quoted) {
			lex_end_part(l);
		} else if (quoted && c == '\\' && raw[i + 1]) {
			lex_putc(l, raw[++i]);
		} else if (c == '$' && !quoted) {
			int n = lex_positional(l, raw + i);

			if (n < 0)
				return n;
			i += n - 1;
		} else {
			lex_putc(l, c);
		}
	}
	if (quoted) {
		diag_error(&l->ctx->diags, l->loc,
			   "Unterminated string in attach point '%s'", raw);
		return -EINVAL;
	}
	lex_end_part(l);
	return 0;
}

/* raw with its positional parameters (valid: ap_lex checked them)
 * replaced by their text, as bpftrace 0.17 names the probe
 * (uprobe:$1:f with $1 = /bin/app: "uprobe:/bin/app:f"). */
static const char *expand_positional(struct compile_ctx *ctx, const char *raw)
{
	const char *out = "", *p = raw;
	bool quoted = false;
	char *end;
	long idx;

	if (!strchr(raw, '$'))
		return raw;
	while (*p) {
		size_t n = strcspn(p, quoted ? "\"" : "\"$");

		out = arena_printf(ctx->arena, "%s%.*s", out, (int)n, p);
		p += n;
		if (*p == '"') {
			quoted = !quoted;
			out = arena_printf(ctx->arena, "%s\"", out);
			p++;
		} else if (*p == '$') {
			idx = strtol(p + 1, &end, 10);
			out = arena_printf(ctx->arena, "%s%s", out,
					   ctx->opts.params[idx - 1]);
			p = end;
		}
	}
	return out;
}

/* bpftrace 0.26 probe types etrace does not have, and why. */
static const char *missing_kind(const char *name)
{
	if (!strcmp(name, "test"))
		return "test probes run only in bpftrace's --test mode (each "
		       "probe a test case judged by its return value); "
		       "etrace has no test mode";
	if (!strcmp(name, "bench"))
		return "bench probes run only in bpftrace's --bench mode "
		       "(each probe timed over many runs); etrace has no "
		       "bench mode";
	return NULL;
}

struct attach_point *attach_point_parse(struct compile_ctx *ctx,
					const char *raw, struct loc loc)
{
	struct ap_lex l = { .ctx = ctx, .loc = loc };
	const struct probe_provider *p;
	struct attach_point *ap;

	if (ap_lex(&l, raw) < 0)
		return NULL;
	p = probe_provider_find(l.parts[0]);
	if (!p && missing_kind(l.parts[0])) {
		diag_error(&ctx->diags, loc, "Unsupported probe type '%s': %s",
			   l.parts[0], missing_kind(l.parts[0]));
		return NULL;
	}
	if (!p) {
		diag_error(&ctx->diags, loc, "Invalid probe type '%s'",
			   l.parts[0]);
		return NULL;
	}
	ap = arena_alloc(ctx->arena, sizeof(*ap));
	ap->kind = p->kind;
	ap->raw = arena_strdup(ctx->arena, expand_positional(ctx, raw));
	ap->loc = loc;
	ap->exists = true;
	if (p->parse(ctx, ap, l.parts + 1, l.nparts - 1) < 0)
		return NULL;
	return ap;
}

/* ---- helpers for the providers ---- */

int probe_nargs(struct compile_ctx *ctx, struct attach_point *ap,
		int nparts, int min, int max)
{
	const char *kind = probe_kind_name(ap->kind);

	if (nparts >= min && nparts <= max)
		return 0;
	if (min == max)
		diag_error(&ctx->diags, ap->loc,
			   "%s probe type requires %d argument%s, found %d",
			   kind, min, min == 1 ? "" : "s", nparts);
	else
		diag_error(&ctx->diags, ap->loc,
			   "%s probe type requires %d or %d arguments, found %d",
			   kind, min, max, nparts);
	return -EINVAL;
}

bool probe_has_wildcard(const char *s)
{
	const char *open;

	if (!s)
		return false;
	if (strpbrk(s, "*?"))
		return true;
	open = strchr(s, '[');
	return open && strchr(open, ']');
}

int probe_no_wildcard(struct compile_ctx *ctx, struct attach_point *ap,
		      const char *s)
{
	if (!probe_has_wildcard(s))
		return 0;
	diag_error(&ctx->diags, ap->loc,
		   "Wildcards are not allowed in %s probes ('%s')",
		   probe_kind_name(ap->kind), s);
	return -EINVAL;
}

static bool isdigit_ascii(char c)
{
	return c >= '0' && c <= '9';
}

/* "1e6": mantissa times a power of ten, overflow checked. */
static int parse_exponent(const char *s, char *e, uint64_t *out)
{
	char *end;
	unsigned long long m, x;

	*e = '\0';
	errno = 0;
	m = strtoull(s, &end, 10);
	if (errno || *end || end == s)
		return -EINVAL;
	x = strtoull(e + 1, &end, 10);
	if (*end || end == e + 1 || x > 19)
		return x > 19 ? -ERANGE : -EINVAL;
	while (x--) {
		if (m > UINT64_MAX / 10)
			return -ERANGE;
		m *= 10;
	}
	*out = m;
	return 0;
}

int probe_parse_u64(const char *s, uint64_t *out)
{
	char buf[64], *w = buf, *end, *e;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+' || strlen(s) >= sizeof(buf))
		return -EINVAL;
	for (const char *p = s; *p; p++)
		if (*p != '_')
			*w++ = *p;
	*w = '\0';
	if (!*buf || buf[0] == '_' || s[0] == '_')
		return -EINVAL;
	e = strpbrk(buf, "eE");
	if (e && !(buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')))
		return parse_exponent(buf, e, out);
	errno = 0;
	v = strtoull(buf, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end || end == buf || !isdigit_ascii(buf[0]))
		return -EINVAL;
	*out = v;
	return 0;
}

int probe_number(struct compile_ctx *ctx, struct attach_point *ap,
		 const char *what, const char *s, uint64_t *out)
{
	int err = probe_parse_u64(s, out);

	if (err == -ERANGE)
		diag_error(&ctx->diags, ap->loc,
			   "Invalid %s '%s': out of range", what, s);
	else if (err)
		diag_error(&ctx->diags, ap->loc,
			   "Invalid %s '%s': expected an integer", what, s);
	return err ? -EINVAL : 0;
}

int probe_func_offset(struct compile_ctx *ctx, struct attach_point *ap,
		      const char *spec, bool allow_offset)
{
	const char *plus = strchr(spec, '+');
	const char *kind = probe_kind_name(ap->kind);

	if (!plus) {
		ap->func = spec;
		return 0;
	}
	if (!allow_offset) {
		diag_error(&ctx->diags, ap->loc,
			   "Offset not allowed in %s probes ('%s')", kind,
			   spec);
		return -EINVAL;
	}
	if (strchr(plus + 1, '+')) {
		diag_error(&ctx->diags, ap->loc,
			   "Cannot take more than one offset ('%s')", spec);
		return -EINVAL;
	}
	if (plus == spec || !plus[1]) {
		diag_error(&ctx->diags, ap->loc, "Invalid offset in '%s'",
			   spec);
		return -EINVAL;
	}
	if (probe_number(ctx, ap, "offset", plus + 1, &ap->offset) < 0)
		return -EINVAL;
	ap->func = arena_strndup(ctx->arena, spec, plus - spec);
	ap->has_offset = true;
	return 0;
}

void probe_add_match(struct compile_ctx *ctx, struct attach_point *ap,
		     const char *name)
{
	int n = ap->nmatches;

	/* capacity doubles at 16, 32, 64...: n is then a power of two */
	if (n == 0 || (n >= 16 && !(n & (n - 1)))) {
		const char **v = arena_calloc(ctx->arena, n ? 2 * n : 16,
					      sizeof(*v));

		if (n)
			memcpy(v, ap->matches, n * sizeof(*v));
		ap->matches = v;
	}
	ap->matches[ap->nmatches++] = arena_strdup(ctx->arena, name);
}

const char *probe_target_name(struct compile_ctx *ctx,
			      const struct attach_point *ap)
{
	if (ap->target && (probe_provider(ap->kind)->flags & PF_QUALIFIED))
		return arena_printf(ctx->arena, "%s:%s", ap->target, ap->func);
	return ap->func ? ap->func : ap->raw;
}

const char *probe_section_func(struct compile_ctx *ctx, const char *prefix,
			       const struct attach_point *ap, const char *t)
{
	return arena_printf(ctx->arena, "%s/%s", prefix, t ? t : ap->func);
}

const char *probe_section_perf(struct compile_ctx *ctx,
			       const struct attach_point *ap, const char *t,
			       bool sleepable)
{
	return "perf_event";
}

const char *probe_attach_func(struct compile_ctx *ctx,
			      const struct attach_point *ap)
{
	return ap->func;
}

/* The kind as the probe builtin names it: its name, or when written by
 * an alias, the provider's alias_word if it has one. */
static const char *kind_word(const struct attach_point *ap)
{
	const struct probe_provider *p = probe_provider(ap->kind);
	const char *name = probe_kind_name(ap->kind);
	size_t n = strcspn(ap->raw, ":");

	if (p->alias_word && !(n == strlen(name) && !strncmp(ap->raw, name, n)))
		return p->alias_word;
	return name;
}

const char *probe_name(struct compile_ctx *ctx, const struct attach_point *ap,
		       const char *t)
{
	const struct probe_provider *p = probe_provider(ap->kind);
	const char *rest = strchr(ap->raw, ':');

	if (t && p->match_name)
		return p->match_name(ctx, ap, t);
	if (t)
		return arena_printf(ctx->arena, "%s:%s", kind_word(ap), t);
	if (!rest)
		return ap->raw;
	return arena_printf(ctx->arena, "%s%s", kind_word(ap), rest);
}

void probe_report_missing(struct compile_ctx *ctx,
			  const struct attach_point *ap, bool as_error)
{
	const char *kind = probe_kind_name(ap->kind);
	const char *name = probe_target_name(ctx, ap);

	/* bpftrace 0.17's words, which scripts look for */
	if (ap->kind == PK_TRACEPOINT) {
		const char *fmt = ap->wildcard ? "tracepoints not found: %s" :
						 "tracepoint not found: %s";

		if (as_error)
			diag_error(&ctx->diags, ap->loc, fmt, name);
		else
			diag_warning(&ctx->diags, ap->loc, fmt, name);
		return;
	}
	if (as_error && ap->wildcard)
		diag_error(&ctx->diags, ap->loc,
			   "%s target '%s' matches nothing here", kind, name);
	else if (as_error)
		diag_error(&ctx->diags, ap->loc,
			   "%s target '%s' does not exist here", kind, name);
	else if (ap->wildcard)
		diag_warning(&ctx->diags, ap->loc,
			     "%s target '%s' matches nothing here", kind, name);
	else
		diag_warning(&ctx->diags, ap->loc,
			     "%s target '%s' does not exist here", kind, name);
}

/* ---- flags ---- */

unsigned probe_flags(const struct node *probe)
{
	unsigned flags = ~0u;
	bool any = false;

	for (const struct node *a = probe->u.probe.attach; a; a = a->next) {
		const struct attach_point *ap = a->u.attach.ap;

		if (!ap)
			continue;
		flags &= probe_provider(ap->kind)->flags;
		any = true;
	}
	return any ? flags : 0;
}
