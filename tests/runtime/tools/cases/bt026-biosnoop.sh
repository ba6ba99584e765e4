# biosnoop.bt of bpftrace 0.26: direct writes by dd, each a block I/O
# line with its disk numbers, comm and pid.
HEADER=3
EVENT_RE='^[0-9]+ +[0-9]+ +[0-9]+ +.{16} [0-9]+ +[0-9]+$'
COMPARE=0
NO_COMPARE="0.26's version keys maps by (dev, sector) tuples and traces
block_io_start/done: its output is checked alone"
activity() {
	dd if=/dev/zero of="$WORK/direct" bs=64k count=8 oflag=direct \
	   status=none &
	MPID=$!
	wait $MPID
}
mark() { echo "^[0-9]+ +[0-9]+ +[0-9]+ +dd +$MPID +[0-9]+\$"; }
