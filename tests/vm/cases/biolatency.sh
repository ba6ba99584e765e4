# tool: biolatency
# compile: guest
# bpftrace's biolatency.bt, unchanged. 6.1 inlines blk_account_io_start,
# has no __blk_account_io_start or __blk_account_io_done, and its
# blk_account_io_done is in kallsyms but not traceable (not in
# available_filter_functions: the kernel refuses a kprobe there): etrace
# refuses the tool, naming the four (block_latency is its 6.1 version).
# Compiled in the guest: the question is what etrace's compiler makes of
# the guest kernel's functions.
run() {
	et_run -c 'work dread /dev/vda 8'
}

check() {
	expect_status 1
	for f in blk_account_io_start __blk_account_io_start \
		blk_account_io_done __blk_account_io_done; do
		grep -q "^prog.et:[0-9]*:1: error: kprobe target '$f' does not exist here$" "$err" ||
			fail "no error names $f"
	done
	[ ! -s "$out" ] || fail "output from a refused program"
}
