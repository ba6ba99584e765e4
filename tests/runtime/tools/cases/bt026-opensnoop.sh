# opensnoop.bt of bpftrace 0.26: cat of a missing file with a unique
# absolute name (FD -1, ERR 2).
HEADER=3
EVENT_RE='^[0-9]+ +.{16} [- 0-9]{3}[0-9] [ 0-9]{2}[0-9] '
COMPARE=0
NO_COMPARE="0.26's header is printed in pieces; columns as 0.17's"
activity() {
	cat "$WORK/$TOKEN.missing" 2>/dev/null &
	MPID=$!
	wait $MPID
	return 0
}
mark() { echo "^$MPID +cat +-1 +2 $WORK/$TOKEN\\.missing\$"; }
