/* tracefs: where it is (compile_tracefs() in compile.h, mounting it when
 * needed), which tracepoints exist, and the layout of a tracepoint's
 * record from its events/<cat>/<name>/format file. */
#ifndef ETRACE_TRACEFS_H
#define ETRACE_TRACEFS_H

#include <stdbool.h>

#include "compile.h"

/* Parses the text of a format file into a T_RECORD named
 * "struct _tracepoint_<cat>_<name>" (as bpftrace names it) holding every
 * field after the common_* ones, at the offsets the kernel gives:
 *   - integers take the size and signedness of the format line (so
 *     "int dfd; size:8" is an int64, as bpftrace adjusts it);
 *   - "char comm[16]" is a T_ARRAY of int8, count 16;
 *   - "const char * filename" is a T_PTR to int8, "void *" a T_PTR to
 *     none, "struct x *" a T_PTR to an incomplete record "struct x";
 *     pointers live in user memory in the syscalls category, in kernel
 *     memory elsewhere;
 *   - "__data_loc char[] name" is a uint32 field "name" with dyn_loc
 *     FIELD_DATA_LOC (it holds offset | length << 16 of the data in the
 *     record; bpftrace 0.17 makes args->name the data's address),
 *     "__rel_loc" likewise with FIELD_REL_LOC.
 * rec->size is the size of the whole record, common fields included.
 * Returns NULL with errno EINVAL when no field line could be read. */
struct type *tracefs_parse_format(struct arena *a, const char *text,
				  const char *cat, const char *name);

/* Does events/<cat>/<name>/format exist under the tracefs root? */
bool tracefs_event_exists(struct compile_ctx *ctx, const char *cat,
			  const char *name);

/* Expands fnmatch patterns for the category and the event over the
 * events directory. Fills *out with "cat:name" strings in the arena,
 * sorted. Returns the count (0: none), or -ENOENT without tracefs. */
int tracefs_events_match(struct compile_ctx *ctx, const char *cat_pat,
			 const char *name_pat, const char ***out);

/* Finds the category of an event name (rawtracepoint:name): the first
 * category directory holding it, or NULL. */
const char *tracefs_event_category(struct compile_ctx *ctx,
				   const char *name);

/* Reads and parses the format file of cat:name. NULL (errno ENOENT) when
 * it does not exist. */
struct type *tracefs_event_type(struct compile_ctx *ctx, const char *cat,
				const char *name);

#endif
