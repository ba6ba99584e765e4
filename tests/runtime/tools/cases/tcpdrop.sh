# tcpdrop.bt: a SYN to 127.0.0.1:PORT dropped at lo's egress in a private
# network namespace (tests/progs/activity/tcpdrop.c), with its socket in
# SYN_SENT. Its kernel stack goes through the device transmit path.
HEADER=3
EVENT_RE='^[0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]+ +.{16}'
EVENT_RE+=' +[0-9a-f.:]+:[0-9]+ +[0-9a-f.:]+:[0-9]+ +[A-Z_]* *$'
EXPECT=('^[[:space:]]+[a-z_.0-9]*dev_queue_xmit[a-z_.0-9]*\+[0-9]+$')
COMPARE=0
NO_COMPARE="bpftrace 0.17 cannot run tcpdrop.bt here: it takes the
script's no-BTF branch, whose #include <net/sock.h> is not found"
activity() {
	PORT=$((20000 + RANDOM % 20000))
	"$PROGS/tcpdrop" $PORT &
	MPID=$!
	wait $MPID
}
mark() {
	echo "^[0-9:]{8} $MPID +tcpdrop +127\\.0\\.0\\.1:[0-9]+" \
	     "+127\\.0\\.0\\.1:$PORT +SYN_SENT *\$"
}
