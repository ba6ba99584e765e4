# Shared by the runtime test scripts (lifecycle.sh, uprobe.sh, objcache.sh,
# helper_errors.sh, dwarf.sh, watchpoint.sh), sourced after they set
# etrace and case: exits 77 (skipped) unless root; makes $tmp (removed at
# exit, when a background etrace $bg, or several pids, is killed too),
# $out and $err; then fail, skip, run, same, lines, has.
# RUN_TIMEOUT (seconds) bounds one etrace run.

[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }

# kill_bg: SIGKILL the processes of $bg that are still this shell's
# children; the pid of one that ended may be another process's by now
# (pid_max is 32768 here: a test suite wraps it)
kill_bg() {
	for p in $bg; do
		[ "$(awk '{ print $4 }' /proc/"$p"/stat 2>/dev/null)" = "$$" ] &&
			kill -9 "$p" 2>/dev/null
	done
	return 0
}

tmp=$(mktemp -d /tmp/etrace-rt.XXXXXX)
trap 'rm -rf "$tmp"; kill_bg' EXIT
out=$tmp/out
err=$tmp/err
bg=

fail() {
	echo "FAIL [$case]: $*"
	echo "--- stdout"; cat "$out" 2>/dev/null
	echo "--- stderr"; cat "$err" 2>/dev/null
	kill_bg
	exit 1
}

# run STATUS ARGS...: etrace ARGS must exit with STATUS
run() {
	want=$1
	shift
	timeout "${RUN_TIMEOUT:-30}" "$etrace" "$@" >"$out" 2>"$err"
	rc=$?
	[ "$rc" = "$want" ] || fail "exit status $rc, expected $want"
}

# same OUTPUT: stdout is exactly OUTPUT (printf escapes)
same() {
	printf "$1" >"$tmp/want"
	cmp -s "$tmp/want" "$out" ||
		fail "stdout differs: $(diff "$tmp/want" "$out" | head -20)"
}

has() {
	grep -q -- "$2" "$1" || fail "'$2' not in $(basename "$1")"
}

# skip WHY: the case cannot run here (exit 77)
skip() {
	echo "skipped: $*"
	exit 77
}

# lines TEXT: the traced lines of stdout (no "Attaching", no blanks)
# sorted, against TEXT (printf escapes)
lines() {
	printf "$1" >"$tmp/want"
	grep -v '^Attaching\|^$' "$out" | LC_ALL=C sort >"$tmp/got"
	cmp -s "$tmp/want" "$tmp/got" ||
		fail "lines differ: $(diff "$tmp/want" "$tmp/got" | head -20)"
}
