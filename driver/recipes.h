/* The stdlib recipes (stdlib/NAME.et) embedded in the binary: the table is
 * generated at build time by runtime/embed_stdlib.cmake. */
#ifndef ETRACE_RECIPES_H
#define ETRACE_RECIPES_H

#include <stddef.h>

struct et_recipe {
	const char *name;   /* file name without .et: "opensnoop" */
	const char *text;   /* NUL-terminated program text */
	size_t len;         /* excluding the NUL */
};

/* Sorted by name. Static storage; never freed. */
extern const struct et_recipe et_recipes[];
extern const int et_nrecipes;

/* NULL when there is no recipe of that name. */
const struct et_recipe *et_recipe_find(const char *name);

/* The recipe's one-line summary: the text of its first "// " comment
 * line after the #! line, written into buf (empty when there is none). */
void et_recipe_summary(const struct et_recipe *r, char *buf, size_t size);

#endif
