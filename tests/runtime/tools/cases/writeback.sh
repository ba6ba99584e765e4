# writeback.bt: dirty pages on a disk file system, then sync(1): the
# flusher writes them back with reason "sync".
HEADER=3
EVENT_RE='^[0-9]{2}:[0-9]{2}:[0-9]{2}  \S+ +[0-9]+ +\S* +[0-9]+\.[0-9]{3}$'
MASK="1-8 20-27 46-"	# TIME, PAGES, ms
activity() {
	dd if=/dev/zero of="$WORK/dirty" bs=64k count=32 status=none &&
	sync
}
mark() { echo '^[0-9:]{8}  \S+ +[0-9]+ +sync +[0-9]+\.[0-9]{3}$'; }
