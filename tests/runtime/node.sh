#!/bin/sh
# Node.js (V8) frames in ustack (real BPF, as root): one case per ctest
# test. node.sh ETRACE NODE_DIR CASE
# NODE_DIR/chain.sh writes the program: a -> b -> c -> d -> e, e waiting
# in Atomics.wait (a futex) or looping. The stacks must hold e, d, c, b,
# a in that order, each named "MARKname (file:line)" with V8's tier mark
# (~ interpreted, * compiled), the native frames around them (V8's
# C++ and builtins above e, the entry trampolines below the script),
# and no other frame of the script.
set -u
etrace=$(readlink -f "$1")
nodedir=$(readlink -f "$2")
case=$3

RUN_TIMEOUT=60
. "$(dirname "$0")/rtlib.sh"

NODE=/usr/bin/node
[ -x "$NODE" ] || { echo "skipped: no $NODE"; exit 77; }
CH=$tmp/chain.js
sh "$nodedir/chain.sh" "$CH" || fail "cannot write the program"
line() { grep -n "^function $1(" "$CH" | cut -d: -f1; }
futex_tp='tracepoint:syscalls:sys_enter_futex'

# frames FILE: each stack of a map on one line, frames joined by "|",
# offsets dropped, the program's path as CH, with its count
frames() {
	awk '/^@\[/ { s = "" } /^    / { sub(/^    /, ""); s = s (s ? "|" : "") $0 }
	     /^\]: / { print s "#" $2 }' "$1" |
		sed -e 's/+[0-9][0-9]*//g' -e "s|$CH|CH|g"
}

# chain MARK: the script's frames of a stack in e, innermost first
chain() {
	m=$1
	printf '%s' "${m}e (CH:$(line e))|${m}d (CH:$(line d))|${m}c (CH:$(line c))|${m}b (CH:$(line b))|${m}a (CH:$(line a))|"
}

# check_waits MARK: a stack of e waiting has the chain (all of MARK's
# tier), just below V8's C++ entry builtin and just above the script's
# own frame; and no stack has a frame of the script out of that order
check_waits() {
	want="Builtins_CEntry_Return1_ArgvOnStack_BuiltinExit|$(chain "$1")${2:-~}(anonymous) (CH)|"
	frames "$out" | grep -qF "$want" ||
		fail "no stack with $want: $(frames "$out" | grep 'CH' | head -3)"
	st=$(frames "$out" | grep -F "$want" | head -1)
	echo "$st" | tr '|' '\n' | sed 's/#.*//' >"$tmp/st"
	head -1 "$tmp/st" | grep -q '^__\|^pthread\|futex' ||
		fail "innermost frame: $(head -1 "$tmp/st")"
	grep -q '^Builtins_JSEntry$' "$tmp/st" || fail "no JSEntry below"
	tail -2 "$tmp/st" | grep -q '^_start$' ||
		fail "outermost frames: $(tail -2 "$tmp/st")"
	# nothing invented: in every stack, the script's frames from e on
	# are the chain, and no unnamed JavaScript frame
	frames "$out" | grep -F "e (CH:" | while read -r s; do
		js=$(echo "$s" | tr '|' '\n' | grep '(CH' | tr '\n' '|')
		case "$js" in
		[~*]e\ \(CH*) ;;
		*) echo "$s" >"$tmp/bad" ;;
		esac
		echo "$js" | sed 's/[~*]//g' |
			grep -qF "$(chain '')(anonymous) (CH)|" ||
			echo "$s" >"$tmp/bad"
	done
	[ -f "$tmp/bad" ] && fail "a stack out of order: $(cat "$tmp/bad")"
	grep -q '\[js 0x' "$out" && fail "an unnamed JavaScript frame"
	return 0
}

# wait_attached: the background etrace attached (loading node's unwind
# tables and verifying the walker take seconds on a loaded machine)
wait_attached() {
	for _ in $(seq 1 1200); do
		grep -q '^Attaching' "$out" 2>/dev/null && return 0
		kill -0 "$bg" 2>/dev/null || fail "etrace ended before attaching"
		sleep 0.05
	done
	fail "etrace did not attach in 60 s"
}

# wait_fifo PID FIFO: PID (node) blocks opening $tmp/FIFO (done: after
# it made done.at)
wait_fifo() {
	for _ in $(seq 1 1200); do
		{ [ "$2" != done ] || [ -e "$tmp/done.at" ]; } &&
			[ "$(cat /proc/"$1"/wchan 2>/dev/null)" = wait_for_partner ] &&
			return 0
		kill -0 "$1" 2>/dev/null || fail "process $1 ended"
		sleep 0.05
	done
	fail "process $1 did not open $2 in 60 s"
}

# node_of ARGS: the node process whose command line is "node CH ARGS"
NODE_FLAGS=
node_of() {
	for _ in $(seq 1 1200); do
		for p in $(pgrep -f "^$NODE $NODE_FLAGS$CH $1"); do
			[ "$(readlink /proc/"$p"/exe)" = "$NODE" ] &&
				{ echo "$p"; return 0; }
		done
		sleep 0.05
	done
	return 1
}

# run_c MODE N PROG: etrace -c "node CH MODE N - DONE" -e PROG (PROG
# stdlib:NAME: the recipe NAME, run in $tmp); once
# the program blocks on the fifo DONE (its work over), etrace is stopped
# with SIGINT and prints its maps while the process lives (node frees
# V8's heap, where the names are, before it exits); then the program
# is let go
run_c() {
	mkfifo "$tmp/done"
	cmd="$NODE $NODE_FLAGS$CH $1 $2 - $tmp/done"
	args="$1 $2"
	case $3 in
	stdlib:*) set -- "${3#stdlib:}" ;;
	*) set -- -e "$3" ;;
	esac
	(cd "$tmp" && exec "$etrace" -c "$cmd" "$@") >"$out" 2>"$err" &
	bg=$!
	child=$(node_of "$args") || fail "node did not start"
	trap 'rm -rf "$tmp"; kill_bg; kill -9 $child 2>/dev/null' EXIT
	wait_fifo "$child" done
	kill -INT "$bg"
	wait_bg 0
	kill -9 "$child" 2>/dev/null
}

# check_workers ABOVE BELOW: the program's "ready MAIN W1 W2 W3" in $out,
# and stacks keyed by tid (@[tid, ustack]): each of the four threads
# (the workers are isolates of their own) has a stack with ABOVE, the
# whole chain from e and BELOW (the script's frames below a: spin, run),
# with the entry trampoline and that thread's native frames below
# (node's worker thread, or _start); in every stack, the script's
# frames from e on are the chain and BELOW (tier marks dropped: each
# isolate tiers up on its own)
check_workers() {
	above=$1 below=$2
	set -- $(grep '^ready ' "$out")
	[ $# -gt 0 ] ||
		fail "the program did not say ready"
	[ $# = 5 ] || fail "ready line: $*"
	shift
	awk '/^@\[/ { t = $0; sub(/^@\[/, "", t); sub(/,.*/, "", t); s = "" }
	     /^    / { sub(/^    /, ""); s = s (s ? "|" : "") $0 }
	     /^\]: / { print t "@" s "#" $2 }' "$out" |
		sed -e 's/+[0-9][0-9]*//g' -e "s|$CH|CH|g" \
		    -e 's/|[~*]/|/g' -e 's/^\([0-9]*@\)[~*]/\1/' >"$tmp/tids"
	want="$(chain '')$below"
	for t in "$@"; do
		grep "^$t@" "$tmp/tids" | grep -F "$above$want" | head -1 | sed 's/#[0-9]*$//' |
			tr '|' '\n' >"$tmp/st"
		[ -s "$tmp/st" ] || fail "thread $t: no stack with $above$want: $(grep "^$t@" "$tmp/tids" | grep 'CH' | head -3)"
		grep -q '^Builtins_JSEntry$' "$tmp/st" ||
			fail "thread $t: no JSEntry below"
		if [ "$t" = "$1" ]; then
			tail -2 "$tmp/st" | grep -q '^_start$' ||
				fail "main thread: outermost frames: $(tail -2 "$tmp/st")"
		else
			grep -q '^node::worker::Worker::Run()$' "$tmp/st" &&
				tail -3 "$tmp/st" | grep -q '^start_thread$' ||
				fail "worker $t: outermost frames: $(tail -4 "$tmp/st")"
		fi
	done
	# nothing invented: from e on, the chain and BELOW, in every thread
	grep -F "e (CH:" "$tmp/tids" | while read -r s; do
		js=$(echo "$s" | sed 's/^[0-9]*@//' | tr '|' '\n' | grep '(CH' |
			tr '\n' '|')
		case "$js" in
		"$want"*) ;;
		*) echo "$s" >"$tmp/bad" ;;
		esac
	done
	[ -f "$tmp/bad" ] && fail "a stack out of order: $(cat "$tmp/bad")"
	grep -q '\[js 0x' "$out" && fail "an unnamed JavaScript frame"
	return 0
}

prog="$futex_tp /pid == cpid/ { @[ustack] = count(); }"
case $case in
child)
	# -c, interpreted (Ignition): 3 waits, no warm-up
	run_c wait 3 "$prog"
	check_waits '~'
	;;
optimized)
	# -c after the warm-up: the side run says TurboFan compiled a..e
	side=$("$NODE" --allow-natives-syntax "$CH" opt 0 check)
	[ "$side" = "optimized: a b c d e" ] || fail "side run: $side"
	run_c opt 3 "$prog"
	check_waits '*' '*'
	;;
pid)
	# -p of a process started before etrace, blocked on a fifo
	mkfifo "$tmp/go" "$tmp/done"
	"$NODE" "$CH" wait 3 "$tmp/go" "$tmp/done" &
	child=$!
	trap 'rm -rf "$tmp"; kill_bg; kill -9 $child 2>/dev/null' EXIT
	wait_exec "$child" "$NODE"
	wait_fifo "$child" go
	"$etrace" -p "$child" -e "$futex_tp /pid == $child/ { @[ustack] = count(); }" \
		>"$out" 2>"$err" &
	bg=$!
	wait_attached
	echo x >"$tmp/go"
	wait_fifo "$child" done
	kill -INT "$bg"
	wait_bg 0
	check_waits '~'
	;;
two_ustack)
	# two probes with ustack in one program (the futex wait's entry and
	# exit), -p as in pid: both load, each with the chain (the unwinder
	# out of line once two probes called it: the verifier's 1M
	# instructions passed, either probe alone loaded)
	mkfifo "$tmp/go" "$tmp/done"
	"$NODE" "$CH" wait 3 "$tmp/go" "$tmp/done" &
	child=$!
	trap 'rm -rf "$tmp"; kill_bg; kill -9 $child 2>/dev/null' EXIT
	wait_exec "$child" "$NODE"
	wait_fifo "$child" go
	"$etrace" -p "$child" -e "$futex_tp /pid == $child/ { @n[ustack] = count(); } tracepoint:syscalls:sys_exit_futex /tid == $child/ { @x[ustack] = count(); }" \
		>"$out" 2>"$err" &
	bg=$!
	wait_attached
	echo x >"$tmp/go"
	wait_fifo "$child" done
	kill -INT "$bg"
	wait_bg 0
	cp "$out" "$tmp/both"
	for m in n x; do
		map_only $m "$tmp/both" >"$out"
		check_waits '~'
	done
	;;
native)
	# ustack(native): V8's interpreter entry frames, no JavaScript ones
	run 0 -c "$NODE $CH wait 2" -e "$futex_tp /pid == cpid/ { @[ustack(native)] = count(); }"
	grep -q 'Builtins_InterpreterEntryTrampoline' "$out" ||
		fail "no interpreter frame"
	grep -q '(CH\|chain.js' "$out" && fail "JavaScript frames in ustack(native)"
	grep -q 'Builtins_JSEntry+' "$out" || fail "the walk did not pass the builtins"
	;;
profile)
	# sampled at 99 Hz while e loops: samples in e show the whole chain
	# (each function's tier as V8 has it then); in every sample, the
	# script's frames are the chain's outer part, or finish() (its
	# writeFileSync once the spin is over) called from the top level
	run_c spin 2000 'profile:hz:99 /pid == cpid/ { @[ustack] = count(); }'
	full="$(chain '')spin (CH:$(line spin))|(anonymous) (CH)|"
	fin="finish (CH:$(line finish))|(anonymous) (CH)|"
	frames "$out" | sed 's/[~*]//g' | grep -qF "$full" ||
		fail "no sample with the chain"
	frames "$out" | grep -F '(CH' | while read -r s; do
		js=$(echo "$s" | tr '|' '\n' | grep '(CH' | sed 's/^[~*]//' |
			tr '\n' '|')
		case "$full" in
		*"$js") ;;
		*) [ "$js" = "$fin" ] || echo "$s" >"$tmp/bad" ;;
		esac
	done
	[ -f "$tmp/bad" ] && fail "a sample out of order: $(cat "$tmp/bad")"
	grep -q '\[js 0x' "$out" && fail "an unnamed JavaScript frame"
	;;
nodeprofile)
	# the recipe: folded stacks with the chain (bare frames: "e (CH)")
	run_c spin 2000 stdlib:nodeprofile
	sed "s|$CH|CH|g" "$tmp/etrace-nodeprofile.folded" >"$tmp/f"
	grep -q ";(anonymous) (CH);spin (CH);a (CH);b (CH);c (CH);d (CH);e (CH) [1-9]" "$tmp/f" ||
		fail "no folded stack with the chain: $(cut -c1-400 "$tmp/f" | head -3)"
	grep -q '<svg' "$tmp/etrace-nodeprofile.svg" || fail "no flame graph"
	;;
nodeloop)
	# the recipe: a timer's callback blocks the loop for 300 ms, in e:
	# the slow turn's samples show the chain
	run_c timer 300 stdlib:nodeloop
	has "$out" '^longest turn: [0-9]* us$'
	frames "$out" | sed 's/[~*]//g' |
		grep -F "$(chain '')spin (CH:$(line spin))|" | grep -q 'listOnTimeout (node:internal/timers:' ||
		fail "no slow-turn stack with the chain"
	;;
workers)
	# -c: the main thread and three worker_threads (started after
	# etrace attached: their isolates' code and copies of the builtins
	# are mapped after the unwind tables were read) each wait in e
	run_c workers:wait 3 "$futex_tp /pid == cpid/ { @[tid, ustack] = count(); }"
	check_workers Builtins_CEntry_Return1_ArgvOnStack_BuiltinExit\| \
		"run (CH:$(line run))|"
	;;
workers_pid)
	# -p of a process whose three worker_threads run (and wait for GO)
	# before etrace attaches; profile samples while all four spin in e
	mkfifo "$tmp/go" "$tmp/done"
	"$NODE" "$CH" workers:spin 3000 "$tmp/go" "$tmp/done" >"$tmp/ready" &
	child=$!
	trap 'rm -rf "$tmp"; kill_bg; kill -9 $child 2>/dev/null' EXIT
	wait_exec "$child" "$NODE"
	wait_fifo "$child" go
	"$etrace" -p "$child" -e "profile:hz:99 /pid == $child/ { @[tid, ustack] = count(); }" \
		>"$out" 2>"$err" &
	bg=$!
	wait_attached
	echo x >"$tmp/go"
	wait_fifo "$child" done
	kill -INT "$bg"
	wait_bg 0
	cat "$tmp/ready" >>"$out"
	check_workers "" "spin (CH:$(line spin))|run (CH:$(line run))|"
	;;
perfmap)
	# node --perf-basic-prof writes /tmp/perf-PID.map: ustack(native)
	# names the JIT's code from it, V8's tier marks kept
	NODE_FLAGS="--perf-basic-prof "
	run_c opt 2 "$futex_tp /pid == cpid/ { @[ustack(native)] = count(); }"
	frames "$out" | grep -q 'JS:[~^+*][a-e] CH:[0-9]*:[0-9]*|' ||
		fail "no frame named from the perf map"
	rm -f "/tmp/perf-$child.map"
	;;
inlined)
	# TurboFan inlined b..e into a: the frame of a's optimized code is
	# e, d, c, b (tier "inlined": ustack(perf) says so) and a, in that
	# order, above the script's own frame (Ignition's)
	# (--no-use-osr: the warm-up loop's function stays Ignition's, so
	# TurboFan compiles a itself, not a..e inlined into that loop)
	CH=$tmp/inline.js
	NODE_FLAGS="--no-use-osr "
	sh "$nodedir/inline.sh" "$CH" || fail "cannot write the program"
	side=$("$NODE" --no-use-osr --allow-natives-syntax "$CH" opt 0 check)
	[ "$side" = "optimized: a" ] || fail "side run: $side"
	run_c opt 3 "$futex_tp /pid == cpid/ { @[ustack(perf)] = count(); }"
	# perf mode's frames: a tab, the address, the frame
	sed 's/^	[0-9a-f]* /    /' "$out" >"$tmp/p"
	perf=$(frames "$tmp/p")
	js() { printf '*%s (CH:%s) ([js%s])|' "$1" "$(line "$1")" "$2"; }
	want="Builtins_CEntry_Return1_ArgvOnStack_BuiltinExit (/usr/bin/node)|$(js e ' inlined')$(js d ' inlined')$(js c ' inlined')$(js b ' inlined')$(js a '')~(anonymous) (CH) ([js])|"
	echo "$perf" | grep -qF "$want" ||
		fail "no stack with $want: $(echo "$perf" | grep 'CH' | head -3)"
	grep -q '\[js code 0x' "$out" && fail "optimized code not read"
	;;
list)
	# etrace -l 'runtime:node:PID': the process, V8's version, what
	# its stacks show
	mkfifo "$tmp/go"
	"$NODE" "$CH" wait 1 "$tmp/go" &
	child=$!
	trap 'rm -rf "$tmp"; kill_bg; kill -9 $child 2>/dev/null' EXIT
	wait_exec "$child" "$NODE"
	wait_fifo "$child" go
	run 0 -l "runtime:node:$child"
	same "runtime:node:$child node Node.js V8 11.3 ($NODE): JavaScript frames in ustack (interpreted, compiled, inlined; V8 metadata of $NODE)\n"
	echo x >"$tmp/go"
	;;
rtprofile)
	# -p of a process started before etrace (V8's copy of its builtins
	# mapped, and in the unwind tables, when etrace attaches): stacks
	# in V8's C++ called from e through Builtins_CEntry (in that copy)
	# go on to e, d, c, b, a and the native frames below, not
	# [truncated]: profile samples in the C++ of Date.now (a runtime
	# function) and Atomics.wait (a C++ builtin)
	CH=$tmp/rtcall.js
	sh "$nodedir/rtcall.sh" "$CH" || fail "cannot write the program"
	mkfifo "$tmp/go" "$tmp/done"
	# 2000 calls: seconds of CPU in Date.now and Atomics.wait
	# (hundreds of samples, most in their C++)
	"$NODE" "$CH" 2000 "$tmp/go" "$tmp/done" &
	child=$!
	trap 'rm -rf "$tmp"; kill_bg; kill -9 $child 2>/dev/null' EXIT
	wait_exec "$child" "$NODE"
	wait_fifo "$child" go
	prog="profile:hz:99 /pid == $child/ { @p[ustack] = count(); }"
	"$etrace" -p "$child" -e "$prog" >"$out" 2>"$err" &
	bg=$!
	wait_attached
	echo x >"$tmp/go"
	wait_fifo "$child" done
	kill -INT "$bg"
	wait_bg 0
	chain5="$(chain '')"
	# the tier marks dropped
	sed 's/^@p\[/@[/' "$out" >"$tmp/all"
	frames "$tmp/all" | sed -E 's/(^|\|)[~*]/\1/g' |
		grep -q "Builtins_CEntry_Return1_ArgvOnStack_[A-Za-z]*|$chain5" ||
		fail "no profile sample in Builtins_CEntry with the chain"
	frames "$tmp/all" | grep 'Builtins_CEntry.*\[truncated\]' &&
		fail "a stack ends [truncated] after Builtins_CEntry"
	;;
*)
	fail "unknown case"
	;;
esac
exit 0
