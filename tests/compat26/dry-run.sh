#!/bin/sh
# One tool of bpftrace 0.26.1 (tests/data/bt026-tools/NAME.bt, unchanged)
# through `etrace --dry-run`, checked against tools.expect: "ok" is exit 0
# with no error; a SYMBOL is exit 1 where every error line names SYMBOL
# (a kernel function or field this kernel lacks), and nothing else.
#   dry-run.sh ETRACE NAME     (NAME "--list": check tools.expect covers
#                               every tool, and only those)
# Exit 77 (skipped) when not root: kernel symbols and tracefs need it.
set -u
etrace=$1 name=$2
here=$(cd "$(dirname "$0")" && pwd)
tools=$here/../data/bt026-tools
expect=$here/tools.expect

entries() { grep -v '^#' "$expect" | grep -v '^$'; }

if [ "$name" = --list ]; then
	have=$(cd "$tools" && ls ./*.bt | sed 's|^\./||; s|\.bt$||' | sort)
	want=$(entries | awk '{ print $1 }' | sort)
	[ "$have" = "$want" ] && { echo "ok: $(echo "$have" | wc -l) tools"; exit 0; }
	echo "FAIL: tools.expect and tests/data/bt026-tools/ differ:"
	printf '%s\n' "$want" >/tmp/bt026-want.$$
	printf '%s\n' "$have" | diff -u /tmp/bt026-want.$$ - | tail -n +3
	rm -f /tmp/bt026-want.$$
	exit 1
fi

[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }
want=$(entries | awk -v n="$name" '$1 == n { print $2 }')
[ -n "$want" ] || { echo "FAIL: $name is not in tools.expect"; exit 1; }
[ -f "$tools/$name.bt" ] || { echo "FAIL: no $tools/$name.bt"; exit 1; }

err=$(mktemp) && trap 'rm -f "$err"' EXIT
cd "$tools" || exit 1
timeout 120 "$etrace" --dry-run "$name.bt" >/dev/null 2>"$err"
rc=$?
errors=$(grep -E '^[^ ]*: error: |^etrace: ' "$err")
if [ "$want" = ok ]; then
	if [ $rc = 0 ] && [ -z "$errors" ]; then
		echo "ok [$name]"
		exit 0
	fi
	echo "FAIL [$name]: expected to pass --dry-run, exit status $rc"
	cat "$err"
	exit 1
fi
if [ $rc != 1 ] || [ -z "$errors" ]; then
	echo "FAIL [$name]: expected an error naming $want, exit status $rc"
	cat "$err"
	exit 1
fi
if printf '%s\n' "$errors" | grep -vqF -- "$want"; then
	echo "FAIL [$name]: an error that does not name $want:"
	cat "$err"
	exit 1
fi
echo "ok [$name]: refused, naming $want"
printf '%s\n' "$errors"
