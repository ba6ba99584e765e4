#!/bin/sh
# Watchpoints (real BPF and hardware breakpoints, as root): an address
# in a process or on every CPU, a function's argument (watchpoint:
# func+argN, armed by a uprobe while the process is stopped, and
# asyncwatchpoint), wildcards, unwatch(), running out of debug
# registers, and a traced process never left stopped. One case per
# ctest test.
#   watchpoint.sh ETRACE WATCH_PROG CASE
# WATCH_PROG is tests/progs/watch/watch_prog.c built. Exit 77: not root,
# or the machine has no hardware breakpoints (etrace --info says so).
set -u
etrace=$1
W=$(readlink -f "$2")
case=$3

RUN_TIMEOUT=40
. "$(dirname "$0")/rtlib.sh"

"$etrace" --info | grep -q '^ *watchpoint  *works' || {
	echo "skipped: no hardware breakpoints here"
	exit 77
}

# count NAME: the value of @NAME in stdout
count() {
	sed -n "s/^@$1: //p" "$out"
}

# not_stopped PID: the process is not in the stopped state (T)
not_stopped() {
	sleep 0.2
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
	[ "$state" != T ] || fail "process $1 was left stopped"
}

case $case in
func_sync)
	# the uprobe stops the process until the watchpoint is armed: the
	# function's own write is caught, at every call
	run 0 -c "$W func 5" -e "watchpoint:wl_bump+arg1:4:w { @hits = count(); @[probe] = count(); }"
	has "$out" '^Attaching 1 probe\.\.\.$'
	has "$out" '^value 5$'
	[ "$(count hits)" = 5 ] || fail "not 5 hits"
	has "$out" "^@\[watchpoint:$W:wl_bump:1:4:w\]: 5$"
	;;
func_async)
	# the process runs on while it is armed: the first write may come
	# before it, the later ones are caught
	run 0 -c "$W func 20" -e "asyncwatchpoint:wl_bump+arg1:4:w { @hits = count(); }"
	has "$out" '^value 20$'
	n=$(count hits)
	[ "${n:-0}" -ge 10 ] && [ "$n" -le 20 ] || fail "$n hits"
	;;
registers)
	# four debug registers: four addresses watched, the others warned
	# about (bpftrace 0.17's words), the run goes on
	run 0 -c "$W many 7" -e "watchpoint:wl_bump_one+arg0:4:w { @hits = count(); }"
	[ "$(count hits)" = 4 ] || fail "not 4 hits"
	[ "$(grep -c 'You are out of watchpoint registers' "$err")" = 3 ] ||
		fail "not 3 warnings"
	;;
wildcard)
	# one watchpoint program per function: probe names it
	run 0 -c "$W func 2" -e "watchpoint:wl_bump*+arg0:4:w { @[probe] = count(); }"
	has "$out" '^Attaching 2 probes\.\.\.$'
	run 0 -c "$W func 2" -e "watchpoint:wl_bump*+arg1:4:w { @[probe] = count(); }"
	has "$out" "^@\[watchpoint:$W:wl_bump:1:4:w\]: 2$"
	;;
thread)
	# armed in the thread that called the function
	run 0 -c "$W thread 3" -e "watchpoint:wl_bump+arg1:4:w { @tids[tid] = count(); @hits = count(); }"
	[ "$(count hits)" = 3 ] || fail "not 3 hits"
	main=$(sed -n 's/^main //p' "$out")
	grep -q "^@tids\[$main\]" "$out" && fail "the main thread hit it"
	;;
unwatch)
	# unwatch() in the first hit: the four writes after it are not seen
	run 0 -c "$W unwatch 300" -e "uprobe:$W:wl_bump { @addr = arg1; } watchpoint:wl_bump+arg1:4:w { @count++; unwatch(@addr); }"
	has "$out" '^value 5$'
	[ "$(count count)" = 1 ] || fail "not 1 hit"
	# without it, five
	run 0 -c "$W unwatch 300" -e "watchpoint:wl_bump+arg1:4:w { @count++; }"
	[ "$(count count)" = 5 ] || fail "not 5 hits without unwatch"
	;;
address)
	# an address of the -c process, then of any process (every CPU)
	run 0 -c "$W addr 5" -e "watchpoint:0x10000000:4:w { @hits = count(); @[probe] = count(); }"
	[ "$(count hits)" = 5 ] || fail "not 5 hits"
	has "$out" '^@\[watchpoint:0x10000000:4:w\]: 5$'
	"$W" addr 2000 &
	bg="$bg $!"
	run 0 -e "watchpoint:0x10000000:4:w { printf(\"%s\\n\", comm); exit(); }"
	has "$out" '^watch_prog$'
	;;
pid)
	# -p: the process's executable as /proc/PID/exe (bpftrace's name);
	# exit() while it calls the function every 10 ms: never left
	# stopped, whatever the uprobe was doing when etrace ended
	"$W" loop &
	p=$!
	bg="$bg $p"
	wait_exec "$p" "$W"
	for i in 1 2 3 4 5; do
		run 0 -p "$p" -e "watchpoint:wl_bump+arg1:4:w { printf(\"%s\\n\", probe); exit(); }"
		has "$out" "^watchpoint:/proc/$p/exe:wl_bump:1:4:w$"
		not_stopped "$p"
	done
	;;
arm_failure)
	# the kernel refuses the breakpoint (x takes 8 bytes): the run ends
	# with the error, the process goes on
	"$W" loop &
	p=$!
	bg="$bg $p"
	wait_exec "$p" "$W"
	run 1 -p "$p" -e "watchpoint:wl_bump+arg1:4:x { }"
	has "$err" "Cannot attach watchpoint:wl_bump+arg1:4:x on 0x[0-9a-f]*: Invalid argument"
	not_stopped "$p"
	;;
*)
	echo "unknown case $case"
	exit 2
	;;
esac
exit 0
