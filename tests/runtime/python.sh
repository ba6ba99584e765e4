#!/bin/sh
# CPython frames in ustack (real BPF, as root): one case per ctest test.
#   python.sh ETRACE PY_DIR CASE
# PY_DIR/chain.py (tests/progs/python) runs a -> b -> c -> d -> e chains;
# the stacks must hold those frames, in order, with their lines, the
# native frames around them, and no _PyEval_EvalFrameDefault (each run
# of Python frames takes the place of the native frame that runs it).
# Cases py312/py313 run pyenv's builds when they are installed.
set -u
etrace=$1
pydir=$(readlink -f "$2")
case=$3

RUN_TIMEOUT=60
. "$(dirname "$0")/rtlib.sh"

PY=/usr/bin/python3.11
CH=$pydir/chain.py
case $case in
py312) PY=$(ls /root/.pyenv/versions/3.12.*/bin/python3.12 2>/dev/null | head -1) ;;
py313) PY=$(ls /root/.pyenv/versions/3.13.*/bin/python3.13 2>/dev/null | head -1) ;;
esac
[ -n "$PY" ] && [ -x "$PY" ] || { echo "skipped: no $case interpreter"; exit 77; }

sleep_tp='tracepoint:syscalls:sys_enter_clock_nanosleep'
# the main thread's chain with e recursing twice, bottom-up
main_chain="e (CH:18)
e (CH:16)
e (CH:16)
d (CH:29)
c (CH:33)
b (CH:37)
a (CH:42)
main (CH:57)
<module> (CH:77)"

# frames FILE: each stack of a map printed by etrace on one line, frames
# joined by "|", offsets dropped, chain.py's path as CH, with its count
frames() {
	awk '/^@\[/ { s = "" } /^    / { sub(/^    /, ""); s = s (s ? "|" : "") $0 }
	     /^\]: / { print s "#" $2 }' "$1" |
		sed -e 's/+[0-9][0-9]*//g' -e "s|$CH|CH|g"
}

# check_main: the main thread's stack (the one with <module>) is
# native frames of time.sleep, the chain, then the native frames that
# ran the module down to _start; nothing else anywhere
check_main() {
	st=$(frames "$out" | grep '<module>' | head -1)
	[ -n "$st" ] || fail "no stack with <module>"
	echo "$st" | tr '|' '\n' | sed 's/#.*//' >"$tmp/st"
	grep -q '_PyEval_EvalFrameDefault' "$tmp/st" &&
		fail "a native eval frame left in: $(cat "$tmp/st")"
	grep -v '^[a-z_<]* (CH:' "$tmp/st" >"$tmp/native"
	grep '(CH:' "$tmp/st" >"$tmp/py"
	[ "$(cat "$tmp/py")" = "$main_chain" ] ||
		fail "Python frames: $(cat "$tmp/py")"
	# the chain is one block: its first line n, its last n + 8
	first=$(grep -n '(CH:' "$tmp/st" | head -1 | cut -d: -f1)
	last=$(grep -n '(CH:' "$tmp/st" | tail -1 | cut -d: -f1)
	[ $((last - first)) = 8 ] || fail "the chain is split: $(cat "$tmp/st")"
	head -1 "$tmp/st" | grep -q 'clock_nanosleep' ||
		fail "innermost frame: $(head -1 "$tmp/st")"
	sed -n "$((first - 1))p" "$tmp/st" | grep -q . ||
		fail "no native frame above the chain"
	sed -n "$((last + 1))p" "$tmp/st" | grep -q '^PyEval_EvalCode' ||
		fail "below <module>: $(sed -n "$((last + 1))p" "$tmp/st")"
	tail -1 "$tmp/st" | grep -q '^_start' ||
		fail "outermost frame: $(tail -1 "$tmp/st")"
}

# check_threads N: N stacks of threads ran a's chain from Thread.run
check_threads() {
	n=$(frames "$out" | grep 'Thread.run (' |
		grep -c 'e (CH:18)|e (CH:16)|e (CH:16)|d (CH:29)|c (CH:33)|b (CH:37)|a (CH:42)|')
	[ "$n" -ge 1 ] || fail "no thread stack with the chain"
	total=$(frames "$out" | grep 'Thread.run (' | sed 's/.*#//' |
		awk '{ s += $1 } END { print s + 0 }')
	[ "$total" = "$1" ] || fail "$total thread stacks, expected $1"
}

# wait_fifo PID: PID blocks opening the fifo (its imports are done)
wait_fifo() {
	for _ in $(seq 1 400); do
		[ "$(cat /proc/"$1"/wchan 2>/dev/null)" = wait_for_partner ] &&
			return 0
		sleep 0.05
	done
	fail "process $1 did not open the fifo in 20 s"
}

prog="$sleep_tp /pid == cpid/ { @[ustack] = count(); }"
case $case in
child | py312 | py313)
	# -c: the interpreter found at the child's entry point; printed
	# after it exited (code objects named while it ran or at its exit)
	run 0 -c "$PY $CH sleep 2 0" -e "$prog"
	check_main
	;;
two_ustack)
	# two probes with ustack in one program (the sleep's entry and
	# exit), -p as in pid: both load, each with the main thread's chain
	# (the unwinder out of line once two probes called it: the
	# verifier's 1M instructions passed, either probe alone loaded).
	# The process lingers 0.5 s after the sleep: the exit's stack is
	# taken just before the interpreter finalizes and frees the code
	# objects, maybe before etrace's poll named them (man: Python frames)
	mkfifo "$tmp/go"
	"$PY" "$CH" sleep 2 0 "$tmp/go" 0.5 &
	child=$!
	trap 'rm -rf "$tmp"; kill_bg; kill -9 $child 2>/dev/null' EXIT
	wait_exec "$child" "$PY"
	"$etrace" -p "$child" -e "$sleep_tp /pid == $child/ { @[ustack] = count(); } tracepoint:syscalls:sys_exit_clock_nanosleep /pid == $child/ { @x[ustack] = count(); }" \
		>"$out" 2>"$err" &
	bg=$!
	wait_links 2
	echo x >"$tmp/go"
	wait_bg 0
	cp "$out" "$tmp/both"
	map_only '' "$tmp/both" >"$out"
	check_main
	map_only x "$tmp/both" >"$out"
	check_main
	;;
shim)
	# -c of a shell that exec's Python (a pyenv shim): its tables,
	# loaded at the shell's entry point, are the shell's; the exec is
	# noticed and the process looked at again, as Python
	printf '#!/bin/sh\nexec "%s" "%s" sleep 2 0\n' "$PY" "$CH" >"$tmp/shim"
	chmod +x "$tmp/shim"
	run 0 -c "$tmp/shim" -e "$prog"
	check_main
	;;
shim_pid)
	# -p of a shell that exec's Python once told to (the shell is
	# looked at when etrace starts: not Python); pyprofile's pyfunc
	# predicate and ustack see Python after the exec
	mkfifo "$tmp/go"
	sh -c "read x <'$tmp/go'; exec '$PY' '$CH' spin 3" &
	child=$!
	trap 'rm -rf "$tmp"; kill_bg; kill -9 $child 2>/dev/null' EXIT
	wait_fifo "$child"
	(cd "$tmp" && exec "$etrace" -p "$child" pyprofile) >"$out" 2>"$err" &
	bg=$!
	wait_links $(($(nproc) + 1)) # profile's, one a CPU, and interval's
	echo x >"$tmp/go"
	wait_bg 0
	sed "s|$CH|CH|g" "$tmp/etrace-pyprofile.folded" >"$tmp/f"
	grep -q ";main (CH);a (CH);b (CH);c (CH);d (CH);e (CH)" "$tmp/f" ||
		fail "no folded stack with the chain: $(cut -c1-400 "$tmp/f" | head -3)"
	;;
pid)
	# -p of a process started before etrace, waiting on a fifo
	mkfifo "$tmp/go"
	"$PY" "$CH" sleep 2 0 "$tmp/go" &
	child=$!
	trap 'rm -rf "$tmp"; kill_bg; kill -9 $child 2>/dev/null' EXIT
	wait_exec "$child" "$PY"
	"$etrace" -p "$child" -e "$sleep_tp /pid == $child/ { @[ustack] = count(); }" \
		>"$out" 2>"$err" &
	bg=$!
	wait_links 1
	echo x >"$tmp/go"
	wait_bg 0
	check_main
	;;
threads)
	# 16 threads and the main one, each in its own chain
	run 0 -c "$PY $CH sleep 2 16" -e "$prog"
	check_main
	check_threads 16
	;;
native)
	# ustack(native): the interpreter's C frames, no Python ones
	run 0 -c "$PY $CH sleep 2 0" -e "$sleep_tp /pid == cpid/ { @[ustack(native)] = count(); }"
	grep -q '_PyEval_EvalFrameDefault' "$out" || fail "no eval frame"
	grep -q '(.*chain.py:' "$out" && fail "Python frames in ustack(native)"
	;;
profile)
	# sampled: some samples in e's loop show the whole chain
	run 0 -c "$PY $CH spin 3" -e 'profile:hz:99 /pid == cpid/ { @[ustack] = count(); @n = count(); }'
	frames "$out" | grep -q 'e (CH:2[34])|d (CH:29)|c (CH:33)|b (CH:37)|a (CH:42)|main (CH:64)|<module> (CH:77)|PyEval_EvalCode' ||
		fail "no sample with the chain"
	# two instructions of one line are two stack ids that print alike:
	# printed once, their counts added (the offsets of native frames
	# kept: those differ)
	awk '/^@\[/ { s = "" } /^    / { s = s "|" $0 } /^\]: / { print s }' \
		"$out" | sort | uniq -d >"$tmp/dup"
	[ -s "$tmp/dup" ] && fail "a stack printed twice: $(head -c 600 "$tmp/dup")"
	total=$(awk '/^\]: / { s += $2 } END { print s + 0 }' "$out")
	grep -qx "@n: $total" "$out" ||
		fail "the stacks count $total samples, @n says $(grep '^@n' "$out")"
	;;
uprobe)
	# a uprobe on a C function the chain's leaf calls (time.sleep's
	# clock_nanosleep in libc): the same stack as the tracepoint's
	libc=$(ldd "$PY" | awk '/libc.so/ { print $3 }')
	prog="uprobe:$libc:clock_nanosleep /pid == cpid/ { @[ustack] = count(); }"
	run 0 -c "$PY $CH sleep 2 0" -e "$prog"
	check_main
	;;
discover)
	# etrace -l 'runtime:python:PID': the interpreter, its version, what
	# etrace sees
	mkfifo "$tmp/go"
	"$PY" "$CH" sleep 0 0 "$tmp/go" &
	child=$!
	trap 'rm -rf "$tmp"; kill_bg; kill -9 $child 2>/dev/null' EXIT
	wait_exec "$child" "$PY"
	run 0 -l "runtime:python:$child"
	line="runtime:python:$child python3.11 CPython 3.11 ($PY): Python frames in ustack, pyfunc/pyfile/pyline, 8 USDT probes (usdt:$PY:python:*)\\n"
	same "$line"
	# -p: that process only (a second interpreter running is not listed)
	"$PY" -c 'import time; time.sleep(30)' &
	other=$!
	trap 'rm -rf "$tmp"; kill_bg; kill -9 $child $other 2>/dev/null' EXIT
	wait_exec "$other" "$PY"
	run 0 -l 'runtime:*' -p "$child"
	same "$line"
	kill "$other"
	echo x >"$tmp/go"
	run 0 -l "runtime:java:$child"
	same ""
	;;
builtins)
	# pyfunc, pyfile, pyline: the innermost Python frame (e, sleeping)
	# in each of the four threads
	run 0 -c "$PY $CH sleep 2 3" -e "$sleep_tp /pid == cpid/ { @[pyfunc, pyfile, pyline] = count(); }"
	frames "$out" >/dev/null
	grep -q "^@\[e, $CH, 14\]: 4\$" "$out" || fail "pyfunc, pyfile, pyline"
	[ "$(grep -c '^@' "$out")" = 1 ] || fail "other frames"
	;;
pyprofile)
	# the recipe: folded stacks with the chain, and its flame graph
	(cd "$tmp" && timeout 60 "$etrace" -c "$PY $CH spin 3" pyprofile) \
		>"$out" 2>"$err" || fail "pyprofile failed"
	grep -q ";main (CH);a (CH);b (CH);c (CH);d (CH);e (CH)" \
		"$(sed "s|$CH|CH|g" "$tmp/etrace-pyprofile.folded" >"$tmp/f"; echo "$tmp/f")" ||
		fail "no folded stack with the chain: $(cut -c1-400 "$tmp/f" | head -3)"
	grep -q '<svg' "$tmp/etrace-pyprofile.svg" || fail "no flame graph"
	;;
pyprofile_none)
	# -p of a process running no Python: said so (the process lives
	# past the run, however slow loading is: the run ends by --duration)
	sleep 600 &
	child=$!
	trap 'rm -rf "$tmp"; kill_bg; kill -9 $child 2>/dev/null' EXIT
	(cd "$tmp" && timeout 60 "$etrace" -p "$child" pyprofile -- --duration=1) \
		>"$out" 2>"$err" || fail "pyprofile failed"
	has "$out" '^No thread running CPython 3.11-3.13 was sampled.$'
	;;
pycalls)
	# the recipe, -p of a process started before (its imports done):
	# every Python-to-Python call of the chain counted
	mkfifo "$tmp/go"
	"$PY" "$CH" sleep 2 0 "$tmp/go" &
	child=$!
	trap 'rm -rf "$tmp"; kill_bg; kill -9 $child 2>/dev/null' EXIT
	wait_exec "$child" "$PY"
	wait_fifo "$child"
	"$etrace" -p "$child" pycalls >"$out" 2>"$err" &
	bg=$!
	wait_links 2 # the USDT probe's and interval's
	echo x >"$tmp/go"
	wait_bg 0
	for f in "e]: 3" "d]: 1" "c]: 1" "b]: 1" "a]: 1" "main]: 1"; do
		grep -q "^@calls\[${f%%]*}, $CH\]${f#*]}\$" "$out" ||
			fail "no '$f'"
	done
	;;
pygc)
	# the recipe: chain.py raise 5 collects a cycle 5 times
	run 0 -c "$PY $CH raise 5" pygc
	n=$(awk '/^@pause_us\[2\]/ { on = 1; next } /^@/ { on = 0 }
		on && /\|/ { n += $3 } END { print n + 0 }' "$out")
	[ "$n" -ge 5 ] || fail "$n generation-2 pauses, expected >= 5"
	grep -q '^@collected\[2\]: ' "$out" || fail "no collected count"
	;;
pyexceptions)
	# the recipe: e raises ValueError 5 times
	run 0 -c "$PY $CH raise 5" pyexceptions
	has "$out" '^@exceptions\[ValueError, e, 14\]: 5$'
	;;
*)
	fail "unknown case"
	;;
esac
exit 0
