# kprobe:vfs_read with arg0 (a struct file * cast), arg2 and arg3 (a
# pointer, dereferenced). The workload: 3 reads of 100 bytes from
# /dev/zero (position stays 0), 4 reads of 4 bytes from the 10-byte
# /data/ten (positions 0, 4, 8, 10).
run() {
	et_run -c 'work read /dev/zero 100 3 read /data/ten 4 4'
}

check() {
	expect_status 0
	expect_map @size '@size[4]: 4' '@size[100]: 3'
	expect_map @file '@file[ten, 4]: 4' '@file[zero, 100]: 3'
	expect_map @pos '@pos[4]: 1' '@pos[8]: 1' '@pos[10]: 1' '@pos[0]: 4'
}
