/* soak_load: the load generator of soak-counter.sh (the soak benchmark): RATE
 * close() calls per second for SECS seconds, on the invalid descriptors
 * -1, -2, ... -NKEYS in turn (each fails at once with EBADF: a cheap,
 * countable event with an argument), then writes to REPORT what it sent:
 *   sent N          calls made
 *   over_keys N     calls whose key came after the first KEEP keys (in a
 *                   map of KEEP keys filled in this order, every one of
 *                   them is an update that finds the map full)
 *   marked N        calls whose descriptor is a multiple of 64 (the
 *                   ones soak-counter.sh's program prints)
 *   soak_load RATE SECS NKEYS KEEP REPORT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long rate, nkeys, keep, sent = 0, over = 0, marked = 0, k = 0;
	double secs, t0, t;
	FILE *f;

	if (argc != 6) {
		fprintf(stderr, "usage: soak_load RATE SECS NKEYS KEEP REPORT\n");
		return 2;
	}
	rate = atol(argv[1]);
	secs = atof(argv[2]);
	nkeys = atol(argv[3]);
	keep = atol(argv[4]);
	t0 = now();
	while ((t = now() - t0) < secs) {
		long due = (long)(t * rate);

		for (; sent < due; sent++) {
			syscall(SYS_close, -1 - k);
			over += k >= keep;
			marked += ((-1 - k) & 63) == 0;
			k = (k + 1) % nkeys;
		}
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	f = fopen(argv[5], "w");
	if (!f)
		return 1;
	fprintf(f, "sent %ld\nover_keys %ld\nmarked %ld\n", sent, over,
		marked);
	return fclose(f) ? 1 : 0;
}
