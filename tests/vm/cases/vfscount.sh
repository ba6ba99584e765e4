# tool: vfscount
# bpftrace's vfscount.bt, unchanged: kprobe:vfs_* counted by func for the
# whole guest; the workload adds 7 reads and 5 writes. Compiled on the
# host, the wildcard is one program per function of the host kernel;
# the guest leaves out those it cannot probe, in one warning ("K of its
# M functions are not on this kernel"), and attaches the rest, all of
# them traceable vfs_ functions of the guest (nfuncs, from its
# available_filter_functions), plus BEGIN.
run() {
	awk '$1 ~ /^vfs_/ { print $1 }' \
		/sys/kernel/tracing/available_filter_functions |
		sort -u | wc -l >nfuncs
	et_run -c 'work read /dev/zero 100 7 write 10 5'
}

check() {
	expect_status 0
	attached=$(sed -n 's/^Attaching \([0-9]*\) probes...$/\1/p' "$out")
	skipped=$(sed -n 's/.*warning: kprobe:vfs_\*: \([0-9]*\) of its \([0-9]*\) functions are not on this kernel: .*(not traced)$/\1 \2/p' "$err")
	[ -n "$attached" ] || fail "no 'Attaching N probes...'"
	set -- ${skipped:-0 $((attached - 1))}
	expect_eq "probes attached" "$attached" $(($2 - $1 + 1))
	[ "$((attached - 1))" -le "$(cat "$dir/nfuncs")" ] ||
		fail "more probes than the guest has traceable vfs_ functions"
	expect_out 'Tracing VFS calls... Hit Ctrl-C to end.'
	expect_ge "@[vfs_read]" "$(map_value '@[vfs_read]')" 7
	expect_ge "@[vfs_write]" "$(map_value '@[vfs_write]')" 5
	bad=$(map_lines @ | grep -v '^@\[vfs_[a-z_]*\]: [0-9]*$' || true)
	[ -z "$bad" ] || fail "entries that are not vfs_ functions: $bad"
}
