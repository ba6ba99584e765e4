# tool: vfscount
# bpftrace's vfscount.bt, unchanged: kprobe:vfs_* counted by func for the
# whole guest; the workload adds 7 reads and 5 writes. The wildcard
# attaches every traceable vfs_ function of the guest kernel (nfuncs,
# from its available_filter_functions), plus BEGIN.
run() {
	awk '$1 ~ /^vfs_/ { print $1 }' \
		/sys/kernel/tracing/available_filter_functions |
		sort -u | wc -l >nfuncs
	et_run -c 'work read /dev/zero 100 7 write 10 5'
}

check() {
	expect_status 0
	expect_out "Attaching $(($(cat "$dir/nfuncs") + 1)) probes..."
	expect_out 'Tracing VFS calls... Hit Ctrl-C to end.'
	expect_ge "@[vfs_read]" "$(map_value '@[vfs_read]')" 7
	expect_ge "@[vfs_write]" "$(map_value '@[vfs_write]')" 5
	bad=$(map_lines @ | grep -v '^@\[vfs_[a-z_]*\]: [0-9]*$' || true)
	[ -z "$bad" ] || fail "entries that are not vfs_ functions: $bad"
}
