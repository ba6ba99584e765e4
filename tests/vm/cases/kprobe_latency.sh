# vfs_read's latency from a kprobe block using elapsed: 4 reads of a
# timerfd armed 50 ms before each (each blocks >= 50 ms, returns 8) and
# 6 reads of 100 bytes from /dev/zero (microseconds).
run() {
	et_run -c 'work timer 50 4 read /dev/zero 100 6'
}

check() {
	expect_status 0
	expect_out '@calls: 10'
	expect_map @ret '@ret[8, 8]: 4' '@ret[100, 100]: 6'
	expect_eq "entries of @ns" "$(hist_count @ns)" 10
	# 50 ms = 50,000,000 ns: in [32M, 64M) or above, below 1 s
	expect_eq "@ns entries in [32M, 1G)" \
		"$(hist_count @ns $((32 << 20)) $((1 << 30)))" 4
	expect_eq "@ns entries below 16M" "$(hist_count @ns 0 $((16 << 20)))" 6
}
