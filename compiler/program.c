/* program.c: releasing a compiled program (compiler/program.h). Only the
 * object image is malloc'ed; the metadata lives in the compile arena. */
#include <stdlib.h>
#include <string.h>

#include "program.h"

void et_program_free(struct et_program *p)
{
	if (!p)
		return;
	free(p->obj);
	memset(p, 0, sizeof(*p));
}
