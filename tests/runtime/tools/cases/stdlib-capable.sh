# stdlib/capable.et: chown of a file to another owner needs CAP_CHOWN
# (capability 0), which root has (RET 0).
HEADER=3
EVENT_RE='^[0-9]{2}:[0-9]{2}:[0-9]{2}  [0-9]+ +[0-9]+ +'
MASK=1-8	# TIME
COMPARE=mark
NO_COMPARE="every capability check on the machine is printed: only the
header and the mark line compare"
activity() {
	: >"$WORK/$TOKEN"
	chown 4242 "$WORK/$TOKEN" &
	MPID=$!
	wait $MPID
}
mark() { echo "^[0-9:]{8}  0 +$MPID +chown +0 +CAP_CHOWN +0\$"; }
