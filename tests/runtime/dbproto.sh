#!/bin/sh
# Runtime tests of the database recipes (stdlib/redis.et...) and of
# redaction (redact(), config redact) with real BPF, against real
# servers and clients from Debian started here on free ports.
#   dbproto.sh ETRACE CASE
# redis: etrace redis -- --port=P over redis-server, redis-cli and a
#   pipelined client (python3, three commands in one write): client and
#   server spans with their attributes, the arguments redacted, an error
#   reply, the RED maps' counts; --redact=false keeps the arguments;
#   --sample=2 keeps the 1st and 3rd command of a connection; a command
#   sent while the thread has a span of the program open is its child.
# pgsql: etrace pgsql -- --port=P over postgres 15, psql and a client of
#   the extended protocol (python3: a named statement bound twice): the
#   spans of both sides, literals redacted, completion tags, an error's
#   SQLSTATE, RED counts; --redact=false keeps the literals.
# mysql: etrace mysql -- --port=P over mariadbd and the mariadb client
#   (COM_QUERY; mariadbd reads each packet's header and payload apart):
#   the spans of both sides, literals redacted, an error's code, RED counts.
# redact: redact() and config redact on a program's strings, in text,
#   JSON, maps and span attributes.
# Exits 77 (skipped) when a server or client is missing.
etrace=$1
case=$2
. "$(dirname "$0")/rtlib.sh"

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
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

need() {
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 || skip "$p not installed"
	done
}

# start ARGS...: etrace in the background, attached; a recipe of some
# twenty probes takes a while to pass the verifier on a loaded machine
start() {
	"$etrace" "$@" >"$out" 2>"$err" &
	bg=$!
	for _ in $(seq 1 1800); do
		grep -q '^Attaching' "$out" 2>/dev/null && return 0
		kill -0 "$bg" 2>/dev/null || fail "etrace ended before attaching"
		sleep 0.05
	done
	fail "etrace did not attach in 90 s"
}

# stop: SIGTERM; etrace prints its maps and ends (in 30 s), status 0
stop() {
	kill -TERM "$bg"
	for _ in $(seq 1 600); do
		kill -0 "$bg" 2>/dev/null || break
		sleep 0.05
	done
	wait_bg 0
}

# spans NAME PATTERN: the number of span lines of block NAME matching
# PATTERN (grep -E)
spans() {
	grep -E "^span $1 " "$out" | grep -cE -- "$2"
}

# want_spans NAME PATTERN N
want_spans() {
	n=$(spans "$1" "$2")
	[ "$n" = "$3" ] || fail "$n spans $1 matching '$2', expected $3"
}

tag=etrace$$

# long_query TABLE: a select of TABLE of about 250 bytes (past the 64 of
# the recipes' strlen, within the 255 of their query text), without
# literals (redaction leaves it as it is)
long_query() {
	q=select
	for w in alpha bravo charlie delta echo foxtrot golf hotel india \
		juliet kilo lima; do
		q="$q a as ${w}_column,"
	done
	printf '%s from %s' "${q%,}" "$1"
}

case "$case" in
redis)
	need redis-server redis-cli python3
	port=$(free_port)
	redis-server --port "$port" --bind 127.0.0.1 --save "" \
		--appendonly no --dir "$tmp" >/dev/null 2>&1 &
	srv="$srv $!"
	for _ in $(seq 1 100); do
		redis-cli -p "$port" ping >/dev/null 2>&1 && break
		sleep 0.1
	done
	# a client that sends its commands on one connection: all in one
	# write (a pipeline), or one at a time
	cat >"$tmp/cli.py" <<'PY'
import socket, sys
port, mode, tag = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def cmd(*a):
    return b"*%d\r\n" % len(a) + b"".join(
        b"$%d\r\n%s\r\n" % (len(x), x) for x in (s.encode() for s in a))
s = socket.create_connection(("127.0.0.1", port))
# the pipeline's key is short: its three commands fit the 63 bytes the
# recipe reads
k = "k" if mode == "pipeline" else tag + ":p"
cmds = [cmd("SET", k, "1"), cmd("INCR", k), cmd("GET", k), cmd("DEL", k)]
def replies(n):
    data = b""
    while data.count(b"\r\n") < n:
        d = s.recv(4096)
        if not d:
            sys.exit("closed")
        data += d
if mode == "pipeline":
    s.sendall(b"".join(cmds[:3]))
    replies(3)
else:
    for c in cmds:
        s.sendall(c)
        replies(1)
PY
	start redis -- --port="$port"
	wait_out '^Tracing Redis'
	redis-cli -p "$port" set "$tag" alice@example.org >/dev/null
	redis-cli -p "$port" get "$tag" >/dev/null
	redis-cli -p "$port" incr "$tag" >/dev/null 2>&1
	python3 "$tmp/cli.py" "$port" pipeline "$tag" || fail "pipeline"
	wait_out 'comm=python3 .*db.query.text="SET ? ?; INCR ?; GET ?"'
	stop
	c='kind=client .*db.system.name="redis" db.operation.name'
	a="server.port=$port server.address=\"127.0.0.1\""
	want_spans redis_client "$c=\"SET\" db.query.text=\"SET \? \?\" $a db.response.type=\"string\"" 1
	want_spans redis_client "$c=\"GET\" db.query.text=\"GET \?\" $a db.response.type=\"bulk\"" 1
	want_spans redis_client "kind=client status=error .*db.operation.name=\"INCR\" db.query.text=\"INCR \?\" $a db.response.type=\"error\" db.response.status_code=\"ERR value is not an integer " 1
	want_spans redis_client "comm=python3 $c=\"SET\" db.query.text=\"SET \? \?; INCR \?; GET \?\" $a" 1
	s='comm=redis-server kind=server .*db.system.name="redis"'
	want_spans redis_server "$s db.operation.name=\"SET\" db.query.text=\"SET \? \?\" client.port=[1-9][0-9]* db.response.type=\"string\"" 1
	want_spans redis_server "comm=redis-server kind=server status=error .*db.operation.name=\"INCR\" db.query.text=\"INCR \?\"" 1
	want_spans redis_server "$s .*db.query.text=\"SET \? \?; INCR \?; GET \?\"" 1
	# nothing of the values left etrace
	grep -q "alice@example\|$tag" "$out" && fail "an argument was printed"
	has "$out" '^@requests\[client, SET\]: 2$'
	has "$out" '^@requests\[server, SET\]: 2$'
	has "$out" '^@requests\[client, GET\]: 1$'
	has "$out" '^@errors\[client, INCR\]: 1$'
	has "$out" '^@errors\[server, INCR\]: 1$'
	[ "$(grep -c '^@errors' "$out")" = 2 ] || fail "errors: $(grep '^@errors' "$out")"
	has "$out" '^@latency_us\[client, GET\]:'
	# the arguments kept; one command in two of a connection
	start redis -- --port="$port" --redact=false --sample=2
	wait_out '^Tracing Redis'
	redis-cli -p "$port" set "$tag" alice@example.org >/dev/null
	python3 "$tmp/cli.py" "$port" one "$tag" || fail "client"
	wait_out "comm=python3 .*db.query.text=\"GET $tag:p\""
	stop
	want_spans redis_client "db.query.text=\"SET $tag alice@example.org\"" 1
	want_spans redis_client "comm=python3 .*db.query.text=\"SET $tag:p 1\"" 1
	want_spans redis_client "comm=python3 .*db.query.text=\"GET $tag:p\"" 1
	want_spans redis_client "comm=python3" 2
	want_spans redis_server "comm=redis-server" 3
	# a command sent while its thread serves a request (a span of the
	# same program open) is that request's child: the recipe and a span
	# from the client's getppid() to its getpid() around its commands
	{ cat "$(dirname "$0")/../../stdlib/redis.et"; cat <<'ET'
span request {
	key (tid);
	begin tracepoint:syscalls:sys_enter_getppid /comm == "python3"/ { span.kind = server; }
	end tracepoint:syscalls:sys_enter_getpid /comm == "python3"/ { }
}
ET
	} >"$tmp/nest.et"
	cat >"$tmp/nest.py" <<'PY'
import os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
os.getppid()
s.sendall(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
s.recv(4096)
os.getpid()
PY
	start "$tmp/nest.et" -- --port="$port"
	wait_out '^Tracing Redis'
	python3 "$tmp/nest.py" "$port" || fail "nested client"
	wait_out '^span request '
	stop
	req=$(grep '^span request ' "$out" | head -1)
	trace=$(echo "$req" | sed -n 's/.* trace=\([0-9a-f]*\) id=\([0-9a-f]*\) .*/\1/p')
	id=$(echo "$req" | sed -n 's/.* trace=\([0-9a-f]*\) id=\([0-9a-f]*\) .*/\2/p')
	[ -n "$id" ] || fail "no request span"
	want_spans redis_client "trace=$trace id=[0-9a-f]* parent=$id .*comm=python3 kind=client .*db.operation.name=\"GET\"" 1
	;;
pgsql)
	pgbin=/usr/lib/postgresql/15/bin
	[ -x $pgbin/initdb ] || skip "PostgreSQL 15 not installed"
	need psql python3
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
	srv="$srv $(head -1 "$tmp/pg/data/postmaster.pid" 2>/dev/null)"
	# the extended protocol: a named statement parsed once, bound and
	# executed twice (Parse, Bind, Execute, Sync; then Bind, Execute,
	# Sync), as drivers with prepared statements send it
	cat >"$tmp/pgx.py" <<'PY'
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
def bind(v):
    return (msg(b"B", b"\0st1\0" + b"\0\0" + b"\0\x01" +
                struct.pack("!I", len(v)) + v + b"\0\0") +
            msg(b"E", b"\0" + b"\0\0\0\0") + msg(b"S", b""))
s.sendall(msg(b"P", b"st1\0select $1::int + 7 where 'k' = 'k'\0\0\0") + bind(b"41"))
until_ready()
s.sendall(bind(b"42"))
until_ready()
s.sendall(msg(b"X", b""))
PY
	start pgsql -- --port="$port"
	wait_out '^Tracing PostgreSQL'
	psql -h 127.0.0.1 -p "$port" -U postgres -q \
		-c "create table t$$ (a int, s text)" \
		-c "insert into t$$ values (1, 'bob@example.org'), (2, 'x')" \
		-c "select * from t$$ where s = 'x'" -c "select * from nope$$" \
		-c "$(long_query t$$)" >/dev/null 2>&1
	python3 "$tmp/pgx.py" "$port" || fail "extended query"
	wait_out 'comm=python3 .*db.response.tag="SELECT 1"'
	sleep 1
	stop
	c='comm=psql kind=client db.system.name="postgresql"'
	s='comm=postgres kind=server db.system.name="postgresql"'
	for side in "$c" "$s"; do
		want_spans 'pgsql_(client|server)' "$side db.operation.name=\"create\" db.query.text=\"create table t$$ \(a int, s text\)\" .*db.response.tag=\"CREATE TABLE\"" 1
		want_spans 'pgsql_(client|server)' "$side db.operation.name=\"insert\" db.query.text=\"insert into t$$ values \(\?, \?\), \(\?, \?\)\" .*db.response.tag=\"INSERT 0 2\"" 1
		want_spans 'pgsql_(client|server)' "$side db.operation.name=\"select\" db.query.text=\"select \* from t$$ where s = \?\" .*db.response.tag=\"SELECT 1\"" 1
	done
	want_spans pgsql_client "comm=psql kind=client status=error .*db.query.text=\"select \* from nope$$\" server.port=$port db.response.tag=\"\" db.response.status_code=\"42P01\"" 1
	want_spans pgsql_server "comm=postgres kind=server status=error .*db.query.text=\"select \* from nope$$\" client.port=[1-9][0-9]* db.response.tag=\"\" db.response.status_code=\"42P01\"" 1
	# the named statement: its Parse's text for both of its Binds
	want_spans pgsql_client "comm=python3 kind=client db.system.name=\"postgresql\" db.operation.name=\"select\" db.query.text=\"select \\\$1::int \+ \? where \? = \?\" server.port=$port db.response.tag=\"SELECT 1\"" 2
	# a query of about 250 bytes, whole (not cut at strlen)
	want_spans pgsql_client "comm=psql kind=client .*db.query.text=\"$(long_query t$$)\"" 1
	want_spans pgsql_server "comm=postgres kind=server .*db.query.text=\"$(long_query t$$)\"" 1
	grep -q "bob@example" "$out" && fail "a literal was printed"
	has "$out" '^@requests\[client, insert\]: 1$'
	has "$out" '^@requests\[client, select\]: 5$'
	has "$out" '^@errors\[client, select\]: 1$'
	has "$out" '^@errors\[server, select\]: 1$'
	# the literals kept
	start pgsql -- --port="$port" --redact=false
	wait_out '^Tracing PostgreSQL'
	psql -h 127.0.0.1 -p "$port" -U postgres -q \
		-c "select * from t$$ where s = 'x'" >/dev/null 2>&1
	wait_out 'comm=psql .*db.response.tag="SELECT 1"'
	stop
	want_spans pgsql_client "db.query.text=\"select \* from t$$ where s = 'x'\"" 1
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
	srv="$srv $!"
	for _ in $(seq 1 300); do
		mariadb -h 127.0.0.1 -P "$port" -u root -e 'select 1' \
			>/dev/null 2>&1 && break
		sleep 0.1
	done
	start mysql -- --port="$port"
	wait_out '^Tracing MySQL'
	mariadb -h 127.0.0.1 -P "$port" -u root -e \
		"create database d$$; create table d$$.t (a int, s text); insert into d$$.t values (1, 'bob@example.org'); select * from d$$.t where s = 'x'; $(long_query d$$.t); select * from d$$.nope" \
		>/dev/null 2>&1
	wait_out 'comm=mariadbd .*db.response.status_code=1146'
	wait_out 'comm=mariadb .*db.response.status_code=1146'
	stop
	for side in "comm=mariadb kind=client .*server.port=$port" \
		"comm=mariadbd kind=server .*client.port=[1-9][0-9]*"; do
		want_spans 'mysql_(client|server)' "$side db.response.type=\"ok\"" 3
		want_spans 'mysql_(client|server)' "$side db.response.type=\"resultset\"" 2
	done
	for side in 'comm=mariadb kind=client' 'comm=mariadbd kind=server'; do
		want_spans 'mysql_(client|server)' "$side db.system.name=\"mysql\" db.operation.name=\"create\" db.query.text=\"create database d$$\"" 1
		want_spans 'mysql_(client|server)' "$side db.system.name=\"mysql\" db.operation.name=\"insert\" db.query.text=\"insert into d$$.t values \(\?, \?\)\"" 1
		want_spans 'mysql_(client|server)' "$side db.system.name=\"mysql\" db.operation.name=\"select\" db.query.text=\"select \* from d$$.t where s = \?\"" 1
	done
	want_spans mysql_client "comm=mariadb kind=client status=error db.system.name=\"mysql\" db.operation.name=\"select\" db.query.text=\"select \* from d$$.nope\" server.port=$port db.response.type=\"error\" db.response.status_code=1146" 1
	want_spans mysql_server "comm=mariadbd kind=server status=error .*db.response.status_code=1146" 1
	# a query of about 250 bytes: whole as the client writes it; mariadbd
	# reads a packet's header and payload apart, and a payload alone is
	# read as str() (strlen: 63 bytes)
	want_spans mysql_client "comm=mariadb kind=client .*db.query.text=\"$(long_query d$$.t)\"" 1
	want_spans mysql_server "comm=mariadbd kind=server .*db.query.text=\"$(long_query d$$.t | head -c 63)\"" 1
	grep -q "bob@example" "$out" && fail "a literal was printed"
	has "$out" '^@requests\[client, select\]: 3$'
	has "$out" '^@requests\[server, create\]: 2$'
	has "$out" '^@errors\[client, select\]: 1$'
	has "$out" '^@errors\[server, select\]: 1$'
	;;
redact)
	RUN_TIMEOUT=60
	run 0 -e 'BEGIN {
	$s = "mail bob@example.com card 4111-1111-1111-1111 not 4111-1111-1111-1112 ssn 078-05-1120 from 10.1.2.3";
	printf("%s\n", redact($s));
	printf("%s\n", redact("SELECT * FROM t WHERE a = '"'x'"' AND b = 42", "sql"));
	printf("[%-12s]\n", redact("1.2.3.4", "ipv4"));
	@m[redact("user ann@example.net")] = count();
	@t = (1, redact("password=hunter2&x=1", "secret"));
	printf("%s\n", $s);
	exit(); }'
	same 'Attaching 1 probe...
mail <email> card <card> not 4111-1111-1111-1112 ssn <ssn> from <ipv4>
SELECT * FROM t WHERE a = ? AND b = ?
[<ipv4>      ]
mail bob@example.com card 4111-1111-1111-1111 not 4111-1111-1111-1112 ssn 078-05-1120 from 10.1.2.3


@m[user <email>]: 1
@t: (1, password=<secret>&x=1)
'
	# config redact: every string; JSON too
	run 0 -f json -e 'config = { redact = "email,ipv4" }
BEGIN { printf("%s\n", "to bob@example.com at 10.0.0.7 card 4111111111111111");
	@a["ann@example.net"] = 1; exit(); }'
	has "$out" '"data": "to <email> at <ipv4> card 4111111111111111\\n"'
	has "$out" '"@a": {"<email>": 1}'
	# a span attribute (the text line)
	run 0 -c "true bob@example.com" -e '
span x { key (tid);
	begin tracepoint:syscalls:sys_enter_execve { span.who = redact(str(args.argv[1]), "email"); }
	end tracepoint:syscalls:sys_exit_execve { } }'
	has "$out" 'who="<email>"'
	;;
*)
	fail "unknown case $case"
	;;
esac
exit 0
