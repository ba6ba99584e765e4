/* Calls into libetrace_uprobe.so so that its functions can be traced in
 * a running process. Usage: uprobe_libuser [ITERATIONS] */
#include <stdio.h>
#include <stdlib.h>

int et_lib_square(int x);
long et_lib_sum(const int *v, int n);

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	int v[4] = { 1, 2, 3, 4 };
	long total = 0;

	for (int i = 0; i < n; i++)
		total += et_lib_square(i) + et_lib_sum(v, 4);
	printf("%ld\n", total);
	return 0;
}
