# syncsnoop.bt: sync(1), i.e. sync(2).
HEADER=3
EVENT_RE='^[0-9]{2}:[0-9]{2}:[0-9]{2}  [0-9]+ +.{16} tracepoint:syscalls:'
MASK=1-8	# TIME
activity() {
	sync &
	MPID=$!
	wait $MPID
}
mark() { echo "^[0-9:]{8}  $MPID +sync +tracepoint:syscalls:sys_enter_sync\$"; }
