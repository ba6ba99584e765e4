#!/bin/bash
# The cost of sampling user stacks (issue #12, a benchmark, not a test):
# profile:hz:999 { @[ustack] = count(); } on a busy -O2
# -fomit-frame-pointer program (stk_c_nofp of tests/progs/stacks, spinning
# 30 frames deep), by etrace, by bpftrace 0.17 and by
# perf record --call-graph dwarf -F 999, each for DURATION seconds.
#   tests/bench/profile-cost.sh [ETRACE [PROGS_DIR]]   (as root)
# ETRACE defaults to build/etrace, PROGS_DIR to build/tests/progs/stacks;
# DURATION (s) defaults to 10. Each tracer samples only the busy
# program's pid (-p P and /pid == P/; perf -p P). The cost of a tracer
# is the CPU time (user + system) of its process(es), from start-up to
# its exit (etrace's compilation and unwind tables, the symbolization
# and printing at exit included), plus, for etrace and bpftrace, the
# run time of their BPF programs, which runs in the sampled task's
# context and is charged to no tracer process (kernel.bpf_stats_enabled, bpftool). For perf, the
# unwinding happens after the fact: perf report's CPU is shown apart.
# Prints a line per tracer (samples, mean frames a sample, CPU, µs per
# sample) and the ratios. A tracer that is not installed is left out.
set -u
here=$(cd "$(dirname "$0")" && pwd)
etrace=${1:-$here/../../build/etrace}
progs=${2:-$here/../../build/tests/progs/stacks}
dur=${DURATION:-10}
busy=$progs/stk_c_nofp
[ "$(id -u)" = 0 ] || { echo "profile-cost: needs root"; exit 1; }
[ -x "$etrace" ] || { echo "profile-cost: no etrace at $etrace"; exit 1; }
[ -x "$busy" ] || { echo "profile-cost: no $busy (make stacks_progs)"; exit 1; }
command -v bpftool >/dev/null || { echo "profile-cost: needs bpftool"; exit 1; }

tmp=$(mktemp -d /tmp/etrace-pcost.XXXXXX)
stats_was=$(cat /proc/sys/kernel/bpf_stats_enabled)
bpid=
cleanup() {
	[ -n "$bpid" ] && kill -9 "$bpid" 2>/dev/null && wait "$bpid" 2>/dev/null
	echo "$stats_was" >/proc/sys/kernel/bpf_stats_enabled
	rm -rf "$tmp"
}
trap cleanup EXIT
echo 1 >/proc/sys/kernel/bpf_stats_enabled

"$busy" deep spin >"$tmp/busy.out" &
bpid=$!
for _ in $(seq 1 100); do
	grep -q ready "$tmp/busy.out" && break
	sleep 0.05
done
grep -q ready "$tmp/busy.out" || { echo "profile-cost: $busy not ready"; exit 1; }
prog="profile:hz:999 /pid == $bpid/ { @[ustack] = count(); }"

# child_ms: sets cms, the user + system CPU (ms) of this shell's
# waited-for children so far (the builtin times, called in this shell:
# a subshell's fork starts at 0)
child_ms() {
	times >"$tmp/times"
	cms=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/)
		print int((u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000) }' \
		"$tmp/times")
}

# bpf_ns PID: run time (ns) of the BPF programs PID holds
bpf_ns() {
	local ns=0 id t
	for id in $(cat /proc/"$1"/fdinfo/* 2>/dev/null |
		awk '$1 == "prog_id:" { print $2 }' | sort -u); do
		t=$(bpftool prog show id "$id" 2>/dev/null |
			sed -n 's/.* run_time_ns \([0-9]*\).*/\1/p')
		ns=$((ns + ${t:-0}))
	done
	echo "$ns"
}

# measure_bpf NAME CMD...: CMD (a BPF tracer printing @[ustack] counts)
# for DURATION s after it attached, then SIGINT; sets cpu (ms, the
# process's, start-up and the map's printing at exit included), bpf (ms,
# its BPF programs') and samples (the sum of the counts)
measure_bpf() {
	local name=$1 t c0
	shift
	child_ms
	c0=$cms
	: >"$tmp/$name.out"
	"$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	t=$!
	for _ in $(seq 1 600); do
		grep -q '^Attaching' "$tmp/$name.out" && break
		sleep 0.05
	done
	sleep "$dur"
	bpf=$(($(bpf_ns $t) / 1000000))
	kill -INT "$t"
	wait "$t"
	child_ms
	cpu=$((cms - c0))
	samples=$(awk '/^\]: / { s += $2 } END { print s + 0 }' "$tmp/$name.out")
	# mean frames a sample: how deep the stacks were unwound
	frames=$(awk '/^@\[/ { f = 0; next } /^\]: / { n += $2; t += f * $2; next }
		/^  *[^ ]/ { f++ }
		END { if (n) printf "%.1f", t / n; else print "-" }' "$tmp/$name.out")
}

# us_per SAMPLES MS: µs per sample
us_per() {
	awk -v n="$1" -v ms="$2" 'BEGIN { if (n > 0) printf "%.1f", ms * 1000 / n; else print "-" }'
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}

printf "%-22s %8s %7s %8s %8s %9s %10s\n" tracer samples frames "cpu ms" \
	"bpf ms" "total ms" "us/sample"
# row NAME SAMPLES FRAMES CPU BPF
row() {
	printf "%-22s %8s %7s %8s %8s %9s %10s\n" "$1" "$2" "$3" "$4" "$5" \
		"$(($4 + $5))" "$(us_per "$2" $(($4 + $5)))"
}

measure_bpf etrace "$etrace" -p "$bpid" -e "$prog"
e_n=$samples e_cpu=$cpu e_bpf=$bpf
row etrace "$e_n" "$frames" "$e_cpu" "$e_bpf"
e_us=$(us_per "$e_n" $((e_cpu + e_bpf)))

b_us=
if command -v bpftrace >/dev/null; then
	measure_bpf bpftrace bpftrace -p "$bpid" -e "$prog"
	row "bpftrace $(bpftrace --version | awk '{ print $2 }')" \
		"$samples" "$frames" "$cpu" "$bpf"
	b_us=$(us_per "$samples" $((cpu + bpf)))
fi

p_us='' p_all=''
if command -v perf >/dev/null; then
	child_ms
	c0=$cms
	perf record -q -e cpu-clock -F 999 --call-graph dwarf -p "$bpid" \
		-o "$tmp/perf.data" -- sleep "$dur" >/dev/null 2>"$tmp/perf.err"
	child_ms
	c1=$cms
	perf report -i "$tmp/perf.data" --stdio --no-children \
		-g folded,0,caller,count >"$tmp/perf.folded" 2>/dev/null
	child_ms
	c2=$cms
	n=$(perf report -i "$tmp/perf.data" --stdio -n --sort pid \
		--no-children -g none 2>/dev/null |
		awk '!/^#/ && NF >= 3 { s += $2 } END { print s + 0 }')
	# frames (user and kernel, inlined ones included) of the folded
	# stacks perf report wrote
	f=$(awk '/^[0-9]+ / { n += $1; t += $1 * split($0, a, ";") }
		END { if (n) printf "%.1f", t / n; else print "-" }' \
		"$tmp/perf.folded")
	row "perf record" "$n" "$f" $((c1 - c0)) 0
	row "perf report" "$n" "$f" $((c2 - c1)) 0
	row "perf record+report" "$n" "$f" $((c2 - c0)) 0
	p_us=$(us_per "$n" $((c1 - c0)))
	p_all=$(us_per "$n" $((c2 - c0)))
fi

echo
# in steady state the tracer process only drains; the BPF side is the
# cost that grows with the samples (and with the depth unwound)
echo "etrace BPF per sample: $(us_per "$e_n" "$e_bpf") us"
[ -n "$b_us" ] && echo "etrace / bpftrace (per sample): $(ratio "$e_us" "$b_us")"
if [ -n "$p_us" ]; then
	echo "etrace / perf record (per sample): $(ratio "$e_us" "$p_us")"
	echo "etrace / perf record+report (per sample): $(ratio "$e_us" "$p_all")"
	echo "etrace BPF only / perf record+report (per sample): $(ratio "$(us_per "$e_n" "$e_bpf")" "$p_all")"
fi
