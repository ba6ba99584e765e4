# runqlat.bt of bpftrace 0.26: wakeups of sleeping processes; the
# histogram of their run queue latency.
HEADER=2
EXPECT=('^@usecs: $')
COMPARE=0
NO_COMPARE="0.26's version uses if without parentheses: checked alone"
activity() {
	for _ in 1 2 3 4 5; do sleep 0.05; done
}
mark() { echo '^\[[0-9]+[KM]?, [0-9]+[KM]?\) +[0-9]+ \|@* *\|$'; }
