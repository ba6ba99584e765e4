# threadsnoop.bt: pthread_create() of a thread running "worker"
# (tests/progs/activity/threads.c). With glibc >= 2.34 pthread_create is
# in libc.so.6 and libpthread.so.0 is an empty stub: bpftrace 0.17
# attaches nothing and prints no line, etrace warns and traces it in libc.
NEEDS=uprobe
HEADER=2
EVENT_RE='^[0-9][0-9 ]{9} [0-9]+ +.{16} '
STDERR_OK="warning: 'pthread_create' is not in .*libpthread.* but in .*libc"
COMPARE=0
NO_COMPARE="bpftrace 0.17 does not see pthread_create (in libc since
glibc 2.34) and attaches 1 probe; etrace traces it in libc (2 probes)"
activity() {
	"$PROGS/threads" &
	MPID=$!
	wait $MPID
}
mark() { echo "^[0-9][0-9 ]{9} $MPID +threads +worker\$"; }
