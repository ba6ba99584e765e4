/* Activity for threadsnoop: creates one thread through pthread_create()
 * with a start routine named "worker" and joins it. */
#include <pthread.h>
#include <stdio.h>

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
	return worker_ran ? 0 : 1;
}
