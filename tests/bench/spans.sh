#!/bin/bash
# Span blocks' costs on this machine (issue #14), a measurement, never a
# test: it exits 0 whatever the figures are (1 only when it cannot run).
# Needs root. The load is tests/progs/spans/span_target getppid N (N
# system calls); each figure is the median of RUNS runs.
#   1. completed spans/s drained: a span per getppid (begin at
#      sys_enter, end at sys_exit, key tid), every span printed to a
#      file; the spans counted there must be N, with nothing lost;
#   2. added cost per event (ns, per probe firing) of a span's begin and
#      end against the same two probes doing a plain map update
#      (@[tid] = nsecs), under etrace and under bpftrace 0.17 (no span
#      blocks there: its row is the plain map update).
#   tests/bench/spans.sh [ETRACE] [SPAN_TARGET] [BPFTRACE]
# Environment: RUNS (5), N (1000000).
set -u
ETRACE=$(realpath "${1:-build/etrace}")
T=$(realpath "${2:-build/tests/progs/spans/span_target}")
BPFTRACE=${3:-bpftrace}
RUNS=${RUNS:-5} N=${N:-1000000}

[ "$(id -u)" = 0 ] || { echo "spans.sh: needs root" >&2; exit 1; }
[ -x "$ETRACE" ] && [ -x "$T" ] ||
	{ echo "spans.sh: no $ETRACE or $T" >&2; exit 1; }
W=$(mktemp -d /tmp/etspans.XXXXXX)
bg=
trap '[ -n "$bg" ] && kill -9 $bg 2>/dev/null; rm -rf "$W"' EXIT
export ETRACE_CACHE_DIR=

ENTER=tracepoint:syscalls:sys_enter_getppid
EXIT=tracepoint:syscalls:sys_exit_getppid
SPAN="span g { key (tid); begin $ENTER { } end $EXIT { } }"
PLAIN="$ENTER { @a[tid] = nsecs; } $EXIT { @b[tid] = nsecs; }"

now() { date +%s%N; }

# target: the load's wall time in ns
target() {
	local t0
	t0=$(now)
	"$T" getppid "$N" || exit 1
	echo $(($(now) - t0))
}

# traced TOOL PROG: the load's time while TOOL runs PROG (stdout to
# $W/out, stderr to $W/err)
traced() {
	local tool=$1 prog=$2 t
	"$tool" -e "$prog" >"$W/out" 2>"$W/err" &
	bg=$!
	for _ in $(seq 1 400); do
		grep -q '^Attaching' "$W/out" 2>/dev/null && break
		sleep 0.05
	done
	t=$(target)
	# TERM: a background job of a script ignores SIGINT (bpftrace then
	# never ends)
	kill -TERM "$bg"
	wait "$bg"
	bg=
	echo "$t"
}

median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

base= span= plain= bpf= drained=
for _ in $(seq 1 "$RUNS"); do
	base="$base $(target)"
	t=$(traced "$ETRACE" "$SPAN")
	got=$(grep -c '^span g ' "$W/out")
	if [ "$got" -lt "$N" ] || grep -q 'lost\|refused\|expired' "$W/err"; then
		echo "spans.sh: $got of $N spans, or a loss: $(cat "$W/err")" >&2
	else
		span="$span $t"
		drained="$drained $((N * 1000000000 / t))"
	fi
	plain="$plain $(traced "$ETRACE" "$PLAIN")"
	command -v "$BPFTRACE" >/dev/null &&
		bpf="$bpf $(traced "$BPFTRACE" "$PLAIN")"
done
b=$(echo "$base" | median)
per() { [ -n "$1" ] && echo $((($(echo "$1" | median) - b) / (2 * N))) || echo -; }
echo "N=$N getppid calls, median of $RUNS runs"
echo "load alone:                        $((b / N)) ns per call"
echo "completed spans/s drained (no loss): $(echo "$drained" | median)"
echo "added ns per event, etrace span begin/end:        $(per "$span")"
echo "added ns per event, etrace plain map update:      $(per "$plain")"
echo "added ns per event, bpftrace plain map update:    $(per "$bpf")"
exit 0
