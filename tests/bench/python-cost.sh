#!/bin/bash
# The cost of Python frames in stacks and of pycalls (issue #13, a
# benchmark, not a test):
#  1. throughput: a busy Python program (a -> b -> c -> d -> e, e spinning)
#     counts its iterations for DURATION seconds, untraced and under
#     etrace -p P -e 'profile:hz:99 /pid == P/ { @[ustack] = count(); }'
#     (mixed stacks, named at exit); the loss is 1 - traced/untraced
#     (goal: < 1%);
#  2. pycalls: a program making CALLS Python-to-Python calls, its time
#     untraced and under etrace -p P pycalls; the cost per call.
#   tests/bench/python-cost.sh [ETRACE [PYTHON]]   (as root)
# ETRACE defaults to build/etrace, PYTHON to /usr/bin/python3.11;
# DURATION (s) 10, ROUNDS 3 (alternating untraced and traced runs, so
# that the machine's load hits both alike), CALLS 2000000. Each program
# waits on a fifo until etrace has attached, then measures itself.
set -u
here=$(cd "$(dirname "$0")" && pwd)
etrace=${1:-$here/../../build/etrace}
py=${2:-/usr/bin/python3.11}
dur=${DURATION:-10}
rounds=${ROUNDS:-3}
calls=${CALLS:-2000000}
[ "$(id -u)" = 0 ] || { echo "python-cost: needs root"; exit 1; }
[ -x "$etrace" ] || { echo "python-cost: no etrace at $etrace"; exit 1; }
[ -x "$py" ] || { echo "python-cost: no $py"; exit 1; }

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
bench_init pycost

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
mode, arg = sys.argv[1], float(sys.argv[2])
with open(sys.argv[3]) as f:
    f.readline()
if mode == "spin":
    end = time.perf_counter() + arg
    k = 0
    while time.perf_counter() < end:
        a(); k += 1
    print(k)
else:
    def f(x): return x
    t = time.perf_counter()
    for i in range(int(arg)):
        f(i)
    print(time.perf_counter() - t)
PY

# run MODE ARG [ETRACE ARGS...]: the program's output, traced by etrace
# ARGS (with P for its pid) when given
run() {
	mode=$1 arg=$2
	shift 2
	bench_run "$py" "$tmp/busy.py" "$mode" "$arg" -- "$@"
}

prof='profile:hz:99 /pid == P/ { @[ustack] = count(); }'
u=0 t=0
for r in $(seq 1 "$rounds"); do
	a=$(run spin "$dur")
	b=$(run spin "$dur" -e "$prof")
	echo "round $r: untraced $a iterations, mixed stacks at 99 Hz $b"
	u=$((u + a)) t=$((t + b))
done
samples=$(awk '/^\]: / { s += $2 } END { print s + 0 }' "$tmp/et.out")
py_frames=$(grep -c '(.*busy.py:' "$tmp/et.out")
awk -v u="$u" -v t="$t" -v s="$samples" -v f="$py_frames" 'BEGIN {
	printf "throughput loss with mixed stacks at 99 Hz: %.2f%% (last run: %d samples, %d Python frame lines printed)\n",
	       100 * (1 - t / u), s, f }'

cu=0 ct=0
for r in $(seq 1 "$rounds"); do
	a=$(run calls "$calls")
	b=$(run calls "$calls" pycalls)
	echo "round $r: $calls calls untraced ${a}s, under pycalls ${b}s"
	cu=$(awk -v x="$cu" -v y="$a" 'BEGIN { print x + y }')
	ct=$(awk -v x="$ct" -v y="$b" 'BEGIN { print x + y }')
done
awk -v u="$cu" -v t="$ct" -v n="$calls" -v r="$rounds" 'BEGIN {
	printf "pycalls: %.2f us per call (%.2fx the untraced time)\n",
	       (t - u) / r / n * 1e6, t / u }'
