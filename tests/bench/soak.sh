#!/bin/bash
# The recipe-mix soak (issue #17's Performance; a measurement, never a
# test: not in ctest). Four stdlib recipes run side by side, each its own
# etrace, for DURATION seconds (600) while soak_mix.c makes RATE events
# per second (10000): failing open()s of one path and close(-1)s, half
# each, an execve of /bin/true every 1000 events and a refused connect()
# every 200. syscount counts every system call, opensnoop prints every
# open, execsnoop every exec, tcpconnect every connection.
# Every SAMPLE seconds (10), from WARM seconds (60) on, it samples each
# etrace's RSS and CPU time (/proc/PID/status, /proc/PID/stat); at the
# end it prints, per recipe and in all: RSS after warm-up (first, max,
# last, growth, slope), user and system CPU % of one CPU, the events
# lost, and what each recipe saw against what the generator did.
# Goal: no RSS growth past warm-up, user CPU < 1 %, 0 lost. Root. The
# environment reaches the recipes: on a loaded machine, where etrace
# waits for a CPU, a bigger ring keeps 0 lost: ETRACE_PERF_RB_PAGES=1024.
#   DURATION=180 tests/bench/soak.sh [ETRACE]
# (issue #18's single-program soak at 50k events/s: soak-counter.sh)
set -u
ETRACE=$(realpath "${1:-build/etrace}")
DURATION=${DURATION:-600} RATE=${RATE:-10000} SAMPLE=${SAMPLE:-10}
WARM=${WARM:-60}
RECIPES="syscount opensnoop execsnoop tcpconnect"
HERE=$(cd "$(dirname "$0")" && pwd)

[ "$(id -u)" = 0 ] || { echo "soak.sh: needs root" >&2; exit 1; }
[ -x "$ETRACE" ] || { echo "soak.sh: no etrace at $ETRACE" >&2; exit 1; }
W=$(mktemp -d /tmp/etsoak.XXXXXX)
pids=
trap 'for p in $pids; do kill -9 "$p" 2>/dev/null; done; rm -rf "$W"' EXIT
cc -O2 -o "$W/soak_mix" "$HERE/soak_mix.c" ||
	{ echo "soak.sh: cannot build the load generator" >&2; exit 1; }
export ETRACE_CACHE_DIR= ETRACE_AUDIT_LOG=none
PATHNAME=$W/soak-nonexistent
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
TCK=$(getconf CLK_TCK)

echo "soak: $DURATION s at $RATE events/s, recipes: $RECIPES;" \
	"$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $RECIPES; do
	"$ETRACE" -B full -o "$W/$r.out" "$r" >/dev/null 2>"$W/$r.err" &
	echo $! >"$W/$r.pid"
	pids="$pids $!"
done
for r in $RECIPES; do	# each has attached when its BEGIN printed
	for _ in $(seq 1200); do
		[ -s "$W/$r.out" ] && break
		sleep 0.1
	done
	[ -s "$W/$r.out" ] || { echo "soak.sh: $r did not start:" \
		"$(head -3 "$W/$r.err")" >&2; exit 1; }
done
"$W/soak_mix" "$RATE" "$DURATION" "$PATHNAME" "$PORT" "$W/report" &
load=$!
t0=$SECONDS
# sample: seconds, then per recipe RSS KiB, utime and stime ticks
while kill -0 "$load" 2>/dev/null; do
	t=$((SECONDS - t0))
	if [ "$t" -ge "$WARM" ]; then
		line=$t
		for r in $RECIPES; do
			p=$(cat "$W/$r.pid")
			rss=$(awk '/^VmRSS:/ { print $2 }' /proc/"$p"/status 2>/dev/null)
			cpu=$(sed 's/.*) //' /proc/"$p"/stat 2>/dev/null |
				awk '{ print $12, $13 }')
			line="$line ${rss:-0} ${cpu:-0 0}"
		done
		echo "$line" >>"$W/samples"
	fi
	sleep "$SAMPLE"
done
wait "$load" || echo "soak.sh: the load generator failed" >&2
for r in $RECIPES; do kill -INT "$(cat "$W/$r.pid")"; done
for r in $RECIPES; do wait "$(cat "$W/$r.pid")" || echo "soak.sh: $r: exit $?"; done
pids=

rep() { awk -v k="$1" '$1 == k { print $2 }' "$W/report"; }
echo "generator: $(rep opens) opens, $(rep closes) closes, $(rep execs)" \
	"execs, $(rep connects) connects; kept $(rep rate) events/s"
printf '%-11s %8s %8s %8s %8s %9s %7s %7s %6s\n' recipe "RSS0 KiB" \
	"max" "last" growth "KiB/min" "user%" "sys%" lost
i=0
for r in $RECIPES; do
	lost=$(cat "$W/$r.out" "$W/$r.err" |
		sed -n 's/.*Lost \([0-9]*\) events.*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	awk -v c=$((2 + 3 * i)) -v tck="$TCK" -v r="$r" -v lost="$lost" '
		NR == 1 { t0 = $1; first = $c; max = $c; u0 = $(c + 1)
			  s0 = $(c + 2) }
		{ if ($c > max) max = $c; last = $c; t = $1; n++
		  sx += $1; sy += $c; sxx += $1 * $1; sxy += $1 * $c
		  u = $(c + 1); s = $(c + 2) }
		END { dt = t - t0; if (dt <= 0) dt = 1
		  slope = n > 1 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : 0
		  printf "%-11s %8d %8d %8d %8d %9.2f %7.2f %7.2f %6d\n", r,
			 first, max, last, last - first, slope * 60,
			 100 * (u - u0) / tck / dt, 100 * (s - s0) / tck / dt,
			 lost }' "$W/samples"
	i=$((i + 1))
done | tee "$W/table"
awk '{ g += $5; u += $7; s += $8; l += $9 }
	END { printf "%-11s %8s %8s %8s %8d %9s %7.2f %7.2f %6d\n", "all",
	      "", "", "", g, "", u, s, l }' "$W/table"
check() {	# check WHAT GOT WANT
	printf '%-40s %10s %10s  %s\n' "$1" "$2" "$3" \
		"$([ "$2" = "$3" ] && echo match || echo DIFFERS)"
}
printf '%-40s %10s %10s\n' "seen" "etrace" "generator"
check "opensnoop: opens of the path" \
	"$(grep -c " 2 $PATHNAME\$" "$W/opensnoop.out")" "$(rep opens)"
check "execsnoop: execs of true soak" \
	"$(grep -c ' true soak$' "$W/execsnoop.out")" "$(rep execs)"
check "tcpconnect: connects to the port" \
	"$(grep -c " $PORT *\$" "$W/tcpconnect.out")" "$(rep connects)"
echo "samples: $(wc -l <"$W/samples") from ${WARM} s on, every ${SAMPLE} s"
for r in $RECIPES; do grep -v '^$' "$W/$r.err" | head -3 | sed "s/^/$r: /"; done
