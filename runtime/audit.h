/* audit: who traced what (issue #17). Every run appends a record when it
 * starts and one when it ends to a JSON-lines file and to syslog
 * (journald reads it): who (uid, euid, the login uid of
 * /proc/self/loginuid, the user name), when, the program's text and its
 * SHA-256, its probes, its targets (-p, -c) and, at the end, how it
 * ended. Each file record carries in "prev" the SHA-256 of the record
 * before it (64 zeros for the first), so that editing or deleting a
 * record breaks the chain, which audit__verify finds.
 *
 * The file: --audit-log FILE, else $ETRACE_AUDIT_LOG, else, for a run as
 * root, ET_AUDIT_DEFAULT; "none" turns it off. It is opened (and locked
 * for each append, so concurrent runs keep one chain) before the program
 * is loaded and kept open, so that the end record is written after the
 * privileges are dropped (priv.h). A program's own config cannot change
 * any of this. */
#ifndef ETRACE_AUDIT_H
#define ETRACE_AUDIT_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "program.h"

#define ET_AUDIT_DEFAULT "/var/log/etrace/audit.jsonl"

struct audit;

/* Opens the audit of a run of prog as the command line cli asks: *out
 * is the audit (NULL when off). 0; or, when the log cannot be written,
 * -errno after a message: with --audit-required the run must not go on;
 * without it the caller goes on with *out NULL. */
int audit__open(const struct cli *cli, const struct et_program *prog,
		struct audit **out);

/* The start record: 0, or -errno after a message. */
int audit__start(struct audit *a);

/* The end record (status: the run's exit status) and the audit closed.
 * a may be NULL. */
void audit__end(struct audit *a, int status, bool signalled);

/* Checks the chain of the audit log at path; what is wrong is printed
 * to out, one line per broken link. 0 when intact, 1 when not, 2 when
 * the file cannot be read. */
int audit__verify(const char *path, FILE *out);

#endif
