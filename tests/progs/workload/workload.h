/* The workload's actions defined outside workload.c (workload_user.c:
 * uprobe and watchpoint targets); each takes its arguments as strings. */
#ifndef ETRACE_WORKLOAD_H
#define ETRACE_WORKLOAD_H

int wl_dwarf(char **argv);
int wl_watch(char **argv);
int wl_watch_unwatch(char **argv);
int wl_watch_multi(char **argv);

#endif
