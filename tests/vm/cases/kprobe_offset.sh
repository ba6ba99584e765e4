# kprobe:vfs_read+5: 3 reads of 100 bytes and 2 of 7 bytes from
# /dev/zero; func names the function (the probe's address is inside it).
run() {
	et_run -c 'work read /dev/zero 100 3 read /dev/zero 7 2'
}

check() {
	expect_status 0
	expect_map @ '@[100]: 3' '@[7]: 2'
	expect_map @f '@f[vfs_read]: 5'
}
