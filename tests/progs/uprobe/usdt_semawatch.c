/* A USDT target that reports its own semaphore: its stdout gets
 * "semaphore N" each time the value of etsema_tick_semaphore changes
 * (a tracer raised or dropped it), and while it is raised etsema:tick
 * fires with the process's pid. So a test sees in which processes a
 * tracer raised the semaphore, whatever it traces.
 * Usage: usdt_semawatch [ITERATIONS [SLEEP_MS]] */
#define _SDT_HAS_SEMAPHORES 1
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>
#include <time.h>
#include <unistd.h>

unsigned short etsema_tick_semaphore __attribute__((unused))
__attribute__((section(".probes")));

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	int ms = argc > 2 ? atoi(argv[2]) : 0;
	int last = -1;

	for (int i = 0; i < n; i++) {
		if (etsema_tick_semaphore != last) {
			last = etsema_tick_semaphore;
			printf("semaphore %d\n", last);
			fflush(stdout);
		}
		if (etsema_tick_semaphore)
			DTRACE_PROBE1(etsema, tick, getpid());
		if (ms) {
			struct timespec ts = {0, ms * 1000000L};

			nanosleep(&ts, NULL);
		}
	}
	return 0;
}
