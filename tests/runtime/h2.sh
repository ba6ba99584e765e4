#!/bin/sh
# Runtime tests of HTTP/2 (h2_feed: bpf-helpers/h2.c, runtime/h2.c with
# libnghttp2's HPACK inflater) through the grpc recipe (stdlib/grpc.et),
# against python3-grpcio's server and client, each in its own process:
#   h2.sh ETRACE CASE
# grpc_h2c: plain text (sendmsg with many iovecs, recvmsg);
# grpc_run: grpc_h2c, compiled with --compile-only and run by etrace-run;
# grpc_tls: TLS (grpcio uses Debian's libssl.so.3: SSL_write/SSL_read
#   uprobes), a self-signed certificate made here by openssl.
# h2load_h2c, h2load_tls: nginx's http2 (h2c prior knowledge; TLS with
#   ALPN; sendfile on) under h2load at 16 connections, three paths (200,
#   a 20 kB file, 404): nginx's server spans and h2load's client spans
#   against nginx's access log: >= 99% seen with the right method,
#   path and status, none made up.
# grpc_*: 20 unary calls (the first with a traceparent), a NOT_FOUND and an
# INTERNAL one, a server-streaming and a client-streaming call: one
# server span (the server's pid) and one client span (the client's pid)
# each, with their service, method and grpc status; the traceparent
# continued; the RED table's rows; no other span of these two processes.
etrace=$1
case=$2
. "$(dirname "$0")/rtlib.sh"
py=/usr/bin/python3
prog=$(dirname "$0")/../progs/h2/grpc_echo.py
srv=
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$tmp"; kill_bg' EXIT

# a free TCP port on 127.0.0.1
free_port() {
	$py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# h2load_case SCHEME: nginx (h2c or TLS) under h2load
h2load_case() {
	command -v nginx >/dev/null || skip "nginx not installed"
	command -v h2load >/dev/null ||
		skip "h2load (nghttp2-client) not installed"
	command -v openssl >/dev/null || skip "openssl not installed"
	tag=etrace-h2-$$
	mkdir -p "$tmp/ng/html/$tag" "$tmp/ng/logs"
	echo hello >"$tmp/ng/html/$tag/index.html"
	head -c 20000 /dev/zero | tr '\0' x >"$tmp/ng/html/$tag/big.html"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/ng/key.pem" \
		-out "$tmp/ng/cert.pem" -days 2 -subj /CN=localhost \
		>/dev/null 2>&1 || fail "openssl req"
	port=$(free_port)
	if [ "$1" = https ]; then
		listen="listen 127.0.0.1:$port ssl http2;"
	else
		listen="listen 127.0.0.1:$port http2;"
	fi
	sed -e "s|@TMP@|$tmp|g" -e "s|@LISTEN@|$listen|" >"$tmp/ng/nginx.conf" <<'CONF'
daemon off;
user root;
worker_processes 1;
pid @TMP@/ng/nginx.pid;
error_log @TMP@/ng/logs/error.log;
events { worker_connections 1024; }
http {
	access_log @TMP@/ng/logs/access.log;
	client_body_temp_path @TMP@/ng/body;
	proxy_temp_path @TMP@/ng/proxy;
	fastcgi_temp_path @TMP@/ng/fcgi;
	uwsgi_temp_path @TMP@/ng/uwsgi;
	scgi_temp_path @TMP@/ng/scgi;
	sendfile on;
	server {
		@LISTEN@
		ssl_certificate @TMP@/ng/cert.pem;
		ssl_certificate_key @TMP@/ng/key.pem;
		root @TMP@/ng/html;
	}
}
CONF
	nginx -c "$tmp/ng/nginx.conf" -p "$tmp/ng" >"$tmp/ng/stdout" 2>&1 &
	srv=$!
	for _ in $(seq 1 100); do
		[ -s "$tmp/ng/nginx.pid" ] && break
		sleep 0.1
	done
	[ -s "$tmp/ng/nginx.pid" ] ||
		fail "nginx did not start: $(cat "$tmp/ng/logs/error.log")"
	start grpc
	wait_out '^Tracing HTTP/2'
	u="$1://127.0.0.1:$port/$tag"
	h2load -n 3000 -c 16 -m 1 "$u/index.html" "$u/big.html" "$u/none" \
		>"$tmp/h2load.out" 2>&1 ||
		fail "h2load: $(cat "$tmp/h2load.out")"
	sleep 0.5
	kill -TERM "$bg"
	wait_bg 0
	# "COUNT SIDE COMM METHOD PATH STATUS" of the spans of this test's
	# paths
	awk -v t="url.path=\"/$tag/" '$1 == "span" && index($0, t) {
		k = ""; n = ""; m = ""; p = ""; c = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^kind=/) k = substr($i, 6)
			if ($i ~ /^comm=/) n = substr($i, 6)
			if ($i ~ /^http.request.method=/) m = substr($i, 21)
			if ($i ~ /^url.path=/) p = substr($i, 10)
			if ($i ~ /^http.response.status_code=/) c = substr($i, 27)
		}
		gsub(/"/, "", m); gsub(/"/, "", p)
		print k, n, m, p, c }' "$out" | LC_ALL=C sort | uniq -c >"$tmp/seen"
	served=$(grep -c " /$tag/" "$tmp/ng/logs/access.log")
	echo "h2load: $(grep '^requests:' "$tmp/h2load.out"); nginx logged $served"
	cat "$tmp/seen"
	[ "$served" -ge 3000 ] || fail "nginx logged $served requests"
	for side in "server nginx" "client h2load"; do
		for r in "index.html 200" "big.html 200" "none 404"; do
			set -- $r
			want=$(grep -c "\"GET /$tag/$1 HTTP/2.0\" $2 " \
				"$tmp/ng/logs/access.log")
			got=$(awk -v s="$side GET /$tag/$1 $2" \
				'{ c = $1; $1 = ""; if (substr($0, 2) == s) print c }' \
				"$tmp/seen")
			got=${got:-0}
			[ "$got" -le "$want" ] ||
				fail "$side $1: $got spans > $want requests"
			[ $((got * 100)) -ge $((want * 99)) ] ||
				fail "$side $1: $got spans of $want requests (< 99%)"
		done
	done
	# nothing made up: no other (side, comm, method, path, status)
	other=$(grep -Evc " (server nginx|client h2load) GET /$tag/(index.html 200|big.html 200|none 404)\$" "$tmp/seen")
	[ "$other" = 0 ] || fail "$other made-up kinds of span"
	exit 0
}

# websocket: the recipe against python3-websockets' server and client
websocket_case() {
	$py -c 'import websockets' 2>/dev/null ||
		skip "python3-websockets not installed"
	wprog=$(dirname "$0")/../progs/h2/ws_echo.py
	$py "$wprog" serve "$tmp/port" &
	srv=$!
	for _ in $(seq 1 200); do
		[ -s "$tmp/port" ] && break
		sleep 0.05
	done
	[ -s "$tmp/port" ] || fail "the WebSocket server did not start"
	# its parsers take the verifier a while on a loaded machine: up to
	# a minute to attach
	"$etrace" websocket >"$out" 2>"$err" &
	bg=$!
	for _ in $(seq 1 1200); do
		grep -q '^Tracing WebSocket' "$out" 2>/dev/null && break
		kill -0 "$bg" 2>/dev/null || fail "etrace ended before attaching"
		sleep 0.05
	done
	grep -q '^Tracing WebSocket' "$out" || fail "etrace did not attach"
	$py "$wprog" call "$(cat "$tmp/port")" >"$tmp/client" &
	cli=$!
	wait "$cli" || fail "the client failed: $(cat "$tmp/client")"
	printf 'text 5 True\ntext 200 True\ntext 70000 True\nbinary 3\npong\nclosed 1000\n' >"$tmp/want"
	cmp -s "$tmp/want" "$tmp/client" || fail "client: $(cat "$tmp/client")"
	sleep 0.5
	kill -TERM "$bg"
	wait_bg 0
	# "COMM DIR EVENT LENGTH DETAIL" of the server's and the client's
	# lines, each process's in the order of its own
	for p in "$srv" "$cli"; do
		awk -v p="$p" '$1 == p { $1 = ""; $3 = ""; print }' "$out" |
			sed 's/  */ /g; s/^ //; s/ [0-9]* us$/ US/'
	done >"$tmp/got"
	# the upgrade request's length varies with the port: not compared
	sed -i 's/^\(python3 [a-z]* upgrade\) [0-9]* /\1 N /; s/^\(python3 [a-z]* open\) [0-9]* /\1 N /' "$tmp/got"
	cat >"$tmp/want" <<'WANT'
python3 in upgrade N /etrace-ws
python3 out open N US
python3 in text 5
python3 out text 5
python3 in text 200
python3 out text 200
python3 in text 70000
python3 out text 70000
python3 in binary 3
python3 out binary 3
python3 in ping 2
python3 out pong 2
python3 in close 2 1000
python3 out close 2 1000
python3 out upgrade N /etrace-ws
python3 in open N US
python3 out text 5
python3 in text 5
python3 out text 200
python3 in text 200
python3 out text 70000
python3 in text 70000
python3 out binary 3
python3 in binary 3
python3 out ping 2
python3 in pong 2
python3 out close 2 1000
python3 in close 2 1000
WANT
	cmp -s "$tmp/want" "$tmp/got" ||
		fail "lines differ: $(diff "$tmp/want" "$tmp/got")"
	has "$out" '^@frames\[python3, in, text\]: 6$'
	has "$out" '^@bytes\[python3, out, text\]: 140410$'
	grep -q '^@ws_lost' "$out" && fail "frames lost"
	exit 0
}

tls=
case $case in
websocket) websocket_case ;;
h2load_h2c) h2load_case http ;;
h2load_tls) h2load_case https ;;
grpc_h2c | grpc_run)
	$py -c 'import grpc' 2>/dev/null || skip "python3-grpcio not installed"
	;;
grpc_tls)
	$py -c 'import grpc' 2>/dev/null || skip "python3-grpcio not installed"
	command -v openssl >/dev/null || skip "openssl not installed"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
		-addext subjectAltName=DNS:localhost -keyout "$tmp/key.pem" \
		-out "$tmp/cert.pem" 2>/dev/null || fail "openssl req"
	tls="$tmp/cert.pem $tmp/key.pem"
	;;
*) fail "unknown case" ;;
esac

# the server, its port in a file
$py "$prog" serve "$tmp/port" $tls &
srv=$!
for _ in $(seq 1 200); do
	[ -s "$tmp/port" ] && break
	sleep 0.05
done
[ -s "$tmp/port" ] || fail "the gRPC server did not start"
port=$(cat "$tmp/port")

if [ "$case" = grpc_run ]; then
	# compiled once, run by etrace-run (no compiler: the h2 records and
	# their decoding travel in the artifact)
	"$etrace" --compile-only -o "$tmp/grpc.eto" grpc ||
		fail "--compile-only"
	etrace=$(dirname "$etrace")/etrace-run
	start "$tmp/grpc.eto"
else
	start grpc
fi
wait_out '^Tracing HTTP/2'
$py "$prog" call "$port" 20 ${tls:+"$tmp/cert.pem"} >"$tmp/client" &
cli=$!
wait "$cli" || fail "the client failed: $(cat "$tmp/client")"
printf 'unary ok 20\nunary fail NOT_FOUND\nunary boom INTERNAL\nstream replies 3\ncollect 4\n' >"$tmp/want"
cmp -s "$tmp/want" "$tmp/client" || fail "client: $(cat "$tmp/client")"
# the server's spans end with its last write: give the ring buffer a
# moment to be read after the client saw the end of the last call
sleep 0.5
kill -TERM "$bg"
wait_bg 0

# "SIDE NAME CODE STATUS" of the spans of a pid
spans() {
	awk -v p="pid=$1" '$1 == "span" && index($0, " " p " ") {
		k = ""; c = "-"; s = "ok"
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^kind=/) k = substr($i, 6)
			if ($i ~ /^rpc.grpc.status_code=/) c = substr($i, 22)
			if ($i == "status=error") s = "error"
		}
		print k, $2, c, s }' "$out" | LC_ALL=C sort | uniq -c |
		awk '{ print $1, $2, $3, $4, $5 }' | LC_ALL=C sort
}
spans "$srv" >"$tmp/got_srv"
printf '%s\n' "20 server etrace.test.Echo/Unary 0 ok" \
	"1 server etrace.test.Echo/Collect 0 ok" \
	"1 server etrace.test.Echo/Stream 0 ok" \
	"1 server etrace.test.Echo/Unary 13 error" \
	"1 server etrace.test.Echo/Unary 5 ok" | LC_ALL=C sort >"$tmp/want_srv"
cmp -s "$tmp/want_srv" "$tmp/got_srv" ||
	fail "server spans: $(diff "$tmp/want_srv" "$tmp/got_srv")"
spans "$cli" >"$tmp/got_cli"
printf '%s\n' "20 client etrace.test.Echo/Unary 0 ok" \
	"1 client etrace.test.Echo/Collect 0 ok" \
	"1 client etrace.test.Echo/Stream 0 ok" \
	"1 client etrace.test.Echo/Unary 13 error" \
	"1 client etrace.test.Echo/Unary 5 error" | LC_ALL=C sort >"$tmp/want_cli"
cmp -s "$tmp/want_cli" "$tmp/got_cli" ||
	fail "client spans: $(diff "$tmp/want_cli" "$tmp/got_cli")"

# attributes of one span, and the traceparent the client sent: the
# client span is its parent-id, the server span its child
grep "^span etrace.test.Echo/Unary .* pid=$srv .*kind=server" "$out" |
	grep -q ' rpc.system="grpc" rpc.service="etrace.test.Echo" rpc.method="Unary" rpc.grpc.status_code=0 ' ||
	fail "server span attributes"
grep -q "^span etrace.test.Echo/Unary trace=4bf92f3577b34da6a3ce929d0e0e4736 id=[0-9a-f]* parent=00f067aa0ba902b7 remote .* pid=$srv " "$out" ||
	fail "no server span continuing the traceparent"
grep -q "^span etrace.test.Echo/Unary trace=4bf92f3577b34da6a3ce929d0e0e4736 id=00f067aa0ba902b7 parent=- .* pid=$cli " "$out" ||
	fail "no client span with the traceparent's id"
# the RED table: at least these two processes' rows (others may add)
grep -Eq '^server +etrace.test.Echo/Unary +0 +[0-9]+ +0 ' "$out" ||
	fail "no RED row for the server's unary calls"
grep -Eq '^client +etrace.test.Echo/Unary +13 +[0-9]+ +[1-9]' "$out" ||
	fail "no RED row for the client's INTERNAL errors"
exit 0
