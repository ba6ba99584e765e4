# Nothing left behind: etrace with kprobe:vfs_rea* and kretprobe:vfs_write
# is killed with SIGKILL once the kernel lists its kprobes (attached: a
# kprobe per vfs_rea* function of available_filter_functions, one
# kretprobe); then every kprobe and BPF program must go (check.sh's
# leftover check: the kernel's kprobe list and BPF symbols, 10 s later).
run() {
	awk '$1 ~ /^vfs_rea/ { print "k " $1 "+0x0" }' \
		/sys/kernel/tracing/available_filter_functions | sort -u >want
	echo "r vfs_write+0x0" >>want
	et_start
	pid=$!
	i=0
	while [ "$(grep -c . /sys/kernel/debug/kprobes/list)" -lt "$(grep -c . want)" ] &&
		[ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	awk '{ print $2, $3 }' /sys/kernel/debug/kprobes/list >attached
	kill -KILL $pid
	wait $pid
}

check() {
	expect_status 137
	want=$(LC_ALL=C sort "$dir/want")
	got=$(LC_ALL=C sort "$dir/attached")
	[ "$got" = "$want" ] || fail "kprobes listed while attached:
$got
expected
$want"
}
