#!/bin/sh
# The BPF cost per event of hist()/lhist() (since they keep a sum per
# bucket: one more add and store in the value the lookup already found)
# against count(): the kernel's run time per run of the probe
# (etrace_probe_run_seconds_total / etrace_probe_events_total, from
# the metrics endpoint), over N getppid(2)s of a Python loop (a system
# call the rest of the machine hardly makes: the probe's runs are the
# loop's). Give a second ETRACE
# (e.g. a build from before the sums) to compare the same programs.
# By hand, as root (a benchmark, not a test):
#   tests/bench/hist-cost.sh ETRACE [OTHER_ETRACE] [N]
set -eu
n=${3:-300000}
tmp=$(mktemp -d /tmp/etrace-hbench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# cost ETRACE BODY: ns per probe run
cost() {
	rm -f "$tmp/done"
	"$1" --metrics-addr 127.0.0.1:0 -c "python3 $tmp/loop.py" \
		-e "tracepoint:syscalls:sys_enter_getppid { $2 }" \
		>"$tmp/out" 2>"$tmp/err" &
	et=$!
	port=
	while [ -z "$port" ]; do
		sleep 0.05
		port=$(sed -n 's/^etrace: serving metrics on port \([0-9]*\)$/\1/p' "$tmp/err")
	done
	# the scrape once the loop is done, while it sleeps
	while [ ! -e "$tmp/done" ]; do sleep 0.1; done
	curl -s "http://127.0.0.1:$port/metrics" >"$tmp/m"
	kill -INT $et
	wait $et || true
	awk '/^etrace_probe_events_total/ { e = $2 }
	     /^etrace_probe_run_seconds_total/ { s = $2 }
	     END { printf "%.1f", s * 1e9 / e }' "$tmp/m"
}

cat >"$tmp/loop.py" <<EOP
import os, time
time.sleep(1)  # etrace attached and serving
for i in range($n):
    os.getppid()
open("$tmp/done", "w").close()
time.sleep(30)
EOP
for et in "$1" ${2:-}; do
	echo "$et ($n getppid calls):"
	for body in '@c = count();' '@h = hist(nsecs % 4096);' \
		'@l = lhist(nsecs % 4096, 0, 4096, 64);' \
		'@k[pid] = hist(nsecs % 4096);'; do
		printf '  %-40s %s ns/event\n' "$body" "$(cost "$et" "$body")"
	done
done
