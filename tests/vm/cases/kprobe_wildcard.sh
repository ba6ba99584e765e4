# kprobe:vfs_rea* (vfs_read, vfs_readv, vfs_readlink... in 6.1) and
# kretprobe:vfs_write in one probe: 3 reads and 2 writes, and the one
# readlink("/proc/self/exe") of the static workload's start-up.
run() {
	et_run -c 'work read /dev/zero 100 3 write 10 2'
}

check() {
	expect_status 0
	expect_map @ '@[kprobe:vfs_read, vfs_read]: 3' \
		'@[kprobe:vfs_readlink, vfs_readlink]: 1' \
		'@[kretprobe:vfs_write, vfs_write]: 2'
}
