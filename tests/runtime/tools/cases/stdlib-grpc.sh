# stdlib/grpc.et: a python3-grpcio server and client on loopback
# (tests/progs/h2/grpc_echo.py, h2c): the server's span of a unary call
# (tests/runtime/h2.sh checks every span, TLS, and nginx under h2load).
HEADER=2
EVENT_RE='^span '
COMPARE=0 NO_COMPARE="bpftrace 0.17 has no spans and no HTTP/2 decoding"
prepare() {
	/usr/bin/python3 -c 'import grpc' 2>/dev/null ||
		skip "python3-grpcio not installed"
}
activity() {
	/usr/bin/python3 "$SRC/tests/progs/h2/grpc_echo.py" serve \
		"$WORK/port" &
	GPID=$!
	for _ in $(seq 1 200); do
		[ -s "$WORK/port" ] && break
		sleep 0.05
	done
	/usr/bin/python3 "$SRC/tests/progs/h2/grpc_echo.py" call \
		"$(cat "$WORK/port")" 2 >/dev/null
	kill $GPID
	wait $GPID
	EXPECT=('^SIDE +REQUEST +STATUS +COUNT' \
		'^server +etrace\.test\.Echo/Unary +0 +2 +0 ')
	return 0
}
mark() {
	echo "^span etrace\\.test\\.Echo/Unary trace=[0-9a-f]{32} id=[0-9a-f]{16} .* pid=$GPID .* kind=server rpc\\.system=\"grpc\" rpc\\.service=\"etrace\\.test\\.Echo\" rpc\\.method=\"Unary\" rpc\\.grpc\\.status_code=0 "
}
