#!/bin/sh
# OpenTelemetry export (--otlp, config otlp_*; runtime/otlp.h) against a
# receiver that decodes with OpenTelemetry's own protobuf root
# (tests/otlp/receiver.js, @opentelemetry/otlp-transformer, installed by
# tests/otlp/setup.sh): every span field and every metric checked against
# what etrace printed itself (tests/otlp/check.py), then the faults:
# unreachable collector, 4xx, 5xx retried then given up, Retry-After, a
# slow receiver (queue drops counted, etrace not blocked), exit while an
# export is pending (flushed).
# Usage: otlp.sh ETRACE ETRACE_RUN SPAN_TARGET CASE
# (SPAN_TARGET: tests/progs/spans/span_target)
etrace=$1
etrace_run=$2
T=$3
case=$4
here=$(cd "$(dirname "$0")" && pwd)
. "$here/rtlib.sh"
RUN_TIMEOUT=40

modules=$("$here/../otlp/setup.sh")/node_modules || {
	echo "skipped: the npm packages of tests/otlp are not installed"
	exit 77
}
check="python3 $here/../otlp/check.py"
recv=$tmp/recv.json
rpid=
trap 'rm -rf "$tmp"; kill_bg; [ -z "$rpid" ] || kill "$rpid" 2>/dev/null' EXIT
# the resource of the -c command's spans: its name as given
sh=t.sh

# receiver ARGS...: starts the receiver, sets $url
receiver() {
	node "$here/../otlp/receiver.js" --modules "$modules" --out "$recv" \
		--port-file "$tmp/port" "$@" &
	rpid=$!
	for _ in $(seq 1 200); do
		[ -s "$tmp/port" ] && break
		sleep 0.05
	done
	[ -s "$tmp/port" ] || fail "the receiver did not start"
	url=http://127.0.0.1:$(cat "$tmp/port")
}

# The traced command: a shell that writes N times (builtin printf: the
# writes are the shell's own, pid == cpid), then sleeps S seconds.
target() {
	cat >"$tmp/t.sh" <<EOF
#!/bin/sh
i=0
while [ \$i -lt $1 ]; do printf abc; i=\$((i + 1)); done
sleep $2
EOF
	chmod +x "$tmp/t.sh"
}

# One span per write(2) of the -c command, and maps of all three kinds.
prog() {
	cat >"$tmp/p.et" <<EOF
$1
span w { key (tid);
  begin tracepoint:syscalls:sys_enter_write /pid == cpid/ {
    span.fd = args.fd; span.n = args.count; span.kind = client;
    span.who = comm; }
  end tracepoint:syscalls:sys_exit_write /pid == cpid/ {
    span.ret = args.ret;
    if (args.ret == 3) { span.status = error; span.status_message = "wrote 3"; } } }
tracepoint:syscalls:sys_enter_write /pid == cpid/ {
  @writes[comm] = count(); @h = hist(args.count); @m = max(args.count); }
EOF
}

expect_metrics() {
	cat >"$tmp/expect.json" <<EOF
{"writes": {"type": "sum", "monotonic": true, "points": [[{"key0": "t.sh"}, $1]]},
 "m": {"type": "gauge", "points": [[{}, 3]]},
 "h": {"type": "histogram", "buckets": [[{}, {"3": $1}, $1, $((3 * $1))]]}}
EOF
}

spans_in() {
	grep -c '"type": "span"' "$1"
}

# "N" of the stderr line matching REGEX (its first number), or 0
number() {
	grep -- "$1" "$err" | head -1 | sed 's/^etrace: otlp: \([0-9]*\).*/\1/' |
		grep -x '[0-9]*' || echo 0
}

case "$case" in
traces_protobuf)
	# every span and metric field, protobuf, --otlp
	receiver
	target 3 0
	prog ''
	run 0 -f json -o "$tmp/spans.json" --otlp "$url" -c "$tmp/t.sh" \
		"$tmp/p.et"
	[ "$(spans_in "$tmp/spans.json")" = 3 ] || fail "not 3 spans"
	$check traces "$recv" "$tmp/spans.json" protobuf "$sh" >"$tmp/c" ||
		fail "$(cat "$tmp/c")"
	expect_metrics 3
	$check metrics "$recv" "$tmp/expect.json" >"$tmp/c" ||
		fail "$(cat "$tmp/c")"
	[ ! -s "$err" ] || fail "messages on stderr"
	;;
json_config)
	# OTLP/JSON, every key from the script's config, through an artifact
	# that etrace-run runs
	receiver
	target 2 0
	prog "config = { otlp_endpoint = \"URL\"; otlp_protocol = \"json\";
  service_name = \"checkout\"; otlp_interval = \"0\" }"
	sed -i "s|URL|$url|" "$tmp/p.et"
	run 0 --compile-only -o "$tmp/p.eto" "$tmp/p.et"
	timeout 30 "$etrace_run" -f json -o "$tmp/spans.json" -c "$tmp/t.sh" \
		"$tmp/p.eto" >"$out" 2>"$err" || fail "etrace-run failed"
	$check traces "$recv" "$tmp/spans.json" json "$sh" checkout >"$tmp/c" ||
		fail "$(cat "$tmp/c")"
	expect_metrics 2
	$check metrics "$recv" "$tmp/expect.json" >"$tmp/c" ||
		fail "$(cat "$tmp/c")"
	# otlp_interval = "0": the one export at exit
	[ "$($check count "$recv" /v1/metrics)" = "1 0" ] ||
		fail "not one metrics export: $($check count "$recv" /v1/metrics)"
	;;
override)
	# etrace-run's --otlp overrides the otlp_endpoint compiled in
	receiver
	target 2 0
	prog 'config = { otlp_endpoint = "http://127.0.0.1:9" }'
	run 0 --compile-only -o "$tmp/p.eto" "$tmp/p.et"
	timeout 30 "$etrace_run" -f json -o "$tmp/spans.json" --otlp "$url" \
		-c "$tmp/t.sh" "$tmp/p.eto" >"$out" 2>"$err" ||
		fail "etrace-run failed"
	$check traces "$recv" "$tmp/spans.json" protobuf "$sh" >"$tmp/c" ||
		fail "$(cat "$tmp/c")"
	[ ! -s "$err" ] || fail "messages on stderr"
	;;
interval)
	# otlp_interval: exports while the program runs, cumulative; the last
	# one (at exit) has the final values
	receiver
	cat >"$tmp/p.et" <<'EOF'
config = { otlp_interval = "200ms" }
interval:ms:100 { @ticks = count(); if (@ticks == 15) { exit(); } }
EOF
	run 0 --otlp "$url" "$tmp/p.et"
	n=$($check count "$recv" /v1/metrics | cut -d' ' -f1)
	[ "$n" -ge 2 ] || fail "$n metrics exports in 1.5 s at 200 ms"
	echo '{"ticks": {"type": "sum", "monotonic": true, "points": [[{}, 15]]}}' \
		>"$tmp/expect.json"
	$check metrics "$recv" "$tmp/expect.json" >"$tmp/c" ||
		fail "$(cat "$tmp/c")"
	;;
unreachable)
	# nothing listens: said at once, retried with backoff, then counted
	# at exit within the bounded wait
	target 2 0
	prog ''
	t0=$(date +%s)
	run 1 -o "$tmp/spans.txt" --otlp http://127.0.0.1:9 -c "$tmp/t.sh" \
		"$tmp/p.et"
	t=$(($(date +%s) - t0))
	[ "$t" -le 9 ] || fail "the exit took $t s (the bound is 5 s)"
	has "$err" 'otlp: cannot reach http://127.0.0.1:9/v1/traces: .*(trying again with backoff)'
	has "$err" '^etrace: otlp: 2 spans not delivered to http://127.0.0.1:9/v1/traces before the exit timeout (5000 ms)'
	has "$err" '^etrace: otlp: 1 metric exports not delivered to http://127.0.0.1:9/v1/metrics'
	;;
refused)
	# a 400 is not retried; said once with the status and the message
	receiver --status 400 --message "span name too long"
	target 2 0
	prog ''
	run 1 -o "$tmp/spans.txt" --otlp "$url" -c "$tmp/t.sh" "$tmp/p.et"
	[ "$($check count "$recv" /v1/traces | cut -d' ' -f1)" = 1 ] ||
		fail "the refused request was sent again"
	has "$err" "refused the spans: HTTP 400: span name too long (not retried"
	has "$err" "^etrace: otlp: 2 spans not delivered to $url/v1/traces: HTTP 400: span name too long"
	[ "$(grep -c 'refused the spans' "$err")" = 1 ] || fail "said twice"
	;;
retry)
	# 503, 502 are retried (exponential backoff), then delivered
	receiver --status 503,502,200
	target 2 0
	prog ''
	run 0 -f json -o "$tmp/spans.json" --otlp "$url" -c "$tmp/t.sh" \
		"$tmp/p.et"
	[ "$($check count "$recv" /v1/traces)" = "3 2" ] ||
		fail "not 3 tries and 2 spans: $($check count "$recv" /v1/traces)"
	$check traces "$recv" "$tmp/spans.json" protobuf "$sh" >"$tmp/c" ||
		fail "$(cat "$tmp/c")"
	[ ! -s "$err" ] || fail "messages on stderr"
	;;
give_up)
	# a collector that keeps answering 503 with Retry-After: 1: each
	# batch tried 6 times, every request a second after the one before
	# (honored even while full batches of the 2100 spans wake the
	# sender, and by the next batch), then given up and counted; every
	# span accounted for
	receiver --status 503 --retry-after 1
	target 2100 7
	prog ''
	run 1 -o "$tmp/spans.txt" --otlp "$url" -c "$tmp/t.sh" "$tmp/p.et"
	n=$($check count "$recv" /v1/traces | cut -d' ' -f1)
	[ "$n" -ge 6 ] || fail "$n tries"
	for d in $($check times "$recv" /v1/traces); do
		[ "$d" -ge 900 ] || fail "tries $d ms apart: Retry-After: 1 ignored: $($check times "$recv" /v1/traces)"
	done
	has "$err" "^etrace: otlp: [0-9]* spans not delivered to $url/v1/traces: HTTP 503"
	failed=$(number 'spans not delivered to .*/v1/traces: HTTP 503')
	late=$(number 'spans not delivered .* before the exit timeout')
	[ $((failed + late)) = 2100 ] ||
		fail "$failed given up + $late at exit != 2100"
	;;
server_error)
	receiver --status 500 --message "collector broke"
	target 1 0
	prog ''
	run 1 -o "$tmp/spans.txt" --otlp "$url" -c "$tmp/t.sh" "$tmp/p.et"
	[ "$($check count "$recv" /v1/traces | cut -d' ' -f1)" = 1 ] ||
		fail "a 500 was retried"
	has "$err" "refused the spans: HTTP 500: collector broke"
	;;
slow)
	# a receiver that takes 1.5 s per request and a queue of 8 spans: the
	# event loop does not wait (all 300 spans printed), the spans that
	# did not fit are dropped, counted, and the counts add up (a request
	# cut at the exit timeout counts as not answered)
	receiver --delay-ms 1500
	target 300 0
	prog 'config = { otlp_queue = 8 }'
	run 1 -f json -o "$tmp/spans.json" --otlp "$url" -c "$tmp/t.sh" \
		"$tmp/p.et"
	total=$(spans_in "$tmp/spans.json")
	[ "$total" = 300 ] || fail "$total spans printed, not 300"
	sent=$($check count "$recv" /v1/traces | cut -d' ' -f2)
	dropped=$(number 'spans dropped: the export queue (8 spans) was full')
	late=$(number 'spans not delivered .* before the exit timeout')
	[ "$dropped" -gt 0 ] || fail "no drop counted"
	[ $((sent + dropped + late)) = 300 ] ||
		fail "$sent sent + $dropped dropped + $late late != 300"
	;;
flush)
	# etrace ends while a slow export is in flight and spans wait: all of
	# them are delivered before it exits (within the bounded wait)
	receiver --delay-ms 1000
	target 50 0
	prog ''
	run 0 -f json -o "$tmp/spans.json" --otlp "$url" -c "$tmp/t.sh" \
		"$tmp/p.et"
	$check traces "$recv" "$tmp/spans.json" protobuf "$sh" >"$tmp/c" ||
		fail "$(cat "$tmp/c")"
	;;
partial)
	# a 200 with partial_success: the rejected spans counted, the
	# collector's message said
	receiver --partial 1 --message "1 span had no name"
	target 2 0
	prog ''
	run 1 -o "$tmp/spans.txt" --otlp "$url" -c "$tmp/t.sh" "$tmp/p.et"
	has "$err" "rejected 1 of [12] spans: 1 span had no name"
	;;
events)
	# nested spans (a local parent) and span events, 8 kept and 2
	# dropped per span
	receiver
	run 0 -f json -o "$tmp/spans.json" --otlp "$url" -c "$T events 2 10" \
		-e "span o { key (tid);
  begin uprobe:$T:outer { span.i = arg0; }
  end uretprobe:$T:outer { }
  event note=uprobe:$T:note { } }
span in { key (tid);
  begin uprobe:$T:inner { }
  end uretprobe:$T:inner { } }"
	[ "$(spans_in "$tmp/spans.json")" = 4 ] || fail "not 4 spans"
	grep -q '"dropped_events": 2' "$tmp/spans.json" || fail "no dropped events"
	grep -q '"parent_span_id": "[0-9a-f]' "$tmp/spans.json" ||
		fail "no child span"
	$check traces "$recv" "$tmp/spans.json" protobuf span_target \
		>"$tmp/c" || fail "$(cat "$tmp/c")"
	;;
event_attrs)
	# span events with their attributes (event.NAME = expr: integers,
	# negative ones, strings, one set on some events only, an event
	# probe that sets none), in OTLP/protobuf and then OTLP/JSON: every
	# event's attributes as etrace printed them
	P="span o { key (tid);
  begin uprobe:$T:outer { span.i = arg0; }
  end uretprobe:$T:outer { }
  event in=uprobe:$T:inner { event.i = arg0; event.tag = \"inner\"; }
  event note=uprobe:$T:note { \$k = (int64)arg0; event.k = \$k;
    event.sq = \$k * \$k - 3; event.who = comm;
    if (arg0 % 2 == 1) { event.odd = \"yes\"; } }
  event plain=uprobe:$T:note /arg0 == 1/ { } }"
	for proto in protobuf json; do
		rm -f "$recv" "$tmp/port"
		receiver
		run 0 -f json -o "$tmp/spans.json" --otlp "$url" \
			-c "$T events 2 10" -e "config = { otlp_protocol = \"$proto\" }
$P"
		[ "$(spans_in "$tmp/spans.json")" = 2 ] || fail "not 2 spans"
		grep -q '"name": "note", "time_unix_ns": [0-9]*, "attrs": {"k": 3, "sq": 6, "who": "span_target", "odd": "yes"}' \
			"$tmp/spans.json" || fail "no note event k=3 with its attributes"
		$check traces "$recv" "$tmp/spans.json" "$proto" span_target \
			>"$tmp/c" || fail "$proto: $(cat "$tmp/c")"
		kill "$rpid"
		wait "$rpid" 2>/dev/null
		rpid=
	done
	;;
health)
	# the exporter's counters are etrace's health metrics: scraped from
	# the Prometheus endpoint once the spans were delivered
	receiver --status 503,200
	target 3 30
	prog ''
	start --metrics-addr 127.0.0.1:0 --otlp "$url" -c "$tmp/t.sh" "$tmp/p.et"
	for _ in $(seq 1 200); do
		[ "$($check count "$recv" /v1/traces)" = "2 3" ] && break
		sleep 0.05
	done
	[ "$($check count "$recv" /v1/traces)" = "2 3" ] ||
		fail "no retried delivery: $($check count "$recv" /v1/traces)"
	port=$(sed -n 's/^etrace: serving metrics on port \([0-9]*\)$/\1/p' "$err")
	[ -n "$port" ] || fail "no metrics port"
	curl -s "http://127.0.0.1:$port/metrics" >"$tmp/m" || fail "no scrape"
	for l in 'etrace_export_sent_total{exporter="otlp_traces"} 3' \
		'etrace_export_failed_total{exporter="otlp_traces"} 1' \
		'etrace_export_retries_total{exporter="otlp_traces"} 1' \
		'etrace_export_dropped_total{exporter="otlp_traces"} 0' \
		'etrace_export_queue_capacity{exporter="otlp_traces"} 16384'; do
		grep -qxF "$l" "$tmp/m" ||
			fail "no '$l' in: $(grep otlp "$tmp/m")"
	done
	kill -INT "$bg"
	wait_bg 0
	;;
distributed)
	# OpenTelemetry's Node SDK calls a traced server with a traceparent
	# header: etrace's server span arrives with the client span's trace
	# id, as its child, with a remote parent
	receiver
	cat >"$tmp/p.et" <<'PROG'
tracepoint:syscalls:sys_enter_recvfrom /pid == cpid/ { @buf[tid] = args.ubuf; }
span request { key (tid);
  begin tracepoint:syscalls:sys_exit_recvfrom /pid == cpid && args.ret > 0/ {
    span.kind = server; span.traced = traceparent(@buf[tid], args.ret); }
  end tracepoint:syscalls:sys_enter_sendto /pid == cpid/ {
    span.bytes = args.len; } }
PROG
	start -f json --otlp "$url" -c "/usr/bin/python3 $here/../otlp/server.py $tmp/sport" \
		"$tmp/p.et"
	for _ in $(seq 1 200); do
		[ -s "$tmp/sport" ] && break
		sleep 0.05
	done
	[ -s "$tmp/sport" ] || fail "the server did not start"
	ids=$(timeout 30 node "$here/../otlp/client.js" "$modules" \
		"http://127.0.0.1:$(cat "$tmp/sport")/" "$url") ||
		fail "the client failed: $ids"
	wait_bg 0
	set -- $ids
	[ "$3" = 200 ] || fail "the server answered $3"
	grep '"type": "span"' "$out" >"$tmp/spans.json"
	$check traces "$recv" "$tmp/spans.json" protobuf python3 >"$tmp/c" ||
		fail "$(cat "$tmp/c")"
	python3 - "$recv" "$1" "$2" >"$tmp/c" 2>&1 <<'PY' ||
import json, sys
recv, trace, parent = sys.argv[1:]
spans = [s for r in map(json.loads, open(recv))
         if r["path"] == "/v1/traces" and r["answered"] == 200
         for rs in r["body"]["resourceSpans"] for ss in rs["scopeSpans"]
         for s in ss["spans"]]
client = [s for s in spans if s["spanId"] == parent]
server = [s for s in spans if s.get("name") == "request"]
assert len(client) == 1 and client[0]["kind"] == 3, client
assert len(server) == 1, server
s = server[0]
assert s["traceId"] == trace, (s["traceId"], trace)
assert s["parentSpanId"] == parent, (s["parentSpanId"], parent)
assert s["kind"] == 2 and s["flags"] & 0x300 == 0x300, s
PY
		fail "the trace is not joined: $(cat "$tmp/c")"
	;;
environment)
	# OpenTelemetry's environment alone: endpoint, headers, protocol,
	# service name and resource attributes (OTEL_SERVICE_NAME over the
	# attributes' service.name)
	receiver
	target 2 0
	prog ''
	export OTEL_EXPORTER_OTLP_ENDPOINT="$url/"
	export OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer%20s3cr%3Dt, X-Tenant = env"
	export OTEL_EXPORTER_OTLP_PROTOCOL=http/json
	export OTEL_SERVICE_NAME=envsvc
	export OTEL_RESOURCE_ATTRIBUTES="deployment.environment=test,service.name=no,team=a%20b"
	run 0 -f json -o "$tmp/spans.json" -c "$tmp/t.sh" "$tmp/p.et"
	[ ! -s "$err" ] || fail "messages on stderr"
	[ "$(spans_in "$tmp/spans.json")" = 2 ] || fail "not 2 spans"
	$check traces "$recv" "$tmp/spans.json" json "$sh" envsvc >"$tmp/c" ||
		fail "$(cat "$tmp/c")"
	expect_metrics 2
	$check metrics "$recv" "$tmp/expect.json" >"$tmp/c" ||
		fail "$(cat "$tmp/c")"
	for p in /v1/traces /v1/metrics; do
		$check request "$recv" $p "authorization=Bearer s3cr=t" \
			tenant=env contentType=application/json \
			resource.deployment.environment=test \
			"resource.team=a b" >"$tmp/c" || fail "$(cat "$tmp/c")"
	done
	# OTEL_EXPORTER_OTLP_COMPRESSION=none: requests as they are; the
	# signal's own variable over it (metrics gzip-compressed)
	: >"$recv"
	export OTEL_EXPORTER_OTLP_COMPRESSION=none
	export OTEL_EXPORTER_OTLP_METRICS_COMPRESSION=gzip
	run 0 -f json -o "$tmp/spans.json" -c "$tmp/t.sh" "$tmp/p.et"
	[ ! -s "$err" ] || fail "messages on stderr"
	$check traces "$recv" "$tmp/spans.json" json:none "$sh" envsvc \
		>"$tmp/c" || fail "$(cat "$tmp/c")"
	$check request "$recv" /v1/traces contentEncoding= >"$tmp/c" ||
		fail "$(cat "$tmp/c")"
	$check request "$recv" /v1/metrics contentEncoding=gzip >"$tmp/c" ||
		fail "$(cat "$tmp/c")"
	export OTEL_EXPORTER_OTLP_TRACES_COMPRESSION=zstd
	run 1 -e 'BEGIN { exit(); }'
	has "$err" "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION=zstd: etrace sends requests gzip-compressed"
	unset OTEL_EXPORTER_OTLP_COMPRESSION OTEL_EXPORTER_OTLP_METRICS_COMPRESSION \
		OTEL_EXPORTER_OTLP_TRACES_COMPRESSION
	# the config over the environment: otlp_headers, otlp_protocol; a
	# signal's own URL as it is (metrics: none, not exported)
	: >"$recv"
	unset OTEL_EXPORTER_OTLP_ENDPOINT
	export OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="$url/v1/traces"
	prog 'config = { otlp_headers = "X-Tenant=cfg"; otlp_protocol = "protobuf" }'
	run 0 -f json -o "$tmp/spans.json" -c "$tmp/t.sh" "$tmp/p.et"
	[ ! -s "$err" ] || fail "messages on stderr"
	$check traces "$recv" "$tmp/spans.json" protobuf "$sh" envsvc \
		>"$tmp/c" || fail "$(cat "$tmp/c")"
	$check request "$recv" /v1/traces tenant=cfg authorization= >"$tmp/c" ||
		fail "$(cat "$tmp/c")"
	[ "$($check count "$recv" /v1/metrics)" = "0 0" ] ||
		fail "metrics sent without a metrics endpoint"
	# the flag over both; gRPC is refused with a reason
	unset OTEL_EXPORTER_OTLP_TRACES_ENDPOINT OTEL_EXPORTER_OTLP_HEADERS
	export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9
	export OTEL_EXPORTER_OTLP_PROTOCOL=grpc
	run 1 --otlp "$url" -e 'BEGIN { exit(); }'
	has "$err" "OTEL_EXPORTER_OTLP_PROTOCOL=grpc: etrace sends http/protobuf or http/json"
	: >"$recv"
	export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
	run 0 --otlp "$url" -e 'BEGIN { @x = count(); exit(); }'
	[ "$($check count "$recv" /v1/metrics)" = "1 0" ] ||
		fail "the flag's endpoint got no metrics"
	export OTEL_EXPORTER_OTLP_HEADERS="novalue"
	run 1 -e 'BEGIN { exit(); }'
	has "$err" "bad headers 'novalue': 'novalue' has no '='"
	;;
bad_url)
	run 1 --otlp localhost:4318 -e 'BEGIN { exit(); }'
	has "$err" "expected an http:// or https:// URL"
	;;
*)
	fail "unknown case"
	;;
esac
echo "ok [$case]"
