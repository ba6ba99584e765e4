#!/bin/bash
# The soak benchmark (issue #18; a measurement, never a test: not in
# ctest): etrace runs DURATION seconds (600) under RATE events/s (50000)
# from soak_load.c, a -c child closing invalid descriptors -1..-8192 in
# turn. The program counts every call (@n), keeps one map key per
# descriptor in a map of 4096 keys (so half the calls are updates that
# find it full, each counted) and prints every 64th descriptor to a file;
# every minute it prints @n (a dump: what was dropped since is reported).
# (The descriptors the child's loader and libc close are not counted.)
# It samples etrace's RSS every SAMPLE seconds (10), from WARM seconds
# (30) on, once it compiled and attached, and checks the counts
# against what the generator says it sent:
#   @n = sent; updates reported dropped = over_keys;
#   lines printed + "Lost N events" = marked.
# Prints RSS first/min/max/last and its slope, and the counts. Root.
#   tests/bench/soak-counter.sh [ETRACE]
set -u
ETRACE=$(realpath "${1:-build/etrace}")
DURATION=${DURATION:-600} RATE=${RATE:-50000} SAMPLE=${SAMPLE:-10}
WARM=${WARM:-30}
NKEYS=8192 KEEP=4096
HERE=$(cd "$(dirname "$0")" && pwd)

[ "$(id -u)" = 0 ] || { echo "soak.sh: needs root" >&2; exit 1; }
[ -x "$ETRACE" ] || { echo "soak.sh: no etrace at $ETRACE" >&2; exit 1; }
W=$(mktemp -d /tmp/etsoak.XXXXXX)
trap 'rm -rf "$W"' EXIT
cc -O2 -o "$W/soak_load" "$HERE/soak_load.c" ||
	{ echo "soak.sh: cannot build the load generator" >&2; exit 1; }
export ETRACE_CACHE_DIR=

prog='tracepoint:syscalls:sys_enter_close /pid == cpid && (int32)args->fd < 0/ {
  @keys[args->fd] = count(); @n = count();
  if ((args->fd & 63) == 0) { printf("%d\n", (int32)args->fd); } }
interval:s:60 { print(@n); }'

echo "soak: $DURATION s at $RATE events/s, $(nproc) CPUs, load average" \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
"$ETRACE" -o "$W/out" -c "$W/soak_load $RATE $DURATION $NKEYS $KEEP $W/report" \
	-e "$prog" >/dev/null 2>"$W/err" &
pid=$!
t0=$SECONDS
while kill -0 "$pid" 2>/dev/null; do
	rss=$(awk '/^VmRSS:/ { print $2 }' /proc/"$pid"/status 2>/dev/null)
	[ -n "$rss" ] && [ $((SECONDS - t0)) -ge "$WARM" ] &&
		echo "$((SECONDS - t0)) $rss" >>"$W/rss"
	sleep "$SAMPLE"
done
wait "$pid"
rc=$?

read_report() { awk -v k="$1" '$1 == k { print $2 }' "$W/report"; }
sent=$(read_report sent) over=$(read_report over_keys)
marked=$(read_report marked)
n=$(sed -n 's/^@n: //p' "$W/out" | tail -n 1)
dropped=$(sed -n 's/^warning: @keys: \([0-9]*\) updates\{0,1\} dropped.*/\1/p' \
	"$W/err" | awk '{ s += $1 } END { print s + 0 }')
printed=$(grep -c '^-[0-9]*$' "$W/out")
lost=$(sed -n 's/^Lost \([0-9]*\) events$/\1/p' "$W/out" |
	awk '{ s += $1 } END { print s + 0 }')
reports=$(grep -c '^warning: @keys:' "$W/err")

echo "etrace exit status: $rc"
awk 'NR == 1 { first = $2; min = $2; max = $2 }
	{ if ($2 < min) min = $2; if ($2 > max) max = $2; last = $2; t = $1
	  n++; sx += $1; sy += $2; sxx += $1 * $1; sxy += $1 * $2 }
	END { slope = n > 1 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : 0
	  printf "RSS (KiB), %d samples: first %d, min %d, max %d, last %d; " \
		 "slope %.2f KiB/min\n", n, first, min, max, last, slope * 60 }' \
	"$W/rss"
check() {	# check WHAT GOT WANT
	printf '%-44s %12s %12s  %s\n' "$1" "$2" "$3" \
		"$([ "$2" = "$3" ] && echo match || echo DIFFERS)"
}
printf '%-44s %12s %12s\n' "count" "etrace" "generator"
check "events counted (@n) / sent" "$n" "$sent"
check "updates dropped, map full (in $reports reports)" "$dropped" "$over"
check "lines printed + lost / marked" "$((printed + lost))" "$marked"
echo "(lost ring buffer records: $lost)"
grep -v '^warning: @keys: ' "$W/err" | head -5
