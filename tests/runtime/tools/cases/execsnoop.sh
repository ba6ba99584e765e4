# execsnoop.bt: exec of /bin/true with a unique argument.
HEADER=2
EVENT_RE='^[0-9][0-9 ]{9} [0-9]+ +'
MASK=1-10	# TIME(ms): elapsed since each tracer started
# Every exec on the machine is printed, as two records (printf, join):
# argv may hold newlines, and under load both tracers interleave the
# records of concurrent execs and lose some, each its own way.
COMPARE=mark
NO_COMPARE="system-wide exec lines are not comparable under load"
activity() {
	/bin/true "$TOKEN" &
	MPID=$!
	wait $MPID
}
mark() { echo "^[0-9][0-9 ]{9} $MPID +/bin/true $TOKEN\$"; }
