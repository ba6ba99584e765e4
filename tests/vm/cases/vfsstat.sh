# tool: vfsstat
# bpftrace's vfsstat.bt, unchanged: counts of vfs_read*, vfs_write*,
# vfs_fsync, vfs_open, vfs_create printed and cleared every second; the
# workload adds 7 reads and 5 writes, then sleeps 2.5 s.
run() {
	et_run -c 'work read /dev/zero 100 7 write 10 5 sleep-ms 2500'
}

check() {
	expect_status 0
	expect_out 'Tracing key VFS calls... Hit Ctrl-C to end.'
	expect_ge "seconds printed" \
		"$(grep -Ec '^[0-9]{2}:[0-9]{2}:[0-9]{2}$' "$out")" 2
	reads=$(awk -F': ' '$1 == "@[vfs_read]" { n += $2 } END { print n + 0 }' "$out")
	writes=$(awk -F': ' '$1 == "@[vfs_write]" { n += $2 } END { print n + 0 }' "$out")
	expect_ge "@[vfs_read] over all seconds" "$reads" 7
	expect_ge "@[vfs_write] over all seconds" "$writes" 5
}
