# compile: guest
# Three uretprobes on the workload's do_read print 1, 2 and 3: each call must
# print "1 2 3 ". 6.1 has no uprobe_multi links: these are perf event
# uprobes, whose consumers the kernel also runs newest first. Compiled
# in the guest, where the workload is /bin/work. Two read actions: two
# calls of do_read.
run() {
	et_run -c 'work read /data/ten 4 1 read /data/ten 4 1'
}

check() {
	expect_status 0
	expect_in_order 2
}
