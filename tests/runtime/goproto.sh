#!/bin/sh
# Go protocols as spans (issue #16 part 6; real BPF, as root): one case
# per ctest test. Each builds tests/progs/goproto/gohttp.go (Debian's Go
# 1.19, GOPATH mode, offline) in its temporary directory.
#   funcspan  span("name") on a Go function: ended at its RET uprobes,
#             keyed by goroutine and stack depth (recursion nests, a
#             deep one grows the goroutine's stack while spans are open)
#   tls       etrace gotls: the plaintext of crypto/tls (*Conn).Write
#             (entry) and Read (the count it returns), per goroutine
#   grpc      etrace gogrpc on grpc-go's health service (a server and
#             client in one process, tests/progs/goproto/gogrpc.go):
#             one server and one client span per unary call, method and
#             status code
#   goroutines  span("name") in 8 goroutines one thread runs, all open
#             at once: the parent of a span is the open span of its own
#             goroutine (none for work, work's for inner), not the
#             thread's
#   server    etrace gohttp on the net/http server, requests by curl: one
#             server span per request, its method, path and status
#   client    etrace gohttp on the net/http client: one client span per
#             request, its method, host, path and status
#   goproto.sh ETRACE ETRACE_RUN CASE
# Exit 77: not root, or no Go toolchain (or no curl, for server).
set -u
etrace=$1
etrace_run=$2
case=$3
src=$(cd "$(dirname "$0")/../progs/goproto" && pwd)/gohttp.go

RUN_TIMEOUT=60
. "$(dirname "$0")/rtlib.sh"

GO=$(command -v go || echo /usr/lib/go/bin/go)
[ -x "$GO" ] || skip "no Go toolchain (golang-go)"
B=$tmp/gohttp
GOCACHE=$tmp/gocache GOPATH=$tmp/gopath GO111MODULE=off GOFLAGS= \
	GOPROXY=off "$GO" build -o "$B" "$src" >"$tmp/build" 2>&1 ||
	{ cat "$tmp/build"; fail "go build failed"; }

# spans NAME: the span lines of span NAME in stdout, in $tmp/spans
spans() {
	grep "^span $1 " "$out" >"$tmp/spans"
}

# one ATTRS: exactly one span line of $tmp/spans ends with ATTRS
one() {
	n=$(grep -c -- " $1\$" "$tmp/spans")
	[ "$n" = 1 ] || fail "$n spans with '$1' (expected 1)"
}

case $case in
funcspan)
	# nest(3) -> nest(2) -> ... nest(0): 4 spans, each the child of
	# the one of its caller (the same goroutine, one frame up)
	run 0 -c "$B nest 3" -e "uprobe:$B:main.nest { span(\"nest\"); span.n = args.n; }"
	has "$out" '^nest 3$'
	spans nest
	[ "$(wc -l <"$tmp/spans")" = 4 ] || fail "not 4 nest spans"
	id() { sed -n "s/.* id=\([0-9a-f]*\) .* n=$1\$/\1/p" "$tmp/spans"; }
	parent() { sed -n "s/.* parent=\([0-9a-f-]*\) .* n=$1\$/\1/p" "$tmp/spans"; }
	[ "$(parent 3)" = - ] || fail "nest(3) has a parent"
	for n in 0 1 2; do
		[ -n "$(id $((n + 1)))" ] && [ "$(parent $n)" = "$(id $((n + 1)))" ] ||
			fail "nest($n)'s parent is not nest($((n + 1)))"
	done
	# 3000 deep: Go copies the goroutine's stack (it grows from 8 KiB)
	# while spans are open; each call still ends its own span. -B line:
	# the program's last line, written to the same file as the 3001
	# spans, lands between two lines (fully buffered, etrace's 4 KiB
	# writes cut lines, and "nest 3000" once came out inside one)
	run 0 -B line -c "$B nest 3000" -e "uprobe:$B:main.nest { span(\"nest\"); span.n = args.n; }"
	has "$out" '^nest 3000$'
	spans nest
	[ "$(wc -l <"$tmp/spans")" = 3001 ] || fail "not 3001 nest spans"
	[ "$(sed 's/.* n=//' "$tmp/spans" | sort -n -u | wc -l)" = 3001 ] ||
		fail "not one span per depth"
	grep -q 'unmatched\|expired' "$err" && fail "spans lost: $(cat "$err")"
	;;
tls)
	run 0 gotls "$B" -c "$B tls 5"
	has "$out" '^pong 5$'
	# gohttp PID GOID DIR LEN DATA: the client's goroutine writes
	# "ping I" and reads "pong I", the server's the other way round
	awk '$1 == "gohttp" && NF == 7 { print $4, $5, $6, $7 }' "$out" |
		LC_ALL=C sort >"$tmp/got"
	for i in 1 2 3 4 5; do
		printf 'read 6 ping %d\nread 6 pong %d\nwrite 6 ping %d\nwrite 6 pong %d\n' \
			$i $i $i $i
	done | LC_ALL=C sort >"$tmp/want"
	cmp -s "$tmp/want" "$tmp/got" || fail "tls: $(diff "$tmp/want" "$tmp/got")"
	g() { awk -v d="$1" -v w="$2" '$4 == d && $6 == w { print $3 }' "$out" | sort -u; }
	[ "$(g write ping)" = "$(g read pong)" ] && [ "$(g read ping)" = "$(g write pong)" ] &&
		[ "$(g write ping)" != "$(g read ping)" ] && [ "$(g write ping | wc -l)" = 1 ] ||
		fail "goroutines of the writes and reads"
	;;
grpc)
	gs=/usr/share/gocode
	[ -d $gs/src/google.golang.org/grpc ] ||
		skip "no grpc-go in $gs (golang-google-grpc-dev)"
	G=$tmp/gogrpc
	GOCACHE=$tmp/gocache GOPATH=$gs GO111MODULE=off GOFLAGS= \
		GOPROXY=off "$GO" build -o "$G" "$(dirname "$src")/gogrpc.go" \
		>"$tmp/build" 2>&1 || { cat "$tmp/build"; fail "go build failed"; }
	(cd "$tmp" && mkdir run && cd run &&
		timeout "$RUN_TIMEOUT" "$etrace" gogrpc "$G" -c "$G 3" >"$out" 2>"$err")
	[ $? = 0 ] || fail "etrace gogrpc failed"
	[ "$(grep -c '^check SERVING OK$' "$out")" = 3 ] || fail "target output"
	spans grpc_server
	m='rpc.system="grpc" rpc.method="Check" rpc.grpc.full_method="/grpc.health.v1.Health/Check"'
	[ "$(grep -c " kind=server $m rpc.grpc.status_code=0\$" "$tmp/spans")" = 3 ] &&
		[ "$(grep -c " kind=server status=error $m rpc.grpc.status_code=5\$" "$tmp/spans")" = 3 ] &&
		[ "$(wc -l <"$tmp/spans")" = 6 ] || fail "server spans"
	spans grpc_client
	m='rpc.system="grpc" rpc.grpc.full_method="/grpc.health.v1.Health/Check"'
	[ "$(grep -c " kind=client $m\$" "$tmp/spans")" = 3 ] &&
		[ "$(grep -c " kind=client status=error $m\$" "$tmp/spans")" = 3 ] &&
		[ "$(wc -l <"$tmp/spans")" = 6 ] || fail "client spans"
	# a server span is no child of the client span that another
	# goroutine of the same thread has open
	grep '^span grpc_server' "$out" | grep -v ' parent=- ' >/dev/null &&
		fail "a server span has a parent"
	;;
goroutines)
	run 0 -c "$B par 8" -e "uprobe:$B:main.work { span(\"work\"); span.i = args.i; }
uprobe:$B:main.inner { span(\"inner\"); span.i = args.i; }"
	has "$out" '^par 72$'
	spans work
	[ "$(wc -l <"$tmp/spans")" = 8 ] || fail "not 8 work spans"
	grep -v ' parent=- ' "$tmp/spans" >/dev/null &&
		fail "a work span has a parent: $(grep -v ' parent=- ' "$tmp/spans")"
	for i in 1 2 3 4 5 6 7 8; do
		w=$(sed -n "s/.* id=\([0-9a-f]*\) .* i=$i\$/\1/p" "$tmp/spans")
		grep -q "^span inner .* parent=$w .* i=$i\$" "$out" ||
			fail "inner($i) is not the child of work($i)"
	done
	;;
server)
	command -v curl >/dev/null || skip "no curl"
	start gohttp "$B" -c "$B serve $tmp/port"
	for _ in $(seq 1 200); do
		[ -s "$tmp/port" ] && break
		sleep 0.05
	done
	[ -s "$tmp/port" ] || fail "the server did not start in 10 s"
	u=http://127.0.0.1:$(cat "$tmp/port")
	for p in ok created missing empty teapot/deep/path; do
		curl -s -o /dev/null -w "%{http_code} $p\n" "$u/$p" >>"$tmp/curl"
	done
	curl -s -o /dev/null -w "%{http_code} post\n" -X POST -d x "$u/ok" >>"$tmp/curl"
	curl -s -o /dev/null -w "%{http_code} head\n" -I "$u/created" >>"$tmp/curl"
	curl -s -o /dev/null -w "%{http_code} quit\n" "$u/quit" >>"$tmp/curl"
	printf '200 ok\n201 created\n404 missing\n200 empty\n418 teapot/deep/path\n200 post\n201 head\n202 quit\n' >"$tmp/want"
	cmp -s "$tmp/want" "$tmp/curl" || fail "curl: $(cat "$tmp/curl")"
	wait_bg 0
	has "$out" '^served$'
	spans http_server
	[ "$(wc -l <"$tmp/spans")" = 8 ] || fail "not 8 server spans"
	a() { echo "kind=server${3:+ status=$3} http.request.method=\"$1\" url.path=\"$2\" http.response.status_code=$4"; }
	one "$(a GET /ok '' 200)"
	one "$(a GET /created '' 201)"
	one "$(a GET /missing '' 404)"
	one "$(a GET /empty '' 200)"
	one "$(a GET /teapot/deep/path '' 418)"
	one "$(a POST /ok '' 200)"
	one "$(a HEAD /created '' 201)"
	one "$(a GET /quit '' 202)"
	grep -q '^span http_client' "$out" && fail "a client span in the server"
	;;
client)
	# the client against a server of its own (not traced)
	"$B" serve "$tmp/port" >"$tmp/server.out" 2>&1 &
	bg=$!
	for _ in $(seq 1 200); do
		[ -s "$tmp/port" ] && break
		sleep 0.05
	done
	[ -s "$tmp/port" ] || fail "the server did not start in 10 s"
	h=127.0.0.1:$(cat "$tmp/port")
	run 0 gohttp "$B" -c "$B get http://$h/ok http://$h/missing http://$h/teapot/x http://127.0.0.1:1/refused http://$h/quit"
	has "$out" "^200 http://$h/ok\$"
	has "$out" "^error "
	spans http_client
	[ "$(wc -l <"$tmp/spans")" = 5 ] || fail "not 5 client spans"
	a() { echo "kind=client${4:+ status=$4} http.request.method=\"GET\" server.address=\"$1\" url.path=\"$2\" http.response.status_code=$3"; }
	one "$(a "$h" /ok 200)"
	one "$(a "$h" /missing 404 error)"
	one "$(a "$h" /teapot/x 418 error)"
	one "$(a 127.0.0.1:1 /refused 0 error)"
	one "$(a "$h" /quit 202)"
	grep -q '^span http_server' "$out" && fail "a server span in the client"
	;;
*)
	fail "unknown case $case"
	;;
esac
exit 0
