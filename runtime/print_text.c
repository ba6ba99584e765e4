/* The text printer: values, map dumps, histograms with their '@' bars,
 * byte for byte as bpftrace 0.17 prints them. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "output_impl.h"

#define BAR_WIDTH 52

/* v / div, signed (div >= 1 fits in int64 for print()'s u64 div) */
static int64_t sdiv(int64_t v, uint64_t div)
{
	if (div == 1)
		return v;
	if (div > INT64_MAX)
		return 0;
	return v / (int64_t)div;
}

void text_value(FILE *f, const struct value *v, int indent, uint64_t div)
{
	if (v->sym) {
		fputs(v->sym, f);
		return;
	}
	switch (v->kind) {
	case V_INT:
		fprintf(f, "%" PRId64, sdiv(v->u.i, div));
		break;
	case V_UINT:
		fprintf(f, "%" PRIu64, v->u.u / div);
		break;
	case V_STR:
		fwrite(v->u.str.s, 1, v->u.str.len, f);
		break;
	case V_BOOL:
		fputs(v->u.u ? "true" : "false", f);
		break;
	case V_TUPLE:
		fputc('(', f);
		for (int i = 0; i < v->u.tuple.n; i++) {
			if (i)
				fputs(", ", f);
			text_value(f, &v->u.tuple.items[i], indent, div);
		}
		fputc(')', f);
		break;
	case V_ARRAY:
		fputc('[', f);
		for (int i = 0; i < v->u.tuple.n; i++) {
			if (i)
				fputc(',', f);
			text_value(f, &v->u.tuple.items[i], indent, div);
		}
		fputc(']', f);
		break;
	case V_RECORD:
		fputs("{ ", f);
		for (int i = 0; i < v->u.tuple.n; i++) {
			fprintf(f, "%s.%s = ", i ? ", " : "",
				v->u.tuple.names[i]);
			text_value(f, &v->u.tuple.items[i], indent, div);
		}
		fputs(" }", f);
		break;
	case V_STACK:
		fputc('\n', f);
		for (int i = 0; i < v->u.stack.n; i++)
			fprintf(f, "%*s%s\n", v->u.stack.perf ? 0 : indent,
				v->u.stack.perf ? "\t" : "",
				v->u.stack.frames[i]);
		break;
	default:
		break;
	}
}

void text_value_line(FILE *f, const struct value *v)
{
	text_value(f, v, 8, 1);
	fputc('\n', f);
}

static void key_value(FILE *f, const struct value *v, bool json)
{
	const char *sep = v->kind == V_RECORD ? "{" : "[";

	if (json && v->kind == V_TUPLE) {
		fputc('(', f);
		for (int i = 0; i < v->u.tuple.n; i++) {
			if (i)
				fputc(',', f);
			key_value(f, &v->u.tuple.items[i], json);
		}
		fputc(')', f);
		return;
	}
	if ((v->kind != V_RECORD && v->kind != V_ARRAY) ||
	    (v->kind == V_RECORD && v->u.tuple.named_tuple && !json)) {
		text_value(f, v, 4, 1);
		return;
	}
	for (int i = 0; i < v->u.tuple.n; i++) {
		fputs(sep, f);
		if (v->kind == V_RECORD)
			fprintf(f, ".%s=", v->u.tuple.names[i]);
		key_value(f, &v->u.tuple.items[i], json);
		sep = ",";
	}
	if (!v->u.tuple.n)
		fputs(sep, f);
	fputc(v->kind == V_RECORD ? '}' : ']', f);
}

void text_key_value(FILE *f, const struct value *v)
{
	key_value(f, v, false);
}

void json_key_value(FILE *f, const struct value *v)
{
	key_value(f, v, true);
}

/* "[1, abc]" */
static void text_key(FILE *f, const struct value *k)
{
	if (k->kind == V_NONE)
		return;
	fputc('[', f);
	if (k->kind == V_TUPLE) {
		for (int i = 0; i < k->u.tuple.n; i++) {
			if (i)
				fputs(", ", f);
			text_key_value(f, &k->u.tuple.items[i]);
		}
	} else {
		text_key_value(f, k);
	}
	fputc(']', f);
}

/* 2^power as bpftrace labels log2 buckets: 1, 512, 1K, 2M, 4G, 8T */
static void hist_label(char *buf, size_t size, int power)
{
	static const char suffix[] = { 'T', 'G', 'M', 'K' };
	char s = 0;

	for (int i = 0; i < 4 && !s; i++) {
		if (power >= 40 - 10 * i) {
			s = suffix[i];
			power -= 40 - 10 * i;
		}
	}
	if (s)
		snprintf(buf, size, "%lld%c", 1LL << power, s);
	else
		snprintf(buf, size, "%lld", 1LL << power);
}

/* lhist bounds: 1K / 2M when divisible, else the number */
static void lhist_label(char *buf, size_t size, int64_t n)
{
	if (n && n % (1 << 20) == 0)
		snprintf(buf, size, "%" PRId64 "M", n / (1 << 20));
	else if (n && n % 1024 == 0)
		snprintf(buf, size, "%" PRId64 "K", n / 1024);
	else
		snprintf(buf, size, "%" PRId64, n);
}

static void bucket_header(char *buf, size_t size, const struct value *h,
			  int i)
{
	char a[32], b[32];

	if (!h->u.hist.linear) {
		if (i == 0)
			snprintf(buf, size, "(..., 0)");
		else if (i <= 2)
			snprintf(buf, size, "[%d]", i - 1);
		else {
			hist_label(a, sizeof(a), i - 2);
			hist_label(b, sizeof(b), i - 1);
			snprintf(buf, size, "[%s, %s)", a, b);
		}
		return;
	}
	if (i == 0) {
		lhist_label(a, sizeof(a), h->u.hist.min);
		snprintf(buf, size, "(..., %s)", a);
	} else if (i == h->u.hist.n - 1) {
		lhist_label(a, sizeof(a), h->u.hist.max);
		snprintf(buf, size, "[%s, ...)", a);
	} else {
		lhist_label(a, sizeof(a),
			    h->u.hist.min + (i - 1) * h->u.hist.step);
		lhist_label(b, sizeof(b), h->u.hist.min + i * h->u.hist.step);
		snprintf(buf, size, "[%s, %s)", a, b);
	}
}

/* The rows from the first to the last non-empty bucket; bars are scaled
 * on the undivided counts, as bpftrace does. */
static void text_hist(FILE *f, const struct value *h, uint64_t div)
{
	int first = -1, last = -1;
	uint64_t max = 0;
	char header[80];

	for (int i = 0; i < h->u.hist.n; i++) {
		uint64_t c = h->u.hist.counts[i];

		if (!c)
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (c > max)
			max = c;
	}
	for (int i = first; first >= 0 && i <= last; i++) {
		uint64_t c = h->u.hist.counts[i];
		int bar = (int)(c / (float)max * BAR_WIDTH);

		bucket_header(header, sizeof(header), h, i);
		fprintf(f, "%-16s%8" PRIu64 " |", header, c / div);
		for (int j = 0; j < BAR_WIDTH; j++)
			fputc(j < bar ? '@' : ' ', f);
		fputs("|\n", f);
	}
}

static void text_stats(FILE *f, const struct value *v, uint64_t div)
{
	int64_t count = v->u.stats.count, total = v->u.stats.total;
	int64_t avg = value_average(v);

	if (v->kind == V_AVG)
		fprintf(f, "%" PRId64 "\n", sdiv(avg, div));
	else
		fprintf(f, "count %" PRId64 ", average %" PRId64
			", total %" PRId64 "\n", count, avg, total);
}

#define TS_WIDTH 53 /* bpftrace 0.26's graph: '|', 51 columns, '|' */
#define TS_PAD 21

static void ts_print_num(FILE *f, bool is_signed, uint64_t v, int width)
{
	char buf[32];

	if (is_signed)
		snprintf(buf, sizeof(buf), "%" PRId64, (int64_t)v);
	else
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
	fprintf(f, "%*s", width, buf);
}

static bool ts_less(bool is_signed, uint64_t a, uint64_t b)
{
	return is_signed ? (int64_t)a < (int64_t)b : a < b;
}

/* a - b of two values of the series, as a float: the difference is
 * taken exactly first (it fits in 64 bits unsigned either way) */
static float ts_dist(bool is_signed, uint64_t a, uint64_t b)
{
	bool ge = is_signed ? (int64_t)a >= (int64_t)b : a >= b;

	return ge ? (float)(a - b) : -(float)(b - a);
}

/* "10:41:46.700": local time, then the fraction the interval needs
 * (digits 0: whole seconds) */
static void ts_time(FILE *f, int64_t ns, int digits)
{
	time_t s = (time_t)(ns / 1000000000);
	long frac = (long)(ns % 1000000000);
	char buf[32];
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	fputs(buf, f);
	if (digits == 9)
		fprintf(f, ".%09ld", frac);
	else if (digits == 6)
		fprintf(f, ".%06ld", frac / 1000);
	else if (digits == 3)
		fprintf(f, ".%03ld", frac / 1000000);
}

/* The bounds line above and below the graph */
static void ts_bounds(FILE *f, int indent, bool sg, uint64_t lo, uint64_t hi)
{
	fprintf(f, "%*s", indent, "");
	ts_print_num(f, sg, lo, -TS_PAD);
	ts_print_num(f, sg, hi, TS_WIDTH - TS_PAD);
	fputc('\n', f);
}

static void ts_row(FILE *f, const struct value *v, const struct ts_point *p,
		   uint64_t lo, uint64_t hi, int zero, int digits)
{
	char line[TS_WIDTH + 1];
	bool sg = v->u.ts.is_signed;
	int at = TS_WIDTH / 2;

	memset(line, ' ', TS_WIDTH);
	line[TS_WIDTH] = 0;
	line[0] = line[TS_WIDTH - 1] = '|';
	if (zero > 0)
		line[zero] = '.';
	ts_time(f, p->start_ns, digits);
	fputc(' ', f);
	if (!p->set) {
		fprintf(f, "%s -\n", line);
		return;
	}
	if (lo != hi)
		at = (int)((float)(TS_WIDTH - 1) * ts_dist(sg, p->v, lo) /
			   ts_dist(sg, hi, lo));
	line[at < 0 ? 0 : at > TS_WIDTH - 1 ? TS_WIDTH - 1 : at] = '*';
	fprintf(f, "%s ", line);
	ts_print_num(f, sg, p->v, 0);
	fputc('\n', f);
}

/* A tseries as bpftrace 0.26 draws it (output/text.cpp): the bounds,
 * one row per interval with a '*' at its value ('.' marks zero when the
 * range crosses it, '-' an interval without a value), the bounds. */
static void text_tseries(FILE *f, const struct value *v)
{
	static const char *const units[] = { "", ".ms", ".μs", ".ns" };
	const struct ts_point *pts = v->u.ts.pts;
	bool sg = v->u.ts.is_signed;
	uint64_t lo = pts[0].v, hi = pts[0].v, step;
	int n = v->u.ts.n, digits = 9, zero = 0, tsize;
	char fmt[32];

	for (int i = 0; i < n; i++) {
		if (!pts[i].set)
			continue;
		if (ts_less(sg, pts[i].v, lo))
			lo = pts[i].v;
		if (ts_less(sg, hi, pts[i].v))
			hi = pts[i].v;
	}
	if (lo == hi) { /* room on both sides, without overflow */
		if (sg ? (int64_t)lo > INT64_MIN : lo > 0)
			lo--;
		if (sg ? (int64_t)hi < INT64_MAX : hi < UINT64_MAX)
			hi++;
	}
	step = (uint64_t)(pts[n - 1].start_ns - pts[0].start_ns) /
	       (uint64_t)(n > 1 ? n - 1 : 1);
	if (step >= 1000000000)
		digits = 0;
	else if (step >= 1000000)
		digits = 3;
	else if (step >= 1000)
		digits = 6;
	snprintf(fmt, sizeof(fmt), "hh:mm:ss%s", units[digits / 3]);
	tsize = 8 + (digits ? 1 + digits : 0);
	ts_bounds(f, tsize + 1, sg, lo, hi);
	fprintf(f, "%-*s|", tsize + 1, fmt);
	for (int i = 0; i < TS_WIDTH - 2; i++)
		fputc('_', f);
	fputs("|\n", f);
	if (ts_dist(sg, lo, 0) < 0 && ts_dist(sg, 0, hi) < 0)
		zero = (int)((float)TS_WIDTH * ts_dist(sg, lo, 0) /
			     ts_dist(sg, lo, hi));
	for (int i = 0; i < n; i++)
		ts_row(f, v, &pts[i], lo, hi, zero, digits);
	fprintf(f, "%*s v", tsize, "");
	for (int i = 0; i < TS_WIDTH - 2; i++)
		fputc('_', f);
	fputs("v\n", f);
	ts_bounds(f, tsize + 1, sg, lo, hi);
}

void text_map(FILE *f, const struct map_dump *d)
{
	if (!d->n)
		fputc('\n', f);
	for (size_t i = 0; i < d->n; i++) {
		const struct map_entry *e = &d->e[i];

		fputs(d->name, f);
		text_key(f, &e->key);
		fputs(d->kind == DUMP_TSERIES ? ":\n" : ": ", f);
		if (d->kind == DUMP_TSERIES) {
			text_tseries(f, &e->val);
			fputc('\n', f);
		} else if (d->kind == DUMP_HIST) {
			fputc('\n', f);
			text_hist(f, &e->val, d->div);
			fputc('\n', f);
		} else if (d->kind == DUMP_STATS) {
			text_stats(f, &e->val, d->div);
		} else {
			text_value(f, &e->val, 8, d->div);
			fputc('\n', f);
		}
	}
	if (d->kind == DUMP_STATS)
		fputc('\n', f);
}
