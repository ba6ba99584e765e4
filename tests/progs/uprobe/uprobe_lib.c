/* A shared library for the uprobe tests (libetrace_uprobe.so): exported
 * functions and one hidden one, called by uprobe_libuser. */
#define KEEP __attribute__((noinline, used))

KEEP __attribute__((visibility("hidden"))) int et_lib_hidden(int x)
{
	return x ^ 0x5a;
}

KEEP int et_lib_square(int x)
{
	return x * x;
}

KEEP long et_lib_sum(const int *v, int n)
{
	long s = 0;

	for (int i = 0; i < n; i++)
		s += et_lib_hidden(v[i]);
	return s;
}
