#!/bin/sh
# The cost of `etrace http` (stdlib/http.et) on a web server: nginx under
# wrk (2 threads, 16 connections, 5 s per run) serving a small file, its
# requests per second untraced and traced (-- --lines=false: the maps
# only), alternated three times, and etrace's own CPU time while traced.
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
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$tmp/html" "$tmp/logs"
echo hello >"$tmp/html/index.html"
cat >"$tmp/nginx.conf" <<CONF
daemon off;
user root;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $tmp/body;
	proxy_temp_path $tmp/proxy;
	fastcgi_temp_path $tmp/fcgi;
	uwsgi_temp_path $tmp/uwsgi;
	scgi_temp_path $tmp/scgi;
	server { listen 127.0.0.1:$port; root $tmp/html; }
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp" &
ng=$!
until curl -s -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.1; done

rate() {
	wrk -t2 -c16 -d5s "http://127.0.0.1:$port/index.html" |
		awk '/^Requests\/sec/ { print $2 }'
}

for round in 1 2 3; do
	plain=$(rate)
	"$etrace" http -- --lines=false >"$tmp/out" 2>&1 &
	et=$!
	until grep -q '^Tracing HTTP' "$tmp/out" 2>/dev/null; do sleep 0.1; done
	t0=$(awk '{ print $14 + $15 }' /proc/$et/stat)
	traced=$(rate)
	t1=$(awk '{ print $14 + $15 }' /proc/$et/stat)
	kill -TERM $et
	wait $et || true
	et=
	seen=$(sed -n 's|^@requests\[server, GET, /index.html, 200\]: ||p' "$tmp/out")
	echo "round $round: untraced $plain req/s, traced $traced req/s" \
	     "($(awk -v a="$plain" -v b="$traced" 'BEGIN { printf "%.1f", (a - b) * 100 / a }')% drop)," \
	     "etrace CPU $(( (t1 - t0) * 10 )) ms in 5 s, $seen requests seen"
done
