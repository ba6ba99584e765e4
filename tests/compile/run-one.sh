#!/bin/sh
# Runs one compile test: etrace --dry-run [ARGS] NAME.et and compares with
# NAME.err (stderr, exit 1) or NAME.out (stdout, exit 0). NAME.args, when
# present, holds extra arguments (e.g. "-d ast" or "--unsafe"); NAME.params
# the positional parameters ($1...) given after the script.
etrace=$1 src=$2
base=${src%.et}
dir=$(dirname "$src")
args= params=
[ -f "$base.args" ] && args=$(cat "$base.args")
[ -f "$base.params" ] && params=$(cat "$base.params")
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
cd "$dir" || exit 1
# the symbol sources a stripped binary's error names (runtime/symsrc.h)
unset DEBUGINFOD_URLS ETRACE_DEBUG_ROOT
# shellcheck disable=SC2086
"$etrace" --dry-run $args "$(basename "$src")" $params >"$out" 2>"$err"
rc=$?
# a system binary's debug-link name changes with its package's build
sed -E -i 's/[0-9a-f]{16,}\.debug/<debuglink>.debug/g' "$err"
if [ -f "$base.err" ]; then
	[ $rc -eq 1 ] || { echo "expected exit 1, got $rc"; cat "$err"; exit 1; }
	diff -u "$base.err" "$err" || exit 1
elif [ -f "$base.out" ]; then
	[ $rc -eq 0 ] || { echo "expected exit 0, got $rc"; cat "$err"; exit 1; }
	diff -u "$base.out" "$out" || exit 1
else
	echo "no $base.err or $base.out"; exit 1
fi
