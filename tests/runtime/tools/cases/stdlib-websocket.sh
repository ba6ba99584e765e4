# stdlib/websocket.et: a python3-websockets server and client on loopback
# (tests/progs/h2/ws_echo.py): the server's line of the client's close
# frame (tests/runtime/h2.sh checks every line).
HEADER=3
EVENT_RE='^[0-9]+ +[^ ]+ +[0-9]+ +(in|out) '
COMPARE=0 NO_COMPARE="bpftrace 0.17 has no protocol parsers"
prepare() {
	/usr/bin/python3 -c 'import websockets' 2>/dev/null ||
		skip "python3-websockets not installed"
}
activity() {
	/usr/bin/python3 "$SRC/tests/progs/h2/ws_echo.py" serve \
		"$WORK/port" &
	WPID=$!
	for _ in $(seq 1 200); do
		[ -s "$WORK/port" ] && break
		sleep 0.05
	done
	/usr/bin/python3 "$SRC/tests/progs/h2/ws_echo.py" call \
		"$(cat "$WORK/port")" >/dev/null
	kill $WPID
	wait $WPID
	EXPECT=('^@frames\[python3, in, text\]: 6$')
	return 0
}
mark() {
	echo "^$WPID +python3 +[0-9]+ +in +close +2 1000\$"
}
