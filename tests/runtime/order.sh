#!/bin/sh
# The blocks of several probes on one event run in the order of the
# script, as bpftrace's do, whatever order the kernel keeps them in (it
# runs the uprobe or software event attached last first, a tracepoint's
# programs in the order attached). Real BPF, as root; one case per ctest
# test (tests/runtime/order.cmake).
#   order.sh ETRACE PROGS_DIR WORKLOAD CASE
# PROGS_DIR holds tests/progs/uprobe's programs, WORKLOAD is
# tests/progs/workload. Exit 77: not root.
set -u
etrace=$1
progs=$(readlink -f "$2")
workload=$3
case=$4

RUN_TIMEOUT=40
. "$(dirname "$0")/rtlib.sh"

# three PROBE blocks printing 1, 2 and 3 (each after an optional
# predicate PRED), run with -c CMD: every event must print "1 2 3 "
three() {
	probe=$1 cmd=$2 pred=${3:-}
	prog=""
	for n in 1 2 3; do
		prog="$prog $probe $pred { printf(\"$n \"); }"
	done
	run 0 -c "$cmd" -e "$prog"
}

# the output of N events in script order
in_order() {
	want=$(printf '1 2 3 %.0s' $(seq "$1"))
	got=$(grep -v '^Attaching' "$out" | grep -o '[123] ' | tr -d '\n')
	[ "$got" = "$want" ] || fail "order: '$got', expected '$want'"
}

P=$progs
case $case in
uprobe)
	three "uprobe:$P/uprobe_c_pie:et_add" "$P/uprobe_c_pie 3"
	in_order 3
	;;
uretprobe)
	three "uretprobe:$P/uprobe_c_pie:et_add" "$P/uprobe_c_pie 3"
	in_order 3
	;;
usdt)
	three "usdt:$P/usdt_c:etrace:values" "$P/usdt_c 3"
	in_order 3
	;;
uprobe_list)
	# a probe with two attach points, between two others: the order
	# of the blocks, not of the attach points
	run 0 -c "$P/uprobe_c_pie 2" -e "uprobe:$P/uprobe_c_pie:et_add { printf(\"1 \"); } uprobe:$P/uprobe_c_pie:et_fib,uprobe:$P/uprobe_c_pie:et_add { if (probe == \"uprobe:$P/uprobe_c_pie:et_add\") { printf(\"2 \"); } } uprobe:$P/uprobe_c_pie:et_add { printf(\"3 \"); }"
	in_order 2
	;;
software)
	# every page fault of the child runs the three blocks
	three software:page-faults:1 "$workload write 65536 1" "/pid == cpid/"
	n=$(grep -v '^Attaching' "$out" | grep -o '1 ' | wc -l)
	[ "$n" -ge 2 ] || fail "only $n faults seen"
	in_order "$n"
	;;
tracepoint)
	three tracepoint:syscalls:sys_enter_getppid "$workload getppid 3" \
		"/pid == cpid/"
	in_order 3
	;;
aot)
	# compiled ahead of time: etrace-run orders the attachments too
	run 0 --compile-only -o "$tmp/o.eto" -e "uprobe:$P/uprobe_c_pie:et_add { printf(\"1 \"); } uprobe:$P/uprobe_c_pie:et_add { printf(\"2 \"); } uprobe:$P/uprobe_c_pie:et_add { printf(\"3 \"); }"
	etrace=$(dirname "$etrace")/etrace-run
	run 0 -c "$P/uprobe_c_pie 2" "$tmp/o.eto"
	in_order 2
	;;
*)
	echo "unknown case $case"
	exit 2
	;;
esac
exit 0
