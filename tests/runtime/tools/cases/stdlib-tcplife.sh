# stdlib/tcplife.et: one TCP session on loopback
# (tests/progs/activity/tcpconn.c): the client sends 300000 bytes and
# gets 150000 back (292 and 146 KiB); both ends' lines, the client's
# (closed first) and the server's.
HEADER=2
EVENT_RE='^[0-9]+ +.{10} [0-9a-f.:]+ +[0-9]+ +[0-9a-f.:]+ +[0-9]+ +[0-9]+ +[0-9]+ [0-9]+$'
COMPARE=0
NO_COMPARE="bpftrace 0.17 misses the first state changes of
sock:inet_sock_set_state here (to SYN_SENT, ESTABLISHED), which the
recipe needs: it prints no line"
prepare() {
	PORT=$((20000 + RANDOM % 20000))
}
activity() {
	"$PROGS/tcpconn" $PORT 300000 &
	MPID=$!
	wait $MPID || return 1
	EXPECT=("^$MPID +tcpconn +127\\.0\\.0\\.1 +$PORT +127\\.0\\.0\\.1 +[0-9]+ +146 +292 [0-9]+\$")
}
mark() {
	echo "^$MPID +tcpconn +127\\.0\\.0\\.1 +[0-9]+ +127\\.0\\.0\\.1" \
	     "+$PORT +292 +146 [0-9]+\$"
}
