#!/bin/sh
# HotSpot frames in ustack (real BPF, as root): one case per ctest test.
#   java.sh ETRACE JAVA_DIR CASE
# JAVA_DIR/Chain.java (tests/progs/java), compiled here with javac, runs
# a -> b -> c -> d -> e chains, e sleeping in Thread.sleep (a futex wait
# in the VM) or spinning. The stacks must hold those methods in order,
# with their lines, the VM's native frames above and below them, and no
# address of the code cache left. Debian's OpenJDK 17, no flag on the
# target but -Xint in the interpreted case.
set -u
etrace=$1
jdir=$(readlink -f "$2")
case=$3

RUN_TIMEOUT=60
. "$(dirname "$0")/rtlib.sh"

JAVA=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
JAVAC=/usr/lib/jvm/java-17-openjdk-amd64/bin/javac
[ -x "$JAVA" ] && [ -x "$JAVAC" ] || fail "no OpenJDK 17 (openjdk-17-jdk-headless)"
"$JAVAC" -d "$tmp" "$jdir/Chain.java" || fail "javac failed"

futex='tracepoint:syscalls:sys_enter_futex'
# the chain from Thread.sleep down to run, with e..a's lines
chain="java.lang.Thread.sleep (Thread.java)
Chain.e (Chain.java:20)
Chain.d (Chain.java:25)
Chain.c (Chain.java:29)
Chain.b (Chain.java:33)
Chain.a (Chain.java:37)
Chain.run (Chain.java:46)"

# frames FILE: each stack of a map on one line, frames joined by "|",
# offsets and perf mode's addresses dropped, with its count
frames() {
	awk '/^@\[/ { s = "" } /^(    |\t)/ { sub(/^(    |\t)/, ""); s = s (s ? "|" : "") $0 }
	     /^\]: / { print s "#" $2 }' "$1" |
		sed -e 's/+[0-9][0-9]*$//' -e 's/+[0-9][0-9]*|/|/g' -e 's/+[0-9][0-9]*#/#/'
}

# check_chain FILE: a stack with JVM_Sleep holds the chain whole, below
# JVM_Sleep and above a native frame of the VM, with no code cache
# address anywhere
check_chain() {
	frames "$1" | grep 'JVM_Sleep|' | grep 'Chain.run (' |
		grep -v 'frame pointers' | head -1 |
		tr '|' '\n' | sed -e 's/#.*//' >"$tmp/st"
	[ -s "$tmp/st" ] || fail "no stack with JVM_Sleep and Chain.run"
	grep -n '^java.lang.Thread.sleep (' "$tmp/st" | cut -d: -f1 >"$tmp/at"
	first=$(cat "$tmp/at")
	sed -n "${first},$((first + 6))p" "$tmp/st" >"$tmp/got"
	[ "$(cat "$tmp/got")" = "$chain" ] ||
		fail "the chain: $(cat "$tmp/st")"
	sed -n "$((first - 1))p" "$tmp/st" | grep -q '^JVM_Sleep$' ||
		fail "above the chain: $(cat "$tmp/st")"
	grep -q '^0x7f' "$tmp/st" && fail "a raw address: $(cat "$tmp/st")"
	tail -1 "$tmp/st" | grep -q 'clone' ||
		fail "outermost frame: $(tail -1 "$tmp/st")"
}

# start_java ARGS...: Chain running ARGS before etrace, ready
start_java() {
	"$JAVA" -cp "$tmp" "$@" >"$tmp/jout" 2>&1 &
	child=$!
	trap 'rm -rf "$tmp"; kill_bg; kill -9 $child 2>/dev/null' EXIT
	for _ in $(seq 1 600); do
		grep -q ready "$tmp/jout" && return 0
		sleep 0.1
	done
	fail "Chain did not start: $(cat "$tmp/jout")"
}

prog="$futex /pid == cpid/ { @[ustack] = count(); }"
case $case in
interpreted)
	# -Xint, started before etrace (-p): interpreted frames only
	start_java -Xint Chain sleep 0 30
	run 0 -p "$child" -e "$futex /pid == $child/ { @[ustack] = count(); } interval:s:2 { exit(); }"
	check_chain "$out"
	;;
jit)
	# no flag: the chain called until C2 compiled a with b..e inlined
	# (Chain prints ready after 30000 calls); perf mode says which
	# frame ran how: the compiled a, the methods inlined in it
	start_java Chain jit 0 60
	# compiled, as the VM itself says
	for _ in $(seq 1 100); do
		/usr/lib/jvm/java-17-openjdk-amd64/bin/jcmd "$child" Compiler.codelist 2>/dev/null |
			grep -q 'Chain.a(JZ)J' && break
		sleep 0.2
	done
	run 0 -p "$child" -e "$futex /pid == $child/ { @[ustack(perf)] = count(); } interval:s:2 { exit(); }"
	frames "$out" | grep -q 'Chain.e (Chain.java:20) (\[java inlined\])|[0-9a-f]* Chain.d (Chain.java:25) (\[java inlined\])|[0-9a-f]* Chain.c (Chain.java:29) (\[java inlined\])|[0-9a-f]* Chain.b (Chain.java:33) (\[java inlined\])|[0-9a-f]* Chain.a (Chain.java:37) (\[java jit\])' ||
		fail "no compiled a with b..e inlined: $(frames "$out" | grep Chain.e | head -2)"
	# perf mode made plain: no address, no module
	sed -e 's/^\t[0-9a-f]* /\t/' -e 's/ ([^()]*)$//' "$out" >"$tmp/plain"
	check_chain "$tmp/plain"
	;;
child)
	# -c: the VM found once it has started, no flag
	run 0 -c "$JAVA -cp $tmp Chain sleep 0 3" -e "$prog"
	check_chain "$out"
	;;
threads)
	# 12 threads and main, each in its own chain
	run 0 -c "$JAVA -cp $tmp Chain sleep 12 3" -e "$prog"
	check_chain "$out"
	n=$(frames "$out" | grep 'JVM_Sleep|java.lang.Thread.sleep (Thread.java)|Chain.e (Chain.java:20)|Chain.d (Chain.java:25)|Chain.c (Chain.java:29)|Chain.b (Chain.java:33)|Chain.a (Chain.java:37)|Chain.run (Chain.java:46)|Chain.lambda$main$0 (Chain.java:[0-9]*)|' |
		grep -c 'java.lang.Thread.run (Thread.java:[0-9]*)|JavaCalls::call_helper')
	[ "$n" -ge 1 ] || fail "no thread's stack with the chain from Thread.run"
	;;
native)
	# ustack(native): no Java frames, the code cache's addresses
	run 0 -c "$JAVA -cp $tmp Chain sleep 0 3" -e "$futex /pid == cpid/ { @[ustack(native)] = count(); }"
	grep -q 'JVM_Sleep' "$out" || fail "no JVM_Sleep"
	grep -q 'Chain\.' "$out" && fail "Java frames in ustack(native)"
	;;
profile)
	# sampled: e spinning, interpreted then compiled; samples in e show
	# the chain
	run 0 -c "$JAVA -cp $tmp Chain spin 2 4" -e 'profile:hz:99 /pid == cpid/ { @[ustack] = count(); }'
	frames "$out" | grep -q 'Chain.e (Chain.java:1[56])|Chain.d (Chain.java:25)|Chain.c (Chain.java:29)|Chain.b (Chain.java:33)|Chain.a (Chain.java:37)|Chain.run (Chain.java:46)|' ||
		fail "no sample with the chain: $(frames "$out" | grep Chain | head -3)"
	;;
uprobe)
	# a uprobe on the VM's JVM_Sleep: the chain below it
	jvm=/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so
	start_java Chain sleep 0 30
	run 0 -p "$child" -e "uprobe:$jvm:JVM_Sleep /pid == $child/ { @[ustack] = count(); } interval:s:2 { exit(); }"
	frames "$out" | grep -q '^JVM_Sleep|java.lang.Thread.sleep (Thread.java)|Chain.e (Chain.java:20)|Chain.d (Chain.java:25)|Chain.c (Chain.java:29)|Chain.b (Chain.java:33)|Chain.a (Chain.java:37)|Chain.run (Chain.java:46)|' ||
		fail "no stack with the chain below JVM_Sleep"
	;;
two_ustack)
	# two probes with ustack in one program (a uprobe at JVM_Sleep's
	# entry, the futex wait's tracepoint): both load, each with the
	# chain (the unwinder out of line once two probes called it: the
	# verifier's 1M instructions passed, either probe alone loaded)
	jvm=/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so
	start_java Chain sleep 0 30
	run 0 -p "$child" -e "uprobe:$jvm:JVM_Sleep /pid == $child/ { @u[ustack] = count(); } $futex /pid == $child/ { @f[ustack] = count(); } interval:s:2 { exit(); }"
	for m in u f; do
		map_only $m "$out" >"$tmp/$m"
		check_chain "$tmp/$m"
	done
	;;
perfmap)
	# the JVM's perf map (jcmd PID Compiler.perfmap: "0xSTART 0xSIZE
	# long Chain.a(long, boolean)") names the code cache's addresses
	# where the Java walker does not run: ustack(native)
	start_java Chain jit 0 60
	map=/tmp/perf-$child.map
	trap 'rm -rf "$tmp" "$map"; kill_bg; kill -9 $child 2>/dev/null' EXIT
	for _ in $(seq 1 100); do
		/usr/lib/jvm/java-17-openjdk-amd64/bin/jcmd "$child" Compiler.codelist 2>/dev/null |
			grep -q 'Chain.a(JZ)J' && break
		sleep 0.2
	done
	/usr/lib/jvm/java-17-openjdk-amd64/bin/jcmd "$child" Compiler.perfmap >/dev/null ||
		fail "jcmd Compiler.perfmap failed"
	grep -q ' long Chain.a(long, boolean)$' "$map" || fail "no Chain.a in $map"
	run 0 -p "$child" -e "$futex /pid == $child/ { @[ustack(native)] = count(); } interval:s:2 { exit(); }"
	# a frame named as the map names it, with its offset
	grep -Eq '^ +(void java\.lang\.Thread\.sleep\(long\)|long Chain\.[a-e]\(long, boolean\))\+[0-9]+$' "$out" ||
		fail "no frame named from the perf map: $(grep -c . "$out") lines: $(grep -E '0x7f|Chain|sleep' "$out" | head -5)"
	grep -q '^ *Chain\.[a-e] (' "$out" && fail "Java frames in ustack(native)"
	;;
discover)
	# etrace -l 'runtime:java:PID': the VM, its version, what etrace sees
	start_java Chain sleep 0 30
	run 0 -l "runtime:java:$child"
	has "$out" "^runtime:java:$child java Java 17[0-9.]* (/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so): Java frames in ustack (HotSpot: interpreted, compiled, inlined), [0-9]* USDT probes"
	;;
javaprofile)
	# the recipe: folded stacks with the chain (bare method names), and
	# its flame graph
	start_java Chain spin 2 60
	(cd "$tmp" && timeout 60 "$etrace" -p "$child" javaprofile -- --duration=3) \
		>"$out" 2>"$err" || fail "javaprofile failed"
	grep -q ';Chain.run;Chain.a;Chain.b;Chain.c;Chain.d;Chain.e' "$tmp/etrace-javaprofile.folded" ||
		fail "no folded stack with the chain: $(grep Chain "$tmp/etrace-javaprofile.folded" | cut -c1-300 | head -3)"
	grep -q '<svg' "$tmp/etrace-javaprofile.svg" || fail "no flame graph"
	;;
deopt | deopt_uprobe | deopt_profile)
	# Deopt.java: round after round, the VM deoptimizes the compiled
	# a (b..e inlined) while it is on the stack under hook (a class
	# loaded that breaks what a was compiled on): its return address
	# is the nmethod's deopt handler, its pc saved in the frame, which
	# must name it (b..e and their lines), not the handler (a alone)
	"$JAVAC" -d "$tmp" "$jdir/Deopt.java" || fail "javac Deopt failed"
	djava="$JAVA -XX:CompileCommand=quiet -XX:CompileCommand=dontinline,Work.hook -cp $tmp Deopt $tmp 3"
	dchain='Work.e (Deopt.java:44)|Work.d (Deopt.java:49)|Work.c (Deopt.java:53)|Work.b (Deopt.java:57)|Work.a (Deopt.java:61)|Work.run (Deopt.java:67)|'
	case $case in
	deopt)
		# hook sleeping on the deoptimized frame
		run 0 -c "$djava" -e "$futex /pid == cpid/ { @[ustack] = count(); }"
		frames "$out" | grep 'JVM_Sleep|java.lang.Thread.sleep (Thread.java)|Work.hook (' >"$tmp/hk"
		[ "$(grep -c . "$tmp/hk")" -ge 2 ] || fail "fewer than 2 stacks of hook's sleep: $(frames "$out" | grep -c Work)"
		grep -v "|Work.hook (Deopt.java:39)|$dchain" "$tmp/hk" | grep . &&
			fail "a stack of hook's sleep without e..a: $(grep -v "$dchain" "$tmp/hk" | head -1 | cut -c1-600)"
		;;
	deopt_uprobe)
		# the VM fetching what to unpack: the deopt blob's frame
		# (dropped), then the deoptimized frame, entered through its
		# handler
		jvm=/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so
		run 0 -c "$djava" -e "uprobe:$jvm:_ZN14Deoptimization17fetch_unroll_infoEP10JavaThreadi /pid == cpid/ { @[ustack] = count(); }"
		frames "$out" | grep '|Work\.' >"$tmp/fu"
		grep -q "^Deoptimization::fetch_unroll_info(JavaThread\*, int)|$dchain" "$tmp/fu" ||
			fail "no deoptimization of a with e..a: $(head -2 "$tmp/fu" | cut -c1-600)"
		grep -v "^Deoptimization::fetch_unroll_info(JavaThread\*, int)|$dchain" "$tmp/fu" | grep . &&
			fail "a deoptimization stack without e..a: $(grep -v "$dchain" "$tmp/fu" | head -1 | cut -c1-600)"
		;;
	deopt_profile)
		# sampled through the deoptimizations and recompilations:
		# in every stack the chain's methods are a run of hook, e,
		# d, c, b, a, run in that order (Work.<clinit> aside) (none invented, none dropped
		# between two others), and some sample has e..a
		run 0 -c "$djava" -e 'profile:hz:499 /pid == cpid/ { @[ustack] = count(); }'
		frames "$out" | grep -q "$dchain" || fail "no sample with e..a: $(frames "$out" | grep -c Work)"
		frames "$out" | awk -F'|' '{ s = ""; for (i = 1; i <= NF; i++) if ($i ~ /^Work\.(hook|[a-e]|run) /) { split($i, w, " "); s = s w[1] " " } print s }' |
			grep . | sort -u >"$tmp/runs"
		while read -r r; do
			case "Work.hook Work.e Work.d Work.c Work.b Work.a Work.run " in
			*"$r"*) ;;
			*) fail "Work frames out of order: $r" ;;
			esac
		done <"$tmp/runs"
		;;
	esac
	;;
*)
	fail "unknown case"
	;;
esac
exit 0
