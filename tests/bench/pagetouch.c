/* pagetouch: an LD_PRELOAD library for tests/bench/mkorder.sh. It finds
 * which 4 KiB pages of the main program's code a run executes, so that
 * the link can put the functions on them together (fewer pages mapped,
 * lower RSS). Before the program's constructors run it makes its code
 * segment inaccessible; each first execution of a page faults, the
 * handler records the page and opens it again. At exit the pages'
 * link-time addresses (hex, as nm prints them: the load bias of a PIE
 * taken off) are appended to $PAGETOUCH_OUT, one a line. The file is
 * opened at start: etrace drops its privileges (and filters its system
 * calls) after attach, and may not open it any more at exit.
 * A measurement tool only: never linked into etrace. */
#define _GNU_SOURCE
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096UL

static uintptr_t text_lo, text_hi, bias;
static unsigned char *touched;
static FILE *out; /* $PAGETOUCH_OUT, opened at start */

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr & ~(PAGE - 1);

	if (a < text_lo || a >= text_hi) {
		signal(SIGSEGV, SIG_DFL);
		return;		/* a real fault: let it happen again */
	}
	touched[(a - text_lo) / PAGE] = 1;
	mprotect((void *)a, PAGE, PROT_READ | PROT_EXEC);
}

static void dump(void)
{
	static int done;
	FILE *f = out;
	size_t i;

	if (done || !f || !touched)
		return;
	done = 1;
	for (i = 0; i < (text_hi - text_lo) / PAGE; i++)
		if (touched[i])
			fprintf(f, "%lx\n",
				(unsigned long)(text_lo + i * PAGE - bias));
	fclose(f);
}

/* etrace ends a run with _exit (no exit handlers): record first */
void _exit(int status)
{
	dump();
	syscall(SYS_exit_group, status);
	__builtin_unreachable();
}

/* The main program comes first: its load bias (0 unless PIE). */
static int first_bias(struct dl_phdr_info *info, size_t size, void *data)
{
	bias = info->dlpi_addr;
	return 1;
}

/* The first r-xp mapping of the executable in /proc/self/maps. */
static int find_text(void)
{
	char line[512], exe[256];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi;
	char perm[8];

	dl_iterate_phdr(first_bias, NULL);
	if (n <= 0 || !f)
		return -1;
	exe[n] = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perm) == 3 &&
		    !strcmp(perm, "r-xp") && strstr(line, exe)) {
			text_lo = lo;
			text_hi = hi;
			break;
		}
	}
	fclose(f);
	return text_lo ? 0 : -1;
}

__attribute__((constructor)) static void pagetouch_init(void)
{
	const char *path = getenv("PAGETOUCH_OUT");
	struct sigaction sa;

	if (!path || !(out = fopen(path, "a")))
		return;
	if (find_text())
		return;
	touched = calloc((text_hi - text_lo) / PAGE, 1);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	atexit(dump);
	mprotect((void *)text_lo, text_hi - text_lo, PROT_NONE);
}
