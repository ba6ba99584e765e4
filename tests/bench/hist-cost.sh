#!/bin/sh
# The BPF cost per event of hist()/lhist() (since they keep a sum per
# bucket: one more add and store in the value the lookup already found)
# against count(): the kernel's run time per run of the probe
# (etrace_probe_run_seconds_total / etrace_probe_events_total, from
# the metrics endpoint), over N read(2)s of dd. Give a second ETRACE
# (e.g. a build from before the sums) to compare the same programs.
# By hand, as root (a benchmark, not a test):
#   tests/bench/hist-cost.sh ETRACE [OTHER_ETRACE] [N]
set -eu
n=${3:-300000}
tmp=$(mktemp -d /tmp/etrace-hbench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# cost ETRACE BODY: ns per probe run
cost() {
	"$1" --metrics-addr 127.0.0.1:0 -c "sh -c 'dd if=/dev/zero of=/dev/null bs=1 count=$n status=none; sleep 3'" \
		-e "tracepoint:syscalls:sys_enter_read /pid == cpid || ppid == cpid/ { $2 }" \
		>"$tmp/out" 2>"$tmp/err" &
	et=$!
	port=
	while [ -z "$port" ]; do
		sleep 0.05
		port=$(sed -n 's/^etrace: serving metrics on port \([0-9]*\)$/\1/p' "$tmp/err")
	done
	# the scrape while sleep 3 runs: dd is done by then
	prev=-1
	while :; do
		sleep 0.5
		curl -s "http://127.0.0.1:$port/metrics" >"$tmp/m" || continue
		ev=$(awk '/^etrace_probe_events_total/ { print $2 }' "$tmp/m")
		[ -n "$ev" ] && [ "$ev" = "$prev" ] && [ "$ev" -ge "$n" ] && break
		prev=$ev
	done
	wait $et || true
	awk '/^etrace_probe_events_total/ { e = $2 }
	     /^etrace_probe_run_seconds_total/ { s = $2 }
	     END { printf "%.1f", s * 1e9 / e }' "$tmp/m"
}

for et in "$1" ${2:-}; do
	echo "$et ($n reads):"
	for body in '@c = count();' '@h = hist(args.count);' \
		'@l = lhist(args.count, 0, 100, 10);' \
		'@k[pid] = hist(args.count);'; do
		printf '  %-40s %s ns/event\n' "$body" "$(cost "$et" "$body")"
	done
done
