# threadsnoop.bt of bpftrace 0.26: pthread_create() of a thread running
# "worker" (tests/progs/activity/threads.c), probed in libc and in the
# libpthread stub (glibc >= 2.34: the same function in libc, seen once).
NEEDS=uprobe
HEADER=2
EVENT_RE='^[0-9:.]{15} +[0-9]+ '
STDERR_OK="warning: 'pthread_create' is not in .*libpthread.* but in .*libc"
COMPARE=0
NO_COMPARE="0.26's columns differ from bpftrace 0.17's version"
activity() {
	"$PROGS/threads" &
	MPID=$!
	wait $MPID
}
mark() { echo "^[0-9:.]{15} +$MPID threads +worker\$"; }
