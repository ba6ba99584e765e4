#!/bin/sh
# etrace-only runtime tests (real BPF, as root) of the behaviour that
# tests/compat/DIFFERENCES.md keeps out of the differential suite because
# bpftrace 0.17 gets it wrong: each case asserts etrace's own, correct
# output. One case per ctest test (tests/runtime/differences.cmake).
#   differences.sh ETRACE WORKLOAD CASE
# WORKLOAD is tests/progs/workload. Exit 77: not root.
set -u
etrace=$1
workload=$2
case=$3

RUN_TIMEOUT=30
. "$(dirname "$0")/rtlib.sh"
# a private copy: the compat cases running meanwhile count the syscalls
# of every process whose comm is "workload"
cp "$workload" "$tmp/rt_workload" || fail "cannot copy $workload"
workload=$tmp/rt_workload

case $case in
ternary_str_key)
	# DIFFERENCES.md 9: a ternary's string result as a map key, alone
	# and in a tuple. bpftrace 0.17 keys it with stale bytes after the
	# string, so one key comes out several times, differently each run.
	# Three fresh processes: stale bytes would differ between them.
	prog='tracepoint:syscalls:sys_enter_lseek /pid == cpid/ {
	@sgn[args->offset < 0 ? "neg" : "pos", (uint8)args->offset] = sum(1);
	@one[args->offset < 0 ? "neg" : "pos"] = count(); }'
	for _ in 1 2 3; do
		run 0 -c "$workload lseek -5 1 lseek 7 2 lseek -1 3" -e "$prog"
		same 'Attaching 1 probe...\n\n\n@one[pos]: 2\n@one[neg]: 4\n@sgn[neg, 251]: 1\n@sgn[pos, 7]: 2\n@sgn[neg, 255]: 3\n'
	done
	;;
c_spaces)
	# DIFFERENCES.md 10: -c splits at runs of spaces (bpftrace 0.17
	# makes an empty argument of each extra space: the workload would
	# get openat "" and fail on "etrace-x" as its count)
	run 0 -c "$workload openat  etrace-x  2" -e 'tracepoint:syscalls:sys_enter_openat /pid == cpid/ { printf("%s\n", str(args->filename)); }'
	same 'Attaching 1 probe...\netrace-x\netrace-x\n\n\n'
	;;
kk_lookups)
	# DIFFERENCES.md 11: each lookup miss once, where the map is read or
	# aggregated: count() without a key too, avg() and stats() once, a
	# read inside if's parentheses at the map
	run 0 -kk -f json -e 'BEGIN { @c = count(); @a = avg(3); @s = stats(4); @k[1] = 1; if (@k[2]) { } exit(); }'
	for col in 14 28 41 66; do
		has "$out" "^{\"type\": \"helper_error\", \"helper\": \"map_lookup_elem\", \"retcode\": 0, \"line\": 1, \"col\": $col}\$"
	done
	[ "$(grep -c helper_error "$out")" = 4 ] || fail "not 4 reports"
	;;
list_kinds)
	# DIFFERENCES.md 12: what bpftrace 0.17's -l gets wrong here
	run 0 -l 'software:*'
	has "$out" '^software:cpu-clock$'
	grep -q ':\*:$' "$out" && fail "a pattern printed as a probe"
	run 0 -l '*:sched_switch'
	same 'tracepoint:sched:sched_switch\n'
	run 0 -l 'iter:*'
	has "$out" '^iter:task_vma$'
	run 1 -l 'etrace_nokind:x'
	has "$err" "Invalid probe type 'etrace_nokind'"
	;;
*)
	echo "differences.sh: unknown case $case"
	exit 2
	;;
esac
