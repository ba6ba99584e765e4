# vfs_read's latency from an fentry angle block: 3 reads of a timerfd
# armed 50 ms before each and 5 reads of 100 bytes from /dev/zero.
run() {
	et_run -c 'work timer 50 3 read /dev/zero 100 5'
}

check() {
	expect_status 0
	expect_map @ret '@ret[8, 8]: 3' '@ret[100, 100]: 5'
	expect_eq "entries of @ns" "$(hist_count @ns)" 8
	expect_eq "@ns entries in [32M, 1G)" \
		"$(hist_count @ns $((32 << 20)) $((1 << 30)))" 3
	expect_eq "@ns entries below 16M" "$(hist_count @ns 0 $((16 << 20)))" 5
}
