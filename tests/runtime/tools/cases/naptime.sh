# naptime.bt: one nanosleep(2) of 20 ms by tests/progs/activity/nanosleep.
HEADER=3
EVENT_RE='^[0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]+ +.{16} [0-9]+ +.{16} '
EVENT_RE+='[0-9]+\.[0-9]{3}$'
MASK=1-8	# TIME
activity() {
	"$PROGS/nanosleep" 20 &
	MPID=$!
	wait $MPID
}
mark() { echo "^[0-9:]{8} [0-9]+ +.{16} $MPID +nanosleep +0\\.020\$"; }
