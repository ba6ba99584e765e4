/* fault_target: the traced program of the fault suite
 * (tests/faults/faults.sh) and of the settings tests
 * (tests/runtime/settings.sh). Its functions are for uprobes; each
 * action makes a known number of calls:
 *   fault_target keys N          ft_key(i) for i in 0..N-1
 *   fault_target burst N         ft_tick(i) for i in 0..N-1, at once
 *   fault_target ticks N MS      ft_tick(i) every MS ms (N 0: forever)
 *   fault_target exec N PROG...  N ticks 10 ms apart, then exec PROG
 *   fault_target slow MS         ft_slow(MS): returns after MS ms
 *   fault_target str LEN         ft_str(s), s LEN characters long
 *   fault_target dlsym LIB SYM   ft_addr(&main), then LIB loaded,
 *                                ft_addr(SYM's address), 200 ms apart
 * FT_DELAY_MS in the environment: sleep that long first (so that a
 * test can look at etrace, attached, before the calls come). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

__attribute__((noinline, used)) long ft_key(long i)
{
	__asm__ volatile("" ::: "memory");
	return i;
}

__attribute__((noinline, used)) long ft_tick(long i)
{
	__asm__ volatile("" ::: "memory");
	return i;
}

__attribute__((noinline, used)) long ft_slow(long ms)
{
	sleep_ms(ms);
	return ms;
}

__attribute__((noinline, used)) size_t ft_str(const char *s)
{
	__asm__ volatile("" ::: "memory"); /* a call that stays */
	return strlen(s);
}

__attribute__((noinline, used)) long ft_addr(void *p)
{
	__asm__ volatile("" ::: "memory");
	return (long)p;
}

static int ticks(long n, long ms)
{
	for (long i = 0; n == 0 || i < n; i++) {
		ft_tick(i);
		if (ms)
			sleep_ms(ms);
	}
	return 0;
}

static int do_str(long len)
{
	char *s = malloc(len + 1);

	if (!s)
		return 1;
	memset(s, 'x', len);
	s[len] = '\0';
	ft_str(s);
	free(s);
	return 0;
}

static int do_dlsym(const char *lib, const char *sym)
{
	void *h;

	ft_addr((void *)&ft_addr);
	sleep_ms(200);
	h = dlopen(lib, RTLD_NOW);
	if (!h || !dlsym(h, sym)) {
		fprintf(stderr, "fault_target: %s\n", dlerror());
		return 1;
	}
	ft_addr(dlsym(h, sym));
	sleep_ms(200);
	return 0;
}

static int act(int argc, char **argv)
{
	long n = argc > 2 ? strtol(argv[2], NULL, 0) : 0;

	if (!strcmp(argv[1], "keys")) {
		for (long i = 0; i < n; i++)
			ft_key(i);
	} else if (!strcmp(argv[1], "burst")) {
		return ticks(n ? n : 1, 0);
	} else if (!strcmp(argv[1], "ticks") && argc > 3) {
		return ticks(n, strtol(argv[3], NULL, 0));
	} else if (!strcmp(argv[1], "exec") && argc > 3) {
		ticks(n, 10);
		execv(argv[3], argv + 3);
		perror("fault_target: exec");
		return 1;
	} else if (!strcmp(argv[1], "slow")) {
		ft_slow(n);
	} else if (!strcmp(argv[1], "str")) {
		return do_str(n);
	} else if (!strcmp(argv[1], "dlsym") && argc > 3) {
		return do_dlsym(argv[2], argv[3]);
	} else {
		fprintf(stderr, "fault_target: unknown action '%s'\n", argv[1]);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: fault_target keys|burst|ticks|exec|"
			"slow|str|dlsym ARGS...\n");
		return 2;
	}
	if (getenv("FT_DELAY_MS"))
		sleep_ms(strtol(getenv("FT_DELAY_MS"), NULL, 0));
	return act(argc, argv);
}
