#!/bin/bash
# The cost of mixed stacks (issue #13's goal: "with mixed stacks at 99 Hz,
# the target program loses under 1% of its throughput"; a benchmark, not
# a test) for Python, Java and Node.js: a busy program of each runtime
# (a -> b -> c -> d -> e, e spinning) measured untraced and under
#   etrace -p P -e 'profile:hz:99 /pid == P/ { @[ustack] = count(); }'
# (CPython's, HotSpot's interpreted and compiled, V8's frames).
#   tests/bench/runtime-cost.sh [ETRACE]   (as root)
# ETRACE defaults to build/etrace. Environment: RUNTIMES ("python java
# node"; a runtime whose command is missing is left out), ROUNDS (6),
# CPU_SECONDS (2: the target thread's own CPU time a window), CPUS
# ("0 1": etrace's CPU and the target's; "" pins nothing), PYTHON
# (/usr/bin/python3.11).
#
# What makes a < 1% effect visible on a shared machine, whose load moves
# a wall-clock rate by ±10% between rounds:
#  - the measure is the work per CPU-second of the target's busy thread
#    (its iterations over its own CPU time, the kernel's sum_exec_runtime:
#    Java's ThreadMXBean, Python's time.thread_time_ns, Node's
#    /proc/thread-self/schedstat), not per second of wall clock: other
#    processes taking the CPU do not count. The kernel has no
#    IRQ_TIME_ACCOUNTING (checked, printed): the BPF program, run in the
#    interrupt of a sample that hit the target, is charged to the
#    target's thread, so this includes the walk's own time;
#  - one process per runtime for all rounds, warmed up (its JIT done)
#    before the first: windows of CPU_SECONDS of its CPU time, each on a
#    command from this script, so that a traced and an untraced window run
#    the same compiled code;
#  - the target and etrace pinned to different CPUs (taskset): etrace's
#    loading, verification and reading do not take the target's CPU;
#  - rounds of two windows, untraced then traced, then traced then
#    untraced (ABBA), a drift of the machine hitting both alike; the loss
#    a round is 1 - traced / untraced rate, reported as the median over
#    rounds with its range, next to the spread of the untraced windows
#    alone (the noise floor);
#  - the kernel's BPF statistics (BPF_ENABLE_STATS, held while this
#    runs): the run time of etrace's programs in each traced
#    window over the target's CPU time in it, the direct cost, on every
#    CPU (the runs on other tasks, which the pid filter ends, too).
set -u
here=$(cd "$(dirname "$0")" && pwd)
etrace=${1:-$here/../../build/etrace}
rounds=${ROUNDS:-6}
cpusec=${CPU_SECONDS:-2}
runtimes=${RUNTIMES:-python java node}
cpus=${CPUS-0 1}
py=${PYTHON:-/usr/bin/python3.11}
jdk=/usr/lib/jvm/java-17-openjdk-amd64/bin
[ "$(id -u)" = 0 ] || { echo "runtime-cost: needs root"; exit 1; }
[ -x "$etrace" ] || { echo "runtime-cost: no etrace at $etrace"; exit 1; }

tmp=$(mktemp -d /tmp/etrace-rtcost.XXXXXX) || exit 1
epid='' statsp=''
cleanup() {
	[ -n "$epid" ] && kill -INT "$epid" 2>/dev/null && wait "$epid" 2>/dev/null
	[ -n "${T_PID:-}" ] && kill "$T_PID" 2>/dev/null
	[ -n "$statsp" ] && kill "$statsp" 2>/dev/null && wait "$statsp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
# the kernel's BPF run-time statistics, on while a process holds the fd
# of BPF_ENABLE_STATS (counted, as ustack-run-time.sh does): not the
# sysctl kernel.bpf_stats_enabled, which another user may have set
python3 -c '
import ctypes, signal, sys
attr = (ctypes.c_uint32 * 8)()  # BPF_STATS_RUN_TIME
if ctypes.CDLL(None, use_errno=True).syscall(321, 32, ctypes.byref(attr), 4) < 0:
    sys.exit("BPF_ENABLE_STATS failed: errno %d" % ctypes.get_errno())
print("on", flush=True)
signal.pause()' >"$tmp/stats" &
statsp=$!
for _ in $(seq 1 100); do
	[ -s "$tmp/stats" ] && break
	kill -0 "$statsp" 2>/dev/null || { echo "runtime-cost: no BPF statistics"; exit 1; }
	sleep 0.05
done

ecpu='' tcpu=''
if [ -n "$cpus" ]; then
	read -r ecpu tcpu <<<"$cpus"
	pin_e=(taskset -c "$ecpu")
	pin_t=(taskset -c "$tcpu")
else
	pin_e=()
	pin_t=()
fi

# Each program: warms up CPU_SECONDS*2 of its CPU, then for each line on
# stdin runs a -> ... -> e until its thread has used CPU_SECONDS more of
# CPU and prints "ITERATIONS CPU_NS WALL_NS" (the thread's CPU time over
# the window, the same counter it stops on).
cat >"$tmp/Busy.java" <<'JAVA'
import java.io.*;
import java.lang.management.*;
public class Busy {
    static long e(long s) { for (int i = 0; i < 200; i++) s += (long) i * i; return s; }
    static long d(long s) { return e(s); }
    static long c(long s) { return d(s); }
    static long b(long s) { return c(s); }
    static long a(long s) { return b(s); }
    static long s;
    static long[] window(ThreadMXBean mx, long ns) {
        long c0 = mx.getCurrentThreadCpuTime(), w0 = System.nanoTime(), k = 0, c1;
        do {
            for (int i = 0; i < 4096; i++) s = a(s);
            k += 4096;
        } while ((c1 = mx.getCurrentThreadCpuTime()) - c0 < ns);
        return new long[] { k, c1 - c0, System.nanoTime() - w0 };
    }
    public static void main(String[] args) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long ns = (long) (Double.parseDouble(args[0]) * 1e9);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        window(mx, 2 * ns);
        System.out.println("ready");
        System.out.flush();
        while (in.readLine() != null) {
            long[] r = window(mx, ns);
            System.out.println(r[0] + " " + r[1] + " " + r[2] + (s == 42 ? "!" : ""));
            System.out.flush();
        }
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
// the main thread's CPU time (ns): Node has no thread clock of its own
function cpu() {
	const t = fs.readFileSync('/proc/thread-self/schedstat', 'latin1');
	return BigInt(t.slice(0, t.indexOf(' ')));
}
let s = 0;
function window(ns) {
	const c0 = cpu(), w0 = process.hrtime.bigint();
	let k = 0, c1;
	do {
		for (let i = 0; i < 16384; i++) s = a(s);
		k += 16384;
	} while ((c1 = cpu()) - c0 < ns);
	return k + ' ' + (c1 - c0) + ' ' + (process.hrtime.bigint() - w0) + (s === -1 ? '!' : '');
}
const ns = BigInt(Math.round(parseFloat(process.argv[2]) * 1e9));
window(2n * ns);
fs.writeSync(1, 'ready\n');
const buf = Buffer.alloc(1);
for (;;) {
	let n;
	do {
		n = fs.readSync(0, buf, 0, 1, null);
	} while (n === 1 && buf[0] !== 10);
	if (n !== 1)
		break;
	fs.writeSync(1, window(ns) + '\n');
}
JS
cat >"$tmp/busy.py" <<'PY'
import sys, time
def e():
    s = 0
    for i in range(200):
        s += i * i
    return s
def d(): return e()
def c(): return d()
def b(): return c()
def a(): return b()
def window(ns):
    c0, w0, k = time.thread_time_ns(), time.perf_counter_ns(), 0
    while True:
        for _ in range(64):
            a()
        k += 64
        c1 = time.thread_time_ns()
        if c1 - c0 >= ns:
            return "%d %d %d" % (k, c1 - c0, time.perf_counter_ns() - w0)
ns = int(float(sys.argv[1]) * 1e9)
window(2 * ns)
print("ready", flush=True)
for _ in sys.stdin:
    print(window(ns), flush=True)
PY

# bpf_stats EPID: "RUN_TIME_NS RUN_CNT" of EPID's perf_event programs
# (type 7) from its fds' fdinfo, each program once
bpf_stats() {
	for f in /proc/"$1"/fdinfo/*; do
		awk '$1 == "prog_type:" { t = $2 } $1 == "prog_id:" { id = $2 }
		     $1 == "run_time_ns:" { ns = $2 } $1 == "run_cnt:" { n = $2 }
		     END { if (t == 7) print id, ns, n }' "$f" 2>/dev/null
	done | sort -u | awk '{ ns += $2; n += $3 } END { print ns + 0, n + 0 }'
}

# verified EPID: the most instructions the verifier walked for one of
# EPID's perf_event programs
verified() {
	for f in /proc/"$1"/fdinfo/*; do
		awk '$1 == "prog_type:" { t = $2 } $1 == "verified_insns:" { v = $2 }
		     END { if (t == 7) print v }' "$f" 2>/dev/null
	done | sort -n | tail -1
}

# bench_links PID: how many distinct BPF links PID holds
links() {
	cat /proc/"$1"/fdinfo/* 2>/dev/null |
		awk '$1 == "link_id:" { print $2 }' | sort -u | wc -l
}

# window: one window of the target (T, the coprocess): "IT CPU_NS WALL_NS"
window() {
	echo go >&"${T[1]}"
	read -r -t 600 line <&"${T[0]}" || { echo "runtime-cost: the target stopped" >&2; exit 1; }
	echo "$line"
}

# traced: etrace attached to the target, one window, etrace ended;
# prints "IT CPU_NS WALL_NS BPF_NS BPF_RUNS LOAD_S VERIFIED SAMPLES" (the
# samples: the counts etrace printed)
traced() {
	local t0 t1 s0 s1 w
	t0=$(date +%s.%N)
	"${pin_e[@]}" "$etrace" -p "$T_PID" -e "profile:hz:99 /pid == $T_PID/ { @[ustack] = count(); }" \
		>"$tmp/et.out" 2>"$tmp/et.err" &
	epid=$!
	for _ in $(seq 1 2400); do
		[ "$(links "$epid")" -ge "$(nproc)" ] && break
		kill -0 "$epid" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$epid" 2>/dev/null || { echo "runtime-cost: etrace failed: $(head -5 "$tmp/et.err")" >&2; exit 1; }
	t1=$(date +%s.%N)
	s0=$(bpf_stats "$epid")
	w=$(window)
	s1=$(bpf_stats "$epid")
	v=$(verified "$epid")
	kill -INT "$epid"
	wait "$epid"
	epid=
	echo "$w $(awk -v a="$s0" -v b="$s1" 'BEGIN { split(a, x); split(b, y); print y[1] - x[1], y[2] - x[2] }') $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') ${v:-0} $(awk '/^\]: / { s += $2 } END { print s + 0 }' "$tmp/et.out")"
}

echo "runtime-cost: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
cfg=$( (zcat /proc/config.gz 2>/dev/null || cat "/boot/config-$(uname -r)" 2>/dev/null) |
	grep -E '^(# )?CONFIG_IRQ_TIME_ACCOUNTING[= ]')
echo "kernel $(uname -r): ${cfg:-CONFIG_IRQ_TIME_ACCOUNTING unknown} (not set: the BPF time of a sample is the target's)"
echo "etrace on CPU ${ecpu:-any}, the target on CPU ${tcpu:-any}; windows of ${cpusec} s of the target's CPU time, $rounds rounds"

for rt in $runtimes; do
	case $rt in
	python)
		[ -x "$py" ] || { echo "python: no $py: left out"; continue; }
		cmd=("$py" "$tmp/busy.py" "$cpusec")
		own='busy\.py:'
		;;
	java)
		[ -x "$jdk/javac" ] || { echo "java: no javac (openjdk-17-jdk-headless): left out"; continue; }
		"$jdk/javac" -d "$tmp" "$tmp/Busy.java" || exit 1
		cmd=("$jdk/java" -cp "$tmp" Busy "$cpusec")
		own='Busy\.[a-z]'
		;;
	node)
		command -v node >/dev/null || { echo "node: not installed: left out"; continue; }
		cmd=(node "$tmp/busy.js" "$cpusec")
		own='busy\.js'
		;;
	*)
		echo "$rt: unknown runtime"
		continue
		;;
	esac
	coproc T { exec "${pin_t[@]}" "${cmd[@]}"; }
	read -r -t 600 line <&"${T[0]}"
	[ "$line" = ready ] || { echo "$rt: the program did not start: $line"; exit 1; }
	: >"$tmp/$rt.rounds"
	for r in $(seq 1 "$rounds"); do
		if [ $((r % 2)) = 1 ]; then
			u=$(window)
			t=$(traced)
		else
			t=$(traced)
			u=$(window)
		fi
		[ -n "$u" ] && [ -n "$t" ] || exit 1
		echo "$u $t" >>"$tmp/$rt.rounds"
		frames=$(grep -cE "$own" "$tmp/et.out")
		echo "$u $t $frames" | awk -v rt="$rt" -v r="$r" '{
			ru = $1 / $2 * 1e9; rt_ = $4 / $5 * 1e9
			printf "%s round %d: untraced %.0f it/cpu-s (%.0f%% of a CPU), traced %.0f it/cpu-s (%.0f%% of a CPU), loss %+.2f%%; BPF %.2f%% of its CPU: %d samples, %.1f us each (%d runs on all CPUs); %d frame lines of its own; etrace attached in %.1f s\n",
			       rt, r, ru, 100 * $2 / $3, rt_, 100 * $5 / $6, 100 * (1 - rt_ / ru),
			       100 * $7 / $5, $11, $7 / ($11 ? $11 : 1) / 1000, $8, $12, $9 }'
	done
	kill "$T_PID" 2>/dev/null
	wait "$T_PID" 2>/dev/null
	awk -v rt="$rt" -v la="$(cut -d' ' -f1-3 /proc/loadavg)" '
	function med(a, n,  i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		n++
		ru = $1 / $2; rt_ = $4 / $5
		loss[n] = 100 * (1 - rt_ / ru); u[n] = ru; b[n] = 100 * $7 / $5
		us[n] = $7 / ($11 ? $11 : 1) / 1000; ld[n] = $9; v = $10 > v ? $10 : v
		if (n == 1 || loss[n] < lo) lo = loss[n]
		if (n == 1 || loss[n] > hi) hi = loss[n]
		if (n == 1 || ru < umin) umin = ru
		if (n == 1 || ru > umax) umax = ru
	}
	END {
		if (!n) exit
		m = med(u, n)
		printf "%s: loss of work per CPU-second with mixed stacks at 99 Hz: median %+.2f%% (rounds %+.2f%% .. %+.2f%%); untraced windows alone spread %.2f%% (min..max over median); BPF run time %.3f%% of the target'"'"'s CPU (median), %.1f us a sample; etrace attached in %.1f s (median), at most %d instructions verified; load at the end %s\n",
		       rt, med(loss, n), lo, hi, 100 * (umax - umin) / m, med(b, n), med(us, n), med(ld, n), v, la
	}' "$tmp/$rt.rounds"
done
