/* A USDT target: probes with no, register, memory and constant arguments
 * through <sys/sdt.h> (systemtap-sdt-dev), and a second provider's probe
 * of the same name (other:start, so that usdt:BIN:start is ambiguous);
 * usdt_sema.c adds one with a semaphore.
 * Usage: usdt_c [ITERATIONS [SLEEP_MS]] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>
#include <time.h>

void et_guarded(int i);

static volatile long counter;

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	int ms = argc > 2 ? atoi(argv[2]) : 0;
	const char *word = "hello";

	for (int i = 0; i < n; i++) {
		long big = 1000000000000L + i;
		signed char small = (signed char)-i;

		DTRACE_PROBE(etrace, start);
		DTRACE_PROBE(other, start);
		DTRACE_PROBE3(etrace, values, i, big, small);
		DTRACE_PROBE2(etrace, text, word, counter);
		DTRACE_PROBE1(etrace, constant, 42);
		et_guarded(i);
		counter++;
		if (ms) {
			struct timespec ts = { 0, ms * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	printf("%ld\n", counter);
	return 0;
}
