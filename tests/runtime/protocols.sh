#!/bin/sh
# Runtime tests of the protocols recipe (stdlib/protocols.et: protocol
# detection on a connection's first bytes) against real servers and
# clients from Debian, each started here on a free port in a temp dir.
#   protocols.sh ETRACE CASE
# detect: nginx over HTTP and TLS, python3's http.server, redis-server,
#   PostgreSQL 15, MariaDB, a python3-grpcio server (h2c) and a
#   python3-websockets server, each with $N connections of its own
#   client; every connection end on those ports (client and server, both
#   traced) that has a line has the server's protocol (nothing
#   mislabelled, nothing invented), and at least 95% of them have one.
# Exits 77 (skipped) when a server or client is missing.
etrace=$1
case=$2
. "$(dirname "$0")/rtlib.sh"
RUN_TIMEOUT=60
N=10
py=/usr/bin/python3

srv=
stop_servers() {
	for p in $srv; do
		kill "$p" 2>/dev/null
	done
	for p in $srv; do
		for _ in $(seq 1 100); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$p" 2>/dev/null
	done
	return 0
}
trap 'stop_servers; rm -rf "$tmp"; kill_bg' EXIT

free_port() {
	$py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

need() {
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 || skip "$p not installed"
	done
}

# wait_port PORT: something listens on 127.0.0.1:PORT (in 30 s)
wait_port() {
	for _ in $(seq 1 300); do
		$py -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
			"$1" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "nothing listens on port $1"
}

# start_protocols ARGS: the recipe in the background, attached
start_protocols() {
	"$etrace" protocols "$@" >"$out" 2>"$err" &
	bg=$!
	for _ in $(seq 1 1200); do
		grep -q '^Tracing protocols' "$out" 2>/dev/null && return 0
		kill -0 "$bg" 2>/dev/null || fail "etrace ended before attaching"
		sleep 0.05
	done
	fail "etrace did not attach in 60 s"
}

stop() {
	kill -TERM "$bg"
	wait_bg 0
}

start_nginx() {
	hport=$(free_port)
	sport=$(free_port)
	mkdir -p "$tmp/ng/html" "$tmp/ng/logs"
	echo hello >"$tmp/ng/html/index.html"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/ng/key.pem" \
		-out "$tmp/ng/cert.pem" -days 2 -subj /CN=localhost \
		>/dev/null 2>&1 || fail "openssl req"
	cat >"$tmp/ng/nginx.conf" <<EOF
daemon off;
user root;
worker_processes 1;
pid $tmp/ng/nginx.pid;
error_log $tmp/ng/logs/error.log;
events { worker_connections 1024; }
http {
	access_log $tmp/ng/logs/access.log;
	client_body_temp_path $tmp/ng/body;
	proxy_temp_path $tmp/ng/proxy;
	fastcgi_temp_path $tmp/ng/fcgi;
	uwsgi_temp_path $tmp/ng/uwsgi;
	scgi_temp_path $tmp/ng/scgi;
	server {
		listen 127.0.0.1:$hport;
		listen 127.0.0.1:$sport ssl;
		ssl_certificate $tmp/ng/cert.pem;
		ssl_certificate_key $tmp/ng/key.pem;
		root $tmp/ng/html;
	}
}
EOF
	nginx -c "$tmp/ng/nginx.conf" -p "$tmp/ng" >"$tmp/ng/stdout" 2>&1 &
	srv="$srv $!"
	wait_port "$hport"
}

start_pg() {
	pgbin=/usr/lib/postgresql/15/bin
	[ -x $pgbin/initdb ] || skip "PostgreSQL 15 not installed"
	id postgres >/dev/null 2>&1 || skip "no postgres user"
	pport=$(free_port)
	chmod 755 "$tmp"
	mkdir "$tmp/pg"
	chown postgres "$tmp/pg"
	su postgres -s /bin/sh -c "$pgbin/initdb -D $tmp/pg/data -A trust \
		-U postgres" >"$tmp/pg/initdb.log" 2>&1 ||
		fail "initdb: $(tail -5 "$tmp/pg/initdb.log")"
	su postgres -s /bin/sh -c "exec $pgbin/postgres -D $tmp/pg/data \
		-p $pport -k $tmp/pg -c listen_addresses=127.0.0.1" \
		>"$tmp/pg/log" 2>&1 &
	srv="$srv $!"
	for _ in $(seq 1 300); do
		psql -h 127.0.0.1 -p "$pport" -U postgres -c 'select 1' \
			>/dev/null 2>&1 && break
		sleep 0.1
	done
	srv="$srv $(head -1 "$tmp/pg/data/postmaster.pid" 2>/dev/null)"
}

start_mariadb() {
	mport=$(free_port)
	mariadb-install-db --no-defaults --datadir="$tmp/db" --user=root \
		--auth-root-authentication-method=normal \
		>"$tmp/install.log" 2>&1 ||
		fail "mariadb-install-db: $(tail -5 "$tmp/install.log")"
	mariadbd --no-defaults --datadir="$tmp/db" --user=root \
		--port="$mport" --bind-address=127.0.0.1 \
		--socket="$tmp/my.sock" --pid-file="$tmp/my.pid" \
		--skip-log-bin >"$tmp/my.log" 2>&1 &
	srv="$srv $!"
	for _ in $(seq 1 300); do
		mariadb -h 127.0.0.1 -P "$mport" -u root -e 'select 1' \
			>/dev/null 2>&1 && break
		sleep 0.1
	done
}

# a gRPC server (h2c) with one generic unary method, and a client that
# makes $N calls, each on a channel (and a connection) of its own
cat_grpc() {
	cat >"$tmp/grpc_srv.py" <<'EOF'
import grpc, sys, time
from concurrent import futures
h = grpc.method_handlers_generic_handler("t.Echo", {
    "Hi": grpc.unary_unary_rpc_method_handler(lambda req, ctx: req)})
s = grpc.server(futures.ThreadPoolExecutor(max_workers=2), handlers=[h])
s.add_insecure_port("127.0.0.1:" + sys.argv[1])
s.start()
s.wait_for_termination()
EOF
	cat >"$tmp/grpc_cli.py" <<'EOF'
import grpc, sys
for i in range(int(sys.argv[2])):
    with grpc.insecure_channel("127.0.0.1:" + sys.argv[1],
            options=[("grpc.use_local_subchannel_pool", 1)]) as ch:
        assert ch.unary_unary("/t.Echo/Hi")(b"x%d" % i, timeout=30) == b"x%d" % i
EOF
}

# a WebSocket echo server, and a client that opens $N connections
cat_ws() {
	cat >"$tmp/ws_srv.py" <<'EOF'
import asyncio, sys, websockets
async def echo(ws, path=None):
    async for m in ws:
        await ws.send(m)
async def main():
    async with websockets.serve(echo, "127.0.0.1", int(sys.argv[1])):
        await asyncio.Future()
asyncio.run(main())
EOF
	cat >"$tmp/ws_cli.py" <<'EOF'
import asyncio, sys, websockets
async def main():
    for i in range(int(sys.argv[2])):
        async with websockets.connect("ws://127.0.0.1:%s/x" % sys.argv[1]) as w:
            await w.send("m%d" % i)
            assert await w.recv() == "m%d" % i
asyncio.run(main())
EOF
}

case $case in
detect)
	need nginx curl openssl redis-server redis-cli psql mariadb-install-db \
		mariadbd mariadb
	$py -c 'import grpc, websockets' 2>/dev/null ||
		skip "python3-grpcio or python3-websockets not installed"
	start_nginx
	pyport=$(free_port)
	mkdir -p "$tmp/www"
	echo hi >"$tmp/www/index.html"
	(cd "$tmp/www" && exec $py -m http.server --bind 127.0.0.1 "$pyport" \
		>/dev/null 2>&1) &
	srv="$srv $!"
	rport=$(free_port)
	redis-server --port "$rport" --bind 127.0.0.1 --save "" \
		--appendonly no --dir "$tmp" >/dev/null 2>&1 &
	srv="$srv $!"
	start_pg
	start_mariadb
	cat_grpc
	gport=$(free_port)
	$py "$tmp/grpc_srv.py" "$gport" >"$tmp/grpc.log" 2>&1 &
	srv="$srv $!"
	cat_ws
	wport=$(free_port)
	$py "$tmp/ws_srv.py" "$wport" >"$tmp/ws.log" 2>&1 &
	srv="$srv $!"
	for p in "$pyport" "$rport" "$pport" "$mport" "$gport" "$wport"; do
		wait_port "$p"
	done
	start_protocols
	# $N connections of each client, one after the other
	for i in $(seq 1 $N); do
		curl -s -o /dev/null "http://127.0.0.1:$hport/" ||
			fail "curl http"
		curl -sk -o /dev/null "https://127.0.0.1:$sport/" ||
			fail "curl https"
		curl -s -o /dev/null "http://127.0.0.1:$pyport/" ||
			fail "curl http.server"
		redis-cli -p "$rport" set "k$i" "$i" >/dev/null ||
			fail "redis-cli"
		psql -h 127.0.0.1 -p "$pport" -U postgres -qAt \
			-c "select $i" >/dev/null || fail "psql"
		mariadb -h 127.0.0.1 -P "$mport" -u root -e "select $i" \
			>/dev/null || fail "mariadb"
	done
	$py "$tmp/grpc_cli.py" "$gport" $N >"$tmp/grpc_cli.log" 2>&1 ||
		fail "grpc client: $(tail -3 "$tmp/grpc_cli.log")"
	$py "$tmp/ws_cli.py" "$wport" $N >"$tmp/ws_cli.log" 2>&1 ||
		fail "websockets client: $(tail -3 "$tmp/ws_cli.log")"
	# the last server's end is decided when it reads: wait for it
	for _ in $(seq 1 200); do
		[ "$(awk -v p="$wport" '$6 == p || $8 == p' "$out" | wc -l)" \
			-ge $((2 * N)) ] && break
		sleep 0.1
	done
	stop
	# PROTO PID COMM DIR LADDR LPORT RADDR RPORT: per server port, its
	# protocol on every line, on 95% of the 2N ends at least, at most 2N
	bad=
	for want in "http $hport" "tls $sport" "http $pyport" "redis $rport" \
		"postgresql $pport" "mysql $mport" "http2 $gport" \
		"websocket $wport"; do
		set -- $want
		awk -v p="$2" '$6 == p || $8 == p' "$out" >"$tmp/lines"
		got=$(awk -v w="$1" '$1 == w' "$tmp/lines" | wc -l)
		all=$(wc -l <"$tmp/lines")
		echo "$1 (port $2): $got of $((2 * N)) connection ends, $all lines"
		[ "$got" = "$all" ] ||
			bad="$bad; $1: other protocols: $(awk -v w="$1" '$1 != w' "$tmp/lines" | head -3)"
		[ "$all" -le $((2 * N)) ] || bad="$bad; $1: $all lines for $((2 * N)) ends"
		[ $((got * 100)) -ge $((2 * N * 95)) ] ||
			bad="$bad; $1: $got of $((2 * N)) (< 95%)"
	done
	[ -z "$bad" ] || fail "${bad#; }"
	# the count map: each protocol's ends, these at least
	for p in http tls redis postgresql mysql http2 websocket; do
		has "$out" "^@protocols\[$p\]: [1-9]"
	done
	;;
*)
	fail "unknown case $case"
	;;
esac
exit 0
