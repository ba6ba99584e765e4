# bashreadline.bt: an interactive bash (on a pty from script(1)) reads a
# command with a unique argument.
NEEDS=uprobe
HEADER=3
EVENT_RE='^[0-9]{2}:[0-9]{2}:[0-9]{2}  [0-9]+ +'
MASK=1-8	# TIME
activity() {
	printf 'echo %s\nexit\n' "$TOKEN" |
		script -qec "bash --norc --noprofile -i" /dev/null
}
mark() { echo "^[0-9:]{8}  [0-9]+ +echo $TOKEN\$"; }
