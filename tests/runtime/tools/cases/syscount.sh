# syscount.bt: dd with 1-byte blocks makes dd the top process.
HEADER=2
EXPECT=('^Top 10 syscalls IDs:$' '^@syscall\[[0-9]+\]: [0-9]+$'
	'^Top 10 processes:$')
MASK=14-	# the count
activity() {
	dd if=/dev/zero of=/dev/null bs=1 count=100000 status=none
}
mark() { echo '^@process\[dd\]: [0-9]+$'; }
