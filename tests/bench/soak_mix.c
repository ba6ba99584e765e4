/* soak_mix: the load of the recipe-mix soak (soak.sh): RATE events per
 * second for SECS seconds, in rounds of 100 events, spread evenly:
 *   an open() of PATH, which fails (ENOENT): opensnoop prints each;
 *   a close(-1) (EBADF): syscount counts it with the opens;
 *   every EXEC_EVERY-th event a fork and execve of /bin/true: execsnoop;
 *   every CONN_EVERY-th event a connect() to 127.0.0.1:PORT, where nothing
 *   listens (refused): tcpconnect.
 * Then writes to REPORT what it did (opens N, closes N, execs N,
 * connects N) and the rate it kept (rate N).
 *   soak_mix RATE SECS PATH PORT REPORT */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXEC_EVERY 1000
#define CONN_EVERY 200

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long rate, opens = 0, closes = 0, execs = 0, conns = 0, ev = 0;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	double secs, t0, t;
	FILE *rep;

	if (argc != 6) {
		fprintf(stderr, "usage: soak_mix RATE SECS PATH PORT REPORT\n");
		return 2;
	}
	rate = atol(argv[1]);
	secs = atof(argv[2]);
	sa.sin_port = htons(atoi(argv[4]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	t0 = now();
	for (;;) {
		t = now() - t0;
		if (t >= secs)
			break;
		/* behind the schedule: catch up; ahead: sleep to it */
		if (ev >= (long)(t * rate) + 100) {
			struct timespec ts = { 0, 2000000 };

			nanosleep(&ts, NULL);
			continue;
		}
		for (int i = 0; i < 100; i++, ev++) {
			if (ev % 2 == 0) {
				if (open(argv[3], O_RDONLY) >= 0)
					return 1; /* PATH must not exist */
				opens++;
			} else {
				close(-1);
				closes++;
			}
			if (ev % EXEC_EVERY == 0) {
				pid_t p = fork();

				if (p == 0) {
					/* the arguments on the stack: the
					 * child has its pages, which the
					 * probe reads (a string of .rodata
					 * is not mapped in it yet) */
					char a0[] = "true", a1[] = "soak";
					char *av[] = { a0, a1, NULL };

					execv("/bin/true", av);
					_exit(127);
				}
				if (p > 0 && waitpid(p, NULL, 0) == p)
					execs++;
			}
			if (ev % CONN_EVERY == 0) {
				int s = socket(AF_INET, SOCK_STREAM, 0);

				if (s >= 0) {
					connect(s, (struct sockaddr *)&sa,
						sizeof(sa));
					close(s);
					conns++;
				}
			}
		}
	}
	rep = fopen(argv[5], "w");
	if (!rep)
		return 1;
	fprintf(rep, "opens %ld\ncloses %ld\nexecs %ld\nconnects %ld\n"
		"rate %.0f\n", opens, closes, execs, conns, ev / (now() - t0));
	return fclose(rep) ? 1 : 0;
}
