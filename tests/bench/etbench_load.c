/* etbench_load: the load generator of tests/bench/bench.sh. It makes the
 * events the benchmark traces and times them:
 *   etbench_load getppid N     N getppid() calls flat out; prints the
 *                              number of calls and ns per call
 *   etbench_load func N        N calls of etbench_func() (the uprobe
 *                              target); prints calls and ns per call
 *   etbench_load rate R SECS   getppid() at R calls/s for SECS seconds
 *                              (batches every millisecond); prints calls
 *   etbench_load spin          getppid() every 100 us until killed
 * Output: one line "calls=N ns_per_call=X seconds=S".
 *   etbench_load treemem PGID  every 2 ms, the sum of VmRSS over the
 *                              processes of group PGID (a tool's helper
 *                              processes count with it), until none is
 *                              left; prints its peak and the largest
 *                              VmHWM of one of them: "rss_kb=N hwm_kb=N"
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

/* The uprobe target: not inlined, not folded away. */
__attribute__((noinline, used)) int etbench_func(int i)
{
	__asm__ volatile("" : : "r"(i) : "memory");
	return i + 1;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The libc wrapper may be cached or vDSO'd one day: call the kernel. */
static void one_getppid(void)
{
	syscall(SYS_getppid);
}

static void report(long calls, double ns)
{
	printf("calls=%ld ns_per_call=%.1f seconds=%.3f\n", calls,
	       calls ? ns / calls : 0.0, ns / 1e9);
}

static void run_flat(long n, int func)
{
	volatile int sink = 0;
	double t0 = now_ns();
	long i;

	for (i = 0; i < n; i++) {
		if (func)
			sink = etbench_func(sink);
		else
			one_getppid();
	}
	report(n, now_ns() - t0);
}

/* Every millisecond, catch up to rate * elapsed calls. */
static void run_rate(long rate, double secs)
{
	struct timespec tick = { 0, 1000000 };
	double t0 = now_ns(), end = t0 + secs * 1e9, t;
	long done = 0, due;

	while ((t = now_ns()) < end) {
		due = (long)((t - t0) / 1e9 * rate);
		for (; done < due; done++)
			one_getppid();
		nanosleep(&tick, NULL);
	}
	report(done, now_ns() - t0);
}

static void run_spin(void)
{
	struct timespec gap = { 0, 100000 };

	for (;;) {
		one_getppid();
		nanosleep(&gap, NULL);
	}
}

/* The "Key:   N kB" value of a /proc file, 0 if absent. */
static long proc_kb(const char *path, const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long v = 0;
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = atol(line + n + 1);
	if (f)
		fclose(f);
	return v;
}

/* Adds the VmRSS of pid to *rss and raises *hwm to its VmHWM when pid
 * is in group pgid. */
static int add_if_in_group(const char *pid, long pgid, long *rss, long *hwm)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if (!(f = fopen(path, "r")))
		return 0;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	/* after "(comm) ": state ppid pgrp */
	if (!p || !(p = strrchr(buf, ')')) ||
	    strtol(strchr(strchr(p + 2, ' ') + 1, ' ') + 1, NULL, 10) != pgid)
		return 0;
	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	*rss += proc_kb(path, "VmRSS");
	if (proc_kb(path, "VmHWM") > *hwm)
		*hwm = proc_kb(path, "VmHWM");
	return 1;
}

static void run_treemem(long pgid)
{
	struct timespec gap = { 0, 2000000 };
	long rss, max_rss = 0, hwm = 0;
	struct dirent *e;
	int alive, tries = 0, seen = 0;
	DIR *d;

	/* the group may not exist yet (setsid races with us): wait 1 s */
	do {
		rss = alive = 0;
		if (!(d = opendir("/proc")))
			break;
		while ((e = readdir(d)))
			if (isdigit((unsigned char)e->d_name[0]))
				alive += add_if_in_group(e->d_name, pgid,
							 &rss, &hwm);
		closedir(d);
		max_rss = rss > max_rss ? rss : max_rss;
		nanosleep(&gap, NULL);
		seen |= alive;
	} while (alive || (!seen && ++tries < 500));
	printf("rss_kb=%ld hwm_kb=%ld\n", max_rss, hwm);
}

static int usage(void)
{
	fprintf(stderr, "usage: etbench_load getppid N | func N | "
			"rate R SECS | spin | treemem PGID\n");
	return 2;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "getppid"))
		run_flat(atol(argv[2]), 0);
	else if (argc == 3 && !strcmp(argv[1], "func"))
		run_flat(atol(argv[2]), 1);
	else if (argc == 4 && !strcmp(argv[1], "rate"))
		run_rate(atol(argv[2]), atof(argv[3]));
	else if (argc == 2 && !strcmp(argv[1], "spin"))
		run_spin();
	else if (argc == 3 && !strcmp(argv[1], "treemem"))
		run_treemem(atol(argv[2]));
	else
		return usage();
	return 0;
}
