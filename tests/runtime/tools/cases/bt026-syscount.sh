# syscount.bt of bpftrace 0.26: dd with 1-byte blocks makes dd the top
# process.
HEADER=2
EXPECT=('^Top 10 syscalls IDs:$' '^@syscall\[[0-9]+\]: [0-9]+$'
	'^Top 10 processes:$')
COMPARE=0
NO_COMPARE="0.26's version is written with macros and getopt; its
output is checked alone"
activity() {
	dd if=/dev/zero of=/dev/null bs=1 count=100000 status=none
}
mark() { echo '^@process\[dd\]: [0-9]+$'; }
