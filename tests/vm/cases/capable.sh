# tool: capable
# bpftrace's capable.bt, unchanged: every cap_capable() call as a line;
# the workload makes 5 device nodes in /tmp (one CAP_MKNOD check each).
run() {
	et_run -c 'work mknod /tmp 5'
}

check() {
	expect_status 0
	expect_out 'Tracing cap_capable syscalls... Hit Ctrl-C to end.'
	n=$(grep -Ec '^[0-9]{2}:[0-9]{2}:[0-9]{2}  0 +[0-9]+ +work +27 +CAP_MKNOD +0$' "$out" || true)
	expect_eq "CAP_MKNOD lines of work" "$n" 5
}
