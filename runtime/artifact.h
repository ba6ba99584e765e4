/* The compiled artifact: the one thing the compiler hands the runtime.
 * It is the BPF ELF object itself, with one more section, ".etrace",
 * holding the metadata the runtime needs (runtime/program.h) as versioned
 * JSON: probes with their attach targets, maps, printf/print formats and
 * record layouts, the types to decode, stack and symbol needs, the
 * positional parameters compiled in, and the script's text for messages.
 * libbpf skips the extra section when it opens the object.
 *
 * The same bytes are what `etrace --compile-only -o prog.eto` writes,
 * what the object cache keeps, and what `etrace-run prog.eto` reads: every
 * run, cached or not, goes through artifact__read.
 *
 * Reading never trusts the bytes: a truncated, corrupt or foreign file, or
 * one of another format version, gets one sentence in err and -EINVAL
 * (tests/fuzz/fuzz_artifact.c). */
#ifndef ETRACE_ARTIFACT_H
#define ETRACE_ARTIFACT_H

#include <stddef.h>

#include "program.h"

#define ET_ARTIFACT_SECTION ".etrace"
/* The format version this build writes and reads. A reader refuses other
 * versions rather than guess. Raised whenever a layout shared between the
 * BPF code an artifact carries and the runtime changes (2: the unwinder's
 * per-process entry records the program image, hist buckets carry sums,
 * Java and Node walker maps). */
#define ET_ARTIFACT_VERSION 2

/* The metadata of p as JSON text (malloc'ed, NUL-terminated), or NULL
 * with errno set. p->obj is not part of it. Deterministic: the same
 * program gives the same bytes (the object cache keys on them). */
char *artifact__meta(const struct et_program *p);

/* The artifact: obj (a BPF ELF object, ELF64 little-endian) with meta
 * added as the ET_ARTIFACT_SECTION section. *out is malloc'ed. 0, or
 * -EINVAL when obj is not an ELF object this can extend, -ENOMEM. */
int artifact__build(const void *obj, size_t obj_len, const char *meta,
		    void **out, size_t *out_len);

/* Decodes an artifact. On success *out is a new program (free it with
 * et_program__free) holding a copy of buf as its object. On failure, one
 * sentence in err (without "etrace: ") and a negative errno. */
int artifact__read(const void *buf, size_t len, struct et_program **out,
		   char *err, size_t errlen);

/* The bytes of the file at path (malloc'ed in *buf): 0, or a negative
 * errno with one sentence in err. */
int artifact__slurp(const char *path, void **buf, size_t *len, char *err,
		    size_t errlen);

/* Reads the file at path and decodes it as artifact__read does. */
int artifact__read_file(const char *path, struct et_program **out,
			char *err, size_t errlen);

/* Does buf start like an ELF file (an artifact, not a script)? */
int artifact__is_elf(const void *buf, size_t len);

/* Is buf an ELF file with etrace's metadata section (an artifact, not
 * some other program)? */
int artifact__has_meta(const void *buf, size_t len);

#endif
