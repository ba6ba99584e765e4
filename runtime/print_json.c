/* The JSON printer: one NDJSON record per line, with the record types and
 * spacing of bpftrace 0.17 ({"type": "map", "data": {"@x": {"1": 2}}}). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output_impl.h"

/* As bpftrace escapes, except bytes >= 0x80: bpftrace writes them as
 * "\uffffffc3" (invalid JSON); they pass through here (UTF-8 stays
 * UTF-8). */
void json_string(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':  fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (c < 0x20)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

/* A stack as the text printer writes it, in one JSON string. */
static void json_stack(FILE *f, const struct value *v, int indent)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return;
	text_value(m, v, indent, 1);
	fclose(m);
	json_string(f, buf, len);
	free(buf);
}

static void json_value(FILE *f, const struct value *v, int indent,
		       uint64_t div)
{
	switch (v->kind) {
	case V_INT:
		fprintf(f, "%" PRId64, div == 1 ? v->u.i :
			div > INT64_MAX ? 0 : v->u.i / (int64_t)div);
		break;
	case V_UINT:
		fprintf(f, "%" PRIu64, v->u.u / div);
		break;
	case V_STR:
		json_string(f, v->u.str.s, v->u.str.len);
		break;
	case V_BOOL:
		fputs(v->u.u ? "true" : "false", f);
		break;
	case V_TUPLE:
	case V_ARRAY:
		fputc('[', f);
		for (int i = 0; i < v->u.tuple.n; i++) {
			if (i)
				fputc(',', f);
			json_value(f, &v->u.tuple.items[i], indent, div);
		}
		fputc(']', f);
		break;
	case V_RECORD:
		/* structs as bpftrace 0.17, records as 0.26 prints them */
		fputs(v->u.tuple.named_tuple ? "{" : "{ ", f);
		for (int i = 0; i < v->u.tuple.n; i++) {
			fputs(i ? ", " : "", f);
			json_string(f, v->u.tuple.names[i],
				    strlen(v->u.tuple.names[i]));
			fputs(": ", f);
			json_value(f, &v->u.tuple.items[i], indent, div);
		}
		fputs(v->u.tuple.named_tuple ? "}" : " }", f);
		break;
	case V_STACK:
		json_stack(f, v, indent);
		break;
	default:
		fputs("null", f);
		break;
	}
}

void json_value_line(FILE *f, const struct value *v)
{
	fputs("{\"type\": \"value\", \"data\": ", f);
	json_value(f, v, 8, 1);
	fputs("}\n", f);
}

void json_message(FILE *f, const char *type, const char *text, size_t len)
{
	fprintf(f, "{\"type\": \"%s\", \"data\": ", type);
	json_string(f, text, len);
	fputs("}\n", f);
}

/* Map keys are strings: the key's fields as text keys print them,
 * joined by ",". */
static void json_key(FILE *f, const struct value *k)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return;
	if (k->kind == V_TUPLE) {
		for (int i = 0; i < k->u.tuple.n; i++) {
			if (i)
				fputc(',', m);
			json_key_value(m, &k->u.tuple.items[i]);
		}
	} else {
		json_key_value(m, k);
	}
	fclose(m);
	json_string(f, buf, len);
	free(buf);
}

static void json_bucket(FILE *f, const struct value *h, int i, uint64_t c)
{
	int64_t lo, hi;

	if (i == 0) {
		fprintf(f, "{\"max\": %" PRId64 ", \"count\": %" PRIu64 "}",
			h->u.hist.linear ? h->u.hist.min - 1 : -1, c);
		return;
	}
	if (h->u.hist.linear && i == h->u.hist.n - 1) {
		fprintf(f, "{\"min\": %" PRId64 ", \"count\": %" PRIu64 "}",
			h->u.hist.max, c);
		return;
	}
	if (h->u.hist.linear) {
		lo = h->u.hist.min + (i - 1) * h->u.hist.step;
		hi = lo + h->u.hist.step - 1;
	} else if (i <= 2) {
		lo = hi = i - 1;
	} else {
		uint64_t ulo = (uint64_t)1 << (i - 2);

		fprintf(f, "{\"min\": %" PRIu64 ", \"max\": %" PRIu64
			", \"count\": %" PRIu64 "}", ulo, ulo * 2 - 1, c);
		return;
	}
	fprintf(f, "{\"min\": %" PRId64 ", \"max\": %" PRId64
		", \"count\": %" PRIu64 "}", lo, hi, c);
}

static void json_hist(FILE *f, const struct value *h, uint64_t div)
{
	int first = -1, last = -1;

	for (int i = 0; i < h->u.hist.n; i++) {
		if (h->u.hist.counts[i]) {
			if (first < 0)
				first = i;
			last = i;
		}
	}
	fputc('[', f);
	for (int i = first; first >= 0 && i <= last; i++) {
		if (i > first)
			fputs(", ", f);
		json_bucket(f, h, i, h->u.hist.counts[i] / div);
	}
	fputc(']', f);
}

/* [{"interval_start":"2025-01-01 10:00:00.100000000","value":9},...]:
 * the intervals that have a value, their start in UTC (bpftrace 0.26) */
static void json_tseries(FILE *f, const struct value *v)
{
	bool first = true;

	fputc('[', f);
	for (int i = 0; i < v->u.ts.n; i++) {
		const struct ts_point *p = &v->u.ts.pts[i];
		time_t s = (time_t)(p->start_ns / 1000000000);
		char buf[32];
		struct tm tm;

		if (!p->set)
			continue;
		gmtime_r(&s, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(f, "%s{\"interval_start\":\"%s.%09ld\",\"value\":",
			first ? "" : ",", buf,
			(long)(p->start_ns % 1000000000));
		if (v->u.ts.is_signed)
			fprintf(f, "%" PRId64 "}", (int64_t)p->v);
		else
			fprintf(f, "%" PRIu64 "}", p->v);
		first = false;
	}
	fputc(']', f);
}

static void json_entry_value(FILE *f, const struct map_dump *d,
			     const struct value *v)
{
	int64_t count, total, avg;

	if (d->kind == DUMP_TSERIES) {
		json_tseries(f, v);
		return;
	}
	if (d->kind == DUMP_HIST) {
		json_hist(f, v, d->div);
		return;
	}
	if (d->kind != DUMP_STATS) {
		json_value(f, v, 8, d->div);
		return;
	}
	count = v->u.stats.count;
	total = v->u.stats.total;
	avg = value_average(v);
	if (v->kind == V_AVG)
		fprintf(f, "%" PRId64, d->div == 1 ? avg :
			d->div > INT64_MAX ? 0 : avg / (int64_t)d->div);
	else
		fprintf(f, "{\"count\": %" PRId64 ", \"average\": %" PRId64
			", \"total\": %" PRId64 "}", count, avg, total);
}

void json_map(FILE *f, const struct map_dump *d)
{
	static const char *const type[] = {
		[DUMP_PLAIN] = "map", [DUMP_HIST] = "hist",
		[DUMP_STATS] = "stats", [DUMP_TSERIES] = "tseries",
	};

	if (!d->n)
		return;
	fprintf(f, "{\"type\": \"%s\", \"data\": {", type[d->kind]);
	json_string(f, d->name, strlen(d->name));
	fputs(": ", f);
	if (!d->has_key) {
		json_entry_value(f, d, &d->e[0].val);
		fputs("}}\n", f);
		return;
	}
	fputc('{', f);
	for (size_t i = 0; i < d->n; i++) {
		if (i)
			fputs(", ", f);
		json_key(f, &d->e[i].key);
		fputs(": ", f);
		json_entry_value(f, d, &d->e[i].val);
	}
	fputs("}}}\n", f);
}
