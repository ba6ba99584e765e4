# stdlib/tcpretrans.et: a SYN dropped at lo's egress in a private network
# namespace (tests/progs/activity/tcpdrop.c), the socket kept 1.5 s: the
# SYN is retransmitted once (initial RTO 1 s), in state SYN_SENT.
HEADER=3
EVENT_RE='^[0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]+ +'
MASK="1-17"	# TIME, PID (the process the timer interrupted)
NO_COMPARE="volatile columns masked"
activity() {
	PORT=$((20000 + RANDOM % 20000))
	"$PROGS/tcpdrop" $PORT 1500 &
	MPID=$!
	wait $MPID
}
mark() {
	echo "^[0-9:]{8} [0-9]+ +127\\.0\\.0\\.1:[0-9]+ +127\\.0\\.0\\.1:$PORT" \
	     "+SYN_SENT\$"
}
