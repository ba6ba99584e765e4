# execsnoop.bt of bpftrace 0.26: exec of /bin/true with a unique argument;
# 0.26 prints the wall-clock time and the parent's pid (this shell's).
HEADER=2
EVENT_RE='^[0-9:.]{15} [0-9]+ +[0-9]+ +'
COMPARE=0
NO_COMPARE="0.26's columns differ from bpftrace 0.17's version"
activity() {
	/bin/true "$TOKEN" &
	MPID=$!
	wait $MPID
}
mark() { echo "^[0-9:.]{15} $MPID +$$ +/bin/true $TOKEN\$"; }
