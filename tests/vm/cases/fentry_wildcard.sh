# fentry:vfs_rea* and fexit:vfs_read* (vfs_read, vfs_readlink, vfs_readv
# in 6.1): 3 reads of 100 bytes from /dev/zero, and the workload's
# start-up readlink of /proc/self/exe, which is /bin/work (9 bytes).
run() {
	et_run -c 'work read /dev/zero 100 3'
}

check() {
	expect_status 0
	expect_map @ '@[vfs_read, fentry:vfs_read]: 3' \
		'@[vfs_readlink, fentry:vfs_readlink]: 1'
	expect_map @r '@r[vfs_read, 100]: 3' '@r[vfs_readlink, 9]: 1'
}
