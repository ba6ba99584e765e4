/* The ustack tests' signal program (tests/runtime/unwind.sh), built -O2
 * -fomit-frame-pointer: main -> sigsrc -> raise(SIGUSR1), whose handler
 * on_sig calls leaf: the unwinder crosses the sigreturn frame.
 *   unwind_signal N [FIFO]: N signals, after a byte from FIFO */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#define NOINL __attribute__((noinline))
volatile int sink;
NOINL int leaf(int x) { sink += x; return sink * 3; }
NOINL void on_sig(int s) { volatile char b[40]; b[s & 31] = 1; leaf(s + b[2]); sink++; }
NOINL int sigsrc(int x) { raise(SIGUSR1); sink += x; return sink; }
int main(int argc, char **argv)
{
	char c;

	signal(SIGUSR1, on_sig);
	if (argc > 2) {
		int fd = open(argv[2], O_RDONLY);

		if (fd < 0 || read(fd, &c, 1) < 0)
			return 1;
	}
	for (int i = 0; i < atoi(argv[1]); i++)
		sigsrc(i);
	return 0;
}
