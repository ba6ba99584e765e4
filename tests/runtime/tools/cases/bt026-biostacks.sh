# biostacks.bt of bpftrace 0.26: direct writes by dd; a histogram of
# their initialization-to-issue times, keyed by the kernel stack.
HEADER=2
EXPECT=('^@usecs\[$' '^\]: $' '^\[[0-9]+[KM]?, [0-9]+[KM]?\) +[0-9]+ \|@+ *\|$')
COMPARE=0
NO_COMPARE="0.26's version keys maps by (dev, sector) tuples: its
output is checked alone"
activity() {
	dd if=/dev/zero of="$WORK/direct" bs=64k count=16 oflag=direct \
	   status=none
}
mark() { echo '^    [a-z_.0-9]*submit_bio[a-z_.0-9]*\+[0-9]+$'; }
