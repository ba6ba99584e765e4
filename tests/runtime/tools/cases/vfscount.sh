# vfscount.bt: kprobe:vfs_* cannot attach on a kernel without kprobes.
# bpftrace 0.17 silently attaches nothing here; etrace must say why.
EXPECT_FAIL="kprobes are not available: this kernel was built without"
EXPECT_FAIL+=" CONFIG_KPROBES"
