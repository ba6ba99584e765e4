# opensnoop.bt: cat of a missing file with a unique name (FD -1, ERR 2).
HEADER=3
EVENT_RE='^[0-9]+ +.{16} [- 0-9]{3}[0-9] [ 0-9]{2}[0-9] '
activity() {
	cat "$WORK/$TOKEN.missing" 2>/dev/null &
	MPID=$!
	wait $MPID
	return 0
}
mark() { echo "^$MPID +cat +-1 +2 $WORK/$TOKEN\\.missing\$"; }
