/* Tracepoint format files (tracefs events/<cat>/<name>/format): the
 * field lines, as the compiler types a tracepoint's args from them
 * (compiler/tracefs.c) and as the runtime checks that a program compiled
 * elsewhere reads them at the same offsets on this kernel. */
#ifndef ETRACE_TP_FORMAT_H
#define ETRACE_TP_FORMAT_H

#include <stdbool.h>

/* One "\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;" line. */
struct tp_format_field {
	char decl[256];      /* "const char * filename", "char comm[16]" */
	char name[128];      /* "filename", "comm" */
	unsigned name_off;   /* where name starts in decl */
	unsigned offset;
	unsigned size;
	bool is_signed;
	bool dyn_loc;        /* "__data_loc char[] name", "__rel_loc ..." */
};

/* Parses one line; false when it is no field line. */
bool tp_format_line(const char *line, struct tp_format_field *f);

/* Calls fn for each field line of text (len bytes), in order, until fn
 * returns non-zero; returns that, or 0. */
int tp_format_each(const char *text, unsigned long len,
		   int (*fn)(const struct tp_format_field *f, void *arg),
		   void *arg);

#endif
