/* Releasing a program's metadata (prog_meta.h). Only the object image is
 * malloc'ed; the metadata lives in the compile arena. */
#include <stdlib.h>
#include <string.h>

#include "prog_meta.h"

void prog_meta_free(struct prog_meta *p)
{
	if (!p)
		return;
	free(p->obj);
	memset(p, 0, sizeof(*p));
}
