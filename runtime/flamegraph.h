/* Folded stacks and etrace's own SVG flame graph writer. A folded stack
 * is one line "frame0;frame1;...;leaf COUNT", outermost frame first, as
 * flamegraph.pl, inferno and speedscope read them. The SVG has the look
 * of flamegraph.pl's (frames sized by count, stacked from the bottom,
 * tooltips in <title>), with our own script: click a frame to zoom,
 * "Reset Zoom", "Search" (or Ctrl-F) highlights the frames whose name
 * matches a regular expression and shows the share of samples they
 * cover.
 *
 * Ownership: flamegraph__new returns an object freed with
 * flamegraph__free (NULL is a no-op); it copies the frames it is
 * given. */
#ifndef ETRACE_FLAMEGRAPH_H
#define ETRACE_FLAMEGRAPH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a frame is: its colour in the SVG. */
enum fg_kind {
	FG_USER,   /* a user-space function: red/yellow ("hot") */
	FG_KERNEL, /* a kernel function ("name_[k]"): orange */
	FG_OTHER,  /* a key that is no frame (comm, pid...): blue */
	FG_JIT,	   /* "name_[j]": green */
	FG_INLINE, /* "name_[i]": aqua */
};

struct flamegraph;

struct flamegraph *flamegraph__new(void);
void flamegraph__free(struct flamegraph *fg);

/* One stack: frames[0..n) outermost first, their kinds (NULL: from the
 * names' "_[k]"/"_[j]"/"_[i]" suffixes), and its count. Identical stacks
 * add up. 0 or -ENOMEM. */
int flamegraph__add(struct flamegraph *fg, const char *const *frames,
		    const enum fg_kind *kinds, int n, uint64_t count);

/* One folded line ("a;b;c 12", with or without the newline). 0, or
 * -EINVAL for a line that is not one. */
int flamegraph__add_folded(struct flamegraph *fg, const char *line);

/* The number of samples added (the sum of the counts). */
uint64_t flamegraph__total(const struct flamegraph *fg);

/* Every stack as a folded line, sorted by stack, identical ones merged.
 * 0, or -EIO when f has an error. */
int flamegraph__write_folded(const struct flamegraph *fg, FILE *f);

/* The SVG, titled title (NULL: "Flame Graph"). 0, or -EIO. */
int flamegraph__write_svg(const struct flamegraph *fg, FILE *f,
			  const char *title);

#endif
