# gethostlatency.bt: getent hosts localhost (gethostbyname2 through
# /etc/hosts, no DNS).
NEEDS=uprobe
HEADER=3
EVENT_RE='^[0-9]{2}:[0-9]{2}:[0-9]{2}  [0-9]+ +.{16} +[0-9]+ '
MASK="1-8 35-40"	# TIME, LATms
activity() {
	getent hosts localhost &
	MPID=$!
	wait $MPID
}
mark() { echo "^[0-9:]{8}  $MPID +getent +[0-9]+ localhost\$"; }
