# runqlen.bt of bpftrace 0.26: run queue lengths sampled at 99 Hz for
# a second; lhist buckets from 0.
HEADER=2
EXPECT=('^@runqlen: $')
COMPARE=0
NO_COMPARE="0.26's version reads fields with '.' through pointers:
checked alone"
activity() { sleep 1; }
mark() { echo '^\[0, 1\) +[0-9]+ \|@* *\|$'; }
