/* The OTLP exporter's settings from their three sources (otlp.h,
 * otlp_config_resolve): the --otlp flag, the program's config (otlp_*,
 * service_name) and OpenTelemetry's standard environment
 * (OTEL_EXPORTER_OTLP_*, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES),
 * in that order of precedence; and the "key=value,..." lists of
 * OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES (W3C Baggage
 * syntax: values percent-encoded), parsed by otlp_kv_parse. */
#include "otlp_impl.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* s[0..n) without surrounding blanks, percent-decoded (malloc'd) */
static char *decode(const char *s, size_t n, bool percent)
{
	char *r, *w;

	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	r = malloc(n + 1);
	if (!r)
		return NULL;
	w = r;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (percent && s[i] == '%' && i + 2 < n &&
		    (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)s[i + 2])) >= 0 &&
		    (hi || lo)) { /* %00 stays as it is */
			*w++ = (char)(hi << 4 | lo);
			i += 2;
		} else {
			*w++ = s[i];
		}
	}
	*w = '\0';
	return r;
}

void otlp_kv_free(struct otlp_kv *kv, size_t n)
{
	for (size_t i = 0; kv && i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

int otlp_kv_parse(const char *text, struct otlp_kv **out, size_t *n,
		  char *why, size_t why_size)
{
	struct otlp_kv *kv = NULL;
	size_t cnt = 0;
	const char *p = text;

	*out = NULL;
	*n = 0;
	while (p && *p) {
		size_t len = strcspn(p, ",");
		const char *eq = memchr(p, '=', len);
		struct otlp_kv *grown;
		size_t blank = strspn(p, " \t");

		if (blank == len) { /* "a=1,,b=2", a trailing comma */
			p += len + (p[len] == ',');
			continue;
		}
		if (!eq) {
			snprintf(why, why_size, "'%.*s' has no '='", (int)len,
				 p);
			goto bad;
		}
		grown = realloc(kv, (cnt + 1) * sizeof(*kv));
		if (!grown)
			goto nomem;
		kv = grown;
		kv[cnt].key = decode(p, (size_t)(eq - p), false);
		kv[cnt].value = decode(eq + 1, len - (size_t)(eq - p) - 1,
				       true);
		cnt++;
		if (!kv[cnt - 1].key || !kv[cnt - 1].value)
			goto nomem;
		if (!kv[cnt - 1].key[0]) {
			snprintf(why, why_size, "'%.*s' has no key", (int)len,
				 p);
			goto bad;
		}
		for (const char *k = kv[cnt - 1].key; *k; k++)
			if (isspace((unsigned char)*k) || *k == ':' ||
			    (unsigned char)*k < 0x20) {
				snprintf(why, why_size,
					 "key '%s' has a blank or ':'",
					 kv[cnt - 1].key);
				goto bad;
			}
		for (const char *v = kv[cnt - 1].value; *v; v++)
			if ((unsigned char)*v < 0x20 && *v != '\t') {
				snprintf(why, why_size,
					 "the value of '%s' has a control "
					 "character",
					 kv[cnt - 1].key);
				goto bad;
			}
		p += len + (p[len] == ',');
	}
	*out = kv;
	*n = cnt;
	return 0;
nomem:
	otlp_kv_free(kv, cnt);
	snprintf(why, why_size, "%s", strerror(ENOMEM));
	return -ENOMEM;
bad:
	otlp_kv_free(kv, cnt);
	return -EINVAL;
}

bool otlp_resource_has(const struct otlp_resource *r, const char *key)
{
	for (size_t i = 0; i < r->nextra; i++)
		if (!strcmp(r->extra[i].key, key))
			return true;
	return false;
}

static const char *env_of(otlp_getenv_fn env, const char *name)
{
	const char *v = env(name);

	return v && v[0] ? v : NULL;
}

/* OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf, http/json; grpc is the
 * one etrace does not speak */
static int env_protocol(otlp_getenv_fn env, struct otlp_config *c)
{
	const char *v = env_of(env, "OTEL_EXPORTER_OTLP_PROTOCOL");

	if (!v || !strcmp(v, "http/protobuf"))
		return 0;
	if (!strcmp(v, "http/json")) {
		c->protocol = OTLP_JSON;
		return 0;
	}
	fprintf(stderr,
		"etrace: OTEL_EXPORTER_OTLP_PROTOCOL=%s: etrace sends "
		"http/protobuf or http/json (%s)\n",
		v,
		!strcmp(v, "grpc") ? "OTLP/HTTP only, not gRPC"
				   : "unknown protocol");
	return -EINVAL;
}

/* OTEL_EXPORTER_OTLP_COMPRESSION, or the signal's own variable over
 * it: gzip (etrace's default) or none; 0 or -EINVAL after a message */
static int env_compression(otlp_getenv_fn env, const char *own, bool *plain)
{
	const char *name = own, *v = env_of(env, own);

	if (!v) {
		name = "OTEL_EXPORTER_OTLP_COMPRESSION";
		v = env_of(env, name);
	}
	*plain = v && !strcmp(v, "none");
	if (!v || *plain || !strcmp(v, "gzip"))
		return 0;
	fprintf(stderr,
		"etrace: %s=%s: etrace sends requests gzip-compressed "
		"(gzip) or not (none)\n",
		name, v);
	return -EINVAL;
}

int otlp_config_resolve(struct otlp_config *c, const char *flag_endpoint,
			const struct et_settings *s, otlp_getenv_fn env)
{
	const char *base = flag_endpoint ? flag_endpoint : s->otlp_endpoint;

	c->traces_url = c->metrics_url = NULL;
	c->no_traces = c->no_metrics = false;
	c->plain_traces = c->plain_metrics = false;
	c->protocol = s->otlp_protocol ? OTLP_JSON : OTLP_PROTOBUF;
	if (!s->otlp_protocol_set && !s->otlp_protocol &&
	    env_protocol(env, c))
		return -EINVAL;

	if (!base) {
		/* the environment: the signal's own URL as it is, else
		 * the base's with /v1/traces, /v1/metrics; one signal's
		 * URL alone exports that signal only */
		const char *t = env_of(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
		const char *m =
		    env_of(env, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");

		base = env_of(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
		c->traces_url = t;
		c->metrics_url = m;
		c->no_traces = !base && !t;
		c->no_metrics = !base && !m;
		if (!base && !t && !m) {
			c->endpoint = NULL;
			return 0;
		}
	}
	c->endpoint = base;
	c->headers = s->otlp_headers ? s->otlp_headers
				     : env_of(env, "OTEL_EXPORTER_OTLP_HEADERS");
	c->resource_attrs = env_of(env, "OTEL_RESOURCE_ATTRIBUTES");
	c->service_name = s->service_name ? s->service_name
					  : env_of(env, "OTEL_SERVICE_NAME");
	if (env_compression(env, "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
			    &c->plain_traces) ||
	    env_compression(env, "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION",
			    &c->plain_metrics))
		return -EINVAL;
	return 1;
}
