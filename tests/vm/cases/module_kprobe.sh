# kprobe:virtio_blk:virtio_queue_rq and its kretprobe: each request sent
# to the virtio disk (6.1 sends them one by one there: the queue has an
# I/O scheduler, so virtio_queue_rqs is not used), BLK_STS_OK (0) each;
# 12 direct reads of 4 KiB from the otherwise idle /dev/vda.
run() {
	et_run -c 'work dread /dev/vda 12'
}

check() {
	expect_status 0
	expect_map @rq '@rq[vda]: 12'
	expect_map @ret '@ret[0]: 12'
}
