#!/bin/sh
# The cost of `etrace http` (stdlib/http.et) on a web server: nginx under
# wrk (2 threads, 16 connections, 5 s per run) serving a small file, its
# requests per second untraced and traced (the spans written to a file),
# alternated three times, and etrace's own CPU time while traced; then
# at a fixed rate near 10k requests/s (wrk's delay(): 16 connections
# each waiting 1 ms between requests), nginx's CPU time per request
# untraced and traced.
# With kernel.bpf_stats_enabled set for the run (restored after), the
# BPF side's cost too: the run time of etrace's BPF programs per request
# (their run_time_ns, read from /proc/PID/fdinfo of etrace's program fds).
# Needs root, nginx, wrk, curl. Not a ctest test: a benchmark to run by
# hand (make http-cost).
#   http-cost.sh ETRACE
set -eu
etrace=$1
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 1; }
for p in nginx wrk curl; do
	command -v $p >/dev/null || { echo "needs $p"; exit 1; }
done
tmp=$(mktemp -d /tmp/etrace-httpcost.XXXXXX)
ng= et=
trap 'kill $ng $et 2>/dev/null; rm -rf "$tmp"' EXIT
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/nginx.sh
. "$here/nginx.sh"
bench_nginx

rate() {
	wrk -t2 -c16 -d5s "http://127.0.0.1:$port/index.html" |
		awk '/^Requests\/sec/ { print $2 }'
}

stats0=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1
trap 'kill $ng $et 2>/dev/null; sysctl -qw kernel.bpf_stats_enabled=$stats0; rm -rf "$tmp"' EXIT
# bpfns PID: the run time (ns) of PID's BPF programs so far
bpfns() {
	cat /proc/"$1"/fdinfo/* 2>/dev/null |
		awk '/^run_time_ns:/ { s += $2 } END { printf "%d\n", s }'
}

for round in 1 2 3; do
	plain=$(rate)
	"$etrace" http >"$tmp/out" 2>&1 &
	et=$!
	until grep -q '^Tracing HTTP' "$tmp/out" 2>/dev/null; do sleep 0.1; done
	t0=$(awk '{ print $14 + $15 }' /proc/$et/stat)
	b0=$(bpfns $et)
	traced=$(rate)
	t1=$(awk '{ print $14 + $15 }' /proc/$et/stat)
	b1=$(bpfns $et)
	kill -TERM $et
	wait $et || true
	et=
	seen=$(sed -n 's|^@requests\[server, GET, /index.html, 200\]: ||p' "$tmp/out")
	echo "round $round: untraced $plain req/s, traced $traced req/s" \
	     "($(awk -v a="$plain" -v b="$traced" 'BEGIN { printf "%.1f", (a - b) * 100 / a }')% drop)," \
	     "etrace CPU $(( (t1 - t0) * 10 )) ms in 5 s, $seen requests seen;" \
	     "per request: etrace $(awk -v n="$seen" -v t="$((t1 - t0))" 'BEGIN { printf "%.1f", t * 10000 / n }') us," \
	     "its BPF programs $(awk -v n="$seen" -v b="$((b1 - b0))" 'BEGIN { printf "%.1f", b / 1000 / n }') us"
done

# at ~10k requests/s: nginx's CPU (its master and worker) per request
cat >"$tmp/delay.lua" <<'LUA'
function delay() return 1.0 end
LUA
ngcpu() {
	for p in $ng $(pgrep -P $ng); do
		awk '{ print $14 + $15 }' /proc/$p/stat
	done | awk '{ s += $1 } END { print s }'
}
paced() {
	c0=$(ngcpu)
	n=$(wrk -t2 -c16 -d5s -s "$tmp/delay.lua" "http://127.0.0.1:$port/index.html" |
		awk '/requests in/ { print $1 }')
	c1=$(ngcpu)
	echo "$n $(( (c1 - c0) * 10 ))"
}
for round in 1 2; do
	set -- $(paced)
	plain_n=$1 plain_ms=$2
	"$etrace" http >"$tmp/out" 2>&1 &
	et=$!
	until grep -q '^Tracing HTTP' "$tmp/out" 2>/dev/null; do sleep 0.1; done
	t0=$(awk '{ print $14 + $15 }' /proc/$et/stat)
	b0=$(bpfns $et)
	set -- $(paced)
	t1=$(awk '{ print $14 + $15 }' /proc/$et/stat)
	b1=$(bpfns $et)
	kill -TERM $et
	wait $et || true
	et=
	echo "paced round $round: untraced $plain_n requests, nginx" \
	     "$(awk -v n="$plain_n" -v ms="$plain_ms" 'BEGIN { printf "%.1f", ms * 1000 / n }') us CPU each;" \
	     "traced $1 requests, nginx $(awk -v n="$1" -v ms="$2" 'BEGIN { printf "%.1f", ms * 1000 / n }') us each," \
	     "etrace $(awk -v n="$1" -v t="$((t1 - t0))" 'BEGIN { printf "%.1f", t * 10000 / n }') us each," \
	     "its BPF programs $(awk -v n="$1" -v b="$((b1 - b0))" 'BEGIN { printf "%.1f", b / 1000 / n }') us each;" \
	     "$(awk -v a="$plain_n" -v b="$1" 'BEGIN { printf "%.1f", a / 5 }') req/s untraced," \
	     "$(awk -v a="$plain_n" -v b="$1" 'BEGIN { printf "%.1f%%", (a - b) * 100 / a }') fewer traced"
done
