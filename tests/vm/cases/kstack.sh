# kstack in kprobe:vfs_read: 6 read() calls make one stack, read 6 times:
# vfs_read, then ksys_read (read's syscall), then the syscall entry.
run() {
	et_run -c 'work read /dev/zero 100 4 read /data/ten 4 2'
}

check() {
	expect_status 0
	expect_eq "stacks" "$(grep -c '^@\[$' "$out")" 1
	expect_out ']: 6'
	frames=$(sed -n '/^@\[$/,/^\]/p' "$out" | sed -n 's/^ *\([^ +]*\)+[0-9]*$/\1/p' |
		tr '\n' ' ')
	case $frames in
	"vfs_read ksys_read "*do_syscall_64*entry_SYSCALL_64*) ;;
	*) fail "stack frames: $frames" ;;
	esac
}
