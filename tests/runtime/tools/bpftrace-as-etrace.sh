#!/bin/bash
# bpftrace posing as etrace, to validate the harness and a new case file:
#   run-tool.sh tests/runtime/tools/bpftrace-as-etrace.sh ACTIVITY_DIR CASE
# must pass for every case bpftrace can run here (all but tool/tcpdrop,
# tool/threadsnoop and tool/vfscount, which fail: that is the point).
src=$(cd "$(dirname "$0")/../../.." && pwd)
if [ $# = 1 ] && [ -f "$src/stdlib/$1.et" ]; then
	set -- "$src/stdlib/$1.et"	# a recipe name, as etrace takes it
fi
# bpftrace 0.17 always complains about RLIMIT_MEMLOCK here
exec bpftrace "$@" 2> >(grep -v RLIMIT_MEMLOCK >&2)
