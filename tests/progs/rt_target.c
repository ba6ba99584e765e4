/* rt_target: the traced program of the runtime lifecycle tests
 * (tests/runtime/lifecycle.sh). Each action makes a known number of
 * system calls:
 *   rt_target getppid N     N getppid() calls, then exit 0
 *   rt_target sleep MS      sleep MS milliseconds, then exit 0
 *   rt_target exit CODE     exit with CODE at once
 *   rt_target print TEXT    write TEXT and a newline to stdout
 *   rt_target work N        call rt_work(i) for i in 0..N-1 (a function
 *                           for uprobes: returns i * 2 after sleeping
 *                           i milliseconds)
 *   rt_target jit N         copy a getppid() function to an anonymous
 *                           executable page, name it rt_jit_getppid in
 *                           /tmp/perf-PID.map (as a JIT does) and call it
 *                           N times, 10 ms apart
 *   rt_target fifo PATH     call rt_work(0), then read PATH (a fifo) to
 *                           its end and exit 0: alive until the test
 *                           lets it go (tests/runtime/priv.sh) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

__attribute__((noinline, used)) long rt_work(long i)
{
	sleep_ms(i);
	return i * 2;
}

/* x86-64: mov eax, 110 (getppid); syscall; ret */
static const unsigned char jit_code[] = {0xb8, 0x6e, 0x00, 0x00, 0x00,
					 0x0f, 0x05, 0xc3};

static int jit(long n)
{
	unsigned char *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char path[64];
	FILE *f;

	if (code == MAP_FAILED)
		return 1;
	memcpy(code + 64, jit_code, sizeof(jit_code));
	if (mprotect(code, 4096, PROT_READ | PROT_EXEC))
		return 1;
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
	f = fopen(path, "w");
	if (!f)
		return 1;
	fprintf(f, "%lx %zx rt_jit_getppid\n", (unsigned long)(code + 64),
		sizeof(jit_code));
	fclose(f);
	for (long i = 0; i < n; i++) {
		((long (*)(void))(void *)(code + 64))();
		sleep_ms(10);
	}
	return 0;
}

int main(int argc, char **argv)
{
	long n;

	if (argc != 3) {
		fprintf(stderr, "usage: rt_target getppid|sleep|exit|print|"
				"work|jit|fifo ARG\n");
		return 2;
	}
	if (!strcmp(argv[1], "fifo")) {
		char buf[64];
		int fd;

		rt_work(0);
		fd = open(argv[2], O_RDONLY);
		while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
			;
		return fd < 0;
	}
	n = strtol(argv[2], NULL, 0);
	if (!strcmp(argv[1], "getppid")) {
		for (long i = 0; i < n; i++)
			getppid();
	} else if (!strcmp(argv[1], "sleep")) {
		sleep_ms(n);
	} else if (!strcmp(argv[1], "exit")) {
		return (int)n;
	} else if (!strcmp(argv[1], "work")) {
		for (long i = 0; i < n; i++)
			rt_work(i);
	} else if (!strcmp(argv[1], "jit")) {
		return jit(n);
	} else if (!strcmp(argv[1], "print")) {
		printf("%s\n", argv[2]);
	} else {
		fprintf(stderr, "rt_target: unknown action '%s'\n", argv[1]);
		return 2;
	}
	return 0;
}
