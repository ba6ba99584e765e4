/* ustack(build_id) frames: stack_buildid.h. */
#include "stack_buildid.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "elf_syms.h"
#include "priv_io.h"
#include "umaps.h"

#define BUILD_ID_SIZE 20 /* BPF_BUILD_ID_SIZE: shorter ids are zero-padded */

/* The mapping of pid holding ip: its file (through /proc/PID/root) and
 * ip's offset in it. */
static int find_mapping(int pid, uint64_t ip, char *path, size_t size,
			uint64_t *file_off)
{
	FILE *f = umaps_open(pid);
	char line[4096], file[4096];
	int found = -1, fd;

	while (f && found && fgets(line, sizeof(line), f)) {
		uint64_t lo, hi, off;
		int n = 0;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64
				 " %*s %*s %n",
			   &lo, &hi, &off, &n) < 3 ||
		    ip < lo || ip >= hi || !n)
			continue;
		if (sscanf(line + n, "%4095[^\n]", file) != 1 ||
		    file[0] != '/')
			break;
		snprintf(path, size, "/proc/%d/root%s", pid, file);
		fd = priv_open(path, O_RDONLY);
		if (fd < 0)
			snprintf(path, size, "%s", file);
		else
			close(fd);
		*file_off = ip - lo + off;
		found = 0;
	}
	if (f)
		fclose(f);
	return found;
}

const char *stack_buildid_frame(struct arena *a, int pid, uint64_t ip)
{
	unsigned char id[BUILD_ID_SIZE] = { 0 };
	char path[4200], hex[2 * BUILD_ID_SIZE + 1];
	uint64_t off;

	if (find_mapping(pid, ip, path, sizeof(path), &off) ||
	    !elf_build_id(path, id, sizeof(id)))
		return arena_printf(a, "%" PRIx64, ip);
	for (int i = 0; i < BUILD_ID_SIZE; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
	return arena_printf(a, "%s 0x%02" PRIx64, hex, off);
}
