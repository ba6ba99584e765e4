# killsnoop.bt of bpftrace 0.26: kill -0 of a sleeping child; 0.26 prints
# times to the microsecond and the signal's name (N/A for 0).
HEADER=3
EVENT_RE='^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} +[0-9]+ '
COMPARE=0
NO_COMPARE="0.26's columns differ from bpftrace 0.17's version"
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
mark() { echo "^[0-9:.]{15} +$MPID kill +N/A +$TPID +0\$"; }
