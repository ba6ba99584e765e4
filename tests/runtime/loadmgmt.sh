#!/bin/sh
# Load management with real BPF as root (runtime/loadguard.h): rate
# limits count exactly what they drop, sample(N) keeps exactly 1 in N,
# and the overhead guard brings a runaway probe under its budget.
# loadmgmt_target makes a known number of system calls on one CPU; its
# process is the only one the probes' predicates (pid == cpid) let
# through. The bounds checked follow from the design, not from timing:
# a rate limit R over C online CPUs gives each CPU R/C events a second
# and a burst of as many, so a run of S seconds sees at most R*(S+1)
# events in all and at least min(made, R/C) (the first CPU's burst);
# seen + dropped == made exactly. sample(N)'s counters are per CPU and
# the workload is pinned: exactly ceil(made/N).
#   loadmgmt.sh ETRACE ETRACE_RUN LOADMGMT_TARGET CASE
set -u
etrace=$1
etrace_run=$2
target=$3
case=$4

RUN_TIMEOUT=180
. "$(dirname "$0")/rtlib.sh"

MADE=100000
ncpus=$(getconf _NPROCESSORS_ONLN)

num() {	# NAME: the value of map NAME in stdout
	v=$(sed -n "s/^$1: \([0-9]*\)\$/\1/p" "$out")
	[ -n "$v" ] || fail "no $1 in the output"
	echo "$v"
}

# check_rate LIMIT SECONDS SEEN: the rate limit's bounds, and what the
# drop report says adds up to what the target made
check_rate() {
	limit=$1 secs=$2 seen=$3
	has "$out" "made $MADE"
	dropped=$(sed -n "s/.*: \([0-9]*\) events dropped by the rate limit of $limit per second\$/\1/p" "$err")
	[ -n "$dropped" ] || fail "no rate limit report for $limit/s"
	[ $((seen + dropped)) = $MADE ] ||
		fail "seen $seen + dropped $dropped != made $MADE"
	[ "$seen" -le $((limit * (secs + 1))) ] ||
		fail "seen $seen > $limit/s over $secs s and a burst"
	share=$((limit / ncpus))
	[ "$seen" -ge $((share < MADE ? share : MADE)) ] ||
		fail "seen $seen < one CPU's burst of $share"
	[ "$secs" -ge $((MADE / limit - 1)) ] || [ "$dropped" -gt 0 ] ||
		fail "nothing dropped at $limit/s in $secs s"
}

# timed ARGS...: run 0 ARGS; $secs: its wall time in whole seconds,
# rounded up (an upper bound on how long the probes were attached)
timed() {
	t0=$(date +%s%N)
	run 0 "$@"
	secs=$((($(date +%s%N) - t0 + 999999999) / 1000000000))
}

TP=tracepoint:syscalls
case $case in
rate_config)
	timed -c "$target calls $MADE" -e "config = { rate_limit = 1000 }
$TP:sys_enter_getppid /pid == cpid/ { @n = count(); }"
	check_rate 1000 "$secs" "$(num @n)"
	;;
rate_probe)
	# the limit is the probe's own: the other probe sees every call
	timed -c "$target calls $MADE" -e "
$TP:sys_enter_getppid /pid == cpid/ { rate_limit(2000); @n = count(); }
$TP:sys_enter_getpgid /pid == cpid/ { @all = count(); }"
	check_rate 2000 "$secs" "$(num @n)"
	[ "$(num @all)" = $MADE ] || fail "the unlimited probe saw $(num @all)"
	;;
rate_aot)
	# the limit travels in the artifact: etrace-run applies it
	run 0 --compile-only -o "$tmp/a.eta" -e "config = { rate_limit = 1000 }
$TP:sys_enter_getppid /pid == cpid/ { @n = count(); }"
	t0=$(date +%s%N)
	timeout "$RUN_TIMEOUT" "$etrace_run" -c "$target calls $MADE" \
		"$tmp/a.eta" >"$out" 2>"$err" || fail "etrace-run failed"
	secs=$((($(date +%s%N) - t0 + 999999999) / 1000000000))
	check_rate 1000 "$secs" "$(num @n)"
	;;
sample)
	# if (sample(10)), a statement sample(100), and a predicate (&&
	# tests sample(7) only for the target's calls)
	run 0 -c "$target calls $MADE" -e "
$TP:sys_enter_getppid /pid == cpid/ { if (sample(10)) { @ten = count(); } }
$TP:sys_enter_getpgid /pid == cpid/ { @all = count(); sample(100); @hundred = count(); }
$TP:sys_enter_getsid /pid == cpid && sample(7)/ { @seven = count(); }"
	has "$out" "made $MADE"
	[ "$(num @all)" = $MADE ] || fail "@all: $(num @all)"
	[ "$(num @ten)" = $((MADE / 10)) ] || fail "@ten: $(num @ten)"
	[ "$(num @hundred)" = $((MADE / 100)) ] ||
		fail "@hundred: $(num @hundred)"
	[ "$(num @seven)" = $(((MADE + 6) / 7)) ] || fail "@seven: $(num @seven)"
	;;
runaway)
	# a costly probe on a getpid loop with a budget of 0.01%: the guard
	# raises its divisor, then detaches it (the loop's getpid alone
	# costs more than the budget in the gate); the loop goes on
	command -v curl >/dev/null || skip "no curl"
	"$target" spin "$tmp/stop" "$tmp/count" >"$tmp/spin" &
	spin=$!
	bg="$spin"
	wait_exec "$spin" "$target"
	"$etrace" --max-overhead 0.01% --metrics-addr 127.0.0.1:0 -e "
$TP:sys_enter_getpid /pid == $spin/ {
	\$s = 0; for (\$i : 0..100) { \$s += \$i * \$i; } @n = count(); @s = \$s; }" \
		>"$out" 2>"$err" &
	bg="$spin $!"
	ep=$!
	port=
	for _ in $(seq 1 1200); do
		port=$(sed -n 's/^etrace: serving metrics on port \([0-9]*\)$/\1/p' "$err")
		[ -n "$port" ] && grep -q '^Attaching' "$out" && break
		kill -0 "$ep" 2>/dev/null || fail "etrace ended before attaching"
		sleep 0.05
	done
	[ -n "$port" ] || fail "etrace did not serve metrics in 60 s"
	links=
	for _ in $(seq 1 200); do
		links=$(cat /proc/"$ep"/fdinfo/* 2>/dev/null |
			awk '$1 == "link_id:" { print $2 }' | sort -u)
		[ -n "$links" ] && break
		sleep 0.05
	done
	[ -n "$links" ] || fail "etrace holds no link"
	for _ in $(seq 1 2400); do
		grep -q 'detaching' "$err" && break
		kill -0 "$ep" 2>/dev/null || fail "etrace ended"
		sleep 0.05
	done
	has "$err" "^etrace: overhead [0-9.]*% over the budget of 0.01%: $TP:sys_enter_getpid ([0-9.]*%) now runs 1 event in [0-9]*\$"
	has "$err" "^etrace: overhead [0-9.]*% over the budget of 0.01%: detaching $TP:sys_enter_getpid, the costliest probe ([0-9.]*%, already at its largest divisor)\$"
	# the divisors rose, to 1024 before the detach
	grep -o 'now runs 1 event in [0-9]*' "$err" | awk '{ print $NF }' >"$tmp/div"
	sort -n -c "$tmp/div" || fail "divisors not rising: $(cat "$tmp/div")"
	[ "$(tail -1 "$tmp/div")" = 1024 ] || fail "last divisor $(tail -1 "$tmp/div")"
	# its link is gone; the metrics say so
	for _ in $(seq 1 100); do
		now=$(cat /proc/"$ep"/fdinfo/* 2>/dev/null |
			awk '$1 == "link_id:" { print $2 }' | sort -u)
		[ -z "$(echo "$now" | grep -xF "$links")" ] && break
		sleep 0.05
	done
	[ -z "$(echo "$now" | grep -xF "$links")" ] ||
		fail "the probe's link $links is still held"
	# the metric is set just after the link is closed (the message comes
	# first):
	# scraped until it has it (10 s at most)
	for _ in $(seq 1 200); do
		curl -sS -o "$tmp/m" "http://127.0.0.1:$port/metrics" || fail "scrape"
		grep -q "^etrace_probe_detached{probe=\"$TP:sys_enter_getpid\"} 1\$" "$tmp/m" && break
		sleep 0.05
	done
	has "$tmp/m" "^etrace_probe_detached{probe=\"$TP:sys_enter_getpid\"} 1\$"
	has "$tmp/m" "^etrace_probe_sample_divisor{probe=\"$TP:sys_enter_getpid\"} 1024\$"
	has "$tmp/m" "^etrace_probe_dropped_total{probe=\"$TP:sys_enter_getpid\",cause=\"shed\"} [1-9]"
	has "$tmp/m" "^etrace_overhead_ratio "
	# the loop keeps going: another 2^18 calls after the detach
	c0=$(cat "$tmp/count")
	for _ in $(seq 1 2400); do
		[ "$(cat "$tmp/count")" -ge $((c0 + 262144)) ] && break
		sleep 0.05
	done
	[ "$(cat "$tmp/count")" -ge $((c0 + 262144)) ] ||
		fail "the loop stalled at $(cat "$tmp/count")"
	touch "$tmp/stop"
	wait "$spin" || fail "the loop failed"
	made=$(sed -n 's/^made //p' "$tmp/spin")
	[ -n "${LM_DEBUG:-}" ] && cat "$err" "$tmp/m" >&2
	kill -INT "$ep"
	wait "$ep" || fail "etrace failed"
	bg=
	n=$(num @n)
	skipped=$(sed -n 's/.*: \([0-9]*\) events skipped by the overhead guard.*/\1/p' "$err")
	[ -n "$skipped" ] || fail "no report of the skipped events"
	[ $((n + skipped)) -le "$made" ] ||
		fail "ran $n + skipped $skipped > made $made"
	[ "$n" -ge 1 ] || fail "the probe never ran"
	;;
*)
	fail "unknown case"
	;;
esac
exit 0
