# kfunc:vfs_read and kretfunc:vfs_read (fentry and fexit): 3 reads of
# 100 bytes from /dev/zero and 2 reads of a write-only fd (-EBADF); probe
# says kfunc and kretfunc, as in bpftrace 0.17.
run() {
	et_run -c 'work read /dev/zero 100 3 badread 2'
}

check() {
	expect_status 0
	expect_map @entry '@entry[100]: 3' '@entry[1]: 2'
	expect_map @ret '@ret[100]: 3' '@ret[-9]: 2'
	expect_map @p '@p[kfunc:vfs_read]: 5' '@p[kretfunc:vfs_read]: 5'
}
