# fentry:vfs_read's args->file, args->count and args->pos: the reads of
# kprobe_args (3 x 100 bytes of /dev/zero, 4 x 4 bytes of the 10-byte
# /data/ten, at positions 0, 4, 8, 10); probe keeps the fentry spelling.
run() {
	et_run -c 'work read /dev/zero 100 3 read /data/ten 4 4'
}

check() {
	expect_status 0
	expect_map @ '@[zero, 100]: 3' '@[ten, 4]: 4'
	expect_map @pos '@pos[4]: 1' '@pos[8]: 1' '@pos[10]: 1' '@pos[0]: 4'
	expect_map @p '@p[fentry:vfs_read]: 7'
}
