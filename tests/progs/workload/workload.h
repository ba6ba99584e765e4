/* The workload's actions defined outside workload.c (workload_user.c:
 * uprobe and watchpoint targets; workload_usdt.c: USDT probes), and what
 * they share with workload.c; each takes its arguments as strings. */
#ifndef ETRACE_WORKLOAD_H
#define ETRACE_WORKLOAD_H

int wl_dwarf(char **argv);
int wl_watch(char **argv);
int wl_watch_unwatch(char **argv);
int wl_watch_multi(char **argv);

/* s as an integer into *out; 0, or -EINVAL after a message. */
int workload_num(const char *s, long long *out);

/* usdt N, usdt-loop MS (workload_usdt.c) */
int workload_usdt(char **argv);
int workload_usdt_loop(char **argv);

#endif
