# Three kretprobes on vfs_read print 1, 2 and 3: each call must print
# "1 2 3 " (the kernel keeps the kretprobes of one function in a list; etrace
# attaches so that they run in the script's order, as bpftrace does).
# The workload: 3 reads of /data/ten.
run() {
	et_run -c 'work read /data/ten 4 3'
}

check() {
	expect_status 0
	expect_in_order 3
}
