/* Internal to the artifact's reader and writer (artifact.c and
 * artifact_run.c): the reader's state, and the JSON helpers both files
 * use. Readers check what they read and fail with one sentence. */
#ifndef ETRACE_ARTIFACT_IMPL_H
#define ETRACE_ARTIFACT_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "program.h"

struct rd {
	struct et_program *p;
	struct arena *a;
	char *err;
	size_t errlen;
	bool failed;
	struct et_type **types;
	int ntypes;
};

/* "corrupt artifact: ..." in r->err (the first failure only); false. */
bool art_fail(struct rd *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* An optional number: an integer in [0, max]; *v untouched when absent. */
bool art_get_uint(struct rd *r, const cJSON *o, const char *what,
		  const char *k, uint64_t max, uint64_t *v);
bool art_get_u32(struct rd *r, const cJSON *o, const char *what,
		 const char *k, uint32_t max, uint32_t *v);
/* A string copied into the program's arena (NULL when absent and not
 * required). */
bool art_get_str(struct rd *r, const cJSON *o, const char *what,
		 const char *k, bool required, const char **s);
bool art_get_bool(const cJSON *o, const char *k);
/* "loc": a place in the script, or LOC_NONE when absent or null. */
bool art_get_loc(struct rd *r, const cJSON *o, const char *what,
		 struct loc *l);
/* The array under key k (absent: empty), at most max items. */
const cJSON *art_get_array(struct rd *r, const cJSON *o, const char *k,
			   int max, int *n);

cJSON *art_loc_json(struct loc l);
/* Only when s is not NULL, v true. */
void art_add_str(cJSON *o, const char *k, const char *s);
void art_add_bool(cJSON *o, const char *k, bool v);

/* artifact_run.c: "settings" and "drops" of the root object. */
void art_run_write(cJSON *root, const struct et_program *p);
bool art_run_read(struct rd *r, const cJSON *root);

#endif
