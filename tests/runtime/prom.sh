#!/bin/sh
# Maps as Prometheus metrics (--metrics-addr, config metrics_addr), with
# real BPF as root: uprobes on a private copy of rt_target (its own
# inode, so that no other test's rt_target fires them) called a known
# number of times, then /metrics scraped with curl and its values checked
# by name and labels; promtool (Prometheus 2.42) checks the format; a
# real Prometheus scrapes etrace and its HTTP API must return the values;
# faults: a port in use, a malformed address, scrapes during the exit;
# the Grafana dashboard's metrics exist in real scrapes of the recipes.
# Waits poll; no fixed sleep decides anything. One case per ctest test.
#   prom.sh ETRACE ETRACE_RUN RT_TARGET CASE
set -u
etrace=$1
etrace_run=$2
rt=$3
case=$4
src=$(dirname "$(readlink -f "$0")")/../..

RUN_TIMEOUT=60
. "$(dirname "$0")/rtlib.sh"

for t in curl promtool prometheus python3; do
	command -v $t >/dev/null ||
		{ echo "skipped: no $t (Debian: curl, prometheus)"; exit 77; }
done

T=$tmp/rt_prom
cp "$rt" "$T" || fail "cannot copy rt_target"

PROG="uprobe:$T:rt_work {
	@calls[(fn = \"rt_work\", odd = arg0 % 2)] = count();
	@arg = hist(arg0); @lin = lhist(arg0, 0, 10, 2);
	@bytes[\"a\", 1] = sum(arg0); @s = stats(arg0); @a = avg(arg0);
	@mx = max(arg0); @mn = min(arg0); @last = arg0;
	@name[\"quote\\\"back\\\\slash\"] = count(); }
BEGIN { @ = count(); @neg[1] = lhist(-7, 0, 10, 5); @neg[1] = lhist(3, 0, 10, 5); }"

# serve ARGS...: etrace ARGS in the background with a metrics endpoint on
# a port the kernel picks; returns once it serves ($port) and attached
serve() {
	"$etrace" "$@" >"$out" 2>"$err" &
	ep=$!
	bg="$bg $ep"
	port=
	for _ in $(seq 1 1200); do
		port=$(sed -n 's/^etrace: serving metrics on port \([0-9]*\)$/\1/p' "$err")
		[ -n "$port" ] && grep -q '^Attaching' "$out" && return 0
		kill -0 "$ep" 2>/dev/null || fail "etrace ended before serving"
		sleep 0.05
	done
	fail "etrace did not serve and attach in 60 s"
}

# scrape [FILE]: GET /metrics into FILE ($tmp/m), which must be a 200
scrape() {
	f=${1:-$tmp/m}
	code=$(curl -sS -o "$f" -w '%{http_code}' \
		"http://127.0.0.1:$port/metrics" 2>"$tmp/curl")
	[ "$code" = 200 ] || fail "scrape: HTTP $code $(cat "$tmp/curl")"
}

# want LINE...: each exact line in the scrape
want() {
	for l in "$@"; do
		grep -qxF -- "$l" "$tmp/m" ||
			fail "'$l' not in the scrape: $(grep -v _bucket "$tmp/m" | head -60)"
	done
}

# the program's values after rt_work(0..4): 5 calls
check_values() {
	want 'calls_total{fn="rt_work",odd="0"} 3' \
	     'calls_total{fn="rt_work",odd="1"} 2' \
	     '# TYPE calls_total counter' \
	     '# TYPE arg histogram' \
	     'arg_bucket{le="-1"} 0' 'arg_bucket{le="0"} 1' \
	     'arg_bucket{le="1"} 2' 'arg_bucket{le="3"} 4' \
	     'arg_bucket{le="7"} 5' 'arg_bucket{le="1023"} 5' \
	     'arg_bucket{le="+Inf"} 5' 'arg_count 5' \
	     'lin_bucket{le="-1"} 0' 'lin_bucket{le="1"} 2' \
	     'lin_bucket{le="3"} 4' 'lin_bucket{le="5"} 5' \
	     'lin_bucket{le="9"} 5' 'lin_bucket{le="+Inf"} 5' 'lin_count 5' \
	     'arg_sum 10' 'lin_sum 10' 'neg_count{key0="1"} 2' \
	     'neg_sum{key0="1"} -4' 'neg_bucket{key0="1",le="-1"} 1' \
	     'bytes_total{key0="a",key1="1"} 10' \
	     's{stat="count"} 5' 's{stat="total"} 10' 's{stat="avg"} 2' \
	     '# TYPE s gauge' 'a 2' 'mx 4' 'mn 0' 'last 4' '# TYPE last gauge' \
	     'name_total{key0="quote\"back\\slash"} 5' \
	     'map_total 1' 'etrace_lost_records_total 0' \
	     "etrace_probe_events_total{probe=\"uprobe:$T:rt_work\"} 5"
	# 66 log2 buckets and +Inf, 6 lhist buckets and +Inf
	[ "$(grep -c '^arg_bucket' "$tmp/m")" = 66 ] ||
		fail "arg: $(grep -c '^arg_bucket' "$tmp/m") buckets, not 66"
	[ "$(grep -c '^lin_bucket' "$tmp/m")" = 7 ] ||
		fail "lin: $(grep -c '^lin_bucket' "$tmp/m") buckets, not 7"
	awk -v p="etrace_probe_run_seconds_total{probe=\"uprobe:$T:rt_work\"}" \
		'$1 == p && $2 > 0 { ok = 1 } END { exit !ok }' "$tmp/m" ||
		fail "no BPF run time for the uprobe"
}

# promql QUERY: the first value of the query's result in $tmp/q.val
# (empty when none yet)
promql() {
	curl -sS -G "http://127.0.0.1:$pport/api/v1/query" \
		--data-urlencode "query=$1" >"$tmp/q.json" 2>/dev/null
	python3 -c '
import json, sys
try:
    r = json.load(open(sys.argv[1]))["data"]["result"]
    print(r[0]["value"][1] if r else "")
except Exception:
    print("")' "$tmp/q.json" >"$tmp/q.val"
}

# prometheus: a real Prometheus scraping 127.0.0.1:$port every second,
# its API on $pport (a free port; tried again if taken meanwhile)
start_prometheus() {
	cat >"$tmp/prom.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: etrace
    static_configs:
      - targets: ['127.0.0.1:$port']
EOF
	promtool check config "$tmp/prom.yml" >"$tmp/pc" 2>&1 ||
		fail "promtool check config: $(cat "$tmp/pc")"
	for try in 1 2 3; do
		pport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		prometheus --config.file="$tmp/prom.yml" \
			--storage.tsdb.path="$tmp/tsdb$try" \
			--web.listen-address="127.0.0.1:$pport" \
			>"$tmp/prometheus.log" 2>&1 &
		pp=$!
		bg="$bg $pp"
		for _ in $(seq 1 600); do
			kill -0 "$pp" 2>/dev/null || break
			curl -s "http://127.0.0.1:$pport/-/ready" 2>/dev/null |
				grep -q Ready && return 0
			sleep 0.1
		done
		kill "$pp" 2>/dev/null
		wait "$pp" 2>/dev/null
	done
	fail "prometheus did not start: $(tail -5 "$tmp/prometheus.log")"
}

# until_query QUERY VALUE: polls Prometheus until QUERY gives VALUE (90 s)
until_query() {
	for _ in $(seq 1 900); do
		promql "$1"
		[ "$(cat "$tmp/q.val")" = "$2" ] && return 0
		sleep 0.1
	done
	fail "prometheus: $1 is '$(cat "$tmp/q.val")', not $2: $(cat "$tmp/q.json")"
}

case $case in
scrape)
	# curl /metrics: every kind with its values and labels; promtool
	# accepts it; SIGINT still prints the maps as without metrics
	serve --metrics-addr 127.0.0.1:0 -e "$PROG"
	"$T" work 5 || fail "rt_target failed"
	scrape
	check_values
	promtool check metrics <"$tmp/m" >"$tmp/lint" 2>&1 ||
		fail "promtool check metrics: $(cat "$tmp/lint")"
	curl -sS -D "$tmp/h" -o /dev/null "http://127.0.0.1:$port/metrics"
	grep -qi '^content-type: text/plain; version=0.0.4' "$tmp/h" ||
		fail "content type: $(cat "$tmp/h")"
	code=$(curl -s -o /dev/null -w '%{http_code}' \
		"http://127.0.0.1:$port/nothing")
	[ "$code" = 404 ] || fail "/nothing: HTTP $code, not 404"
	kill -INT "$ep"
	wait "$ep"
	rc=$?
	[ "$rc" = 0 ] || fail "exit status $rc after SIGINT"
	has "$out" '^@calls\[{ .fn = rt_work, .odd = 0 }\]: 3$'
	has "$out" '^@s: count 5, average 2, total 10$'
	;;
prometheus)
	# a real Prometheus 2.42 scrapes etrace; its query API returns the
	# series with the program's values
	serve --metrics-addr 127.0.0.1:0 -e "$PROG"
	"$T" work 5 || fail "rt_target failed"
	start_prometheus
	until_query 'up{job="etrace"}' 1
	until_query 'calls_total{fn="rt_work",odd="0"}' 3
	until_query 'calls_total{fn="rt_work",odd="1"}' 2
	until_query 'arg_bucket{le="3"}' 4
	until_query 'arg_count' 5
	until_query 'arg_sum' 10
	until_query 's{stat="avg"}' 2
	until_query 'bytes_total{key0="a",key1="1"}' 10
	until_query "etrace_probe_events_total{probe=\"uprobe:$T:rt_work\"}" 5
	# later calls reach it too: a counter that grows
	"$T" work 3 || fail "rt_target failed"
	until_query 'sum(calls_total)' 8
	until_query 'arg_sum / arg_count' 1.625
	until_query 'histogram_quantile(1, arg_bucket)' 7
	kill -INT "$ep"
	wait "$ep" || fail "etrace failed at SIGINT"
	;;
config)
	# config metrics_addr, and etrace-run of a compiled artifact with
	# --metrics-addr
	serve -e "config = { metrics_addr = \"127.0.0.1:0\" } $PROG"
	"$T" work 5 || fail "rt_target failed"
	scrape
	check_values
	kill -INT "$ep"
	wait "$ep" || fail "etrace failed at SIGINT"
	"$etrace" --compile-only -o "$tmp/p.eto" -e "$PROG" >"$out" 2>"$err" ||
		fail "compile-only failed"
	etrace=$etrace_run
	serve --metrics-addr 127.0.0.1:0 "$tmp/p.eto"
	"$T" work 5 || fail "rt_target failed"
	scrape
	check_values
	kill -INT "$ep"
	wait "$ep" || fail "etrace-run failed at SIGINT"
	;;
port_in_use)
	# another process listens on the port: one clear error, before
	# anything is loaded or attached
	python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
time.sleep(120)' >"$tmp/holder" &
	hp=$!
	bg="$bg $hp"
	for _ in $(seq 1 200); do
		[ -s "$tmp/holder" ] && break
		sleep 0.05
	done
	busy=$(cat "$tmp/holder")
	[ -n "$busy" ] || fail "no listening process"
	run 1 --metrics-addr "127.0.0.1:$busy" -e "$PROG"
	has "$err" "^etrace: cannot serve metrics on 127.0.0.1:$busy: Address already in use"
	grep -q Attaching "$out" && fail "attached despite the port in use"
	[ "$(wc -l <"$err")" = 1 ] || fail "more than one line of error"
	# a malformed address is an error too
	run 1 --metrics-addr 9469 -e "$PROG"
	has "$err" "^etrace: metrics address '9469' (--metrics-addr, config metrics_addr): not \[HOST\]:PORT"
	run 1 --metrics-addr ':99999' -e "$PROG"
	has "$err" "not \[HOST\]:PORT"
	;;
exit_scrape)
	# scrapes, four at a time, while etrace exits on SIGINT (with many
	# keys to print at the end): each is a whole valid answer, a 503 or
	# a refused connection; etrace ends well and prints its maps
	serve --metrics-addr 127.0.0.1:0 -e "config = { max_map_keys = 30000 }
		$PROG BEGIN { for (\$i : 0..20000) { @big[\$i] = \$i; } }"
	"$T" work 5 || fail "rt_target failed"
	scrape "$tmp/first"
	for w in 1 2 3 4; do
		(
			i=0
			while [ $i -lt 400 ]; do
				code=$(curl -s -o "$tmp/s$w.$i" -w '%{http_code}' \
					--max-time 20 \
					"http://127.0.0.1:$port/metrics")
				echo "$i $code" >>"$tmp/codes$w"
				[ "$code" = 000 ] && break
				i=$((i + 1))
			done
		) &
		bg="$bg $!"
	done
	# SIGINT once every scraper got at least one answer
	for _ in $(seq 1 600); do
		n=0
		for w in 1 2 3 4; do
			[ -s "$tmp/codes$w" ] && n=$((n + 1))
		done
		[ $n = 4 ] && break
		sleep 0.05
	done
	kill -INT "$ep"
	wait "$ep"
	rc=$?
	[ "$rc" = 0 ] || fail "exit status $rc with scrapes during the exit"
	has "$out" '^@big\[19999\]: 19999$'
	for w in 1 2 3 4; do
		for _ in $(seq 1 600); do
			tail -1 "$tmp/codes$w" | grep -q ' 000$' && break
			sleep 0.05
		done
		tail -1 "$tmp/codes$w" | grep -q ' 000$' ||
			fail "scraper $w: no refused connection after the exit"
		while read -r i code; do
			case $code in
			200)
				grep -q '^etrace_lost_records_total ' "$tmp/s$w.$i" ||
					fail "scrape $w.$i: a 200 cut short"
				promtool check metrics <"$tmp/s$w.$i" \
					>"$tmp/lint" 2>&1 ||
					fail "scrape $w.$i: $(cat "$tmp/lint")" ;;
			503|000) ;;
			*) fail "scrape $w.$i: HTTP $code" ;;
			esac
		done <"$tmp/codes$w"
	done
	echo "scrapes: $(cat "$tmp"/codes* | awk '{ n[$2]++ } END { for (c in n) printf "%s HTTP %s; ", n[c], c }')"
	grep -qi 'sanitizer\|segmentation\|abort' "$err" &&
		fail "etrace crashed"
	;;
grafana)
	# examples/grafana-etrace.json: valid JSON whose panels query only
	# metrics that real scrapes of the recipes hold (panels sit under a
	# row named after their recipe)
	python3 "$src/tests/runtime/prom_grafana.py" names \
		"$src/examples/grafana-etrace.json" >"$tmp/names" 2>&1 ||
		fail "dashboard: $(cat "$tmp/names")"
	for recipe in $(cut -d' ' -f1 "$tmp/names" | sort -u); do
		case $recipe in
		etrace)
			serve --metrics-addr 127.0.0.1:0 -e "$PROG" ;;
		*)
			serve --metrics-addr 127.0.0.1:0 "$src/examples/$recipe" ;;
		esac
		# activity for every recipe: reads, a failing read (EISDIR),
		# getaddrinfo, context switches, big writes, rt_work
		for _ in 1 2 3; do
			getent ahosts localhost >/dev/null
			cat / 2>/dev/null
			head -c 100000 /dev/zero | dd of=/dev/null bs=8192 2>/dev/null
			python3 -c 'import os; os.write(1, b"x" * 8192)' >/dev/null
			"$T" work 3
		done
		# the maps fill as the events come: poll until each name is there
		for _ in $(seq 1 200); do
			scrape
			miss=
			for n in $(awk -v r="$recipe" '$1 == r { print $2 }' "$tmp/names"); do
				grep -Eq "^$n(\{| )" "$tmp/m" || miss="$miss $n"
			done
			[ -z "$miss" ] && break
			sleep 0.1
		done
		[ -z "$miss" ] || fail "$recipe: not in the scrape:$miss"
		promtool check metrics <"$tmp/m" >"$tmp/lint" 2>&1 ||
			fail "$recipe: promtool: $(cat "$tmp/lint")"
		kill -INT "$ep"
		wait "$ep" || fail "$recipe: etrace failed at SIGINT"
	done
	;;
*)
	fail "unknown case $case"
	;;
esac
exit 0
