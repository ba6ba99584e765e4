#!/bin/sh
# The scrape time of /metrics (--metrics-addr): a map of N keys (10000 by
# default: 10k series), a counter per key, and a histogram map of N/100
# keys (66 buckets each: about 6.6k more bucket series), scraped R times
# with curl; prints the median and the worst time of a whole scrape
# (snapshot of the maps, rendering, HTTP) and its size. By hand, as root
# (a benchmark, not a test):
#   tests/bench/metrics.sh ETRACE [N] [R]
# Goal (issue #14): a scrape of 10k series in < 50 ms.
set -eu
etrace=$(readlink -f "$1")
n=${2:-10000}
r=${3:-20}
h=$((n / 100))
tmp=$(mktemp -d /tmp/etrace-mbench.XXXXXX)
trap 'rm -rf "$tmp"; [ -n "${et:-}" ] && kill -9 $et 2>/dev/null; true' EXIT
export ETRACE_CACHE_DIR=$tmp/cache

"$etrace" --metrics-addr 127.0.0.1:0 -e "config = { max_map_keys = $((n + 16)) }
	BEGIN { for (\$i : 0..$n) { @series[\$i, \"k\"] = count(); }
		for (\$i : 0..$h) { @lat[\$i] = hist(\$i * 1000); } }" \
	>"$tmp/out" 2>"$tmp/err" &
et=$!
port=
for _ in $(seq 1 1200); do
	port=$(sed -n 's/^etrace: serving metrics on port \([0-9]*\)$/\1/p' "$tmp/err")
	[ -n "$port" ] && grep -q '^Attaching' "$tmp/out" && break
	sleep 0.05
done
[ -n "$port" ] || { echo "etrace did not start:"; cat "$tmp/err"; exit 1; }
url=http://127.0.0.1:$port/metrics
# "Attaching" comes before BEGIN has run: scrape until its loops are done
for _ in $(seq 1 1200); do
	curl -s -o "$tmp/m" "$url"
	[ "$(grep -c '^series_total' "$tmp/m")" = "$n" ] &&
		[ "$(grep -c '^lat_count' "$tmp/m")" = "$h" ] && break
	sleep 0.05
done
[ "$(grep -c '^series_total' "$tmp/m")" = "$n" ] ||
	{ echo "not $n series_total in the scrape"; exit 1; }
series=$(grep -vc '^#' "$tmp/m")
# etrace's CPU time (utime + stime, clock ticks): what a scrape costs
# whatever else the machine runs
cpu() { awk '{ print $14 + $15 }' /proc/$et/stat; }
c0=$(cpu)
for _ in $(seq 1 "$r"); do
	curl -s -o /dev/null -w '%{time_total}\n' "$url"
done | sort -n >"$tmp/t"
med=$(awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] * 1000 }' "$tmp/t")
c1=$(cpu)
cpums=$(awk -v a="$c0" -v b="$c1" -v r="$r" -v hz="$(getconf CLK_TCK)" \
	'BEGIN { printf "%.1f", (b - a) * 1000 / hz / r }')
max=$(tail -1 "$tmp/t" | awk '{ printf "%.1f", $1 * 1000 }')
echo "metrics: $series series ($n counter keys, $h histogram keys), $(wc -c <"$tmp/m") bytes"
echo "etrace CPU per scrape: $cpums ms"
echo "scrape: median $med ms, worst $max ms over $r scrapes (goal: 10k series < 50 ms)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -INT $et
wait $et >/dev/null 2>&1 || true
et=
