# cpuwalk.bt: half a second of busy loop, sampled at 99 Hz.
HEADER=2
EXPECT=('^@cpu: ?$' '^\[[0-9]+, [0-9]+\) +[0-9]+ \|@+ *\|$')
activity() {
	timeout 0.5 sh -c 'while :; do :; done'
	return 0
}
