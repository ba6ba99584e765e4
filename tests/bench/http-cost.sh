#!/bin/sh
# The cost of `etrace http` (stdlib/http.et) on a web server, nginx
# serving a small file, untraced and traced (the spans written to a
# file), in ROUNDS rounds (default 3) that alternate the two, with the
# median of each figure at the end:
#  - saturated: wrk (2 threads, 16 connections, 5 s) as fast as nginx
#    answers; requests/s untraced and traced, etrace's CPU time;
#  - paced: h2load --h1 (2 threads) offering RATE requests/s (default
#    10000: the issue's goal is a drop under 3% there) over CONNS
#    connections (default 64; each --rps=RATE/CONNS, h2load's rate is
#    per connection, and an HTTP/1.1 connection has one request at a
#    time, so the connections must outnumber rate x latency) for 10 s:
#    the rate achieved untraced and traced, its latency (p50 and p99
#    from h2load's per-request log), nginx's CPU per request, etrace's
#    CPU (user space, % of one CPU) and its BPF programs' time per
#    request.
# With kernel.bpf_stats_enabled set for the run (restored after), the
# BPF time is the run_time_ns of etrace's programs (/proc/PID/fdinfo of
# its program fds). The machine's load average is printed before and
# after: on a shared machine the figures vary with it.
# Needs root, nginx, wrk, h2load (nghttp2-client), curl. Not a ctest
# test: a benchmark to run by hand (make http-cost).
#   [ROUNDS=N] [RATE=R] [CONNS=C] http-cost.sh ETRACE
set -eu
etrace=$1
rounds=${ROUNDS:-3} rate=${RATE:-10000} conns=${CONNS:-64}
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 1; }
for p in nginx wrk h2load curl; do
	command -v $p >/dev/null || { echo "needs $p"; exit 1; }
done
tmp=$(mktemp -d /tmp/etrace-httpcost.XXXXXX)
ng= et=
trap 'kill $ng $et 2>/dev/null; rm -rf "$tmp"' EXIT
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/nginx.sh
. "$here/nginx.sh"
bench_nginx
url="http://127.0.0.1:$port/index.html"

stats0=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1
trap 'kill $ng $et 2>/dev/null; sysctl -qw kernel.bpf_stats_enabled=$stats0; rm -rf "$tmp"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# bpfns PID: the run time (ns) of PID's BPF programs so far
bpfns() {
	cat /proc/"$1"/fdinfo/* 2>/dev/null |
		awk '/^run_time_ns:/ { s += $2 } END { printf "%d\n", s }'
}
# ticks PID...: their CPU time so far (user + system, clock ticks)
ticks() {
	for p; do
		awk '{ print $14 + $15 }' /proc/"$p"/stat
	done | awk '{ s += $1 } END { print s }'
}
start_etrace() {
	"$etrace" http >"$tmp/out" 2>&1 &
	et=$!
	until grep -q '^Tracing HTTP' "$tmp/out" 2>/dev/null; do sleep 0.1; done
	t0=$(ticks $et)
	b0=$(bpfns $et)
}
# stop_etrace: etrace's CPU ticks and BPF ns since start_etrace in $et_t
# and $et_b
stop_etrace() {
	et_t=$(($(ticks $et) - t0))
	et_b=$(($(bpfns $et) - b0))
	kill -TERM $et
	wait $et || true
	et=
}
# median of the numbers on stdin
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
pct() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a - b) * 100 / a }'
}

sat() {
	wrk -t2 -c16 -d5s "$url" | awk '/^Requests\/sec/ { print $2 }'
}
: >"$tmp/sat"
for round in $(seq "$rounds"); do
	plain=$(sat)
	start_etrace
	traced=$(sat)
	stop_etrace
	seen=$(sed -n 's|^@requests\[server, GET, /index.html, 200\]: ||p' "$tmp/out")
	echo "saturated round $round: untraced $plain req/s, traced $traced" \
	     "req/s ($(pct "$plain" "$traced")% drop), etrace CPU" \
	     "$((et_t * 10)) ms in 5 s, $seen requests seen; per request:" \
	     "etrace $(awk -v n="$seen" -v t="$et_t" 'BEGIN { printf "%.1f", t * 10000 / n }') us," \
	     "its BPF programs $(awk -v n="$seen" -v b="$et_b" 'BEGIN { printf "%.1f", b / 1000 / n }') us"
	echo "$plain $traced $(pct "$plain" "$traced")" >>"$tmp/sat"
done

# paced: achieved rate, p50 and p99 latency (us), nginx CPU ticks
paced() {
	c0=$(ticks $ng $(pgrep -P $ng))
	h2load --h1 -t 2 -c "$conns" --rps=$((rate / conns)) -D 10 \
		--log-file="$tmp/lat" "$url" >"$tmp/h2load" 2>&1
	c1=$(ticks $ng $(pgrep -P $ng))
	got=$(awk '/^finished in/ { print $4 }' "$tmp/h2load")
	set -- $(awk -F'\t' '$2 == 200 { print $3 }' "$tmp/lat" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1], NR }')
	echo "$got $1 $2 $3 $((c1 - c0))"
}
: >"$tmp/paced"
for round in $(seq "$rounds"); do
	set -- $(paced)
	p_rate=$1 p_p50=$2 p_p99=$3 p_n=$4 p_cpu=$5
	start_etrace
	set -- $(paced)
	stop_etrace
	echo "paced round $round ($rate req/s offered): untraced $p_rate req/s," \
	     "p50 $p_p50 us, p99 $p_p99 us, nginx" \
	     "$(awk -v n="$p_n" -v t="$p_cpu" 'BEGIN { printf "%.1f", t * 10000 / n }') us CPU" \
	     "a request; traced $1 req/s ($(pct "$p_rate" "$1")% fewer), p50 $2 us," \
	     "p99 $3 us, nginx $(awk -v n="$4" -v t="$5" 'BEGIN { printf "%.1f", t * 10000 / n }') us;" \
	     "etrace $(awk -v t="$et_t" 'BEGIN { printf "%.1f", t / 10 }')% of a CPU," \
	     "its BPF programs $(awk -v n="$4" -v b="$et_b" 'BEGIN { printf "%.1f", b / 1000 / n }') us a request"
	echo "$p_rate $1 $(pct "$p_rate" "$1") $((${2} - p_p50)) $((${3} - p_p99)) $(awk -v t="$et_t" 'BEGIN { printf "%.1f", t / 10 }') $(awk -v n="$4" -v b="$et_b" 'BEGIN { printf "%.1f", b / 1000 / n }')" >>"$tmp/paced"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "median of $rounds: saturated untraced $(cut -d' ' -f1 "$tmp/sat" | median)" \
     "req/s, traced $(cut -d' ' -f2 "$tmp/sat" | median) req/s, drop" \
     "$(cut -d' ' -f3 "$tmp/sat" | median)%"
echo "median of $rounds: paced at $rate req/s, untraced" \
     "$(cut -d' ' -f1 "$tmp/paced" | median) req/s, traced" \
     "$(cut -d' ' -f2 "$tmp/paced" | median) req/s, drop" \
     "$(cut -d' ' -f3 "$tmp/paced" | median)%; latency added p50" \
     "$(cut -d' ' -f4 "$tmp/paced" | median) us, p99" \
     "$(cut -d' ' -f5 "$tmp/paced" | median) us; etrace" \
     "$(cut -d' ' -f6 "$tmp/paced" | median)% of a CPU, BPF" \
     "$(cut -d' ' -f7 "$tmp/paced" | median) us a request"
