#!/bin/sh
# One tests/vm case's verdict, from what the guest sent back (vm.sh put
# it in OUTDIR/results/CASE): sources cases/CASE.sh and runs its check()
# with the helpers of checklib.sh; also fails a case after which a
# kprobe or a BPF program stayed in the guest kernel, or during which it
# logged a warning or an oops.
# Usage: check.sh OUTDIR CASE. Exit 0 pass, 1 fail, 77 skipped.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
outdir=$1
case=$2
results=$outdir/results
dir=$results/$case

skipped() {
	if [ -n "${CI:-}" ]; then
		echo "FAIL [$case] (CI is set, a skip is a failure): $*"
		exit 1
	fi
	echo "skipped: $*"
	exit 77
}

[ -f "$results/skipped" ] && skipped "$(cat "$results/skipped")"
[ -f "$dir/skipped" ] && skipped "$(cat "$dir/skipped")"
if [ ! -f "$dir/status" ]; then
	echo "FAIL [$case]: no result: the guest did not run this case to its end"
	echo "--- last lines of the guest's console ($outdir/console.log)"
	tr -d '\r' <"$outdir/console.log" 2>/dev/null | tail -n 30
	exit 1
fi

if [ -f "$dir/compile-failed" ]; then
	echo "FAIL [$case]: etrace --compile-only refused it on the host:"
	cat "$dir/compile.err"
	exit 1
fi

. "$here/checklib.sh"
. "$here/cases/$case.sh"
check
if [ -s "$dir/leftover" ]; then
	echo "--- left in the guest kernel 10 s after the case"
	cat "$dir/leftover"
	fail "kprobes or BPF programs stayed after etrace ended"
fi
if grep -Eq 'WARNING:|BUG:|Oops|Call Trace|general protection' "$kmsg"; then
	fail "the guest kernel logged a warning or an oops during the case"
fi
echo "ok [$case] ($(cat "$dir/time") s in the guest)"
