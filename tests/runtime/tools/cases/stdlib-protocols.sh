# stdlib/protocols.et: a python3 process that serves and sends one HTTP
# request and one Redis command on loopback connections of its own: each
# end of each connection is one line with its protocol and 5-tuple, and
# @protocols counts them (tests/runtime/protocols.sh checks real servers
# of every protocol).
HEADER=3
EVENT_RE='^[a-z0-9]+ +[0-9]+ +'
COMPARE=0 NO_COMPARE="bpftrace 0.17 has no proto_detect()"
prepare() {
	PORT=$((20000 + RANDOM % 20000))
}
activity() {
	python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(2)
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
a, _ = s.accept()
c.sendall(b"GET /" + sys.argv[2].encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n")
a.recv(4096); a.sendall(b"HTTP/1.1 204 No Content\r\n\r\n"); c.recv(4096)
r = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
b, _ = s.accept()
r.sendall(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"); b.recv(4096)
' $PORT "$TOKEN" &
	MPID=$!
	wait $MPID || return 1
	EXPECT=("^http +$MPID +python3 +rx +127\\.0\\.0\\.1 +$PORT +127\\.0\\.0\\.1 +[1-9][0-9]*\$"
		"^redis +$MPID +python3 +tx +127\\.0\\.0\\.1 +[1-9][0-9]* +127\\.0\\.0\\.1 +$PORT\$"
		"^redis +$MPID +python3 +rx +127\\.0\\.0\\.1 +$PORT +127\\.0\\.0\\.1 +[1-9][0-9]*\$"
		"^@protocols\\[http\\]: [1-9]"
		"^@protocols\\[redis\\]: [1-9]")
}
mark() {
	echo "^http +$MPID +python3 +tx +127\\.0\\.0\\.1 +[1-9][0-9]* +127\\.0\\.0\\.1 +$PORT\$"
}
