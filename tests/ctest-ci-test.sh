#!/bin/sh
# Test of tests/ctest-ci.sh, the skip rule of tests/run-all.sh (ctest
# label harness; no root): a throw-away ctest project holds a passing, a
# skipped (exit 77, as a runtime script that is not root), a disabled and
# a failing test. With CI set, a run that skipped a test must fail and
# name it; without CI (or with CI empty) it passes and names it; a failing
# test fails either way; a run with nothing skipped passes with CI set.
#   tests/ctest-ci-test.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/etrace-ctest-ci.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.20)
project(ctest_ci_fixture NONE)
enable_testing()
add_test(NAME layer/passes COMMAND sh -c "exit 0")
add_test(NAME layer/needs_root
         COMMAND sh -c "echo 'skipped: needs root'; exit 77")
set_tests_properties(layer/needs_root PROPERTIES SKIP_RETURN_CODE 77)
add_test(NAME layer/off COMMAND sh -c "exit 0")
set_tests_properties(layer/off PROPERTIES DISABLED TRUE)
add_test(NAME layer/fails COMMAND sh -c "exit 1")
EOF
cmake -S "$tmp" -B "$tmp/b" >/dev/null

failures=0
# expect RC CI-VALUE|- CTEST-ARGS...: ctest-ci.sh's exit status is RC
# (0, or "fail" for any other) with CI set to CI-VALUE ("-": unset)
expect() {
	want=$1 ci=$2
	shift 2
	rc=0
	if [ "$ci" = - ]; then
		env -u CI "$here/ctest-ci.sh" "$tmp/b" "$@" >"$tmp/out" 2>&1 ||
			rc=$?
	else
		env CI="$ci" "$here/ctest-ci.sh" "$tmp/b" "$@" >"$tmp/out" 2>&1 ||
			rc=$?
	fi
	if { [ "$want" = 0 ] && [ $rc -ne 0 ]; } ||
	   { [ "$want" = fail ] && [ $rc -eq 0 ]; }; then
		echo "FAIL: CI=$ci ctest $*: exit $rc, expected $want"
		sed 's/^/  | /' "$tmp/out"
		failures=$((failures + 1))
	fi
}

# has TEXT / lacks TEXT: about the last run's output
has() {
	grep -qF -- "$1" "$tmp/out" && return 0
	echo "FAIL: '$1' not in the output"
	sed 's/^/  | /' "$tmp/out"
	failures=$((failures + 1))
}
lacks() {
	grep -qF -- "$1" "$tmp/out" || return 0
	echo "FAIL: '$1' in the output"
	sed 's/^/  | /' "$tmp/out"
	failures=$((failures + 1))
}

# a skipped test: reported always, a failure only with CI
expect fail 1 -R 'passes|needs_root'
has 'layer/needs_root: skipped: needs root'
has 'CI is set'
expect fail true -R 'passes|needs_root'
expect 0 - -R 'passes|needs_root'
has 'layer/needs_root: skipped: needs root'
lacks 'CI is set'
expect 0 '' -R 'passes|needs_root'
# a disabled test did not run either
expect fail 1 -R 'passes|off'
has 'layer/off'
expect 0 - -R 'passes|off'
# nothing skipped: CI changes nothing
expect 0 1 -R passes
lacks 'did not run'
# a failed test fails with and without CI; so does an empty selection
expect fail - -R 'passes|fails'
expect fail 1 -R 'passes|fails'
expect fail - -R no_such_test

[ $failures -eq 0 ] || exit 1
echo "ok: ctest-ci.sh's skip rule"
