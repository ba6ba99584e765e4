#!/bin/bash
# Runs one bpftrace tool (/usr/sbin/NAME.bt) or one stdlib recipe under
# etrace against activity generated for it, and, to compare, under
# bpftrace 0.17 at the same time on the same activity. Checks: etrace
# attaches, sees the event the activity made (the "mark" line), exits 0 on
# SIGINT with nothing on stderr; and, against bpftrace: the header lines
# verbatim, the mark line with volatile columns masked, and the shape
# ("skeleton") of the whole output: event lines, map names, hist bars.
#
# Usage: run-tool.sh ETRACE ACTIVITY_DIR CASE [OUT_DIR]
#   CASE is tool/NAME, bt026/NAME (bpftrace 0.26.1's NAME.bt, in
#   tests/data/bt026-tools/) or stdlib/NAME; tests/runtime/tools/cases/
#   NAME.sh (bt026-NAME.sh for a 0.26 tool whose output differs from
#   0.17's, stdlib-NAME.sh for recipes) describes the activity and
#   expectations
#   (see cases/README). Exit 0 pass, 1 fail, 77 skipped (not root, or the
#   probe kind the tool needs does not work in etrace yet: expected
#   failure, reported with etrace's reason).
# Environment: ETRACE_TOOLS_NO_BPFTRACE=1 skips the comparison.
set -u
ETRACE=$(realpath "$1") CASE=$3
export PROGS
PROGS=$(realpath "$2")	# the activity programs, for the cases
OUT=${4:-/tmp/etrace-tools}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../../.." && pwd)
KIND=${CASE%%/*} NAME=${CASE#*/}
FAILS=()
BPFTRACE=$(command -v bpftrace || true)
[ "${ETRACE_TOOLS_NO_BPFTRACE:-0}" = 1 ] && BPFTRACE=

# shellcheck source=lib.sh
. "$HERE/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root (real BPF)"
[ -x "$ETRACE" ] || { echo "no etrace at $1"; exit 1; }

# Case defaults; a case file overrides what it needs.
SCRIPT='' HEADER=1 EVENT_RE='' MASK='' COMPARE=1
NO_COMPARE='' NEEDS='' EXPECT_FAIL='' SETTLE=0.5 EXPECT=() STDERR_OK=''
prepare() { :; }
activity() { generic_activity; }
mark() { :; }

BT_SCRIPT=''	# what bpftrace runs to compare (default: SCRIPT)
if [ "$KIND" = tool ]; then
	SCRIPT=/usr/sbin/$NAME.bt
	[ -f "$SCRIPT" ] || skip "$SCRIPT is not installed (package bpftrace)"
	ETRACE_ARGS=("$SCRIPT")
	casefile=$HERE/cases/$NAME.sh
elif [ "$KIND" = bt026 ]; then
	# bpftrace 0.17 cannot run 0.26's tools: it runs its own version of
	# the tool, when installed, whose output the case says is the same
	SCRIPT=$SRC/tests/data/bt026-tools/$NAME.bt
	BT_SCRIPT=/usr/sbin/$NAME.bt
	ETRACE_ARGS=("$SCRIPT")
	casefile=$HERE/cases/bt026-$NAME.sh
	[ -f "$casefile" ] || casefile=$HERE/cases/$NAME.sh
else
	SCRIPT=$SRC/stdlib/$NAME.et
	ETRACE_ARGS=("$NAME")	# by recipe name: the embedded copy
	casefile=$HERE/cases/stdlib-$NAME.sh
fi
if [ -f "$casefile" ]; then
	# shellcheck disable=SC1090
	. "$casefile"
	if [ "$KIND" = bt026 ] && [ "$COMPARE" != 0 ] &&
	   [ ! -f "$BT_SCRIPT" ]; then
		COMPARE=0 NO_COMPARE="$BT_SCRIPT (bpftrace 0.17's version) is not installed"
	fi
else
	echo "note: no case file $casefile: generic activity, no comparison"
	COMPARE=0 NO_COMPARE="no case file for this recipe"
fi

RUN=$OUT/$KIND-$NAME
rm -rf "$RUN" && mkdir -p "$RUN" || exit 1
WORK=$(mktemp -d /var/tmp/etrace-tools.XXXXXX) || exit 1
TOKEN=etk$$x$RANDOM
PIDS=()
trap 'cleanup_all' EXIT

[ -n "$EXPECT_FAIL" ] && { run_expect_fail; exit $?; }
[ "$NEEDS" = uprobe ] && need_uprobes

cd "$WORK" || exit 1
prepare || { echo "FAIL: preparing the activity failed"; exit 1; }
t0=$(date +%s%N)
start_tracer etrace "$RUN/etrace" "$ETRACE" "${ETRACE_ARGS[@]}"
EPID=$LAST_PID BPID=
if [ "$COMPARE" != 0 ] && [ -n "$BPFTRACE" ]; then
	start_tracer bpftrace "$RUN/bpftrace" "$BPFTRACE" "${BT_SCRIPT:-$SCRIPT}"
	BPID=$LAST_PID
fi
ready=1
wait_ready etrace "$RUN/etrace" "$EPID" || ready=0
if [ -n "$BPID" ]; then
	wait_ready bpftrace "$RUN/bpftrace" "$BPID" || ready=0
fi
if [ $ready = 1 ]; then
	sleep 0.2
	# In this shell, not a subshell: mark() reads what activity() set.
	activity >"$RUN/activity.log" 2>&1 ||
		fail "the activity failed (see $RUN/activity.log):" \
		     "$(tail -3 "$RUN/activity.log")"
	sleep "$SETTLE"
fi
stop_tracer etrace "$EPID"
ETRACE_RC=$STOP_RC BPFTRACE_RC=
[ -n "$BPID" ] && stop_tracer bpftrace "$BPID" && BPFTRACE_RC=$STOP_RC
if [ $ready = 1 ]; then
	check_etrace
	compare_bpftrace
fi
report $((($(date +%s%N) - t0) / 1000000))
