#!/bin/bash
# The cost of Java and Node.js frames in stacks (issue #13, a benchmark,
# not a test; python-cost.sh does CPython): a busy program of each
# runtime (a -> b -> c -> d -> e, e spinning) counts its iterations for
# DURATION seconds, untraced and under
#   etrace -p P -e 'profile:hz:99 /pid == P/ { @[ustack] = count(); }'
# (mixed stacks: HotSpot's interpreted and compiled frames, V8's, named
# at exit); the loss is 1 - traced/untraced (goal: < 1%). Each program
# waits on a fifo until etrace has attached (and its JIT has warmed up
# for a second), then measures itself; rounds alternate untraced and
# traced runs, so that the machine's load hits both alike. Also printed:
# the samples of the last traced run and how many of its frame lines
# name the program's own functions.
#   tests/bench/runtime-cost.sh [ETRACE]   (as root)
# ETRACE defaults to build/etrace; DURATION (s) 10, ROUNDS 3, RUNTIMES
# "java node" (a runtime whose command is missing is left out).
set -u
here=$(cd "$(dirname "$0")" && pwd)
etrace=${1:-$here/../../build/etrace}
dur=${DURATION:-10}
rounds=${ROUNDS:-3}
runtimes=${RUNTIMES:-java node}
jdk=/usr/lib/jvm/java-17-openjdk-amd64/bin
[ "$(id -u)" = 0 ] || { echo "runtime-cost: needs root"; exit 1; }
[ -x "$etrace" ] || { echo "runtime-cost: no etrace at $etrace"; exit 1; }

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
bench_init rtcost

cat >"$tmp/Busy.java" <<'JAVA'
import java.io.*;
public class Busy {
    static long e(long s) { for (int i = 0; i < 200; i++) s += (long) i * i; return s; }
    static long d(long s) { return e(s); }
    static long c(long s) { return d(s); }
    static long b(long s) { return c(s); }
    static long a(long s) { return b(s); }
    public static void main(String[] args) throws Exception {
        double dur = Double.parseDouble(args[0]);
        long warm = System.nanoTime() + 1_000_000_000L, s = 0, k = 0;
        while (System.nanoTime() < warm) s = a(s);
        try (BufferedReader r = new BufferedReader(new FileReader(args[1]))) { r.readLine(); }
        long end = System.nanoTime() + (long) (dur * 1e9);
        while (System.nanoTime() < end) { s = a(s); k++; }
        System.out.println(k + (s == 42 ? 1 : 0));
    }
}
JAVA
cat >"$tmp/busy.js" <<'JS'
const fs = require('fs');
function e(s) { for (let i = 0; i < 200; i++) s += i * i; return s % 1000003; }
function d(s) { return e(s); }
function c(s) { return d(s); }
function b(s) { return c(s); }
function a(s) { return b(s); }
const dur = parseFloat(process.argv[2]);
let s = 0, k = 0;
let t = process.hrtime.bigint(), warm = t + 1000000000n;
while (process.hrtime.bigint() < warm) s = a(s);
fs.readFileSync(process.argv[3]);
const end = process.hrtime.bigint() + BigInt(Math.round(dur * 1e9));
while (process.hrtime.bigint() < end) { s = a(s); k++; }
console.log(k + (s === -1 ? 1 : 0));
JS

# run RUNTIME [ETRACE ARGS...]: the count of its busy program (its
# command line before DURATION FIFO), traced by etrace ARGS (with P for
# its pid) when given
run() {
	rt=$1
	shift
	case $rt in
	java) bench_run "$jdk/java" -cp "$tmp" Busy "$dur" -- "$@" ;;
	node) bench_run node "$tmp/busy.js" "$dur" -- "$@" ;;
	esac
}

prof='profile:hz:99 /pid == P/ { @[ustack] = count(); }'
for rt in $runtimes; do
	case $rt in
	java)
		[ -x "$jdk/javac" ] || { echo "java: no javac (openjdk-17-jdk-headless): left out"; continue; }
		"$jdk/javac" -d "$tmp" "$tmp/Busy.java" || exit 1
		own='Busy\.[a-e] '
		;;
	node)
		command -v node >/dev/null || { echo "node: not installed: left out"; continue; }
		own='busy\.js'
		;;
	*)
		echo "$rt: unknown runtime"
		continue
		;;
	esac
	u=0 t=0
	for r in $(seq 1 "$rounds"); do
		a=$(run "$rt")
		b=$(run "$rt" -e "$prof")
		echo "$rt round $r: untraced $a iterations, mixed stacks at 99 Hz $b"
		u=$((u + a)) t=$((t + b))
	done
	samples=$(awk '/^\]: / { s += $2 } END { print s + 0 }' "$tmp/et.out")
	frames=$(grep -cE "$own" "$tmp/et.out")
	awk -v rt="$rt" -v u="$u" -v t="$t" -v s="$samples" -v f="$frames" 'BEGIN {
		printf "%s: throughput loss with mixed stacks at 99 Hz: %.2f%% (last run: %d samples, %d frame lines in the program\047s own code)\n",
		       rt, 100 * (1 - t / u), s, f }'
done
