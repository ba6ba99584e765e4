# biolatency.bt of bpftrace 0.26: 16 direct writes of 64 KiB by dd.
HEADER=2
EXPECT=('^@usecs: $' '^\[[0-9]+[KM]?, [0-9]+[KM]?\) +[0-9]+ \|@+ *\|$')
COMPARE=0
NO_COMPARE="bpftrace 0.17's version traces other block tracepoints"
activity() {
	dd if=/dev/zero of="$WORK/direct" bs=64k count=16 oflag=direct \
	   status=none
}
