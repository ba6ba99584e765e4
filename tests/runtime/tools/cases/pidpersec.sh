# pidpersec.bt: 20 forks, then more than the 1 s interval.
HEADER=2
EVENT_RE='^[0-9]{2}:[0-9]{2}:[0-9]{2} PIDs/sec: @: [0-9]+$'
MASK="1-8 23-"	# TIME, the count
SETTLE=0.2
activity() {
	for i in $(seq 20); do /bin/true; done
	sleep 1.3
}
mark() { echo '^[0-9:]{8} PIDs/sec: @: [1-9][0-9]+$'; }
