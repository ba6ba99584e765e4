#!/bin/sh
# The cost of `etrace grpc` (stdlib/grpc.et: HTTP/2 frames walked in BPF,
# header blocks decoded by libnghttp2 in etrace, a span per stream) on
# nginx's http2 (h2c) under h2load (16 connections, N requests per run,
# 40000 by default), its
# requests per second untraced and traced, alternated three times, and
# etrace's own CPU time while traced; the spans it wrote (nginx's and
# h2load's: two per request). Needs root, nginx, h2load (nghttp2-client).
# Not a ctest test: a benchmark to run by hand (make h2-cost).
#   h2-cost.sh ETRACE
set -eu
etrace=$1
N=${N:-40000}
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 1; }
for p in nginx h2load; do
	command -v $p >/dev/null || { echo "needs $p"; exit 1; }
done
tmp=$(mktemp -d /tmp/etrace-h2cost.XXXXXX)
ng= et=
trap 'kill $ng $et 2>/dev/null; rm -rf "$tmp"' EXIT
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/nginx.sh
. "$here/nginx.sh"
bench_nginx http2

rate() {
	h2load -c 16 -m 1 -n "$N" "http://127.0.0.1:$port/index.html" |
		awk '/^finished in/ { print $4 }'
}

for round in 1 2 3; do
	plain=$(rate)
	"$etrace" grpc >"$tmp/out" 2>&1 &
	et=$!
	until grep -q '^Tracing HTTP/2' "$tmp/out" 2>/dev/null; do sleep 0.1; done
	t0=$(awk '{ print $14 + $15 }' /proc/$et/stat)
	traced=$(rate)
	t1=$(awk '{ print $14 + $15 }' /proc/$et/stat)
	kill -TERM $et
	wait $et || true
	et=
	spans=$(grep -c '^span GET .*comm=nginx kind=server .*url.path="/index.html"' "$tmp/out" || true)
	echo "round $round: untraced $plain req/s, traced $traced req/s" \
	     "($(awk -v a="$plain" -v b="$traced" 'BEGIN { printf "%.1f", (a - b) * 100 / a }')% drop)," \
	     "etrace CPU $(( (t1 - t0) * 10 )) ms for $N requests, $spans server spans"
done
