/* The user of libetrace_usdt.so: its own probes etlib:in_exe and
 * etlib:twice (also in the library), then the library's, per iteration.
 * Usage: usdt_libuser [ITERATIONS [SLEEP_MS]]; arguments: i (in_exe),
 * i + 3000 (twice here), i + 1000 and i + 2000 (the library's). */
#include <stdlib.h>
#include <sys/sdt.h>
#include <time.h>

void et_usdt_lib(int i);

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	int ms = argc > 2 ? atoi(argv[2]) : 0;

	for (int i = 0; i < n; i++) {
		DTRACE_PROBE1(etlib, in_exe, i);
		DTRACE_PROBE1(etlib, twice, i + 3000);
		et_usdt_lib(i);
		if (ms) {
			struct timespec ts = {0, ms * 1000000L};

			nanosleep(&ts, NULL);
		}
	}
	return 0;
}
