# statsnoop.bt: stat of a missing file with a unique name (ERR 2).
HEADER=3
EVENT_RE='^[0-9]+ +.{16} [ 0-9]{2}[0-9] '
activity() {
	stat "$WORK/$TOKEN.missing" 2>/dev/null &
	MPID=$!
	wait $MPID
	return 0
}
mark() { echo "^$MPID +stat +2 $WORK/$TOKEN\\.missing\$"; }
