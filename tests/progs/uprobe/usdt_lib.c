/* A shared library with USDT probes (libetrace_usdt.so), loaded by
 * usdt_libuser: etlib:in_lib is only here, etlib:twice is here and in
 * the executable too, so that a -p search over every file the process
 * maps finds one or two files. */
#include <sys/sdt.h>

__attribute__((noinline)) void et_usdt_lib(int i)
{
	DTRACE_PROBE1(etlib, in_lib, i + 1000);
	DTRACE_PROBE1(etlib, twice, i + 2000);
}
