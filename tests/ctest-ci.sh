#!/bin/sh
# run-all.sh's ctest: runs ctest in BUILD with ARGS, then names every test
# that did not run: skipped (a test script's exit 77 -- not root, no
# bpftrace, a program a case needs is missing) or disabled. When the
# environment variable CI is set and not empty, a test that did not run
# fails the run, so that a CI machine proves every layer really ran;
# without CI such tests are reported and allowed.
#   tests/ctest-ci.sh BUILD [CTEST ARGS...]
# Exit: ctest's status when ctest failed (a failed test, or no test
# matched ARGS); else 1 when CI is set and a test did not run; else 0.
# tests/ctest-ci-test.sh tests this script (ctest label harness).
set -eu
if [ $# -lt 1 ] || [ ! -d "$1" ]; then
	echo "usage: ctest-ci.sh BUILD [CTEST ARGS...]" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
shift
junit=$build/ctest-ci.junit.xml
rm -f "$junit"

rc=0
(cd "$build" && ctest --no-tests=error --output-junit "$junit" "$@") || rc=$?
if [ ! -s "$junit" ]; then
	echo "ctest-ci: ctest wrote no report ($junit)"
	[ $rc -ne 0 ] && exit $rc
	exit 1
fi

# "NAME: first line of its output" for each test whose status is notrun
# (skipped, or could not start) or disabled; ctest writes one attribute
# list per <testcase line and escapes the output, so no output line can
# look like a tag
notrun=$(awk '
function attr(a) {
	if (!match($0, a "=\"[^\"]*\""))
		return ""
	return substr($0, RSTART + length(a) + 2, RLENGTH - length(a) - 3)
}
/^[ \t]*<testcase / {
	if (want)
		print name
	name = attr("name")
	st = attr("status")
	want = st == "notrun" || st == "disabled"
	next
}
want && /<system-out>/ {
	sub(/.*<system-out>/, "")
	sub(/<\/system-out>.*/, "")
	gsub(/&lt;/, "<"); gsub(/&gt;/, ">"); gsub(/&quot;/, "\"")
	gsub(/&apos;/, "'\''"); gsub(/&amp;/, "\\&")
	print name ($0 == "" ? "" : ": " $0)
	want = 0
}
END {
	if (want)
		print name
}' "$junit")

if [ -n "$notrun" ]; then
	echo "ctest-ci: $(printf '%s\n' "$notrun" | wc -l) test(s) did not run:"
	printf '%s\n' "$notrun" | sed 's/^/  /'
	if [ -n "${CI:-}" ]; then
		echo "ctest-ci: CI is set: a test that did not run fails the run"
		[ $rc -ne 0 ] || rc=1
	fi
fi
exit $rc
