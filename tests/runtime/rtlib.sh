# Shared by the runtime test scripts (lifecycle.sh, uprobe.sh, objcache.sh,
# helper_errors.sh), sourced after they set etrace and case: exits 77
# (skipped) unless root; makes $tmp (removed at exit, when a background
# etrace $bg, or several pids, is killed too), $out and $err; then fail,
# run, same, has.
# RUN_TIMEOUT (seconds) bounds one etrace run.

[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }

tmp=$(mktemp -d /tmp/etrace-rt.XXXXXX)
trap 'rm -rf "$tmp"; [ -n "$bg" ] && kill -9 $bg 2>/dev/null' EXIT
out=$tmp/out
err=$tmp/err
bg=

fail() {
	echo "FAIL [$case]: $*"
	echo "--- stdout"; cat "$out" 2>/dev/null
	echo "--- stderr"; cat "$err" 2>/dev/null
	[ -n "$bg" ] && kill -9 $bg 2>/dev/null
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
