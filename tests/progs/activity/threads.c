/* Activity for threadsnoop: creates one thread through pthread_create()
 * with a start routine named "worker", joins it, and lives 1.5 s more. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int worker_ran;

__attribute__((noinline)) static void *worker(void *arg)
{
	worker_ran = 1;
	return arg;
}

int main(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, worker, NULL) || pthread_join(t, NULL)) {
		fprintf(stderr, "threads: pthread_create failed\n");
		return 1;
	}
	/* stay alive a little: the tracer symbolizes the start routine
	 * with this process's mappings, read when the event arrives (a
	 * loaded machine delayed it past 200 ms) */
	usleep(1500 * 1000);
	return worker_ran ? 0 : 1;
}
