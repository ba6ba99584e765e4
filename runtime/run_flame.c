/* At exit, the files of --flamegraph and --folded (or config flamegraph
 * and folded): the stacks of every map keyed by stacks, as an SVG flame
 * graph (runtime/flamegraph.c) and as folded stacks. Written after the
 * maps are printed, from the same map contents. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "flamegraph.h"
#include "run_impl.h"

static int write_file(const char *path, const struct flamegraph *fg, bool svg)
{
	FILE *f = fopen(path, "we");
	int err;

	if (!f)
		return -errno;
	err = svg ? flamegraph__write_svg(fg, f, NULL)
		  : flamegraph__write_folded(fg, f);
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

int run_write_stacks(struct run *r)
{
	const struct et_settings *s = &r->prog->settings;
	const char *svg = r->o->flamegraph ? r->o->flamegraph : s->flamegraph;
	const char *folded = r->o->folded ? r->o->folded : s->folded;
	const char *path[2] = {folded, svg};
	struct flamegraph *fg;
	int n, err = 0, rc = 0;

	if (!svg && !folded)
		return 0;
	fg = flamegraph__new();
	if (!fg)
		return -ENOMEM;
	n = output__collect_stacks(r->out, fg);
	if (n < 0) {
		run_error("cannot read the stacks for %s: %s",
			  svg ? svg : folded, strerror(-n));
		flamegraph__free(fg);
		return n;
	}
	if (!n)
		fprintf(stderr,
			"etrace: warning: no map is keyed by a stack "
			"(kstack, ustack) with counts: %s%s%s holds no "
			"stack\n",
			path[0] ? path[0] : "",
			path[0] && path[1] ? " and " : "",
			path[1] ? path[1] : "");
	for (int i = 0; i < 2; i++) {
		if (!path[i])
			continue;
		err = write_file(path[i], fg, i == 1);
		if (err) {
			run_error("cannot write %s '%s': %s",
				  i ? "the flame "
				      "graph"
				    : "the folded stacks",
				  path[i], strerror(-err));
			rc = err;
		} else if (!r->o->quiet) {
			fprintf(stderr,
				"etrace: wrote %s%s (%" PRIu64 " samples)\n",
				i ? "the flame graph " : "the folded stacks ",
				path[i], flamegraph__total(fg));
		}
	}
	flamegraph__free(fg);
	return rc;
}
