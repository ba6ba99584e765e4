/* ustack(build_id) frames: stack_buildid.h. */
#include "stack_buildid.h"

#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "umaps.h"

#define BUILD_ID_SIZE 20 /* BPF_BUILD_ID_SIZE: shorter ids are zero-padded */

/* The GNU build id note of an ELF file: its length (0: none). */
static size_t read_build_id(const char *path, unsigned char *id)
{
	size_t len = 0;
	Elf_Scn *scn = NULL;
	Elf *elf;
	int fd;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	while (elf && !len && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
		    !(d = elf_getdata(scn, NULL)))
			continue;
		while (!len &&
		       (off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)d->d_buf + noff, "GNU", 4))
				continue;
			len = nh.n_descsz < BUILD_ID_SIZE ? nh.n_descsz :
							    BUILD_ID_SIZE;
			memcpy(id, (char *)d->d_buf + doff, len);
		}
	}
	elf_end(elf);
	close(fd);
	return len;
}

/* The mapping of pid holding ip: its file (through /proc/PID/root) and
 * ip's offset in it. */
static int find_mapping(int pid, uint64_t ip, char *path, size_t size,
			uint64_t *file_off)
{
	FILE *f = umaps_open(pid);
	char line[4096], file[4096];
	int found = -1;

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
		if (access(path, R_OK))
			snprintf(path, size, "%s", file);
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
	    !read_build_id(path, id))
		return arena_printf(a, "%" PRIx64, ip);
	for (int i = 0; i < BUILD_ID_SIZE; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
	return arena_printf(a, "%s 0x%02" PRIx64, hex, off);
}
