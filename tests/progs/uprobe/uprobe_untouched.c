/* A string in a page the process has never touched: et_str gets a
 * pointer into a file mapping (PROT_READ, MAP_PRIVATE) that nothing has
 * read, so its page is not present until a fault maps it in. str(arg0)
 * in a uprobe must still read it (sleepable uprobes, cg_helper.c).
 * Usage: uprobe_untouched FILE OFFSET (the file holds a string there). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

__attribute__((noinline, used)) int et_str(const char *s)
{
	return s != NULL;
}

int main(int argc, char **argv)
{
	long off = argc > 2 ? atol(argv[2]) : 0;
	int fd = argc > 1 ? open(argv[1], O_RDONLY) : -1;
	char *p;

	if (fd < 0)
		return 2;
	p = mmap(NULL, off + 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return 2;
	return et_str(p + off) ? 0 : 1;
}
