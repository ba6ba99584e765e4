/* run_cmd.h: running system()'s command (run_cmd.c). */
#ifndef ETRACE_RUN_CMD_H
#define ETRACE_RUN_CMD_H

#include <signal.h>
#include <stddef.h>

/* Runs cmd with /bin/sh -c under signal mask mask; what it writes on
 * its standard output is malloc'ed in *text (*len bytes; NULL when
 * none). Signals are read from the signalfd sigfd meanwhile (< 0: none
 * is watched): SIGUSR1 only counted in *usr1; any other stops the
 * command. Returns 0, -EINTR when such a signal came (it was read:
 * the caller ends the run; *text holds what the command wrote until
 * then), or another -errno (it could not run). */
int run_cmd(const char *cmd, int sigfd, const sigset_t *mask,
	    unsigned *usr1, char **text, size_t *len);

#endif
