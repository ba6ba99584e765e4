#!/bin/bash
# The cost of pycalls (issue #13, a benchmark, not a test): a program
# making CALLS Python-to-Python calls, its time untraced and under
# etrace -p P pycalls; the cost per call. (The cost of Python frames in
# stacks, mixed stacks at 99 Hz: runtime-cost.sh, with Java and Node.js.)
#   tests/bench/python-cost.sh [ETRACE [PYTHON]]   (as root)
# ETRACE defaults to build/etrace, PYTHON to /usr/bin/python3.11;
# ROUNDS 3 (alternating untraced and traced runs, so that the machine's
# load hits both alike), CALLS 2000000. The program waits on a fifo
# until etrace has attached, then measures itself.
set -u
here=$(cd "$(dirname "$0")" && pwd)
etrace=${1:-$here/../../build/etrace}
py=${2:-/usr/bin/python3.11}
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
n = int(sys.argv[1])
with open(sys.argv[2]) as f:
    f.readline()
def f(x): return x
t = time.perf_counter()
for i in range(n):
    f(i)
print(time.perf_counter() - t)
PY

# run [ETRACE ARGS...]: the program's output, traced by etrace ARGS
# (with P for its pid) when given
run() {
	bench_run "$py" "$tmp/busy.py" "$calls" -- "$@"
}

cu=0 ct=0
for r in $(seq 1 "$rounds"); do
	a=$(run)
	b=$(run pycalls)
	echo "round $r: $calls calls untraced ${a}s, under pycalls ${b}s"
	cu=$(awk -v x="$cu" -v y="$a" 'BEGIN { print x + y }')
	ct=$(awk -v x="$ct" -v y="$b" 'BEGIN { print x + y }')
done
awk -v u="$cu" -v t="$ct" -v n="$calls" -v r="$rounds" 'BEGIN {
	printf "pycalls: %.2f us per call (%.2fx the untraced time)\n",
	       (t - u) / r / n * 1e6, t / u }'
