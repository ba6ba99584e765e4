#!/bin/sh
# Runtime tests of the protocol parsers (bpf-helpers/proto_*.c) and of
# the http recipe (stdlib/http.et) against real clients and servers from
# Debian, each started here on a free port in a temp dir.
#   proto.sh ETRACE CASE
# syscalls: every socket byte source of the recipe (sendmsg/recvmsg,
#   writev/readv, send/recv, write/read) on socketpairs, pairs exact;
# python_server: python3's http.server and curl;
# nginx: nginx over HTTP and TLS (OpenSSL 3: uprobes), curl -k; TLS
#   lines carry the socket's fd;
# gnutls: curl against gnutls-serv (GnuTLS uprobes on the server side);
# wrk: nginx under wrk at 16 connections: the requests the recipe saw
#   against nginx's access log (>= 99%, none made up);
# pipeline: HTTP/1.1 pipelining and keep-alive: a second request sent
#   before the first one's response (python3's http.server), three
#   one after the other on one connection and three in one send (nginx):
#   each paired with its own response, none made up;
# options: the recipe's parameters (query redaction, filters, sampling);
# node_tls: Node's own OpenSSL (an https server and client);
# distributed: Node's OTel SDK -> service A -> service B, one trace at
#   the OTLP receiver with the right parentage;
# redis, pgsql, mysql: the RESP, PostgreSQL and MySQL parsers on what
#   redis-server, postgres and mariadbd read and write for their clients.
# Exits 77 (skipped) when a server or client is missing.
etrace=$1
case=$2
. "$(dirname "$0")/rtlib.sh"
RUN_TIMEOUT=60

# the servers started here: ended at exit (rtlib's $bg forgets its list
# once the background etrace has ended)
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

# a free TCP port on 127.0.0.1
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# until_up CURL_ARGS: until curl gets an answer (10 s at most)
until_up() {
	for _ in $(seq 1 100); do
		curl -s -o /dev/null "$@" && return 0
		sleep 0.1
	done
	return 0
}

need() {
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 || skip "$p not installed"
	done
}

# a path no other process on the machine asks for
tag=etrace-$$-$(date +%s)

# start_http ARGS: the http recipe in the background, attached
# (its 70 programs take the verifier seconds: up to 60 s on a loaded
# machine, not rtlib's 10)
start_http() {
	"$etrace" http "$@" >"$out" 2>"$err" &
	bg=$!
	for _ in $(seq 1 1200); do
		grep -q '^Tracing HTTP\|"Tracing HTTP' "$out" 2>/dev/null &&
			return 0
		kill -0 "$bg" 2>/dev/null || fail "etrace ended before attaching"
		sleep 0.05
	done
	fail "etrace did not attach in 60 s"
}

# stop: SIGTERM to the background etrace, which prints its maps
stop() {
	kill -TERM "$bg"
	wait_bg 0
}

# mine: the recipe's spans about this test's paths, as
# "SIDE TLS COMM METHOD PATH STATUS", sorted
mine() {
	spans | awk -v t="/$tag" 'index($5, t) == 1 { print $1, $2, $3, $4, $5, $6 }' |
		LC_ALL=C sort
}

# spans: every span line of the recipe as "SIDE TLS COMM METHOD PATH
# STATUS QUERY SERVER_PORT PEER_PORT" ("-" for what it lacks)
spans() {
	awk '$1 == "span" && $2 == "http" {
		side = "-"; tls = "-"; c = "-"; m = "-"; p = "-"; st = "-"
		q = "-"; sp = "-"; pp = "-"
		for (i = 3; i <= NF; i++) {
			k = $i; v = $i
			sub(/=.*/, "", k); sub(/^[^=]*=/, "", v); gsub(/"/, "", v)
			if (k == "kind") side = v
			else if (k == "comm") c = v
			else if (k == "url.scheme") tls = v == "https" ? "yes" : "no"
			else if (k == "http.request.method") m = v
			else if (k == "url.path") p = v
			else if (k == "http.response.status_code") st = v
			else if (k == "url.query") q = v
			else if (k == "server.port") sp = v
			else if (k == "network.peer.port") pp = v
		}
		print side, tls, c, m, p, st, q, sp, pp }' "$out"
}

expect() {
	printf "$1" >"$tmp/want"
	mine >"$tmp/got"
	cmp -s "$tmp/want" "$tmp/got" ||
		fail "lines differ: $(diff "$tmp/want" "$tmp/got" | head -20)"
}

nginx_conf() {
	mkdir -p "$tmp/ng/html/$tag" "$tmp/ng/logs"
	echo hello >"$tmp/ng/html/$tag/index.html"
	head -c 20000 /dev/zero | tr '\0' x >"$tmp/ng/html/$tag/big.html"
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
		listen 127.0.0.1:$port;
		listen 127.0.0.1:$sport ssl;
		ssl_certificate $tmp/ng/cert.pem;
		ssl_certificate_key $tmp/ng/key.pem;
		root $tmp/ng/html;
	}
}
EOF
}

start_nginx() {
	port=$(free_port)
	sport=$(free_port)
	nginx_conf
	nginx -c "$tmp/ng/nginx.conf" -p "$tmp/ng" >"$tmp/ng/stdout" 2>&1 &
	srv="$srv $!"
	for _ in $(seq 1 100); do
		curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
		sleep 0.1
	done
	fail "nginx did not start: $(cat "$tmp/ng/logs/error.log")"
}

case $case in
syscalls)
	need python3
	cat >"$tmp/pairs.py" <<EOF
import os, socket
t = "/$tag"
a, b = socket.socketpair()
a.sendmsg([("GET %s/msg?q=1 HTTP/1.1\r\nHost: x\r\n\r\n" % t).encode()])
b.recvmsg_into([bytearray(200)])
os.writev(b.fileno(), [b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", b""])
os.readv(a.fileno(), [bytearray(200)])
a, b = socket.socketpair()
a.send(("POST %s/api HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}" % t).encode())
b.recv(200)
# a response split over three writes, then a body write
b.send(b"HTTP/1.1 404 Not")
b.send(b" Found\r\nContent-Length: 4\r\n")
b.send(b"\r\n")
b.send(b"GET ")
a.recv(200)
a, b = socket.socketpair()
os.write(a.fileno(), ("DELETE %s/item/7 HTTP/1.0\r\n\r\n" % t).encode())
os.read(b.fileno(), 200)
os.write(b.fileno(), b"HTTP/1.0 503 Busy\r\n\r\n")
os.read(a.fileno(), 200)
# pipelined: two requests in one write, read at once: the first is the
# span, closed by the first response; the second makes none up
a, b = socket.socketpair()
a.send(("GET %s/p1 HTTP/1.1\r\n\r\nGET %s/p2 HTTP/1.1\r\n\r\n" % (t, t)).encode())
b.recv(200)
b.send(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
b.send(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")
a.recv(200)
a, b = socket.socketpair()
# keep-alive: two requests on one connection
for p in ("one", "two"):
    os.write(a.fileno(), ("GET %s/%s HTTP/1.1\r\n\r\n" % (t, p)).encode())
    os.read(b.fileno(), 200)
    os.write(b.fileno(), b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    os.read(a.fileno(), 200)
EOF
	run 0 http -c "python3 $tmp/pairs.py"
	expect "client no python3 DELETE /$tag/item/7 503
client no python3 GET /$tag/msg 201
client no python3 GET /$tag/one 200
client no python3 GET /$tag/p1 200
client no python3 GET /$tag/two 200
client no python3 POST /$tag/api 404
server no python3 DELETE /$tag/item/7 503
server no python3 GET /$tag/msg 201
server no python3 GET /$tag/one 200
server no python3 GET /$tag/p1 200
server no python3 GET /$tag/two 200
server no python3 POST /$tag/api 404\n"
	has "$out" "@errors\[client, DELETE, /$tag/item/7\]: 1"
	has "$out" "@errors\[server, DELETE, /$tag/item/7\]: 1"
	has "$out" "@requests\[server, GET, /$tag/one, 200\]: 1"
	;;
python_server)
	need python3 curl
	port=$(free_port)
	mkdir -p "$tmp/www/$tag"
	echo hi >"$tmp/www/$tag/a.txt"
	# a path of about 110 bytes: url.path keeps 127
	long=$(printf 'long%.0s' $(seq 1 20)).txt
	echo hi >"$tmp/www/$tag/$long"
	(cd "$tmp/www" && exec python3 -m http.server "$port" \
		--bind 127.0.0.1 >/dev/null 2>&1) &
	srv="$srv $!"
	until_up "http://127.0.0.1:$port/"
	start_http
	curl -s -o /dev/null "http://127.0.0.1:$port/$tag/a.txt"
	curl -s -o /dev/null "http://127.0.0.1:$port/$tag/$long"
	curl -s -o /dev/null "http://127.0.0.1:$port/$tag/none"
	wait_out "url.path=\"/$tag/none\".*status_code=404"
	stop
	expect "client no curl GET /$tag/a.txt 200
client no curl GET /$tag/$long 200
client no curl GET /$tag/none 404
server no python3 GET /$tag/a.txt 200
server no python3 GET /$tag/$long 200
server no python3 GET /$tag/none 404\n"
	# the RED maps' endpoint: the path's first 47 bytes
	has "$out" "^@requests\[server, GET, $(printf '%s' "/$tag/$long" | head -c 47), 200\]: 1\$"
	;;
nginx)
	need nginx curl openssl
	start_nginx
	start_http
	curl -s -o /dev/null "http://127.0.0.1:$port/$tag/index.html"
	curl -sk -o /dev/null "https://127.0.0.1:$sport/$tag/index.html"
	curl -sk -o /dev/null "https://127.0.0.1:$sport/$tag/big.html"
	curl -sk -o /dev/null "https://127.0.0.1:$sport/$tag/missing"
	wait_out "url.path=\"/$tag/missing\".*status_code=404"
	stop
	expect "client no curl GET /$tag/index.html 200
client yes curl GET /$tag/big.html 200
client yes curl GET /$tag/index.html 200
client yes curl GET /$tag/missing 404
server no nginx GET /$tag/index.html 200
server yes nginx GET /$tag/big.html 200
server yes nginx GET /$tag/index.html 200
server yes nginx GET /$tag/missing 404\n"
	# a TLS server span's port: its socket's, from the read/write
	# inside SSL_*
	n=$(spans | awk -v t="/$tag" -v p="$sport" 'index($5, t) == 1 &&
		$1 == "server" && $2 == "yes" && $8 == p' | wc -l)
	[ "$n" = 3 ] || fail "TLS server spans with server.port $sport: $n"
	;;
gnutls)
	need gnutls-serv curl openssl
	port=$(free_port)
	nginx_conf
	gnutls-serv --http --port "$port" --x509certfile "$tmp/ng/cert.pem" \
		--x509keyfile "$tmp/ng/key.pem" >/dev/null 2>&1 &
	srv="$srv $!"
	for _ in $(seq 1 100); do
		curl -sk -o /dev/null "https://127.0.0.1:$port/" && break
		sleep 0.1
	done
	start_http
	curl -sk -o /dev/null "https://127.0.0.1:$port/$tag/g"
	wait_out "url.path=\"/$tag/g\".*status_code=200"
	stop
	expect "client yes curl GET /$tag/g 200
server yes gnutls-serv GET /$tag/g 200\n"
	;;
wrk)
	need nginx wrk curl openssl
	start_nginx
	start_http
	wrk -t2 -c16 -d3s "http://127.0.0.1:$port/$tag/index.html" \
		>"$tmp/wrk.out" 2>&1 || fail "wrk: $(cat "$tmp/wrk.out")"
	sleep 0.5
	stop
	served=$(grep -c " /$tag/index.html " "$tmp/ng/logs/access.log")
	seen=$(sed -n "s|^@requests\[server, GET, /$tag/index.html, 200\]: ||p" "$out")
	other=$(grep "^@requests\[server, .*/$tag/" "$out" |
		grep -vc "GET, /$tag/index.html, 200\]")
	echo "wrk: $(grep requests "$tmp/wrk.out"); nginx served $served; etrace saw $seen"
	[ "$served" -gt 1000 ] || fail "only $served requests served"
	[ -n "$seen" ] || fail "no requests seen"
	[ "$other" = 0 ] || fail "$other made-up endpoints"
	[ "$seen" -le "$served" ] || fail "saw $seen > $served served"
	[ $((seen * 100)) -ge $((served * 99)) ] ||
		fail "saw $seen of $served (< 99%)"
	;;
redis)
	need redis-server redis-cli
	port=$(free_port)
	redis-server --port "$port" --bind 127.0.0.1 --save "" \
		--appendonly no --dir "$tmp" >/dev/null 2>&1 &
	srv="$srv $!"
	for _ in $(seq 1 100); do
		redis-cli -p "$port" ping >/dev/null 2>&1 && break
		sleep 0.1
	done
	start -e '
tracepoint:syscalls:sys_enter_read /comm == "redis-server"/ { @b[tid] = args.buf; }
tracepoint:syscalls:sys_exit_read /comm == "redis-server" && args.ret > 0/ {
	$c = resp_command(@b[tid], args.ret);
	if ($c != "") { printf("cmd %s\n", $c); }
}
tracepoint:syscalls:sys_enter_write /comm == "redis-server"/ {
	printf("reply %s\n", resp_type(args.buf, args.count));
}'
	redis-cli -p "$port" set "$tag" 41 >/dev/null
	redis-cli -p "$port" incr "$tag" >/dev/null
	redis-cli -p "$port" get "$tag" >/dev/null
	redis-cli -p "$port" get "$tag-none" >/dev/null
	redis-cli -p "$port" lpush "$tag-l" a >/dev/null
	redis-cli -p "$port" get "$tag-l" >/dev/null 2>&1
	wait_out '^reply error'
	stop
	grep '^cmd \(SET\|INCR\|GET\|LPUSH\)' "$out" >"$tmp/got"
	printf 'cmd SET\ncmd INCR\ncmd GET\ncmd GET\ncmd LPUSH\ncmd GET\n' >"$tmp/want"
	cmp -s "$tmp/want" "$tmp/got" || fail "commands: $(cat "$tmp/got")"
	for t in string integer bulk null error; do
		has "$out" "^reply $t\$"
	done
	;;
pgsql)
	pgbin=/usr/lib/postgresql/15/bin
	[ -x $pgbin/initdb ] || skip "PostgreSQL 15 not installed"
	need psql
	id postgres >/dev/null 2>&1 || skip "no postgres user"
	port=$(free_port)
	chmod 755 "$tmp"
	mkdir "$tmp/pg"
	chown postgres "$tmp/pg"
	su postgres -s /bin/sh -c "$pgbin/initdb -D $tmp/pg/data -A trust \
		-U postgres" >"$tmp/pg/initdb.log" 2>&1 ||
		fail "initdb: $(tail -5 "$tmp/pg/initdb.log")"
	su postgres -s /bin/sh -c "exec $pgbin/postgres -D $tmp/pg/data \
		-p $port -k $tmp/pg -c listen_addresses=127.0.0.1" \
		>"$tmp/pg/log" 2>&1 &
	srv="$srv $!"
	for _ in $(seq 1 200); do
		psql -h 127.0.0.1 -p "$port" -U postgres -c 'select 1' \
			>/dev/null 2>&1 && break
		sleep 0.1
	done
	# the postmaster itself (su forwards SIGTERM too)
	srv="$srv $(head -1 "$tmp/pg/data/postmaster.pid" 2>/dev/null)"
	# the backend reads queries (recvfrom) and writes its answers
	# (sendto); psql's extended query: \bind
	start -e '
tracepoint:syscalls:sys_enter_recvfrom /comm == "postgres"/ { @b[tid] = args.ubuf; }
tracepoint:syscalls:sys_exit_recvfrom /comm == "postgres" && args.ret > 0/ {
	$t = pg_msg_type(@b[tid], args.ret);
	if ($t == 81 || $t == 80) {
		printf("query %c %s\n", $t, pg_query(@b[tid], args.ret));
	}
}
tracepoint:syscalls:sys_enter_sendto /comm == "postgres"/ {
	$tag = pg_tag(args.buff, args.len);
	$err = pg_error(args.buff, args.len);
	if ($tag != "") { printf("tag %s\n", $tag); }
	if ($err != "") { printf("error %s\n", $err); }
}'
	psql -h 127.0.0.1 -p "$port" -U postgres -q \
		-c "create table t$$ (a int)" \
		-c "insert into t$$ values (1), (2)" \
		-c "select * from t$$" -c "select * from nope$$" \
		>/dev/null 2>&1
	# the extended protocol (Parse, Bind, Execute, Sync), as libpq's
	# PQexecParams sends it (psql 15 has no \\bind)
	cat >"$tmp/pgx.py" <<'EOF'
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
def msg(t, body):
    return t + struct.pack("!I", len(body) + 4) + body
params = b"user\0postgres\0database\0postgres\0\0"
s.sendall(struct.pack("!II", len(params) + 8, 196608) + params)
def until_ready():
    data = b""
    while not data.endswith(b"Z\0\0\0\x05I"):
        d = s.recv(4096)
        if not d:
            sys.exit("closed")
        data += d
until_ready()
q = b"select $1::int + 1\0"
s.sendall(msg(b"P", b"\0" + q + b"\0\0") +
          msg(b"B", b"\0\0" + b"\0\0" + b"\0\x01" + struct.pack("!I", 2) + b"41" + b"\0\0") +
          msg(b"E", b"\0" + b"\0\0\0\0") + msg(b"S", b""))
until_ready()
s.sendall(msg(b"X", b""))
EOF
	python3 "$tmp/pgx.py" "$port" || fail "extended query"
	wait_out '^tag SELECT 1$'
	stop
	for l in "query Q create table t$$ (a int)" "tag CREATE TABLE" \
		"query Q insert into t$$ values (1), (2)" "tag INSERT 0 2" \
		"query Q select \* from t$$" "tag SELECT 2" \
		"query Q select \* from nope$$" "error 42P01" \
		"query P select \$1::int + 1" "tag SELECT 1"; do
		has "$out" "^$l\$"
	done
	;;
mysql)
	need mariadb-install-db mariadbd mariadb
	port=$(free_port)
	mariadb-install-db --no-defaults --datadir="$tmp/db" --user=root \
		--auth-root-authentication-method=normal \
		>"$tmp/install.log" 2>&1 ||
		fail "mariadb-install-db: $(tail -5 "$tmp/install.log")"
	mariadbd --no-defaults --datadir="$tmp/db" --user=root \
		--port="$port" --bind-address=127.0.0.1 \
		--socket="$tmp/my.sock" --pid-file="$tmp/my.pid" \
		--skip-log-bin >"$tmp/my.log" 2>&1 &
	mpid=$!
	srv="$srv $mpid"
	for _ in $(seq 1 300); do
		mariadb -h 127.0.0.1 -P "$port" -u root -e 'select 1' \
			>/dev/null 2>&1 && break
		sleep 0.1
	done
	# the client writes the command, the server writes the replies
	start -e '
macro client($b, $n) {
	if (mysql_command($b, $n) == 3) {
		printf("query %s\n", mysql_query($b, $n));
	}
}
macro server($b, $n) {
	$r = mysql_reply($b, $n);
	if ($r == "error") {
		printf("errno %d\n", mysql_errno($b, $n));
	} else if ($r != "") {
		printf("reply %s\n", $r);
	}
}
tracepoint:syscalls:sys_enter_write /comm == "mariadb"/ {
	$b = args.buf; $n = (int64)args.count; client($b, $n);
}
tracepoint:syscalls:sys_enter_sendto /comm == "mariadb"/ {
	$b = args.buff; $n = (int64)args.len; client($b, $n);
}
tracepoint:syscalls:sys_enter_write /comm != "mariadb" && pid == '"$mpid"'/ {
	$b = args.buf; $n = (int64)args.count; server($b, $n);
}
tracepoint:syscalls:sys_enter_sendto /comm != "mariadb" && pid == '"$mpid"'/ {
	$b = args.buff; $n = (int64)args.len; server($b, $n);
}'
	mariadb -h 127.0.0.1 -P "$port" -u root -e \
		"create database d$$; create table d$$.t (a int); insert into d$$.t values (1); select * from d$$.t; select * from d$$.nope" \
		>/dev/null 2>&1
	wait_out '^errno 1146$'
	stop
	for l in "query create database d$$" "query select \* from d$$.nope" \
		"reply ok" "reply resultset" "errno 1146"; do
		has "$out" "^$l\$"
	done
	;;
pipeline)
	# HTTP/1.1 on one connection, a python3 client on a raw socket:
	# - to Python's http.server (HTTP/1.1), a second request sent before
	#   the first one's response: the server holds that response until
	#   the second request was sent (a file each way, no timing), each
	#   request in a send() of its own: both paired with their own
	#   responses (200, then 404), client and server side;
	# - to nginx, three requests one after the other (keep-alive: 200,
	#   404, 200), then three in one send(): of these the first is a
	#   span (closed by its own response), the others make none up
	need python3 nginx curl openssl
	start_nginx
	pport=$(free_port)
	mkdir -p "$tmp/www/$tag"
	cat >"$tmp/srv.py" <<'EOF2'
import functools, http.server, os, sys, time
d = sys.argv[2]
class H(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def do_GET(self):
        if not self.path.endswith("/hold"):
            return super().do_GET()
        open(os.path.join(d, "started"), "w").close()
        for _ in range(3000):
            if os.path.exists(os.path.join(d, "go")):
                break
            time.sleep(0.01)
        self.send_response(200)
        self.send_header("Content-Length", "3")
        self.end_headers()
        self.wfile.write(b"ok\n")
h = functools.partial(H, directory=d)
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), h).serve_forever()
EOF2
	# pipe.py DIR PORT MODE PATH...: MODE hold (the second request once
	# the server holds the first), seq (each after the previous one's
	# response) or batch (all in one send); "STATUS PATH" per response
	cat >"$tmp/pipe.py" <<'EOF2'
import os, socket, sys, time
d, port, mode, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
s = socket.create_connection(("127.0.0.1", port))
buf, got = b"", []
def req(p):
    return b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % p.encode()
def more():
    x = s.recv(65536)
    if not x:
        sys.exit("closed after %d responses" % len(got))
    return x
def response():
    global buf
    while b"\r\n\r\n" not in buf:
        buf += more()
    head, _, buf = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    cl = 0
    for l in lines[1:]:
        k, _, v = l.partition(b":")
        if k.strip().lower() == b"content-length":
            cl = int(v)
    while len(buf) < cl:
        buf += more()
    buf = buf[cl:]
    got.append(lines[0].split()[1].decode())
if mode == "hold":
    s.sendall(req(paths[0]))
    for _ in range(3000):
        if os.path.exists(os.path.join(d, "started")):
            break
        time.sleep(0.01)
    s.sendall(req(paths[1]))
    open(os.path.join(d, "go"), "w").close()
elif mode == "batch":
    s.sendall(b"".join(req(p) for p in paths))
for p in paths:
    if mode == "seq":
        s.sendall(req(p))
    response()
for st, p in zip(got, paths):
    print(st, p)
EOF2
	python3 "$tmp/srv.py" "$pport" "$tmp/www" >/dev/null 2>&1 &
	srv="$srv $!"
	until_up "http://127.0.0.1:$pport/"
	start_http
	python3 "$tmp/pipe.py" "$tmp/www" "$pport" hold "/$tag/hold" \
		"/$tag/none" >"$tmp/py.out" ||
		fail "python3 client: $(cat "$tmp/py.out")"
	python3 "$tmp/pipe.py" "$tmp/www" "$port" seq "/$tag/index.html" \
		"/$tag/missing" "/$tag/big.html" >>"$tmp/py.out" ||
		fail "nginx client: $(cat "$tmp/py.out")"
	python3 "$tmp/pipe.py" "$tmp/www" "$port" batch "/$tag/b1" \
		"/$tag/index.html?b=2" "/$tag/b3" >>"$tmp/py.out" ||
		fail "nginx batch client: $(cat "$tmp/py.out")"
	printf '%s\n' "200 /$tag/hold" "404 /$tag/none" "200 /$tag/index.html" \
		"404 /$tag/missing" "200 /$tag/big.html" "404 /$tag/b1" \
		"200 /$tag/index.html?b=2" "404 /$tag/b3" |
		cmp -s - "$tmp/py.out" || fail "the clients got: $(cat "$tmp/py.out")"
	wait_out "kind=client .*url.path=\"/$tag/b1\".*status_code=404"
	wait_out "kind=server .*url.path=\"/$tag/b1\".*status_code=404"
	sleep 0.3
	stop
	expect "client no python3 GET /$tag/b1 404
client no python3 GET /$tag/big.html 200
client no python3 GET /$tag/hold 200
client no python3 GET /$tag/index.html 200
client no python3 GET /$tag/missing 404
client no python3 GET /$tag/none 404
server no nginx GET /$tag/b1 404
server no nginx GET /$tag/big.html 200
server no nginx GET /$tag/index.html 200
server no nginx GET /$tag/missing 404
server no python3 GET /$tag/hold 200
server no python3 GET /$tag/none 404\n"
	;;
options)
	# the recipe's parameters: url.query redacted by default, kept or
	# stripped; filters by method, path prefix and port; sampling
	need python3 curl
	port=$(free_port)
	port2=$(free_port)
	mkdir -p "$tmp/www/$tag"
	echo hi >"$tmp/www/$tag/k"
	for p in $port $port2; do
		(cd "$tmp/www" && exec python3 -m http.server "$p" \
			--bind 127.0.0.1 >/dev/null 2>&1) &
		srv="$srv $!"
		until_up "http://127.0.0.1:$p/"
	done
	start_http
	curl -s -o /dev/null "http://127.0.0.1:$port/$tag/k?user=ann&id=7&flag"
	wait_out "url.path=\"/$tag/k\".*status_code=200"
	sleep 0.3
	stop
	[ "$(spans | awk -v t="/$tag/k" '$5 == t { print $1, $7, $8 }' |
		LC_ALL=C sort | tr '\n' ' ')" = \
		"client user=?&id=?&flag $port server user=?&id=?&flag $port " ] ||
		fail "redacted: $(spans | grep "/$tag/")"
	has "$out" "^@requests\[server, GET, /$tag/k, 200\]: 1$"
	# kept; only GETs under /$tag/k on $port
	start_http -- --query=keep --method=GET --path=/$tag/k --port=$port
	curl -s -o /dev/null "http://127.0.0.1:$port/$tag/k?a=1&b=two"
	curl -s -o /dev/null -X POST -d x "http://127.0.0.1:$port/$tag/k"
	curl -s -o /dev/null "http://127.0.0.1:$port/$tag/other"
	curl -s -o /dev/null "http://127.0.0.1:$port2/$tag/k?on=port2"
	curl -s -o /dev/null "http://127.0.0.1:$port/$tag/k?last=1"
	wait_out "url.query=\"last=1\""
	sleep 0.3
	stop
	spans | awk -v t="/$tag" 'index($5, t) == 1 { print $1, $4, $5, $6, $7 }' |
		LC_ALL=C sort >"$tmp/got"
	printf '%s\n' "client GET /$tag/k 200 a=1&b=two" \
		"client GET /$tag/k 200 last=1" \
		"server GET /$tag/k 200 a=1&b=two" \
		"server GET /$tag/k 200 last=1" >"$tmp/want"
	cmp -s "$tmp/want" "$tmp/got" ||
		fail "filters: $(diff "$tmp/want" "$tmp/got")"
	# stripped; one request in 2 (of 100: none or all would be a
	# 2^-99 chance)
	start_http -- --query=strip --sample=2 --port=$port
	i=0
	while [ $i -lt 100 ]; do
		echo "url = \"http://127.0.0.1:$port/$tag/k?n=$i\""
		echo "output = /dev/null"
		i=$((i + 1))
	done >"$tmp/curl.cfg"
	curl -s -K "$tmp/curl.cfg"
	sleep 0.5
	stop
	n=$(spans | awk -v t="/$tag/k" '$1 == "server" && $5 == t' | wc -l)
	[ "$n" -gt 0 ] && [ "$n" -lt 100 ] || fail "sampled $n of 100"
	spans | awk -v t="/$tag/k" '$5 == t && $7 != "-"' | grep . &&
		fail "a query not stripped"
	;;
node_tls)
	# Node's statically linked OpenSSL: an https server and client
	need node openssl
	nginx_conf
	start_http
	node "$(dirname "$0")/../progs/http/tls.js" "$tmp/ng/key.pem" \
		"$tmp/ng/cert.pem" "/$tag/n1?x=1" "/$tag/missing" \
		>"$tmp/node.out" 2>&1 || fail "node: $(cat "$tmp/node.out")"
	wait_out "url.path=\"/$tag/missing\".*status_code=404"
	sleep 0.3
	stop
	expect "client yes node GET /$tag/missing 404
client yes node GET /$tag/n1 200
server yes node GET /$tag/missing 404
server yes node GET /$tag/n1 200\n"
	;;
distributed)
	# OpenTelemetry's Node SDK (a CLIENT span, its traceparent on the
	# request) -> service A -> service B, A and B Python servers that
	# forward the traceparent; one etrace http --otlp traces them all.
	# The receiver gets one trace: the SDK's span -> etrace's client
	# span of the Node request -> A's server span -> A's client span
	# -> B's server span.
	need node python3
	here=$(cd "$(dirname "$0")" && pwd)
	modules=$("$here/../otlp/setup.sh")/node_modules ||
		skip "the npm packages of tests/otlp are not installed"
	node "$here/../otlp/receiver.js" --modules "$modules" \
		--out "$tmp/recv.json" --port-file "$tmp/rport" &
	srv="$srv $!"
	hop="$here/../progs/http/hop.py"
	python3 "$hop" "$tmp/bport" &
	srv="$srv $!"
	for f in rport bport; do
		for _ in $(seq 1 200); do
			[ -s "$tmp/$f" ] && break
			sleep 0.05
		done
		[ -s "$tmp/$f" ] || fail "$f: not started"
	done
	python3 "$hop" "$tmp/aport" \
		"http://127.0.0.1:$(cat "$tmp/bport")/$tag/b" &
	srv="$srv $!"
	for _ in $(seq 1 200); do
		[ -s "$tmp/aport" ] && break
		sleep 0.05
	done
	url=http://127.0.0.1:$(cat "$tmp/rport")
	start_http -f json --otlp "$url" -- --path=/$tag
	ids=$(timeout 30 node "$here/../otlp/client.js" "$modules" \
		"http://127.0.0.1:$(cat "$tmp/aport")/$tag/a" "$url") ||
		fail "the client failed: $ids"
	set -- $ids
	[ "$3" = 200 ] || fail "A answered $3"
	wait_out "\"url.path\": \"/$tag/a\".*\"kind\": \"server\"\|\"kind\": \"server\".*\"url.path\": \"/$tag/a\""
	sleep 0.3
	stop
	python3 - "$tmp/recv.json" "$1" "$2" "$tag" >"$tmp/c" 2>&1 <<'PY' ||
import json, sys
recv, trace, sdk, tag = sys.argv[1:]
spans = [s for r in map(json.loads, open(recv))
         if r["path"] == "/v1/traces" and r["answered"] == 200
         for rs in r["body"]["resourceSpans"] for ss in rs["scopeSpans"]
         for s in ss["spans"]]
def attr(s, k):
    for a in s.get("attributes", []):
        if a["key"] == k:
            return list(a["value"].values())[0]
def one(kind, path):
    f = [s for s in spans if s.get("name") == "http" and s["kind"] == kind
         and attr(s, "url.path") == path]
    assert len(f) == 1, (kind, path, f)
    return f[0]
node = one(3, "/%s/a" % tag)
a_srv = one(2, "/%s/a" % tag)
a_cli = one(3, "/%s/b" % tag)
b_srv = one(2, "/%s/b" % tag)
chain = [(node, sdk), (a_srv, node["spanId"]), (a_cli, a_srv["spanId"]),
         (b_srv, a_cli["spanId"])]
for s, parent in chain:
    assert s["traceId"] == trace, (s, trace)
    assert s.get("parentSpanId") == parent, (s, parent)
assert [s for s in spans if s["spanId"] == sdk][0]["kind"] == 3
print("ok")
PY
		fail "the trace: $(cat "$tmp/c")"
	;;
*)
	fail "unknown case $case"
	;;
esac
exit 0
