# setuids.bt: setpriv --reuid runs setresuid(65534, 65534, -1).
HEADER=3
EVENT_RE='^[0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]+ +.{16} [0-9]+ +set'
MASK=1-8	# TIME
activity() {
	setpriv --reuid=65534 --regid=65534 --clear-groups /bin/true &
	MPID=$!
	wait $MPID
}
mark() {
	echo "^[0-9:]{8} $MPID +setpriv +0 +setresuid ruid=65534" \
	     "euid=65534 suid=65534 \\(0\\)\$"
}
