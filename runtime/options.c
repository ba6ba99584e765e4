/* Named program options (bpftrace 0.26's getopt): the words after "--"
 * that begin with "--" are --name or --name=value; each sets the .rodata
 * variable of one option (program.h struct et_option) before the object
 * is loaded, so that an artifact compiled once runs with any values. The
 * messages are bpftrace 0.26's. */
#include "options.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bpf/loader.h"

bool options__is_named(const struct et_program *p, const char *arg)
{
	return p->noptions > 0 && !strncmp(arg, "--", 2);
}

static bool word_in(const char *v, const char *const *words)
{
	for (; *words; words++)
		if (!strcasecmp(v, *words))
			return true;
	return false;
}

/* An integer as bpftrace reads one: base prefixes 0x, 0b and 0, and
 * '_' separators. */
static int parse_int(const char *v, bool is_signed, uint64_t *out,
		     const char **why)
{
	char buf[128], *end;
	size_t n = 0;
	int base = 0;
	const char *s;

	for (s = v; *s && n < sizeof(buf) - 1; s++)
		if (*s != '_')
			buf[n++] = *s;
	buf[n] = '\0';
	s = buf;
	if (!strncasecmp(s, "0b", 2)) {
		s += 2;
		base = 2;
	}
	errno = 0;
	*out = is_signed ? (uint64_t)strtoll(s, &end, base)
			 : strtoull(s, &end, base);
	if (end == s || *end || *v == '\0' || (!is_signed && *s == '-')) {
		*why = "invalid integer";
		return -EINVAL;
	}
	if (errno == ERANGE) {
		*why = "value is out of range";
		return -ERANGE;
	}
	return 0;
}

int options__value(const struct et_option *op, const char *v, void *out,
		   const char **why)
{
	static const char *const truthy[] = {"1", "true", "on", "yes", NULL};
	static const char *const falsy[] = {"0", "false", "off", "no", NULL};
	uint64_t x = 0;

	if (!v && op->kind != ET_OPT_BOOL) {
		*why = op->kind == ET_OPT_STRING ? "expects a string"
						 : "expects an integer";
		return -EINVAL;
	}
	switch (op->kind) {
	case ET_OPT_BOOL:
		if (!v || word_in(v, truthy))
			x = 1;
		else if (!word_in(v, falsy)) {
			*why = "expects a boolean (e.g. 'true')";
			return -EINVAL;
		}
		break;
	case ET_OPT_UINT:
	case ET_OPT_INT:
		if (parse_int(v, op->kind == ET_OPT_INT, &x, why))
			return -EINVAL;
		break;
	case ET_OPT_STRING:
		if (strlen(v) >= op->size) {
			*why = "is too long for the program's strings (see "
			       "strlen)";
			return -E2BIG;
		}
		memset(out, 0, op->size);
		memcpy(out, v, strlen(v));
		return 0;
	}
	memcpy(out, &x, sizeof(x));
	return 0;
}

/* "HINT: expected program options: --a: --b", or with --help one per
 * line with its description. */
static void print_hint(const struct et_program *p, bool help)
{
	if (!p->noptions) {
		fputs("HINT: no custom program options defined.\n", stderr);
		return;
	}
	fputs(help ? "HINT: expected program options:\n"
		   : "HINT: expected program options: ",
	      stderr);
	for (int i = 0; i < p->noptions; i++) {
		const struct et_option *op = &p->options[i];

		fprintf(stderr, "--%s", op->name);
		if (help && op->desc[0])
			fprintf(stderr, ": %s", op->desc);
		if (i < p->noptions - 1)
			fputs(help ? "\n" : ", ", stderr);
	}
	fputc('\n', stderr);
}

static const struct et_option *find(const struct et_program *p,
				    const char *name, size_t len)
{
	for (int i = 0; i < p->noptions; i++)
		if (strlen(p->options[i].name) == len &&
		    !strncmp(p->options[i].name, name, len))
			return &p->options[i];
	return NULL;
}

/* The unknown names among args: reported all at once, as bpftrace. */
static bool check_known(const struct et_program *p, const char *const *args,
			int n)
{
	bool help = false, bad = false;

	for (int i = 0; i < n; i++) {
		const char *a = args[i] + 2, *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a) : strlen(a);

		if (find(p, a, len))
			continue;
		if (!strcmp(a, "help")) {
			help = true;
			continue;
		}
		fprintf(
		    stderr, "%s--%.*s",
		    bad ? ", "
			: "etrace: unexpected program command line options: ",
		    (int)len, a);
		bad = true;
	}
	if (bad)
		fputc('\n', stderr);
	if (bad || help)
		print_hint(p, help);
	return !bad && !help;
}

int options__set(struct loader *l, const struct et_program *p,
		 const char *const *args, int n)
{
	char var[64];

	if (!check_known(p, args, n))
		return -EINVAL;
	for (int i = 0; i < p->noptions; i++) {
		const struct et_option *op = &p->options[i];
		size_t size = op->kind == ET_OPT_STRING ? op->size : 8;
		const char *v = NULL, *why = NULL;
		char *buf = calloc(1, size);
		bool given = false;
		int err;

		if (!buf)
			return -ENOMEM;
		/* the last one given wins */
		for (int k = 0; k < n; k++) {
			const char *a = args[k] + 2, *eq = strchr(a, '=');
			size_t len = eq ? (size_t)(eq - a) : strlen(a);

			if (len == strlen(op->name) &&
			    !strncmp(a, op->name, len)) {
				v = eq ? eq + 1 : NULL;
				given = true;
			}
		}
		if (given)
			err = options__value(op, v, buf, &why);
		else if (op->kind == ET_OPT_STRING)
			err = options__value(op, op->def_str, buf, &why);
		else
			err = 0, memcpy(buf, &op->def, sizeof(op->def));
		if (!err) {
			snprintf(var, sizeof(var), ET_OPTION_VAR "%d", i);
			err = loader__set_rodata(l, var, buf, size);
			/* no program reads it: nothing to set */
			err = err == -ENOENT ? 0 : err;
			if (err)
				fprintf(stderr,
					"etrace: cannot set option --%s in the "
					"program's read-only data: %s\n",
					op->name, strerror(-err));
		} else {
			fprintf(stderr,
				"etrace: program command line option --%s %s "
				"(value: %s)\n",
				op->name, why, v ? v : "true");
		}
		free(buf);
		if (err)
			return err;
	}
	return 0;
}
