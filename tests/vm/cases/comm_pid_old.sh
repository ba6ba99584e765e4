# comm(pid) compiled on the host, run on 6.1, which lacks its kfunc: one
# error naming it, nothing run
run() {
	et_run -c 'work read /dev/zero 1 1'
}

check() {
	expect_status 1
	grep -q 'Cannot load the BPF object: this kernel has no kernel function bpf_task_from_pid (not in its BTF), which the program uses$' "$err" ||
		fail "no error names bpf_task_from_pid"
	[ ! -s "$out" ] || [ "$(grep -vc '^Attaching' "$out")" = 0 ] ||
		fail "output from a program that cannot load"
}
