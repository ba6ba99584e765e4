/* What the workload's actions kept in other files (workload_usdt.c)
 * share with workload.c. */
#ifndef ETRACE_WORKLOAD_H
#define ETRACE_WORKLOAD_H

/* s as an integer into *out; 0, or -EINVAL after a message. */
int workload_num(const char *s, long long *out);

/* usdt N, usdt-loop MS (workload_usdt.c) */
int workload_usdt(char **argv);
int workload_usdt_loop(char **argv);

#endif
