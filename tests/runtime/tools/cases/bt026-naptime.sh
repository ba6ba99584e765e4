# naptime.bt of bpftrace 0.26: one nanosleep(2) of 20 ms by
# tests/progs/activity/nanosleep. Not compared with bpftrace 0.17's
# version: 0.26's has a BEGIN header, clock_nanosleep too and an END that
# clears its lruhash map (6 probes against 2, and the cleared map's blank
# line at exit, as bpftrace prints one).
HEADER=3
EVENT_RE='^[0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]+ +.{16} [0-9]+ +.{16} '
EVENT_RE+='[0-9]+\.[0-9]{3}$'
COMPARE=0
NO_COMPARE="0.26's version has other probes and an END block"
EXPECT=('^Attaching 6 probes\.\.\.$')
activity() {
	"$PROGS/nanosleep" 20 &
	MPID=$!
	wait $MPID
}
mark() { echo "^[0-9:]{8} [0-9]+ +.{16} $MPID +nanosleep +0\\.020\$"; }
