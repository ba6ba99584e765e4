/* The semaphore-guarded probe of usdt_c: etrace:guarded fires only while
 * a tracer has raised etrace_guarded_semaphore (the kernel does, through
 * the uprobe's ref_ctr_offset). */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

unsigned short etrace_guarded_semaphore __attribute__((unused))
	__attribute__((section(".probes")));

__attribute__((noinline)) void et_guarded(int i)
{
	if (etrace_guarded_semaphore)
		DTRACE_PROBE1(etrace, guarded, i);
}
