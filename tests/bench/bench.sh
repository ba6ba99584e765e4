#!/bin/bash
# The benchmark of etrace against bpftrace 0.17 on this machine, in the
# same run (issue #5): runs of the two tools alternate, every figure is a
# median, and the table gives absolute figures, the etrace/bpftrace ratio
# and the target. A measurement, never a test: it exits 0 whatever the
# figures are (1 only when it cannot run). Needs root.
#   tests/bench/bench.sh [ETRACE] [BPFTRACE]
# Environment: RUNS (5), N_SYSCALL (2000000), N_FUNC (50000),
# CPU_SECS (10), ONLY (space-separated sections: startup rss event
# uprobe printf cpu compile; default all). etrace-run (next to ETRACE)
# has its own start-up and RSS rows: the artifacts it runs are compiled
# by etrace --compile-only before the timed runs.
set -u
ETRACE=$(realpath "${1:-build/etrace}")
BPFTRACE=${2:-bpftrace}
# the runtime alone, running what etrace --compile-only wrote
ETRACE_RUN=$(dirname "$ETRACE")/etrace-run
RUNS=${RUNS:-5} N_SYSCALL=${N_SYSCALL:-2000000} N_FUNC=${N_FUNC:-50000}
CPU_SECS=${CPU_SECS:-10}
ONLY=${ONLY:-startup rss event uprobe printf cpu compile}
HERE=$(cd "$(dirname "$0")" && pwd)
TOOLS="etrace bpftrace"
TP=tracepoint:syscalls:sys_enter_getppid

[ "$(id -u)" = 0 ] || { echo "bench.sh: needs root" >&2; exit 1; }
[ -x "$ETRACE" ] || { echo "bench.sh: no etrace at $ETRACE" >&2; exit 1; }
[ -x "$ETRACE_RUN" ] ||
	{ echo "bench.sh: no etrace-run at $ETRACE_RUN" >&2; exit 1; }
command -v "$BPFTRACE" >/dev/null ||
	{ echo "bench.sh: no bpftrace ($BPFTRACE)" >&2; exit 1; }
W=$(mktemp -d /tmp/etbench.XXXXXX)
trap 'rm -rf "$W"' EXIT
LOAD=$W/etbench_load
cc -O2 -o "$LOAD" "$HERE/etbench_load.c" ||
	{ echo "bench.sh: cannot build the load generator" >&2; exit 1; }
declare -A R	# R[metric.tool] = space-separated samples
# etrace's object cache is off (everything compiled at every run) except
# in the start-up rows that say "cache warm"
export ETRACE_CACHE_DIR=
# every run as root writes its audit records (runtime/audit.h), as by
# default, into the work directory rather than /var/log/etrace
export ETRACE_AUDIT_LOG=$W/audit.jsonl

tool_bin() { [ "$1" = etrace ] && echo "$ETRACE" || echo "$BPFTRACE"; }
add() { R[$1.$2]="${R[$1.$2]:-} $3"; }
now() { echo "${EPOCHREALTIME/./}"; }	# microseconds
# now_in VAR: the same into VAR without forking a subshell, which costs
# ~0.5 ms and would be charged to the faster tool in the start-up rows
now_in() { printf -v "$1" '%s' "${EPOCHREALTIME/./}"; }
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
in_section() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }
median() {
	printf '%s\n' $1 | sort -g | awk 'NF { v[++n] = $1 } END {
		if (n == 0) { print "n/a"; exit }
		if (n % 2) print v[(n + 1) / 2];
		else print (v[n / 2] + v[n / 2 + 1]) / 2 }'
}
spread() {	# "min..max" of the samples, to show the noise
	printf '%s\n' $1 | sort -g | awk 'NF && !n++ { lo = $1 } NF { hi = $1 }
		END { if (n) printf "%g..%g", lo, hi }'
}

# Start TOOL with PROG in the background (stdout $W/out, stderr $W/err),
# wait until its probes are attached: "Attaching" printed, then 0.5 s
# (bpftrace prints the line before attaching). Sets PID.
start_tool() {
	local t=$1 prog=$2 i
	: >"$W/out"
	"$(tool_bin "$t")" -e "$prog" >"$W/out" 2>"$W/err" &
	PID=$!
	for i in $(seq 200); do
		grep -q Attaching "$W/out" "$W/err" 2>/dev/null && break
		kill -0 $PID 2>/dev/null || break
		sleep 0.02
	done
	sleep 0.5
}
# SIGINT until the tool has gone (a signal that arrives while a loaded
# bpftrace is still attaching can be lost), SIGKILL after 20 s.
stop_tool() {
	local i
	for i in $(seq 40); do
		kill -INT "$PID" 2>/dev/null || break
		sleep 0.5
	done
	kill -KILL "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
}
# The count printed for the load generator's comm, 0 if none.
map_count() {
	awk -F': ' '/^@\[etbench_load\]/ { n = $2 } END { print n + 0 }' \
		"$W/out"
}
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$W/load"; }

# Wall time of BEGIN { exit(); }; and from launch until a tracepoint
# one-liner with a map is attached: until its first printf reaches us
# (the load generator hits the tracepoint every 100 us; the detach at
# exit, ~20 ms of RCU grace period in the kernel, is not counted).
# etrace runs each twice: with its object cache off (cold: everything
# compiled) and with a warm cache ($W/cache, filled before the runs).
ATTACH_PROG="$TP { @[comm] = count(); printf(\"hit\\n\"); exit(); }"
# etrace exits at once and closes its BPF links in a background child:
# the kernel's detach of a tracepoint (~40 ms of RCU grace periods)
# holds the event_mutex that the next run's attach needs. Each run starts
# once the previous one's detach is over (bpftrace detaches before it
# exits), so that a run does not pay for the one before.
settle() {
	local i
	for i in $(seq 200); do
		pgrep -x etrace >/dev/null || return 0
		sleep 0.01
	done
}
startup_once() {	# tool suffix cache-dir [run: etrace-run artifacts]
	local t=$1 k=$2 s e l bin begin=(-e 'BEGIN { exit(); }')
	local attach=(-e "$ATTACH_PROG")
	bin=$(tool_bin "$t")
	if [ "${4:-}" = run ]; then
		bin=$ETRACE_RUN begin=("$W/begin.eto") attach=("$W/attach.eto")
	fi
	settle
	now_in s
	ETRACE_CACHE_DIR=$3 "$bin" "${begin[@]}" >/dev/null 2>&1
	now_in e
	add "startup$k" "$t" "$(ms $((e - s)))"
	settle
	now_in s
	ETRACE_CACHE_DIR=$3 "$bin" -B line "${attach[@]}" \
		>"$W/fifo" 2>/dev/null &
	{
		while read -r l; do [ "$l" = hit ] && break; done
		now_in e
		cat >/dev/null
	} <"$W/fifo"
	wait $!
	add "attach$k" "$t" "$(ms $((e - s)))"
	settle
}
bench_startup() {
	local t r spin
	mkfifo "$W/fifo"
	"$LOAD" spin & spin=$!
	mkdir -m 700 "$W/cache"
	ETRACE_CACHE_DIR=$W/cache "$ETRACE" -e 'BEGIN { exit(); }' >/dev/null 2>&1
	ETRACE_CACHE_DIR=$W/cache "$ETRACE" -e "$ATTACH_PROG" >/dev/null 2>&1
	"$ETRACE" --compile-only -o "$W/begin.eto" -e 'BEGIN { exit(); }'
	"$ETRACE" --compile-only -o "$W/attach.eto" -e "$ATTACH_PROG"
	for r in $(seq "$RUNS"); do
		for t in $TOOLS; do
			startup_once "$t" "" ""
			[ "$t" = etrace ] || continue
			startup_once "$t" _cached "$W/cache"
			startup_once "$t" _run "" run
		done
	done
	for k in startup attach; do
		R[${k}_cached.bpftrace]=${R[$k.bpftrace]}
		R[${k}_run.bpftrace]=${R[$k.bpftrace]}
	done
	kill $spin; wait $spin 2>/dev/null
}

# Peak memory of the count one-liner: 1.5 s attached, 200k events,
# SIGINT, maps printed. The tool runs in its own process group, sampled
# every 2 ms: the largest VmHWM of a process, and the peak of the sum of
# VmRSS over the group (helper processes included; pages they share
# are counted twice).
rss_once() {	# metric tool command...
	local k=$1 t=$2
	shift 2
	setsid "$@" >"$W/out" 2>"$W/err" &
	PID=$!
	"$LOAD" treemem $PID >"$W/load" &
	local mem=$! i
	for i in $(seq 200); do	# attached (as start_tool), at least 1.5 s
		grep -q Attaching "$W/out" "$W/err" 2>/dev/null && break
		kill -0 $PID 2>/dev/null || break
		sleep 0.02
	done
	sleep 1.5
	"$LOAD" getppid 200000 >/dev/null
	stop_tool
	wait $mem
	add "$k" "$t" "$(field hwm_kb | awk '{ printf "%.1f", $1 / 1024 }')"
	add "${k}_tree" "$t" \
		"$(field rss_kb | awk '{ printf "%.1f", $1 / 1024 }')"
}
bench_rss() {
	local t r prog="$TP { @[comm] = count(); }"
	"$ETRACE" --compile-only -o "$W/count.eto" -e "$prog"
	for r in $(seq "$RUNS"); do
		for t in $TOOLS; do
			rss_once rss "$t" "$(tool_bin "$t")" -e "$prog"
		done
		rss_once rss_run etrace "$ETRACE_RUN" "$W/count.eto"
	done
	R[rss_run.bpftrace]=${R[rss.bpftrace]}
	strip -o "$W/etrace-run.stripped" "$ETRACE_RUN"
	add run_size etrace "$(stat -c %s "$W/etrace-run.stripped" |
		awk '{ printf "%.2f", $1 / 1048576 }')"
}

# ns per call of LOADMODE N under PROG for each tool, and untraced.
bench_cost() {
	local key=$1 mode=$2 n=$3 prog=$4 empty=$5 t r c
	for r in $(seq "$RUNS"); do
		"$LOAD" "$mode" "$n" >"$W/load"
		add "$key.none" "" "$(field ns_per_call)"
		for t in $TOOLS; do
			start_tool "$t" "$prog"
			"$LOAD" "$mode" "$n" >"$W/load"
			stop_tool
			c=$(map_count)
			[ "$c" -ge "$n" ] ||
				echo "note: $t $key run $r saw $c of $n events"
			add "$key" "$t" "$(field ns_per_call)"
			start_tool "$t" "$empty"
			"$LOAD" "$mode" "$n" >"$W/load"
			stop_tool
			add "$key.empty" "$t" "$(field ns_per_call)"
		done
	done
}

# Seconds from the end of the load until $W/out stops growing for 0.3 s.
drain_wait() {
	local last size prev=-1 t_last=$(now)
	while :; do
		size=$(stat -c %s "$W/out")
		[ "$size" != "$prev" ] && { prev=$size; t_last=$(now); }
		[ $(($(now) - t_last)) -gt 300000 ] && break
		sleep 0.02
	done
	echo "$t_last"
}
lost() {
	cat "$W/out" "$W/err" | awk '/^Lost [0-9]+ events/ { n += $2 }
		END { print n + 0 }'
}

bench_printf() {
	local t r s e n prog="$TP { printf(\"%d %s\\n\", pid, comm); }"
	for r in $(seq "$RUNS"); do
		for t in $TOOLS; do
			start_tool "$t" "$prog"
			s=$(now)
			"$LOAD" getppid "$N_SYSCALL" >"$W/load"
			e=$(drain_wait)
			stop_tool
			n=$(grep -c ' etbench_load$' "$W/out")
			add printf_rate "$t" \
				"$(awk -v n="$n" -v us=$((e - s)) \
				'BEGIN { printf "%.0f", n / (us / 1e6) }')"
			add printf_lost "$t" \
				$(($(field calls | cut -d. -f1) - n))
			add printf_lost_said "$t" "$(lost)"
			start_tool "$t" "$prog"
			"$LOAD" rate 100000 2 >"$W/load"
			sleep 0.3
			stop_tool
			n=$(grep -c ' etbench_load$' "$W/out")
			add printf100k_lost "$t" \
				$(($(field calls | cut -d. -f1) - n))
		done
	done
}

# user and system CPU (% of one CPU) of the tool while 10k printf/s flow
bench_cpu() {
	local t r u0 s0 u1 s1 a b hz
	hz=$(getconf CLK_TCK)
	for r in $(seq "$RUNS"); do
		for t in $TOOLS; do
			start_tool "$t" "$TP { printf(\"%d %s\\n\", pid, comm); }"
			read -r u0 s0 < <(sed 's/.*) //' /proc/$PID/stat |
				awk '{ print $12, $13 }')
			a=$(now)
			"$LOAD" rate 10000 "$CPU_SECS" >"$W/load"
			b=$(now)
			read -r u1 s1 < <(sed 's/.*) //' /proc/$PID/stat |
				awk '{ print $12, $13 }')
			stop_tool
			add cpu_user "$t" "$(awk -v d=$((u1 - u0)) -v hz="$hz" \
				-v us=$((b - a)) \
				'BEGIN { printf "%.2f", d / hz / (us / 1e6) * 100 }')"
			add cpu_sys "$t" "$(awk -v d=$((s1 - s0)) -v hz="$hz" \
				-v us=$((b - a)) \
				'BEGIN { printf "%.2f", d / hz / (us / 1e6) * 100 }')"
		done
	done
}

bench_compile() {
	local t r s e f largest
	f=$W/thirty.et
	sed -n '/^PROG$/q; /<<.PROG.$/,$p' "$HERE/dryrun.sh" | sed 1d >"$f"
	largest=$(wc -l "$HERE"/../../stdlib/*.et "$HERE"/../../examples/*.et |
		grep -v ' total$' | sort -n | tail -1 | awk '{ print $2 }')
	cp "$largest" "$W/largest.et"
	LARGEST_NAME=$(basename "$largest")
	for r in $(seq "$RUNS"); do
		for t in $TOOLS; do
			for k in thirty largest; do
				s=$(now)
				if [ "$t" = etrace ]; then
					"$ETRACE" --dry-run "$W/$k.et" >/dev/null 2>&1
				else
					"$BPFTRACE" --emit-elf "$W/elf.o" "$W/$k.et" \
						>/dev/null 2>&1
				fi || { add "compile_$k" "$t" n/a; continue; }
				e=$(now)
				add "compile_$k" "$t" "$(ms $((e - s)))"
			done
		done
	done
}

# --- the table ---
row() {	# label metric [ratio|max|min TARGET]: ratio e/b or etrace's own
	local e b ratio verdict=""
	e=$(median "${R[$2.etrace]:-}") b=$(median "${R[$2.bpftrace]:-}")
	ratio=$(awk -v e="$e" -v b="$b" 'BEGIN {
		if (e == "n/a" || b == "n/a" || b == 0) print "-";
		else printf "%.3f", e / b }')
	if [ -n "${3:-}" ]; then
		verdict=$(awk -v r="$ratio" -v e="$e" -v k="$3" -v t="$4" 'BEGIN {
			if (k == "ratio" && r == "-") exit
			v = k == "ratio" ? r : e
			ok = k == "min" ? v >= t : v <= t
			printf "%s%s %s %s", k == "ratio" ? "ratio " : "",
				k == "min" ? ">=" : "<=", t, ok ? "met" : "NOT MET" }')
	fi
	printf '%-44s %11s %11s %7s  %s\n' "$1" "$e" "$b" "$ratio" "$verdict"
	printf '%-44s %11s %11s\n' "" "($(spread "${R[$2.etrace]:-}"))" \
		"($(spread "${R[$2.bpftrace]:-}"))"
}
line() { printf '%-44s %11s %11s\n' "$1" "$2" "${3:-}"; }

cost_rows() {	# key label
	local k=$1 none e b fe fb
	none=$(median "${R[$k.none.]:-}")
	e=$(median "${R[$k.etrace]:-}") b=$(median "${R[$k.bpftrace]:-}")
	fe=$(median "${R[$k.empty.etrace]:-}")
	fb=$(median "${R[$k.empty.bpftrace]:-}")
	line "$2: untraced (ns/call)" "$none"
	line "$2: empty program (ns/call)" "$fe" "$fb"
	row "$2: @[comm] = count() (ns/call)" "$k"
	awk -v n="$none" -v e="$e" -v b="$b" -v fe="$fe" -v fb="$fb" -v l="$2" '
	BEGIN {
		fl = fe < fb ? fe : fb
		ae = e - n; ab = b - n; af = fl - n
		printf "%-44s %11.1f %11.1f %7.3f  <= 1.0 %s\n",
			l ": added cost (ns/event)", ae, ab,
			(ab > 0 ? ae / ab : 0), (ae <= ab ? "met" : "NOT MET")
		printf "%-44s %11.3f %11.3f %7.3f  <= 1.2 %s\n",
			l ": x empty program, per call", e / fl, b / fl, e / fl,
			(e <= 1.2 * fl ? "met" : "NOT MET")
		printf "%-44s %11.3f %11.3f %7.3f\n",
			l ": x empty program, added", ae / af, ab / af, ae / af
	}'
}

machine() {
	echo "machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' \
		/proc/cpuinfo | head -1), $(awk '/MemTotal/ { printf "%.1f GiB",
		$2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
	echo "tools: etrace $("$ETRACE" --version 2>&1 | head -1)" \
		"($ETRACE), $("$BPFTRACE" --version 2>&1 | head -1)"
	echo "runs: $RUNS each, alternating; median, (min..max) below;" \
		"load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
}

machine
in_section startup && bench_startup
in_section rss && bench_rss
in_section event && bench_cost event getppid "$N_SYSCALL" \
	"$TP { @[comm] = count(); }" "$TP { }"
in_section uprobe && bench_cost uprobe func "$N_FUNC" \
	"uprobe:$LOAD:etbench_func { @[comm] = count(); }" \
	"uprobe:$LOAD:etbench_func { }"
in_section printf && bench_printf
in_section cpu && bench_cpu
in_section compile && bench_compile

echo
printf '%-44s %11s %11s %7s  %s\n' metric etrace bpftrace ratio target
if in_section startup; then
	row "start-up: BEGIN { exit(); } (ms)" startup ratio 0.10
	row "  same, etrace object cache warm (ms)" startup_cached ratio 0.10
	row "  same, etrace-run of a compiled artifact (ms)" startup_run ratio 0.10
	row "start-up: tracepoint + map, until attached (ms)" attach ratio 0.20
	row "  same, etrace object cache warm (ms)" attach_cached ratio 0.10
	row "  same, etrace-run of a compiled artifact (ms)" attach_run ratio 0.10
fi
if in_section rss; then
	row "peak RSS: tracepoint @[comm] = count() (MiB)" rss ratio 0.25
	row "  same, sum over the process tree (MiB)" rss_tree ratio 0.25
	row "  same, etrace-run of a compiled artifact (MiB)" rss_run max 6
	row "  its process tree (MiB)" rss_run_tree
	row "etrace-run binary, stripped (MB)" run_size max 3
fi
in_section event && cost_rows event "getppid tracepoint"
in_section uprobe && cost_rows uprobe "uprobe"
if in_section printf; then
	row "printf: records/s drained to a file" printf_rate min 1000000
	row "printf: records lost, flat out ($N_SYSCALL)" printf_lost
	row "  lost as the tool reported them" printf_lost_said
	row "printf: records lost at 100k/s (2 s)" printf100k_lost max 0
fi
if in_section cpu; then
	row "CPU user % of one CPU at 10k printf/s" cpu_user max 1
	row "CPU system % of one CPU at 10k printf/s" cpu_sys
fi
if in_section compile; then
	row "compile: 30-line script (ms)" compile_thirty
	row "compile: $LARGEST_NAME ($(wc -l <"$W/largest.et") lines) (ms)" \
		compile_largest
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit 0
