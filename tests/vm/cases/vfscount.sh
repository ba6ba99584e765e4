# tool: vfscount
# bpftrace's vfscount.bt, unchanged: kprobe:vfs_* counted by func for the
# whole guest; the workload adds 7 reads and 5 writes.
run() {
	et_run -c 'work read /dev/zero 100 7 write 10 5'
}

check() {
	expect_status 0
	expect_out 'Tracing VFS calls... Hit Ctrl-C to end.'
	expect_ge "@[vfs_read]" "$(map_value '@[vfs_read]')" 7
	expect_ge "@[vfs_write]" "$(map_value '@[vfs_write]')" 5
	bad=$(map_lines @ | grep -v '^@\[vfs_[a-z_]*\]: [0-9]*$' || true)
	[ -z "$bad" ] || fail "entries that are not vfs_ functions: $bad"
}
