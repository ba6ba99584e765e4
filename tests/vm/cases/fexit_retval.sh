# fexit:vfs_read: args->count with retval for the reads of
# kretprobe_retval (3 x 100 from /dev/zero, 4 x 4 from the 10-byte
# /data/ten: 4, 4, 2, 0; 2 x 1 byte of a write-only fd: -9).
run() {
	et_run -c 'work read /dev/zero 100 3 read /data/ten 4 4 badread 2'
}

check() {
	expect_status 0
	expect_map @ '@[100, 100]: 3' '@[4, 4]: 2' '@[4, 2]: 1' '@[4, 0]: 1' \
		'@[1, -9]: 2'
}
