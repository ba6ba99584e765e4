#!/bin/sh
# Where etrace http's BPF time goes: nginx under wrk paced near 5k
# requests/s (16 connections, 1 ms between requests, 5 s), traced by
# stdlib/http.et (or RECIPE=FILE), with kernel.bpf_stats_enabled for the
# run; per BPF program (its name, its section from the compiled object)
# the runs per request, ns per run and ns per request, from run_cnt and
# run_time_ns in /proc/PID/fdinfo of etrace's program fds. Programs of
# syscall tracepoints run for every process of the machine: on a busy
# machine their runs per request count the others' too.
# Needs root, nginx, wrk, curl, bpftool, llvm-objdump. Not a ctest test.
#   http-prog-cost.sh ETRACE
set -eu
etrace=$1; shift
tmp=$(mktemp -d /tmp/etrace-progcost.XXXXXX)
ng= et=
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/nginx.sh
. "$here/nginx.sh"
bench_nginx
stats0=$(sysctl -n kernel.bpf_stats_enabled)
trap 'kill $ng $et 2>/dev/null; sysctl -qw kernel.bpf_stats_enabled=$stats0; rm -rf "$tmp"' EXIT
sysctl -qw kernel.bpf_stats_enabled=1
cat >"$tmp/delay.lua" <<'LUA'
function delay() return 1.0 end
LUA
"$etrace" --dry-run --emit-elf "$tmp/o.o" ${RECIPE:-http} "$@" >/dev/null 2>&1
llvm-objdump -t "$tmp/o.o" | awk '/ F / && !/\.text/ { print $NF, $(NF-2) }' | sed 's|tracepoint/syscalls/||; s|/usr/lib/x86_64-linux-gnu/||' >"$tmp/names"
"$etrace" ${RECIPE:-http} "$@" >"$tmp/out" 2>&1 &
et=$!
until grep -q '^Tracing HTTP' "$tmp/out" 2>/dev/null; do sleep 0.1; done
snap() {
	for f in /proc/$et/fdinfo/*; do
		id=$(awk '/^prog_id:/ {print $2}' $f)
		[ -n "$id" ] || continue
		awk -v id=$id '/^run_time_ns:/ {t=$2} /^run_cnt:/ {c=$2} END {print id, c, t}' $f
	done | sort -n
}
snap >"$tmp/s0"
n=$(wrk -t2 -c16 -d5s -s "$tmp/delay.lua" "http://127.0.0.1:$port/index.html" | awk '/requests in/ { print $1 }')
snap >"$tmp/s1"
bpftool prog show | awk '/^[0-9]+:/ { sub(":", "", $1); for (i = 1; i < NF; i++) if ($i == "name") print $1, $(i+1) }' >"$tmp/ids"
kill -TERM $et; wait $et || true; et=
seen=$(sed -n 's|^@requests\[server, GET, /index.html, 200\]: ||p' "$tmp/out")
echo "requests $n seen $seen"
join "$tmp/s0" "$tmp/s1" | while read id c0 t0 c1 t1; do
	dc=$((c1 - c0)); dt=$((t1 - t0))
	[ $dc -gt 0 ] || continue
	pn=$(awk -v i=$id '$1 == i { print $2 }' "$tmp/ids")
	name=$pn:$(awk -v p=$pn '$1 == p { print $2 }' "$tmp/names")
	echo "$id $name $dc $dt"
done | sort -k4 -n -r | awk -v n=$n '{ printf "%-6s %-28s cnt/req %6.2f  ns/run %7.0f  ns/req %7.0f\n", $1, $2, $3/n, $4/$3, $4/n; s += $4 } END { printf "total ns/req %.0f\n", s/n }'

rm -rf "$tmp"
