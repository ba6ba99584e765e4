# stdlib/biolatency.et: 16 direct writes of 64 KiB by dd.
HEADER=2
EXPECT=('^@usecs: $' '^\[[0-9]+[KM]?, [0-9]+[KM]?\) +[0-9]+ \|@+ *\|$')
activity() {
	dd if=/dev/zero of="$WORK/direct" bs=64k count=16 oflag=direct \
	   status=none
}
