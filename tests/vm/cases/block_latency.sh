# block I/O latency on 6.1 (block_latency.et): 16 direct reads of 4 KiB
# from the otherwise idle virtio disk /dev/vda, one request each.
run() {
	et_run -c 'work dread /dev/vda 16'
}

check() {
	expect_status 0
	expect_map @disk '@disk[vda]: 16'
	expect_eq "entries of @usecs" "$(hist_count @usecs)" 16
	expect_eq "@usecs entries in [1, 1M)" "$(hist_count @usecs 1 $((1 << 20)))" 16
}
