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
*)
	echo "differences.sh: unknown case $case"
	exit 2
	;;
esac
