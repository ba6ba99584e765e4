# percpu_kaddr: compiled on the host (whose kernel cannot resolve its
# variables: there etrace refuses it), run here. On one CPU,
# process_counts is the number of processes (kernel threads too), which
# /proc lists, a directory each: the count before and after the run,
# each give or take the few processes of the run and of the count
# (this shell's pipeline, timeout, etrace-run).
run() {
	ls -d /proc/[0-9]* | wc -l >before
	et_run
	st=$?
	ls -d /proc/[0-9]* | wc -l >after
	return $st
}

check() {
	expect_status 0
	expect_map @same '@same: 1'
	expect_map @nocpu1 '@nocpu1: 0'
	procs=$(map_value @procs)
	lo=$(($(cat "$dir/before") - 4))
	hi=$(($(cat "$dir/after") + 4))
	[ -n "$procs" ] && [ "$procs" -ge "$lo" ] && [ "$procs" -le "$hi" ] ||
		fail "@procs $procs is not within $lo..$hi (the processes /proc lists, +-4)"
}
