#!/bin/sh
# One tool of bpftrace 0.26.1 (tests/data/bt026-tools/NAME.bt, unchanged)
# run for real under etrace. Where tools.expect says it passes --dry-run
# it must attach, run for a second and, on SIGINT (the tools' Ctrl-C),
# end with status 0 and no error (what it prints is its own business: a
# tool's values need activity of its kind; the differential and runtime
# suites check values), or, when its probes do not exist here, stop
# before attaching with only the errors that say its probe kinds are not
# available on this kernel (kprobes, fentry/fexit: tests/vm runs some of
# those tools on 6.1). A tool tools.expect refuses must stop with exit 1,
# every error naming what it says this kernel lacks.
#   run-tool.sh ETRACE NAME
# Exit 77 (skipped) when not root.
set -u
etrace=$(realpath "$1") name=$2
here=$(cd "$(dirname "$0")" && pwd)
tools=$here/../data/bt026-tools

[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }
want=$(grep -v '^#' "$here/tools.expect" | awk -v n="$name" '$1 == n { print $2 }')
[ -n "$want" ] || { echo "FAIL: $name is not in tools.expect"; exit 1; }
tmp=$(mktemp -d /var/tmp/etrace-tool.XXXXXX) || exit 1
out=$tmp/out err=$tmp/err bg=
trap '[ -n "$bg" ] && kill -9 $bg 2>/dev/null; rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL [$name]: $*"
	echo "--- stdout"; head -40 "$out"
	echo "--- stderr"; head -40 "$err"
	exit 1
}

cd "$tools" || exit 1
if [ "$want" != ok ]; then
	timeout 60 "$etrace" "$name.bt" >"$out" 2>"$err"
	rc=$?
	errors=$(grep ': error: ' "$err")
	[ $rc = 1 ] && [ -n "$errors" ] || fail "exit status $rc, expected 1 naming $want"
	printf '%s\n' "$errors" | grep -vqF -- "$want" &&
		fail "an error that does not name $want"
	echo "ok [$name]: refused, naming $want"
	exit 0
fi
"$etrace" "$name.bt" >"$out" 2>"$err" &
bg=$!
i=0
until grep -q '^Attaching' "$out" 2>/dev/null; do
	if ! kill -0 "$bg" 2>/dev/null; then
		errors=$(grep ': error: ' "$err")
		if [ -n "$errors" ] && ! printf '%s\n' "$errors" |
			grep -vq 'probes are not available: '; then
			echo "ok [$name]: not run, its probe kinds are not on this kernel:"
			printf '%s\n' "$errors"
			exit 0
		fi
		fail "ended before attaching"
	fi
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
