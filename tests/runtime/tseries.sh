#!/bin/sh
# tseries() as bpftrace 0.26 keeps and draws it (real BPF, as root). The
# BPF side reads CLOCK_TAI, which a test cannot set: the exact cases write
# in one interval of a day (BEGIN only, so every write lands in the same
# epoch unless the run straddles midnight) and mask the clock time; the
# paced case checks structure and totals of a workload the test paces;
# the percpu case checks that the CPUs' shares of an interval are merged.
#   tseries.sh ETRACE CASE
# Exit 77: not root.
set -u
etrace=$1
case=$2

RUN_TIMEOUT=30
. "$(dirname "$0")/rtlib.sh"
ETRACE_CACHE_DIR=
export ETRACE_CACHE_DIR

DAY=86400000000000
# every aggregation, signed and unsigned values, keyed and not
AGGS="config = { unstable_tseries = enable }
BEGIN {
  @a = tseries(5, $DAY, 3); @a = tseries(6, $DAY, 3);
  @s = tseries(5, $DAY, 3, \"sum\"); @s = tseries(7, $DAY, 3, \"sum\");
  @mn = tseries(-5, $DAY, 3, \"min\"); @mn = tseries(7, $DAY, 3, \"min\");
  @mx = tseries(-5, $DAY, 3, \"max\"); @mx = tseries(7, $DAY, 3, \"max\");
  @av = tseries(4, $DAY, 3, \"avg\"); @av = tseries(7, $DAY, 3, \"avg\");
  @u = tseries((uint64)-1, $DAY, 3);
  @k[\"two\"] = tseries(-3, $DAY, 3); @k[\"one\"] = tseries(4, $DAY, 3);
  exit();
}"

# the wall clock time of an interval's start, masked
mask_text() {
	sed -E 's/^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9} /TIME /' "$out" \
		>"$tmp/masked"
	cmp -s "$tmp/want" "$tmp/masked" ||
		fail "stdout differs: $(diff "$tmp/want" "$tmp/masked" | head -30)"
}

case $case in
text)
	run 0 -q -e "$AGGS"
	cat >"$tmp/want" <<'OUT'


@a:
                   5                                                   7
hh:mm:ss.ns        |___________________________________________________|
TIME |                         *                         | 6
                   v___________________________________________________v
                   5                                                   7

@av:
                   4                                                   6
hh:mm:ss.ns        |___________________________________________________|
TIME |                         *                         | 5
                   v___________________________________________________v
                   4                                                   6

@k[one]:
                   3                                                   5
hh:mm:ss.ns        |___________________________________________________|
TIME |                         *                         | 4
                   v___________________________________________________v
                   3                                                   5

@k[two]:
                   -4                                                 -2
hh:mm:ss.ns        |___________________________________________________|
TIME |                         *                         | -3
                   v___________________________________________________v
                   -4                                                 -2

@mn:
                   -6                                                 -4
hh:mm:ss.ns        |___________________________________________________|
TIME |                         *                         | -5
                   v___________________________________________________v
                   -6                                                 -4

@mx:
                   6                                                   8
hh:mm:ss.ns        |___________________________________________________|
TIME |                         *                         | 7
                   v___________________________________________________v
                   6                                                   8

@s:
                   11                                                 13
hh:mm:ss.ns        |___________________________________________________|
TIME |                         *                         | 12
                   v___________________________________________________v
                   11                                                 13

@u:
                   18446744073709551614             18446744073709551615
hh:mm:ss.ns        |___________________________________________________|
TIME |                                                   * 18446744073709551615
                   v___________________________________________________v
                   18446744073709551614             18446744073709551615

OUT
	mask_text
	;;
json)
	# interval_start in UTC: the day's start (CLOCK_TAI's day, shown
	# in wall clock time: the kernel's TAI offset moves it)
	run 0 -q -f json -e "$AGGS"
	sed -E 's/"interval_start":"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}\.000000000"/"interval_start":"T"/g' \
		"$out" >"$tmp/masked"
	cat >"$tmp/want" <<'OUT'


{"type": "tseries", "data": {"@a": [{"interval_start":"T","value":6}]}}
{"type": "tseries", "data": {"@av": [{"interval_start":"T","value":5}]}}
{"type": "tseries", "data": {"@k": {"one": [{"interval_start":"T","value":4}], "two": [{"interval_start":"T","value":-3}]}}}
{"type": "tseries", "data": {"@mn": [{"interval_start":"T","value":-5}]}}
{"type": "tseries", "data": {"@mx": [{"interval_start":"T","value":7}]}}
{"type": "tseries", "data": {"@s": [{"interval_start":"T","value":12}]}}
{"type": "tseries", "data": {"@u": [{"interval_start":"T","value":18446744073709551615}]}}
OUT
	cmp -s "$tmp/want" "$tmp/masked" ||
		fail "stdout differs: $(diff "$tmp/want" "$tmp/masked" | head -30)"
	;;
paced)
	# 40 ticks of 25 ms summed into 100 ms intervals, a window of 1000:
	# every tick is in some row, rows are 100 ms apart, none is missing,
	# and the last write of a last-value series is the newest row
	run 0 -q -e 'config = { unstable_tseries = enable }
	  interval:ms:25 { @n++; @s = tseries(1, 100000000, 1000, "sum");
	  @l = tseries(@n, 100000000, 1000); if (@n == 40) { exit(); } }'
	awk '
	  /^@s:/ { m = "s" } /^@l:/ { m = "l" }
	  /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9][0-9][0-9] / {
		split($1, t, /[:.]/)
		ms = ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4]
		if (prev[m] != "" && ms - prev[m] != 100)
			print "step " m " " ms - prev[m]
		prev[m] = ms; rows[m]++
		if ($NF == "-") { print "gap " m; next }
		if (m == "s") total += $NF
		if (m == "l") last = $NF
	  }
	  END { print "total", total, "last", last
		if (rows["s"] < 9 || rows["s"] > 12) print "rows", rows["s"] }
	' "$out" >"$tmp/got"
	printf 'total 40 last 40\n' >"$tmp/want"
	cmp -s "$tmp/want" "$tmp/got" ||
		fail "$(cat "$tmp/got"): $(cat "$out")"
	has "$out" '^hh:mm:ss.ms  |___'
	;;
percpu)
	# each CPU keeps its own share of an interval; user space adds them
	[ "$(nproc)" -ge 2 ] || skip "one CPU"
	start -e "config = { unstable_tseries = enable }
	  tracepoint:syscalls:sys_enter_getppid /comm == \"et_ts_getppid\"/ {
	  @s = tseries(1, $DAY, 2, \"sum\"); @c = count(); @cpu[cpu] = 1; }"
	for c in 0 1; do
		taskset -c $c python3 -c 'import ctypes, os
ctypes.CDLL(None).prctl(15, b"et_ts_getppid")
for _ in range(100): os.getppid()'
	done
	kill -INT "$bg"
	wait_bg 0
	has "$out" '^@c: 200$'
	has "$out" '^@cpu\[0\]: 1$'
	has "$out" '^@cpu\[1\]: 1$'
	has "$out" '| 200$'
	;;
*)
	echo "unknown case $case"
	exit 2
	;;
esac
exit 0
