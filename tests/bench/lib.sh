# shellcheck shell=bash
# Shared by the busy-program benchmarks (python-cost.sh; bash, sourced): a program that waits on a fifo, run untraced or under
# etrace -p, and measured once etrace has attached.
#   bench_init NAME        $tmp, a temp directory removed at exit (with
#                          the etrace of a run still going, interrupted)
#   bench_run PROG... [-- ETRACE ARGS...]
#       runs PROG... FIFO (the fifo is its last argument: it reads one
#       line from it, then measures itself) and prints its stdout; with
#       ETRACE ARGS, under "$etrace -p PID ARGS" (P in an argument is
#       replaced by the pid), output in $tmp/et.out and $tmp/et.err, and
#       the fifo is written once etrace holds 2 BPF links (profile's, one
#       a CPU; pycalls': the USDT probe's and interval's), or after
#       BENCH_ATTACH_TRIES (600) checks 50 ms apart.
# The caller sets $etrace. bench_run runs in a command substitution
# ($(bench_run ...)): it waits for its etrace itself.

bench_init() {
	tmp=$(mktemp -d "/tmp/etrace-$1.XXXXXX") || exit 1
	epid=
	trap bench_cleanup EXIT
}

bench_cleanup() {
	[ -n "$epid" ] && kill -INT "$epid" 2>/dev/null && wait "$epid" 2>/dev/null
	rm -rf "$tmp"
}

# bench_links PID: how many distinct BPF links PID holds
bench_links() {
	cat /proc/"$1"/fdinfo/* 2>/dev/null |
		awk '$1 == "link_id:" { print $2 }' | sort -u | wc -l
}

bench_run() {
	local prog=() p n
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		prog+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	rm -f "$tmp/go"
	mkfifo "$tmp/go"
	"${prog[@]}" "$tmp/go" >"$tmp/out" &
	p=$!
	if [ $# -gt 0 ]; then
		# shellcheck disable=SC2154 # the caller's
		"$etrace" -p "$p" "${@//P/$p}" >"$tmp/et.out" 2>"$tmp/et.err" &
		epid=$!
		for _ in $(seq 1 "${BENCH_ATTACH_TRIES:-600}"); do
			n=$(bench_links "$epid")
			[ "$n" -ge 2 ] && break
			sleep 0.05
		done
	fi
	echo go >"$tmp/go"
	wait "$p"
	[ -n "$epid" ] && { wait "$epid"; epid=; }
	cat "$tmp/out"
}
