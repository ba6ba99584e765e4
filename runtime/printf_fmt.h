/* printf-style formats (printf, system, cat, debugf): parsed into segments
 * of literal text and conversion specifiers. The compiler checks them
 * against the argument types (compiler/printf_check.h); the runtime parses
 * the same text again from the artifact to print.
 *
 * Accepted specifiers (C semantics, the set bpftrace 0.17 accepts plus
 * C's flags + # and %i): '%' [flags - + # 0] [width] ['.' precision]
 * [length hh h l ll j z t] conversion d i u o x X c s p, or r rx rh for
 * buffers. "%%" is a literal '%'. A '%' that starts no valid specifier is
 * literal text, as in bpftrace (where "%f" prints "%f"). C's ' ' flag is
 * not taken: "100% sure" must stay text, as bpftrace prints it. */
#ifndef ETRACE_PRINTF_FMT_H
#define ETRACE_PRINTF_FMT_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"

enum fmt_flag {
	FMT_LEFT = 1 << 0,   /* '-' */
	FMT_PLUS = 1 << 1,   /* '+' */
	FMT_ALT = 1 << 2,    /* '#' */
	FMT_ZERO = 1 << 3,   /* '0' */
};

enum fmt_length { FMT_LEN_NONE, FMT_LEN_HH, FMT_LEN_H, FMT_LEN_L,
		  FMT_LEN_LL, FMT_LEN_J, FMT_LEN_Z, FMT_LEN_T };

/* What an argument of a specifier must be. */
enum fmt_class { FMT_INT, FMT_STR, FMT_BUF };

struct fmt_seg {
	bool is_spec;
	/* Literal text ("%%" already decoded), or the specifier as written
	 * ("%-8s"). Not NUL-terminated inside the format: use len. */
	const char *text;
	uint32_t len;
	/* Specifiers only. */
	char conv;           /* d i u o x X c s p r */
	char buf_mode;       /* %rx: 'x', %rh: 'h', else 0 */
	unsigned flags;      /* enum fmt_flag */
	int width;           /* -1: none */
	int precision;       /* -1: none */
	enum fmt_length length;
	enum fmt_class cls;
	/* "%ld", "%s", "%rx": length + conversion, for messages. */
	const char *name;
};

struct fmt {
	struct fmt_seg *segs;
	int nsegs;
	int nspecs;          /* arguments the format takes */
};

/* Parses s[0..len) into f (segments in the arena). Never fails: anything
 * that is not a specifier is text. */
void printf_fmt_parse(struct arena *a, const char *s, uint32_t len,
		      struct fmt *f);

#endif
