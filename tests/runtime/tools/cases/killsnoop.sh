# killsnoop.bt: kill -0 of a sleeping child (SIG 0, RESULT 0).
HEADER=3
EVENT_RE='^[0-9]{2}:[0-9]{2}:[0-9]{2}  [0-9]+ +'
MASK=1-8	# TIME
activity() {
	sleep 5 &
	TPID=$!
	/usr/bin/kill -0 $TPID &
	MPID=$!
	wait $MPID
	kill $TPID
	wait $TPID
	return 0
}
mark() { echo "^[0-9:]{8}  $MPID +kill +0 +$TPID +0\$"; }
