# kretprobe:vfs_read's retval: 3 reads of 100 bytes from /dev/zero (100
# each), 4 reads of 4 bytes from the 10-byte /data/ten (4, 4, 2, 0) and 2
# reads of a write-only file descriptor (-EBADF, -9).
run() {
	et_run -c 'work read /dev/zero 100 3 read /data/ten 4 4 badread 2'
}

check() {
	expect_status 0
	expect_map @ '@[100]: 3' '@[4]: 2' '@[2]: 1' '@[0]: 1' '@[-9]: 2'
}
