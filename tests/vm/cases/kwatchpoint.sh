# compile: guest
# watchpoint:ADDR:4:w on a kernel address without a process: one
# hardware breakpoint per CPU; jiffies is written at each tick, so the
# first hit comes at once. The host kernel refuses kernel breakpoints
# (lockdown), hence this case; the address is the guest's, read from its
# /proc/kallsyms, so the program is compiled in the guest.
run() {
	a=$(grep ' jiffies$' /proc/kallsyms | cut -d' ' -f1)
	sed -i "s/ADDR/0x$a/" prog.et
	et_run
}

check() {
	expect_status 0
	expect_out 'hit'
}
