/* Span blocks (SPEC 3.3): what the compiler knows of each, shared by the
 * parser (which calls span_block when it has read one), the function
 * rows of funcs_span.c (which type the span.* calls) and the code
 * generator (compiler/codegen/cg_span.c).
 *
 * A span block becomes ordinary probes whose bodies call hidden
 * functions (their names have a '.', so no script can call them):
 *   begin: span.open(); BODY; span.key(KEY...)
 *   end:   BODY up to its first statement that uses a span field;
 *          span.key(KEY...); the rest of BODY; span.close()
 *   event: [span.eopen();] BODY; span.key(KEY...)
 * and span.NAME reads/writes in a body are span.get("NAME") and
 * span.set("NAME", value); event.NAME = value in an event probe is
 * span.eset("NAME", value) (span.eopen first when it has any). Everything lives
 * in the compile context's arena. */
#ifndef ETRACE_PASS_SPAN_H
#define ETRACE_PASS_SPAN_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "compile.h"

enum span_role { SROLE_NONE, SROLE_BEGIN, SROLE_END, SROLE_EVENT };

#define SPAN_MAX_ATTRS 64
#define SPAN_MAX_KEYS 8
#define SPAN_MAX_EVENTS 64
/* event.NAME = expr: attributes of one event probe's events */
#define SPAN_MAX_EVENT_ATTRS 16

struct span_attr {
	const char *name;
	/* set by the type pass: an integer (8 bytes in the record) or a
	 * string (the largest assigned) */
	struct type *type;
	struct loc loc; /* first assignment */
};

struct span_info {
	const char *name;
	struct loc loc;
	int idx;
	struct span_attr attrs[SPAN_MAX_ATTRS];
	int nattrs;
	const char *events[SPAN_MAX_EVENTS];
	int nevents;
	/* the attributes each event probe sets (event.NAME = expr), in
	 * the arena (NULL: none) */
	struct span_attr *eattrs[SPAN_MAX_EVENTS];
	int neattrs[SPAN_MAX_EVENTS];
	/* the key's elements, typed as in the first probe typed (integers
	 * widened to 8 bytes; strings the largest) */
	struct type *keys[SPAN_MAX_KEYS];
	int nkeys;
	const struct node *first; /* its first probe */
	/* the code generator's layout of it (cg_span.c), NULL until its
	 * first span call */
	struct span_cg *cg;
};

/* The block span NAME { key (...); begin/end/event probes }: checks it,
 * registers it in ctx->spans and returns its probes, bodies rewritten
 * (NULL after reporting errors). keys: the key's expressions; key_loc
 * where it was written (LOC_NONE: no key). */
struct node *span_block(struct compile_ctx *ctx, const char *name,
			struct loc loc, struct node *keys, struct loc key_loc,
			struct node *probes);

/* Function spans: each probe of the list (a uprobe or kprobe at a
 * function's entry) whose body has a statement span("NAME") begins span
 * NAME (keyed by the thread and the call's stack frame, so recursive
 * calls stay apart), and a uretprobe/kretprobe on the same function,
 * added after it, ends it. Returns the list. */
struct node *span_functions(struct compile_ctx *ctx, struct node *probes);

/* The span.NAME expression: span.get("NAME"); span.NAME = v:
 * span.set("NAME", v) (kind and status take a bare word: server). */
struct node *span_get(struct compile_ctx *ctx, struct loc loc,
		      const char *name);
struct node *span_set(struct compile_ctx *ctx, struct loc loc, struct node *get,
		      struct node *value);

/* The event.NAME expression: span.eget("NAME"), an error but as the
 * target of an assignment, which span_set makes span.eset("NAME", v):
 * an attribute of the event an event probe adds. */
struct node *span_event_get(struct compile_ctx *ctx, struct loc loc,
			    const char *name);

/* Whether n is a span.get or span.eget call. */
bool span_is_get(const struct node *n);

/* The span fields every span has (not attributes): "start", ... */
bool span_builtin_field(const char *name);
/* kind/status words: their et_span_kind / et_span_status value, or -1 */
int span_kind_value(const char *word);
int span_status_value(const char *word);

/* The attribute of s named name, or NULL. */
struct span_attr *span_attr_find(struct span_info *s, const char *name);
/* The attribute name of event probe ev of s, or NULL. */
struct span_attr *span_eattr_find(struct span_info *s, int ev,
				  const char *name);

#endif
