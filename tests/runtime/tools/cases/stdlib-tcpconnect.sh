# stdlib/tcpconnect.et: one TCP session on loopback
# (tests/progs/activity/tcpconn.c), and one connect() whose SYN is
# dropped (tcpdrop.c, in a private network namespace): both attempts.
HEADER=3
EVENT_RE='^[0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]+ +'
COMPARE=0
NO_COMPARE="bpftrace 0.17 misses the first state changes of
sock:inet_sock_set_state here (to SYN_SENT, ESTABLISHED), which the
recipe needs: it prints no line"
prepare() {
	PORT=$((20000 + RANDOM % 20000))
	DPORT=$((PORT + 1))
}
activity() {
	"$PROGS/tcpdrop" $DPORT 100 &
	DPID=$!
	wait $DPID || return 1
	EXPECT=("^[0-9:]{8} $DPID +tcpdrop +127\\.0\\.0\\.1 +[1-9][0-9]* +127\\.0\\.0\\.1 +$DPORT *\$")
	"$PROGS/tcpconn" $PORT 3000 &
	MPID=$!
	wait $MPID
}
mark() {
	echo "^[0-9:]{8} $MPID +tcpconn +127\\.0\\.0\\.1 +[1-9][0-9]*" \
	     "+127\\.0\\.0\\.1 +$PORT *\$"
}
