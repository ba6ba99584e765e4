/* The etrace front-end driver: what main() dispatches to for each action
 * of the command line. Each returns the process exit status (0 success,
 * 1 failure with a message printed, 2 usage error). */
#ifndef ETRACE_DRIVER_H
#define ETRACE_DRIVER_H

#include "cli.h"

/* Compile the program of -e/FILE/-/recipe; --dry-run and -d stop after
 * checking, otherwise it needs the back end (not in this build). */
int et_run(const struct cli *cli);

/* -l [PATTERN] (list.c). */
int et_list(const struct cli *cli);

/* --info (info.c); --info FILE (info_binary.c). */
int et_info(const struct cli *cli);
int et_info_binary(const char *path);

/* Settings from ETRACE_* environment variables into compile options;
 * returns 0 or prints a usage error and returns 2 (driver.c). */
struct compile_opts;
int et_env_opts(struct compile_opts *opts);

#endif
