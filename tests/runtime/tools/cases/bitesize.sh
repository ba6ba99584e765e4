# bitesize.bt: 16 direct writes of 64 KiB by dd.
HEADER=2
EXPECT=('^\[64K, 128K\) +[0-9]+ \|@+ *\|$')
activity() {
	dd if=/dev/zero of="$WORK/direct" bs=64k count=16 oflag=direct \
	   status=none
}
mark() { echo '^@\[dd\]: $'; }
