/* Lookup in the embedded stdlib recipe table (generated from stdlib/NAME.et
 * by runtime/embed_stdlib.cmake into the build directory). */
#include "recipes.h"

#include <string.h>

const struct et_recipe *et_recipe_find(const char *name)
{
	for (int i = 0; i < et_nrecipes; i++)
		if (!strcmp(et_recipes[i].name, name))
			return &et_recipes[i];
	return NULL;
}

/* Skips a "#!" line and blank lines, then takes a leading "// text". */
void et_recipe_summary(const struct et_recipe *r, char *buf, size_t size)
{
	const char *p = r->text, *eol;
	size_t n;

	buf[0] = '\0';
	if (!strncmp(p, "#!", 2))
		p += strcspn(p, "\n") + (p[strcspn(p, "\n")] ? 1 : 0);
	while (*p == '\n')
		p++;
	if (strncmp(p, "// ", 3))
		return;
	p += 3;
	eol = p + strcspn(p, "\n");
	n = (size_t)(eol - p);
	if (n >= size)
		n = size - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
}
