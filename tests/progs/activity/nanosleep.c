/* Activity for naptime: one nanosleep(2) system call (glibc's nanosleep()
 * and sleep() use clock_nanosleep, which naptime.bt does not trace).
 * Usage: nanosleep [MILLISECONDS] (default 20). */
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 20;
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = ms % 1000 * 1000000L };

	return syscall(SYS_nanosleep, &ts, NULL) ? 1 : 0;
}
