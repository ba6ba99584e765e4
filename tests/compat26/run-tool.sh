#!/bin/sh
# One tool of bpftrace 0.26.1 (tests/data/bt026-tools/NAME.bt, unchanged)
# run for real under etrace, where tools.expect says it passes --dry-run
# (its probes exist here): it must attach, run for a second and, on
# SIGINT (the tools' Ctrl-C), end with status 0 and no error; what it
# prints is its own business (a tool's values need activity of its
# kind: the differential and runtime suites check values).
#   run-tool.sh ETRACE NAME
# Exit 77 (skipped) when not root, or when tools.expect refuses NAME.
set -u
etrace=$(realpath "$1") name=$2
here=$(cd "$(dirname "$0")" && pwd)
tools=$here/../data/bt026-tools

[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }
want=$(grep -v '^#' "$here/tools.expect" | awk -v n="$name" '$1 == n { print $2 }')
[ "$want" = ok ] || { echo "skipped: $name does not pass --dry-run here ($want)"; exit 77; }
tmp=$(mktemp -d /var/tmp/etrace-tool.XXXXXX) || exit 1
out=$tmp/out err=$tmp/err
trap 'kill -9 $bg 2>/dev/null; rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL [$name]: $*"
	echo "--- stdout"; head -40 "$out"
	echo "--- stderr"; head -40 "$err"
	exit 1
}

cd "$tools" || exit 1
"$etrace" "$name.bt" >"$out" 2>"$err" &
bg=$!
i=0
until grep -q '^Attaching' "$out" 2>/dev/null; do
	kill -0 "$bg" 2>/dev/null || fail "ended before attaching"
	i=$((i + 1))
	[ $i -lt 1200 ] || fail "did not attach in 60 s"
	sleep 0.05
done
sleep 1
kill -INT "$bg"
i=0
while kill -0 "$bg" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 400 ] || fail "still running 20 s after SIGINT"
	sleep 0.05
done
wait "$bg"
rc=$?
bg=
[ $rc = 0 ] || fail "exit status $rc"
grep -E '^[^ ]*: error: |^etrace: ' "$err" && fail "an error on stderr"
echo "ok [$name]: attached, ran 1 s, ended on SIGINT; $(wc -l <"$out") lines out"
