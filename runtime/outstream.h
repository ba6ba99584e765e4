/* outstream.h: the program's output stream (stdout or -o FILE) as a
 * stdio FILE that remembers why a write failed. stdio keeps only an
 * error flag, and errno is long gone by the time the run looks; this
 * stream keeps the errno of its first failed write (ENOSPC, EIO, EPIPE
 * when the reader of a pipe went away), so that the run can stop at
 * once and say why (SPEC §7). A failed write is never retried: what
 * stdio then drops is what the message says was lost.
 *
 * Ownership: outstream__open returns a FILE the caller closes with
 * outstream__close (which closes fd only when own). */
#ifndef ETRACE_OUTSTREAM_H
#define ETRACE_OUTSTREAM_H

#include <stdbool.h>
#include <stdio.h>

/* A FILE writing to fd; name is what messages call it ("stdout", the
 * -o path; copied). NULL with errno set. */
FILE *outstream__open(int fd, const char *name, bool own);
/* The errno of f's first failed write, 0 when none failed or f is not
 * an outstream. */
int outstream__error(FILE *f);
/* What messages call f ("stdout" when f is not an outstream). */
const char *outstream__name(FILE *f);
/* Flushes and closes f: 0, or the errno of the first failed write
 * (that flush's, or an earlier one). */
int outstream__close(FILE *f);

#endif
